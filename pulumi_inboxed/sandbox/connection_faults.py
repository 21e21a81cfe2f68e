"""Connection faults: reset the client's connection, or hold a request past the client's timeout,
before the request is processed or after (its reply then lost).

An ASGI app cannot reset a connection: raising before the response starts makes uvicorn answer
500, and returning without a response makes it answer 500 too. So the sandbox reaches the
connection itself: ``SandboxApp`` (app.py) puts the server's transport in the request's scope
(``scope["extensions"]["inboxed.transport"]``; uvicorn's ``send`` is a method of its request
cycle, which holds the transport), and a reset sets ``SO_LINGER`` to 0 and aborts it: the kernel
answers with a TCP RST, and the client, waiting for the reply (the request's body is read first),
sees ``ConnectionResetError`` (``httpx.ReadError``). A server that does not expose its transport
gets ``ConnectionResetError`` raised by the app instead (``httpx.ASGITransport`` passes it on).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pulumi_inboxed.sandbox.faults import InjectedFault

TRANSPORT_EXTENSION = "inboxed.transport"
# SO_LINGER on with a 0 s linger: close() sends RST and drops what is unsent.
RESET_ON_CLOSE = struct.pack("ii", 1, 0)


def remember_transport(scope: Scope, send: Send) -> None:
    """Record the server's transport of this request in ``scope`` (when ``send`` is a method of
    an object holding one, as uvicorn's is)."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if isinstance(transport, asyncio.BaseTransport):
        scope["extensions"] = {**(scope.get("extensions") or {}), TRANSPORT_EXTENSION: transport}


def request_transport(scope: Scope) -> asyncio.BaseTransport | None:
    transport = (scope.get("extensions") or {}).get(TRANSPORT_EXTENSION)
    return transport if isinstance(transport, asyncio.BaseTransport) else None


async def reset_connection(scope: Scope) -> None:
    """Reset the request's connection (TCP RST); a no-op when the client already left."""
    transport = request_transport(scope)
    if transport is None:
        raise ConnectionResetError("sandbox fault: connection reset")
    if transport.is_closing():
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):  # closed under us: nothing left to reset
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, RESET_ON_CLOSE)
    if isinstance(transport, asyncio.WriteTransport):
        transport.abort()
    else:
        transport.close()
    # The transport reports the lost connection on the next loop turns; once it has, the server
    # knows the client is gone and neither answers 500 nor logs a missing response.
    for _ in range(3):
        await asyncio.sleep(0)


async def read_request(receive: Receive) -> None:
    """Read the request's body to its end without acting on it (the request then arrived whole,
    and the reset reaches a client that is waiting for the reply: ``ReadError``)."""
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return


async def process_without_reply(app: ASGIApp, scope: Scope, receive: Receive) -> None:
    """Run the request through ``app`` (its writes take effect) and drop the reply."""

    async def discard(message: Message) -> None:
        return None

    await app(scope, receive, discard)


async def inject_connection_fault(
    fault: InjectedFault, app: ASGIApp, scope: Scope, receive: Receive
) -> None:
    """Serve the request with ``fault`` (a connection fault kind)."""
    if fault.kind in ("reset_after", "timeout_after"):
        await process_without_reply(app, scope, receive)
    else:
        await read_request(receive)
    if fault.kind in ("timeout_before", "timeout_after"):
        await asyncio.sleep(fault.hold_seconds)
    await reset_connection(scope)

"""Messages from the provider process to the Pulumi engine's log, as a program's `pulumi.log`
sends them, instead of lines on stderr (issue 21: repeated warnings run together).

Why not stderr: the engine reads a plugin's stderr line by line and reports every line as a
diagnostic of the stack's row on ONE stream; the display's "Diagnostics:" summary merges all
the payloads of a stream into one message (`mergeStreamPayloadsToSinglePayload` in Pulumi's
`backend/display/progress.go`), so two warnings of unrelated resources can run together, and
none of them lands on the row of the resource it is about. A `LogRequest` sent to the engine
(the `Engine.Log` RPC that `pulumi.log` uses in a program) carries:

- the URN of the resource being handled (`handled_urn()`), so the message lands on
  that resource's row; "" lands on the stack's row;
- a stream ID: 0 (each message printed whole, on its own line, in the summary), or a stream of
  its own that the display merges into one message (`core.repeated_warnings` uses this to make
  a group of repeated warnings one line in the summary);
- `ephemeral`: shown in the live output only, never in the summary nor in the row's counts.

The engine's address is the last argument of the dynamic provider's command line
(`core.engine_watch.engine_address()`). Where no engine started the process (a script, a unit
test, `inboxed adopt`) there is no `EngineLog`, and callers write to stderr as before. A send
that fails (the engine is gone) returns False: the caller falls back to stderr.
"""

from __future__ import annotations

import enum
import itertools
import logging
import os
import sys
import threading
from types import FrameType
from typing import Any

from .engine_watch import ENGINE_GONE, engine_address

log = logging.getLogger("pulumi_inboxed.engine_log")

SEND_TIMEOUT_SECONDS = 10.0
"""A log message the engine does not take within this is written to stderr instead."""

_STREAM_BASE = 1 << 29
"""Stream IDs this process makes start here, far above the engine's own (it numbers plugins'
stdout and stderr streams from 1, one pair per plugin)."""


class Severity(enum.Enum):
    """The engine's `LogSeverity`, by name."""

    DEBUG = "DEBUG"
    INFO = "INFO"
    WARNING = "WARNING"
    ERROR = "ERROR"


_streams = itertools.count(_STREAM_BASE + (os.getpid() % 4096) * 4096)


def new_stream_id() -> int:
    """A stream ID of its own (the display merges one row's payloads of it into one message)."""
    return next(_streams)


class EngineLog:
    """The engine's log at `address` (`host:port`), over one gRPC channel made at first use."""

    def __init__(self, address: str) -> None:
        self.address = address
        self._lock = threading.Lock()
        self._stub: Any = None

    def _engine(self) -> Any:
        with self._lock:
            if self._stub is None:
                import grpc
                from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
                from pulumi.runtime.proto import engine_pb2_grpc

                channel = grpc.insecure_channel(self.address, options=_GRPC_CHANNEL_OPTIONS)
                self._stub = engine_pb2_grpc.EngineStub(channel)
            return self._stub

    def send(
        self,
        severity: Severity,
        message: str,
        *,
        urn: str = "",
        stream_id: int = 0,
        ephemeral: bool = False,
    ) -> bool:
        """Sends one message (waits until the engine took it); False if it could not."""
        if ENGINE_GONE.is_set():
            return False
        try:
            from pulumi.runtime.proto import engine_pb2

            request = engine_pb2.LogRequest(
                severity=getattr(engine_pb2, severity.value),
                message=message,
                urn=urn,
                streamId=stream_id,
                ephemeral=ephemeral,
            )
            self._engine().Log(request, timeout=SEND_TIMEOUT_SECONDS)
            return True
        except Exception as exc:  # the engine is gone or refused: stderr instead
            log.debug("the engine's log at %s did not take a message: %s", self.address, exc)
            return False


_HANDLERS = frozenset({"Check", "Diff", "Create", "Update", "Delete", "Read"})
_SERVICER_MODULES = frozenset({"__main__", "pulumi.dynamic.__main__"})


def handled_urn() -> str:
    """The URN of the resource this thread handles ("" outside a handler): the one
    `core.partial_failure.install()` records (`core.intents.current_urn()`), else the request of
    the dynamic servicer's handler found on this thread's stack (the first handlers of a process
    started before `install()` ran: the first Deletes of a `pulumi destroy`)."""
    from . import intents

    urn = intents.current_urn()
    if urn:
        return urn
    frame: FrameType | None = sys._getframe(1)
    for _ in range(64):
        if frame is None:
            break
        if (
            frame.f_code.co_name in _HANDLERS
            and frame.f_globals.get("__name__") in _SERVICER_MODULES
        ):
            urn = getattr(frame.f_locals.get("request"), "urn", "")
            return urn if isinstance(urn, str) else ""
        frame = frame.f_back
    return ""


_lock = threading.Lock()
_current: EngineLog | None = None
_looked = False


def engine_log() -> EngineLog | None:
    """The engine's log of this process; None where no engine started it."""
    global _current, _looked
    with _lock:
        if not _looked:
            address = engine_address()
            _current = EngineLog(address) if address else None
            _looked = True
        return _current


def use(target: EngineLog | None) -> None:
    """Sends this process's messages to `target` (None: stderr); for tests."""
    global _current, _looked
    with _lock:
        _current, _looked = target, True


def forget() -> None:
    """Looks for the engine again at next use (a new process starts that way; for tests)."""
    global _current, _looked
    with _lock:
        _current, _looked = None, False


__all__ = [
    "EngineLog",
    "Severity",
    "engine_log",
    "forget",
    "handled_urn",
    "new_stream_id",
    "use",
]

"""An API the sandbox serves under a path prefix, with its own error shape and credential.

Each API's subpackage defines one ``ApiSurface`` (in its ``urls.py``): the app's middleware counts
a request by the surface's endpoint-table template (with the prefix, e.g.
``"POST /mailchannels/inbound/v1/domains/batch"``), finds the account its credential names
(``account_of``) and answers an injected fault with ``fault``; the app's exception handlers render
a ``SandboxApiError`` (``render``), an HTTP error, a malformed request and a crash in the API's own
shape (each API's ``errors.py``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping
from dataclasses import KW_ONLY, dataclass
from typing import Any, ClassVar

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import Headers

from pulumi_inboxed.core.endpoint import Endpoint
from pulumi_inboxed.sandbox.context import SandboxContext, bearer_from
from pulumi_inboxed.sandbox.errors import SandboxApiError
from pulumi_inboxed.sandbox.tenants import SandboxAccount

Credentials = Callable[[SandboxAccount], list[str]]
"""An account's credentials for one API (e.g. its InboxedUp tokens)."""

FAULT_MESSAGES: dict[int, str] = {
    429: "Too many requests (injected by the sandbox)",
    502: "The upstream provider failed (injected by the sandbox)",
    503: "Service temporarily unavailable (injected by the sandbox)",
}
# Marks an injected fault's answer where the API's error body cannot say so itself.
INJECTED_HEADER = "X-Sandbox-Injected"


def fault_message(status: int) -> str:
    return FAULT_MESSAGES.get(status, "Internal Server Error (injected by the sandbox)")


@dataclass(eq=False)
class ApiSurface:
    """One simulated API: where it is served, its endpoint table, how it answers errors and whose
    credential a request carries (``Authorization: Bearer``, or the ``key_header``). Subclasses
    override ``render`` (and what differs)."""

    name: str
    prefix: str
    table: tuple[Endpoint, ...]
    credentials: Credentials
    _: KW_ONLY
    key_header: str | None = None
    # Whether Mailin.ai's own fault statuses (310-313) may fault this API's requests.
    mailin_faults: ClassVar[bool] = False

    def owns(self, path: str) -> bool:
        return not self.prefix or path == self.prefix or path.startswith(self.prefix + "/")

    def render(self, exc: SandboxApiError) -> JSONResponse:
        raise NotImplementedError

    def error(self, status: int, message: str, headers: Mapping[str, str] | None) -> JSONResponse:
        """An answer the API itself did not make (an unknown route, a malformed request)."""
        return self.render(SandboxApiError(status, message, headers=dict(headers or {})))

    def fault(self, status: int, headers: dict[str, str]) -> JSONResponse:
        """The answer of an injected fault."""
        return self.render(SandboxApiError(status, fault_message(status), headers=headers))

    def http_error(self, status: int, detail: str, headers: dict[str, str]) -> JSONResponse:
        """A route that does not exist, a method not allowed."""
        return self.error(status, detail, headers)

    def invalid_request(self, exc: RequestValidationError) -> JSONResponse:
        return self.error(400, "Invalid request", None)

    def crash(self, exc: Exception) -> JSONResponse:
        return self.error(500, f"Sandbox error: {type(exc).__name__}", None)

    def credential_of(self, headers: Headers) -> str | None:
        return headers.get(self.key_header) if self.key_header else bearer_from(headers)

    def account_of(self, ctx: SandboxContext, headers: Headers) -> str | None:
        """The account whose credential for this API the request carries, or None."""
        return ctx.account_with(self.credential_of(headers), self.credentials)


ErrorAnswer = Callable[[int, str, Mapping[str, str] | None], JSONResponse]


@dataclass(eq=False)
class HeaderMarkedSurface(ApiSurface):
    """An API whose error body cannot say that a fault was injected: the answer of one carries
    ``INJECTED_HEADER`` and the API's own body for the status (``error`` with no message).
    ``renders`` and ``errors`` are the API's ``render`` and ``error`` (its ``errors.py``)."""

    renders: Callable[[SandboxApiError], JSONResponse]
    errors: ErrorAnswer

    def render(self, exc: SandboxApiError) -> JSONResponse:
        return self.renders(exc)

    def error(self, status: int, message: str, headers: Mapping[str, str] | None) -> JSONResponse:
        return self.errors(status, message, headers)

    def fault(self, status: int, headers: dict[str, str]) -> JSONResponse:
        headers[INJECTED_HEADER] = "1"
        return self.error(status, "", headers)


Handler = Callable[..., Coroutine[Any, Any, Response]]


def route(
    router: APIRouter, endpoint: Endpoint, status_code: int = 200
) -> Callable[[Handler], Handler]:
    """Register a handler on the endpoint table's method and path."""
    return router.api_route(
        endpoint.path, methods=[endpoint.method], status_code=status_code, name=endpoint.doc
    )


Answer = Callable[[Request], Awaitable[Response]]


def request_routes(
    router: APIRouter, answers: Iterable[tuple[Endpoint, Answer]], status_code: int = 200
) -> None:
    """Register, in order, one route per endpoint whose answer needs only the request."""
    for endpoint, answer in answers:
        route(router, endpoint, status_code)(_handler(answer))


def _handler(answer: Answer) -> Handler:
    async def handler(request: Request) -> Response:
        return await answer(request)

    return handler

"""An API the sandbox serves under a path prefix, with its own error shape.

The app's middleware counts a request to such an API by its endpoint-table template (with the
prefix, e.g. ``"POST /mailchannels/inbound/v1/domains/batch"``) and answers an injected fault with
``error(status, message, headers)``, in the API's own shape.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from pulumi_inboxed.core.endpoint import Endpoint

ErrorResponder = Callable[[int, str, Mapping[str, str] | None], JSONResponse]


@dataclass(frozen=True)
class ApiSurface:
    name: str
    prefix: str
    table: tuple[Endpoint, ...]
    error: ErrorResponder
    """An error answer in this API's shape: ``error(status, message, headers)``."""

    def owns(self, path: str) -> bool:
        return path == self.prefix or path.startswith(self.prefix + "/")


FAULT_MESSAGES: dict[int, str] = {
    429: "Too many requests (injected by the sandbox)",
    502: "The upstream provider failed (injected by the sandbox)",
    503: "Service temporarily unavailable (injected by the sandbox)",
}


def fault_message(status: int) -> str:
    return FAULT_MESSAGES.get(status, "Internal Server Error (injected by the sandbox)")


class SurfaceError(Exception):
    """Raised by a route of an `ApiSurface` to answer with ``response`` (its own error shape)."""

    def __init__(self, response: JSONResponse) -> None:
        super().__init__(response.status_code)
        self.response = response


Handler = Callable[..., Coroutine[Any, Any, Response]]


def route(
    router: APIRouter, endpoint: Endpoint, status_code: int = 200
) -> Callable[[Handler], Handler]:
    """Register a handler on the endpoint table's method and path."""
    return router.api_route(
        endpoint.path, methods=[endpoint.method], status_code=status_code, name=endpoint.doc
    )

"""MailChannels Inbound's error shape: ``{"code": <status>, "message": "...", "errors": [...]}``
(``details["errors"]`` of a ``SandboxApiError``)."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi.responses import JSONResponse

from pulumi_inboxed.mailchannels import endpoints as ep
from pulumi_inboxed.sandbox.errors import SandboxApiError
from pulumi_inboxed.sandbox.surfaces import fault_message


def mc_error(
    status: int,
    message: str,
    errors: list[str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = {"code": status, "message": message, "errors": errors or []}
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def fail(status: int, message: str, errors: list[str] | None = None) -> SandboxApiError:
    return SandboxApiError(status, message, {"errors": list(errors or [])})


def render(exc: SandboxApiError) -> JSONResponse:
    errors = exc.details.get("errors")
    listed = [str(item) for item in errors] if isinstance(errors, list) else []
    return mc_error(exc.status, exc.message, listed, exc.headers)


def error(status: int, message: str, headers: Mapping[str, str] | None) -> JSONResponse:
    """An answer the API itself did not make (an injected fault, an unknown route)."""
    if status == ep.RATE_LIMIT_STATUS:
        message = "Service Temporarily Unavailable: more than 100 requests a second (injected)"
    return mc_error(status, message or fault_message(status), [], headers)

"""Pingram's error shape: ``{"trackingId": "...", "error": {"code", "message", "fix", "provider",
"providerCode"}}`` (``details`` of a ``SandboxApiError``: ``code``, ``fix``, ``provider``,
``provider_code``)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from fastapi.responses import JSONResponse

from pulumi_inboxed.sandbox.errors import SandboxApiError
from pulumi_inboxed.sandbox.surfaces import fault_message

UPSTREAM = "ses"
FAULT_CODES = {
    429: "RATE_LIMITED",
    500: "INTERNAL_SERVER_ERROR",
    502: "PROVIDER_ERROR",
    503: "SERVICE_UNAVAILABLE",
}


def fail(
    status: int,
    code: str,
    message: str,
    *,
    fix: str | None = None,
    provider: str | None = None,
    provider_code: str | None = None,
) -> SandboxApiError:
    given = {"fix": fix, "provider": provider, "provider_code": provider_code}
    details: dict[str, object] = {"code": code}
    details.update({key: value for key, value in given.items() if value is not None})
    return SandboxApiError(status, message, details)


def render(exc: SandboxApiError) -> JSONResponse:
    """The body: ``code`` (the status's when the error names none), ``message``, then ``fix``,
    ``provider`` and ``providerCode`` where the error has them."""
    error = {
        "code": str(
            exc.details.get("code") or FAULT_CODES.get(exc.status, "INTERNAL_SERVER_ERROR")
        ),
        "message": exc.message,
    }
    for key, shown in (("fix", "fix"), ("provider", "provider"), ("provider_code", "providerCode")):
        value = exc.details.get(key)
        if value is not None:
            error[shown] = str(value)
    body = {"trackingId": "trk_" + secrets.token_hex(8), "error": error}
    return JSONResponse(body, status_code=exc.status, headers=dict(exc.headers))


def error(status: int, message: str, headers: Mapping[str, str] | None) -> JSONResponse:
    """An answer the API itself did not make (an injected fault, an unknown route)."""
    code = FAULT_CODES.get(status, "INTERNAL_SERVER_ERROR")
    text = message or fault_message(status)
    if status == 502:
        exc = fail(
            status,
            code,
            text,
            fix="Try again later; the email provider is failing.",
            provider=UPSTREAM,
            provider_code="ServiceUnavailable",
        )
    else:
        exc = fail(status, code, text)
    exc.headers = dict(headers or {})
    return render(exc)

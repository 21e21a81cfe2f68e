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


def pingram_error(
    status: int,
    code: str,
    message: str,
    *,
    fix: str | None = None,
    provider: str | None = None,
    provider_code: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    error: dict[str, str] = {"code": code, "message": message}
    for key, value in (("fix", fix), ("provider", provider), ("providerCode", provider_code)):
        if value is not None:
            error[key] = value
    body = {"trackingId": "trk_" + secrets.token_hex(8), "error": error}
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def fail(
    status: int,
    code: str,
    message: str,
    *,
    fix: str | None = None,
    provider: str | None = None,
    provider_code: str | None = None,
) -> SandboxApiError:
    details: dict[str, object] = {"code": code}
    for key, value in (("fix", fix), ("provider", provider), ("provider_code", provider_code)):
        if value is not None:
            details[key] = value
    return SandboxApiError(status, message, details)


def render(exc: SandboxApiError) -> JSONResponse:
    def text(key: str) -> str | None:
        value = exc.details.get(key)
        return str(value) if value is not None else None

    return pingram_error(
        exc.status,
        text("code") or FAULT_CODES.get(exc.status, "INTERNAL_SERVER_ERROR"),
        exc.message,
        fix=text("fix"),
        provider=text("provider"),
        provider_code=text("provider_code"),
        headers=exc.headers,
    )


def error(status: int, message: str, headers: Mapping[str, str] | None) -> JSONResponse:
    """An answer the API itself did not make (an injected fault, an unknown route)."""
    code = FAULT_CODES.get(status, "INTERNAL_SERVER_ERROR")
    if status == 502:
        return pingram_error(
            status,
            code,
            message or fault_message(status),
            fix="Try again later; the email provider is failing.",
            provider=UPSTREAM,
            provider_code="ServiceUnavailable",
            headers=headers,
        )
    return pingram_error(status, code, message or fault_message(status), headers=headers)

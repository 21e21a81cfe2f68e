"""Wire helpers shared by every route: the error envelope, timestamps and ids."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from fastapi.responses import JSONResponse

ERROR_CODES: dict[int, str] = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    422: "VALIDATION_ERROR",
    429: "RATE_LIMITED",
}


def error_code(status: int) -> str:
    """The envelope ``code`` for an HTTP status (every 5xx is ``INTERNAL``)."""
    if status >= 500:
        return "INTERNAL"
    return ERROR_CODES.get(status, "BAD_REQUEST")


def error_body(
    status: int, message: str, details: dict[str, object] | None = None
) -> dict[str, object]:
    return {
        "success": False,
        "error": {"code": error_code(status), "message": message, "details": details or {}},
    }


def error_response(
    status: int,
    message: str,
    details: dict[str, object] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(error_body(status, message, details), status_code=status, headers=headers)


def ok(data: object, status: int = 200) -> JSONResponse:
    """The documented success envelope ``{"success": true, "data": ...}``."""
    return JSONResponse({"success": True, "data": data}, status_code=status)


def timestamp(epoch: float) -> str:
    """``2026-03-12T00:00:00.000Z``: ISO 8601 UTC with milliseconds."""
    moment = datetime.fromtimestamp(epoch, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_id(prefix: str) -> str:
    """``dom_<hex>``, ``batch_<hex>``, ``req_<hex>``, ``sub_<hex>``."""
    return f"{prefix}_{secrets.token_hex(6)}"

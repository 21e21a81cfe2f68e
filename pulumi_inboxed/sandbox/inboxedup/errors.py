"""InboxedUp's error shape: the envelope ``{"success": false, "error": {"code", "message",
"details"}}`` (``envelope.py``, which the control API answers in too)."""

from __future__ import annotations

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from pulumi_inboxed.sandbox.envelope import error_response
from pulumi_inboxed.sandbox.errors import SandboxApiError


def render(exc: SandboxApiError) -> JSONResponse:
    return error_response(exc.status, exc.message, exc.details, exc.headers)


def fault(status: int, headers: dict[str, str]) -> JSONResponse:
    message = "Too many requests" if status == 429 else "Internal error"
    return error_response(
        status, f"{message} (injected by the sandbox)", {"injected": True}, headers
    )


def invalid_request(exc: RequestValidationError) -> JSONResponse:
    return error_response(422, "Invalid request", {"errors": [str(e) for e in exc.errors()]})


def domain_not_found(domain_id: str) -> SandboxApiError:
    return SandboxApiError(404, f"Domain {domain_id} not found", {"id": domain_id})


def mailbox_request_not_found(request_id: str) -> SandboxApiError:
    return SandboxApiError(404, f"Mailbox request {request_id} not found", {"id": request_id})

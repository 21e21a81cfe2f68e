"""Mailin.ai's error shape: ``{"message": "..."}`` with, on a 422, ``errors`` by field (Laravel);
``details`` of a ``SandboxApiError`` are the body's other keys."""

from __future__ import annotations

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from pulumi_inboxed.mailin import endpoints
from pulumi_inboxed.sandbox.errors import SandboxApiError
from pulumi_inboxed.sandbox.surfaces import INJECTED_HEADER

# Bodies of the injected 31x faults: the page's meaning of each status.
MAILIN_FAULT_MESSAGES: dict[int, str] = {
    endpoints.API_COMMUNICATION_ERROR: (
        "API Communication Error: error communicating with another API. You may try again."
    ),
    endpoints.REQUEST_REFUSED: (
        "Request Refused: the request cannot be completed because the data was not prepared."
    ),
    endpoints.SUBSCRIPTION_REQUIRED: (
        "Subscription Required: you do not have an active subscription."
    ),
    endpoints.INCOMPLETE_ACTION: (
        "Incomplete Action: an error occurred mid-process; some parts may be incomplete."
    ),
    429: "Too Many Attempts.",
}
SERVER_ERROR_MESSAGE = "Server Error"


def fault_message(status: int) -> str:
    return MAILIN_FAULT_MESSAGES.get(status, SERVER_ERROR_MESSAGE)


def mailin_error(status: int, body: dict[str, object]) -> SandboxApiError:
    """An error answered with ``body`` (``{"message": ..., ...}``) and ``status``."""
    details = {key: value for key, value in body.items() if key != "message"}
    return SandboxApiError(status, str(body.get("message", "")), details)


def render(exc: SandboxApiError) -> JSONResponse:
    return JSONResponse(
        {"message": exc.message, **exc.details}, status_code=exc.status, headers=exc.headers
    )


def fault(status: int, headers: dict[str, str]) -> JSONResponse:
    headers[INJECTED_HEADER] = "1"  # the body is only {"message": ...}, as the API's
    return JSONResponse({"message": fault_message(status)}, status_code=status, headers=headers)


def http_error(status: int, detail: str, headers: dict[str, str]) -> JSONResponse:
    return JSONResponse({"message": detail}, status_code=status, headers=headers)


def invalid_request(exc: RequestValidationError) -> JSONResponse:
    return JSONResponse({"message": "The given data was invalid."}, status_code=422)


def crash(exc: Exception) -> JSONResponse:
    return JSONResponse({"message": SERVER_ERROR_MESSAGE}, status_code=500)

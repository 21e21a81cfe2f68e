"""One error hierarchy for every provider API.

Each error keeps the provider's own message, code and details, so a user sees what the API said.
No error ever carries a credential: request headers are never copied into an error.
"""

from __future__ import annotations

from typing import Any


class InboxedError(Exception):
    """Base of every error this package raises."""


class ConfigError(InboxedError):
    """A provider setting is missing or invalid (names the setting and how to set it)."""


class WaitTimeoutError(InboxedError):
    """An asynchronous operation did not reach its target within the bound the user set."""


class TransportError(InboxedError):
    """The API could not be reached (connection refused, reset, timed out)."""

    def __init__(self, provider: str, method: str, path: str, reason: str) -> None:
        self.provider = provider
        self.method = method
        self.path = path
        self.reason = reason
        super().__init__(f"{provider}: {method} {path} failed: {reason}")


class ApiError(InboxedError):
    """The API answered with an error status."""

    def __init__(
        self,
        provider: str,
        status: int,
        message: str,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        method: str = "",
        path: str = "",
        retry_after: float | None = None,
    ) -> None:
        self.provider = provider
        self.status = status
        self.message = message
        self.code = code
        self.details = details or {}
        self.method = method
        self.path = path
        self.retry_after = retry_after
        self.config_key: str | None = None
        """The config key that overrides the endpoint's path (set on a 404 of a path that is our
        choice, by `ApiClient.send`)."""
        self.doc: str | None = None
        where = f" ({method} {path})" if method else ""
        code_part = f" {code}" if code else ""
        super().__init__(f"{provider} API error {status}{code_part}{where}: {message}")

    def name_endpoint(self, key: str | None, doc: str, hint: str) -> None:
        """Adds to the message where the path is set (`hint`), keeping everything else."""
        self.config_key, self.doc = key, doc
        self.args = (f"{self.args[0]}; {hint}", *self.args[1:])


class BadRequestError(ApiError):
    """400: the request was refused as malformed or not allowed in the current state."""


class AuthenticationError(ApiError):
    """401: no valid token."""


class PermissionDeniedError(ApiError):
    """403: the token may not do this (or a limit forbids it)."""


class NotFoundError(ApiError):
    """404: the object does not exist (or is not yours)."""


class ConflictError(ApiError):
    """409: the object exists already or belongs to someone else."""


class UnprocessableError(ApiError):
    """422: the request is well-formed but a field is invalid."""


class RateLimitedError(ApiError):
    """429: too many requests; `retry_after` says when to come back, when the API said so."""


class ServerError(ApiError):
    """5xx: the API failed."""


_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableError,
    429: RateLimitedError,
}


def error_class_for(status: int) -> type[ApiError]:
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status >= 500:
        return ServerError
    return ApiError

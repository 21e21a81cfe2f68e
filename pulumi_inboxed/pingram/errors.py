"""Pingram's structured errors.

The body: `{"trackingId", "error": {"code", "message", "fix", "provider", "providerCode"}}`.
"""

from __future__ import annotations

from typing import Any

from ..core.errors import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
)

ALREADY_EXISTS = "DOMAIN_ALREADY_EXISTS"
"""The 400's code when the sender domain is there already (our choice: no page lists it)."""


class PingramError(ApiError):
    """Keeps every field of Pingram's error object."""

    def __init__(self, provider: str, status: int, message: str, **kw: Any) -> None:
        super().__init__(provider, status, message, **kw)
        self.tracking_id: str | None = self.details.get("trackingId")
        self.fix: str | None = self.details.get("fix")
        self.upstream_provider: str | None = self.details.get("provider")
        self.provider_code: str | None = self.details.get("providerCode")

    def __str__(self) -> str:
        text = super().__str__()
        if self.fix:
            text += f" (fix: {self.fix})"
        if self.upstream_provider:
            code = f" {self.provider_code}" if self.provider_code else ""
            text += f" [{self.upstream_provider}{code}]"
        if self.tracking_id:
            text += f" trackingId={self.tracking_id}"
        return text


class UsageLimitError(PingramError):
    """402: the account's usage limits are exceeded (not retried: it will not pass by itself)."""


class ProviderError(PingramError):
    """502: the upstream email provider (e.g. SES) failed; `upstream_provider` and
    `provider_code` say which and why. Distinct from `UsageLimitError` and from a 5xx of Pingram."""


class PingramBadRequestError(PingramError, BadRequestError):
    """400: validation errors, invalid input."""


class PingramAuthError(PingramError, AuthenticationError):
    """401."""


class PingramForbiddenError(PingramError, PermissionDeniedError):
    """403."""


class PingramNotFoundError(PingramError, NotFoundError):
    """404 (the sandbox's answer for an unknown sender; not on Pingram's pages)."""


class PingramConflictError(PingramError, ConflictError):
    """409."""


class PingramRateLimitedError(PingramError, RateLimitedError):
    """429 (retried)."""


class PingramServerError(PingramError, ServerError):
    """500, 503, 504: Pingram itself failed."""


BY_STATUS: dict[int, type[PingramError]] = {
    400: PingramBadRequestError,
    401: PingramAuthError,
    402: UsageLimitError,
    403: PingramForbiddenError,
    404: PingramNotFoundError,
    409: PingramConflictError,
    429: PingramRateLimitedError,
    500: PingramServerError,
    502: ProviderError,
    503: PingramServerError,
    504: PingramServerError,
}

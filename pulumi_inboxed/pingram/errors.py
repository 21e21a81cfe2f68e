"""Pingram's structured errors.

The body: `{"trackingId", "error": {"code", "message", "fix", "provider", "providerCode"}}`.
"""

from __future__ import annotations

from typing import Any

from ..core.errors import ApiError


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
    """402: the account's usage limits are exceeded."""


class ProviderError(PingramError):
    """502: the upstream email provider (e.g. SES) failed."""


class PingramBadRequestError(PingramError):
    """400."""


class PingramAuthError(PingramError):
    """401."""


class PingramNotFoundError(PingramError):
    """404."""


class PingramServerError(PingramError):
    """500."""


BY_STATUS: dict[int, type[PingramError]] = {
    400: PingramBadRequestError,
    401: PingramAuthError,
    402: UsageLimitError,
    404: PingramNotFoundError,
    500: PingramServerError,
    502: ProviderError,
}

"""Mailin.ai's own status codes as errors (the page: 310-313), and unavailable domains."""

from __future__ import annotations

from typing import Any

from ..core.errors import ApiError, UnprocessableError


class ApiCommunicationError(ApiError):
    """310: Mailin.ai could not talk to another API. "You may try again." """


class RequestRefusedError(ApiError):
    """311: "The request cannot be completed because the data was not prepared." """


class SubscriptionRequiredError(ApiError):
    """312: "You do not have an active subscription." """


class IncompleteActionError(ApiError):
    """313: "An error occurred mid-process; some parts may be incomplete." """


class DomainsUnavailableError(UnprocessableError):
    """422 on a purchase: `domains` names the ones that cannot be bought."""

    def __init__(self, provider: str, status: int, message: str, **kw: Any) -> None:
        super().__init__(provider, status, message, **kw)
        raw = self.details.get("unavailable")
        if isinstance(raw, dict):
            self.domains = [str(v) for v in raw.values()]
        elif isinstance(raw, list):
            self.domains = [str(v) for v in raw]
        else:
            self.domains = []


CUSTOM_STATUS_ERRORS: dict[int, type[ApiError]] = {
    310: ApiCommunicationError,
    311: RequestRefusedError,
    312: SubscriptionRequiredError,
    313: IncompleteActionError,
}

"""Mailin.ai's own status codes as errors (the page: 310-313), and unavailable domains."""

from __future__ import annotations

import re
from typing import Any

from ..core.errors import ApiError, InboxedError, UnprocessableError


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


class LoginFailedError(InboxedError):
    """The login with `mailin:email` and `mailin:password` failed (after retrying transient
    failures): names the login's method and path, the status and Mailin.ai's message, never the
    password. Raised as itself wherever a call needed the token, so a failed login is never
    reported as the failure of the call that needed it."""

    def __init__(self, message: str, status: int | None = None) -> None:
        self.status = status
        super().__init__(message)

    @classmethod
    def from_api(
        cls, exc: ApiError, keys: str = "mailin:email and mailin:password"
    ) -> LoginFailedError:
        """`keys`: where the login's email and password are set (a named account's own)."""
        hint = f"; check {keys}" if exc.status in (401, 403, 422) else " (retried; try again later)"
        return cls(
            f"{exc.provider}: login failed ({exc.method} {exc.path}): status {exc.status}: "
            f"{exc.message}{hint}",
            exc.status,
        )


class InsufficientCreditsError(InboxedError):
    """A verification would cost more credits than the account has: raised before it starts
    (our check), or from Mailin.ai's 422 ("You need 500 credits ..., but you only have 200.")."""

    def __init__(self, needed: int, left: int) -> None:
        self.needed, self.left = needed, left
        super().__init__(
            f"this verification needs {needed} credits, but the account has {left} left"
        )


_CREDITS_RE = re.compile(r"need (\d+) credits.*only have (\d+)", re.IGNORECASE | re.DOTALL)


def credits_error(exc: UnprocessableError) -> InsufficientCreditsError | None:
    """The 422 of a verification the account cannot pay for, as `InsufficientCreditsError`."""
    match = _CREDITS_RE.search(exc.message)
    return InsufficientCreditsError(int(match[1]), int(match[2])) if match else None


CUSTOM_STATUS_ERRORS: dict[int, type[ApiError]] = {
    310: ApiCommunicationError,
    311: RequestRefusedError,
    312: SubscriptionRequiredError,
    313: IncompleteActionError,
}

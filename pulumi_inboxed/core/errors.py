"""One error hierarchy for every provider API.

Each error keeps the provider's own message, code and details, so a user sees what the API said.
No error ever carries a credential: request headers are never copied into an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar


@dataclass(frozen=True)
class CredentialHint:
    """Whose credential a client sends and where it is set, for the messages of a refusal:
    never the credential's value.

    :param api: the API's name as messages show it ("InboxedUp").
    :param account: the account's name under `<api>:accounts`; None: the default account.
    :param key: the config key that holds the credential (`inboxedup:accounts.b.apiToken`).
    :param how_to_set: the command (and variable) that sets it.
    :param what: the credential in words ("token", "API key").
    """

    api: str
    account: str | None
    key: str
    how_to_set: str
    what: str = "token"

    @property
    def label(self) -> str:
        """`InboxedUp account 'client-b'`, or `InboxedUp (default account)`."""
        if self.account is None:
            return f"{self.api} (default account)"
        return f"{self.api} account {self.account!r}"


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


E = TypeVar("E", bound="ApiError")


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
        self.credential_key: str | None = None
        """The config key of the refused credential (a 401 or 403 of a client that knows it)."""
        where = f" ({method} {path})" if method else ""
        code_part = f" {code}" if code else ""
        super().__init__(f"{provider} API error {status}{code_part}{where}: {message}")

    def as_class(self, cls: type[E]) -> E:
        """The same answer as an error of class `cls`: a meaning its status alone does not
        tell (a 422 naming the domains that cannot be bought, a 400 meaning "already made")."""
        return cls(
            self.provider,
            self.status,
            self.message,
            code=self.code,
            details=self.details,
            method=self.method,
            path=self.path,
            retry_after=self.retry_after,
        )

    def name_credential(self, hint: CredentialHint) -> None:
        """Names the account and the config key in the message of a refused credential (401)
        or a refused request (403), keeping the API's own words; never the credential."""
        self.credential_key = hint.key
        where = f"; {self.method} {self.path}" if self.method else ""
        code = f" {self.code}" if self.code else ""
        said = f"{self.status}{code}: {self.message}{where}"
        if self.status == 401:
            text = (
                f"{hint.label}: the API refused the {hint.what} ({said}): set it with "
                f"{hint.how_to_set}"
            )
        else:
            text = (
                f"{hint.label}: the API refused the request ({said}); the account's "
                f"{hint.what} is `{hint.key}`"
            )
        self.args = (text, *self.args[1:])

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

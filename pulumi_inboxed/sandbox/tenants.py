"""Named accounts of the sandbox: who a request is, by the credential it carries.

The sandbox serves several accounts at once, each with its own state (its own SQLite file, see
``store.py``), isolated by credential: a request authenticated with account A's InboxedUp token,
Mailin.ai token (configured, or issued by a login with A's email and password), MailChannels API
key or Pingram API key sees and changes A's objects only (B's ids answer 404 to A; lists show only
A's). The flat credentials of ``SandboxSettings`` are the account named ``default``; more come from
``SandboxSettings.accounts`` (``--accounts-file``, ``$SANDBOX_ACCOUNTS``) or, at run time, from
``POST /_sandbox/accounts``. A credential belongs to one account only.

The account of the request being served is held in a context variable: the app's middleware sets
it from the request's credential (control routes: from their ``?account=`` parameter), and the
store, the counters and the fault queue read it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

DEFAULT_ACCOUNT = "default"
ACCOUNT_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
ACCOUNTS_ENV = "SANDBOX_ACCOUNTS"
# The four APIs, as the middleware names them when it resolves a request's account.
INBOXEDUP = "inboxedup"
MAILIN = "mailin"
MAILCHANNELS = "mailchannels"
PINGRAM = "pingram"


def check_account_name(name: str) -> str:
    if not re.fullmatch(ACCOUNT_NAME_PATTERN, name):
        raise ValueError(
            f"account name {name!r} must match {ACCOUNT_NAME_PATTERN} "
            "(a letter or digit, then up to 63 letters, digits, '_', '.' or '-')"
        )
    return name


class SandboxAccount(BaseModel):
    """One account's credentials for each API (each optional: an account without an API's
    credential simply cannot call that API)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    inboxedup_tokens: list[str] = Field(default_factory=list)
    mailin_email: str | None = Field(default=None, min_length=1)
    mailin_password: str | None = Field(default=None, min_length=1)
    mailin_tokens: list[str] = Field(default_factory=list)
    mailchannels_api_keys: list[str] = Field(default_factory=list)
    pingram_api_keys: list[str] = Field(default_factory=list)

    @field_validator(
        "inboxedup_tokens", "mailin_tokens", "mailchannels_api_keys", "pingram_api_keys"
    )
    @classmethod
    def _not_blank(cls, value: list[str]) -> list[str]:
        if any(not item.strip() for item in value):
            raise ValueError("credentials must not be blank")
        return value

    @model_validator(mode="after")
    def _login_whole(self) -> SandboxAccount:
        if (self.mailin_email is None) != (self.mailin_password is None):
            raise ValueError("mailin_email and mailin_password go together")
        return self

    def credentials(self) -> Iterator[tuple[str, str]]:
        """``(what, value)`` for each credential, the Mailin.ai login email lower-cased."""
        for token in self.inboxedup_tokens:
            yield "an InboxedUp token", token
        if self.mailin_email is not None:
            yield "a Mailin.ai login email", self.mailin_email.strip().lower()
        for token in self.mailin_tokens:
            yield "a Mailin.ai token", token
        for key in self.mailchannels_api_keys:
            yield "a MailChannels API key", key
        for key in self.pingram_api_keys:
            yield "a Pingram API key", key

    def public_view(self) -> dict[str, object]:
        """What the control API shows: counts, never a secret."""
        return {
            "inboxedup_token_count": len(self.inboxedup_tokens),
            "mailin_login": self.mailin_email is not None,
            "mailin_token_count": len(self.mailin_tokens),
            "mailchannels_api_key_count": len(self.mailchannels_api_keys),
            "pingram_api_key_count": len(self.pingram_api_keys),
        }


def credential_clashes(accounts: Mapping[str, SandboxAccount]) -> list[str]:
    """One sentence per credential that more than one account holds (the value never shown)."""
    owners: dict[str, str] = {}
    clashes: list[str] = []
    for name, account in accounts.items():
        for what, value in account.credentials():
            owner = owners.setdefault(value, name)
            if owner != name:
                clashes.append(f"{what} of account {name!r} already belongs to account {owner!r}")
    return clashes


@dataclass
class RequestAccount:
    """The account a request acts as; ``name`` None: its credential is nobody's (yet: a Mailin.ai
    login sets it once the email and password are checked)."""

    name: str | None


_REQUEST_ACCOUNT: ContextVar[RequestAccount | None] = ContextVar(
    "inboxed_sandbox_account", default=None
)


def request_account() -> RequestAccount | None:
    return _REQUEST_ACCOUNT.get()


def current_account() -> str:
    """The account whose state the store reads and writes now (``default`` outside a request or
    when the request's credential is nobody's)."""
    holder = _REQUEST_ACCOUNT.get()
    return holder.name if holder is not None and holder.name is not None else DEFAULT_ACCOUNT


def select_account(name: str) -> None:
    """Act as ``name`` for the rest of the request (a Mailin.ai login, once it is checked)."""
    holder = _REQUEST_ACCOUNT.get()
    if holder is None:
        _REQUEST_ACCOUNT.set(RequestAccount(name))
    else:
        holder.name = name


@contextmanager
def acting_as(name: str | None) -> Iterator[RequestAccount]:
    """Serve what runs inside as account ``name`` (None: an unknown credential)."""
    holder = RequestAccount(name)
    reset = _REQUEST_ACCOUNT.set(holder)
    try:
        yield holder
    finally:
        _REQUEST_ACCOUNT.reset(reset)

"""The Mailin.ai backend: the account's state (``models_store.py`` with its sections
``models_accounts.py``, ``models_azure.py``, ``models_verification.py``) and every rule of the API.

``MailinBackend`` raises ``SandboxApiError`` (rendered as ``{"message": ...}`` by ``errors.py``)
and acts on the account being served, so tests can drive it without HTTP. It holds the rules of
logins, tokens, jobs and purchases itself, and reaches the others as:

- ``domains``: ``MailinDomains`` (``models_domains.py``), domains and their jobs;
- ``mailboxes``: ``MailinMailboxes`` (``models_mailboxes.py``), mailboxes and their jobs;
- ``accounts``: ``MailinAccounts`` (``models_providers.py``), inbox providers and registrars;
- ``azure``: ``MailinAzure`` (``models_orders.py``), Azure orders and their uploads;
- ``verification``: ``MailinVerification`` (``models_tasks.py``), verification and credits.

The route modules (``responses*.py``) only parse a request, call the backend and render.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pulumi_inboxed.sandbox.backend import Backend
from pulumi_inboxed.sandbox.context import same_secret
from pulumi_inboxed.sandbox.mailin.credentials import hash_secret, split_token, token_secret
from pulumi_inboxed.sandbox.mailin.models_domains import MailinDomains
from pulumi_inboxed.sandbox.mailin.models_mailboxes import MailinMailboxes
from pulumi_inboxed.sandbox.mailin.models_orders import MailinAzure
from pulumi_inboxed.sandbox.mailin.models_providers import MailinAccounts
from pulumi_inboxed.sandbox.mailin.models_store import MailinStore
from pulumi_inboxed.sandbox.mailin.models_tasks import MailinVerification
from pulumi_inboxed.sandbox.mailin.validation import validation_error
from pulumi_inboxed.sandbox.settings import SandboxSettings
from pulumi_inboxed.sandbox.tenants import acting_as

CREDENTIALS_MESSAGE = "The provided credentials are incorrect."


@dataclass(frozen=True)
class IssuedToken:
    account: str
    token: str
    """``"<id>|<secret>"``: shown once, stored as a hash of the secret only."""


class MailinBackend(Backend[MailinStore]):
    """Mailin.ai's rules over the account's store; settings and clock read per call."""

    def __init__(
        self,
        store: MailinStore,
        settings: Callable[[], SandboxSettings],
        clock: Callable[[], float],
    ) -> None:
        super().__init__(store, settings, clock)
        self.domains = MailinDomains(store, settings, clock)
        self.mailboxes = MailinMailboxes(store, self.domains)
        self.accounts = MailinAccounts(store.accounts, clock)
        self.azure = MailinAzure(store.azure, self.accounts, settings, clock)
        self.verification = MailinVerification(store.verification, settings, clock)

    # Logins and tokens

    def login_owner(self, email: str, password: str) -> str | None:
        """The account whose login this is (every account compared, in constant time)."""
        owner: str | None = None
        for name, account in self.settings.all_accounts().items():
            if account.mailin_email is None or account.mailin_password is None:
                continue
            right_email = same_secret(email.lower(), account.mailin_email.strip().lower())
            right_password = same_secret(password, account.mailin_password)
            if right_email and right_password and owner is None:
                owner = name
        return owner

    def login(self, email: str, password: str, device: str) -> IssuedToken:
        """A token bound to the account whose email and password these are; 422 otherwise."""
        owner = self.login_owner(email, password)
        if owner is None:
            raise validation_error({"email": [CREDENTIALS_MESSAGE]})
        secret = token_secret()
        with acting_as(owner):
            token_id = self.store.issue_token(hash_secret(secret), device, self.clock())
        return IssuedToken(owner, f"{token_id}|{secret}")

    def issued_token_owner(self, token: str) -> str | None:
        """The account a login issued ``token`` in (and that has not revoked it), or None."""
        parts = split_token(token)
        if parts is None:
            return None
        digest = hash_secret(parts[1])
        for name in self.settings.all_accounts():
            with acting_as(name):
                stored = self.store.token_hash(parts[0])
            if stored is not None and same_secret(digest, stored):
                return name
        return None

    def logout(self, token: str) -> bool:
        """Revoke an issued token of the account being served; False for a configured token."""
        parts = split_token(token)
        return parts is not None and self.store.accounts.tokens.revoke(parts[0])

    def live_tokens(self) -> int:
        return self.store.accounts.tokens.live()

    # Jobs and purchases

    def job_deadline(self, now: float) -> float:
        """When a job created now (and what it creates) is done: ``mailin_job_seconds`` scaled."""
        return self.domains.job_deadline(now)

    def purchases(self) -> dict[str, int]:
        """Domains actually bought (persisted): name -> times bought."""
        return self.store.purchases()

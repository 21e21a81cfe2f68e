"""Mailin.ai's mailbox rules: creation (SMTP or Google, all or none, a job; each username's domain
in the account and of the right kind), listing, job status, name, password, delete, and the
Google-only TOTP, credentials, signature and forwarding, over the account's store. Raises
``SandboxApiError`` in Mailin.ai's terms (``validation.py``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from pulumi_inboxed.mailin.endpoints import MAILBOX_PASSWORD_LENGTH
from pulumi_inboxed.sandbox.mailin.credentials import (
    app_password,
    generate_password,
    totp,
    totp_secret,
)
from pulumi_inboxed.sandbox.mailin.models_domains import MailinDomains
from pulumi_inboxed.sandbox.mailin.models_store import (
    MAILBOX_JOB,
    MailinDomainRow,
    MailinJobRow,
    MailinMailboxRow,
    MailinStore,
)
from pulumi_inboxed.sandbox.mailin.validation import (
    Checker,
    message_error,
    not_found,
    validation_error,
)
from pulumi_inboxed.sandbox.mailin.views import GOOGLE, SMTP

GOOGLE_ONLY_MESSAGE = (
    "This action is allowed only for mailboxes connected with the google provider."
)
NO_FORWARDING_MESSAGE = "No forwarding is set up for this mailbox."


def split_name(name: str) -> tuple[str, str]:
    """``"Mary Ann Smith"`` -> ``("Mary", "Ann Smith")``; one word -> ``(word, "")``."""
    first, _, last = name.strip().partition(" ")
    return first, last.strip()


@dataclass(frozen=True)
class ShownMailbox:
    """A mailbox with the name of its domain (its hosts are ``mail.<domain>``)."""

    row: MailinMailboxRow
    domain_name: str


class MailinMailboxes:
    """The account's mailboxes and their jobs; settings and clock read per call (through the
    domains' rules, whose job timer mailboxes share)."""

    def __init__(self, store: MailinStore, domains: MailinDomains) -> None:
        self.store = store
        self.domains = domains

    def clock(self) -> float:
        return self.domains.clock()

    # Reads

    def _shown(self, row: MailinMailboxRow, names: dict[int, str] | None = None) -> ShownMailbox:
        if names is None:
            domain = self.store.get_domain(row.domain_id)
            name = domain.name if domain is not None else row.username.rpartition("@")[2]
        else:
            name = names.get(row.domain_id, row.username.rpartition("@")[2])
        return ShownMailbox(row, name)

    def _domain_names(self) -> dict[int, str]:
        return {row.id: row.name for row in self.store.list_domains()}

    def get(self, mailbox_id: int) -> MailinMailboxRow:
        row = self.store.get_mailbox(mailbox_id)
        if row is None:
            raise not_found("Mailbox")
        return row

    def shown(self, mailbox_id: int) -> ShownMailbox:
        return self._shown(self.get(mailbox_id))

    def google(self, mailbox_id: int) -> MailinMailboxRow:
        """A Google mailbox of the account (404 if none; 422 for an SMTP one)."""
        row = self.get(mailbox_id)
        if row.provider_type != GOOGLE:
            raise message_error(422, GOOGLE_ONLY_MESSAGE)
        return row

    def listed(self, needle: str = "", keep: str | None = None) -> list[ShownMailbox]:
        """The account's mailboxes whose name or username holds ``needle``, of kind ``keep``."""
        names = self._domain_names()
        return [
            self._shown(row, names)
            for row in self.store.list_mailboxes()
            if (needle in row.name.lower() or needle in row.username.lower())
            and (keep is None or row.provider_type == keep)
        ]

    def job(self, job_id: str) -> tuple[MailinJobRow, list[ShownMailbox]]:
        """A mailbox job and the mailboxes it creates."""
        job = self.store.get_job(job_id)
        if job is None or job.kind != MAILBOX_JOB:
            raise not_found("Mailbox")
        names = self._domain_names()
        return job, [self._shown(row, names) for row in self.store.list_mailboxes(job.id)]

    # Creation

    def _domain_of(
        self, checker: Checker, field: str, username: str, provider_type: str
    ) -> MailinDomainRow | None:
        """The account's domain of ``username``, of the right provider (else an error on it)."""
        domain_name = username.rpartition("@")[2]
        domain = self.store.domain_by_name(domain_name)
        if domain is None:
            checker.fail(field, f"The domain {domain_name} of {field} is not in your account.")
            return None
        if provider_type == GOOGLE and domain.provider_type != GOOGLE:
            checker.fail(
                field,
                f"The domain {domain_name} is not a Google domain: "
                "Google mailboxes need a domain bought or transferred as Google.",
            )
            return None
        if provider_type == SMTP and domain.provider_type == GOOGLE:
            checker.fail(
                field,
                f"The domain {domain_name} is a Google domain: create its mailboxes with "
                "/mailboxes/add/google.",
            )
            return None
        return domain

    def create(
        self, provider_type: str, entries: list[object], checker: Checker | None = None
    ) -> MailinJobRow:
        """Create every entry (``{"username", "name", "password"?}``, Google:
        ``{"username", "first_name", "last_name"}``) or none, in one job: active when the job is
        done. Errors go to ``checker`` (the request's, so the entries' errors join those of the
        rest of the body in order) and answer as one 422; a username already taken is a 422 too.
        """
        checker = checker if checker is not None else Checker({})
        now = self.clock()
        active_at = self.domains.job_deadline(now)
        rows: list[MailinMailboxRow] = []
        field_of: dict[str, str] = {}
        for prefix, entry in checker.objects("mailboxes", entries):
            username = checker.email(f"{prefix}.username", entry.get("username"))
            first_name = last_name = None
            password: str | None = None
            if provider_type == GOOGLE:
                first_name = checker.string(f"{prefix}.first_name", entry.get("first_name"))
                last_name = checker.string(f"{prefix}.last_name", entry.get("last_name"))
                name = f"{first_name} {last_name}" if first_name and last_name else None
            else:
                name = checker.string(f"{prefix}.name", entry.get("name"))
                low, high = MAILBOX_PASSWORD_LENGTH
                password = checker.string(
                    f"{prefix}.password",
                    entry.get("password"),
                    required=False,
                    min_length=low,
                    max_length=high,
                )
            if username is None:
                continue
            if username in field_of:
                checker.fail(
                    f"{prefix}.username", f"The {prefix}.username field has a duplicate value."
                )
                continue
            field_of[username] = f"{prefix}.username"
            domain = self._domain_of(checker, f"{prefix}.username", username, provider_type)
            if domain is None or name is None or checker.failed(f"{prefix}.password"):
                continue
            rows.append(
                MailinMailboxRow(
                    domain_id=domain.id,
                    job_id="",
                    provider_type=provider_type,
                    username=username,
                    name=name,
                    first_name=first_name,
                    last_name=last_name,
                    password=password or generate_password(),
                    secret=totp_secret(),
                    app_password=app_password(),
                    created_at=now,
                    updated_at=now,
                    active_at=active_at,
                )
            )
        checker.done()
        job = MailinJobRow(
            id=str(uuid.uuid4()), kind=MAILBOX_JOB, created_at=now, done_at=active_at
        )

        def check(existing: list[MailinMailboxRow]) -> None:
            if existing:
                raise validation_error(
                    {
                        field_of[row.username]: [
                            f"The {field_of[row.username]} has already been taken."
                        ]
                        for row in existing
                    }
                )

        self.store.add_mailboxes(rows, job, check)
        return job

    # Changes

    def rename(self, mailbox_id: int, name: str) -> None:
        """A new display name (a Google mailbox's first and last names follow it)."""
        row = self.get(mailbox_id)
        name = name.strip()
        if row.provider_type == GOOGLE:
            first, last = split_name(name)
            self.store.update_mailbox(
                row.id, self.clock(), name=name, first_name=first, last_name=last
            )
        else:
            self.store.update_mailbox(row.id, self.clock(), name=name)

    def set_password(self, mailbox_id: int, password: str | None) -> None:
        row = self.get(mailbox_id)
        self.store.update_mailbox(row.id, self.clock(), password=password)

    def delete(self, mailbox_id: int) -> None:
        if not self.store.delete_mailbox(mailbox_id):
            raise not_found("Mailbox")

    # Google only

    def totp(self, mailbox_id: int) -> tuple[str, int]:
        """The Google mailbox's current TOTP code and when it expires."""
        row = self.google(mailbox_id)
        code, expires_at = totp(row.secret, self.clock())
        return code, expires_at

    def set_signature(self, mailbox_id: int, signature: str | None) -> None:
        """Set (None: remove) a Google mailbox's signature."""
        row = self.google(mailbox_id)
        self.store.update_mailbox(row.id, self.clock(), signature=signature)

    def set_forwarding(self, mailbox_id: int, address: str | None, *, existing: bool) -> None:
        """Forward a Google mailbox to ``address`` (None: stop); ``existing``: only where a
        forwarding is already set up (a 422 otherwise)."""
        row = self.google(mailbox_id)
        if existing and row.redirect_email is None:
            raise message_error(422, NO_FORWARDING_MESSAGE)
        self.store.update_mailbox(row.id, self.clock(), redirect_email=address)

"""Mailin.ai's domain rules: buy (all or none, a job, one purchase each), transfer (plain or from
Inboxkit), subdomains, availability, listing, forwarding, jobs and delete, over the account's
store. Raises ``SandboxApiError`` in Mailin.ai's terms (``errors.mailin_error``)."""

from __future__ import annotations

import re
import uuid

from pulumi_inboxed.sandbox.backend import Backend
from pulumi_inboxed.sandbox.errors import SandboxApiError
from pulumi_inboxed.sandbox.mailin.errors import mailin_error
from pulumi_inboxed.sandbox.mailin.models_store import (
    DOMAIN_JOB,
    MailinDomainRow,
    MailinJobRow,
    MailinStore,
)
from pulumi_inboxed.sandbox.mailin.validation import message_error, not_found
from pulumi_inboxed.sandbox.mailin.views import SMTP

UNAVAILABLE_MESSAGE = "The requested domain(s) are unavailable."
EXISTS_MESSAGE = "Domain already exists in your account."
# domain_provider shown for each way a domain enters the account (subdomains inherit theirs).
BOUGHT_PROVIDER = "dynadot"
TRANSFERRED_PROVIDER = "external"
INBOXKIT_PROVIDER = "inboxkit"


def _exists_error(field_of: dict[str, str], existing: list[MailinDomainRow]) -> SandboxApiError:
    names = sorted({row.name for row in existing})
    return mailin_error(
        422,
        {
            "message": EXISTS_MESSAGE,
            "errors": {
                field_of[name]: [f"The domain {name} already exists in your account."]
                for name in names
            },
        },
    )


class MailinDomains(Backend[MailinStore]):
    """The account's domains and their jobs; settings and clock read per call."""

    def job_deadline(self, now: float) -> float:
        """When a job created now (and what it creates) is done: ``mailin_job_seconds`` scaled."""
        return now + self.settings.scaled(self.settings.mailin_job_seconds)

    def unavailable(self, name: str) -> bool:
        """No one can buy ``name`` (``mailin_unavailable_pattern``)."""
        return re.search(self.settings.mailin_unavailable_pattern, name) is not None

    def available(self, name: str) -> bool:
        return self.store.domain_by_name(name) is None and not self.unavailable(name)

    def get(self, domain_id: int) -> MailinDomainRow:
        row = self.store.get_domain(domain_id)
        if row is None:
            raise not_found("Domain")
        return row

    def buy(
        self, names: list[str], fields: list[str], provider_type: str, single: bool
    ) -> MailinJobRow:
        """Buy every name or none: rows at once, active when the job is done, one purchase each.
        A name already in the account is a 422 naming its request ``field``; an unavailable one a
        422 listing it (``single``: as an object, else a list)."""
        now = self.clock()
        active_at = self.job_deadline(now)
        field_of = dict(zip(names, fields, strict=True))
        job = MailinJobRow(id=str(uuid.uuid4()), kind=DOMAIN_JOB, created_at=now, done_at=active_at)

        def check(existing: list[MailinDomainRow]) -> None:
            if existing:
                raise _exists_error(field_of, existing)
            unavailable = [name for name in names if self.unavailable(name)]
            if unavailable:
                listed: object = {"domain": unavailable[0]} if single else unavailable
                raise mailin_error(422, {"message": UNAVAILABLE_MESSAGE, "unavailable": listed})

        rows = [
            MailinDomainRow(
                name=name,
                main_domain=name,
                provider_type=provider_type,
                domain_provider=BOUGHT_PROVIDER,
                origin="buy",
                created_at=now,
                updated_at=now,
                active_at=active_at,
            )
            for name in names
        ]
        self.store.add_domains(rows, check, job=job, purchase=True)
        return job

    def transfer(
        self, name: str, provider_type: str, inboxkit: bool = False, uid: str | None = None
    ) -> MailinDomainRow:
        """A domain brought in (from Inboxkit with ``uid``), active when its job is done."""
        now = self.clock()

        def check(existing: list[MailinDomainRow]) -> None:
            if existing:
                raise message_error(422, EXISTS_MESSAGE)

        row = MailinDomainRow(
            name=name,
            main_domain=name,
            provider_type=provider_type,
            domain_provider=INBOXKIT_PROVIDER if inboxkit else TRANSFERRED_PROVIDER,
            origin="inboxkit" if inboxkit else "transfer",
            uid=uid,
            created_at=now,
            updated_at=now,
            active_at=self.job_deadline(now),
        )
        return self.store.add_domains([row], check)[0]

    def add_subdomain(self, prefix: str, parent_name: str) -> MailinDomainRow:
        """``<prefix>.<parent>`` under an active domain of the account, of the parent's kind."""
        parent_name = parent_name.strip().lower().rstrip(".")
        now = self.clock()
        parent = self.store.domain_by_name(parent_name)
        if parent is None or now < parent.active_at:
            raise message_error(
                422, f"The specified domain '{parent_name}' does not exist or is not active."
            )

        def check(existing: list[MailinDomainRow]) -> None:
            if existing:
                raise message_error(422, "Subdomain already exists.")

        row = MailinDomainRow(
            name=f"{prefix}.{parent.name}",
            main_domain=parent.name,
            provider_type=parent.provider_type,
            domain_provider=parent.domain_provider,
            origin="subdomain",
            created_at=now,
            updated_at=now,
            active_at=self.job_deadline(now),
        )
        return self.store.add_domains([row], check)[0]

    def listed(
        self,
        needle: str = "",
        keep: str | None = None,
        provider: str | None = None,
        skip_provider: str | None = None,
    ) -> list[MailinDomainRow]:
        """The account's domains whose name holds ``needle``, of kind ``keep``, from (or not from)
        a ``provider``."""
        return [
            row
            for row in self.store.list_domains()
            if needle in row.name
            and (keep is None or row.provider_type == keep)
            and (provider is None or row.domain_provider == provider)
            and (skip_provider is None or row.domain_provider != skip_provider)
        ]

    def main_list(self, needle: str = "") -> list[MailinDomainRow]:
        """``GET /domains``: every domain of the account; with ``mailin_separate_domain_lists``
        (the stricter reading of the page) only SMTP domains that are not Inboxkit transfers."""
        if self.settings.mailin_separate_domain_lists:
            return self.listed(needle, keep=SMTP, skip_provider=INBOXKIT_PROVIDER)
        return self.listed(needle)

    def set_forwarding(self, domain_id: int, field: str, target: str | None) -> None:
        """Set (None: remove) ``forward_to`` or ``email_forward_to`` of a domain."""
        if not self.store.update_domain(domain_id, self.clock(), **{field: target}):
            raise not_found("Domain")

    def job(self, job_id: str) -> MailinJobRow:
        job = self.store.get_job(job_id)
        if job is None or job.kind != DOMAIN_JOB:
            raise not_found("Domain")
        return job

    def delete(self, domain_id: int) -> None:
        """Delete a domain and its mailboxes."""
        if not self.store.delete_domain(domain_id):
            raise not_found("Domain")

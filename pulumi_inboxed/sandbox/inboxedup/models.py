"""The InboxedUp backend: the account's state (``models_store.py``) and the API's rules.

``InboxedUpBackend`` answers in rows and plain values and raises ``SandboxApiError``; the routes
(``responses.py``) parse requests, call it and render views. It acts on the account being served
(``accounts.current_account()``, set per request by the app; ``default`` in a test that calls it
directly), so tests can drive it without HTTP.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pulumi_inboxed.inboxedup import mailbox_limit
from pulumi_inboxed.inboxedup.endpoints import MAX_NOTES_LENGTH
from pulumi_inboxed.inboxedup.mailbox_limit import MAILBOX_LIMITS
from pulumi_inboxed.sandbox.backend import Backend
from pulumi_inboxed.sandbox.envelope import new_id
from pulumi_inboxed.sandbox.errors import SandboxApiError
from pulumi_inboxed.sandbox.inboxedup.errors import domain_not_found, mailbox_request_not_found
from pulumi_inboxed.sandbox.inboxedup.lifecycle import (
    ACTIVE,
    FAIL_PATTERN_REASON,
    IN_PROGRESS,
    PENDING,
    PENDING_NS,
    domain_deadlines,
    domain_status,
    mailbox_deadlines,
    mailbox_status,
)
from pulumi_inboxed.sandbox.inboxedup.models_store import (
    DomainRow,
    InboxedUpStore,
    MailboxRequestRow,
    SubscriptionRow,
)
from pulumi_inboxed.sandbox.inboxedup.nameservers import UNPROPAGATED_NS
from pulumi_inboxed.sandbox.inboxedup.validation import MailboxRequestBody
from pulumi_inboxed.sandbox.inboxedup.views import domain_ns


@dataclass(frozen=True)
class Allocation:
    type: str
    allocated: int
    used: int

    @property
    def remaining(self) -> int:
        return max(0, self.allocated - self.used)


@dataclass(frozen=True)
class AccountOverview:
    created_at: float
    allocations: tuple[Allocation, ...]
    total_domains: int
    active_domains: int
    pending_mailbox_requests: int


@dataclass(frozen=True)
class Submitted:
    batch_id: str
    added: list[DomainRow]
    rejected: list[tuple[str, str]]
    """``(name, existing id)`` of each name already in the account."""


@dataclass(frozen=True)
class NsCheck:
    row: DomainRow
    ns1: str | None
    ns2: str | None
    verified: bool
    found: list[str]


class InboxedUpBackend(Backend[InboxedUpStore]):
    """InboxedUp's rules over the account's store; ``settings`` and ``clock`` are read per call
    (the control API may change the settings at run time)."""

    # Account and subscriptions

    def overview(self, created_at: float) -> AccountOverview:
        now = self.clock()
        domains = self.store.list_domains()
        allocated = {kind.upper(): 0 for kind in MAILBOX_LIMITS}
        for sub in self.store.list_subscriptions():
            if sub.status == "ACTIVE" and sub.type in allocated:
                allocated[sub.type] += sub.quantity
        used = dict.fromkeys(allocated, 0)
        pending_requests = 0
        for req in self.store.list_mailbox_requests():
            status = mailbox_status(req, now)
            if mailbox_limit.counts(status):
                used[req.type.upper()] += len(req.mailboxes)
            if status in (PENDING, IN_PROGRESS):
                pending_requests += 1
        return AccountOverview(
            created_at=created_at,
            allocations=tuple(Allocation(k, allocated[k], used[k]) for k in allocated),
            total_domains=len(domains),
            active_domains=sum(1 for d in domains if domain_status(d, now) == ACTIVE),
            pending_mailbox_requests=pending_requests,
        )

    def subscriptions(self) -> list[SubscriptionRow]:
        return self.store.list_subscriptions()

    def update_subscription_notes(self, subscription_id: str, notes: object) -> SubscriptionRow:
        if not isinstance(notes, str):
            raise SandboxApiError(422, "notes must be a string", {"field": "notes"})
        if len(notes) > MAX_NOTES_LENGTH:
            raise SandboxApiError(
                422, f"notes are at most {MAX_NOTES_LENGTH} characters", {"field": "notes"}
            )
        sub = self.store.update_subscription_notes(subscription_id, notes)
        if sub is None:
            raise SandboxApiError(
                404, f"Subscription {subscription_id} not found", {"id": subscription_id}
            )
        return sub

    # Domains

    def submit_domains(self, names: list[str]) -> Submitted:
        """A new batch of ``names`` (names already in the account are rejected); each domain
        runs QUEUED -> PENDING_NS -> ACTIVE on the settings' timers, or FAILED for a name
        matching ``fail_pattern``."""
        settings = self.settings
        now = self.clock()
        pending_at, active_at = domain_deadlines(settings, now)
        fail_pattern = re.compile(settings.fail_pattern)
        batch_id = new_id("batch")
        candidates = [
            DomainRow(
                id=new_id("dom"),
                name=name,
                batch_id=batch_id,
                created_at=now,
                pending_at=pending_at,
                active_at=active_at,
                fail_reason=FAIL_PATTERN_REASON if fail_pattern.search(name) else None,
            )
            for name in names
        ]
        added, rejected = self.store.submit_batch(batch_id, now, candidates)
        return Submitted(batch_id, added, rejected)

    def list_domains(self, batch_id: str | None = None, name: str | None = None) -> list[DomainRow]:
        rows = self.store.list_domains(batch_id)
        return [row for row in rows if name is None or row.name == name]

    def batch(self, batch_id: str) -> list[DomainRow]:
        if not self.store.batch_exists(batch_id):
            raise SandboxApiError(404, f"Batch {batch_id} not found", {"id": batch_id})
        return self.store.list_domains(batch_id)

    def get_domain(self, domain_id: str) -> DomainRow:
        row = self.store.get_domain(domain_id)
        if row is None:
            raise domain_not_found(domain_id)
        return row

    def remove_domain(self, domain_id: str) -> None:
        if not self.store.remove_domain(domain_id, self.clock()):
            raise domain_not_found(domain_id)

    def verify_ns(self, domain_id: str) -> NsCheck:
        """Check the nameservers: found (and ``ns_propagated``) makes a PENDING_NS domain ACTIVE."""
        row = self.get_domain(domain_id)
        now = self.clock()
        ns1, ns2 = domain_ns(row, now)
        verified = ns1 is not None and self.settings.ns_propagated
        found = [ns for ns in (ns1, ns2) if ns is not None] if verified else list(UNPROPAGATED_NS)
        if verified and domain_status(row, now) == PENDING_NS:
            self.store.activate_domain(domain_id, now)
            row = self.store.get_domain(domain_id) or row
        return NsCheck(row, ns1, ns2, verified, found)

    def force_domain_status(
        self, domain_id: str, status: str | None, reason: str | None
    ) -> DomainRow:
        """Control: force a status (None lifts it; the timers decide again)."""
        if not self.store.force_domain_status(domain_id, status, reason):
            raise domain_not_found(domain_id)
        return self.get_domain(domain_id)

    # Mailbox requests

    def request_mailboxes(self, body: MailboxRequestBody) -> MailboxRequestRow:
        """A mailbox request on an ACTIVE domain of the account, within the per-domain limit of
        its type (mailboxes of FAILED requests do not count)."""
        domain = self.store.domain_by_name(body.domain)
        if domain is None:
            raise SandboxApiError(
                404, f"Domain {body.domain} not found in this account", {"domain": body.domain}
            )
        now = self.clock()
        status = domain_status(domain, now)
        if status != ACTIVE:
            raise SandboxApiError(
                400,
                f"Domain {body.domain} is {status}; mailboxes need an ACTIVE domain",
                {"domain": body.domain, "domainStatus": status},
            )

        def within_limit(existing: list[MailboxRequestRow]) -> None:
            used = mailbox_limit.used_slots(
                ((req.type, mailbox_status(req, now), len(req.mailboxes)) for req in existing),
                body.type,
            )
            over = mailbox_limit.overflow(body.type, len(body.mailboxes), used)
            if over is not None:
                raise SandboxApiError(
                    403,
                    f"Limit of {over.limit} {body.type} mailboxes per domain reached for "
                    f"{body.domain}",
                    {
                        "domain": body.domain,
                        "type": body.type,
                        "limit": over.limit,
                        "used": over.used,
                        "requested": over.adding,
                    },
                )

        in_progress_at, completed_at = mailbox_deadlines(self.settings, now)
        row = MailboxRequestRow(
            id=new_id("req"),
            domain_id=domain.id,
            domain_name=domain.name,
            type=body.type,
            created_at=now,
            in_progress_at=in_progress_at,
            completed_at=completed_at,
            mailboxes=body.mailboxes,
        )
        self.store.create_mailbox_request(row, within_limit)
        return row

    def list_mailbox_requests(
        self, domain_name: str | None = None
    ) -> list[tuple[MailboxRequestRow, DomainRow | None]]:
        """Each request with its domain (removed or not)."""
        return [
            (req, self.store.get_domain_any(req.domain_id))
            for req in self.store.list_mailbox_requests(domain_name)
        ]

    def get_mailbox_request(self, request_id: str) -> tuple[MailboxRequestRow, DomainRow | None]:
        req = self.store.get_mailbox_request(request_id)
        if req is None:
            raise mailbox_request_not_found(request_id)
        return req, self.store.get_domain_any(req.domain_id)

    def force_mailbox_status(
        self, request_id: str, status: str | None, reason: str | None
    ) -> tuple[MailboxRequestRow, DomainRow | None]:
        """Control: force a request's status (``reason`` becomes its ``adminNotes``)."""
        if not self.store.force_mailbox_status(request_id, status, reason):
            raise mailbox_request_not_found(request_id)
        return self.get_mailbox_request(request_id)

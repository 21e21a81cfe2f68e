"""JSON shapes of the InboxedUp objects, field for field as docs/inboxedup-api.md gives them."""

from __future__ import annotations

import hashlib

from pulumi_inboxed.sandbox.envelope import timestamp
from pulumi_inboxed.sandbox.inboxedup.lifecycle import (
    ACTIVE,
    FAILED,
    PENDING_NS,
    QUEUED,
    domain_failure_reason,
    domain_status,
    has_nameservers,
    mailbox_admin_notes,
    mailbox_status,
)
from pulumi_inboxed.sandbox.inboxedup.models_store import (
    DomainRow,
    MailboxEntry,
    MailboxRequestRow,
    SubscriptionRow,
)
from pulumi_inboxed.sandbox.inboxedup.nameservers import ns_pair_for

NsPair = tuple[str | None, str | None]


def domain_ns(row: DomainRow, now: float) -> NsPair:
    if not has_nameservers(row, now):
        return None, None
    return ns_pair_for(row.name)


def domain_view(row: DomainRow, now: float) -> dict[str, object]:
    ns1, ns2 = domain_ns(row, now)
    return {
        "id": row.id,
        "domain": row.name,
        "status": domain_status(row, now),
        "batchId": row.batch_id,
        "ns1": ns1,
        "ns2": ns2,
        "failureReason": domain_failure_reason(row, now),
        "createdAt": timestamp(row.created_at),
    }


def batch_overall_status(counts: dict[str, int], total: int) -> str:
    """QUEUED (all queued), PROCESSING (none active yet), PARTIAL (some active),
    COMPLETED (all active, or nothing left in the batch), FAILED (all failed)."""
    if total == 0 or counts[ACTIVE] == total:
        return "COMPLETED"
    if counts[FAILED] == total:
        return "FAILED"
    if counts[QUEUED] == total:
        return "QUEUED"
    if counts[ACTIVE] > 0:
        return "PARTIAL"
    return "PROCESSING"


def batch_view(batch_id: str, rows: list[DomainRow], now: float) -> dict[str, object]:
    counts = {QUEUED: 0, PENDING_NS: 0, ACTIVE: 0, FAILED: 0}
    groups: dict[NsPair, list[dict[str, object]]] = {}
    for row in rows:
        status = domain_status(row, now)
        counts[status] = counts.get(status, 0) + 1
        groups.setdefault(domain_ns(row, now), []).append(
            {
                "id": row.id,
                "domain": row.name,
                "status": status,
                "createdAt": timestamp(row.created_at),
            }
        )
    return {
        "batchId": batch_id,
        "status": batch_overall_status(counts, len(rows)),
        "total": len(rows),
        "queued": counts[QUEUED],
        "pending_ns": counts[PENDING_NS],
        "active": counts[ACTIVE],
        "failed": counts[FAILED],
        "groups": [
            {"ns1": ns1, "ns2": ns2, "domains": members} for (ns1, ns2), members in groups.items()
        ],
    }


def mailbox_entries_view(entries: tuple[MailboxEntry, ...], domain: str) -> list[dict[str, object]]:
    return [
        {
            "firstName": entry.first_name,
            "lastName": entry.last_name,
            "mailboxUsername": entry.username,
            "domainName": domain,
        }
        for entry in entries
    ]


def mailbox_request_view(
    row: MailboxRequestRow, domain: DomainRow | None, now: float
) -> dict[str, object]:
    ns1, ns2 = domain_ns(domain, now) if domain is not None else (None, None)
    return {
        "id": row.id,
        "type": row.type.upper(),
        "domain": row.domain_name,
        "domainId": row.domain_id,
        "domainStatus": domain_status(domain, now) if domain is not None else None,
        "ns1": ns1,
        "ns2": ns2,
        "status": mailbox_status(row, now),
        "adminNotes": mailbox_admin_notes(row, now),
        "createdAt": timestamp(row.created_at),
        "mailboxes": _with_credentials(
            mailbox_entries_view(row.mailboxes, row.domain_name), row, now
        ),
    }


def _with_credentials(
    entries: list[dict[str, object]], row: MailboxRequestRow, now: float
) -> list[dict[str, object]]:
    """Once a request is COMPLETED each mailbox carries a password (our choice: the page shows
    none), so that clients' secret handling is exercised. Stable for a request and username."""
    if mailbox_status(row, now) != "COMPLETED":
        return entries
    for entry in entries:
        seed = f"{row.id}:{entry['mailboxUsername']}:{row.created_at!r}".encode()
        entry["password"] = "Sbx-" + hashlib.sha256(seed).hexdigest()[:16]
    return entries


def subscription_view(row: SubscriptionRow) -> dict[str, object]:
    return {
        "id": row.id,
        "type": row.type,
        "quantity": row.quantity,
        "status": row.status,
        "notes": row.notes,
        "renewsAt": timestamp(row.renews_at),
    }

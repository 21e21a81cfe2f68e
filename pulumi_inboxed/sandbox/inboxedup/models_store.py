"""SQLite persistence of InboxedUp's state: batches, domains, mailbox requests, subscriptions
(same file and connection as the top-level ``store.py``, one file per account).

Timers are stored as absolute deadlines (epoch seconds) fixed when an object is created; the
current status is derived from them when read (see ``lifecycle.py``).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace

from pulumi_inboxed.sandbox.envelope import new_id
from pulumi_inboxed.sandbox.store_section import StoreSection, from_row, insert, values_of

INBOXEDUP_SCHEMA = """
CREATE TABLE IF NOT EXISTS batches (id TEXT PRIMARY KEY, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS domains (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    batch_id TEXT NOT NULL,
    created_at REAL NOT NULL,
    pending_at REAL NOT NULL,
    active_at REAL NOT NULL,
    fail_reason TEXT,
    forced_status TEXT,
    forced_reason TEXT,
    removed_at REAL
);
CREATE INDEX IF NOT EXISTS domains_name ON domains (name);
CREATE INDEX IF NOT EXISTS domains_batch ON domains (batch_id);
CREATE TABLE IF NOT EXISTS mailbox_requests (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    domain_id TEXT NOT NULL,
    domain_name TEXT NOT NULL,
    type TEXT NOT NULL,
    created_at REAL NOT NULL,
    in_progress_at REAL NOT NULL,
    completed_at REAL NOT NULL,
    forced_status TEXT,
    forced_reason TEXT,
    mailboxes TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS mailbox_requests_domain ON mailbox_requests (domain_id);
CREATE TABLE IF NOT EXISTS subscriptions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    status TEXT NOT NULL,
    notes TEXT NOT NULL,
    renews_at REAL NOT NULL
);
"""

# The two subscriptions every fresh sandbox starts with (quantities as in the account example).
INBOXEDUP_TABLES = ("batches", "domains", "mailbox_requests", "subscriptions")

# The two subscriptions every fresh account starts with (quantities as in the account example).
SEED_SUBSCRIPTIONS: tuple[tuple[str, int], ...] = (("MICROSOFT", 10), ("SMTP", 50))
RENEWAL_PERIOD_SECONDS = 30 * 24 * 3600.0
# The integer ids of an account other than ``default`` start at a multiple of this.

DOMAIN_COLUMNS = (
    "seq, id, name, batch_id, created_at, pending_at, active_at, fail_reason, "
    "forced_status, forced_reason, removed_at"
)
MAILBOX_COLUMNS = (
    "seq, id, domain_id, domain_name, type, created_at, in_progress_at, completed_at, "
    "forced_status, forced_reason, mailboxes"
)
SUBSCRIPTION_COLUMNS = "id, type, quantity, status, notes, renews_at"
LIVE_DOMAINS = f"SELECT {DOMAIN_COLUMNS} FROM domains WHERE removed_at IS NULL"
MAILBOX_REQUESTS = f"SELECT {MAILBOX_COLUMNS} FROM mailbox_requests"


@dataclass(frozen=True, kw_only=True)
class Forcible:
    """What a domain and a mailbox request share: a status the control API may force (drift;
    ``forced_reason`` says why), and ``seq``, the order they were added in."""

    forced_status: str | None = None
    forced_reason: str | None = None
    seq: int = 0


@dataclass(frozen=True)
class DomainRow(Forcible):
    id: str
    name: str
    batch_id: str
    created_at: float
    pending_at: float
    active_at: float
    fail_reason: str | None = None
    removed_at: float | None = None


@dataclass(frozen=True)
class MailboxEntry:
    first_name: str
    last_name: str
    username: str


@dataclass(frozen=True)
class MailboxRequestRow(Forcible):
    id: str
    domain_id: str
    domain_name: str
    type: str
    created_at: float
    in_progress_at: float
    completed_at: float
    mailboxes: tuple[MailboxEntry, ...]


@dataclass(frozen=True)
class SubscriptionRow:
    id: str
    type: str
    quantity: int
    status: str
    notes: str
    renews_at: float


def _domain(row: sqlite3.Row) -> DomainRow:
    return from_row(DomainRow, row)


def _mailbox_request(row: sqlite3.Row) -> MailboxRequestRow:
    entries = tuple(
        MailboxEntry(first_name=item[0], last_name=item[1], username=item[2])
        for item in json.loads(row["mailboxes"])
    )
    return from_row(MailboxRequestRow, row, mailboxes=entries)


def _subscription(row: sqlite3.Row) -> SubscriptionRow:
    return from_row(SubscriptionRow, row)


class InboxedUpStore(StoreSection):
    """InboxedUp's tables of the account being served."""

    @staticmethod
    def seed(conn: sqlite3.Connection, now: float) -> None:
        """The subscriptions of a fresh account."""
        for kind, quantity in SEED_SUBSCRIPTIONS:
            conn.execute(
                "INSERT INTO subscriptions (id, type, quantity, status, notes, renews_at) "
                "VALUES (?, ?, ?, 'ACTIVE', '', ?)",
                (new_id("sub"), kind, quantity, now + RENEWAL_PERIOD_SECONDS),
            )

    # Domains and batches

    def submit_batch(
        self, batch_id: str, created_at: float, candidates: list[DomainRow]
    ) -> tuple[list[DomainRow], list[tuple[str, str]]]:
        """Create a batch and add the candidates whose name is not already in the account.

        Returns the added rows and, for each skipped name, ``(name, existing id)``.
        """
        added: list[DomainRow] = []
        rejected: list[tuple[str, str]] = []
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO batches (id, created_at) VALUES (?, ?)", (batch_id, created_at)
            )
            for row in candidates:
                existing = conn.execute(
                    "SELECT id FROM domains WHERE name = ? AND removed_at IS NULL", (row.name,)
                ).fetchone()
                if existing is not None:
                    rejected.append((row.name, existing["id"]))
                    continue
                new = replace(row, forced_status=None, forced_reason=None, removed_at=None)
                seq = insert(conn, "domains", values_of(new, skip=("seq",)))
                added.append(replace(new, seq=seq))
        return added, rejected

    def batch_exists(self, batch_id: str) -> bool:
        found = self._one(lambda row: True, "SELECT 1 FROM batches WHERE id = ?", (batch_id,))
        return found is not None

    def get_domain(self, domain_id: str) -> DomainRow | None:
        """A domain still in the account (removed ones are not returned)."""
        return self._one(_domain, f"{LIVE_DOMAINS} AND id = ?", (domain_id,))

    def get_domain_any(self, domain_id: str) -> DomainRow | None:
        """A domain by id, removed or not."""
        return self._one(
            _domain, f"SELECT {DOMAIN_COLUMNS} FROM domains WHERE id = ?", (domain_id,)
        )

    def domain_by_name(self, name: str) -> DomainRow | None:
        return self._one(_domain, f"{LIVE_DOMAINS} AND name = ?", (name,))

    def list_domains(self, batch_id: str | None = None) -> list[DomainRow]:
        """Domains still in the account, oldest first, optionally of one batch."""
        return self._all_or_only(_domain, LIVE_DOMAINS, "seq", "batch_id", batch_id)

    def remove_domain(self, domain_id: str, now: float) -> bool:
        return self._changed(
            "UPDATE domains SET removed_at = ? WHERE id = ? AND removed_at IS NULL",
            (now, domain_id),
        )

    def force_domain_status(self, domain_id: str, status: str | None, reason: str | None) -> bool:
        return self._changed(
            "UPDATE domains SET forced_status = ?, forced_reason = ? "
            "WHERE id = ? AND removed_at IS NULL",
            (status, reason, domain_id),
        )

    def activate_domain(self, domain_id: str, now: float) -> None:
        """NS found: the domain is ACTIVE from now on (a forced PENDING_NS is lifted)."""
        self._changed(
            "UPDATE domains SET pending_at = MIN(pending_at, ?), "
            "active_at = MIN(active_at, ?), "
            "forced_status = CASE WHEN forced_status = 'PENDING_NS' THEN NULL "
            "ELSE forced_status END WHERE id = ?",
            (now, now, domain_id),
        )

    # Mailbox requests

    def create_mailbox_request(
        self, row: MailboxRequestRow, check: Callable[[list[MailboxRequestRow]], None]
    ) -> None:
        """Insert ``row`` after ``check`` (which may raise) has seen the requests of its domain."""
        with self._transaction() as conn:
            self._check_existing(
                conn, _mailbox_request, MAILBOX_REQUESTS, "domain_id", [row.domain_id], check, "seq"
            )
            mailboxes = [[m.first_name, m.last_name, m.username] for m in row.mailboxes]
            values = values_of(row, skip=("seq", "forced_status", "forced_reason"))
            insert(conn, "mailbox_requests", {**values, "mailboxes": json.dumps(mailboxes)})

    def get_mailbox_request(self, request_id: str) -> MailboxRequestRow | None:
        return self._one(_mailbox_request, f"{MAILBOX_REQUESTS} WHERE id = ?", (request_id,))

    def list_mailbox_requests(self, domain_name: str | None = None) -> list[MailboxRequestRow]:
        return self._all_or_only(
            _mailbox_request, MAILBOX_REQUESTS, "seq", "domain_name", domain_name
        )

    def force_mailbox_status(self, request_id: str, status: str | None, reason: str | None) -> bool:
        return self._changed(
            "UPDATE mailbox_requests SET forced_status = ?, forced_reason = ? WHERE id = ?",
            (status, reason, request_id),
        )

    # Subscriptions

    def list_subscriptions(self) -> list[SubscriptionRow]:
        return self._all(
            _subscription, f"SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions ORDER BY seq"
        )

    def update_subscription_notes(self, subscription_id: str, notes: str) -> SubscriptionRow | None:
        with self._transaction() as conn:
            conn.execute(
                "UPDATE subscriptions SET notes = ? WHERE id = ?", (notes, subscription_id)
            )
            row = conn.execute(
                f"SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE id = ?",
                (subscription_id,),
            ).fetchone()
        return _subscription(row) if row is not None else None

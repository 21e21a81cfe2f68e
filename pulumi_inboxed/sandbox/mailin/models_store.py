"""SQLite persistence of the Mailin.ai part of the sandbox (same file and connection as
``store.py``).

Ids are integers that are never reused, not even after ``/_sandbox/reset`` (AUTOINCREMENT), so a
stale id answers 404. Timers are absolute deadlines (``active_at``, ``done_at``) fixed when a row is
created; whether a row is active is derived from them when read, so state survives a restart.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace

from pulumi_inboxed.sandbox.mailin.models_accounts import (
    ACCOUNTS_SCHEMA,
    ACCOUNTS_TABLES,
    AccountStore,
)
from pulumi_inboxed.sandbox.mailin.models_azure import AZURE_SCHEMA, AZURE_TABLES, AzureOrderStore
from pulumi_inboxed.sandbox.mailin.models_verification import (
    VERIFICATION_SCHEMA,
    VERIFICATION_TABLES,
    VerificationStore,
)
from pulumi_inboxed.sandbox.sqlite_transaction import Transaction
from pulumi_inboxed.sandbox.store_section import StoreSection, from_row, insert, values_of

MAILIN_SCHEMA = """
CREATE TABLE IF NOT EXISTS mailin_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    secret_hash TEXT NOT NULL,
    device_name TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS mailin_domains (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    main_domain TEXT NOT NULL,
    provider_type TEXT NOT NULL,
    domain_provider TEXT NOT NULL,
    origin TEXT NOT NULL,
    uid TEXT,
    job_id TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    active_at REAL NOT NULL,
    forward_to TEXT,
    email_forward_to TEXT
);
CREATE TABLE IF NOT EXISTS mailin_mailboxes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    domain_id INTEGER NOT NULL,
    job_id TEXT NOT NULL,
    provider_type TEXT NOT NULL,
    username TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    first_name TEXT,
    last_name TEXT,
    password TEXT NOT NULL,
    secret TEXT NOT NULL,
    app_password TEXT NOT NULL,
    signature TEXT,
    redirect_email TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    active_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS mailin_mailboxes_domain ON mailin_mailboxes (domain_id);
CREATE INDEX IF NOT EXISTS mailin_mailboxes_job ON mailin_mailboxes (job_id);
CREATE TABLE IF NOT EXISTS mailin_jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    created_at REAL NOT NULL,
    done_at REAL NOT NULL,
    domain_ids TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS mailin_purchases (name TEXT PRIMARY KEY, count INTEGER NOT NULL);
"""
# Inbox providers and registrars, Azure orders, verification tasks and credits.
MAILIN_SCHEMA += ACCOUNTS_SCHEMA + AZURE_SCHEMA + VERIFICATION_SCHEMA

# Wiped by ``/_sandbox/reset`` (issued tokens too: a reset is a first start).
MAILIN_TABLES = (
    "mailin_tokens",
    "mailin_domains",
    "mailin_mailboxes",
    "mailin_jobs",
    "mailin_purchases",
    *ACCOUNTS_TABLES,
    *AZURE_TABLES,
    *VERIFICATION_TABLES,
)

DOMAIN_JOB = "domain"
MAILBOX_JOB = "mailbox"

DOMAIN_COLUMNS = (
    "id, name, main_domain, provider_type, domain_provider, origin, uid, job_id, created_at, "
    "updated_at, active_at, forward_to, email_forward_to"
)
MAILBOX_COLUMNS = (
    "id, domain_id, job_id, provider_type, username, name, first_name, last_name, password, "
    "secret, app_password, signature, redirect_email, created_at, updated_at, active_at"
)
DOMAINS = f"SELECT {DOMAIN_COLUMNS} FROM mailin_domains"
MAILBOXES = f"SELECT {MAILBOX_COLUMNS} FROM mailin_mailboxes"
# Fields a route may change in place (never ids, names of domains or deadlines).
DOMAIN_MUTABLE = frozenset({"forward_to", "email_forward_to"})
MAILBOX_MUTABLE = frozenset(
    {"name", "first_name", "last_name", "password", "signature", "redirect_email"}
)


@dataclass(frozen=True)
class MailinDomainRow:
    name: str
    main_domain: str
    provider_type: str  # "smtp" or "google"
    domain_provider: str  # registrar shown as "domain_provider"
    origin: str  # "buy", "transfer", "inboxkit" or "subdomain"
    created_at: float
    updated_at: float
    active_at: float
    uid: str | None = None
    job_id: str | None = None
    forward_to: str | None = None
    email_forward_to: str | None = None
    id: int = 0


@dataclass(frozen=True)
class MailinMailboxRow:
    domain_id: int
    job_id: str
    provider_type: str
    username: str
    name: str
    password: str
    secret: str
    app_password: str
    created_at: float
    updated_at: float
    active_at: float
    first_name: str | None = None
    last_name: str | None = None
    signature: str | None = None
    redirect_email: str | None = None
    id: int = 0


@dataclass(frozen=True)
class MailinJobRow:
    id: str
    kind: str  # DOMAIN_JOB or MAILBOX_JOB
    created_at: float
    done_at: float
    domain_ids: tuple[int, ...] = ()


def _domain(row: sqlite3.Row) -> MailinDomainRow:
    return from_row(MailinDomainRow, row)


def _mailbox(row: sqlite3.Row) -> MailinMailboxRow:
    return from_row(MailinMailboxRow, row)


def _job(row: sqlite3.Row) -> MailinJobRow:
    domain_ids = tuple(int(item) for item in json.loads(row["domain_ids"]))
    return from_row(MailinJobRow, row, domain_ids=domain_ids)


def _insert_job(conn: sqlite3.Connection, job: MailinJobRow) -> None:
    insert(conn, "mailin_jobs", values_of(job, domain_ids=json.dumps(list(job.domain_ids))))


class MailinStore(StoreSection):
    """Mailin.ai tokens, domains, mailboxes, jobs and the purchase counter."""

    def __init__(self, transaction: Transaction) -> None:
        super().__init__(transaction)
        # The Microsoft section and verification: the same transaction helper, shared.
        self.accounts = AccountStore(transaction)
        self.azure = AzureOrderStore(transaction)
        self.verification = VerificationStore(transaction)

    # Tokens (only a SHA-256 of the secret part is stored)

    def issue_token(self, secret_hash: str, device_name: str, now: float) -> int:
        with self._transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO mailin_tokens (secret_hash, device_name, created_at) VALUES (?, ?, ?)",
                (secret_hash, device_name, now),
            )
        return cursor.lastrowid or 0

    def token_hash(self, token_id: int) -> str | None:
        return self._one(
            lambda row: str(row["secret_hash"]),
            "SELECT secret_hash FROM mailin_tokens WHERE id = ?",
            (token_id,),
        )

    # Domains

    def add_domains(
        self,
        rows: list[MailinDomainRow],
        check: Callable[[list[MailinDomainRow]], None],
        *,
        job: MailinJobRow | None = None,
        purchase: bool = False,
    ) -> list[MailinDomainRow]:
        """Insert ``rows`` after ``check`` (which may raise) has seen the account's rows of the
        same names; with ``job``, the job lists the new ids; with ``purchase``, each name's
        purchase count goes up by one. All or nothing."""
        added: list[MailinDomainRow] = []
        with self._transaction() as conn:
            self._check_existing(conn, _domain, DOMAINS, "name", [row.name for row in rows], check)
            for row in rows:
                new = replace(
                    row,
                    job_id=job.id if job is not None else None,
                    forward_to=None,
                    email_forward_to=None,
                )
                added.append(
                    replace(new, id=insert(conn, "mailin_domains", values_of(new, skip=("id",))))
                )
                if purchase:
                    conn.execute(
                        "INSERT INTO mailin_purchases (name, count) VALUES (?, 1) "
                        "ON CONFLICT (name) DO UPDATE SET count = count + 1",
                        (row.name,),
                    )
            if job is not None:
                _insert_job(
                    conn,
                    MailinJobRow(
                        id=job.id,
                        kind=job.kind,
                        created_at=job.created_at,
                        done_at=job.done_at,
                        domain_ids=tuple(row.id for row in added),
                    ),
                )
        return added

    def get_domain(self, domain_id: int) -> MailinDomainRow | None:
        return self._one(_domain, f"{DOMAINS} WHERE id = ?", (domain_id,))

    def domain_by_name(self, name: str) -> MailinDomainRow | None:
        return self._one(_domain, f"{DOMAINS} WHERE name = ?", (name,))

    def list_domains(self) -> list[MailinDomainRow]:
        """Every domain of the account, oldest first."""
        return self._all(_domain, f"{DOMAINS} ORDER BY id")

    def update_domain(self, domain_id: int, now: float, **fields: str | None) -> bool:
        return self._update_fields("mailin_domains", domain_id, now, DOMAIN_MUTABLE, fields)

    def delete_domain(self, domain_id: int) -> bool:
        """Delete a domain, its subdomains, and the mailboxes of all of them."""
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT name FROM mailin_domains WHERE id = ?", (domain_id,)
            ).fetchone()
            if row is None:
                return False
            doomed = [domain_id]
            frontier = [str(row["name"])]
            while frontier:
                parent = frontier.pop()
                for child in conn.execute(
                    "SELECT id, name FROM mailin_domains WHERE main_domain = ? AND name != ?",
                    (parent, parent),
                ).fetchall():
                    if child["id"] not in doomed:
                        doomed.append(int(child["id"]))
                        frontier.append(str(child["name"]))
            marks = ", ".join("?" for _ in doomed)
            conn.execute(f"DELETE FROM mailin_mailboxes WHERE domain_id IN ({marks})", doomed)
            conn.execute(f"DELETE FROM mailin_domains WHERE id IN ({marks})", doomed)
        return True

    # Jobs

    def get_job(self, job_id: str) -> MailinJobRow | None:
        return self._one(
            _job,
            "SELECT id, kind, created_at, done_at, domain_ids FROM mailin_jobs WHERE id = ?",
            (job_id,),
        )

    # Mailboxes

    def add_mailboxes(
        self,
        rows: list[MailinMailboxRow],
        job: MailinJobRow,
        check: Callable[[list[MailinMailboxRow]], None],
    ) -> list[MailinMailboxRow]:
        """Insert ``rows`` and their job after ``check`` (which may raise) has seen the account's
        mailboxes of the same usernames. All or nothing."""
        added: list[MailinMailboxRow] = []
        with self._transaction() as conn:
            usernames = [row.username for row in rows]
            self._check_existing(conn, _mailbox, MAILBOXES, "username", usernames, check)
            for row in rows:
                new = replace(row, job_id=job.id)
                added.append(
                    replace(new, id=insert(conn, "mailin_mailboxes", values_of(new, skip=("id",))))
                )
            _insert_job(conn, job)
        return added

    def get_mailbox(self, mailbox_id: int) -> MailinMailboxRow | None:
        return self._one(_mailbox, f"{MAILBOXES} WHERE id = ?", (mailbox_id,))

    def list_mailboxes(self, job_id: str | None = None) -> list[MailinMailboxRow]:
        """Every mailbox of the account (or of one job), oldest first."""
        return self._all_or_only(_mailbox, MAILBOXES, "id", "job_id", job_id)

    def update_mailbox(self, mailbox_id: int, now: float, **fields: str | None) -> bool:
        return self._update_fields("mailin_mailboxes", mailbox_id, now, MAILBOX_MUTABLE, fields)

    def delete_mailbox(self, mailbox_id: int) -> bool:
        return self._changed("DELETE FROM mailin_mailboxes WHERE id = ?", (mailbox_id,))

    # Purchases

    def purchases(self) -> dict[str, int]:
        """How many times each domain name was bought (persisted; a reset clears it)."""
        with self._transaction() as conn:
            rows = conn.execute("SELECT name, count FROM mailin_purchases ORDER BY name")
            return {str(row["name"]): int(row["count"]) for row in rows.fetchall()}

"""SQLite persistence of the sandbox's Mailin.ai Microsoft section (inbox providers, registrars,
Azure orders) and of email verification and credits (same file and connection as ``store.py``).

Timers are absolute deadlines fixed when a row is written (``ready_at``, ``upload_from``,
``upload_until``, ``done_at``); statuses are derived from them when read. Credits are a ledger:
the balance is the last row's ``total_credit``; the first read seeds it with the settings'
``mailin_credits`` ("Purchased credits"). A failed verification task is refunded once, the first
time anything reads credits or tasks after it failed (``settle``), so the refund survives a
restart like every other timer.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

MICROSOFT_SCHEMA = """
CREATE TABLE IF NOT EXISTS mailin_accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    provider TEXT NOT NULL,
    fields TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS mailin_azure_orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    domain TEXT NOT NULL UNIQUE,
    mailbox_mode TEXT NOT NULL,
    full_name TEXT NOT NULL,
    provider_id INTEGER,
    registrar_id INTEGER,
    is_purchase INTEGER NOT NULL,
    forward_to TEXT,
    mailboxes TEXT NOT NULL,
    nameservers TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    ready_at REAL NOT NULL,
    upload_from REAL,
    upload_until REAL,
    reuploads INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS mailin_verify_tasks (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    type TEXT NOT NULL,
    rows TEXT NOT NULL,
    credits INTEGER NOT NULL,
    created_at REAL NOT NULL,
    done_at REAL NOT NULL,
    fail_reason TEXT,
    refunded INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS mailin_credits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reason TEXT NOT NULL,
    credit INTEGER NOT NULL,
    debit INTEGER NOT NULL,
    total_credit INTEGER NOT NULL,
    created_at REAL NOT NULL
);
"""
MICROSOFT_TABLES = (
    "mailin_accounts",
    "mailin_azure_orders",
    "mailin_verify_tasks",
    "mailin_credits",
)

INBOX_PROVIDER = "inbox_provider"
REGISTRAR = "registrar"
SINGLE_TASK = "single"
BULK_TASK = "bulk"
PURCHASED_REASON = "Purchased credits"

ORDER_COLUMNS = (
    "id, domain, mailbox_mode, full_name, provider_id, registrar_id, is_purchase, forward_to, "
    "mailboxes, nameservers, created_at, updated_at, ready_at, upload_from, upload_until, "
    "reuploads"
)
TASK_COLUMNS = "id, kind, type, rows, credits, created_at, done_at, fail_reason, refunded"

Transaction = Callable[[], AbstractContextManager[sqlite3.Connection]]


@dataclass(frozen=True)
class AccountRow:
    """An inbox provider or a registrar; ``fields`` holds every other input (keys included)."""

    kind: str
    name: str
    provider: str
    fields: Mapping[str, str | None]
    created_at: float
    updated_at: float
    id: int = 0


@dataclass(frozen=True)
class AzureMailboxRow:
    name: str
    username: str
    password: str


@dataclass(frozen=True)
class AzureOrderRow:
    domain: str
    mailbox_mode: str
    full_name: tuple[str, ...]
    is_purchase: bool
    mailboxes: tuple[AzureMailboxRow, ...]
    nameservers: tuple[str, ...]
    created_at: float
    updated_at: float
    ready_at: float
    provider_id: int | None = None
    registrar_id: int | None = None
    forward_to: str | None = None
    upload_from: float | None = None
    upload_until: float | None = None
    reuploads: int = 0
    id: int = 0


@dataclass(frozen=True)
class VerifyTaskRow:
    id: str
    kind: str  # SINGLE_TASK or BULK_TASK
    type: str  # "standard" or "catch_all"
    rows: tuple[str, ...]  # the addresses as submitted (duplicates included)
    credits: int
    created_at: float
    done_at: float
    fail_reason: str | None = None
    refunded: bool = False


@dataclass(frozen=True)
class CreditRow:
    id: int
    reason: str
    credit: int
    debit: int
    total_credit: int
    created_at: float


@dataclass
class Debit:
    """What ``start_task`` did: ``ok`` False means refused, ``balance`` is what is left."""

    ok: bool
    balance: int
    entries: list[CreditRow] = field(default_factory=list)


def _account(row: sqlite3.Row) -> AccountRow:
    return AccountRow(
        id=row["id"],
        kind=row["kind"],
        name=row["name"],
        provider=row["provider"],
        fields=json.loads(row["fields"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _order(row: sqlite3.Row) -> AzureOrderRow:
    return AzureOrderRow(
        id=row["id"],
        domain=row["domain"],
        mailbox_mode=row["mailbox_mode"],
        full_name=tuple(json.loads(row["full_name"])),
        provider_id=row["provider_id"],
        registrar_id=row["registrar_id"],
        is_purchase=bool(row["is_purchase"]),
        forward_to=row["forward_to"],
        mailboxes=tuple(AzureMailboxRow(*item) for item in json.loads(row["mailboxes"])),
        nameservers=tuple(json.loads(row["nameservers"])),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        ready_at=row["ready_at"],
        upload_from=row["upload_from"],
        upload_until=row["upload_until"],
        reuploads=row["reuploads"],
    )


def _task(row: sqlite3.Row) -> VerifyTaskRow:
    return VerifyTaskRow(
        id=row["id"],
        kind=row["kind"],
        type=row["type"],
        rows=tuple(json.loads(row["rows"])),
        credits=row["credits"],
        created_at=row["created_at"],
        done_at=row["done_at"],
        fail_reason=row["fail_reason"],
        refunded=bool(row["refunded"]),
    )


def _credit(row: sqlite3.Row) -> CreditRow:
    return CreditRow(**{key: row[key] for key in row.keys()})  # noqa: SIM118


class MicrosoftStore:
    """Accounts (inbox providers, registrars), Azure orders, verification tasks, credits."""

    def __init__(self, transaction: Transaction) -> None:
        self._transaction = transaction

    # Inbox providers and registrars

    def add_account(self, row: AccountRow) -> int:
        with self._transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO mailin_accounts (kind, name, provider, fields, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    row.kind,
                    row.name,
                    row.provider,
                    json.dumps(dict(row.fields)),
                    row.created_at,
                    row.updated_at,
                ),
            )
        return cursor.lastrowid or 0

    def get_account(self, kind: str, account_id: int) -> AccountRow | None:
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT * FROM mailin_accounts WHERE id = ? AND kind = ?", (account_id, kind)
            ).fetchone()
        return _account(row) if row is not None else None

    def list_accounts(self, kind: str) -> list[AccountRow]:
        with self._transaction() as conn:
            rows = conn.execute(
                "SELECT * FROM mailin_accounts WHERE kind = ? ORDER BY id", (kind,)
            ).fetchall()
        return [_account(row) for row in rows]

    def update_account(
        self,
        kind: str,
        account_id: int,
        provider: str,
        fields: Mapping[str, str | None],
        now: float,
    ) -> bool:
        with self._transaction() as conn:
            cursor = conn.execute(
                "UPDATE mailin_accounts SET provider = ?, fields = ?, updated_at = ? "
                "WHERE id = ? AND kind = ?",
                (provider, json.dumps(dict(fields)), now, account_id, kind),
            )
        return cursor.rowcount > 0

    def delete_account(self, kind: str, account_id: int) -> bool:
        with self._transaction() as conn:
            cursor = conn.execute(
                "DELETE FROM mailin_accounts WHERE id = ? AND kind = ?", (account_id, kind)
            )
        return cursor.rowcount > 0

    # Azure orders

    def add_order(self, row: AzureOrderRow) -> AzureOrderRow | None:
        """Insert the order; None when the account already has an order for the domain."""
        with self._transaction() as conn:
            if conn.execute(
                "SELECT 1 FROM mailin_azure_orders WHERE domain = ?", (row.domain,)
            ).fetchone():
                return None
            cursor = conn.execute(
                "INSERT INTO mailin_azure_orders (domain, mailbox_mode, full_name, provider_id, "
                "registrar_id, is_purchase, forward_to, mailboxes, nameservers, created_at, "
                "updated_at, ready_at, upload_from, upload_until, reuploads) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
                (
                    row.domain,
                    row.mailbox_mode,
                    json.dumps(list(row.full_name)),
                    row.provider_id,
                    row.registrar_id,
                    int(row.is_purchase),
                    row.forward_to,
                    json.dumps([[m.name, m.username, m.password] for m in row.mailboxes]),
                    json.dumps(list(row.nameservers)),
                    row.created_at,
                    row.updated_at,
                    row.ready_at,
                    row.upload_from,
                    row.upload_until,
                ),
            )
            found = conn.execute(
                f"SELECT {ORDER_COLUMNS} FROM mailin_azure_orders WHERE id = ?",
                (cursor.lastrowid,),
            ).fetchone()
        return _order(found)

    def get_order(self, order_id: int) -> AzureOrderRow | None:
        with self._transaction() as conn:
            row = conn.execute(
                f"SELECT {ORDER_COLUMNS} FROM mailin_azure_orders WHERE id = ?", (order_id,)
            ).fetchone()
        return _order(row) if row is not None else None

    def list_orders(self) -> list[AzureOrderRow]:
        with self._transaction() as conn:
            rows = conn.execute(
                f"SELECT {ORDER_COLUMNS} FROM mailin_azure_orders ORDER BY id"
            ).fetchall()
        return [_order(row) for row in rows]

    def update_order(self, order_id: int, now: float, **fields: object) -> bool:
        allowed = {"provider_id", "forward_to", "upload_from", "upload_until", "reuploads"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"not updatable: {sorted(unknown)}")
        assignments = ", ".join(f"{name} = ?" for name in fields)
        with self._transaction() as conn:
            cursor = conn.execute(
                f"UPDATE mailin_azure_orders SET {assignments}, updated_at = ? WHERE id = ?",
                (*fields.values(), now, order_id),
            )
        return cursor.rowcount > 0

    def set_order_nameservers(self, order_id: int, nameservers: tuple[str, ...]) -> None:
        with self._transaction() as conn:
            conn.execute(
                "UPDATE mailin_azure_orders SET nameservers = ? WHERE id = ?",
                (json.dumps(list(nameservers)), order_id),
            )

    def delete_order(self, order_id: int) -> bool:
        with self._transaction() as conn:
            cursor = conn.execute("DELETE FROM mailin_azure_orders WHERE id = ?", (order_id,))
        return cursor.rowcount > 0

    # Credits and verification tasks

    @staticmethod
    def _balance(conn: sqlite3.Connection, initial: int, now: float) -> int:
        row = conn.execute(
            "SELECT total_credit FROM mailin_credits ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if row is not None:
            return int(row["total_credit"])
        conn.execute(
            "INSERT INTO mailin_credits (reason, credit, debit, total_credit, created_at) "
            "VALUES (?, ?, 0, ?, ?)",
            (PURCHASED_REASON, initial, initial, now),
        )
        return initial

    @staticmethod
    def _entry(
        conn: sqlite3.Connection, reason: str, credit: int, debit: int, balance: int, now: float
    ) -> int:
        total = balance + credit - debit
        conn.execute(
            "INSERT INTO mailin_credits (reason, credit, debit, total_credit, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (reason, credit, debit, total, now),
        )
        return total

    def settle(self, initial: int, now: float) -> None:
        """Refund every failed task whose deadline has passed and that is not refunded yet."""
        with self._transaction() as conn:
            due = conn.execute(
                f"SELECT {TASK_COLUMNS} FROM mailin_verify_tasks WHERE fail_reason IS NOT NULL "
                "AND refunded = 0 AND done_at <= ? ORDER BY done_at, id",
                (now,),
            ).fetchall()
            if not due:
                return
            balance = self._balance(conn, initial, now)
            for raw in due:
                task = _task(raw)
                if task.credits:
                    reason = f"Refund: verification task {task.id} could not be processed"
                    balance = self._entry(conn, reason, task.credits, 0, balance, now)
                conn.execute("UPDATE mailin_verify_tasks SET refunded = 1 WHERE id = ?", (task.id,))

    def credits(self, initial: int, now: float) -> int:
        self.settle(initial, now)
        with self._transaction() as conn:
            return self._balance(conn, initial, now)

    def credit_history(self, initial: int, now: float) -> list[CreditRow]:
        """Newest first, as the page's example lists them."""
        self.settle(initial, now)
        with self._transaction() as conn:
            self._balance(conn, initial, now)
            rows = conn.execute("SELECT * FROM mailin_credits ORDER BY id DESC").fetchall()
        return [_credit(row) for row in rows]

    def start_task(self, task: VerifyTaskRow, reason: str, initial: int, now: float) -> Debit:
        """Debit the task's credits and store it, or refuse (nothing stored) when the balance is
        too small. All or nothing."""
        self.settle(initial, now)
        with self._transaction() as conn:
            balance = self._balance(conn, initial, now)
            if task.credits > balance:
                return Debit(ok=False, balance=balance)
            if task.credits:
                balance = self._entry(conn, reason, 0, task.credits, balance, now)
            conn.execute(
                f"INSERT INTO mailin_verify_tasks ({TASK_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)",
                (
                    task.id,
                    task.kind,
                    task.type,
                    json.dumps(list(task.rows)),
                    task.credits,
                    task.created_at,
                    task.done_at,
                    task.fail_reason,
                ),
            )
        return Debit(ok=True, balance=balance)

    def get_task(self, task_id: str, initial: int, now: float) -> VerifyTaskRow | None:
        self.settle(initial, now)
        with self._transaction() as conn:
            row = conn.execute(
                f"SELECT {TASK_COLUMNS} FROM mailin_verify_tasks WHERE id = ?", (task_id,)
            ).fetchone()
        return _task(row) if row is not None else None

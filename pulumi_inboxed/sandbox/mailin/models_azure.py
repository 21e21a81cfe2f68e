"""SQLite persistence of the sandbox's Mailin.ai Azure orders (same file and connection as
``store.py``).

Timers are absolute deadlines fixed when a row is written (``ready_at``, ``upload_from``,
``upload_until``); statuses are derived from them when read.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from pulumi_inboxed.sandbox.sqlite_transaction import Transaction

AZURE_SCHEMA = """
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
"""
AZURE_TABLES = ("mailin_azure_orders",)

ORDER_COLUMNS = (
    "id, domain, mailbox_mode, full_name, provider_id, registrar_id, is_purchase, forward_to, "
    "mailboxes, nameservers, created_at, updated_at, ready_at, upload_from, upload_until, "
    "reuploads"
)


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


class AzureOrderStore:
    """Azure orders, one per domain; the accounts they name live in ``AccountStore``."""

    def __init__(self, transaction: Transaction) -> None:
        self._transaction = transaction

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

"""SQLite persistence of the sandbox's Mailin.ai Azure orders (same file and connection as
``store.py``).

Timers are absolute deadlines fixed when a row is written (``ready_at``, ``upload_from``,
``upload_until``); statuses are derived from them when read.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from pulumi_inboxed.sandbox.store_section import StoreSection, from_row, insert, values_of

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
ORDERS = f"SELECT {ORDER_COLUMNS} FROM mailin_azure_orders"
ORDER_MUTABLE = frozenset({"provider_id", "forward_to", "upload_from", "upload_until", "reuploads"})


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
    return from_row(
        AzureOrderRow,
        row,
        full_name=tuple(json.loads(row["full_name"])),
        is_purchase=bool(row["is_purchase"]),
        mailboxes=tuple(AzureMailboxRow(*item) for item in json.loads(row["mailboxes"])),
        nameservers=tuple(json.loads(row["nameservers"])),
    )


class AzureOrderStore(StoreSection):
    """Azure orders, one per domain; the accounts they name live in ``AccountStore``."""

    def add_order(self, row: AzureOrderRow) -> AzureOrderRow | None:
        """Insert the order; None when the account already has an order for the domain."""
        with self._transaction() as conn:
            if conn.execute(
                "SELECT 1 FROM mailin_azure_orders WHERE domain = ?", (row.domain,)
            ).fetchone():
                return None
            values = values_of(
                row,
                skip=("id",),
                full_name=json.dumps(list(row.full_name)),
                is_purchase=int(row.is_purchase),
                mailboxes=json.dumps([[m.name, m.username, m.password] for m in row.mailboxes]),
                nameservers=json.dumps(list(row.nameservers)),
                reuploads=0,
            )
            order_id = insert(conn, "mailin_azure_orders", values)
            found = conn.execute(f"{ORDERS} WHERE id = ?", (order_id,)).fetchone()
        return _order(found)

    def get_order(self, order_id: int) -> AzureOrderRow | None:
        return self._one(_order, f"{ORDERS} WHERE id = ?", (order_id,))

    def list_orders(self) -> list[AzureOrderRow]:
        return self._all(_order, f"{ORDERS} ORDER BY id")

    def update_order(self, order_id: int, now: float, **fields: object) -> bool:
        return self._update_fields("mailin_azure_orders", order_id, now, ORDER_MUTABLE, fields)

    def set_order_nameservers(self, order_id: int, nameservers: tuple[str, ...]) -> None:
        self._changed(
            "UPDATE mailin_azure_orders SET nameservers = ? WHERE id = ?",
            (json.dumps(list(nameservers)), order_id),
        )

    def delete_order(self, order_id: int) -> bool:
        return self._changed("DELETE FROM mailin_azure_orders WHERE id = ?", (order_id,))

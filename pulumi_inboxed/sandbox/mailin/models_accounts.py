"""SQLite persistence of the sandbox's Mailin.ai inbox providers and domain registrars
("accounts"; same file and connection as ``store.py``), and the revocation and count of the
API tokens logins issued (``mailin_tokens``, made by ``models_store.py``)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass

from pulumi_inboxed.sandbox.sqlite_transaction import Transaction

ACCOUNTS_SCHEMA = """
CREATE TABLE IF NOT EXISTS mailin_accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    provider TEXT NOT NULL,
    fields TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
"""
ACCOUNTS_TABLES = ("mailin_accounts",)

INBOX_PROVIDER = "inbox_provider"
REGISTRAR = "registrar"


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


class AccountStore:
    """Inbox providers and registrars (``kind`` is INBOX_PROVIDER or REGISTRAR); ``tokens``:
    the login tokens."""

    def __init__(self, transaction: Transaction) -> None:
        self._transaction = transaction
        self.tokens = TokenStore(transaction)

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


class TokenStore:
    """The tokens ``POST /auth/login`` issued: revoked by a logout, counted for the tests."""

    def __init__(self, transaction: Transaction) -> None:
        self._transaction = transaction

    def revoke(self, token_id: int) -> bool:
        with self._transaction() as conn:
            cursor = conn.execute("DELETE FROM mailin_tokens WHERE id = ?", (token_id,))
        return cursor.rowcount > 0

    def live(self) -> int:
        """How many issued tokens are not revoked."""
        with self._transaction() as conn:
            row = conn.execute("SELECT COUNT(*) AS n FROM mailin_tokens").fetchone()
        return int(row["n"])

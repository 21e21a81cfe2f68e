"""SQLite persistence of the sandbox's Mailin.ai inbox providers and domain registrars
("accounts"; same file and connection as ``store.py``), and the revocation and count of the
API tokens logins issued (``mailin_tokens``, made by ``models_store.py``)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass

from pulumi_inboxed.sandbox.sqlite_transaction import Transaction
from pulumi_inboxed.sandbox.store_section import StoreSection, from_row, insert, values_of

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
    return from_row(AccountRow, row, fields=json.loads(row["fields"]))


class AccountStore(StoreSection):
    """Inbox providers and registrars (``kind`` is INBOX_PROVIDER or REGISTRAR); ``tokens``:
    the login tokens."""

    def __init__(self, transaction: Transaction) -> None:
        super().__init__(transaction)
        self.tokens = TokenStore(transaction)

    def add_account(self, row: AccountRow) -> int:
        values = values_of(row, skip=("id",), fields=json.dumps(dict(row.fields)))
        with self._transaction() as conn:
            return insert(conn, "mailin_accounts", values)

    def get_account(self, kind: str, account_id: int) -> AccountRow | None:
        return self._one(
            _account, "SELECT * FROM mailin_accounts WHERE id = ? AND kind = ?", (account_id, kind)
        )

    def list_accounts(self, kind: str) -> list[AccountRow]:
        return self._all(
            _account, "SELECT * FROM mailin_accounts WHERE kind = ? ORDER BY id", (kind,)
        )

    def update_account(
        self,
        kind: str,
        account_id: int,
        provider: str,
        fields: Mapping[str, str | None],
        now: float,
    ) -> bool:
        return self._changed(
            "UPDATE mailin_accounts SET provider = ?, fields = ?, updated_at = ? "
            "WHERE id = ? AND kind = ?",
            (provider, json.dumps(dict(fields)), now, account_id, kind),
        )

    def delete_account(self, kind: str, account_id: int) -> bool:
        return self._changed(
            "DELETE FROM mailin_accounts WHERE id = ? AND kind = ?", (account_id, kind)
        )


class TokenStore(StoreSection):
    """The tokens ``POST /auth/login`` issued: revoked by a logout, counted for the tests."""

    def revoke(self, token_id: int) -> bool:
        return self._changed("DELETE FROM mailin_tokens WHERE id = ?", (token_id,))

    def live(self) -> int:
        """How many issued tokens are not revoked."""
        count = self._one(lambda row: int(row["n"]), "SELECT COUNT(*) AS n FROM mailin_tokens")
        return count or 0

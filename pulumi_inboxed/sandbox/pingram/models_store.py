"""SQLite persistence of the Pingram part of the sandbox (same file and connection as ``store.py``).

A sender domain's status is derived when read from its stored verification deadline
(``verify_done_at``) and the outcome fixed when verification started, so it survives a restart.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from pulumi_inboxed.sandbox.store_section import StoreSection, from_row, insert, values_of

PINGRAM_SCHEMA = """
CREATE TABLE IF NOT EXISTS pingram_domains (
    sender TEXT PRIMARY KEY,
    created_at REAL NOT NULL,
    verify_started_at REAL,
    verify_done_at REAL,
    outcome TEXT NOT NULL,
    selector TEXT NOT NULL,
    dkim_key TEXT NOT NULL,
    tokens TEXT NOT NULL
);
"""

PINGRAM_TABLES = ("pingram_domains",)


@dataclass(frozen=True)
class PingramDomainRow:
    sender: str
    created_at: float
    outcome: str  # the status verification ends in: SUCCESS, FAILED or TEMPORARY_FAILURE
    selector: str
    dkim_key: str
    tokens: tuple[str, ...]
    verify_started_at: float | None = None
    verify_done_at: float | None = None


def _row(row: sqlite3.Row) -> PingramDomainRow:
    return from_row(PingramDomainRow, row, tokens=tuple(json.loads(row["tokens"])))


class PingramStore(StoreSection):
    def all(self) -> list[PingramDomainRow]:
        return self._all(_row, "SELECT * FROM pingram_domains ORDER BY created_at, sender")

    def get(self, sender: str) -> PingramDomainRow | None:
        return self._one(_row, "SELECT * FROM pingram_domains WHERE sender = ?", (sender,))

    def add(self, row: PingramDomainRow, limit: int) -> bool:
        """Adds ``row`` unless the account already holds ``limit`` domains (then False)."""
        with self._transaction() as conn:
            (count,) = conn.execute("SELECT COUNT(*) FROM pingram_domains").fetchone()
            if count >= limit:
                return False
            insert(conn, "pingram_domains", values_of(row, tokens=json.dumps(list(row.tokens))))
        return True

    def start_verification(self, sender: str, started: float, done: float, outcome: str) -> None:
        self._changed(
            "UPDATE pingram_domains SET verify_started_at = ?, verify_done_at = ?, "
            "outcome = ? WHERE sender = ?",
            (started, done, outcome, sender),
        )

    def remove(self, sender: str) -> bool:
        return self._changed("DELETE FROM pingram_domains WHERE sender = ?", (sender,))

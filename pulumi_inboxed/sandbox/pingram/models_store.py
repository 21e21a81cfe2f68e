"""SQLite persistence of the Pingram part of the sandbox (same file and connection as ``store.py``).

A sender domain's status is derived when read from its stored verification deadline
(``verify_done_at``) and the outcome fixed when verification started, so it survives a restart.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

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

Transaction = Callable[[], AbstractContextManager[sqlite3.Connection]]


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
    return PingramDomainRow(
        sender=row["sender"],
        created_at=row["created_at"],
        outcome=row["outcome"],
        selector=row["selector"],
        dkim_key=row["dkim_key"],
        tokens=tuple(json.loads(row["tokens"])),
        verify_started_at=row["verify_started_at"],
        verify_done_at=row["verify_done_at"],
    )


class PingramStore:
    def __init__(self, transaction: Transaction) -> None:
        self._transaction = transaction

    def all(self) -> list[PingramDomainRow]:
        with self._transaction() as conn:
            rows = conn.execute("SELECT * FROM pingram_domains ORDER BY created_at, sender")
            return [_row(r) for r in rows.fetchall()]

    def get(self, sender: str) -> PingramDomainRow | None:
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT * FROM pingram_domains WHERE sender = ?", (sender,)
            ).fetchone()
        return _row(row) if row is not None else None

    def add(self, row: PingramDomainRow, limit: int) -> bool:
        """Adds ``row`` unless the account already holds ``limit`` domains (then False)."""
        with self._transaction() as conn:
            (count,) = conn.execute("SELECT COUNT(*) FROM pingram_domains").fetchone()
            if count >= limit:
                return False
            conn.execute(
                "INSERT INTO pingram_domains (sender, created_at, verify_started_at, "
                "verify_done_at, outcome, selector, dkim_key, tokens) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    row.sender,
                    row.created_at,
                    row.verify_started_at,
                    row.verify_done_at,
                    row.outcome,
                    row.selector,
                    row.dkim_key,
                    json.dumps(list(row.tokens)),
                ),
            )
        return True

    def start_verification(self, sender: str, started: float, done: float, outcome: str) -> None:
        with self._transaction() as conn:
            conn.execute(
                "UPDATE pingram_domains SET verify_started_at = ?, verify_done_at = ?, "
                "outcome = ? WHERE sender = ?",
                (started, done, outcome, sender),
            )

    def remove(self, sender: str) -> bool:
        with self._transaction() as conn:
            cursor = conn.execute("DELETE FROM pingram_domains WHERE sender = ?", (sender,))
        return cursor.rowcount > 0

"""SQLite persistence of the sandbox's Mailin.ai email verification tasks and credit ledger (same
file and connection as ``store.py``).

A task's ``done_at`` is an absolute deadline fixed when it is written; its status is derived from
it when read. Credits are a ledger: the balance is the last row's ``total_credit``; the first read
seeds it with the settings' ``mailin_credits`` ("Purchased credits"). A failed verification task is
refunded once, the first time anything reads credits or tasks after it failed (``settle``), so the
refund survives a restart like every other timer.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from pulumi_inboxed.sandbox.store_section import StoreSection, from_row, insert, values_of

VERIFICATION_SCHEMA = """
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
VERIFICATION_TABLES = ("mailin_verify_tasks", "mailin_credits")

SINGLE_TASK = "single"
BULK_TASK = "bulk"
PURCHASED_REASON = "Purchased credits"

TASK_COLUMNS = "id, kind, type, rows, credits, created_at, done_at, fail_reason, refunded"


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


def _task(row: sqlite3.Row) -> VerifyTaskRow:
    return from_row(
        VerifyTaskRow, row, rows=tuple(json.loads(row["rows"])), refunded=bool(row["refunded"])
    )


def _credit(row: sqlite3.Row) -> CreditRow:
    return from_row(CreditRow, row)


class VerificationStore(StoreSection):
    """Verification tasks and the credits they debit (and refund when they fail)."""

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
            values = values_of(task, rows=json.dumps(list(task.rows)), refunded=0)
            insert(conn, "mailin_verify_tasks", values)
        return Debit(ok=True, balance=balance)

    def get_task(self, task_id: str, initial: int, now: float) -> VerifyTaskRow | None:
        self.settle(initial, now)
        return self._one(
            _task, f"SELECT {TASK_COLUMNS} FROM mailin_verify_tasks WHERE id = ?", (task_id,)
        )

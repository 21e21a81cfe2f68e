"""What every API's sandbox store section does with SQLite, written once.

A section (``InboxedUpStore``, ``MailinStore`` and its parts, ``MailChannelsStore``,
``PingramStore``) holds one API's tables in the account's file and reaches them only through the
``Transaction`` it is given (``store.py``). Its rows are frozen dataclasses whose field names are
the column names: ``from_row`` reads one (JSON and flag columns decoded by the caller),
``insert`` writes one, and the ``StoreSection`` helpers run the one-statement reads and writes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import fields
from typing import Any, TypeVar

from pulumi_inboxed.sandbox.sqlite_transaction import Transaction

T = TypeVar("T")


def from_row(cls: Callable[..., T], row: sqlite3.Row, **decoded: object) -> T:
    """``cls`` built from the row's columns, with ``decoded`` in place of the stored form."""
    values: dict[str, Any] = {key: row[key] for key in row.keys()}  # noqa: SIM118
    values.update(decoded)
    return cls(**values)


def values_of(row: object, *, skip: Collection[str] = (), **encoded: object) -> dict[str, object]:
    """A dataclass row's fields by name (``skip`` left out), ``encoded`` in place of its own."""
    values = {f.name: getattr(row, f.name) for f in fields(row) if f.name not in skip}  # type: ignore[arg-type]
    values.update(encoded)
    return values


def insert(conn: sqlite3.Connection, table: str, values: Mapping[str, object]) -> int:
    """``INSERT`` one row of ``values`` (column -> value); its ``lastrowid`` (0 if none)."""
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    cursor = conn.execute(
        f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(values.values())
    )
    return cursor.lastrowid or 0


class StoreSection:
    """One API's tables of the account being served."""

    def __init__(self, transaction: Transaction) -> None:
        self._transaction = transaction

    def _one(
        self, convert: Callable[[sqlite3.Row], T], sql: str, params: Sequence[object] = ()
    ) -> T | None:
        with self._transaction() as conn:
            row = conn.execute(sql, tuple(params)).fetchone()
        return convert(row) if row is not None else None

    def _all(
        self, convert: Callable[[sqlite3.Row], T], sql: str, params: Sequence[object] = ()
    ) -> list[T]:
        with self._transaction() as conn:
            rows = conn.execute(sql, tuple(params)).fetchall()
        return [convert(row) for row in rows]

    def _all_or_only(
        self,
        convert: Callable[[sqlite3.Row], T],
        select: str,
        order: str,
        column: str,
        value: object | None,
    ) -> list[T]:
        """``select``'s rows ordered by ``order``; only those whose ``column`` is ``value`` when
        one is given (joined with ``AND`` when ``select`` has a ``WHERE`` of its own)."""
        if value is None:
            return self._all(convert, f"{select} ORDER BY {order}")
        joined = "AND" if " WHERE " in select else "WHERE"
        return self._all(convert, f"{select} {joined} {column} = ? ORDER BY {order}", (value,))

    def _check_existing(
        self,
        conn: sqlite3.Connection,
        convert: Callable[[sqlite3.Row], T],
        select: str,
        column: str,
        values: Sequence[object],
        check: Callable[[list[T]], None],
        order: str | None = None,
    ) -> None:
        """Hands ``check`` the rows of ``select`` whose ``column`` is one of ``values``, read in the
        write's own transaction (``conn``) before it inserts: ``check`` may raise, and then nothing
        is written."""
        marks = ", ".join("?" for _ in values)
        sql = f"{select} WHERE {column} IN ({marks})" + (f" ORDER BY {order}" if order else "")
        check([convert(row) for row in conn.execute(sql, tuple(values)).fetchall()])

    def _changed(self, sql: str, params: Sequence[object] = ()) -> bool:
        """Run one write; whether it touched a row."""
        with self._transaction() as conn:
            cursor = conn.execute(sql, tuple(params))
        return cursor.rowcount > 0

    def _update_fields(
        self,
        table: str,
        row_id: object,
        now: float,
        allowed: Collection[str],
        changes: Mapping[str, object],
    ) -> bool:
        """Set ``changes`` (only ``allowed`` columns) and ``updated_at`` of row ``row_id``."""
        unknown = set(changes) - set(allowed)
        if unknown:
            raise ValueError(f"not updatable: {sorted(unknown)}")
        assignments = ", ".join(f"{name} = ?" for name in changes)
        return self._changed(
            f"UPDATE {table} SET {assignments}, updated_at = ? WHERE id = ?",
            (*changes.values(), now, row_id),
        )

"""SQLite persistence of the sandbox's state, so it survives a restart: one file per account.

Each API's tables and queries are in its subpackage (``<api>/models_store.py``, and Mailin.ai's
``mailin/models_accounts.py``, ``models_azure.py``, ``models_verification.py``), each a
``StoreSection`` (``store_section.py``); this module holds the files, one per account, each with
one connection guarded by a lock, in WAL mode.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pulumi_inboxed.sandbox.inboxedup.models_store import (
    INBOXEDUP_SCHEMA,
    INBOXEDUP_TABLES,
    InboxedUpStore,
)
from pulumi_inboxed.sandbox.mailchannels.models_store import (
    MAILCHANNELS_SCHEMA,
    MAILCHANNELS_TABLES,
    MailChannelsStore,
)
from pulumi_inboxed.sandbox.mailin.models_store import MAILIN_SCHEMA, MAILIN_TABLES, MailinStore
from pulumi_inboxed.sandbox.pingram.models_store import PINGRAM_SCHEMA, PINGRAM_TABLES, PingramStore
from pulumi_inboxed.sandbox.tenants import DEFAULT_ACCOUNT, current_account

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
ALL_SCHEMAS = SCHEMA + INBOXEDUP_SCHEMA + MAILIN_SCHEMA + MAILCHANNELS_SCHEMA + PINGRAM_SCHEMA
ID_RANGE = 1_000_000


class _Database:
    """One account's SQLite file: one connection, guarded by a lock, in WAL mode."""

    def __init__(self, path: Path, now: float, id_offset: int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.lock = threading.Lock()
        self.conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        with self.lock:
            self.conn.executescript(
                SCHEMA + INBOXEDUP_SCHEMA + MAILIN_SCHEMA + MAILCHANNELS_SCHEMA + PINGRAM_SCHEMA
            )
        with self.transaction() as conn:
            _start_ids_at(conn, id_offset)
            _seed(conn, now)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def close(self) -> None:
        with self.lock:
            self.conn.close()


def _start_ids_at(conn: sqlite3.Connection, offset: int) -> None:
    """Integer ids of a fresh file start after ``offset`` (each account its own range, so an id
    of one account is no id of another's)."""
    if offset <= 0:
        return
    tables = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%AUTOINCREMENT%'"
    ).fetchall()
    for row in tables:
        conn.execute(
            "INSERT INTO sqlite_sequence (name, seq) SELECT ?, ? "
            "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?)",
            (row["name"], offset, row["name"]),
        )


def _seed(conn: sqlite3.Connection, now: float) -> None:
    if conn.execute("SELECT 1 FROM meta WHERE key = 'created_at'").fetchone() is not None:
        return
    conn.execute("INSERT INTO meta (key, value) VALUES ('created_at', ?)", (repr(now),))
    InboxedUpStore.seed(conn, now)


def account_state_path(path: Path, account: str) -> Path:
    """Where an account's state lives: ``path`` itself for ``default``, else beside it
    (``state.db`` -> ``state.account-<name>.db``)."""
    if account == DEFAULT_ACCOUNT:
        return path
    return path.with_name(f"{path.stem}.account-{account}{path.suffix}")


def account_id_offset(account: str) -> int:
    """Where an account's integer ids start: 0 for ``default``, else a stable range of its own."""
    if account == DEFAULT_ACCOUNT:
        return 0
    return (zlib.crc32(account.encode("utf-8")) % 9000 + 1) * ID_RANGE


class SandboxStore:
    """All persistent state of one sandbox: one SQLite file per account, opened on demand.

    Every read and write goes to the file of the account being served (``current_account()``,
    set per request from its credential), so the sections (``mailin``, ``mailchannels``,
    ``pingram``) and the InboxedUp methods below never see another account's rows.
    """

    def __init__(
        self,
        path: Path,
        now: float,
        account: Callable[[], str] = current_account,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._path = path
        self._account = account
        self._clock = clock
        self._open_lock = threading.Lock()
        self._databases: dict[str, _Database] = {
            DEFAULT_ACCOUNT: _Database(path, now, account_id_offset(DEFAULT_ACCOUNT))
        }
        self.inboxedup = InboxedUpStore(self._transaction)
        self.mailin = MailinStore(self._transaction)
        self.mailchannels = MailChannelsStore(self._transaction)
        self.pingram = PingramStore(self._transaction)

    def close(self) -> None:
        with self._open_lock:
            for database in self._databases.values():
                database.close()

    def _database(self, account: str) -> _Database:
        with self._open_lock:
            database = self._databases.get(account)
            if database is None:
                database = _Database(
                    account_state_path(self._path, account),
                    self._clock(),
                    account_id_offset(account),
                )
                self._databases[account] = database
            return database

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._database(self._account()).transaction() as conn:
            yield conn

    def wipe(self, now: float, accounts: Iterable[str] = ()) -> None:
        """Forget everything of every account (opened ones and ``accounts``; Mailin.ai state
        too), then seed each again as on a first start."""
        with self._open_lock:
            names = [*self._databases, *(a for a in accounts if a not in self._databases)]
        for name in names:
            with self._database(name).transaction() as conn:
                for table in (
                    "meta",
                    *INBOXEDUP_TABLES,
                    *MAILIN_TABLES,
                    *MAILCHANNELS_TABLES,
                    *PINGRAM_TABLES,
                ):
                    conn.execute(f"DELETE FROM {table}")
                _seed(conn, now)

    def created_at(self) -> float:
        with self._transaction() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'created_at'").fetchone()
        return float(row["value"]) if row is not None else 0.0

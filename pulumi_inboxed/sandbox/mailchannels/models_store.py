"""SQLite persistence of the MailChannels Inbound part of the sandbox (same file and connection as
``store.py``).

One row per provisioned domain; its sections (settings, admins, downstream addresses, aliases) are
kept as one JSON object. A batch is one transaction (``executemany``), so 1000 domains are
written at once, and a batch over the subscription's limit writes nothing.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_inboxed.sandbox.store_section import StoreSection, from_row

MAILCHANNELS_SCHEMA = """
CREATE TABLE IF NOT EXISTS mc_domains (
    name TEXT PRIMARY KEY,
    subscription_handle TEXT NOT NULL,
    key_hash TEXT,
    sections TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS mc_domains_subscription ON mc_domains (subscription_handle);
"""

MAILCHANNELS_TABLES = ("mc_domains",)

# The sections of a domain that `overwrite` replaces one by one (an absent one is carried forward).
SECTIONS = ("settings", "admins", "downstreamAddresses", "aliases")

CHUNK = 900  # host parameters per `IN (...)`: well below SQLite's limit


@dataclass(frozen=True)
class McDomainRow:
    name: str
    subscription_handle: str
    sections: Mapping[str, Any]
    created_at: float
    updated_at: float
    key_hash: str | None = None

    def view(self) -> dict[str, Any]:
        """The domain object as the API shows it."""
        return {
            "domain": self.name,
            "subscriptionHandle": self.subscription_handle,
            **self.sections,
        }


@dataclass(frozen=True)
class ProvisionOutcome:
    created: tuple[str, ...]
    overwritten: tuple[str, ...]
    kept: tuple[str, ...]
    """Already provisioned here and left as they were (no ``overwrite``)."""


class LimitExceeded(Exception):
    def __init__(self, handle: str, limit: int, current: int, adding: int) -> None:
        self.handle, self.limit, self.current, self.adding = handle, limit, current, adding
        super().__init__(f"{handle}: {current} + {adding} > {limit}")


def _row(row: sqlite3.Row) -> McDomainRow:
    return from_row(McDomainRow, row, sections=json.loads(row["sections"]))


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _fetch(conn: sqlite3.Connection, names: Sequence[str]) -> dict[str, McDomainRow]:
    found: dict[str, McDomainRow] = {}
    for chunk in _chunks(names):
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(f"SELECT * FROM mc_domains WHERE name IN ({marks})", tuple(chunk)):
            found[row["name"]] = _row(row)
    return found


class MailChannelsStore(StoreSection):
    def provision(
        self,
        subscription: str,
        entries: Mapping[str, Mapping[str, Any]],
        *,
        key_hash: str | None,
        overwrite: bool,
        limit: int,
        now: float,
    ) -> ProvisionOutcome:
        """Provision ``entries`` (name -> sections given) in one transaction.

        Raises `LimitExceeded` (and writes nothing) when the new ones would take the
        subscription past ``limit``.
        """
        names = list(entries)
        with self._transaction() as conn:
            existing = _fetch(conn, names)
            new = [n for n in names if n not in existing]
            (current,) = conn.execute(
                "SELECT COUNT(*) FROM mc_domains WHERE subscription_handle = ?", (subscription,)
            ).fetchone()
            if new and current + len(new) > limit:
                raise LimitExceeded(subscription, limit, int(current), len(new))
            conn.executemany(
                "INSERT INTO mc_domains (name, subscription_handle, key_hash, sections, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (n, subscription, key_hash, json.dumps(_sections(entries[n], {})), now, now)
                    for n in new
                ],
            )
            overwritten: list[str] = []
            if overwrite:
                updates = []
                for name in names:
                    if name in existing:
                        merged = _sections(entries[name], existing[name].sections)
                        updates.append((json.dumps(merged), now, name))
                        overwritten.append(name)
                conn.executemany(
                    "UPDATE mc_domains SET sections = ?, updated_at = ? WHERE name = ?", updates
                )
        kept = [n for n in names if n in existing and not overwrite]
        return ProvisionOutcome(tuple(new), tuple(overwritten), tuple(kept))

    def get_many(self, names: Sequence[str]) -> dict[str, McDomainRow]:
        with self._transaction() as conn:
            return _fetch(conn, names)

    def get(self, name: str) -> McDomainRow | None:
        return self.get_many([name]).get(name)

    def page(self, limit: int, offset: int) -> list[McDomainRow]:
        return self._all(
            _row, "SELECT * FROM mc_domains ORDER BY name LIMIT ? OFFSET ?", (limit, offset)
        )

    def all(self) -> list[McDomainRow]:
        return self._all(_row, "SELECT * FROM mc_domains ORDER BY name")

    def count(self, subscription: str) -> int:
        with self._transaction() as conn:
            (n,) = conn.execute(
                "SELECT COUNT(*) FROM mc_domains WHERE subscription_handle = ?", (subscription,)
            ).fetchone()
        return int(n)

    def is_alias(self, name: str) -> bool:
        """True when ``name`` is an alias of a provisioned domain (and not a domain itself)."""
        with self._transaction() as conn:
            rows = conn.execute(
                "SELECT 1 FROM mc_domains, json_each(mc_domains.sections, '$.aliases') "
                "WHERE json_each.value = ? LIMIT 1",
                (name,),
            ).fetchall()
        return bool(rows)

    def remove(self, name: str) -> bool:
        return self._changed("DELETE FROM mc_domains WHERE name = ?", (name,))


def _sections(given: Mapping[str, Any], previous: Mapping[str, Any]) -> dict[str, Any]:
    """The sections given replace the previous ones; an absent (or null) one is carried forward."""
    merged = {key: previous[key] for key in SECTIONS if key in previous}
    for key in SECTIONS:
        if given.get(key) is not None:
            merged[key] = given[key]
    return merged

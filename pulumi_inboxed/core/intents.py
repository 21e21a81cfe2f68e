"""What a create is about to buy, recorded on disk before it writes, so that the run after a
crash can tell its own earlier purchase from an object someone else made.

A `pulumi up` killed right after a purchase leaves an object the state does not hold: Pulumi
records the interrupted create as a pending operation, which the provider never sees. The
recovering create then finds the object in its look-up before writing and, on its own, could
only adopt it (and `pulumi destroy` would leave it). So:

1. **Before a write** (`record`, called by `core.safe_write.write_once(..., intent=...)`), the
   provider writes one small JSON file: the API, the account, the objects' natural keys (domain
   names, a mailbox's address, an order's domain, a sender), what they are, the stack, the
   resource's URN, the time and the run (the provider process's id and start time). The file
   goes to `.inboxed/intents/<stack>/<resource>/` (`<resource>`: a digest of the URN) under the
   provider process's working directory, which is the Pulumi project's directory (where
   `Pulumi.yaml` is); written to a temporary file, then renamed, so a record is whole or absent.
2. **In the look-up before a write** (`claim`), an object found that matches a record of the
   same stack, URN, API, account and key was bought by the interrupted run: the create manages
   it as made (not adopted) and logs one line saying so. Objects without a matching record are
   adopted as before. A record without a matching object means the write did not happen: the
   create goes on as usual (a record never causes a purchase). A record older than its
   resource's wait bound (at least one hour) is dropped with a warning.
3. **After the handler** (`handling`, around the dynamic servicer's Create and Update, see
   `core.partial_failure.install`): once a create or update has returned its result (or a
   `PartialFailure` whose outputs the engine records), every record of that resource is removed.
   That is the closest the provider can know that the state holds it: the engine writes the
   state after the answer, so a kill between the two leaves no record and the object is
   adopted, as without records. A handler that failed otherwise keeps its records: the next run
   needs them.

Without a request (a unit test calling `create` directly, `inboxed adopt`), nothing is recorded
or claimed. On another machine (CI, a colleague's checkout) there are no records: found objects
are adopted, as before, which is safe (destroy leaves them).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

log = logging.getLogger("pulumi_inboxed.intents")

INTENTS_DIR = Path(".inboxed") / "intents"
"""Where records go, relative to the provider process's working directory (the project's)."""
DIR_ENV = "PULUMI_INBOXED_INTENTS_DIR"
"""Overrides the records' root directory (absolute, or relative to the working directory)."""
DEFAULT_BOUND_SECONDS = 3600.0
"""How long a record stays usable at the least (a resource's wait bound when longer)."""

_STARTED = time.time()
RUN_ID = f"pid {os.getpid()} started {datetime.fromtimestamp(_STARTED, UTC):%Y-%m-%dT%H:%M:%SZ}"
"""This provider process (one per `pulumi up`): which run wrote a record."""


@dataclass(frozen=True)
class Intent:
    """What a write is about to make: `keys` of kind `what` ("domain", "Azure order"), through
    `api` ("InboxedUp") and `account` (the named account, None for the default one); `verb`
    says what the write does to them ("submitted", "ordered") in the line the next run logs."""

    api: str
    account: str | None
    keys: tuple[str, ...]
    what: str = "object"
    verb: str = "bought"


@dataclass(frozen=True)
class Record:
    """A record read back: the intent, the resource it was for, and which run wrote it when."""

    intent: Intent
    stack: str
    urn: str
    run: str
    written_at: float
    path: Path

    @property
    def when(self) -> str:
        return f"{datetime.fromtimestamp(self.written_at, UTC):%Y-%m-%d %H:%M:%S} UTC"


@dataclass
class _Request:
    urn: str
    stack: str
    settled: bool = False


_CURRENT: ContextVar[_Request | None] = ContextVar("pulumi_inboxed_intents", default=None)


def stack_of(urn: str) -> str:
    """`dev` for `urn:pulumi:dev::project::type::name`; "" when `urn` is not a Pulumi URN."""
    head = urn.split("::", 1)[0]
    parts = head.split(":")
    return parts[2] if len(parts) >= 3 and parts[0] == "urn" and parts[1] == "pulumi" else ""


def _root() -> Path:
    return Path(os.environ.get(DIR_ENV) or INTENTS_DIR)


def _dir(stack: str) -> Path:
    return _root() / (re.sub(r"[^A-Za-z0-9._-]", "_", stack) or "_")


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def _account(account: str | None) -> str:
    return account or ""


class Settle:
    """Handed out by `handling`: `settled()` says the handler's result reached the engine's
    hands (a result, or a `PartialFailure` whose outputs it records)."""

    def __init__(self, req: _Request | None) -> None:
        self._req = req

    def settled(self) -> None:
        if self._req is not None:
            self._req.settled = True


@contextlib.contextmanager
def handling(urn: str) -> Iterator[Settle]:
    """The duration of one Create or Update of the resource `urn`: records written meanwhile
    name it; once `settled()` was called, every record of the resource is removed at the end."""
    stack = stack_of(urn)
    req = _Request(urn=urn, stack=stack) if stack else None
    token = _CURRENT.set(req)
    try:
        yield Settle(req)
    finally:
        _CURRENT.reset(token)
        if req is not None and req.settled:
            _remove_all(req)


def current_urn() -> str:
    req = _CURRENT.get()
    return req.urn if req is not None else ""


def record(intent: Intent) -> None:
    """Writes the record of `intent` for the resource being handled (nothing outside a request).
    A failure to write is logged and does not stop the write: without a record, the object is
    adopted after a crash, as before."""
    req = _CURRENT.get()
    if req is None or not intent.keys:
        return
    now = time.time()
    body = {
        "version": 1,
        "api": intent.api,
        "account": _account(intent.account),
        "what": intent.what,
        "verb": intent.verb,
        "keys": list(intent.keys),
        "stack": req.stack,
        "urn": req.urn,
        "run": RUN_ID,
        "written_at": now,
        "written": datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds"),
    }
    target = _path(req, intent)
    where = target.parent
    try:
        where.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=where)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(body, out, indent=1)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        log.warning("could not record the intent of %s %s: %s", intent.api, intent.what, exc)
        return


def narrow(intent: Intent, made: Iterable[str]) -> None:
    """Once a write answered, keeps in its record only the keys it made (`made`): a name the
    API refused (held by someone else since the look-up) must not be claimed after a crash.
    No key left: the record is removed."""
    req = _CURRENT.get()
    if req is None or not intent.keys:
        return
    kept = tuple(k for k in intent.keys if k in set(made))
    if kept == intent.keys:
        return
    old = _path(req, intent)
    if kept:
        record(Intent(intent.api, intent.account, kept, intent.what, intent.verb))
    with contextlib.suppress(OSError):
        old.unlink()


def _path(req: _Request, intent: Intent) -> Path:
    name = _digest(intent.api, _account(intent.account), *intent.keys)
    return _resource_dir(req) / f"{name}.json"


def _resource_dir(req: _Request) -> Path:
    """One directory per resource: a look-up reads only its own resource's records."""
    return _dir(req.stack) / _digest(req.urn)


def _read(path: Path) -> Record | None:
    try:
        body: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        intent = Intent(
            api=str(body["api"]),
            account=str(body["account"]),
            keys=tuple(str(k) for k in body["keys"]),
            what=str(body.get("what") or "object"),
            verb=str(body.get("verb") or "bought"),
        )
        return Record(
            intent=intent,
            stack=str(body["stack"]),
            urn=str(body["urn"]),
            run=str(body.get("run") or "an unknown run"),
            written_at=float(body["written_at"]),
            path=path,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _records(req: _Request) -> list[Record]:
    try:
        paths = sorted(
            p for p in _resource_dir(req).glob("*.json") if not p.name.startswith(".tmp-")
        )
    except OSError:
        return []
    found = [_read(p) for p in paths]
    return [r for r in found if r is not None and r.urn == req.urn and r.stack == req.stack]


def _remove_all(req: _Request) -> None:
    where = _resource_dir(req)
    if not where.is_dir():
        return
    for rec in _records(req):
        with contextlib.suppress(OSError):
            rec.path.unlink()
    with contextlib.suppress(OSError):
        where.rmdir()  # unless something else is left in it


def claim(
    api: str,
    account: str | None,
    found: Iterable[str],
    *,
    bound_seconds: float | None = None,
) -> set[str]:
    """Of the keys `found` by the look-up before a write, those the interrupted run of this
    resource recorded it was about to make: made by this stack, not adopted. Logs one line per
    record ("found a.com, bought by the interrupted run of <time>: managing it as created");
    records older than the bound (the resource's wait bound, one hour at the least) are
    dropped with a warning."""
    req = _CURRENT.get()
    keys = set(found)
    if req is None or not keys:
        return set()
    bound = max(DEFAULT_BOUND_SECONDS, float(bound_seconds or 0))
    now = time.time()
    mine: set[str] = set()
    for rec in _records(req):
        intent = rec.intent
        if intent.api != api or intent.account != _account(account):
            continue
        matched = sorted(keys & set(intent.keys))
        if not matched:
            continue
        if now - rec.written_at > bound:
            _warn(
                f"{api}: the record of {rec.run} (of {rec.when}) that it was about to make "
                f"{_shown(matched)} is older than {bound:g} s: dropped; they are adopted "
                "(kept on destroy)"
            )
            with contextlib.suppress(OSError):
                rec.path.unlink()
            continue
        mine.update(matched)
        _info(
            f"found {_shown(matched)}, {intent.verb} by the interrupted run of {rec.when} "
            f"({rec.run}): managing {'it' if len(matched) == 1 else 'them'} as created"
        )
    return mine


def _shown(names: list[str]) -> str:
    return ", ".join(names[:20]) + (f" and {len(names) - 20} more" if len(names) > 20 else "")


def _info(message: str) -> None:
    from .lifecycle import note

    log.info("%s", message)
    note(message)


def _warn(message: str) -> None:
    from .lifecycle import warn

    log.info("%s", message)  # not WARNING: Python's last-resort handler would print it again
    warn(message)


__all__ = [
    "DEFAULT_BOUND_SECONDS",
    "DIR_ENV",
    "INTENTS_DIR",
    "RUN_ID",
    "Intent",
    "Record",
    "claim",
    "current_urn",
    "handling",
    "narrow",
    "record",
    "stack_of",
]

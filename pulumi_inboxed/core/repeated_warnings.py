"""Warnings that repeat across the resources of one provider process: one warning, then a
count (issue 21: destroying 15 `MailboxRequest` resources printed 15 near-identical warnings).

Every dynamic resource of a stack is served by the one provider process of a `pulumi` run, so a
reason that applies to many resources (InboxedUp cannot cancel a mailbox request) would warn
once per resource. `warn_repeated` groups them by a key, (API, account, reason):

- the first occurrence in the process is one warning, whole, ending with a sentence that says
  later ones are one `info:` line each with the running count;
- each later one is one short `info:` line naming its own objects, with the group's count so far
  (`... (7 so far in this run; see the warning above)`).

Nothing waits on a clock: each line is written when its resource is handled, so every object
left behind is still named, on the resource's own step. Within one call, several objects are one
line already (`core.lifecycle.warn_grouped`); this groups across calls.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable

from .lifecycle import note, warn

_counts: dict[Hashable, int] = {}
_lock = threading.Lock()

LATER = "Later ones of this run are one `info:` line each, with their count."
"""The sentence the first warning of a group ends with."""


def warn_repeated(key: Hashable, count: int, warning: str, later: str, noun: str) -> None:
    """Tells about `count` objects left for the reason `key` names ((API, account, reason)):
    `warning` (the whole explanation) the first time `key` is seen in this process, else
    `later` (short: which objects, which account) as one info line with the group's running
    count of `noun`s (plural: "requests")."""
    if count <= 0:
        return
    with _lock:
        before = _counts.get(key, 0)
        _counts[key] = before + count
        total = before + count
    if before == 0:
        warn(f"{warning} {LATER}")
    else:
        note(f"{later} ({total} {noun} so far in this run; see the warning above)")


def reset() -> None:
    """Forgets every group (a new provider process starts with none; for tests)."""
    with _lock:
        _counts.clear()


__all__ = ["LATER", "reset", "warn_repeated"]

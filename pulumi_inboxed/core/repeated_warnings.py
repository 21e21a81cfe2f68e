"""Warnings that repeat across the resources of one provider process, grouped into one line with
a count (issue 21: destroying 15 `MailboxRequest` resources printed 15 near-identical warnings).

Every dynamic resource of a stack is served by the one provider process of a `pulumi` run, so a
reason that applies to many resources (InboxedUp cannot cancel a mailbox request) would warn
once per resource. `warn_repeated` groups them by a key, (API, account, reason). Nothing waits
on a clock (the engine sends deletes in bursts of `--parallel`; nobody can know the last one):
each occurrence is told when its resource is handled, and the display joins them.

With the engine (`core.engine_log`, the provider host of a `pulumi` run):

- the first occurrence is one warning on its resource's row, on a stream of the group's own:
  `<head>: #1 req_a (mailboxes-8: mbx-8.com)`;
- each later one adds its objects to that stream, on the same row, as an ephemeral fragment
  `, #2 req_b (mailboxes-5: mbx-5.com)`. Pulumi's "Diagnostics:" summary merges one row's
  payloads of a stream into one message with no separator, and keeps it when the first payload
  is not ephemeral: the summary shows ONE line per group, naming every object, whose last
  number is the count. Ephemeral, the fragments add nothing to the row's counts;
- each later one also says, ephemeral, on its own row (live output only), which number it is
  in the warning on the first one's row.

Without an engine (a script, a test, `inboxed adopt`), or if the engine does not take a message,
lines go to stderr: the first occurrence the whole `warning` (ending with `LATER`), each later
one a short `info:` line with the group's running count.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from . import engine_log
from .lifecycle import say_on_stderr

LATER = "Later ones of this run are one `info:` line each, with their count."
"""The sentence the first warning of a group ends with on stderr (no engine)."""


@dataclass
class _Group:
    urn: str
    """The row of the first occurrence, where the group's line is."""
    stream: int
    count: int = 0
    via_engine: bool = False


_groups: dict[Hashable, _Group] = {}
_lock = threading.Lock()
"""Held while a group's message is sent, so the engine gets a group's payloads in order."""


def row_name(urn: str) -> str:
    """`mailboxes-8` for a resource's URN; "" for none."""
    return urn.rsplit("::", 1)[-1] if "::" in urn else ""


def numbered(start: int, items: Sequence[str]) -> str:
    """`#3 a, #4 b`."""
    return ", ".join(f"#{start + offset} {item}" for offset, item in enumerate(items))


def _numbers(start: int, count: int) -> str:
    return f"#{start}" if count == 1 else f"#{start}-#{start + count - 1}"


def warn_repeated(
    key: Hashable, items: Sequence[str], *, head: str, warning: str, later: str, noun: str
) -> None:
    """Tells about the objects `items` (each named: `req_a (mailboxes-8: mbx-8.com)`) left for
    the reason `key` names ((API, account, reason)); none: nothing.

    :param head: the group's line up to its list (the reason, the account, what it means).
    :param warning: without an engine, the first occurrence's whole warning.
    :param later: a later occurrence's own line (short: which objects, which account); without
        an engine, with the group's running count of `noun`s (plural: "requests").
    """
    if not items:
        return
    urn = engine_log.handled_urn()
    engine = engine_log.engine_log()
    with _lock:
        group = _groups.get(key)
        first = group is None
        if group is None:
            group = _groups[key] = _Group(urn=urn, stream=engine_log.new_stream_id())
        start = group.count + 1
        group.count += len(items)
        if engine is not None and first:
            group.via_engine = engine.send(
                engine_log.Severity.WARNING,
                f"{head}: {numbered(start, items)}",
                urn=urn,
                stream_id=group.stream,
            )
            if group.via_engine:
                return
        elif engine is not None and group.via_engine:
            fragment = ", " + numbered(start, items)
            if engine.send(
                engine_log.Severity.INFO,
                fragment,
                urn=group.urn,
                stream_id=group.stream,
                ephemeral=True,
            ):
                if urn != group.urn:
                    where = repr(row_name(group.urn)) if group.urn else "the stack"
                    engine.send(
                        engine_log.Severity.INFO,
                        f"{later} ({_numbers(start, len(items))} in the warning on {where})",
                        urn=urn,
                        ephemeral=True,
                    )
                return
        if start == 1:
            say_on_stderr("warning", f"{warning} {LATER}")
        else:
            say_on_stderr(
                "info", f"{later} ({group.count} {noun} so far in this run; see the warning above)"
            )


def reset() -> None:
    """Forgets every group (a new provider process starts with none; for tests)."""
    with _lock:
        _groups.clear()


__all__ = ["LATER", "numbered", "reset", "row_name", "warn_repeated"]

"""Rules every resource's delete follows: verified deletes, and adopted objects left alone.

- **Delete is verified.** After a delete call the provider reads the object back; still there
  means the delete failed, naming the object. A 404 on the delete counts as gone only when the
  read agrees (a 404 from a wrong path must not look like success).
- **One warning per call, on a line of its own.** What a delete or an update leaves behind is
  one warning listing the objects with their count (`warn_grouped`), not one per object. In the
  provider host `pulumi.log` has no engine connection (it prints to stderr, which the engine
  reports on the stack's row, all lines on one stream that the summary merges): `warn` and
  `note` send each message to the engine's log on the row of the resource being handled
  (`core.engine_log`), else write one whole line to stderr. Across the resources of one
  provider process, `core.repeated_warnings` makes a kind of warning one line with a count.
- **Adopted objects stay.** An object a create adopted (it existed before the resource asked for
  it, or cannot be told apart from one that did) is left in the account on delete unless the
  program sets the input `DESTROY_ADOPTED` (the same name on every resource). Outputs say what
  was adopted (`adopted`, or per entry for collections), and delete logs what it leaves.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pulumi

from .errors import InboxedError, NotFoundError
from .last_call import forget, recent

DESTROY_ADOPTED = "destroy_adopted"
"""Input name, on every resource: delete objects the resource adopted too (default False)."""

DESTROY_ADOPTED_DOC = (
    "delete, on destroy, the objects this resource adopted (ones that existed before it asked "
    "for them) as well as the ones it made; default False: adopted objects stay in the account"
)


class DeleteNotConfirmedError(InboxedError):
    """A delete call returned, but the object is still there (or the 404 was not confirmed)."""


def destroy_adopted(props: Mapping[str, Any]) -> bool:
    """The program's choice for adopted objects (default: keep them)."""
    return props.get(DESTROY_ADOPTED) is True


def confirm_deleted(
    what: str,
    delete: Callable[[], object],
    exists: Callable[[], bool],
    *,
    settle_seconds: float = 10.0,
    interval: float = 0.25,
) -> None:
    """Calls `delete()`, then `exists()` until it is False (bounded by `settle_seconds`).

    `what` names the object in errors ("InboxedUp domain 'a.com' (dom_1)"). A `NotFoundError`
    from `delete()` is success only when `exists()` agrees; otherwise the error says the delete
    answered 404 on its path while the object is still there.
    """
    not_found: NotFoundError | None = None
    forget()
    try:
        delete()
    except NotFoundError as exc:
        not_found = exc
    sent = recent()  # the delete call as sent: its path, the key that overrides it, the page
    hint = f"; {sent.hint()}" if sent is not None else ""
    deadline = time.monotonic() + settle_seconds
    while exists():
        if time.monotonic() >= deadline:
            if not_found is not None:
                raise DeleteNotConfirmedError(
                    f"{what}: the delete answered 404 ({not_found.method} {not_found.path}: "
                    f"{not_found.message}) but the object is still there; the delete path may "
                    f"be wrong for your account{hint}"
                ) from None
            raise DeleteNotConfirmedError(
                f"{what} is still there {settle_seconds:g} s after the delete call succeeded{hint}"
            )
        time.sleep(interval)


def keep_if_adopted(props: Mapping[str, Any], kind: str, name: str) -> bool:
    """For a one-object resource's delete: True, and the log says so, when the object was
    adopted (output `adopted`) and the program did not set `destroy_adopted`."""
    if props.get("adopted") is True and not destroy_adopted(props):
        log_kept_adopted(kind, [name])
        return True
    return False


def log_kept_adopted(kind: str, names: Iterable[str], resource_name: str = "") -> None:
    """Tells the user, in the delete's output, what stays in the account and how to change it."""
    kept = sorted(names)
    if not kept:
        return
    where = f" {resource_name!r}" if resource_name else ""
    shown = ", ".join(kept[:20]) + (f" and {len(kept) - 20} more" if len(kept) > 20 else "")
    note(
        f"{kind}{where}: left in the account, because this resource adopted them rather than "
        f"made them: {shown}. Set {DESTROY_ADOPTED}=True to delete adopted objects too."
    )


_STDERR = threading.Lock()
LISTED = 20
"""How many objects a grouped message names before `and N more`."""


def warn(message: str) -> None:
    """One warning on a line of its own: through the engine (a program's `pulumi.log`, or the
    provider host's `core.engine_log`), else one write of `warning: <message>\n` to stderr,
    whole, whatever other handlers print meanwhile."""
    _say("warning", message, pulumi.log.warn)


def note(message: str) -> None:
    """One info line of its own, as `warn` writes a warning (`info: <message>`)."""
    _say("info", message, pulumi.log.info)


def _say(label: str, message: str, log: Callable[[str], None]) -> None:
    """`message` to the engine's log (`log`) in a program. In the provider host: to the engine's
    log too, on the row of the resource being handled (`core.engine_log`, each message its own
    line in the summary), else (no engine: a script, a test) one write of `<label>: <message>`
    on one line to stderr, whole, whatever other handlers print."""
    from pulumi.runtime.settings import get_engine

    if get_engine() is not None:
        log(message)
        return
    from . import engine_log

    engine = engine_log.engine_log()
    severity = engine_log.Severity.WARNING if label == "warning" else engine_log.Severity.INFO
    if engine is not None and engine.send(severity, message, urn=engine_log.handled_urn()):
        return
    say_on_stderr(label, message)


def say_on_stderr(label: str, message: str) -> None:
    """One write of `<label>: <message>` on one line to stderr."""
    with _STDERR:
        sys.stderr.write(f"{label}: {' '.join(message.splitlines())}\n")
        sys.stderr.flush()


def listed(items: Sequence[str], limit: int = LISTED) -> str:
    """`a, b, c` or `a, b, ... and 12 more`."""
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def grouped_message(head: str, nouns: tuple[str, str], items: Sequence[str], tail: str) -> str:
    """`<head>: <count> <noun>: <items>; <tail>` (`nouns`: singular and plural, "request
    stays", "requests stay"): what one warning about many objects says."""
    noun = nouns[0] if len(items) == 1 else nouns[1]
    return f"{head}: {len(items)} {noun}: {listed(sorted(items))}; {tail}"


def warn_grouped(head: str, nouns: tuple[str, str], items: Sequence[str], tail: str) -> None:
    """One warning about all of `items` (none: nothing), with their count (`grouped_message`)."""
    if items:
        warn(grouped_message(head, nouns, items, tail))

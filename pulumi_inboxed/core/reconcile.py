"""Reconcile planning for collection resources: what an update must do to each entry.

A collection resource (many domains, many mailboxes, many requests in one resource) keys each
entry by its natural key (a domain name, a username, `domain/type`). Given the entries recorded
in the state and the entries of the new inputs, `plan_entries` says which keys are new (add),
which changed and in which fields (change), which are no longer wanted (remove), which must be
sent again because an earlier run did not complete them (retry: absent from the completed
outputs after a partial failure, or named as failed), and which stay as they are (unchanged).

Pure: no HTTP and no Pulumi, so the rules are tested with plain data and every collection
provider decides the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
E = TypeVar("E")


def _same(entry: Any) -> Any:
    return entry


@dataclass(frozen=True)
class EntryChange(Generic[E]):
    """A wanted entry that differs from its recorded one; `fields` names the fields that differ
    (empty when the compared form is not a mapping, or when nothing was recorded to compare)."""

    entry: E
    fields: tuple[str, ...]


@dataclass(frozen=True)
class ReconcilePlan(Generic[K, E]):
    """What to do with each key: each mapping in the order of the new entries (`remove`: in the
    order of the recorded ones, then of the completed keys); `order` is the new entries' keys."""

    order: tuple[K, ...] = ()
    add: dict[K, E] = field(default_factory=dict)
    change: dict[K, EntryChange[E]] = field(default_factory=dict)
    remove: dict[K, Any] = field(default_factory=dict)
    retry: dict[K, E] = field(default_factory=dict)
    unchanged: dict[K, E] = field(default_factory=dict)

    @property
    def to_send(self) -> dict[K, E]:
        """The entries to write in this run: added, changed and retried, in the new order."""
        sent = {**self.add, **{k: c.entry for k, c in self.change.items()}, **self.retry}
        return {k: sent[k] for k in self.order if k in sent}

    @property
    def has_changes(self) -> bool:
        return bool(self.add or self.change or self.remove or self.retry)


def changed_fields(old: Any, new: Any) -> tuple[str, ...]:
    """The fields whose values differ between two compared forms (mappings); () otherwise."""
    if not isinstance(old, Mapping) or not isinstance(new, Mapping):
        return ()
    return tuple(sorted(str(k) for k in {*old, *new} if old.get(k) != new.get(k)))


def plan_entries(
    old: Mapping[K, Any],
    new: Mapping[K, E],
    *,
    done: Collection[K] | None = None,
    failed: Iterable[K] = (),
    compare: Callable[[Any], Any] = _same,
) -> ReconcilePlan[K, E]:
    """Plans the update of a collection from its recorded entries to the wanted ones.

    - `old`: the entries the state records, by key (the recorded inputs, or per-entry records).
    - `new`: the wanted entries, by key, in the program's order.
    - `done`: the keys the outputs show as completed (provisioned, requested); None: every key
      of `old`. A wanted key recorded in `old` but not done is retried; a done key that is no
      longer wanted is removed even if `old` does not record it.
    - `failed`: wanted keys that must be sent again although recorded (a FAILED status).
    - `compare`: the comparable form of an entry (`old`'s and `new`'s values alike); a wanted,
      done key whose form differs is a change, one with no recorded entry too.
    """
    completed = set(old) if done is None else set(done)
    retried = set(failed)
    plan: ReconcilePlan[K, E] = ReconcilePlan(order=tuple(new))
    for key, entry in new.items():
        if key in retried or (key in old and key not in completed):
            plan.retry[key] = entry
        elif key not in completed:
            plan.add[key] = entry
        elif key not in old:
            plan.change[key] = EntryChange(entry, ())
        else:
            before, after = compare(old[key]), compare(entry)
            if before != after:
                plan.change[key] = EntryChange(entry, changed_fields(before, after))
            else:
                plan.unchanged[key] = entry
    for key in [*old, *(k for k in (done or ()) if k not in old)]:
        if key not in new and key not in plan.remove:
            plan.remove[key] = old.get(key)
    return plan

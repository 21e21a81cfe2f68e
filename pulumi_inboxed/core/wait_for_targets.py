"""Waiting until every key of a collection reaches its target, with one read for many keys.

A collection resource waits on many objects at once (domains until ACTIVE, mailboxes until
active). `wait_for_targets` reads the keys still pending in one call (`read`: one listing, or
one look-up each, as the caller's API allows), sorts each into reached, failed or still
pending with the caller's predicates, and reads again every `interval` until none is pending
or the bound (`until`, on `clock`) has passed. It returns the outcome per key; it never raises
for a key that is late or failed: the caller records every key's real state.

`sleep` and `clock` are injected (time.sleep and time.monotonic by default, as in
`core.polling`), so the rules are tested without a clock. A wait that shares one poller thread
among many waiters uses `core.polling.SharedPoller` inside `read` (and `sleep=no_sleep`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def _never(_value: object) -> bool:
    return False


def no_sleep(_seconds: float) -> None:
    """The pause between reads when `read` itself blocks (on a shared poller)."""


@dataclass
class WaitOutcome(Generic[K, V]):
    """Per key: `reached` and `failed` with the value that settled it, `timed_out` (pending when
    the wait ended) with the last value seen, or None when the key was never seen. `last` holds
    the last value seen of every key that was; `read_error` is the error of the last read when it
    failed (a wait that stops on errors ends on it)."""

    reached: dict[K, V] = field(default_factory=dict)
    failed: dict[K, V] = field(default_factory=dict)
    timed_out: dict[K, V | None] = field(default_factory=dict)
    last: dict[K, V] = field(default_factory=dict)
    read_error: Exception | None = None
    reads: int = 0

    @property
    def complete(self) -> bool:
        """True when no key is left pending (each reached or failed)."""
        return not self.timed_out


def wait_for_targets(
    keys: Iterable[K],
    read: Callable[[list[K]], Mapping[K, V]],
    *,
    reached: Callable[[V], bool],
    failed: Callable[[V], bool] = _never,
    until: float,
    interval: float,
    seen: Mapping[K, V] | None = None,
    retry_errors: tuple[type[Exception], ...] = (),
    stop_errors: tuple[type[Exception], ...] = (),
    on_settled: Callable[[K, V], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> WaitOutcome[K, V]:
    """Reads the pending keys until each is reached or failed, or `clock()` passes `until`.

    - `read(pending)` returns the current value of the keys it found (a key left out is not
      seen this time and stays pending).
    - `failed(value)` ends a key's wait as failed (checked before `reached`).
    - `seen`: values already in hand; they are sorted first, and the first read comes one
      `interval` later (without it, the first read is at once).
    - An error of `retry_errors` from `read` does not end the wait: it is kept in
      `read_error` and the keys are read again after the interval (until the bound); one of
      `stop_errors` ends the wait at once with the keys still pending. Any other error is
      raised.
    - `on_settled(key, value)` is called as soon as a key is reached or failed (before the next
      read), so the caller can act on it while the others are still waited on.
    - The wait reads at least once (or sorts `seen`) even when the bound has already passed.
    """
    outcome: WaitOutcome[K, V] = WaitOutcome()
    pending: list[K] = list(dict.fromkeys(keys))

    def settle(values: Mapping[K, V]) -> None:
        for key in list(pending):
            if key not in values:
                continue
            value = values[key]
            outcome.last[key] = value
            if failed(value):
                outcome.failed[key] = value
            elif reached(value):
                outcome.reached[key] = value
            else:
                continue
            pending.remove(key)
            if on_settled is not None:
                on_settled(key, value)

    def end() -> WaitOutcome[K, V]:
        outcome.timed_out = {key: outcome.last.get(key) for key in pending}
        return outcome

    if seen is not None:
        settle(seen)
    else:
        if not pending:
            return outcome
        try:
            outcome.reads += 1
            settle(read(list(pending)))
        except stop_errors as exc:
            outcome.read_error = exc
            return end()
        except retry_errors as exc:
            outcome.read_error = exc
    while pending:
        left = until - clock()
        if left <= 0:
            break
        sleep(min(interval, max(left, 0.01)))
        try:
            outcome.reads += 1
            settle(read(list(pending)))
            outcome.read_error = None
        except stop_errors as exc:
            outcome.read_error = exc
            break
        except retry_errors as exc:
            outcome.read_error = exc
    return end()

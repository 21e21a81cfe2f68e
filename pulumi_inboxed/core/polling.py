"""Waiting on asynchronous API state, with a deadline, sharing the polling.

`SharedPoller` keeps one background thread per poller. Every key (a batch id, an order id) that
somebody waits on is fetched at most once per interval, however many waiters it has, and all
waiters of that key wake on the same answer. The waiting threads only sleep on a condition;
they make no requests of their own.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from .errors import WaitTimeoutError

log = logging.getLogger("pulumi_inboxed.polling")

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass(frozen=True)
class Deadline:
    """A point in monotonic time; `remaining()` never goes below zero."""

    at: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + seconds)

    def remaining(self) -> float:
        return max(0.0, self.at - time.monotonic())

    def expired(self) -> bool:
        return time.monotonic() >= self.at


@dataclass
class _Watch(Generic[V]):
    waiters: int = 0
    value: V | None = None
    error: BaseException | None = None
    generation: int = 0
    next_poll: float = 0.0


class SharedPoller(Generic[K, V]):
    """Polls `fetch(key)` for every key with waiters, once per `interval` seconds."""

    def __init__(self, name: str, fetch: Callable[[K], V], interval: float) -> None:
        if interval <= 0:
            raise ValueError("interval must be positive")
        self._name = name
        self._fetch = fetch
        self._interval = interval
        self._cond = threading.Condition()
        self._watches: dict[K, _Watch[V]] = {}
        self._thread: threading.Thread | None = None
        self.fetch_count = 0

    def wait(
        self,
        key: K,
        done: Callable[[V], bool],
        timeout: float,
        *,
        describe: Callable[[V | None], str] | None = None,
    ) -> V:
        """Blocks until `done(value)` holds for a fetched value, or raises `WaitTimeoutError`.

        An exception raised by `fetch` (after its own retries) is raised to every waiter.
        """
        deadline = Deadline.after(timeout)
        with self._cond:
            watch = self._watches.setdefault(key, _Watch())
            watch.waiters += 1
            watch.next_poll = 0.0  # a new waiter wants a fresh answer now
            seen = -1
            self._ensure_thread()
            self._cond.notify_all()
            try:
                while True:
                    if watch.generation != seen:
                        seen = watch.generation
                        if watch.error is not None:
                            raise watch.error
                        if watch.value is not None and done(watch.value):
                            return watch.value
                    left = deadline.remaining()
                    if left <= 0:
                        what = describe(watch.value) if describe else repr(watch.value)
                        raise WaitTimeoutError(
                            f"{self._name} {key!r} did not finish within {timeout:g} s; "
                            f"last seen: {what}"
                        )
                    self._cond.wait(timeout=left)
            finally:
                watch.waiters -= 1
                if watch.waiters == 0:
                    del self._watches[key]

    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(
                target=self._run, name=f"poller-{self._name}", daemon=True
            )
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._watches:
                    if not self._cond.wait(timeout=30.0) and not self._watches:
                        self._thread = None  # idle: let the thread end
                        return
                now = time.monotonic()
                due = [k for k, w in self._watches.items() if w.next_poll <= now]
                if not due:
                    soonest = min(w.next_poll for w in self._watches.values())
                    self._cond.wait(timeout=max(0.0, soonest - now))
                    continue
            for key in due:
                value: V | None = None
                error: BaseException | None = None
                try:
                    value = self._fetch(key)
                except Exception as exc:
                    error = exc
                with self._cond:
                    self.fetch_count += 1
                    watch = self._watches.get(key)
                    if watch is None:
                        continue
                    watch.value, watch.error = value, error
                    watch.generation += 1
                    watch.next_poll = time.monotonic() + self._interval
                    self._cond.notify_all()

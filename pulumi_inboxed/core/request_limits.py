"""The pace of one account's requests: how many may be in flight at once, and how many a second.

Each account has its own `RequestLimiter` (its runtime makes one and hands it to every
`HttpClient` of that account), so the API sets the pace per account and one busy account never
takes another's turn: fifty accounts in one program each go at their own pace, and a thread
waiting for account A's next slot does not hold up a request of account B.

The settings, per API, with the account's own entry first (`core.accounts`):
- `<api>:maxConcurrentRequests` (env `<API>_MAX_CONCURRENT_REQUESTS`): requests in flight at once;
- `<api>:requestsPerSecond` (env `<API>_REQUESTS_PER_SECOND`): requests started per second,
  spread evenly (a token bucket whose burst is one second's worth);
- `<api>:requestTimeoutSeconds` (env `<API>_REQUEST_TIMEOUT_SECONDS`): the bound on one request.
A named account reads `<api>:accounts.<name>.maxConcurrentRequests` first, then the plain key.
The defaults (`DEFAULT_LIMITS`) stay under what each API publishes or answers with 429/503.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .config import ConfigSource, Setting, read
from .errors import ConfigError


@dataclass(frozen=True)
class RequestLimits:
    concurrent: int = 16
    """Requests of the account in flight at once."""
    per_second: float = 20.0
    """Requests of the account started per second (0: no bound)."""
    timeout: float = 30.0
    """The bound on one request, in seconds."""


DEFAULT_LIMITS: dict[str, RequestLimits] = {
    # No public page gives InboxedUp's limits: a pace well under what a web API commonly allows.
    "inboxedup": RequestLimits(concurrent=16, per_second=20.0),
    # Mailin.ai shows its limits through its rate-limit endpoints; 60 a minute is its tightest
    # published bucket on writes, reads are wider. Our default stays under one request a second
    # per endpoint on average, with short bursts, and its 429s are honoured (Retry-After).
    "mailin": RequestLimits(concurrent=8, per_second=10.0),
    # MailChannels answers 429/503 when it is pushed; the batch endpoint takes 1000 domains.
    "mailchannels": RequestLimits(concurrent=8, per_second=10.0),
    "pingram": RequestLimits(concurrent=8, per_second=10.0),
}


def limit_settings(namespace: str) -> tuple[Setting, Setting, Setting]:
    """The three settings of `namespace` (`inboxedup`, `mailin`, ...)."""
    env = namespace.upper()
    defaults = DEFAULT_LIMITS.get(namespace, RequestLimits())
    return (
        Setting(
            namespace,
            "maxConcurrentRequests",
            f"{env}_MAX_CONCURRENT_REQUESTS",
            default=str(defaults.concurrent),
        ),
        Setting(
            namespace,
            "requestsPerSecond",
            f"{env}_REQUESTS_PER_SECOND",
            default=f"{defaults.per_second:g}",
        ),
        Setting(
            namespace,
            "requestTimeoutSeconds",
            f"{env}_REQUEST_TIMEOUT_SECONDS",
            default=f"{defaults.timeout:g}",
        ),
    )


def _key_of(setting: Setting, config: object) -> str:
    key_of = getattr(config, "key_of", None)
    return str(key_of(setting)) if callable(key_of) else setting.config_key


def read_limits(namespace: str, config: ConfigSource | None) -> RequestLimits:
    """The limits of the account `config` is the view of (an `AccountConfig`), or of the plain
    settings. A value that is not a positive number fails naming the key to fix."""
    concurrent_s, per_second_s, timeout_s = limit_settings(namespace)

    def number(setting: Setting, minimum: float) -> float:
        raw = read(setting, config)
        try:
            value = float(raw if raw is not None else "")
        except ValueError:
            raise ConfigError(f"{_key_of(setting, config)} must be a number, got {raw!r}") from None
        if value < minimum or value != value:
            raise ConfigError(
                f"{_key_of(setting, config)} must be at least {minimum:g}, got {value:g}"
            )
        return value

    concurrent = number(concurrent_s, 1)
    if not concurrent.is_integer():
        raise ConfigError(
            f"{_key_of(concurrent_s, config)} must be a whole number, got {concurrent:g}"
        )
    return RequestLimits(
        concurrent=int(concurrent),
        per_second=number(per_second_s, 0),
        timeout=number(timeout_s, 0.1),
    )


class RequestLimiter:
    """One account's pace: a bounded number of requests in flight, started at most `per_second`
    a second. Thread-safe; `slot()` waits for a free slot and the next start time."""

    def __init__(
        self,
        limits: RequestLimits,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limits = limits
        self._in_flight = threading.BoundedSemaphore(max(1, limits.concurrent))
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep
        self._next_start = 0.0
        self.waited = 0.0
        """Seconds requests spent waiting for their start time, summed (for benchmarks)."""

    def _reserve_start(self) -> float:
        """Books the next start time (a token bucket of one second's burst); returns the wait."""
        rate = self.limits.per_second
        if rate <= 0:
            return 0.0
        spacing = 1.0 / rate
        with self._lock:
            now = self._clock()
            # a burst of up to one second's worth may start at once
            earliest = max(self._next_start, now - 1.0 + spacing)
            start = max(earliest, now)
            self._next_start = earliest + spacing
            wait = start - now
            self.waited += wait
        return wait

    @contextmanager
    def slot(self) -> Iterator[None]:
        self._in_flight.acquire()
        try:
            wait = self._reserve_start()
            if wait > 0:
                self._sleep(wait)
            yield
        finally:
            self._in_flight.release()


UNLIMITED = RequestLimits(concurrent=1_000_000, per_second=0.0)
"""For clients made outside a runtime (tests): no pace but the API's own."""


__all__ = [
    "DEFAULT_LIMITS",
    "UNLIMITED",
    "RequestLimiter",
    "RequestLimits",
    "limit_settings",
    "read_limits",
]

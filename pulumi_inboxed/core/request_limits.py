"""The pace of one account's requests: how many may be in flight at once, and how many a second.

Each account has its own `RequestLimiter` (its runtime makes one and hands it to every
`HttpClient` of that account), so the API sets the pace per account and one busy account never
takes another's turn: fifty accounts in one program each go at their own pace, and a thread
waiting for account A's next slot does not hold up a request of account B.

The settings, per API, with the account's own entry first (`core.accounts`):
- `<api>:maxConcurrentRequests` (env `<API>_MAX_CONCURRENT_REQUESTS`): requests in flight at once;
- `<api>:requestsPerSecond` (env `<API>_REQUESTS_PER_SECOND`): requests started per second
  (0: no bound). A token bucket: after a quiet spell one second's worth may start at once (at
  least one), then they start evenly, one every 1/rate seconds;
- `<api>:requestTimeoutSeconds` (env `<API>_REQUEST_TIMEOUT_SECONDS`): the bound on one request.
A named account reads `<api>:accounts.<name>.maxConcurrentRequests` first, then the plain key.
The defaults (`DEFAULT_LIMITS`) stay under what each API publishes or answers with 429/503.

`limiter_for(namespace, account, limits)` is where every API's runtime gets an account's limiter:
one per (API, account, limits) in the process (`LIMITERS`), so every client and runtime made for
the account shares it, and a rotated credential (a new client) never gives the account a
second pace.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .accounts import AccountConfig, Registry
from .config import ConfigSource, Setting, read, read_plain
from .engine_watch import ENGINE_GONE
from .errors import ConfigError


@dataclass(frozen=True)
class RequestLimits:
    concurrent: int = 16
    """Requests of the account in flight at once (at least 1)."""
    per_second: float = 20.0
    """Requests of the account started per second (0: no bound)."""
    timeout: float = 30.0
    """The bound on one request, in seconds (more than 0)."""

    def __post_init__(self) -> None:
        if isinstance(self.concurrent, bool) or not isinstance(self.concurrent, int):
            raise ValueError(
                f"RequestLimits.concurrent must be a whole number, got {self.concurrent!r}"
            )
        if self.concurrent < 1:
            raise ValueError(f"RequestLimits.concurrent must be at least 1, got {self.concurrent}")
        if not math.isfinite(self.per_second) or self.per_second < 0:
            raise ValueError(f"RequestLimits.per_second must be 0 or more, got {self.per_second!r}")
        if not math.isfinite(self.timeout) or self.timeout <= 0:
            raise ValueError(f"RequestLimits.timeout must be more than 0, got {self.timeout!r}")


DEFAULT_LIMITS: dict[str, RequestLimits] = {
    # No public page gives InboxedUp's limits (it answers 429 with Retry-After when pushed): a
    # pace well under what a web API commonly allows. An estate of 10,000 domains asks one
    # POST /mailboxes per domain and type: at 50 a second, 200 s for one account.
    "inboxedup": RequestLimits(concurrent=16, per_second=50.0),
    # Mailin.ai documents no API rate limit; its purchases start jobs on its side: a modest pace.
    "mailin": RequestLimits(concurrent=8, per_second=10.0),
    # MailChannels Inbound allows 100 requests a second per customer and answers 503 beyond it
    # (retried like a 429); one batch request provisions up to 1000 domains. Half of that.
    "mailchannels": RequestLimits(concurrent=16, per_second=50.0),
    # Pingram documents no number (its SDKs have a 429 error class): a modest pace.
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


_MEANING = {
    "maxConcurrentRequests": "requests of the account in flight at once",
    "requestsPerSecond": "requests of the account started a second; 0: no bound",
    "requestTimeoutSeconds": "seconds one request may take",
}


def _where(setting: Setting, config: ConfigSource | None) -> str:
    """Where the value `read` gave for `setting` was set, for a message: the account's own key
    (`inboxedup:accounts.client-a.requestsPerSecond`), the plain key, or the variable."""
    base: ConfigSource | None = config
    if isinstance(config, AccountConfig):
        base = config.base
        if config.account is not None and config.read_setting(setting) != read_plain(setting, base):
            return config.key_of(setting)
    plain = base.get(setting.config_key) if base is not None else None
    if plain in (None, "") and os.environ.get(setting.env, "") != "":
        return f"the variable {setting.env}"
    return setting.config_key


def _bad(setting: Setting, config: ConfigSource | None, rule: str, raw: object) -> ConfigError:
    shown = str(raw)
    shown = shown if len(shown) <= 40 else shown[:40] + "..."
    return ConfigError(
        f"{_where(setting, config)} must be {rule} ({_MEANING[setting.key]}); got {shown!r}"
    )


def _number(setting: Setting, config: ConfigSource | None, minimum: float) -> float:
    raw = read(setting, config)
    try:
        value = float(raw if raw is not None else "")
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise _bad(setting, config, "a number", raw)
    if value < minimum:
        raise _bad(setting, config, f"at least {minimum:g}", raw)
    return value


def read_limits(namespace: str, config: ConfigSource | None) -> RequestLimits:
    """The limits of the account `config` is the view of (an `AccountConfig`: the account's own
    entry first), or of the plain settings. A bad value fails naming where it was set:
    `inboxedup:accounts.client-a.requestsPerSecond must be a number (...); got 'fast'`."""
    concurrent_s, per_second_s, timeout_s = limit_settings(namespace)
    concurrent = _number(concurrent_s, config, 1)
    if not concurrent.is_integer():
        raise _bad(concurrent_s, config, "a whole number", read(concurrent_s, config))
    return RequestLimits(
        concurrent=int(concurrent),
        per_second=_number(per_second_s, config, 0),
        timeout=_number(timeout_s, config, 0.1),
    )


def sleep_unless_engine_gone(seconds: float) -> None:
    """Waits `seconds`, or less when the engine goes meanwhile (the next request then fails
    with `EngineGoneError` instead of being sent): the waits of the limiter, of `HttpClient`'s
    retries and of `write_once`."""
    ENGINE_GONE.wait(seconds)


class RequestLimiter:
    """One account's pace: at most `limits.concurrent` requests in flight, started at most
    `limits.per_second` a second. Thread-safe; `slot()` waits for a free slot, then for the
    request's start time.

    The per-second bound is a token bucket (GCRA): the bucket holds one second's worth of starts
    (`per_second`, at least one), so after a quiet spell that many start at once; after that one
    starts every `1 / per_second` seconds. A request waits holding its in-flight slot, so the
    starts are spaced in the order the slots were taken.
    """

    def __init__(
        self,
        limits: RequestLimits,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = sleep_unless_engine_gone,
    ) -> None:
        self.limits = limits
        self._in_flight = threading.BoundedSemaphore(limits.concurrent)
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep
        self._next_start: float | None = None
        """When the bucket is empty again if nothing else starts (GCRA's theoretical time)."""
        self.waited = 0.0
        """Seconds requests spent waiting for their start time, summed (for benchmarks)."""

    def _reserve_start(self) -> float:
        """Books the next start time; returns how long the caller waits for it."""
        rate = self.limits.per_second
        if rate <= 0:
            return 0.0
        spacing = 1.0 / rate
        burst_window = max(0.0, 1.0 - spacing)  # (burst - 1) * spacing, burst = max(1, rate)
        with self._lock:
            now = self._clock()
            due = now if self._next_start is None else max(self._next_start, now)
            start = max(now, due - burst_window)
            self._next_start = due + spacing
            wait = start - now
            if wait < 1e-9:  # float noise at the edge of the burst
                wait = 0.0
            self.waited += wait
        return wait

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Holds one in-flight slot of the account for the duration of one request."""
        self._in_flight.acquire()
        try:
            wait = self._reserve_start()
            if wait > 0:
                self._sleep(wait)
            yield
        finally:
            self._in_flight.release()


class LimiterRegistry:
    """One `RequestLimiter` per (API, account, limits) in a process. An account whose limits
    change (another `requestsPerSecond`) gets a new limiter; a new credential does not."""

    def __init__(self) -> None:
        self._limiters: Registry[RequestLimiter] = Registry()

    def limiter(self, namespace: str, account: str | None, limits: RequestLimits) -> RequestLimiter:
        """The limiter of `account` (None: the default account) of the API `namespace`."""
        return self._limiters.get((namespace, account, limits), lambda: RequestLimiter(limits))

    def limiters(self) -> list[RequestLimiter]:
        return self._limiters.values()

    def clear(self) -> None:
        """Forgets every limiter (tests that start from a fresh process's state)."""
        self._limiters.clear()


LIMITERS = LimiterRegistry()
"""The process's limiters, every API's (tests may replace it with a fresh `LimiterRegistry`)."""


def limiter_for(namespace: str, account: str | None, limits: RequestLimits) -> RequestLimiter:
    """The one `RequestLimiter` of `account` of the API `namespace` for these limits."""
    return LIMITERS.limiter(namespace, account, limits)


UNLIMITED = RequestLimits(concurrent=1_000_000, per_second=0.0)
"""For clients made outside a runtime (tests): no pace but the API's own."""


__all__ = [
    "DEFAULT_LIMITS",
    "LIMITERS",
    "UNLIMITED",
    "LimiterRegistry",
    "RequestLimiter",
    "RequestLimits",
    "limit_settings",
    "limiter_for",
    "read_limits",
    "sleep_unless_engine_gone",
]

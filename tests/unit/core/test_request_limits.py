"""core.request_limits: each account's pace (in flight and per second), its settings, and
fairness between accounts; and HttpClient's use of the limiter and of ENGINE_GONE.

The per-second pace runs on an injected clock whose sleep moves it; the concurrency tests use
threads that wait on events (a generous bound only guards against a hang).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator

import httpx
import pytest

from pulumi_inboxed.core import request_limits
from pulumi_inboxed.core.accounts import AccountConfig
from pulumi_inboxed.core.engine_watch import ENGINE_GONE, EngineGoneError
from pulumi_inboxed.core.errors import ConfigError
from pulumi_inboxed.core.http import HttpClient, RetryPolicy
from pulumi_inboxed.core.request_limits import (
    DEFAULT_LIMITS,
    UNLIMITED,
    RequestLimiter,
    RequestLimits,
    limit_settings,
    read_limits,
)

BOUND = 20.0
"""Seconds an event may take before the test fails (a guard against a hang, not a measure)."""


class FakeClock:
    """A monotonic clock that only moves when the limiter sleeps."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def starts(limiter: RequestLimiter, clock: FakeClock, count: int) -> list[float]:
    """When each of `count` requests, sent one after another, started."""
    started = []
    for _ in range(count):
        with limiter.slot():
            started.append(round(clock.now, 9))
    return started


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for namespace in DEFAULT_LIMITS:
        for setting in limit_settings(namespace):
            monkeypatch.delenv(setting.env, raising=False)
        monkeypatch.delenv(f"{namespace.upper()}_ACCOUNTS", raising=False)


# --- the per-second pace -----------------------------------------------------------------------


@pytest.mark.parametrize("epoch", [0.0, 5000.0])
def test_a_burst_of_one_seconds_worth_then_spaced_by_one_over_the_rate(epoch: float) -> None:
    clock = FakeClock(epoch)
    limiter = RequestLimiter(
        RequestLimits(concurrent=4, per_second=5), clock=clock, sleep=clock.sleep
    )
    offsets = [round(t - epoch, 6) for t in starts(limiter, clock, 9)]
    assert offsets == [0.0] * 5 + [0.2, 0.4, 0.6, 0.8]
    assert limiter.waited == pytest.approx(sum(clock.sleeps))


def test_after_a_quiet_second_a_full_burst_starts_again_and_no_more() -> None:
    clock = FakeClock(10.0)
    limiter = RequestLimiter(RequestLimits(per_second=4), clock=clock, sleep=clock.sleep)
    starts(limiter, clock, 4)
    clock.now += 60.0  # quiet for a minute: the bucket holds one second's worth, not sixty
    offsets = [round(t - 70.0, 6) for t in starts(limiter, clock, 6)]
    assert offsets == [0.0] * 4 + [0.25, 0.5]


def test_a_rate_below_one_a_second_spaces_every_request() -> None:
    clock = FakeClock()
    limiter = RequestLimiter(RequestLimits(per_second=0.5), clock=clock, sleep=clock.sleep)
    assert starts(limiter, clock, 3) == [0.0, 2.0, 4.0]


def test_a_rate_of_zero_never_waits() -> None:
    clock = FakeClock()
    limiter = RequestLimiter(RequestLimits(per_second=0), clock=clock, sleep=clock.sleep)
    assert starts(limiter, clock, 50) == [0.0] * 50
    assert clock.sleeps == []


# --- the concurrency bound ---------------------------------------------------------------------


class Gate:
    """Requests that enter, count themselves, and wait for the test to let them out."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.inside = 0
        self.most = 0
        self.entered = threading.Semaphore(0)
        self.open = threading.Event()
        self.done: list[str] = []

    def hold(self, name: str) -> None:
        with self.lock:
            self.inside += 1
            self.most = max(self.most, self.inside)
        self.entered.release()
        assert self.open.wait(BOUND)
        with self.lock:
            self.inside -= 1
            self.done.append(name)


def threads(target: Callable[[str], None], names: list[str]) -> list[threading.Thread]:
    started = [threading.Thread(target=target, args=(name,), daemon=True) for name in names]
    for thread in started:
        thread.start()
    return started


def join(started: list[threading.Thread]) -> None:
    for thread in started:
        thread.join(BOUND)
        assert not thread.is_alive()


def test_no_more_than_the_bound_are_in_flight_at_once() -> None:
    limiter = RequestLimiter(RequestLimits(concurrent=2, per_second=0))
    gate = Gate()
    arrived = threading.Semaphore(0)

    def request(name: str) -> None:
        arrived.release()
        with limiter.slot():
            gate.hold(name)

    workers = threads(request, [f"r{i}" for i in range(6)])
    for _ in range(6):
        assert arrived.acquire(timeout=BOUND)
    assert gate.entered.acquire(timeout=BOUND) and gate.entered.acquire(timeout=BOUND)
    assert not gate.entered.acquire(timeout=0.3)  # the third waits for a slot
    gate.open.set()
    join(workers)
    assert gate.most == 2 and len(gate.done) == 6


# --- fairness between accounts -----------------------------------------------------------------


def test_a_saturated_account_never_holds_up_another_accounts_request() -> None:
    """Account A: its 2 slots held, 10 more requests queued for them, and its pace spent (its
    next start is far off). Account B's one request goes through while all of A's wait."""
    a_clock = FakeClock()
    a_pace_gate = threading.Event()
    a = RequestLimiter(
        RequestLimits(concurrent=2, per_second=1),
        clock=a_clock,
        sleep=lambda _s: a_pace_gate.wait(BOUND),  # A's next start "never" comes
    )
    b = RequestLimiter(RequestLimits(concurrent=2, per_second=1))
    gate = Gate()
    order: list[str] = []
    order_lock = threading.Lock()
    arrived = threading.Semaphore(0)

    def a_request(name: str) -> None:
        arrived.release()
        with a.slot():
            with order_lock:
                order.append(name)
            gate.hold(name)

    a_workers = threads(a_request, [f"a{i}" for i in range(12)])
    for _ in range(12):
        assert arrived.acquire(timeout=BOUND)
    assert gate.entered.acquire(timeout=BOUND)  # A's first: the burst of one

    b_done = threading.Event()

    def b_request(_name: str) -> None:
        with b.slot(), order_lock:
            order.append("b")
        b_done.set()

    b_worker = threads(b_request, ["b"])
    assert b_done.wait(BOUND), "account B waited behind account A"
    assert len(order) == 2 and order[0].startswith("a") and order[1] == "b"
    # ... and every other request of A is still waiting (one for its start, ten for a slot)
    a_pace_gate.set()
    gate.open.set()
    join(a_workers + b_worker)
    assert len(order) == 13


# --- settings ----------------------------------------------------------------------------------


def test_the_defaults_are_each_apis_own() -> None:
    for namespace, limits in DEFAULT_LIMITS.items():
        assert read_limits(namespace, {}) == limits
    assert read_limits("inboxedup", None) == DEFAULT_LIMITS["inboxedup"]


def test_plain_settings_and_variables_set_the_pace(monkeypatch: pytest.MonkeyPatch) -> None:
    config = {
        "mailin:maxConcurrentRequests": "3",
        "mailin:requestsPerSecond": "2.5",
        "mailin:requestTimeoutSeconds": "12",
    }
    assert read_limits("mailin", config) == RequestLimits(3, 2.5, 12.0)
    monkeypatch.setenv("PINGRAM_REQUESTS_PER_SECOND", "0")
    assert read_limits("pingram", {}).per_second == 0.0


def _accounts(**entries: dict[str, object]) -> str:
    return json.dumps({"client-a": {"apiToken": "tok-a", **entries}, "client-b": {"apiToken": "b"}})


def test_a_named_account_reads_its_own_entry_first_then_the_plain_settings() -> None:
    config = {
        "inboxedup:accounts": _accounts(maxConcurrentRequests=4, requestsPerSecond="1.5"),
        "inboxedup:requestsPerSecond": "7",
        "inboxedup:requestTimeoutSeconds": "9",
    }
    a = read_limits("inboxedup", AccountConfig("inboxedup", config, "client-a"))
    assert a == RequestLimits(concurrent=4, per_second=1.5, timeout=9.0)
    b = read_limits("inboxedup", AccountConfig("inboxedup", config, "client-b"))
    default = DEFAULT_LIMITS["inboxedup"].concurrent
    assert b == RequestLimits(concurrent=default, per_second=7.0, timeout=9.0)


@pytest.mark.parametrize(
    ("key", "value", "rule"),
    [
        ("requestsPerSecond", "fast", "a number (requests of the account started a second; 0: no"),
        ("requestsPerSecond", -1, "at least 0 (requests of the account started a second"),
        ("requestsPerSecond", "inf", "a number"),
        ("maxConcurrentRequests", 0, "at least 1 (requests of the account in flight at once)"),
        ("maxConcurrentRequests", 2.5, "a whole number (requests of the account in flight"),
        ("maxConcurrentRequests", "nan", "a number"),
        ("requestTimeoutSeconds", 0, "at least 0.1 (seconds one request may take)"),
    ],
)
def test_a_bad_value_in_an_accounts_entry_names_that_key(
    key: str, value: object, rule: str
) -> None:
    config = {"inboxedup:accounts": _accounts(**{key: value})}
    with pytest.raises(ConfigError) as raised:
        read_limits("inboxedup", AccountConfig("inboxedup", config, "client-a"))
    message = str(raised.value)
    assert message.startswith(f"inboxedup:accounts.client-a.{key} must be {rule}")
    assert "tok-a" not in message


def test_a_bad_plain_value_names_the_plain_key_even_for_a_named_account() -> None:
    config = {"mailin:accounts": _accounts(), "mailin:requestsPerSecond": "lots"}
    for view in (config, AccountConfig("mailin", config, "client-a")):
        with pytest.raises(ConfigError, match=r"^mailin:requestsPerSecond must be .*'lots'"):
            read_limits("mailin", view)


def test_a_bad_variable_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILCHANNELS_MAX_CONCURRENT_REQUESTS", "many")
    with pytest.raises(ConfigError, match=r"^the variable MAILCHANNELS_MAX_CONCURRENT_REQUESTS"):
        read_limits("mailchannels", {})


@pytest.mark.parametrize(
    "kwargs",
    [{"concurrent": 0}, {"per_second": -1.0}, {"timeout": 0.0}, {"per_second": float("nan")}],
)
def test_limits_made_in_code_are_checked(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="RequestLimits"):
        RequestLimits(**kwargs)  # type: ignore[arg-type]
    assert UNLIMITED.per_second == 0


# --- HttpClient --------------------------------------------------------------------------------


def client(transport: httpx.MockTransport, limiter: RequestLimiter | None) -> HttpClient:
    return HttpClient(
        provider="Test",
        base_url="https://api.test",
        headers={},
        retry=RetryPolicy(attempts=1),
        transport=transport,
        limiter=limiter,
    )


def test_clients_of_one_account_share_its_concurrency_bound() -> None:
    """Two HttpClients of one account, one limiter of 1: never 2 requests in flight."""
    gate = Gate()

    def handler(request: httpx.Request) -> httpx.Response:
        gate.hold(request.url.path)
        return httpx.Response(200, json={})

    limiter = RequestLimiter(RequestLimits(concurrent=1, per_second=0))
    transport = httpx.MockTransport(handler)
    first, second = client(transport, limiter), client(transport, limiter)
    arrived = threading.Semaphore(0)

    def call(name: str) -> None:
        arrived.release()
        (first if name.startswith("first") else second).request("GET", f"/{name}")

    workers = threads(call, ["first-1", "first-2", "second-1", "second-2"])
    for _ in range(4):
        assert arrived.acquire(timeout=BOUND)
    assert gate.entered.acquire(timeout=BOUND)
    assert not gate.entered.acquire(timeout=0.3)  # the others wait for the one slot
    gate.open.set()
    join(workers)
    assert gate.most == 1 and len(gate.done) == 4


def test_an_accounts_client_is_not_held_up_by_another_accounts_full_client() -> None:
    """Account A's client: its 2 slots held by requests the API has not answered, 6 more
    queued. Account B's client (its own limiter) gets its answer meanwhile."""
    gate = Gate()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "a.test":
            gate.hold(request.url.path)
        return httpx.Response(200, json={})

    transport = httpx.MockTransport(handler)
    limits = RequestLimits(concurrent=2, per_second=0)
    a = HttpClient(
        provider="Test",
        base_url="https://a.test",
        headers={},
        retry=RetryPolicy(attempts=1),
        transport=transport,
        limiter=RequestLimiter(limits),
    )
    b = HttpClient(
        provider="Test",
        base_url="https://b.test",
        headers={},
        retry=RetryPolicy(attempts=1),
        transport=transport,
        limiter=RequestLimiter(limits),
    )

    def a_request(name: str) -> None:
        a.request("GET", f"/{name}")

    a_workers = threads(a_request, [f"a{i}" for i in range(8)])
    assert gate.entered.acquire(timeout=BOUND) and gate.entered.acquire(timeout=BOUND)
    assert b.request("GET", "/b").status_code == 200  # while A's 8 are all unanswered or queued
    assert gate.done == []
    gate.open.set()
    join(a_workers)
    assert gate.most == 2 and len(gate.done) == 8


def test_a_client_keeps_its_accounts_pace() -> None:
    clock = FakeClock()
    limiter = RequestLimiter(RequestLimits(per_second=2), clock=clock, sleep=clock.sleep)
    sent: list[float] = []

    def handler(_request: httpx.Request) -> httpx.Response:
        sent.append(clock.now)
        return httpx.Response(200, json={})

    api = client(httpx.MockTransport(handler), limiter)
    for _ in range(4):
        api.request("GET", "/things")
    assert sent == [0.0, 0.0, 0.5, 1.0]


@pytest.fixture
def engine_gone() -> Iterator[threading.Event]:
    try:
        yield ENGINE_GONE
    finally:
        ENGINE_GONE.clear()


def test_nothing_is_sent_once_the_engine_is_gone(engine_gone: threading.Event) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        return httpx.Response(200, json={})

    transport = httpx.MockTransport(handler)
    limited = client(transport, RequestLimiter(RequestLimits()))
    unlimited = client(transport, None)
    engine_gone.set()
    for api in (limited, unlimited):
        for method in ("GET", "POST", "DELETE"):
            with pytest.raises(EngineGoneError):
                api.request(method, "/things")
    assert calls == []


def test_a_request_waiting_for_its_start_is_not_sent_if_the_engine_goes_meanwhile(
    engine_gone: threading.Event,
) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        return httpx.Response(200, json={})

    clock = FakeClock()

    def engine_goes(seconds: float) -> None:
        clock.sleep(seconds)
        engine_gone.set()

    limiter = RequestLimiter(RequestLimits(per_second=1), clock=clock, sleep=engine_goes)
    api = client(httpx.MockTransport(handler), limiter)
    api.request("POST", "/things")  # the burst of one
    with pytest.raises(EngineGoneError):
        api.request("POST", "/things")  # waits a second for its start; the engine goes
    assert calls == ["POST"]


def test_the_default_wait_for_a_start_ends_when_the_engine_goes(
    engine_gone: threading.Event,
) -> None:
    """No clock: a one-request-an-hour pace would hang here if the wait ignored the engine."""
    waiting = threading.Event()

    def default_wait(seconds: float) -> None:
        waiting.set()
        request_limits.sleep_unless_engine_gone(seconds)

    limiter = RequestLimiter(RequestLimits(per_second=1 / 3600), sleep=default_wait)
    api = client(httpx.MockTransport(lambda _r: httpx.Response(200, json={})), limiter)
    api.request("GET", "/things")
    outcome: list[BaseException] = []

    def second(_name: str) -> None:
        try:
            api.request("GET", "/things")
        except BaseException as exc:
            outcome.append(exc)

    worker = threads(second, ["second"])
    assert waiting.wait(BOUND)
    engine_gone.set()
    join(worker)
    assert len(outcome) == 1 and isinstance(outcome[0], EngineGoneError)


def test_a_wait_between_tries_ends_when_the_engine_goes(engine_gone: threading.Event) -> None:
    """No clock: an hour's Retry-After would hang here if the retry wait ignored the engine."""
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        engine_gone.set()  # the engine goes while the API asks us to come back in an hour
        return httpx.Response(429, headers={"Retry-After": "3600"}, json={})

    api = HttpClient(
        provider="Test",
        base_url="https://api.test",
        headers={},
        retry=RetryPolicy(attempts=3, max_wait=3600),
        transport=httpx.MockTransport(handler),
    )
    with pytest.raises(EngineGoneError):
        api.request("POST", "/things")
    assert calls == ["POST"]


def test_a_post_that_never_got_a_connection_is_sent_again() -> None:
    """A wait for a free connection of the client's pool that timed out sent nothing."""
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        if len(calls) == 1:
            raise httpx.PoolTimeout("no free connection", request=request)
        return httpx.Response(201, json={"id": 1})

    api = HttpClient(
        provider="Test",
        base_url="https://api.test",
        headers={},
        retry=RetryPolicy(attempts=2),
        transport=httpx.MockTransport(handler),
        sleep=lambda _s: None,
    )
    assert api.request("POST", "/things", json={}).status_code == 201
    assert calls == ["POST", "POST"]


def test_every_apis_runtime_takes_the_accounts_one_limiter_whatever_its_credential() -> None:
    """InboxedUp and Mailin.ai runtimes are made per account AND credential: a rotated token is
    a new runtime or client, but the account keeps its one pace (`request_limits.limiter_for`),
    as MailChannels' and Pingram's clients do (tests/unit/mailchannels/test_request_pace.py)."""
    from pulumi_inboxed.inboxedup import runtime as iu_runtime
    from pulumi_inboxed.mailin import runtime as mi_runtime

    iu = {"inboxedup:baseUrl": "https://iu.pace.test", "inboxedup:apiToken": "iu-token-1"}
    first = iu_runtime.runtime_for(iu)
    rotated = iu_runtime.runtime_for({**iu, "inboxedup:apiToken": "iu-token-2"})
    assert rotated is not first and rotated.limiter is first.limiter
    assert first.client.http.limiter is first.limiter
    mi = {"mailin:baseUrl": "https://mi.pace.test", "mailin:apiToken": "mi-token-1"}
    a = mi_runtime.runtime_for(mi).client
    b = mi_runtime.runtime_for({**mi, "mailin:apiToken": "mi-token-2"}).client
    assert b is not a and b.http.limiter is a.http.limiter
    paced = {**mi, "mailin:requestsPerSecond": "3"}
    assert mi_runtime.runtime_for(paced).client.http.limiter is not a.http.limiter
    assert request_limits.LIMITERS.limiter("inboxedup", None, first.limits) is first.limiter


@pytest.mark.parametrize("kind", ["mailchannels", "pingram"])
def test_the_api_key_clients_wait_between_tries_ends_when_the_engine_goes(
    engine_gone: threading.Event, kind: str
) -> None:
    """MailChannels and Pingram wait as the others do: an hour's Retry-After, once the engine is
    gone, ends at once and nothing more is sent (their default wait was `time.sleep`)."""
    from pulumi_inboxed.mailchannels.client import MailChannelsClient
    from pulumi_inboxed.pingram.client import PingramClient

    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        engine_gone.set()
        return httpx.Response(429, headers={"Retry-After": "3600"}, json={})

    make = MailChannelsClient if kind == "mailchannels" else PingramClient
    api = make(
        "https://api.test",
        "key",
        retry=RetryPolicy(attempts=3, max_wait=3600),
        transport=httpx.MockTransport(handler),
    )
    outcome: list[BaseException] = []

    def listing(_name: str) -> None:
        try:
            api.list_domains()
        except BaseException as exc:
            outcome.append(exc)

    join(threads(listing, ["listing"]))  # bounded: it would wait an hour otherwise
    assert len(outcome) == 1 and isinstance(outcome[0], EngineGoneError), outcome
    assert calls == ["GET"]

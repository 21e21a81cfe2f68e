"""The pace of MailChannels and Pingram accounts: `<api>:maxConcurrentRequests`,
`<api>:requestsPerSecond` and `<api>:requestTimeoutSeconds` (a named account's own entry first),
ONE limiter per account shared by every client made for it, and a bad value fails naming the
key to set. The runtimes run unchanged; the HTTP is faked with `httpx.MockTransport`."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest

from pulumi_inboxed.core.accounts import Registry
from pulumi_inboxed.core.errors import ConfigError
from pulumi_inboxed.core.request_limits import DEFAULT_LIMITS, RequestLimits
from pulumi_inboxed.mailchannels import runtime as mc_runtime
from pulumi_inboxed.pingram import runtime as pg_runtime

RUNTIMES = {"mailchannels": mc_runtime, "pingram": pg_runtime}
KEY_A = "key-client-a-0001"


def config(ns: str, **extra: Any) -> dict[str, Any]:
    return {
        f"{ns}:baseUrl": f"https://{ns}.pace.test",
        f"{ns}:apiKey": "key-default-0000",
        f"{ns}:accounts": {"client-a": {"apiKey": KEY_A}, "client-b": {"apiKey": "key-b"}},
        **extra,
    }


def with_account(ns: str, account: dict[str, Any], **extra: Any) -> dict[str, Any]:
    base = config(ns, **extra)
    return {**base, f"{ns}:accounts": {**base[f"{ns}:accounts"], "client-a": account}}


CLIENTS = {"mailchannels": "MailChannelsClient", "pingram": "PingramClient"}


def empty_list(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=[])


HANDLER: list[Callable[[httpx.Request], httpx.Response]] = [empty_list]
"""What the fake API answers (tests replace it)."""


@pytest.fixture(params=sorted(RUNTIMES))
def api(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The runtime builds its clients (and the accounts' limiters) as ever; their HTTP goes to
    `HANDLER[0]`."""
    ns: str = request.param
    runtime = RUNTIMES[ns]
    real = getattr(runtime, CLIENTS[ns])
    transport = httpx.MockTransport(lambda r: HANDLER[0](r))

    class Faked(real):  # type: ignore[misc, valid-type]
        def __init__(self, base_url: str, api_key: str, **kwargs: Any) -> None:
            super().__init__(base_url, api_key, transport=transport, **kwargs)

    monkeypatch.setattr(runtime.CLIENTS, "client_class", Faked)
    HANDLER[0] = empty_list
    monkeypatch.setattr(runtime.CLIENTS, "clients", Registry())
    # the account limiters (`core.request_limits.LIMITERS`) are fresh per test: conftest
    for key in ("MAX_CONCURRENT_REQUESTS", "REQUESTS_PER_SECOND", "REQUEST_TIMEOUT_SECONDS"):
        monkeypatch.delenv(f"{ns.upper()}_{key}", raising=False)
    for key in ("API_KEY", "BASE_URL", "ACCOUNTS", "ENDPOINTS"):
        monkeypatch.delenv(f"{ns.upper()}_{key}", raising=False)
    yield ns


def runtime_of(ns: str) -> ModuleType:
    return RUNTIMES[ns]


def test_one_limiter_per_account_whatever_the_clients(api: str) -> None:
    rt = runtime_of(api)
    a = rt.client_for(config(api), "client-a")
    rotated = rt.client_for(with_account(api, {"apiKey": "key-a-rotated"}), "client-a")
    assert rotated is not a  # a new key: a new client ...
    assert rotated.http.limiter is a.http.limiter  # ... but the account keeps its one pace
    assert rt.client_for(config(api), "client-a") is a
    b = rt.client_for(config(api), "client-b")
    default = rt.client_for(config(api))
    limiters = {id(c.http.limiter) for c in (a, b, default)}
    assert len(limiters) == 3 and None not in (a.http.limiter, b.http.limiter)


def test_the_accounts_own_entry_first_then_the_plain_setting_then_the_default(
    api: str,
) -> None:
    rt = runtime_of(api)
    own = {"apiKey": KEY_A, "maxConcurrentRequests": 2, "requestsPerSecond": "5"}
    cfg = with_account(
        api,
        {**own, "requestTimeoutSeconds": 7},
        **{f"{api}:maxConcurrentRequests": "4", f"{api}:requestTimeoutSeconds": "12.5"},
    )
    a = rt.client_for(cfg, "client-a")
    assert a.http.limiter.limits == RequestLimits(concurrent=2, per_second=5.0, timeout=7.0)
    assert a.http.retry.request_timeout == 7.0
    b = rt.client_for(cfg, "client-b")
    default_rate = DEFAULT_LIMITS[api].per_second
    assert b.http.limiter.limits == RequestLimits(4, default_rate, 12.5)
    assert b.http.retry.request_timeout == 12.5


@pytest.mark.parametrize(
    ("account", "plain", "key", "why"),
    [
        ({"maxConcurrentRequests": 0}, {}, "accounts.client-a.maxConcurrentRequests", "at least"),
        ({"maxConcurrentRequests": 1.5}, {}, "accounts.client-a.maxConcurrentRequests", "a whole"),
        ({"requestsPerSecond": "fast"}, {}, "accounts.client-a.requestsPerSecond", "a number"),
        ({}, {"requestTimeoutSeconds": "-1"}, "requestTimeoutSeconds", "at least"),
        ({}, {"requestsPerSecond": "many"}, "requestsPerSecond", "a number"),
    ],
)
def test_a_bad_value_fails_naming_the_key(
    api: str, account: dict[str, Any], plain: dict[str, Any], key: str, why: str
) -> None:
    rt = runtime_of(api)
    cfg = with_account(
        api, {"apiKey": KEY_A, **account}, **{f"{api}:{k}": v for k, v in plain.items()}
    )
    account_name = "client-a" if account else None  # a plain key: the default account's
    with pytest.raises(ConfigError, match=rf"^{api}:{key} must be {why}") as caught:
        rt.client_for(cfg, account_name)
    assert KEY_A not in str(caught.value)


def test_a_request_in_flight_takes_the_accounts_slot_for_every_client_of_it(api: str) -> None:
    """maxConcurrentRequests=1: while one request of client-a is in flight, client-a's one slot
    is taken, for the client made after its key rotated too; client-b's is free."""
    rt = runtime_of(api)
    entered, release = threading.Event(), threading.Event()

    def handle(request: httpx.Request) -> httpx.Response:
        entered.set()
        assert release.wait(10)
        return httpx.Response(200, json=[])

    HANDLER[0] = handle
    pace = {f"{api}:maxConcurrentRequests": "1"}
    cfg = config(api, **pace)
    rotated = with_account(api, {"apiKey": "key-a-rotated"}, **pace)
    first = rt.client_for(cfg, "client-a")
    second = rt.client_for(rotated, "client-a")
    other = rt.client_for(cfg, "client-b")
    assert second is not first and second.http.limiter is first.http.limiter
    worker = threading.Thread(target=first.list_domains)
    worker.start()
    try:
        assert entered.wait(10)
        slot_a = second.http.limiter._in_flight
        assert not slot_a.acquire(blocking=False)  # client-a's one slot is taken
        slot_b = other.http.limiter._in_flight
        assert slot_b.acquire(blocking=False)
        slot_b.release()
    finally:
        release.set()
        worker.join(10)
    assert slot_a.acquire(blocking=False)  # free again once the request is done
    slot_a.release()

"""Pingram accounts: each call carries its own account's key, a named account never borrows the
default key, endpoint overrides per account, an unknown account fails preview on `account`, the
functions take `account=`, and no key reaches the pickled provider or the state.

The HTTP is faked (`tests/unit/fake_api.FakeApi` under the real `PingramClient`, built by the real
runtime); the provider, the runtime and the functions run unchanged."""

from __future__ import annotations

import json
import pickle
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx
import pulumi
import pytest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.output import UNKNOWN

from pulumi_inboxed.core.accounts import Registry
from pulumi_inboxed.core.errors import ConfigError
from pulumi_inboxed.pingram import PingramClient
from pulumi_inboxed.pingram import endpoints as ep
from pulumi_inboxed.pingram import functions as pg_functions
from pulumi_inboxed.pingram import runtime as pg_runtime
from pulumi_inboxed.pingram.sender_domain import SenderDomainProvider

from ..conftest import PreviewCheck
from ..fake_api import Call, FakeApi

DEFAULT_KEY = "pingram_sk_default_0001"
KEY_A = "pingram_sk_client_a_0002"
KEY_B = "pingram_sk_client_b_0003"
BASE = "https://pg.default.test"
BASE_B = "https://pg.eu.test"
DKIM = "-----BEGIN RSA PRIVATE KEY-----\nDKIMSECRET\n-----END RSA PRIVATE KEY-----"
ACCOUNTS = {
    "client-a": {"apiKey": KEY_A},
    "client-b": {"apiKey": KEY_B, "baseUrl": BASE_B},
}
CONFIG: dict[str, Any] = {
    "pingram:baseUrl": BASE,
    "pingram:apiKey": DEFAULT_KEY,
    "pingram:accounts": ACCOUNTS,
}


def sender(name: str) -> dict[str, Any]:
    return {
        "sender": name,
        "status": "PENDING",
        "lastSync": "2026-01-01T00:00:00Z",
        "verificationTokens": ["t1"],
        "createdAt": "2026-01-01T00:00:00Z",
        "privateDKIMKey": DKIM,
        "selector": "pingram01",
    }


class FakePingram(FakeApi):
    """One fake Pingram serving three accounts, each by its key, routed by its endpoint table
    (and the overridden path a test sets): what each holds, and every request as (key, host,
    method, path)."""

    def __init__(self) -> None:
        super().__init__(ep, overrides={ep.LIST_DOMAINS: "GET /s"})
        self.held: dict[str, list[str]] = {DEFAULT_KEY: [], KEY_A: [], KEY_B: []}
        self.seen: list[tuple[str, str, str, str]] = []
        self.on(ep.LIST_DOMAINS, self._list)
        self.on(ep.ADD_DOMAIN, self._add)
        self.on(ep.DELETE_DOMAIN, self._delete)
        self.on(ep.START_VERIFICATION, self._list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        key = request.headers.get("Authorization", "").removeprefix("Bearer ")
        self.seen.append((key, request.url.host, request.method, request.url.path))
        if key not in self.held:
            return httpx.Response(401, json={"error": {"code": "UNAUTHORIZED", "message": "no"}})
        return super().__call__(request)

    def _mine(self, call: Call) -> list[str]:
        return self.held[call.request.headers["Authorization"].removeprefix("Bearer ")]

    def _list(self, call: Call) -> httpx.Response:
        return httpx.Response(200, json=[sender(n) for n in self._mine(call)])

    def _add(self, call: Call) -> httpx.Response:
        self._mine(call).append(call.body["sender"])
        return self._list(call)

    def _delete(self, call: Call) -> httpx.Response:
        self._mine(call).remove(call.params["sender"])
        return httpx.Response(200, json={"success": True})

    def keys(self) -> list[str]:
        return [key for key, *_ in self.seen]


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakePingram]:
    """The runtime builds its clients as ever; their HTTP goes to `FakePingram`."""
    api = FakePingram()
    transport = api.transport()

    class Faked(PingramClient):
        def __init__(self, base_url: str, api_key: str, **kwargs: Any) -> None:
            super().__init__(base_url, api_key, transport=transport, **kwargs)

    monkeypatch.setattr(pg_runtime.CLIENTS, "client_class", Faked)
    monkeypatch.setattr(pg_runtime.CLIENTS, "clients", Registry())
    for name in ("PINGRAM_API_KEY", "PINGRAM_BASE_URL", "PINGRAM_ACCOUNTS", "PINGRAM_ENDPOINTS"):
        monkeypatch.delenv(name, raising=False)
    yield api


def provider(config: dict[str, Any] = CONFIG) -> SenderDomainProvider:
    configured = SenderDomainProvider()
    configured._config = config  # as configure() sets it
    return configured


def test_each_call_carries_its_own_accounts_key_and_base_url(fake: FakePingram) -> None:
    pg_runtime.client_for(CONFIG).list_domains()
    pg_runtime.client_for(CONFIG, "client-a").list_domains()
    pg_runtime.client_for(CONFIG, "client-b").list_domains()
    assert fake.seen == [
        (DEFAULT_KEY, "pg.default.test", "GET", "/domains"),
        (KEY_A, "pg.default.test", "GET", "/domains"),  # base URL: the plain setting
        (KEY_B, "pg.eu.test", "GET", "/domains"),  # its own base URL
    ]


def test_one_client_per_account_and_settings(fake: FakePingram) -> None:
    a = pg_runtime.client_for(CONFIG, "client-a")
    assert pg_runtime.client_for(CONFIG, "client-a") is a
    assert pg_runtime.client_for(CONFIG, "client-b") is not a
    assert pg_runtime.client_for(CONFIG) is not a
    rotated = {**CONFIG, "pingram:accounts": {**ACCOUNTS, "client-a": {"apiKey": "new"}}}
    assert pg_runtime.client_for(rotated, "client-a") is not a


def test_a_named_account_without_a_key_never_borrows_the_default(
    fake: FakePingram, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PINGRAM_API_KEY", "pingram_sk_from_the_variable")
    config = {**CONFIG, "pingram:accounts": {"client-c": {"baseUrl": BASE_B}}}
    with pytest.raises(ConfigError, match=r"pingram:accounts\.client-c\.apiKey is not set") as e:
        pg_runtime.client_for(config, "client-c")
    assert DEFAULT_KEY not in str(e.value) and "from_the_variable" not in str(e.value)
    assert fake.seen == []


def test_an_unknown_account_is_a_config_error_naming_the_key(fake: FakePingram) -> None:
    with pytest.raises(ConfigError, match=r"pingram:accounts\.client-z\."):
        pg_runtime.client_for(CONFIG, "client-z")


def test_endpoint_overrides_per_account(fake: FakePingram) -> None:
    accounts = {**ACCOUNTS, "client-a": {"apiKey": KEY_A, "endpoints": {"list_domains": "GET /s"}}}
    config = {**CONFIG, "pingram:accounts": accounts}
    pg_runtime.client_for(config, "client-a").list_domains()
    pg_runtime.client_for(config, "client-b").list_domains()
    pg_runtime.client_for(config).list_domains()
    assert [(k, p) for k, _h, _m, p in fake.seen] == [
        (KEY_A, "/s"),
        (KEY_B, "/domains"),
        (DEFAULT_KEY, "/domains"),
    ]
    # A bad name in the account's own overrides is refused when its client is built. (The
    # message names the merged map's key, `pingram:endpoints.x`: core.accounts merges the maps.)
    own = {"client-a": {"apiKey": KEY_A, "endpoints": {"x": "GET /"}}}
    with pytest.raises(ConfigError, match=r"endpoints\.x: no such pingram endpoint"):
        pg_runtime.client_for({**CONFIG, "pingram:accounts": own}, "client-a")
    pg_runtime.client_for({**CONFIG, "pingram:accounts": own})  # the default account is fine


def test_the_resource_lives_in_its_account_from_create_to_delete(fake: FakePingram) -> None:
    p = provider()
    inputs = p.check({}, {"domain": "news.client-a.com", "account": "client-a"}).inputs
    created = p.create(inputs)
    assert fake.held[KEY_A] == ["news.client-a.com"]
    assert fake.held[DEFAULT_KEY] == [] and fake.held[KEY_B] == []
    outs = created.outs
    assert outs["account"] == "client-a"
    read = p.read(created.id, outs)
    assert read.outs["account"] == "client-a"
    p.delete(created.id, read.outs)
    assert fake.held[KEY_A] == []
    assert set(fake.keys()) == {KEY_A}
    # Nothing of the key in what the engine stores.
    for stored in (outs, read.outs):
        assert KEY_A not in json.dumps(stored)


def test_the_default_account_records_no_account(fake: FakePingram) -> None:
    p = provider()
    inputs = p.check({}, {"domain": "news.default.com"}).inputs
    assert "account" not in inputs
    created = p.create(inputs)
    assert "account" not in created.outs
    assert fake.held[DEFAULT_KEY] == ["news.default.com"]


def test_the_pickled_provider_holds_no_key(fake: FakePingram) -> None:
    p = provider()
    p.create(p.check({}, {"domain": "news.client-b.com", "account": "client-b"}).inputs)
    pickled = serialize_provider(p)
    for secret in (KEY_A, KEY_B, DEFAULT_KEY, "client-b"):
        assert secret not in pickled
        assert secret.encode() not in pickle.dumps(p)


def test_an_unknown_account_fails_preview_on_account_with_no_api_call(
    preview_check: PreviewCheck, monkeypatch: pytest.MonkeyPatch
) -> None:
    outcome = preview_check(SenderDomainProvider, {"domain": "a.example.com", "account": "nope"})
    assert outcome.aborted is None, outcome.aborted
    assert list(outcome.failures) == ["account"], outcome.failures
    assert "account 'nope' is not configured for pingram" in outcome.failures["account"]
    assert "pingram:accounts.nope." in outcome.failures["account"]
    assert outcome.requests == 0
    bad_name = preview_check(SenderDomainProvider, {"domain": "a.example.com", "account": "a b"})
    assert list(bad_name.failures) == ["account"], bad_name.failures

    # The same account configured (here by the variable) passes.
    monkeypatch.setenv("PINGRAM_ACCOUNTS", json.dumps({"nope": {"apiKey": KEY_A}}))
    fine = preview_check(SenderDomainProvider, {"domain": "a.example.com", "account": "nope"})
    assert fine.failures == {} and fine.aborted is None and fine.requests == 0


def test_an_account_not_known_yet_passes_preview(preview_check: PreviewCheck) -> None:
    outcome = preview_check(SenderDomainProvider, {"domain": "a.example.com", "account": UNKNOWN})
    assert outcome.failures == {} and outcome.aborted is None and outcome.requests == 0


def test_changing_the_account_replaces() -> None:
    p = SenderDomainProvider()
    olds = {"domain": "a.example.com", "start_verification": False}
    diff = p.diff("a.example.com", olds, {**olds, "account": "client-a"})
    assert diff.replaces == ["account"]
    same = p.diff("a.example.com", {**olds, "account": "x"}, {**olds, "account": "x"})
    assert not same.changes


def test_plain_functions_take_account(fake: FakePingram, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINGRAM_BASE_URL", BASE)
    monkeypatch.setenv("PINGRAM_API_KEY", DEFAULT_KEY)
    monkeypatch.setenv("PINGRAM_ACCOUNTS", json.dumps(ACCOUNTS))
    fake.held[KEY_B].append("b.example.com")
    assert [d.sender for d in pg_functions.list_sender_domains(account="client-b")] == [
        "b.example.com"
    ]
    assert pg_functions.get_sender_domain("b.example.com") is None  # the default account
    assert pg_functions.get_sender_domain("b.example.com", account="client-b") is not None
    assert fake.keys() == [KEY_B, DEFAULT_KEY, KEY_B]


class NoResources(pulumi.runtime.Mocks):
    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        return f"{args.name}_id", args.inputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any] | None]:
        return {}, None


@pytest.fixture
def stack_config() -> Iterator[Callable[[dict[str, str], list[str]], None]]:
    pulumi.runtime.set_mocks(NoResources(), preview=False)
    yield pulumi.runtime.set_all_config
    pulumi.runtime.set_all_config({}, [])


def test_output_functions_read_the_accounts_map_from_the_stack_config(
    fake: FakePingram,
    stack_config: Callable[[dict[str, str], list[str]], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PINGRAM_ACCOUNTS", json.dumps({"client-a": {"apiKey": "wrong"}}))
    stack_config(
        {
            "pingram:baseUrl": BASE,
            "pingram:apiKey": DEFAULT_KEY,
            "pingram:accounts": json.dumps(ACCOUNTS),  # the CLI passes a map as JSON
        },
        ["pingram:apiKey", "pingram:accounts"],
    )
    fake.held[KEY_A].append("a.example.com")

    @pulumi.runtime.test
    def program() -> Awaitable[None]:
        mine = pg_functions.list_sender_domains_output(account="client-a")
        one = pg_functions.get_sender_domain_output("a.example.com", account="client-a")
        default = pg_functions.list_sender_domains_output()

        async def check() -> None:
            assert [d.sender for d in await mine.future() or []] == ["a.example.com"]
            found = await one.future()
            assert found is not None and found.sender == "a.example.com"
            assert await default.future() == []
            assert await mine.is_secret() and await one.is_secret()

        return check()

    program()
    assert sorted(fake.keys()) == sorted([KEY_A, KEY_A, DEFAULT_KEY])

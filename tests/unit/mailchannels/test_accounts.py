"""MailChannels Inbound accounts: each call carries its own account's key, a named account never
borrows the default key, endpoint overrides per account, an unknown account fails preview on
`account`, the functions take `account=`, and no key reaches the pickled provider or the state.

The HTTP is faked (`tests/unit/fake_api.FakeApi` under the real `MailChannelsClient`, built by
the real runtime); the provider, the runtime and the functions run unchanged."""

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
from pulumi_inboxed.mailchannels import MailChannelsClient
from pulumi_inboxed.mailchannels import endpoints as ep
from pulumi_inboxed.mailchannels import functions as mc_functions
from pulumi_inboxed.mailchannels import runtime as mc_runtime
from pulumi_inboxed.mailchannels.inbound_domains import InboundDomainsProvider

from ..conftest import PreviewCheck
from ..fake_api import Call, FakeApi

DEFAULT_KEY = "mc-default-key-0001"
KEY_A = "mc-client-a-key-0002"
KEY_B = "mc-client-b-key-0003"
BASE = "https://mc.default.test/inbound/v1"
BASE_B = "https://mc.other.test/inbound/v1"
ACCOUNTS = {
    "client-a": {"apiKey": KEY_A},
    "client-b": {"apiKey": KEY_B, "baseUrl": BASE_B},
}
CONFIG: dict[str, Any] = {
    "mailchannels:baseUrl": BASE,
    "mailchannels:apiKey": DEFAULT_KEY,
    "mailchannels:accounts": ACCOUNTS,
}
SUBSCRIPTION = {"handle": "sub-x", "active": True, "plan": {"handle": "p", "name": "Plan"}}


class FakeMailChannels(FakeApi):
    """One fake MailChannels Inbound serving three API keys, routed by its endpoint table (and
    the overridden paths the tests set): the domains each key holds, and every request as (key,
    host, method, path)."""

    def __init__(self) -> None:
        overrides = {ep.LIST_SUBSCRIPTIONS: "GET /subs", ep.REMOVE_DOMAIN: "DELETE /rm/{domain}"}
        super().__init__(ep, base_path="/inbound/v1", overrides=overrides)
        self.held: dict[str, set[str]] = {DEFAULT_KEY: set(), KEY_A: set(), KEY_B: set()}
        self.seen: list[tuple[str, str, str, str]] = []
        self.on(ep.LIST_SUBSCRIPTIONS, lambda _call: httpx.Response(200, json=[SUBSCRIPTION]))
        self.on(ep.PROVISION_DOMAINS, self._provision)
        self.on(ep.REMOVE_DOMAIN, self._remove)
        self.on(ep.LIST_DOMAINS, self._list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        key = request.headers.get("X-API-Key", "")
        path = request.url.path.removeprefix("/inbound/v1")
        self.seen.append((key, request.url.host, request.method, path))
        if key not in self.held:
            return httpx.Response(401, json={"code": 0, "message": "bad key", "errors": []})
        return super().__call__(request)

    def _mine(self, call: Call) -> set[str]:
        return self.held[call.request.headers["X-API-Key"]]

    def _provision(self, call: Call) -> httpx.Response:
        names = [d["domain"] for d in call.body["domains"]]
        self._mine(call).update(names)
        done = [{"domain": {"domain": n}, "code": 201} for n in names]
        return httpx.Response(200, json={"successes": done, "errors": []})

    def _remove(self, call: Call) -> httpx.Response:
        self._mine(call).discard(call.params["domain"])
        return httpx.Response(204)

    def _list(self, call: Call) -> httpx.Response:
        wanted = call.query.get_list("domains")
        names = sorted(n for n in self._mine(call) if not wanted or n in wanted)
        return httpx.Response(200, json={"domains": [{"domain": n} for n in names]})

    def keys(self) -> list[str]:
        return [key for key, *_ in self.seen]


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeMailChannels]:
    """The runtime builds its clients as ever; their HTTP goes to `FakeMailChannels`."""
    api = FakeMailChannels()
    transport = api.transport()

    class Faked(MailChannelsClient):
        def __init__(self, base_url: str, api_key: str, **kwargs: Any) -> None:
            super().__init__(base_url, api_key, transport=transport, **kwargs)

    monkeypatch.setattr(mc_runtime.CLIENTS, "client_class", Faked)
    monkeypatch.setattr(mc_runtime.CLIENTS, "clients", Registry())
    for name in (
        "MAILCHANNELS_API_KEY",
        "MAILCHANNELS_BASE_URL",
        "MAILCHANNELS_ACCOUNTS",
        "MAILCHANNELS_ENDPOINTS",
    ):
        monkeypatch.delenv(name, raising=False)
    yield api


def provider(config: dict[str, Any] = CONFIG) -> InboundDomainsProvider:
    configured = InboundDomainsProvider()
    configured._config = config  # as configure() sets it
    return configured


def test_each_call_carries_its_own_accounts_key_and_base_url(fake: FakeMailChannels) -> None:
    mc_runtime.client_for(CONFIG).list_subscriptions()
    mc_runtime.client_for(CONFIG, "client-a").list_subscriptions()
    mc_runtime.client_for(CONFIG, "client-b").list_subscriptions()
    assert fake.seen == [
        (DEFAULT_KEY, "mc.default.test", "GET", "/subscriptions"),
        (KEY_A, "mc.default.test", "GET", "/subscriptions"),  # base URL: the plain setting
        (KEY_B, "mc.other.test", "GET", "/subscriptions"),  # its own base URL
    ]


def test_one_client_per_account_and_settings(fake: FakeMailChannels) -> None:
    a = mc_runtime.client_for(CONFIG, "client-a")
    assert mc_runtime.client_for(CONFIG, "client-a") is a
    assert mc_runtime.client_for(CONFIG, "client-b") is not a
    assert mc_runtime.client_for(CONFIG) is not a
    rotated = {**CONFIG, "mailchannels:accounts": {**ACCOUNTS, "client-a": {"apiKey": "new"}}}
    assert mc_runtime.client_for(rotated, "client-a") is not a


def test_a_named_account_without_a_key_never_borrows_the_default(
    fake: FakeMailChannels, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAILCHANNELS_API_KEY", "mc-key-from-the-variable")
    config = {**CONFIG, "mailchannels:accounts": {"client-c": {"baseUrl": BASE_B}}}
    with pytest.raises(
        ConfigError, match=r"mailchannels:accounts\.client-c\.apiKey is not set"
    ) as e:
        mc_runtime.client_for(config, "client-c")
    assert DEFAULT_KEY not in str(e.value) and "from-the-variable" not in str(e.value)
    assert fake.seen == []


def test_an_unknown_account_is_a_config_error_naming_the_key(fake: FakeMailChannels) -> None:
    with pytest.raises(ConfigError, match=r"mailchannels:accounts\.client-z\."):
        mc_runtime.client_for(CONFIG, "client-z")


def test_endpoint_overrides_per_account(fake: FakeMailChannels) -> None:
    own = {"apiKey": KEY_A, "endpoints": {"list_subscriptions": "GET /subs"}}
    config = {**CONFIG, "mailchannels:accounts": {**ACCOUNTS, "client-a": own}}
    mc_runtime.client_for(config, "client-a").list_subscriptions()
    mc_runtime.client_for(config, "client-b").list_subscriptions()
    mc_runtime.client_for(config).list_subscriptions()
    assert [(k, p) for k, _h, _m, p in fake.seen] == [
        (KEY_A, "/subs"),
        (KEY_B, "/subscriptions"),
        (DEFAULT_KEY, "/subscriptions"),
    ]
    # The plain overrides apply to every account; the account's own entries win over them.
    fake.seen.clear()
    plain = {**config, "mailchannels:endpoints": {"remove_domain": "DELETE /rm/{domain}"}}
    mc_runtime.client_for(plain, "client-b").remove_domain("x.com")
    mc_runtime.client_for(plain, "client-a").list_subscriptions()
    assert [(k, p) for k, _h, _m, p in fake.seen] == [(KEY_B, "/rm/x.com"), (KEY_A, "/subs")]


def test_the_resource_lives_in_its_account_from_create_to_delete(fake: FakeMailChannels) -> None:
    p = provider()
    news = {"subscription_handle": "sub-x", "domains": ["a1.com", "a2.com"], "account": "client-a"}
    check = p.check({}, news)
    assert check.failures == []
    created = p.create(check.inputs)
    assert fake.held[KEY_A] == {"a1.com", "a2.com"}
    assert fake.held[DEFAULT_KEY] == set() and fake.held[KEY_B] == set()
    assert created.outs["account"] == "client-a"

    read = p.read(created.id, created.outs)
    assert read.outs["account"] == "client-a" and read.outs["provisioned"] == ["a1.com", "a2.com"]
    assert read.inputs is not None and read.inputs["account"] == "client-a"

    fewer = p.check({}, {**news, "domains": ["a1.com"]}).inputs
    updated = p.update(created.id, read.outs, fewer)
    assert fake.held[KEY_A] == {"a1.com"} and updated.outs["account"] == "client-a"

    p.delete(created.id, updated.outs)
    assert fake.held[KEY_A] == set()
    assert set(fake.keys()) == {KEY_A}
    for stored in (created.outs, read.outs, updated.outs):
        assert KEY_A not in json.dumps(stored)


def test_the_default_account_records_no_account(fake: FakeMailChannels) -> None:
    p = provider()
    inputs = p.check({}, {"subscription_handle": "sub-x", "domains": ["d.com"]}).inputs
    assert "account" not in inputs
    created = p.create(inputs)
    assert "account" not in created.outs
    assert "account" not in (p.read(created.id, created.outs).inputs or {})
    assert fake.held[DEFAULT_KEY] == {"d.com"}


def test_the_pickled_provider_holds_no_key(fake: FakeMailChannels) -> None:
    p = provider()
    news = {"subscription_handle": "sub-x", "domains": ["b.com"], "account": "client-b"}
    p.create(p.check({}, news).inputs)
    pickled = serialize_provider(p)
    for secret in (KEY_A, KEY_B, DEFAULT_KEY, "client-b"):
        assert secret not in pickled
        assert secret.encode() not in pickle.dumps(p)


def test_an_unknown_account_fails_preview_on_account_with_no_api_call(
    preview_check: PreviewCheck, monkeypatch: pytest.MonkeyPatch
) -> None:
    news = {"subscription_handle": "sub-x", "domains": ["a.com"], "account": "nope"}
    outcome = preview_check(InboundDomainsProvider, news)
    assert outcome.aborted is None, outcome.aborted
    assert list(outcome.failures) == ["account"], outcome.failures
    assert "account 'nope' is not configured for mailchannels" in outcome.failures["account"]
    assert "mailchannels:accounts.nope." in outcome.failures["account"]
    assert outcome.requests == 0

    monkeypatch.setenv("MAILCHANNELS_ACCOUNTS", json.dumps({"nope": {"apiKey": KEY_A}}))
    fine = preview_check(InboundDomainsProvider, news)
    assert fine.failures == {} and fine.aborted is None and fine.requests == 0


def test_an_account_not_known_yet_passes_preview(preview_check: PreviewCheck) -> None:
    outcome = preview_check(
        InboundDomainsProvider,
        {"subscription_handle": "s", "domains": ["a.com"], "account": UNKNOWN},
    )
    assert outcome.failures == {} and outcome.aborted is None and outcome.requests == 0


def test_changing_the_account_replaces() -> None:
    p = InboundDomainsProvider()
    olds = {
        "subscription_handle": "sub-x",
        "domains": [{"domain": "a.com"}],
        "provisioned": ["a.com"],
    }
    diff = p.diff("sub-x/a.com", olds, {**olds, "account": "client-a"})
    assert diff.replaces == ["account"]
    same = p.diff("sub-x/a.com", {**olds, "account": "x"}, {**olds, "account": "x"})
    assert not same.changes


def test_plain_functions_take_account(
    fake: FakeMailChannels, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAILCHANNELS_BASE_URL", BASE)
    monkeypatch.setenv("MAILCHANNELS_API_KEY", DEFAULT_KEY)
    monkeypatch.setenv("MAILCHANNELS_ACCOUNTS", json.dumps(ACCOUNTS))
    fake.held[KEY_B].add("b.com")
    assert [d.domain for d in mc_functions.list_domains(account="client-b")] == ["b.com"]
    assert mc_functions.list_domains(["b.com"]) == []  # the default account
    assert [s.handle for s in mc_functions.list_subscriptions(account="client-a")] == ["sub-x"]
    assert fake.keys() == [KEY_B, DEFAULT_KEY, KEY_A]


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
    fake: FakeMailChannels,
    stack_config: Callable[[dict[str, str], list[str]], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MAILCHANNELS_ACCOUNTS", json.dumps({"client-a": {"apiKey": "wrong"}}))
    stack_config(
        {
            "mailchannels:baseUrl": BASE,
            "mailchannels:apiKey": DEFAULT_KEY,
            "mailchannels:accounts": json.dumps(ACCOUNTS),  # the CLI passes a map as JSON
        },
        ["mailchannels:apiKey", "mailchannels:accounts"],
    )
    fake.held[KEY_A].add("a.com")

    @pulumi.runtime.test
    def program() -> Awaitable[None]:
        mine = mc_functions.list_domains_output(account="client-a")
        named = mc_functions.list_domains_output(["a.com"], account="client-a")
        subs = mc_functions.list_subscriptions_output(account="client-a")
        default = mc_functions.list_domains_output()

        async def check() -> None:
            assert [d.domain for d in await mine.future() or []] == ["a.com"]
            assert [d.domain for d in await named.future() or []] == ["a.com"]
            assert [s.handle for s in await subs.future() or []] == ["sub-x"]
            assert await default.future() == []
            assert not await mine.is_secret()  # domains hold no credential

        return check()

    program()
    assert sorted(fake.keys()) == sorted([KEY_A, KEY_A, KEY_A, DEFAULT_KEY])

"""InboxedUp named accounts (`account=`): each resource and function uses its own account's token,
the default account is unchanged, a named account never borrows the default token, endpoint
overrides per account, an unknown account fails at preview, a request on a domain the program
declares in another account's DomainBatch fails the program, and no credential of a named account
reaches the pickled provider or the state.

The HTTP is real (a sandbox on 127.0.0.1 that accepts the three tokens); a recording transport
around the real one notes the `Authorization` header of every request the code sends.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Iterator
from typing import Any

import httpx
import pulumi
import pytest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.output import Unknown
from pulumi.runtime import rpc

from pulumi_inboxed.core import api_key_client as client_module  # builds the HttpClient
from pulumi_inboxed.core.accounts import AccountConfig
from pulumi_inboxed.core.errors import ConfigError, NotFoundError
from pulumi_inboxed.core.http import HttpClient
from pulumi_inboxed.inboxedup import (
    DomainBatch,
    MailboxArgs,
    MailboxRequest,
    MailboxRequestEntryArgs,
    MailboxRequests,
    MailboxType,
    program_domains,
)
from pulumi_inboxed.inboxedup import runtime as runtime_module
from pulumi_inboxed.inboxedup.domain_batch import DomainBatchProvider
from pulumi_inboxed.inboxedup.functions import (
    get_account,
    get_account_output,
    list_domains,
    list_domains_output,
    list_subscriptions_output,
)
from pulumi_inboxed.inboxedup.mailbox_request import MailboxRequestProvider
from pulumi_inboxed.inboxedup.mailbox_request_collection import MailboxRequestsProvider
from pulumi_inboxed.inboxedup.runtime import runtime_for
from pulumi_inboxed.inboxedup.subscription_notes import SubscriptionNotesProvider
from pulumi_inboxed.sandbox import SandboxProcess

from ..conftest import PreviewCheck

TOKEN = "iu-default-token-0a1b"
TOKEN_A = "iu-client-a-token-7c9d"
TOKEN_B = "iu-client-b-token-3e5f"
BEARER = {None: f"Bearer {TOKEN}", "client-a": f"Bearer {TOKEN_A}", "client-b": f"Bearer {TOKEN_B}"}
ENV_VARS = (
    "INBOXEDUP_API_TOKEN",
    "INBOXEDUP_BASE_URL",
    "INBOXEDUP_ACCOUNTS",
    "INBOXEDUP_ENDPOINTS",
    "INBOXEDUP_POLL_INTERVAL_SECONDS",
)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxProcess]:
    """Domains ACTIVE at once; the default token and both accounts' tokens accepted."""
    tokens = [TOKEN, TOKEN_A, TOKEN_B]
    with SandboxProcess(queued_seconds=0, pending_ns_seconds=0, tokens=tokens) as process:
        yield process


class Recorder(httpx.BaseTransport):
    """The real transport, noting (Authorization, method, path) of every request sent."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.sent: list[tuple[str, str, str]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        auth = request.headers.get("authorization", "")
        self.sent.append((auth, request.method, request.url.path))
        return self.inner.handle_request(request)

    def tokens(self) -> set[str]:
        return {auth for auth, _, _ in self.sent}

    def take(self) -> list[tuple[str, str, str]]:
        sent, self.sent = self.sent, []
        return sent


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    """Every InboxedUp client made meanwhile sends through a `Recorder` (runtimes made anew)."""
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    recording = Recorder()

    def http_client(**kwargs: Any) -> HttpClient:
        return HttpClient(**{**kwargs, "transport": recording})

    monkeypatch.setattr(client_module, "HttpClient", http_client)
    runtime_module._runtimes.clear()
    yield recording
    runtime_module._runtimes.clear()


def stack(sandbox: SandboxProcess, **accounts: Any) -> dict[str, Any]:
    """The stack config `configure()` gives: the default account and the named ones, the map as
    the engine passes a structured value (JSON)."""
    named = accounts or {"client-a": {"apiToken": TOKEN_A}, "client-b": {"apiToken": TOKEN_B}}
    return {
        "inboxedup:baseUrl": sandbox.url,
        "inboxedup:apiToken": TOKEN,
        "inboxedup:pollIntervalSeconds": "0.05",
        "inboxedup:accounts": json.dumps(named),
    }


def configured(kind: type[Any], config: dict[str, Any]) -> Any:
    provider = kind()
    provider._config = config
    return provider


def checked(provider: Any, news: dict[str, Any]) -> dict[str, Any]:
    result = provider.check({}, news)
    assert result.failures == [], result.failures
    inputs: dict[str, Any] = result.inputs
    return inputs


def people(*usernames: str) -> list[dict[str, str]]:
    return [{"first_name": "A", "last_name": "B", "username": u} for u in usernames]


# each resource kind: create, read and delete with its own account's token ---------------------


@pytest.mark.parametrize("account", ["client-a", "client-b", None])
def test_domain_batch_uses_its_accounts_token(
    sandbox: SandboxProcess, recorder: Recorder, account: str | None
) -> None:
    provider = configured(DomainBatchProvider, stack(sandbox))
    name = f"batch-{account or 'default'}.com"
    news: dict[str, Any] = {"domains": [name], "wait_timeout_seconds": 10}
    if account:
        news["account"] = account
    props = checked(provider, news)
    assert ("account" in props) is (account is not None)  # recorded only when set
    created = provider.create(props)
    assert created.outs["account"] == account
    assert created.outs["not_ready_domains"] == []
    assert list(created.outs["records"]) == [name]
    read = provider.read(created.id, created.outs)
    assert list(read.outs["records"]) == [name]
    assert read.inputs.get("account") == account
    provider.delete(created.id, read.outs)
    sent = recorder.take()
    assert {auth for auth, _, _ in sent} == {BEARER[account]}
    assert ("DELETE", "/domains/") in {(m, p[: len("/domains/")]) for _, m, p in sent}


@pytest.mark.parametrize("account", ["client-a", "client-b"])
def test_mailbox_request_uses_its_accounts_token(
    sandbox: SandboxProcess, recorder: Recorder, account: str
) -> None:
    config = stack(sandbox)
    domain = f"mr-{account}.com"
    runtime_for(config, account).client.submit_domains([domain])
    recorder.take()
    provider = configured(MailboxRequestProvider, config)
    props = checked(
        provider,
        {"domain": domain, "type": "smtp", "mailboxes": people("ann"), "account": account},
    )
    assert recorder.tokens() == {BEARER[account]}  # check() read the account it names
    created = provider.create({**props, "wait_timeout_seconds": 10})
    assert created.outs["account"] == account
    read = provider.read(created.id, created.outs)
    assert read.inputs["account"] == account
    assert read.outs["emails"] == [f"ann@{domain}"]
    provider.delete(created.id, read.outs)  # makes no call: the API cannot cancel
    sent = recorder.take()
    assert {auth for auth, _, _ in sent} == {BEARER[account]}
    assert any(m == "POST" and p.endswith("/mailboxes") for _, m, p in sent)


@pytest.mark.parametrize("account", ["client-a", "client-b"])
def test_mailbox_requests_uses_its_accounts_token(
    sandbox: SandboxProcess, recorder: Recorder, account: str
) -> None:
    config = stack(sandbox)
    domain = f"mrs-{account}.com"
    runtime_for(config, account).client.submit_domains([domain])
    provider = configured(MailboxRequestsProvider, config)
    recorder.take()
    entry = {"domain": domain, "type": "google", "mailboxes": people("bo")}
    props = checked(provider, {"requests": [entry], "account": account})
    created = provider.create({**props, "wait_timeout_seconds": 10})
    assert created.outs["account"] == account
    assert created.outs["emails"] == {f"{domain}/google": [f"bo@{domain}"]}
    read = provider.read(created.id, created.outs)
    assert read.inputs["account"] == account
    provider.delete(created.id, read.outs)
    sent = recorder.take()
    assert {auth for auth, _, _ in sent} == {BEARER[account]}
    assert any(m == "POST" and p.endswith("/mailboxes") for _, m, p in sent)


def test_subscription_notes_uses_its_accounts_token(
    sandbox: SandboxProcess, recorder: Recorder
) -> None:
    config = stack(sandbox)
    subscription = runtime_for(config, "client-b").client.list_subscriptions()[0]
    provider = configured(SubscriptionNotesProvider, config)
    recorder.take()
    props = checked(
        provider,
        {"subscription_id": subscription.id, "notes": "client b", "account": "client-b"},
    )
    created = provider.create(props)
    assert created.outs["account"] == "client-b"
    assert created.outs["notes"] == "client b"
    read = provider.read(created.id, created.outs)
    assert read.inputs["account"] == "client-b"
    updated = provider.update(created.id, read.outs, {**props, "notes": "again"})
    assert updated.outs["account"] == "client-b"
    provider.delete(created.id, updated.outs)
    sent = recorder.take()
    assert {auth for auth, _, _ in sent} == {BEARER["client-b"]}
    assert sum(1 for _, m, _ in sent if m == "PATCH") == 3  # create, update, delete's restore


def test_a_change_of_account_replaces_every_kind() -> None:
    cases: list[tuple[Any, dict[str, Any]]] = [
        (DomainBatchProvider(), {"domains": ["a.com"], "records": {}, "statuses": {}}),
        (MailboxRequestsProvider(), {"requests": []}),
        (SubscriptionNotesProvider(), {"subscription_id": "s", "notes": "n"}),
        (MailboxRequestProvider(), {"domain": "a.com", "type": "smtp", "mailboxes": people("a")}),
    ]
    for provider, olds in cases:
        diff = provider.diff("id", {**olds, "account": "client-a"}, {**olds, "account": "client-b"})
        assert diff.replaces == ["account"], type(provider).__name__
        moved = provider.diff("id", dict(olds), {**olds, "account": "client-a"})
        assert moved.replaces == ["account"], type(provider).__name__
        same = provider.diff("id", {**olds, "account": "client-a"}, {**olds, "account": "client-a"})
        assert not same.replaces, type(provider).__name__


# the default account, and a named account's own settings ------------------------------------


def test_the_default_account_is_the_plain_settings(
    sandbox: SandboxProcess, recorder: Recorder
) -> None:
    config = stack(sandbox)
    default = runtime_for(config)
    assert runtime_for(config, None) is default
    assert runtime_for(config, "client-a") is not default
    assert runtime_for(config, "client-a").client is not default.client
    assert runtime_for(config, "client-a").account is not default.account
    assert runtime_for(config, "client-a") is runtime_for(config, "client-a")
    view = AccountConfig("inboxedup", config, "client-a")  # one account's view works as well
    assert runtime_for(view) is runtime_for(config, "client-a")
    default.client.get_account()
    assert recorder.tokens() == {BEARER[None]}


def test_a_named_account_without_a_token_never_borrows_the_default_one(
    sandbox: SandboxProcess, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INBOXEDUP_API_TOKEN", TOKEN)
    config = stack(sandbox, **{"client-c": {"baseUrl": sandbox.url}})
    assert config["inboxedup:apiToken"] == TOKEN
    with pytest.raises(ConfigError, match=r"inboxedup:accounts\.client-c\.apiToken is not set"):
        runtime_for(config, "client-c")
    cases: list[tuple[type[Any], dict[str, Any]]] = [
        (DomainBatchProvider, {"domains": ["c.com"]}),
        (SubscriptionNotesProvider, {"subscription_id": "s", "notes": "n"}),
        (MailboxRequestProvider, {"domain": "c.com", "type": "smtp", "mailboxes": people("a")}),
        (
            MailboxRequestsProvider,
            {"requests": [{"domain": "c.com", "type": "smtp", "mailboxes": people("a")}]},
        ),
    ]
    for kind, news in cases:
        result = configured(kind, config).check({}, {**news, "account": "client-c"})
        reasons = {f.property: f.reason for f in result.failures}
        assert "inboxedup:accounts.client-c.apiToken" in reasons.get("account", ""), reasons
    monkeypatch.setenv("INBOXEDUP_BASE_URL", sandbox.url)
    monkeypatch.setenv("INBOXEDUP_ACCOUNTS", json.dumps({"client-c": {"baseUrl": sandbox.url}}))
    with pytest.raises(ConfigError, match=r"inboxedup:accounts\.client-c\.apiToken is not set"):
        get_account(account="client-c")  # a plain function, from the environment
    assert recorder.sent == []


def test_a_named_accounts_endpoint_override_is_its_own(
    sandbox: SandboxProcess, recorder: Recorder
) -> None:
    accounts = {
        "client-a": {"apiToken": TOKEN_A, "endpoints": {"account": "GET /who-is-a"}},
        "client-b": {"apiToken": TOKEN_B},
    }
    config = {
        **stack(sandbox, **accounts),
        "inboxedup:endpoints": json.dumps({"list_domains": "GET /domains-everywhere"}),
    }
    with pytest.raises(NotFoundError, match="GET /who-is-a"):
        runtime_for(config, "client-a").client.get_account()
    assert runtime_for(config, "client-b").client.get_account().customer.email
    assert runtime_for(config).client.get_account().customer.email
    for account in ("client-a", "client-b", None):  # the plain override reaches every account
        with pytest.raises(NotFoundError, match="GET /domains-everywhere"):
            runtime_for(config, account).client.find_domain("x.com")
    paths = [(auth, path) for auth, _, path in recorder.sent]
    assert (BEARER["client-a"], "/who-is-a") in paths
    assert (BEARER["client-b"], "/account") in paths and (BEARER[None], "/account") in paths
    bad = stack(sandbox, **{"client-a": {"apiToken": TOKEN_A, "endpoints": {"nope": "GET /x"}}})
    with pytest.raises(ConfigError, match="nope: no such inboxedup endpoint"):
        runtime_for(bad, "client-a")


# preview --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "news"),
    [
        (DomainBatchProvider, {"domains": ["acme.com"]}),
        (MailboxRequestProvider, {"domain": "acme.com", "type": "smtp", "mailboxes": people("a")}),
        (
            MailboxRequestsProvider,
            {"requests": [{"domain": "acme.com", "type": "smtp", "mailboxes": people("a")}]},
        ),
        (SubscriptionNotesProvider, {"subscription_id": "sub_1", "notes": "n"}),
    ],
    ids=lambda v: v.__name__ if isinstance(v, type) else "",
)
def test_an_unknown_account_fails_preview_on_account_with_no_api_call(
    preview_check: PreviewCheck, kind: type[Any], news: dict[str, Any]
) -> None:
    outcome = preview_check(kind, {**news, "account": "client-zz"})
    assert outcome.aborted is None
    assert "account" in outcome.failures, outcome.failures
    assert "'client-zz' is not configured for inboxedup" in outcome.failures["account"]
    assert "inboxedup:accounts.client-zz" in outcome.failures["account"]
    assert outcome.requests == 0
    bad = preview_check(kind, {**news, "account": "no spaces"})
    assert list(bad.failures) == ["account"] and bad.requests == 0


def test_an_account_not_known_yet_passes_check(sandbox: SandboxProcess, recorder: Recorder) -> None:
    config = stack(sandbox)
    unknowns: list[Any] = [Unknown(), rpc.UNKNOWN]  # type: ignore[no-untyped-call]
    for unknown in unknowns:
        cases: list[tuple[type[Any], dict[str, Any]]] = [
            (DomainBatchProvider, {"domains": ["later.com"]}),
            (SubscriptionNotesProvider, {"subscription_id": "s", "notes": "n"}),
            (MailboxRequestProvider, {"domain": "x.com", "type": "smtp", "mailboxes": people("a")}),
        ]
        for kind, news in cases:
            result = configured(kind, config).check({}, {**news, "account": unknown})
            assert result.failures == [], (kind.__name__, result.failures)
    assert recorder.sent == []


class _Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return args.name + "_id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any]]:
        return {}, []


@pytest.fixture
def program() -> Iterator[None]:
    program_domains.reset()
    pulumi.runtime.set_mocks(_Mocks(), preview=True)
    yield
    program_domains.reset()


def boxes(n: int, prefix: str = "ann") -> list[MailboxArgs]:
    return [MailboxArgs("Ann", f"Doe{i}", f"{prefix}{i}") for i in range(n)]


def test_a_request_on_another_accounts_domain_fails_naming_both(program: None) -> None:
    DomainBatch("batch-a", domains=["shared.com"], account="client-a")
    with pytest.raises(pulumi.RunError) as raised:
        MailboxRequest(
            "mr-b", domain="SHARED.com", type="smtp", mailboxes=boxes(1), account="client-b"
        )
    message = str(raised.value)
    assert "'shared.com'" in message
    assert "InboxedUp account 'client-b'" in message and "InboxedUp account 'client-a'" in message
    assert "MailboxRequest 'mr-b'" in message and "DomainBatch 'batch-a'" in message
    assert "Traceback" not in message


def test_the_default_account_against_a_named_ones_domain_fails_too(program: None) -> None:
    DomainBatch("batch-a", domains=["owned.com"], account="client-a")
    with pytest.raises(pulumi.RunError, match=r"the default InboxedUp account.*'client-a'"):
        MailboxRequests(
            "fleet",
            requests=[MailboxRequestEntryArgs("owned.com", MailboxType.GOOGLE, boxes(1))],
        )


def test_the_batch_declared_after_the_request_fails_the_same(program: None) -> None:
    MailboxRequests(
        "fleet-a",
        requests=[MailboxRequestEntryArgs("later.com", MailboxType.GOOGLE, boxes(1))],
        account="client-a",
    )
    with pytest.raises(pulumi.RunError) as raised:
        DomainBatch("batch-b", domains=["later.com"], account="client-b")
    message = str(raised.value)
    assert "MailboxRequests 'fleet-a' requests[0]" in message
    assert "DomainBatch 'batch-b'" in message and "'later.com'" in message
    assert "'client-a'" in message and "'client-b'" in message


def test_limits_count_per_account(program: None) -> None:
    DomainBatch("batch-a", domains=["both.com"], account="client-a")
    DomainBatch("batch-b", domains=["both.com"], account="client-b")
    DomainBatch("batch-default", domains=["mine.com"])
    MailboxRequest(
        "a-1", domain="both.com", type="microsoft", mailboxes=boxes(3), account="client-a"
    )
    MailboxRequest(
        "b-1", domain="both.com", type="microsoft", mailboxes=boxes(3), account="client-b"
    )
    MailboxRequest("d-1", domain="mine.com", type="microsoft", mailboxes=boxes(3))
    with pytest.raises(pulumi.RunError) as raised:
        MailboxRequests(
            "more-b",
            requests=[MailboxRequestEntryArgs("both.com", MailboxType.MICROSOFT, boxes(1, "x"))],
            account="client-b",
        )
    message = str(raised.value)
    assert "4 microsoft mailboxes on domain 'both.com' in InboxedUp account 'client-b'" in message
    assert "'b-1'" in message and "'a-1'" not in message


# functions ----------------------------------------------------------------------------------


def test_plain_functions_take_account_from_the_environment(
    sandbox: SandboxProcess, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INBOXEDUP_BASE_URL", sandbox.url)
    monkeypatch.setenv("INBOXEDUP_API_TOKEN", TOKEN)
    monkeypatch.setenv(
        "INBOXEDUP_ACCOUNTS",
        json.dumps({"client-a": {"apiToken": TOKEN_A}, "client-b": {"apiToken": TOKEN_B}}),
    )
    assert get_account(account="client-a").customer.email
    assert {auth for auth, _, _ in recorder.take()} == {BEARER["client-a"]}
    list_domains(account="client-b")
    assert {auth for auth, _, _ in recorder.take()} == {BEARER["client-b"]}
    get_account()
    assert {auth for auth, _, _ in recorder.take()} == {BEARER[None]}
    with pytest.raises(ConfigError, match="'client-zz' is not configured for inboxedup"):
        get_account(account="client-zz")


class NoResources(pulumi.runtime.Mocks):
    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        return f"{args.name}_id", args.inputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any] | None]:
        return {}, None


def test_output_functions_take_account_from_the_stack_config_as_a_secret(
    sandbox: SandboxProcess, recorder: Recorder
) -> None:
    pulumi.runtime.set_mocks(NoResources(), preview=False)
    config = stack(sandbox)
    pulumi.runtime.set_all_config(config, ["inboxedup:apiToken", "inboxedup:accounts"])
    try:

        @pulumi.runtime.test  # type: ignore[untyped-decorator]
        def run() -> Awaitable[None]:
            async def check() -> None:
                account = await get_account_output(account="client-a").future()
                assert account is not None and account.customer.email
                await list_domains_output(account="client-b").future()
                subs = list_subscriptions_output(account="client-a")
                assert await subs.is_secret() is False  # holds no credential
                await subs.future()

            return check()

        run()
    finally:
        pulumi.runtime.set_all_config({}, [])
    tokens = [auth for auth, _, _ in recorder.sent]
    assert set(tokens) == {BEARER["client-a"], BEARER["client-b"]}
    assert tokens.count(BEARER["client-b"]) == 1


# no credential of a named account in the pickled provider or the state ------------------------


def test_no_named_accounts_credential_in_the_pickle_or_the_state(
    sandbox: SandboxProcess, recorder: Recorder
) -> None:
    config = stack(sandbox)
    secrets = (TOKEN_A, TOKEN_B, TOKEN)
    provider = configured(DomainBatchProvider, config)
    props = checked(provider, {"domains": ["pickled.com"], "account": "client-a"})
    created = provider.create({**props, "wait_timeout_seconds": 10})
    read = provider.read(created.id, created.outs)
    pickled = base64.b64decode(serialize_provider(provider))  # what the state holds
    state = json.dumps([props, created.outs, read.outs, read.inputs])
    runtime = runtime_for(config, "client-a")
    shown = " ".join([repr(runtime), repr(runtime.client), repr(provider)])
    for secret in secrets:
        assert secret.encode() not in pickled
        assert secret not in state
        assert secret not in shown
    assert created.outs["account"] == "client-a"  # the name only
    provider.delete(created.id, read.outs)
    assert recorder.tokens() == {BEARER["client-a"]}


# a refused token: the failure names the account and the key, on the `account` input -----------


@pytest.mark.parametrize("kind", [MailboxRequestsProvider, MailboxRequestProvider])
def test_a_wrong_token_fails_check_on_account_naming_the_account_and_the_key(
    sandbox: SandboxProcess, recorder: Recorder, kind: type[Any]
) -> None:
    """Issue 21: the 401 read `property requests[5].domain value {<nil>} has a problem: ...
    InboxedUp API error 401`, naming neither the account nor the key."""
    config = stack(sandbox, **{"client-b": {"apiToken": "iu-wrong-token-5150"}})
    provider = configured(kind, config)
    entry = {"domain": "b-send-5.com", "type": "smtp", "mailboxes": people("ann")}
    news = {"requests": [entry]} if kind is MailboxRequestsProvider else dict(entry)
    result = provider.check({}, {**news, "account": "client-b"})
    failures = {f.property: f.reason for f in result.failures}
    assert list(failures) == ["account"], failures
    reason = failures["account"]
    assert "could not check 'b-send-5.com' against the account" in reason
    assert "InboxedUp account 'client-b': the API refused the token (401" in reason
    assert "`pulumi config set --path --secret 'inboxedup:accounts.client-b.apiToken' ...`" in (
        reason
    )
    assert "iu-wrong-token-5150" not in reason


@pytest.mark.parametrize("kind", [MailboxRequestsProvider, MailboxRequestProvider])
def test_a_domain_the_named_account_does_not_hold_fails_check_naming_the_account(
    sandbox: SandboxProcess, recorder: Recorder, kind: type[Any]
) -> None:
    """Issue 21, "one promise everywhere": the refusal names the API, the account and its config
    key, in the words Mailin.ai's mailboxes use (`core.domain_promise`)."""
    provider = configured(kind, stack(sandbox))
    entry = {"domain": "held-by-nobody.com", "type": "smtp", "mailboxes": people("ann")}
    news = {"requests": [entry]} if kind is MailboxRequestsProvider else dict(entry)
    result = provider.check({}, {**news, "account": "client-b"})
    failures = {f.property: f.reason for f in result.failures}
    where = "requests[0].domain" if kind is MailboxRequestsProvider else "domain"
    assert failures == {
        where: "account 'client-b' (InboxedUp, config inboxedup:accounts.client-b) holds no "
        "domain 'held-by-nobody.com' and the program declares none: declare it in a DomainBatch "
        "resource of this program with account='client-b', or use a domain the account holds. "
        "Nothing was made."
    }

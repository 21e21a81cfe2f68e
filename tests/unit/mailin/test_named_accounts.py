"""Mailin.ai named accounts (issue 14): every resource kind and function runs in the account it
names, each account with its own credentials, login, client and endpoint overrides; a named
account never borrows the default account's credentials; an unknown account fails preview on
`account`; a domain of one account used by another account's resource fails the program; no
credential reaches the pickled provider or the state.

Two real sandboxes stand for two workspaces (account `tok`: a token, on sandbox A; account `pw`:
email and password, on sandbox B, its own `baseUrl`); the default account points at sandbox A with
a token no sandbox accepts. The runtime builds its clients as ever; their HTTP goes through a
recording transport (every request as port, credential, method, path) to the sandboxes."""

from __future__ import annotations

import json
import pickle
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pulumi
import pytest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.output import UNKNOWN, Unknown

from pulumi_inboxed.core.accounts import Registry
from pulumi_inboxed.core.errors import ConfigError, NotFoundError
from pulumi_inboxed.mailin import (
    DomainRegistrarProvider,
    DomainsProvider,
    GoogleMailboxesProvider,
    InboxProviderProvider,
    MailinClient,
    SmtpMailboxesProvider,
    SubdomainProvider,
    program_domains,
)
from pulumi_inboxed.mailin import client as mailin_client
from pulumi_inboxed.mailin import endpoints as mailin_endpoints
from pulumi_inboxed.mailin import functions as mailin_functions
from pulumi_inboxed.mailin import runtime as mailin_runtime
from pulumi_inboxed.mailin import verification as mailin_verification
from pulumi_inboxed.mailin.azure_order import AzureOrderProvider
from pulumi_inboxed.mailin.errors import LoginFailedError
from pulumi_inboxed.mailin.forwarding import DomainForwardingProvider, EmailForwardingProvider
from pulumi_inboxed.sandbox import SandboxProcess

from ..conftest import PreviewCheck

TOKEN_A = "mailin-sandbox-token"  # what sandbox A accepts without a login
EMAIL_B, PASSWORD_B = "sandbox@mailin.test", "sandbox-password"  # sandbox B's login
DEFAULT_TOKEN = "default-token-no-sandbox-accepts"
FAST = ["--mailin-job-seconds", "0.2", "--mailin-azure-seconds", "0.3"]
MAILIN_VARIABLES = (
    "MAILIN_API_TOKEN",
    "MAILIN_EMAIL",
    "MAILIN_PASSWORD",
    "MAILIN_BASE_URL",
    "MAILIN_ACCOUNTS",
    "MAILIN_ENDPOINTS",
    "MAILIN_POLL_INTERVAL_SECONDS",
)


@dataclass
class Sandboxes:
    a: SandboxProcess
    b: SandboxProcess

    @property
    def port_a(self) -> int:
        return int(httpx.URL(self.a.mailin_url).port or 0)

    @property
    def port_b(self) -> int:
        return int(httpx.URL(self.b.mailin_url).port or 0)

    def accounts(self) -> dict[str, Any]:
        return {
            "tok": {"apiToken": TOKEN_A},
            "pw": {"email": EMAIL_B, "password": PASSWORD_B, "baseUrl": self.b.mailin_url},
        }

    def config(self) -> dict[str, Any]:
        return {
            "mailin:baseUrl": self.a.mailin_url,
            "mailin:apiToken": DEFAULT_TOKEN,
            "mailin:pollIntervalSeconds": "0.1",
            "mailin:accounts": self.accounts(),
        }

    def client_a(self) -> MailinClient:
        return MailinClient(self.a.mailin_url, token=TOKEN_A)

    def client_b(self) -> MailinClient:
        return MailinClient(self.b.mailin_url, email=EMAIL_B, password=PASSWORD_B)


@pytest.fixture(scope="module")
def sandboxes() -> Iterator[Sandboxes]:
    with (
        SandboxProcess(extra_args=FAST, lifetime=900) as a,
        SandboxProcess(extra_args=FAST, lifetime=900) as b,
    ):
        yield Sandboxes(a, b)


@dataclass
class Recorder(httpx.BaseTransport):
    """Sends every request on to the sandboxes, noting (port, credential, method, path): the
    credential is the bearer token, or `login:<email>` for a login."""

    inner: httpx.HTTPTransport = field(default_factory=httpx.HTTPTransport)
    seen: list[tuple[int, str, str, str]] = field(default_factory=list)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1/public")
        credential = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if path == "/auth/login":
            credential = "login:" + str(json.loads(request.content).get("email"))
        self.seen.append((int(request.url.port or 0), credential, request.method, path))
        return self.inner.handle_request(request)

    def on(self, port: int) -> list[tuple[str, str, str]]:
        return [(c, m, p) for q, c, m, p in self.seen if q == port]

    def credentials(self) -> set[str]:
        return {c for _, c, _, _ in self.seen}


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    """The runtime's clients send through the recorder; fresh registries (a new provider
    process), no MAILIN_* variable."""
    recording = Recorder()

    class Recorded(MailinClient):
        def __init__(self, base_url: str, **kwargs: Any) -> None:
            super().__init__(base_url, transport=recording, **kwargs)

    monkeypatch.setattr(mailin_runtime, "MailinClient", Recorded)
    monkeypatch.setattr(mailin_runtime, "_clients", Registry())
    monkeypatch.setattr(mailin_runtime, "_runtimes", Registry())
    for name in MAILIN_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    yield recording
    for client in mailin_runtime._clients.values():
        client.close()


def configured(kind: type[Any], config: dict[str, Any]) -> Any:
    provider = kind()
    provider._config = config  # as configure() sets it
    return provider


_serial = iter(range(10_000))


def unique(stem: str) -> str:
    return f"{stem}-{next(_serial)}"


# every resource kind in its own account -------------------------------------------------------


def lifecycle(kind: type[Any], config: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
    """check, create, read (refresh) with the outputs as the engine passes them; returns the
    outputs (deleted later by `destroy`)."""
    provider = configured(kind, config)
    checked = provider.check({}, news)
    assert checked.failures == [], (kind.__name__, checked.failures)
    created = provider.create(checked.inputs)
    assert created.outs["account"] == news["account"], kind.__name__
    read = provider.read(created.id, created.outs)
    assert read.id == created.id, kind.__name__
    assert read.outs.get("account") == news["account"], kind.__name__
    return {"kind": kind, "id": created.id, "outs": read.outs}


def destroy(made: list[dict[str, Any]], config: dict[str, Any]) -> None:
    for entry in reversed(made):
        configured(entry["kind"], config).delete(entry["id"], entry["outs"])


def make_every_kind(config: dict[str, Any], account: str) -> tuple[list[dict[str, Any]], str]:
    """One object of every resource kind in `account`; returns them and the SMTP domain."""
    smtp, google = f"{unique(account + '-smtp')}.com", f"{unique(account + '-gw')}.com"
    made: list[dict[str, Any]] = []
    made.append(
        lifecycle(
            DomainsProvider,
            config,
            {"domains": [smtp], "account": account, "wait_timeout_seconds": 60},
        )
    )
    domain_id = int(made[0]["outs"]["domain_ids"][smtp])
    made.append(
        lifecycle(
            DomainsProvider,
            config,
            {"domains": [google], "google": True, "account": account, "wait_timeout_seconds": 60},
        )
    )
    made.append(
        lifecycle(
            SubdomainProvider, config, {"subdomain": "sales", "domain": smtp, "account": account}
        )
    )
    made.append(
        lifecycle(
            DomainForwardingProvider,
            config,
            {"domain_id": domain_id, "forward_to": "elsewhere.com", "account": account},
        )
    )
    made.append(
        lifecycle(
            EmailForwardingProvider,
            config,
            {"domain_id": domain_id, "forward_to": "desk@elsewhere.com", "account": account},
        )
    )
    made.append(
        lifecycle(
            SmtpMailboxesProvider,
            config,
            {
                "mailboxes": [{"username": f"sales@{smtp}", "name": "Sales"}],
                "wait_timeout_seconds": 60,
                "account": account,
            },
        )
    )
    made.append(
        lifecycle(
            GoogleMailboxesProvider,
            config,
            {
                "mailboxes": [{"username": f"john@{google}", "first_name": "J", "last_name": "D"}],
                "wait_timeout_seconds": 60,
                "account": account,
            },
        )
    )
    made.append(
        lifecycle(
            InboxProviderProvider,
            config,
            {"name": unique("IP"), "provider": "instantly", "api_key": "k", "account": account},
        )
    )
    made.append(
        lifecycle(
            DomainRegistrarProvider,
            config,
            {
                "name": unique("PB"),
                "provider": "porkbun",
                "api_key": "K",
                "secret_api_key": "S",
                "account": account,
            },
        )
    )
    made.append(
        lifecycle(
            AzureOrderProvider,
            config,
            {
                "domain": f"{unique(account + '-ms')}.com",
                "mailbox_mode": "auto",
                "full_names": ["Ann Lee"],
                "wait_timeout_seconds": 60,
                "account": account,
            },
        )
    )
    return made, smtp


def test_every_resource_kind_lives_in_its_own_account_with_its_own_credential(
    sandboxes: Sandboxes, recorder: Recorder
) -> None:
    config = sandboxes.config()
    made_a, smtp_a = make_every_kind(config, "tok")
    made_b, smtp_b = make_every_kind(config, "pw")
    a, b = sandboxes.client_a(), sandboxes.client_b()
    try:
        # each object is in its own account's workspace, and not in the other
        assert a.find_domain(smtp_a) is not None and b.find_domain(smtp_a) is None
        assert b.find_domain(smtp_b) is not None and a.find_domain(smtp_b) is None
        assert a.list_mailboxes(f"sales@{smtp_a}") and not b.list_mailboxes(f"sales@{smtp_a}")
        assert b.list_mailboxes(f"sales@{smtp_b}") and not a.list_mailboxes(f"sales@{smtp_b}")
        names_a = {p.name for p in a.list_inbox_providers()}
        names_b = {p.name for p in b.list_inbox_providers()}
        assert made_a[7]["outs"]["name"] in names_a - names_b
        assert made_b[7]["outs"]["name"] in names_b - names_a

        # every call to A carried account tok's token; every call to B the token of account
        # pw's one login; the default account's token was never sent
        on_a, on_b = recorder.on(sandboxes.port_a), recorder.on(sandboxes.port_b)
        assert {c for c, _, _ in on_a} == {TOKEN_A}
        logins = [r for r in on_b if r[2] == "/auth/login"]
        assert logins == [(f"login:{EMAIL_B}", "POST", "/auth/login")]
        issued = {c for c, _, p in on_b if p != "/auth/login"}
        assert len(issued) == 1 and TOKEN_A not in issued and DEFAULT_TOKEN not in issued
        creates = {
            "/domains/buy",
            "/domains/buy/google",
            "/domains/add/subdomain",
            "/domains/forward",
            "/domains/email/forward",
            "/mailboxes",
            "/mailboxes/add/google",
            "/inbox-providers/add",
            "/domain-registrars/add",
            "/azure-orders/add",
        }
        for on in (on_a, on_b):  # every kind's create went to its own account's workspace
            assert creates <= {p for _, m, p in on if m == "POST"}

        # the state holds the account's name, never a credential
        for entry in (*made_a, *made_b):
            state = json.dumps(entry["outs"], default=str)
            for secret in (TOKEN_A, PASSWORD_B, EMAIL_B, *issued):
                assert secret not in state, entry["kind"].__name__
    finally:
        destroy(made_a, config)
        destroy(made_b, config)
    assert a.find_domain(smtp_a) is None and b.find_domain(smtp_b) is None
    assert not [r for r in recorder.seen if r[1] == DEFAULT_TOKEN]
    a.close()
    b.close()


def test_one_login_per_account_and_each_accounts_token_revoked(
    sandboxes: Sandboxes, recorder: Recorder
) -> None:
    config = sandboxes.config()
    config["mailin:accounts"]["pw2"] = {"email": EMAIL_B, "password": PASSWORD_B}  # on A
    first = mailin_runtime.runtime_for(config, "pw")
    assert mailin_runtime.runtime_for(config, "pw") is first
    again = mailin_runtime.runtime_for({**config, "mailin:pollIntervalSeconds": "0.5"}, "pw")
    assert again is not first and again.client is first.client  # one client, one login
    other = mailin_runtime.runtime_for(config, "pw2")
    assert other.client is not first.client
    for runtime in (first, again, other, first):
        runtime.client.list_domains()
    logins = [(q, c) for q, c, _, p in recorder.seen if p == "/auth/login"]
    assert sorted(logins) == sorted(
        [(sandboxes.port_b, f"login:{EMAIL_B}"), (sandboxes.port_a, f"login:{EMAIL_B}")]
    )
    used = {q: c for q, c, _, p in recorder.seen if p == "/domains"}
    assert used[sandboxes.port_a] != used[sandboxes.port_b]  # each account's own token

    mailin_client.revoke_tokens_at_exit()  # what atexit runs
    logouts = {(q, c) for q, c, _, p in recorder.seen if p == "/auth/logout"}
    assert logouts == {(sandboxes.port_a, used[sandboxes.port_a])} | {
        (sandboxes.port_b, used[sandboxes.port_b])
    }
    # a configured token is never revoked
    mailin_runtime.runtime_for(config, "tok").client.list_domains()
    mailin_client.revoke_tokens_at_exit()
    assert (sandboxes.port_a, TOKEN_A) not in {
        (q, c) for q, c, _, p in recorder.seen if p == "/auth/logout"
    }


def test_a_named_account_without_credentials_never_borrows_the_defaults(
    sandboxes: Sandboxes, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAILIN_API_TOKEN", TOKEN_A)
    monkeypatch.setenv("MAILIN_EMAIL", EMAIL_B)
    monkeypatch.setenv("MAILIN_PASSWORD", PASSWORD_B)
    config = sandboxes.config()
    config["mailin:email"], config["mailin:password"] = EMAIL_B, PASSWORD_B
    config["mailin:accounts"] = {
        "bare": {"baseUrl": sandboxes.b.mailin_url},
        "half": {"email": EMAIL_B},  # the password would come from the default: it may not
    }
    with pytest.raises(ConfigError) as bare:
        mailin_runtime.runtime_for(config, "bare")
    message = str(bare.value)
    assert "mailin:accounts.bare.apiToken" in message
    assert "mailin:accounts.bare.email" in message and "mailin:accounts.bare.password" in message
    assert TOKEN_A not in message and PASSWORD_B not in message
    with pytest.raises(ConfigError, match=r"mailin:accounts\.half\.password"):
        mailin_runtime.runtime_for(config, "half")
    with pytest.raises(ConfigError, match=r"account 'nobody' is not configured"):
        mailin_runtime.runtime_for(config, "nobody")
    # a provider of that account fails the same way, with no request sent
    with pytest.raises(ConfigError, match=r"mailin:accounts\.bare\.apiToken"):
        configured(DomainsProvider, config).read("1", {"records": {}, "account": "bare"})
    assert recorder.seen == []


def test_a_failed_login_names_the_accounts_own_keys(
    sandboxes: Sandboxes, recorder: Recorder
) -> None:
    config = sandboxes.config()
    config["mailin:accounts"]["pw"]["password"] = "not-the-password"
    with pytest.raises(LoginFailedError) as failed:
        mailin_runtime.runtime_for(config, "pw").client.list_domains()
    message = str(failed.value)
    assert "check mailin:accounts.pw.email and mailin:accounts.pw.password" in message
    assert "not-the-password" not in message
    assert [(c, p) for _, c, _, p in recorder.seen] == [(f"login:{EMAIL_B}", "/auth/login")]


def test_endpoint_overrides_per_account_merge_over_the_plain_ones(
    sandboxes: Sandboxes, recorder: Recorder
) -> None:
    config = sandboxes.config()
    config["mailin:endpoints"] = {"get_credits": "GET /credits-everywhere"}
    config["mailin:accounts"]["tok"]["endpoints"] = {"list_domains": "GET /domains/tok-only"}
    tok = mailin_runtime.runtime_for(config, "tok").client
    with pytest.raises(NotFoundError):  # the sandbox serves the documented path only
        tok.list_domains()
    with pytest.raises(NotFoundError):
        tok.get_credits()
    pw = mailin_runtime.runtime_for(config, "pw").client
    pw.list_domains()  # not overridden for pw
    with pytest.raises(NotFoundError):
        pw.get_credits()
    paths_a = [p for _, m, p in recorder.on(sandboxes.port_a) if m == "GET"]
    paths_b = [p for _, m, p in recorder.on(sandboxes.port_b) if m == "GET"]
    assert paths_a == ["/domains/tok-only", "/credits-everywhere"]  # its own over the plain
    assert paths_b == ["/domains", "/credits-everywhere"]  # the plain override only
    assert (
        mailin_runtime.runtime_for(config)
        .client.endpoints.resolve(mailin_endpoints.LIST_DOMAINS)
        .path
        == "/domains"
    )  # the default account: the plain map only
    bad = sandboxes.config()
    bad["mailin:accounts"]["tok"]["endpoints"] = {"no_such_endpoint": "GET /x"}
    with pytest.raises(ConfigError, match="no_such_endpoint"):
        mailin_runtime.runtime_for(bad, "tok")


# preview ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "inputs"),
    [
        (DomainsProvider, {"domains": ["nobody-domain.com"]}),
        (SubdomainProvider, {"subdomain": "sales", "domain": "acme-mail.com"}),
        (DomainForwardingProvider, {"domain_id": 7, "forward_to": "acme.com"}),
        (EmailForwardingProvider, {"domain_id": 7, "forward_to": "desk@acme.com"}),
        (SmtpMailboxesProvider, {"mailboxes": [{"username": "a@acme-mail.com", "name": "A"}]}),
        (
            GoogleMailboxesProvider,
            {"mailboxes": [{"username": "j@acme-gw.biz", "first_name": "J", "last_name": "D"}]},
        ),
        (InboxProviderProvider, {"name": "SL", "provider": "instantly", "api_key": "k"}),
        (
            DomainRegistrarProvider,
            {"name": "PB", "provider": "porkbun", "api_key": "K", "secret_api_key": "S"},
        ),
        (
            AzureOrderProvider,
            {"domain": "acme-ms.com", "mailbox_mode": "auto", "full_names": ["A B"]},
        ),
    ],
    ids=lambda v: v.__name__ if isinstance(v, type) else "",
)
def test_an_unknown_account_fails_preview_on_account_with_no_api_call(
    preview_check: PreviewCheck, kind: type[Any], inputs: dict[str, Any]
) -> None:
    outcome = preview_check(kind, {**inputs, "account": "nobody"})
    assert outcome.aborted is None, outcome.aborted
    assert "account 'nobody' is not configured for mailin" in outcome.failures["account"]
    assert "mailin:accounts.nobody" in outcome.failures["account"]
    assert outcome.requests == 0
    assert set(outcome.failures) == {"account"}


@pytest.mark.parametrize(
    ("kind", "inputs"),
    [
        (DomainsProvider, {"domains": ["a.com"], "records": {"a.com": {"id": 1, "active": True}}}),
        (SubdomainProvider, {"subdomain": "sales", "domain": "a.com"}),
        (DomainForwardingProvider, {"domain_id": 7, "forward_to": "b.com"}),
        (EmailForwardingProvider, {"domain_id": 7, "forward_to": "desk@b.com"}),
        (
            SmtpMailboxesProvider,
            {
                "mailboxes": [{"username": "a@a.com", "name": "A"}],
                "records": {"a@a.com": {"id": 1, "active": True}},
            },
        ),
        (
            GoogleMailboxesProvider,
            {
                "mailboxes": [{"username": "j@a.com", "first_name": "J", "last_name": "D"}],
                "records": {"j@a.com": {"id": 1, "active": True}},
            },
        ),
        (InboxProviderProvider, {"name": "SL", "provider": "instantly", "api_key": "k"}),
        (
            DomainRegistrarProvider,
            {"name": "PB", "provider": "porkbun", "api_key": "K", "secret_api_key": "S"},
        ),
        (AzureOrderProvider, {"domain": "a.com", "mailbox_mode": "auto", "full_names": ["A B"]}),
    ],
    ids=lambda v: v.__name__ if isinstance(v, type) else "",
)
def test_a_change_of_account_replaces_and_no_account_is_no_change(
    kind: type[Any], inputs: dict[str, Any]
) -> None:
    """The object is made in the new account and deleted from the old one; a stack from before
    accounts (no `account` recorded) diffs as no change against the default account."""
    provider = kind()
    moved = provider.diff("1", {**inputs, "account": "client-a"}, {**inputs, "account": "b"})
    assert moved.changes and "account" in (moved.replaces or []), kind.__name__
    to_default = provider.diff("1", {**inputs, "account": "client-a"}, dict(inputs))
    assert "account" in (to_default.replaces or []), kind.__name__
    assert not provider.diff("1", dict(inputs), dict(inputs)).changes, kind.__name__


def test_a_bad_account_name_fails_once_on_account(preview_check: PreviewCheck) -> None:
    outcome = preview_check(
        SubdomainProvider, {"subdomain": "s", "domain": "a.com", "account": "-x"}
    )
    assert list(outcome.failures) == ["account"] and outcome.requests == 0


def test_an_account_not_known_yet_passes_preview_with_no_api_call(
    sandboxes: Sandboxes, recorder: Recorder
) -> None:
    """`account=other.name` before `other` exists: nothing to check yet, nothing asked."""
    config = sandboxes.config()
    for unknown in (Unknown(), UNKNOWN):
        domains = configured(DomainsProvider, config).check(
            {}, {"domains": ["later-name.com"], "account": unknown}
        )
        sub = configured(SubdomainProvider, config).check(
            {}, {"subdomain": "s", "domain": "a.com", "account": unknown}
        )
        assert domains.failures == [] and sub.failures == []
    assert recorder.seen == []


# functions ---------------------------------------------------------------------------------------


def test_plain_functions_take_account(
    sandboxes: Sandboxes, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAILIN_BASE_URL", sandboxes.a.mailin_url)
    monkeypatch.setenv("MAILIN_API_TOKEN", DEFAULT_TOKEN)
    monkeypatch.setenv("MAILIN_ACCOUNTS", json.dumps(sandboxes.accounts()))
    held = f"{unique('fn')}.com"
    sandboxes.client_b().buy_domains([held])
    assert [d.name for d in mailin_functions.list_domains(held, account="pw")] == [held]
    assert mailin_functions.list_domains(held, account="tok") == []
    assert mailin_functions.get_credits(account="pw") >= 0
    assert mailin_verification.ensure_credits(mailin_functions._client(None, "tok"), 0) >= 0
    on_a, on_b = recorder.on(sandboxes.port_a), recorder.on(sandboxes.port_b)
    assert {c for c, _, _ in on_a} == {TOKEN_A}  # tok: its token, on the default base URL
    assert [p for _, _, p in on_b] == ["/auth/login", "/domains", "/get-credits"]
    assert DEFAULT_TOKEN not in recorder.credentials()
    assert [p for _, c, _, p in recorder.seen if c == f"login:{EMAIL_B}"] == ["/auth/login"]


class NoResources(pulumi.runtime.Mocks):
    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        outputs = dict(args.inputs)
        domains = outputs.get("domains")
        if isinstance(domains, list):  # a Domains resource: ids as the provider gives them
            outputs["domain_ids"] = {d: 1000 + i for i, d in enumerate(domains)}
        return f"{args.name}_id", outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any] | None]:
        return {}, None


@pytest.fixture
def stack_config() -> Iterator[Callable[[dict[str, str], list[str]], None]]:
    program_domains.reset()
    pulumi.runtime.set_mocks(NoResources(), preview=False)
    yield pulumi.runtime.set_all_config
    pulumi.runtime.set_all_config({}, [])
    program_domains.reset()


def test_output_functions_read_the_accounts_map_from_the_stack_config(
    sandboxes: Sandboxes,
    recorder: Recorder,
    stack_config: Callable[[dict[str, str], list[str]], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MAILIN_ACCOUNTS", json.dumps({"pw": {"apiToken": "wrong"}}))
    stack_config(
        {
            "mailin:baseUrl": sandboxes.a.mailin_url,
            "mailin:apiToken": DEFAULT_TOKEN,
            "mailin:accounts": json.dumps(sandboxes.accounts()),  # the CLI passes a map as JSON
        },
        ["mailin:apiToken", "mailin:accounts"],
    )
    held = f"{unique('out')}.com"
    sandboxes.client_b().buy_domains([held])

    @pulumi.runtime.test
    def program() -> Awaitable[None]:
        mine = mailin_functions.list_domains_output(held, account="pw")
        theirs = mailin_functions.list_domains_output(held, account="tok")
        credits = mailin_functions.get_credits_output(account="pw")

        async def check() -> None:
            assert [d.name for d in await mine.future() or []] == [held]
            assert await theirs.future() == []
            assert (await credits.future() or 0) >= 0
            assert not await mine.is_secret()  # domains hold no credential

        return check()

    program()
    assert "wrong" not in recorder.credentials()  # the stack's map, not the variable
    assert DEFAULT_TOKEN not in recorder.credentials()
    assert (sandboxes.port_b, f"login:{EMAIL_B}", "POST", "/auth/login") in recorder.seen


# the pickled provider -------------------------------------------------------------------------


def test_the_pickled_provider_holds_no_credential_of_any_account(
    sandboxes: Sandboxes, recorder: Recorder
) -> None:
    config = sandboxes.config()
    for kind in (DomainsProvider, SmtpMailboxesProvider, AzureOrderProvider):
        provider = configured(kind, config)
        mailin_runtime.runtime_for(provider.config, "pw").client.list_servers()
        for blob in (pickle.dumps(provider), serialize_provider(provider).encode()):
            for secret in (TOKEN_A, PASSWORD_B, EMAIL_B, DEFAULT_TOKEN, "accounts"):
                assert secret.encode() not in blob, (kind.__name__, secret)


# cross-account mistakes in the program ---------------------------------------------------------


@pytest.fixture
def preview_program() -> Iterator[None]:
    program_domains.reset()
    pulumi.runtime.set_mocks(NoResources(), preview=True)
    yield
    program_domains.reset()


def test_a_domain_of_one_account_used_by_another_fails_the_program(preview_program: None) -> None:
    from pulumi_inboxed.mailin import (
        Domains,
        GoogleMailboxArgs,
        GoogleMailboxes,
        SmtpMailboxArgs,
        SmtpMailboxes,
        Subdomain,
    )

    Domains("client-a-domains", domains=["Shared-A.com", "only-a.com"], account="client-a")
    Domains("default-domains", domains=["plain.com"])
    Subdomain("fine", subdomain="sales", domain="shared-a.com", account="client-a")
    SmtpMailboxes("fine-boxes", mailboxes=[SmtpMailboxArgs("x@plain.com", "X")])
    with pytest.raises(pulumi.RunError) as wrong:
        Subdomain("wrong", subdomain="sales", domain="shared-a.com", account="client-b")
    message = str(wrong.value)
    assert "'shared-a.com'" in message and "Domains 'client-a-domains'" in message
    assert "account 'client-a'" in message and "account 'client-b'" in message
    with pytest.raises(pulumi.RunError, match=r"the default account.*'only-a\.com'.*'client-a'"):
        SmtpMailboxes("boxes", mailboxes=[SmtpMailboxArgs("y@only-a.com", "Y")])
    with pytest.raises(pulumi.RunError, match=r"account 'client-a'.*'plain\.com'.*the default"):
        GoogleMailboxes(
            "g",
            mailboxes=[GoogleMailboxArgs("j@plain.com", "J", "D")],
            account="client-a",
        )


def test_a_forwarding_on_another_accounts_domain_id_fails_once_the_id_is_known(
    stack_config: Callable[[dict[str, str], list[str]], None],
) -> None:
    from pulumi_inboxed.mailin import DomainForwarding, Domains, EmailForwarding

    @pulumi.runtime.test
    def program() -> Any:
        domains = Domains("a-domains", domains=["held-a.com"], account="client-a")
        domain_id = domains.domain_ids.apply(lambda ids: (ids or {})["held-a.com"])
        EmailForwarding("same", domain_id=domain_id, forward_to="x@y.com", account="client-a")
        DomainForwarding("other", domain_id=domain_id, forward_to="y.com", account="client-b")
        return domain_id.apply(lambda _: None)

    with pytest.raises(pulumi.RunError) as raised:
        program()
    message = str(raised.value)
    assert "DomainForwarding 'other'" in message and "'held-a.com'" in message
    assert "account 'client-a'" in message and "account 'client-b'" in message

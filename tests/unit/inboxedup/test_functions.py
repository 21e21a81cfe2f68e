"""The read-only functions of `pulumi_inboxed.inboxedup.functions`.

Plain functions: with an explicit ``client=`` (httpx.MockTransport) and with settings from the
environment (a real sandbox on 127.0.0.1, since no transport can be injected through the
environment). `_output` variants: pulumi's unit-test mocks with the stack config set by
`pulumi.runtime.set_all_config`, against the same real sandbox.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx
import pulumi
import pytest

from pulumi_inboxed.core.errors import AuthenticationError, ConfigError, NotFoundError
from pulumi_inboxed.core.http import RetryPolicy
from pulumi_inboxed.inboxedup import InboxedUpClient
from pulumi_inboxed.inboxedup import endpoints as ep
from pulumi_inboxed.inboxedup.client import PAGE_LIMIT
from pulumi_inboxed.inboxedup.functions import (
    get_account,
    get_account_output,
    get_batch_status,
    get_batch_status_output,
    get_domain,
    get_domain_output,
    get_mailbox_request,
    get_mailbox_request_output,
    list_domains,
    list_domains_output,
    list_mailbox_requests,
    list_mailbox_requests_output,
    list_subscriptions,
    list_subscriptions_output,
)
from pulumi_inboxed.inboxedup.models import (
    Account,
    BatchStatus,
    Domain,
    MailboxEntry,
    MailboxRequest,
    MailboxRequestStatus,
    MailboxType,
    Subscription,
)
from pulumi_inboxed.sandbox import SandboxProcess

TOKEN = "tok-fn-51d0"
SANDBOX_TOKEN = "t1"
ENV_VARS = (
    "INBOXEDUP_API_TOKEN",
    "INBOXEDUP_BASE_URL",
    "INBOXEDUP_POLL_INTERVAL_SECONDS",
    "INBOXEDUP_VERIFY_NS_INTERVAL_SECONDS",
)
DEAD_URL = "http://127.0.0.1:9"  # nothing listens there: a call that goes there fails


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)


# Plain functions with client=

ACCOUNT = {
    "customer": {"id": "cus_1", "email": "you@yourdomain.com", "name": "Your Name"},
    "allocations": [{"type": "MICROSOFT", "allocated": 10, "used": 3, "remaining": 7}],
    "summary": {"totalDomains": 5, "activeDomains": 3},
}
SUBSCRIPTIONS = [
    {"id": "sub_1", "type": "MICROSOFT", "quantity": 10, "status": "ACTIVE", "notes": ""},
    {"id": "sub_2", "type": "SMTP", "quantity": 50, "status": "ACTIVE", "notes": "x"},
]
BATCH = {
    "batchId": "batch_1",
    "status": "PARTIAL",
    "total": 2,
    "pending_ns": 1,
    "active": 1,
    "groups": [
        {
            "ns1": "ajay.ns.cloudflare.com",
            "ns2": "braelyn.ns.cloudflare.com",
            "domains": [
                {"id": "dom_a", "domain": "a.com", "status": "ACTIVE"},
                {"id": "dom_b", "domain": "b.com", "status": "PENDING_NS"},
            ],
        }
    ],
}


def dom(name: str) -> dict[str, Any]:
    return {"id": f"dom_{name[0]}", "domain": name, "status": "ACTIVE", "batchId": "batch_1"}


def req(request_id: str) -> dict[str, Any]:
    entry = {"firstName": "A", "lastName": "B", "mailboxUsername": "a.b", "password": "pw"}
    return {
        "id": request_id,
        "type": "SMTP",
        "domain": "a.com",
        "status": "COMPLETED",
        "mailboxes": [entry],
    }


def ok(data: Any) -> httpx.Response:
    return httpx.Response(200, json={"success": True, "data": data})


def page(key: str, items: list[dict[str, Any]], n: int, total: int) -> httpx.Response:
    return ok({key: items, "page": n, "limit": 2, "total": total})


class Recorder:
    def __init__(self, *responses: httpx.Response) -> None:
        self.responses = list(responses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.responses.pop(0)


def client_for(rec: Recorder) -> InboxedUpClient:
    return InboxedUpClient(
        "https://api.example/v1",
        TOKEN,
        retry=RetryPolicy(attempts=1),
        transport=httpx.MockTransport(rec),
    )


def q(**params: str) -> dict[str, str]:
    return {"limit": str(PAGE_LIMIT), **params}


# (call, answers, requests expected as (endpoint, path params, query), expected result)
PLAIN_CASES: list[Any] = [
    pytest.param(
        lambda c: get_account(client=c),
        [ok(ACCOUNT)],
        [(ep.ACCOUNT, {}, {})],
        Account.model_validate(ACCOUNT),
        id="get_account",
    ),
    pytest.param(
        lambda c: list_subscriptions(client=c),
        [ok({"subscriptions": SUBSCRIPTIONS})],
        [(ep.LIST_SUBSCRIPTIONS, {}, {})],
        [Subscription.model_validate(s) for s in SUBSCRIPTIONS],
        id="list_subscriptions",
    ),
    pytest.param(
        lambda c: list_domains("ACTIVE", "batch_1", None, client=c),
        [
            page("domains", [dom("a.com"), dom("b.com")], 1, 3),
            page("domains", [dom("c.com")], 2, 3),
        ],
        [
            (ep.LIST_DOMAINS, {}, q(page="1", status="ACTIVE", batchId="batch_1")),
            (ep.LIST_DOMAINS, {}, q(page="2", status="ACTIVE", batchId="batch_1")),
        ],
        [Domain.model_validate(dom(n)) for n in ("a.com", "b.com", "c.com")],
        id="list_domains",
    ),
    pytest.param(
        lambda c: list_domains(domain="b.com", client=c),
        [page("domains", [dom("b.com")], 1, 1)],
        [(ep.LIST_DOMAINS, {}, q(page="1", domain="b.com"))],
        [Domain.model_validate(dom("b.com"))],
        id="list_domains-by-name",
    ),
    pytest.param(
        lambda c: get_domain("dom_a", client=c),
        [ok(dom("a.com"))],
        [(ep.GET_DOMAIN, {"domain_id": "dom_a"}, {})],
        Domain.model_validate(dom("a.com")),
        id="get_domain",
    ),
    pytest.param(
        lambda c: list_mailbox_requests("a.com", "COMPLETED", client=c),
        [page("requests", [req("req_1"), req("req_2")], 1, 3), page("requests", [req("r3")], 2, 3)],
        [
            (ep.LIST_MAILBOX_REQUESTS, {}, q(page="1", domain="a.com", status="COMPLETED")),
            (ep.LIST_MAILBOX_REQUESTS, {}, q(page="2", domain="a.com", status="COMPLETED")),
        ],
        [MailboxRequest.model_validate(req(i)) for i in ("req_1", "req_2", "r3")],
        id="list_mailbox_requests",
    ),
    pytest.param(
        lambda c: get_mailbox_request("req_1", client=c),
        [ok(req("req_1"))],
        [(ep.GET_MAILBOX_REQUEST, {"request_id": "req_1"}, {})],
        MailboxRequest.model_validate(req("req_1")),
        id="get_mailbox_request",
    ),
    pytest.param(
        lambda c: get_batch_status("batch_1", client=c),
        [ok(BATCH)],
        [(ep.BATCH_STATUS, {"batch_id": "batch_1"}, {})],
        BatchStatus.model_validate(BATCH),
        id="get_batch_status",
    ),
]


@pytest.mark.parametrize(("call", "answers", "expected_requests", "expected"), PLAIN_CASES)
def test_plain_function_with_a_client(
    call: Callable[[InboxedUpClient], Any],
    answers: list[httpx.Response],
    expected_requests: list[tuple[ep.Endpoint, dict[str, str], dict[str, str]]],
    expected: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Environment settings that would fail: the explicit client must win over them.
    monkeypatch.setenv("INBOXEDUP_BASE_URL", DEAD_URL)
    monkeypatch.setenv("INBOXEDUP_API_TOKEN", "env-token")
    rec = Recorder(*answers)
    result = call(client_for(rec))
    assert result == expected
    assert [(r.method, r.url.path, dict(r.url.params)) for r in rec.requests] == [
        (e.method, "/v1" + e.format(**path), query) for e, path, query in expected_requests
    ]
    assert {r.headers["Authorization"] for r in rec.requests} == {f"Bearer {TOKEN}"}


def test_mailbox_passwords_come_through_the_plain_function() -> None:
    rec = Recorder(ok(req("req_1")))
    result = get_mailbox_request("req_1", client=client_for(rec))
    assert result.mailboxes[0].password == "pw"


def test_client_is_keyword_only() -> None:
    rec = Recorder()
    with pytest.raises(TypeError):
        get_account(client_for(rec))  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        get_domain("dom_a", client_for(rec))  # type: ignore[call-arg]
    assert rec.requests == []


def test_without_client_or_token_the_setting_is_named() -> None:
    with pytest.raises(ConfigError) as info:
        get_account()
    assert "inboxedup:apiToken" in str(info.value)
    assert "INBOXEDUP_API_TOKEN" in str(info.value)


# Plain functions with environment settings, against a real sandbox


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxProcess]:
    with SandboxProcess(
        queued_seconds=0, pending_ns_seconds=0, tokens=[SANDBOX_TOKEN], lifetime=900
    ) as process:
        yield process


@pytest.fixture
def sb(sandbox: SandboxProcess) -> SandboxProcess:
    sandbox.control.reset()  # no state or request counts from an earlier test
    return sandbox


def direct(sb: SandboxProcess) -> InboxedUpClient:
    return InboxedUpClient(sb.url, SANDBOX_TOKEN, retry=RetryPolicy(attempts=1))


def seed(sb: SandboxProcess) -> tuple[str, str, str]:
    """A batch of two domains (ACTIVE at once) and a COMPLETED mailbox request on the first."""
    client = direct(sb)
    submitted = client.submit_domains(["alpha.com", "beta.com"])
    alpha = next(d for d in submitted.domains if d.domain == "alpha.com")
    entry = MailboxEntry(firstName="Ann", lastName="Lee", mailboxUsername="ann.lee")
    created = client.request_mailboxes("alpha.com", MailboxType.SMTP, [entry])
    sb.control.force_mailbox_status(created.request_id, "COMPLETED", "done")
    sb.control.reset_stats()
    return submitted.batch_id, alpha.id, created.request_id


def use_env(monkeypatch: pytest.MonkeyPatch, url: str, token: str) -> None:
    monkeypatch.setenv("INBOXEDUP_BASE_URL", url)
    monkeypatch.setenv("INBOXEDUP_API_TOKEN", token)


def test_account_and_subscriptions_from_environment_settings(
    sb: SandboxProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_env(monkeypatch, sb.url, SANDBOX_TOKEN)
    account = get_account()
    subs = list_subscriptions()
    assert account.summary.active_api_keys == 1  # the sandbox's one token
    allocated = {a.type: a.allocated for a in account.allocations}
    assert (allocated["MICROSOFT"], allocated["SMTP"]) == (10, 50)  # the seeded subscriptions
    assert sorted((s.type, s.quantity, s.status) for s in subs) == [
        ("MICROSOFT", 10, "ACTIVE"),
        ("SMTP", 50, "ACTIVE"),
    ]
    assert all(s.id.startswith("sub_") for s in subs)
    assert sb.control.stats() == {"GET /account": 1, "GET /subscriptions": 1}


def test_domain_and_mailbox_lookups_from_environment_settings(
    sb: SandboxProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch_id, alpha_id, request_id = seed(sb)
    use_env(monkeypatch, sb.url, SANDBOX_TOKEN)
    batch = get_batch_status(batch_id)
    assert (batch.batch_id, batch.total, batch.active) == (batch_id, 2, 2)
    assert sorted(d.domain for d in list_domains(batch_id=batch_id)) == ["alpha.com", "beta.com"]
    assert [d.id for d in list_domains(domain="alpha.com")] == [alpha_id]
    assert list_domains(status="FAILED") == []
    domain = get_domain(alpha_id)
    assert (domain.domain, domain.batch_id, domain.status) == ("alpha.com", batch_id, "ACTIVE")
    request = get_mailbox_request(request_id)
    assert (request.domain, request.status) == ("alpha.com", MailboxRequestStatus.COMPLETED)
    assert request.mailboxes[0].password  # the sandbox gives completed mailboxes a password
    assert [r.id for r in list_mailbox_requests(domain="alpha.com")] == [request_id]
    assert list_mailbox_requests(domain="beta.com") == []
    with pytest.raises(NotFoundError):
        get_domain("dom_missing")
    assert sb.control.stats()["GET /domains/batch/{batch_id}"] == 1


def test_a_wrong_environment_token_is_an_authentication_error_without_the_token(
    sb: SandboxProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_env(monkeypatch, sb.url, "wrong-token-8812")
    with pytest.raises(AuthenticationError) as info:
        get_account()
    assert info.value.code == "UNAUTHORIZED"
    assert "wrong-token-8812" not in str(info.value)


# _output variants under pulumi's mocks


class NoResources(pulumi.runtime.Mocks):
    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        return f"{args.name}_id", args.inputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any] | None]:
        return {}, None


@pytest.fixture
def stack_config() -> Iterator[Callable[..., None]]:
    """Sets the stack config (secret keys as `pulumi config set --secret` marks them)."""
    pulumi.runtime.set_mocks(NoResources(), preview=False)

    def set_config(**values: str) -> None:
        config = {f"inboxedup:{k}": v for k, v in values.items()}
        pulumi.runtime.set_all_config(config, ["inboxedup:apiToken"])

    set_config()
    yield set_config
    pulumi.runtime.set_all_config({}, [])


@pytest.fixture
def configured(sb: SandboxProcess, stack_config: Callable[..., None]) -> SandboxProcess:
    stack_config(baseUrl=sb.url, apiToken=SANDBOX_TOKEN)
    return sb


async def resolved(output: pulumi.Output[Any]) -> tuple[Any, bool]:
    """(value, is_secret) of an output."""
    return await output.future(), await output.is_secret()


def test_get_account_output_resolves_to_an_account_from_the_stack_config(
    configured: SandboxProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_env(monkeypatch, DEAD_URL, "env-token")  # the stack config must win over these
    expected = get_account(client=direct(configured))
    configured.control.reset_stats()

    @pulumi.runtime.test
    def program() -> Awaitable[None]:
        async def check() -> None:
            value, secret = await resolved(get_account_output())
            assert isinstance(value, Account)
            assert value == expected
            assert secret is False  # unsecret: an account overview holds no credential

        return check()

    program()
    assert configured.control.stats() == {"GET /account": 1}


def test_config_token_is_secret_so_unsecret_is_what_clears_it(
    configured: SandboxProcess,
) -> None:
    @pulumi.runtime.test
    def program() -> Awaitable[None]:
        async def check() -> None:
            token = pulumi.Config("inboxedup").get_secret("apiToken")
            assert token is not None and await token.is_secret()

        return check()

    program()


def test_output_variants_without_credentials_resolve_unsecret(configured: SandboxProcess) -> None:
    batch_id, alpha_id, _ = seed(configured)
    client = direct(configured)
    expected: dict[str, Any] = {
        "subscriptions": list_subscriptions(client=client),
        "domains": list_domains(batch_id=batch_id, client=client),
        "by_name": list_domains(domain="beta.com", client=client),
        "domain": get_domain(alpha_id, client=client),
        "batch": get_batch_status(batch_id, client=client),
    }
    assert len(expected["domains"]) == 2 and len(expected["by_name"]) == 1

    @pulumi.runtime.test
    def program() -> Awaitable[None]:
        outputs = {
            "subscriptions": list_subscriptions_output(),
            # an Output argument, as a resource attribute would be
            "domains": list_domains_output(batch_id=pulumi.Output.from_input(batch_id)),
            "by_name": list_domains_output(domain="beta.com"),
            "domain": get_domain_output(alpha_id),
            "batch": get_batch_status_output(pulumi.Output.from_input(batch_id)),
        }

        async def check() -> None:
            for name, output in outputs.items():
                value, secret = await resolved(output)
                assert (name, value) == (name, expected[name])
                assert (name, secret) == (name, False)

        return check()

    program()


def test_mailbox_request_outputs_stay_secret(configured: SandboxProcess) -> None:
    _, _, request_id = seed(configured)

    @pulumi.runtime.test
    def program() -> Awaitable[None]:
        one = get_mailbox_request_output(request_id)
        many = list_mailbox_requests_output(domain="alpha.com")

        async def check() -> None:
            request, secret = await resolved(one)
            assert isinstance(request, MailboxRequest) and request.id == request_id
            assert request.mailboxes[0].password  # what the secrecy protects
            assert secret is True
            requests, secret = await resolved(many)
            assert [r.id for r in requests] == [request_id]
            assert secret is True

        return check()

    program()


def test_outputs_fall_back_to_environment_settings(
    sb: SandboxProcess, stack_config: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, _, request_id = seed(sb)
    use_env(monkeypatch, sb.url, SANDBOX_TOKEN)  # no stack config at all

    @pulumi.runtime.test
    def program() -> Awaitable[None]:
        account = get_account_output()
        request = get_mailbox_request_output(request_id)

        async def check() -> None:
            value, secret = await resolved(account)
            assert isinstance(value, Account) and secret is False
            # The token is not secret here; the mailbox request is secret all the same.
            value, secret = await resolved(request)
            assert value.id == request_id and secret is True

        return check()

    program()
    assert sb.control.stats() == {"GET /account": 1, "GET /mailboxes/{request_id}": 1}


def test_a_secret_argument_keeps_the_result_secret(configured: SandboxProcess) -> None:
    _, alpha_id, _ = seed(configured)

    @pulumi.runtime.test
    def program() -> Awaitable[None]:
        hidden = get_domain_output(pulumi.Output.secret(alpha_id))
        shown = get_domain_output(alpha_id)

        async def check() -> None:
            value, secret = await resolved(hidden)
            assert value.id == alpha_id and secret is True
            value, secret = await resolved(shown)
            assert value.id == alpha_id and secret is False

        return check()

    program()


async def _value(value: Any) -> Any:
    return value


def test_an_unknown_argument_makes_no_call(configured: SandboxProcess) -> None:
    """During a preview a resource's attribute may be unknown: the lookup waits, no request."""

    @pulumi.runtime.test
    def program() -> Awaitable[None]:
        unknown: pulumi.Output[str] = pulumi.Output(set(), _value(None), _value(False))
        output = get_batch_status_output(unknown)

        async def check() -> None:
            assert await output.is_known() is False

        return check()

    program()
    assert configured.control.stats() == {}


def test_poll_interval_comes_from_the_stack_config(configured: SandboxProcess) -> None:
    pulumi.runtime.set_config("inboxedup:pollIntervalSeconds", "soon")

    @pulumi.runtime.test
    def program() -> pulumi.Output[Account]:
        return get_account_output()

    with pytest.raises(
        pulumi.RunError, match=r"inboxedup:pollIntervalSeconds must be a number"
    ) as caught:
        program()
    assert isinstance(caught.value.__cause__, ConfigError)  # the typed error behind the message


def test_an_output_without_a_token_fails_naming_the_setting(
    stack_config: Callable[..., None],
) -> None:
    stack_config(baseUrl=DEAD_URL)

    @pulumi.runtime.test
    def program() -> pulumi.Output[Account]:
        return get_account_output()

    with pytest.raises(pulumi.RunError, match="inboxedup:apiToken is not set") as caught:
        program()
    assert isinstance(caught.value.__cause__, ConfigError)  # the typed error behind the message


def test_an_api_error_fails_the_output(configured: SandboxProcess) -> None:
    @pulumi.runtime.test
    def program() -> pulumi.Output[Domain]:
        return get_domain_output("dom_missing")

    with pytest.raises(pulumi.RunError, match="dom_missing") as caught:
        program()
    assert isinstance(caught.value.__cause__, NotFoundError)  # the typed error behind the message

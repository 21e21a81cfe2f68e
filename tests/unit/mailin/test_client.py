"""MailinClient against httpx.MockTransport: login, 210 and 31x codes, pagination, loose types."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from pulumi_inboxed.core import errors
from pulumi_inboxed.core.accounts import Registry
from pulumi_inboxed.core.http import RetryPolicy
from pulumi_inboxed.mailin import MailinClient
from pulumi_inboxed.mailin import client as mailin_client
from pulumi_inboxed.mailin import endpoints as ep
from pulumi_inboxed.mailin import errors as mailin_errors
from pulumi_inboxed.mailin import runtime as mailin_runtime
from pulumi_inboxed.mailin.models import NewSmtpMailbox

from ..fake_api import Call, FakeApi
from ..fake_api import Handler as FakeHandler
from .fake_account import PREFIX

BASE = "https://api.mailin.ai/api/v1/public"
Handler = Callable[[httpx.Request], httpx.Response]
SERVER = {"id": 1, "public_ip": "192.0.2.1", "active": 1}


def authorization(call: Call) -> str | None:
    return call.request.headers.get("Authorization")


def login_api(login: FakeHandler, server: FakeHandler | None = None) -> FakeApi:
    """Mailin.ai answering its login with `login` and a server's get with `server` (`SERVER`
    when not given)."""
    api = FakeApi(ep, base_path=PREFIX).on(ep.LOGIN, login)
    return api.on(ep.GET_SERVER, server or (lambda _c: httpx.Response(200, json=SERVER)))


def client(handler: Handler, **kw: str) -> MailinClient:
    auth = kw or {"token": "1|tok-SECRET"}
    return MailinClient(
        BASE,
        retry=RetryPolicy(attempts=3, initial_wait=0.0, max_wait=0.0),
        transport=httpx.MockTransport(handler),
        **auth,  # type: ignore[arg-type]
    )


def test_login_then_reuse_the_token_and_login_again_on_401() -> None:
    tokens = iter(["1|first", "2|second"])

    def login(call: Call) -> httpx.Response:
        assert call.body == {"email": "me@x.com", "password": "pw-SECRET", "device_name": "ci"}
        return httpx.Response(200, json={"user_id": 7, "token": next(tokens)})

    def server(call: Call) -> httpx.Response:
        if authorization(call) == "Bearer 1|first" and len(api.calls) > 2:
            return httpx.Response(401, json={"message": "Unauthenticated."})
        return httpx.Response(200, json=SERVER)

    api = login_api(login, server)
    c = MailinClient(
        BASE,
        email="me@x.com",
        password="pw-SECRET",
        device_name="ci",
        retry=RetryPolicy(attempts=1),
        transport=api.transport(),
    )
    assert c.get_server(1).active is True
    assert c.user_id == 7
    assert c.get_server(1).public_ip == "192.0.2.1"  # 401, login again, retried once
    assert [call.path for call in api.calls].count("/auth/login") == 2
    assert authorization(api.calls[-1]) == "Bearer 2|second"
    assert "pw-SECRET" not in repr(c)


def test_threads_share_one_login_and_one_relogin() -> None:
    """The provider serves many calls at once: the first ones wait for one login, and a revoked
    token is replaced once, never under a request another thread is sending."""
    logins: list[str] = []
    revoked: set[str] = set()
    lock = threading.Lock()

    def login(_call: Call) -> httpx.Response:
        time.sleep(0.05)  # a slow login: the other threads arrive meanwhile
        with lock:
            logins.append(token := f"{len(logins) + 1}|tok")
        return httpx.Response(200, json={"user_id": 7, "token": token})

    def server(call: Call) -> httpx.Response:
        time.sleep(0.01)
        if (authorization(call) or "").removeprefix("Bearer ") in revoked:
            return httpx.Response(401, json={"message": "Unauthenticated."})
        return httpx.Response(200, json=SERVER)

    c = MailinClient(
        BASE,
        email="me@x.com",
        password="pw-SECRET",
        retry=RetryPolicy(attempts=1),
        transport=login_api(login, server).transport(),
    )
    with ThreadPoolExecutor(max_workers=16) as pool:
        assert all(s.active for s in pool.map(lambda _: c.get_server(1), range(32)))
        assert logins == ["1|tok"]
        revoked.add("1|tok")
        assert all(s.active for s in pool.map(lambda _: c.get_server(1), range(32)))
    assert logins == ["1|tok", "2|tok"]


def test_without_credentials_there_is_a_clear_config_error() -> None:
    with pytest.raises(errors.ConfigError, match="token, or an email and a password"):
        MailinClient(BASE)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (310, mailin_errors.ApiCommunicationError),
        (311, mailin_errors.RequestRefusedError),
        (312, mailin_errors.SubscriptionRequiredError),
        (313, mailin_errors.IncompleteActionError),
        (401, errors.AuthenticationError),
        (404, errors.NotFoundError),
        (422, errors.UnprocessableError),
    ],
)
def test_custom_and_standard_codes_map_to_errors(status: int, cls: type[errors.ApiError]) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        return httpx.Response(status, json={"message": f"code {status}"})

    with pytest.raises(cls) as info:
        client(handler).buy_domains(["a.com"])
    assert info.value.message == f"code {status}"
    assert calls == ["POST"]  # a purchase is never sent twice
    assert "tok-SECRET" not in str(info.value)


def test_310_is_retried_for_reads() -> None:
    answers = iter(
        [
            httpx.Response(310, json={"message": "try again"}),
            httpx.Response(200, json={"id": 5, "status": "pending", "data": ["9"]}),
        ]
    )
    job = client(lambda r: next(answers)).get_domain_job("5")
    assert job.domain_ids == [9]


def test_210_is_success_and_buy_multiple_is_one_request() -> None:
    api = FakeApi(ep, base_path=PREFIX)
    for buy in (ep.BUY_DOMAIN, ep.BUY_GOOGLE_DOMAINS):
        api.on(buy, lambda _c: httpx.Response(210, json={"message": "accepted", "uuid": "5d29"}))

    c = client(api)
    assert c.buy_domains(["a.com"]) == "5d29"
    assert c.buy_domains(["a.com", "b.co"], google=True) == "5d29"
    assert [(call.path, call.body) for call in api.calls] == [
        ("/domains/buy", {"domain_name": "a.com"}),
        ("/domains/buy-multiple/google", {"domain_names": ["a.com", "b.co"]}),
    ]


@pytest.mark.parametrize(
    ("unavailable", "expected"),
    [({"domain": "a.com"}, ["a.com"]), (["a.com", "b.co"], ["a.com", "b.co"])],
)
def test_unavailable_domains_are_named(unavailable: object, expected: list[str]) -> None:
    body = {"message": "The requested domain(s) are unavailable.", "unavailable": unavailable}
    with pytest.raises(mailin_errors.DomainsUnavailableError) as info:
        client(lambda r: httpx.Response(422, json=body)).buy_domains(["a.com", "b.co"])
    assert info.value.domains == expected


def test_availability_404_means_unavailable() -> None:
    answer = httpx.Response(404, json={"available": False, "message": "Domain is unavailable"})
    result = client(lambda r: answer).check_availability("taken.com")
    assert (result.available, result.message) == (False, "Domain is unavailable")


def test_pagination_reads_to_the_last_page_at_100_a_page() -> None:
    pages: list[dict[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        pages.append(params)
        page = int(params["page"])
        data = [{"id": str(page), "name": f"d{page}.com", "status": "Active" if page == 1 else "0"}]
        nxt = f"{BASE}/domains?page={page + 1}" if page < 3 else None
        body = {
            "current_page": page,
            "last_page": 3,
            "per_page": 100,
            "total": 3,
            "next_page_url": nxt,
            "data": data,
        }
        return httpx.Response(200, json=body)

    domains = client(handler).list_domains("d")
    assert [d.id for d in domains] == [1, 2, 3]
    assert [d.active for d in domains] == [True, False, False]
    assert [p["page"] for p in pages] == ["1", "2", "3"]
    assert {p["per_page"] for p in pages} == {"100"}
    assert {p["name"] for p in pages} == {"d"}


def test_find_domain_wants_an_exact_name_among_wildcard_matches() -> None:
    body = {
        "current_page": 1,
        "last_page": 1,
        "next_page_url": None,
        "total": 2,
        "data": [
            {"id": 1, "name": "myexample.co", "status": "1"},
            {
                "id": 2,
                "name": "example.co",
                "status": "1",
                "name_servers": "ns1.mailin.ai, ns2.mailin.ai",
            },
        ],
    }
    found = client(lambda r: httpx.Response(200, json=body)).find_domain("example.co")
    assert found is not None and found.id == 2
    assert found.name_servers == ["ns1.mailin.ai", "ns2.mailin.ai"]


def test_smtp_mailbox_body_omits_a_missing_password_and_hides_given_ones() -> None:
    sent: list[object] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(210, json={"uuid": "j1"})

    new = [
        NewSmtpMailbox(username="a@x.com", name="A"),
        NewSmtpMailbox(username="b@x.com", name="B", password="Secret-123"),
    ]
    assert client(handler).create_smtp_mailboxes(new) == "j1"
    assert sent == [
        {
            "mailboxes": [
                {"username": "a@x.com", "name": "A"},
                {"username": "b@x.com", "name": "B", "password": "Secret-123"},
            ]
        }
    ]
    assert "Secret-123" not in repr(new)


# Login: retried, one per process, revoked at exit (issue 11, defect 11) -----------------------


def login_client(handler: Handler, attempts: int = 4) -> MailinClient:
    return MailinClient(
        BASE,
        email="me@x.com",
        password="pw-SECRET",
        retry=RetryPolicy(attempts=attempts, initial_wait=0.0, max_wait=0.0),
        transport=httpx.MockTransport(handler),
    )


@pytest.mark.parametrize("transient", ["503", "310", "connect"])
def test_a_transient_login_failure_is_retried(transient: str) -> None:
    """Defect 11: one 5xx, 310 or connection failure on the login (a POST) used to fail the
    whole preview, up or destroy."""
    logins: list[str] = []

    def login(call: Call) -> httpx.Response:
        logins.append(call.method)
        if len(logins) == 1:
            if transient == "connect":
                raise httpx.ConnectError("refused", request=call.request)
            return httpx.Response(int(transient), json={"message": "try again"})
        return httpx.Response(200, json={"user_id": 7, "token": "1|tok"})

    assert login_client(login_api(login)).get_server(1).active is True
    assert logins == ["POST", "POST"]


@pytest.mark.parametrize(
    ("status", "hint"),
    [(422, "check mailin:email and mailin:password"), (503, "retried; try again later")],
)
def test_a_failed_login_says_so_naming_the_login_never_the_password(status: int, hint: str) -> None:
    refused = {"message": "The provided credentials are incorrect."}
    api = FakeApi(ep, base_path=PREFIX)
    api.on(ep.LOGIN, lambda _c: httpx.Response(status, json=refused))
    with pytest.raises(mailin_errors.LoginFailedError) as info:
        login_client(api, attempts=2).list_azure_orders()
    assert {call.endpoint for call in api.calls} == {ep.LOGIN}
    text = str(info.value)
    assert f"login failed (POST /auth/login): status {status}" in text
    assert "The provided credentials are incorrect." in text and hint in text
    assert "pw-SECRET" not in text and info.value.status == status


def test_a_login_answer_without_a_token_never_quotes_it() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"user_id": 7, "access": "pw-SECRET-ish"})

    with pytest.raises(mailin_errors.LoginFailedError, match="answered without a token") as info:
        login_client(handler).login()
    assert "pw-SECRET" not in str(info.value)


def test_the_token_a_login_made_is_revoked_at_exit_a_configured_one_never() -> None:
    tokens = iter(["1|first", "2|second"])
    api = login_api(lambda _c: httpx.Response(200, json={"user_id": 7, "token": next(tokens)}))
    api.on(ep.LOGOUT, lambda _c: httpx.Response(200, json={"message": "Logged out."}))

    def logouts() -> list[str | None]:
        return [authorization(call) for call in api.calls_to(ep.LOGOUT)]

    logged_in = login_client(api)
    logged_in.get_server(1)
    configured = client(api)
    configured.get_server(1)
    mailin_client.revoke_tokens_at_exit()  # what atexit runs
    assert logouts() == ["Bearer 1|first"]  # once, and never the configured token
    mailin_client.revoke_tokens_at_exit()
    assert len(logouts()) == 1
    # a later call logs in again (the revoked token is not reused)
    logged_in.get_server(1)
    assert authorization(api.calls[-1]) == "Bearer 2|second"
    logged_in.close()  # closing revokes too
    assert logouts()[-1] == "Bearer 2|second"


def test_an_api_without_logout_is_left_alone() -> None:
    api = login_api(lambda _c: httpx.Response(200, json={"user_id": 7, "token": "1|tok"}))
    api.on(ep.LOGOUT, lambda _c: httpx.Response(404, json={"message": "Not Found"}))

    c = login_client(api)
    c.get_server(1)
    assert c.revoke_created_tokens() == 0  # no error: the token is left to expire


def test_every_resource_of_a_provider_process_shares_one_login(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Runtimes that differ only in poll interval (or are asked for again) share one client."""
    monkeypatch.setattr(mailin_runtime, "_runtimes", Registry())
    monkeypatch.setattr(mailin_runtime, "_clients", Registry())
    config = {"mailin:baseUrl": BASE, "mailin:email": "me@x.com", "mailin:password": "pw"}
    first = mailin_runtime.runtime_for(config)
    second = mailin_runtime.runtime_for({**config, "mailin:pollIntervalSeconds": "0.5"})
    assert first is not second and first.client is second.client
    assert mailin_runtime.runtime_for(dict(config)).client is first.client


def test_a_failed_login_in_a_domains_preview_is_not_an_availability_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Defect 11: a login failure used to read "could not check availability"."""
    from pulumi_inboxed.mailin.domains import DomainsProvider
    from pulumi_inboxed.mailin.runtime import MailinRuntime

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, json={"message": "Service Unavailable"})

    provider = DomainsProvider()
    runtime = MailinRuntime(login_client(handler, attempts=2), 0.1)
    monkeypatch.setattr(provider, "_runtime", lambda _props: runtime)
    with pytest.raises(mailin_errors.LoginFailedError) as info:
        provider.check({}, {"domains": ["fresh-name.com"]})
    assert "could not check availability" not in str(info.value)
    assert "login failed (POST /auth/login): status 503" in str(info.value)

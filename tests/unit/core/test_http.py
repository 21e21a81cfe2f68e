"""core.http: retries, Retry-After, idempotency rules and error mapping (httpx.MockTransport)."""

from __future__ import annotations

import httpx
import pytest

from pulumi_inboxed.core import errors
from pulumi_inboxed.core.http import HttpClient, RetryPolicy


def make_client(handler: httpx.MockTransport, sleeps: list[float]) -> HttpClient:
    return HttpClient(
        provider="Test",
        base_url="https://api.test",
        headers={"Authorization": "Bearer tok-SECRET"},
        retry=RetryPolicy(attempts=4, initial_wait=0.01, max_wait=5.0),
        transport=handler,
        sleep=sleeps.append,
    )


def sequence(*responses: httpx.Response | Exception) -> tuple[httpx.MockTransport, list[str]]:
    calls: list[str] = []
    pending = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(f"{request.method} {request.url.path}")
        item = pending.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    return httpx.MockTransport(handler), calls


def test_429_is_retried_honouring_retry_after() -> None:
    transport, calls = sequence(
        httpx.Response(429, headers={"Retry-After": "2"}, json={"message": "slow down"}),
        httpx.Response(200, json={"ok": True}),
    )
    sleeps: list[float] = []
    response = make_client(transport, sleeps).request("POST", "/things", json={})
    assert response.json() == {"ok": True}
    assert calls == ["POST /things", "POST /things"]
    assert sleeps == [2.0]


def test_retry_after_is_capped_by_max_wait() -> None:
    transport, _ = sequence(
        httpx.Response(429, headers={"Retry-After": "3600"}),
        httpx.Response(200, json={}),
    )
    sleeps: list[float] = []
    make_client(transport, sleeps).request("GET", "/x")
    assert sleeps == [5.0]


def test_5xx_retried_for_get_but_not_for_post() -> None:
    transport, calls = sequence(httpx.Response(503), httpx.Response(200, json={}))
    make_client(transport, []).request("GET", "/x")
    assert len(calls) == 2

    transport, calls = sequence(httpx.Response(503), httpx.Response(200, json={}))
    with pytest.raises(errors.ServerError) as info:
        make_client(transport, []).request("POST", "/x", json={})
    assert info.value.status == 503
    assert len(calls) == 1  # a POST that may have bought something is not sent again


def test_connect_errors_are_retried_even_for_post() -> None:
    transport, calls = sequence(httpx.ConnectError("refused"), httpx.Response(201, json={"id": 1}))
    assert make_client(transport, []).request("POST", "/x", json={}).status_code == 201
    assert len(calls) == 2


def test_read_timeout_on_post_is_not_retried() -> None:
    transport, calls = sequence(httpx.ReadTimeout("slow"), httpx.Response(201))
    with pytest.raises(errors.TransportError):
        make_client(transport, []).request("POST", "/x", json={})
    assert len(calls) == 1


def test_gives_up_after_attempts_with_the_last_error() -> None:
    transport, calls = sequence(*[httpx.Response(429) for _ in range(4)])
    with pytest.raises(errors.RateLimitedError):
        make_client(transport, []).request("GET", "/x")
    assert len(calls) == 4


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, errors.BadRequestError),
        (401, errors.AuthenticationError),
        (403, errors.PermissionDeniedError),
        (404, errors.NotFoundError),
        (409, errors.ConflictError),
        (422, errors.UnprocessableError),
    ],
)
def test_status_maps_to_typed_error(status: int, cls: type[errors.ApiError]) -> None:
    transport, calls = sequence(httpx.Response(status, json={"message": "nope", "code": "X1"}))
    with pytest.raises(cls) as info:
        make_client(transport, []).request("GET", "/x")
    assert info.value.message == "nope"
    assert info.value.code == "X1"
    assert len(calls) == 1


def test_errors_never_carry_the_token() -> None:
    transport, _ = sequence(httpx.Response(401, json={"message": "bad token"}))
    with pytest.raises(errors.AuthenticationError) as info:
        make_client(transport, []).request("GET", "/x")
    assert "tok-SECRET" not in str(info.value)
    assert "tok-SECRET" not in repr(info.value.__dict__)


def _hinted(transport: httpx.MockTransport, account: str | None) -> HttpClient:
    from pulumi_inboxed.core.accounts import credential_hint
    from pulumi_inboxed.core.config import Setting

    token = Setting("inboxedup", "apiToken", "INBOXEDUP_API_TOKEN", secret=True)
    return HttpClient(
        provider="InboxedUp",
        base_url="https://api.example.test",
        headers={"Authorization": "Bearer tok-SECRET"},
        transport=transport,
        sleep=lambda _s: None,
        credential=credential_hint("InboxedUp", account, token),
    )


def test_a_refused_token_names_the_api_the_account_and_the_key_to_set() -> None:
    body = {"message": "Missing or invalid bearer token", "code": "UNAUTHORIZED"}
    transport, calls = sequence(httpx.Response(401, json=body))
    with pytest.raises(errors.AuthenticationError) as info:
        _hinted(transport, "client-b").request("GET", "/mailboxes")
    message = str(info.value)
    assert message.startswith(
        "InboxedUp account 'client-b': the API refused the token (401 UNAUTHORIZED: "
        "Missing or invalid bearer token; GET /mailboxes): set it with "
        "`pulumi config set --path --secret 'inboxedup:accounts.client-b.apiToken' ...`"
    ), message
    assert info.value.credential_key == "inboxedup:accounts.client-b.apiToken"
    assert info.value.status == 401 and info.value.message == body["message"]
    assert "tok-SECRET" not in message and "tok-SECRET" not in repr(info.value.__dict__)
    assert len(calls) == 1


def test_the_default_accounts_refusal_names_the_plain_key_and_its_variable() -> None:
    transport, _ = sequence(httpx.Response(401, json={"message": "bad token"}))
    with pytest.raises(errors.AuthenticationError) as info:
        _hinted(transport, None).request("GET", "/account")
    message = str(info.value)
    assert message.startswith("InboxedUp (default account): the API refused the token")
    assert "`pulumi config set --secret inboxedup:apiToken ...`" in message
    assert "INBOXEDUP_API_TOKEN variable" in message


def test_a_403_names_the_account_and_the_key_keeping_the_apis_words() -> None:
    transport, _ = sequence(httpx.Response(403, json={"message": "over the domain limit"}))
    with pytest.raises(errors.PermissionDeniedError) as info:
        _hinted(transport, "client-a").request("POST", "/domains")
    message = str(info.value)
    assert message.startswith("InboxedUp account 'client-a': the API refused the request")
    assert "over the domain limit" in message
    assert "`inboxedup:accounts.client-a.apiToken`" in message

"""Mailin.ai replies are read through `core.replies`, like the other three APIs': a reply of the
wrong shape is a `ReplyShapeError` naming the method and path this account calls (its endpoint
override, if any), the field and docs/mailin-api.md, and never a value of the reply (a mailbox
password, a TOTP secret, a login token)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from pulumi_inboxed.core.accounts import AccountConfig
from pulumi_inboxed.core.endpoints_config import EndpointTable, endpoint_table
from pulumi_inboxed.core.http import RetryPolicy
from pulumi_inboxed.core.replies import ReplyShapeError
from pulumi_inboxed.mailin import MailinClient
from pulumi_inboxed.mailin import endpoints as ep
from pulumi_inboxed.mailin.errors import LoginFailedError

BASE = "https://api.mailin.ai/api/v1/public"
DOC = "docs/mailin-api.md"
Handler = Callable[[httpx.Request], httpx.Response]


def answering(body: Any, seen: list[str] | None = None) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(f"{request.method} {request.url.path.removeprefix('/api/v1/public')}")
        return httpx.Response(200, json=body)

    return handler


def client(handler: Handler, endpoints: EndpointTable | None = None, **auth: str) -> MailinClient:
    return MailinClient(
        BASE,
        retry=RetryPolicy(attempts=1),
        transport=httpx.MockTransport(handler),
        endpoints=endpoints,
        **(auth or {"token": "1|tok-SECRET"}),
    )


def shape_error(call: Callable[[], object]) -> str:
    """The message of the `ReplyShapeError` the call raises (never a pydantic error)."""
    try:
        call()
    except ReplyShapeError as exc:
        assert exc.doc == DOC
        return str(exc)
    except ValidationError as exc:  # pragma: no cover - the defect this file guards against
        pytest.fail(f"a pydantic ValidationError escaped: {type(exc).__name__}")
    pytest.fail("no ReplyShapeError")


def test_credentials_of_the_wrong_shape_name_the_path_and_field_never_the_password() -> None:
    c = client(answering({"password": {"value": "pw-SECRET-1"}, "secret": ["TOTP-SECRET"]}))
    text = shape_error(lambda: c.show_credentials(12))
    assert "the reply of GET /mailboxes/{mailbox_id}/show-credentials has no" in text
    assert "password" in text and "secret" in text and DOC in text
    assert "pw-SECRET" not in text and "TOTP-SECRET" not in text


def test_a_totp_reply_of_the_wrong_shape_never_quotes_the_code() -> None:
    c = client(answering({"totp": "TOTP-SECRET-42", "expires_at": "tomorrow"}))
    text = shape_error(lambda: c.generate_totp(3))
    assert f"{ep.GENERATE_MAILBOX_TOTP.method} {ep.GENERATE_MAILBOX_TOTP.path}" in text
    assert "expires_at" in text and DOC in text
    assert "TOTP-SECRET" not in text and "tomorrow" not in text


def test_a_domain_job_without_a_status_names_the_field() -> None:
    c = client(answering({"id": "job-1", "report": "r"}))
    text = shape_error(lambda: c.get_domain_job("job-1"))
    assert "GET /domains/status/{job_id}" in text and "status (missing)" in text


def test_the_paged_domain_list_names_the_item_field_and_the_list_path() -> None:
    page = {"current_page": 1, "last_page": 1, "data": [{"id": 1, "name": ["pw-SECRET-x"]}]}
    text = shape_error(lambda: client(answering(page)).list_domains())
    assert "GET /domains has no valid name" in text and "pw-SECRET" not in text
    not_a_page = {"current_page": 1, "data": "pw-SECRET-in-data"}
    text = shape_error(lambda: client(answering(not_a_page)).list_domains())
    assert "GET /domains has no valid data" in text and "pw-SECRET" not in text


def test_the_error_names_the_path_the_account_overrides() -> None:
    """A named account's own `endpoints` entry: the error names the path actually called."""
    config = {
        "mailin:accounts": {
            "second": {"apiToken": "2|tok", "endpoints": {"list_domains": "GET /v2/domains"}}
        }
    }
    table = endpoint_table("mailin", ep, AccountConfig("mailin", config, "second"))
    seen: list[str] = []
    c = client(answering({"data": [{"id": "x", "name": "a.com"}]}, seen), table)
    text = shape_error(c.list_domains)
    assert seen == ["GET /v2/domains"]
    assert "GET /v2/domains has no valid id" in text and "GET /domains " not in text

    plain = endpoint_table(
        "mailin", ep, {"mailin:endpoints": {"show_mailbox_credentials": "GET /creds/{mailbox_id}"}}
    )
    creds = client(answering({"password": ["pw-SECRET-2"]}), plain)
    text = shape_error(lambda: creds.show_credentials(5))
    assert "GET /creds/{mailbox_id} has no valid password" in text and "pw-SECRET" not in text


def test_a_login_reply_of_the_wrong_shape_names_the_field_never_the_token() -> None:
    seen: list[str] = []
    table = endpoint_table("mailin", ep, {"mailin:endpoints": {"login": "POST /v2/login"}})
    handler = answering({"user_id": "seven", "token": "9|tok-SECRET"}, seen)
    c = client(handler, table, email="me@x.com", password="pw-SECRET")
    with pytest.raises(LoginFailedError, match="answered without a token") as info:
        c.login()
    text = str(info.value)
    assert seen == ["POST /v2/login"] and "POST /v2/login" in text
    assert "user_id" in text and DOC in text
    assert "tok-SECRET" not in text and "pw-SECRET" not in text and "seven" not in text


def test_ids_a_write_answers_with_must_be_there() -> None:
    text = shape_error(lambda: client(answering({"message": "queued"})).buy_domains(["a.com"]))
    assert "POST /domains/buy has no `uuid`" in text
    text = shape_error(lambda: client(answering({"provider_id": "x"})).add_inbox_provider({}))
    assert "`provider_id` as a number" in text


def test_list_replies_keep_every_accepted_shape() -> None:
    server: dict[str, object] = {"id": 1, "public_ip": "192.0.2.1", "active": 1}
    servers: list[object] = [
        [server],
        {"data": [server]},
        {"success": True, "data": {"servers": [server]}},
    ]
    for body in servers:
        assert [s.id for s in client(answering(body)).list_servers()] == [1]
    empties: list[object] = [{"message": "none"}, {"data": []}, []]
    for empty in empties:
        assert client(answering(empty)).list_servers() == []
    mailbox: dict[str, object] = {"username": "a@x.com", "password": "pw"}
    mailboxes: list[object] = [{"mailboxes": [mailbox]}, {"data": {"mailboxes": [mailbox]}}]
    for body in mailboxes:
        assert len(client(answering(body)).get_azure_mailboxes(1)) == 1
    assert client(answering({"message": "none yet"})).get_azure_mailboxes(1) == []
    text = shape_error(lambda: client(answering({"data": "x"})).list_servers())
    assert "GET /servers has no list of items" in text

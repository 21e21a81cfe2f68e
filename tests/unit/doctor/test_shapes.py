"""The doctor against replies of other shapes (httpx.MockTransport): list variants, missing
fields, wrong types, a 404 on a path of our choice; and no secret in what it prints or saves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pulumi_inboxed.doctor.probe import FAILED, OK, SKIPPED, WRITE, Row
from pulumi_inboxed.doctor.recorder import save
from pulumi_inboxed.doctor.render import as_json, table
from pulumi_inboxed.doctor.run import check_account

from .replies import Answer, transport

IU = {"inboxedup:apiToken": "iu-token-Sup3rSecretValue", "inboxedup:baseUrl": "http://iu.test"}
DOMAIN = {"id": "dom_1", "domain": "a.com", "status": "ACTIVE", "batchId": "batch_1"}
REQUEST = {
    "id": "mr_1",
    "domain": "a.com",
    "type": "smtp",
    "status": "COMPLETED",
    "mailboxes": [{"firstName": "A", "lastName": "B", "mailboxUsername": "a"}],
}
ACCOUNT = {"customer": {"id": "c1", "email": "owner@a.com"}}
BATCH = {"batchId": "batch_1", "status": "COMPLETED", "total": 1, "active": 1}


def inboxedup(changes: dict[str, Answer] | None = None) -> dict[str, Answer]:
    answers: dict[str, Answer] = {
        "GET /account": (200, {"success": True, "data": ACCOUNT}),
        "GET /subscriptions": (
            200,
            {"data": [{"id": "sub_1", "type": "smtp", "status": "active"}]},
        ),
        "GET /domains": (200, {"success": True, "data": {"domains": [DOMAIN], "total": 1}}),
        "GET /domains/dom_1": (200, {"success": True, "data": DOMAIN}),
        "GET /domains/batch/batch_1": (200, {"success": True, "data": BATCH}),
        "GET /mailboxes": (200, {"success": True, "data": {"requests": [REQUEST], "total": 1}}),
        "GET /mailboxes/mr_1": (200, {"success": True, "data": REQUEST}),
    }
    answers.update(changes or {})
    return answers


def rows(answers: dict[str, Answer], seen: list[str] | None = None) -> dict[str, Row]:
    report = check_account("inboxedup", IU, None, transport(answers, seen))
    assert report.error is None
    return {r.endpoint: r for r in report.rows}


def test_documented_shapes_are_all_read_and_writes_never_sent() -> None:
    seen: list[str] = []
    found = rows(inboxedup(), seen)
    assert {n for n, r in found.items() if r.outcome == OK} == {
        "account",
        "list_subscriptions",
        "list_domains",
        "get_domain",
        "batch_status",
        "list_mailbox_requests",
        "get_mailbox_request",
    }
    writes = {n for n, r in found.items() if r.outcome == WRITE}
    assert writes == {
        "update_subscription_notes",
        "submit_domains",
        "remove_domain",
        "verify_domain_ns",
        "request_mailboxes",
    }
    assert all(s.startswith("GET ") for s in seen) and len(seen) == 7
    assert "no public page shows it" in found["submit_domains"].verdict
    assert "`inboxedup:endpoints.submit_domains`" in found["submit_domains"].verdict
    assert "a public page shows it" in found["request_mailboxes"].verdict


@pytest.mark.parametrize(
    "listing",
    [
        {"data": [DOMAIN], "pagination": {"page": 1, "per_page": 1, "total": 1}},
        {"domains": [DOMAIN], "page": 1, "limit": 1, "total": 1},
        [DOMAIN],
        {"success": True, "data": {"items": [DOMAIN], "meta": {"total": 1}}},
    ],
)
def test_list_variants_are_read(listing: object) -> None:
    found = rows(inboxedup({"GET /domains": (200, listing)}))
    assert found["list_domains"].outcome == OK
    assert found["get_domain"].outcome == OK  # the id came from the listing


def test_a_missing_field_names_it_and_the_page() -> None:
    broken = {k: v for k, v in DOMAIN.items() if k != "status"}
    found = rows(inboxedup({"GET /domains": (200, {"data": {"domains": [broken]}})}))
    row = found["list_domains"]
    assert row.outcome == FAILED
    assert "a field is missing" in row.verdict and "status" in row.verdict
    assert "docs/inboxedup-api.md" in row.verdict
    assert "inboxedup:endpoints.list_domains" in row.verdict
    assert found["get_domain"].outcome == SKIPPED  # no id to read it with


def test_a_wrong_type_says_so() -> None:
    broken = {**BATCH, "total": "many"}
    found = rows(inboxedup({"GET /domains/batch/batch_1": (200, {"data": broken})}))
    row = found["batch_status"]
    assert row.outcome == FAILED
    assert "a type is wrong: total" in row.verdict and "many" not in row.verdict


def test_a_404_on_a_path_of_our_choice_names_the_key() -> None:
    answers = inboxedup()
    del answers["GET /subscriptions"]
    found = rows(answers)
    row = found["list_subscriptions"]
    assert (row.outcome, row.status) == (FAILED, 404)
    assert "answered 404" in row.verdict
    assert "`inboxedup:endpoints.list_subscriptions`" in row.verdict


def test_the_exit_status_follows_the_failures() -> None:
    answers = inboxedup()
    good = check_account("inboxedup", IU, None, transport(answers))
    del answers["GET /mailboxes"]
    bad = check_account("inboxedup", IU, None, transport(answers))
    assert not good.failed and bad.failed
    assert "✗ 1 account(s) need attention: inboxedup" in table([good, bad])
    data = json.loads(as_json([good, bad]))
    assert data["ok"] is False
    assert [a["ok"] for a in data["accounts"]] == [True, False]


SECRETS = {
    "password": "Pa55word-Of-The-Mailbox!",
    "app_password": "abcd efgh ijkl mnop",
    "totp_secret": "JBSWY3DPEHPK3PXPJBSWY3DP",
    "token": "42|AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
    "dkim": "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj",
}
PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcw\n-----END PRIVATE KEY-----"


def mailin_answers(mailbox_id: object) -> dict[str, Answer]:
    prefix = "/api/v1/public"
    box = {
        "id": mailbox_id,  # a wrong type: the reader fails, and must not quote the reply
        "username": "sales@a.com",
        "password": SECRETS["password"],
        "app_password": SECRETS["app_password"],
    }
    page = {"current_page": 1, "last_page": 1, "per_page": 1, "total": 1, "data": [box]}
    return {
        f"POST {prefix}/auth/login": (200, {"user_id": 7, "token": SECRETS["token"]}),
        f"GET {prefix}/mailboxes/list/google": (200, page),
        f"GET {prefix}/mailboxes": (200, page),
        f"GET {prefix}/mailboxes/5/show-credentials": (
            200,
            {
                "email": "sales@a.com",
                "password": SECRETS["password"],
                "totp": SECRETS["totp_secret"],
            },
        ),
        f"GET {prefix}/users/7": (200, {"id": 7, "email": "owner@a.com", "dkim": PEM}),
    }


MAILIN = {
    "mailin:baseUrl": "http://mi.test/api/v1/public",
    "mailin:email": "owner@a.com",
    "mailin:password": "Login-Pa55word-Secret",
}


@pytest.mark.parametrize("mailbox_id", ["not-a-number", 5])
def test_no_secret_is_printed_or_saved(mailbox_id: object, tmp_path: Path) -> None:
    report = check_account("mailin", MAILIN, None, transport(mailin_answers(mailbox_id)))
    printed = table([report]) + as_json([report])
    for path in save(report.exchanges, tmp_path, report.redactor):
        printed += path.read_text()
    assert report.exchanges and any(e.endpoint == "login" for e in report.exchanges)
    for secret in [*SECRETS.values(), PEM, "MIIEvQIBADANBgkq", MAILIN["mailin:password"]]:
        assert secret not in printed
    assert "sales@a.com" not in printed and "owner@a.com" not in printed
    if mailbox_id == 5:  # read: the credentials endpoint answered passwords, none of them saved
        rows_ = {r.endpoint: r for r in report.rows}
        assert rows_["show_mailbox_credentials"].outcome == OK
        assert (tmp_path / "mailin").is_dir()
    else:
        rows_ = {r.endpoint: r for r in report.rows}
        assert rows_["list_mailboxes"].outcome == FAILED
        assert "a type is wrong: id (int_parsing)" in rows_["list_mailboxes"].verdict


def test_a_config_error_is_reported_not_raised() -> None:
    report = check_account("pingram", {}, "client-z", transport({}))
    assert report.failed and report.error and "client-z" in report.error


def test_a_reply_without_an_optional_field_it_reads_is_a_note() -> None:
    prefix = "/api/v1/public"
    domain = {"id": 3, "name": "a.com", "status": "1"}  # no forwarding fields at all
    page = {"current_page": 1, "last_page": 1, "per_page": 1, "total": 1, "data": [domain]}
    answers: dict[str, Answer] = {
        f"GET {prefix}/domains": (200, page),
        f"GET {prefix}/domains/3": (200, {**domain, "forward_to": None, "email_forward_to": None}),
    }
    config = {"mailin:baseUrl": "http://mi.test" + prefix, "mailin:apiToken": "t0ken-value"}
    report = check_account("mailin", config, None, transport(answers))
    found = {r.endpoint: r for r in report.rows}
    listed = found["list_domains"]
    assert listed.outcome == OK and listed.notes == ["forward_to", "email_forward_to"]
    assert "no `forward_to`, `email_forward_to`" in listed.verdict
    assert found["get_domain"].outcome == OK and found["get_domain"].verdict == "✓"


def test_a_refused_login_stops_the_reads_and_logs_in_once() -> None:
    seen: list[str] = []
    answers: dict[str, Answer] = {
        "POST /api/v1/public/auth/login": (401, {"message": "Invalid credentials"})
    }
    report = check_account("mailin", MAILIN, None, transport(answers, seen))
    found = {r.endpoint: r for r in report.rows}
    assert found["login"].outcome == FAILED and report.failed
    assert "mailin:email and mailin:password" in found["login"].verdict
    assert found["list_domains"].outcome == SKIPPED
    assert "login failed" in found["list_domains"].verdict
    assert seen == ["POST /api/v1/public/auth/login"]


def test_an_unreachable_api_names_the_base_url_key() -> None:
    import httpx

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    report = check_account(
        "pingram", {"pingram:apiKey": "k" * 12}, None, httpx.MockTransport(refuse)
    )
    (row,) = [r for r in report.rows if r.outcome == FAILED]
    assert "unreachable" in row.verdict and "pingram:baseUrl" in row.verdict


def test_an_unreachable_api_is_tried_once() -> None:
    import httpx

    seen: list[str] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        raise httpx.ConnectError("refused", request=request)

    report = check_account("inboxedup", IU, None, httpx.MockTransport(refuse))
    assert [r.outcome for r in report.rows if r.outcome not in (WRITE, SKIPPED)] == [FAILED]
    assert set(seen) == {"/account"}  # its retries only

"""Every public `InboxedUpClient` method against httpx.MockTransport, and each error status.

Requests are checked against the endpoint table (method, path), with the query and body sent;
answers use the examples of InboxedUp's public pages (docs/api-sources.md) where there are
some, and the shapes of docs/inboxedup-api.md elsewhere. test_client.py (beside this file) covers
the batch example, submit's body and limits, iter_domains' page numbers and remove/verify paths;
this file does not repeat those.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from pulumi_inboxed.core import errors
from pulumi_inboxed.core.http import RetryPolicy
from pulumi_inboxed.inboxedup import InboxedUpClient
from pulumi_inboxed.inboxedup import endpoints as ep
from pulumi_inboxed.inboxedup.client import PAGE_LIMIT
from pulumi_inboxed.inboxedup.models import (
    DomainStatus,
    MailboxEntry,
    MailboxRequestStatus,
    MailboxType,
)

BASE_URL = "https://api.example/v1"
PREFIX = "/v1"
TOKEN = "tok-S3CRET-7c1e9a"

# GET /account, "200 - Success", verbatim from api-docs.md 1.1.
ACCOUNT_EXAMPLE: dict[str, Any] = {
    "success": True,
    "data": {
        "customer": {
            "id": "cmlcta3bw001onul0lu4vibp2",
            "email": "you@yourdomain.com",
            "name": "Your Name",
            "createdAt": "2025-01-15T10:00:00.000Z",
        },
        "allocations": [
            {"type": "MICROSOFT", "allocated": 10, "used": 3, "remaining": 7},
            {"type": "GOOGLE", "allocated": 0, "used": 0, "remaining": 0},
            {"type": "SMTP", "allocated": 50, "used": 12, "remaining": 38},
            {"type": "SMTP_DEDICATED", "allocated": 0, "used": 0, "remaining": 0},
        ],
        "summary": {
            "totalDomains": 5,
            "activeDomains": 3,
            "pendingMailboxRequests": 2,
            "activeApiKeys": 4,
        },
    },
}

# GET /mailboxes/{id}, "200 - Success", verbatim from api-docs.md 1.12.
MAILBOX_REQUEST_EXAMPLE: dict[str, Any] = {
    "success": True,
    "data": {
        "id": "req_abc123",
        "type": "MICROSOFT",
        "domain": "yourdomain.com",
        "domainId": "dom_abc123",
        "domainStatus": "ACTIVE",
        "ns1": "aspen.ns.cloudflare.com",
        "ns2": "kobe.ns.cloudflare.com",
        "status": "COMPLETED",
        "adminNotes": "Mailboxes provisioned successfully.",
        "createdAt": "2026-03-01T10:00:00.000Z",
        "mailboxes": [
            {
                "firstName": "John",
                "lastName": "Smith",
                "mailboxUsername": "john.smith",
                "domainName": "yourdomain.com",
            }
        ],
    },
}

# POST /mailboxes request body, verbatim from api-docs.md 1.10 (the excerpt ends after Jane Doe).
REQUEST_MAILBOXES_EXAMPLE: dict[str, Any] = {
    "domain": "yourdomain.com",
    "type": "microsoft",
    "mailboxes": [
        {"firstName": "John", "lastName": "Smith", "mailboxUsername": "john.smith"},
        {"firstName": "Jane", "lastName": "Doe", "mailboxUsername": "jane.doe"},
    ],
}

# The Domain object of docs/inboxedup-api.md, verbatim.
DOMAIN_EXAMPLE: dict[str, Any] = {
    "id": "dom_abc123",
    "domain": "yourdomain.com",
    "status": "PENDING_NS",
    "batchId": "batch_abc123",
    "ns1": "ajay.ns.cloudflare.com",
    "ns2": "braelyn.ns.cloudflare.com",
    "failureReason": None,
    "createdAt": "2026-03-12T00:00:00.000Z",
}

SUBSCRIPTION = {
    "id": "sub_1a2b3c",
    "type": "MICROSOFT",
    "quantity": 10,
    "status": "ACTIVE",
    "notes": "",
    "renewsAt": "2026-04-12T00:00:00.000Z",
}


class Recorder:
    """A MockTransport handler: answers in order, keeps every request."""

    def __init__(self, *responses: httpx.Response) -> None:
        self.responses = list(responses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.responses.pop(0)


def client_for(handler: Callable[[httpx.Request], httpx.Response]) -> InboxedUpClient:
    return InboxedUpClient(
        BASE_URL, TOKEN, retry=RetryPolicy(attempts=1), transport=httpx.MockTransport(handler)
    )


def ok(data: Any, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json={"success": True, "data": data})


def sent(request: httpx.Request) -> tuple[str, str, dict[str, str], Any]:
    """(method, path, query, JSON body or None) of one request."""
    body = json.loads(request.content) if request.content else None
    return request.method, request.url.path, dict(request.url.params), body


def table(endpoint: ep.Endpoint, **path: str) -> tuple[str, str]:
    """The method and full path the endpoint table gives."""
    return endpoint.method, PREFIX + endpoint.format(**path)


def domain(name: str, status: str = "ACTIVE", **extra: Any) -> dict[str, Any]:
    return {"id": f"dom_{name.split('.')[0]}", "domain": name, "status": status, **extra}


def domain_page(names: list[str], page: int, limit: int, total: int) -> httpx.Response:
    return ok({"domains": [domain(n) for n in names], "page": page, "limit": limit, "total": total})


def mailbox_request(request_id: str, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": request_id,
        "type": "SMTP",
        "domain": "a.com",
        "status": "PENDING",
        "mailboxes": [],
    }
    return {**base, **extra}


def request_page(ids: list[str], page: int, limit: int, total: int) -> httpx.Response:
    data = {"requests": [mailbox_request(i) for i in ids], "page": page, "limit": limit}
    return ok({**data, "total": total})


# Account and subscriptions


def test_get_account_parses_the_documented_example() -> None:
    rec = Recorder(httpx.Response(200, json=ACCOUNT_EXAMPLE))
    account = client_for(rec).get_account()
    method, path, query, body = sent(rec.requests[0])
    assert (method, path) == table(ep.ACCOUNT) == ("GET", "/v1/account")
    assert query == {} and body is None
    assert rec.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert account.customer.id == "cmlcta3bw001onul0lu4vibp2"
    assert account.customer.email == "you@yourdomain.com"
    assert account.customer.name == "Your Name"
    assert account.customer.created_at == "2025-01-15T10:00:00.000Z"
    assert [(a.type, a.allocated, a.used, a.remaining) for a in account.allocations] == [
        ("MICROSOFT", 10, 3, 7),
        ("GOOGLE", 0, 0, 0),
        ("SMTP", 50, 12, 38),
        ("SMTP_DEDICATED", 0, 0, 0),
    ]
    s = account.summary
    assert (s.total_domains, s.active_domains) == (5, 3)
    assert (s.pending_mailbox_requests, s.active_api_keys) == (2, 4)


def test_list_subscriptions_reads_the_subscriptions_key() -> None:
    second = {**SUBSCRIPTION, "id": "sub_2", "type": "SMTP", "quantity": 50, "notes": "warm"}
    rec = Recorder(ok({"subscriptions": [SUBSCRIPTION, second]}))
    subs = client_for(rec).list_subscriptions()
    method, path, query, body = sent(rec.requests[0])
    assert (method, path) == table(ep.LIST_SUBSCRIPTIONS)
    assert query == {} and body is None
    assert [(s.id, s.type, s.quantity, s.status, s.notes) for s in subs] == [
        ("sub_1a2b3c", "MICROSOFT", 10, "ACTIVE", ""),
        ("sub_2", "SMTP", 50, "ACTIVE", "warm"),
    ]
    assert subs[0].renews_at == "2026-04-12T00:00:00.000Z"


def test_list_subscriptions_accepts_a_bare_list_and_an_empty_answer() -> None:
    rec = Recorder(ok([SUBSCRIPTION]), ok({}))
    client = client_for(rec)
    assert [s.id for s in client.list_subscriptions()] == ["sub_1a2b3c"]
    assert client.list_subscriptions() == []


def test_update_subscription_notes_patches_the_notes() -> None:
    rec = Recorder(ok({**SUBSCRIPTION, "notes": "renew in May"}))
    sub = client_for(rec).update_subscription_notes("sub_1a2b3c", "renew in May")
    method, path, query, body = sent(rec.requests[0])
    assert (method, path) == table(ep.UPDATE_SUBSCRIPTION_NOTES, subscription_id="sub_1a2b3c")
    assert method == "PATCH" and query == {}
    assert body == {"notes": "renew in May"}
    assert rec.requests[0].headers["Content-Type"] == "application/json"
    assert (sub.id, sub.notes) == ("sub_1a2b3c", "renew in May")


# Domains


def test_submit_domains_parses_queued_domains_without_nameservers() -> None:
    queued = {**DOMAIN_EXAMPLE, "status": "QUEUED", "ns1": None, "ns2": None}
    rec = Recorder(ok({"batchId": "batch_abc123", "domains": [queued], "rejected": []}, 201))
    result = client_for(rec).submit_domains(["yourdomain.com"])
    method, path, query, body = sent(rec.requests[0])
    assert (method, path) == table(ep.SUBMIT_DOMAINS) and query == {}
    assert body == {"domains": ["yourdomain.com"]}
    assert result.batch_id == "batch_abc123" and result.rejected == []
    (d,) = result.domains
    assert (d.id, d.status, d.ns1, d.ns2) == ("dom_abc123", DomainStatus.QUEUED, None, None)
    assert d.batch_id == "batch_abc123"


def test_get_batch_status_keeps_queued_domains_in_the_null_group() -> None:
    data = {
        "batchId": "batch_9",
        "status": "QUEUED",
        "total": 1,
        "queued": 1,
        "pending_ns": 0,
        "active": 0,
        "failed": 0,
        "groups": [{"ns1": None, "ns2": None, "domains": [domain("q.com", "QUEUED")]}],
    }
    rec = Recorder(ok(data))
    status = client_for(rec).get_batch_status("batch_9")
    method, path, query, body = sent(rec.requests[0])
    assert (method, path) == table(ep.BATCH_STATUS, batch_id="batch_9")
    assert query == {} and body is None
    assert (status.batch_id, status.status, status.total, status.queued) == (
        "batch_9",
        "QUEUED",
        1,
        1,
    )
    (d,) = status.domains()
    assert (d.domain, d.status, d.ns1, d.batch_id) == (
        "q.com",
        DomainStatus.QUEUED,
        None,
        "batch_9",
    )


def test_get_domain_parses_the_domain_object() -> None:
    rec = Recorder(ok(DOMAIN_EXAMPLE))
    d = client_for(rec).get_domain("dom_abc123")
    method, path, query, body = sent(rec.requests[0])
    assert (method, path) == table(ep.GET_DOMAIN, domain_id="dom_abc123")
    assert method == "GET" and query == {} and body is None
    assert (d.id, d.domain, d.status) == ("dom_abc123", "yourdomain.com", DomainStatus.PENDING_NS)
    assert (d.batch_id, d.ns1, d.ns2) == (
        "batch_abc123",
        "ajay.ns.cloudflare.com",
        "braelyn.ns.cloudflare.com",
    )
    assert d.failure_reason is None and d.created_at == "2026-03-12T00:00:00.000Z"


def test_get_domain_reads_a_failure_reason() -> None:
    rec = Recorder(ok({**DOMAIN_EXAMPLE, "status": "FAILED", "failureReason": "registrar said no"}))
    d = client_for(rec).get_domain("dom_abc123")
    assert (d.status, d.failure_reason) == (DomainStatus.FAILED, "registrar said no")


@pytest.mark.parametrize(
    "response",
    [ok({"id": "dom_1", "removed": True}), httpx.Response(204)],
    ids=["200-envelope", "204-empty"],
)
def test_remove_domain_sends_no_body_and_accepts_an_empty_answer(response: httpx.Response) -> None:
    rec = Recorder(response)
    client_for(rec).remove_domain("dom_1")
    method, path, query, body = sent(rec.requests[0])
    assert (method, path) == table(ep.REMOVE_DOMAIN, domain_id="dom_1")
    assert query == {} and body is None


def test_verify_domain_ns_reports_parking_nameservers_when_not_verified() -> None:
    data = {
        "id": "dom_1",
        "domain": "a.com",
        "status": "PENDING_NS",
        "ns1": "ajay.ns.cloudflare.com",
        "ns2": "braelyn.ns.cloudflare.com",
        "verified": False,
        "found": ["ns1.parking.example", "ns2.parking.example"],
    }
    rec = Recorder(ok(data))
    result = client_for(rec).verify_domain_ns("dom_1")
    method, path, query, body = sent(rec.requests[0])
    assert (method, path) == table(ep.VERIFY_DOMAIN_NS, domain_id="dom_1")
    assert query == {} and body is None
    assert result.verified is False and result.status is DomainStatus.PENDING_NS
    assert result.found == ["ns1.parking.example", "ns2.parking.example"]
    assert (result.ns1, result.ns2) == ("ajay.ns.cloudflare.com", "braelyn.ns.cloudflare.com")


def test_list_domains_page_sends_every_filter() -> None:
    rec = Recorder(ok({"domains": [DOMAIN_EXAMPLE], "page": 3, "limit": 25, "total": 51}))
    page = client_for(rec).list_domains_page(
        page=3, limit=25, status="PENDING_NS", batch_id="batch_abc123", domain="yourdomain.com"
    )
    method, path, query, body = sent(rec.requests[0])
    assert (method, path) == table(ep.LIST_DOMAINS) and body is None
    assert query == {
        "page": "3",
        "limit": "25",
        "status": "PENDING_NS",
        "batchId": "batch_abc123",
        "domain": "yourdomain.com",
    }
    assert (page.page, page.limit, page.total) == (3, 25, 51)
    assert [d.id for d in page.domains] == ["dom_abc123"]


def test_list_domains_page_leaves_unset_filters_out() -> None:
    rec = Recorder(ok({"domains": [], "page": 1, "limit": PAGE_LIMIT, "total": 0}))
    page = client_for(rec).list_domains_page()
    assert sent(rec.requests[0])[2] == {"page": "1", "limit": str(PAGE_LIMIT)}
    assert page.domains == [] and page.total == 0


def test_iter_domains_repeats_the_filters_on_every_page() -> None:
    rec = Recorder(domain_page(["a.com", "b.com"], 1, 2, 3), domain_page(["c.com"], 2, 2, 3))
    found = list(client_for(rec).iter_domains(status="ACTIVE", batch_id="batch_1"))
    assert [d.domain for d in found] == ["a.com", "b.com", "c.com"]
    filters = {"limit": str(PAGE_LIMIT), "status": "ACTIVE", "batchId": "batch_1"}
    assert [sent(r)[:3] for r in rec.requests] == [
        (*table(ep.LIST_DOMAINS), {"page": n, **filters}) for n in ("1", "2")
    ]


def test_iter_domains_stops_on_an_empty_page_even_if_total_says_more() -> None:
    rec = Recorder(domain_page(["a.com"], 1, 1, 5), domain_page([], 2, 1, 5))
    assert [d.domain for d in client_for(rec).iter_domains()] == ["a.com"]
    assert len(rec.requests) == 2


def test_find_domain_filters_by_name_and_returns_none_when_absent() -> None:
    rec = Recorder(domain_page(["a.com"], 1, PAGE_LIMIT, 1), domain_page([], 1, PAGE_LIMIT, 0))
    client = client_for(rec)
    found = client.find_domain("a.com")
    assert found is not None and (found.id, found.domain) == ("dom_a", "a.com")
    assert client.find_domain("zzz.com") is None
    assert [(r.method, r.url.path, r.url.params.get("domain")) for r in rec.requests] == [
        (*table(ep.LIST_DOMAINS), "a.com"),
        (*table(ep.LIST_DOMAINS), "zzz.com"),
    ]


def test_find_domains_reads_one_unfiltered_listing_and_keeps_the_wanted_names() -> None:
    rec = Recorder(
        domain_page(["a.com", "b.com"], 1, 2, 4), domain_page(["c.com", "d.com"], 2, 2, 4)
    )
    found = client_for(rec).find_domains(["b.com", "d.com", "missing.com"])
    assert sorted(found) == ["b.com", "d.com"]
    assert found["d.com"].id == "dom_d"
    assert [sent(r)[2] for r in rec.requests] == [
        {"page": "1", "limit": str(PAGE_LIMIT)},
        {"page": "2", "limit": str(PAGE_LIMIT)},
    ]


# Mailboxes


def test_request_mailboxes_sends_the_documented_body() -> None:
    created = {  # the 201 body has no "data" wrapper (docs/inboxedup-api.md)
        "success": True,
        "requestId": "req_abc123",
        "type": "microsoft",
        "domain": "yourdomain.com",
        "status": "pending",
        "message": "Mailbox request submitted",
        "mailboxes": [
            {**m, "domainName": "yourdomain.com"} for m in REQUEST_MAILBOXES_EXAMPLE["mailboxes"]
        ],
    }
    rec = Recorder(httpx.Response(201, json=created))
    entries = [
        MailboxEntry(firstName="John", lastName="Smith", mailboxUsername="john.smith"),
        MailboxEntry(firstName="Jane", lastName="Doe", mailboxUsername="jane.doe"),
    ]
    result = client_for(rec).request_mailboxes("yourdomain.com", MailboxType.MICROSOFT, entries)
    method, path, query, body = sent(rec.requests[0])
    assert (method, path) == table(ep.REQUEST_MAILBOXES) == ("POST", "/v1/mailboxes")
    assert query == {}
    assert body == REQUEST_MAILBOXES_EXAMPLE
    assert (result.request_id, result.status, result.type) == ("req_abc123", "pending", "microsoft")
    assert result.message == "Mailbox request submitted"
    assert [(m.mailbox_username, m.domain_name) for m in result.mailboxes] == [
        ("john.smith", "yourdomain.com"),
        ("jane.doe", "yourdomain.com"),
    ]


@pytest.mark.parametrize("type_", list(MailboxType))
def test_request_mailboxes_sends_the_lower_case_type(type_: MailboxType) -> None:
    created = {"requestId": "req_1", "type": type_.value, "domain": "a.com", "status": "pending"}
    rec = Recorder(httpx.Response(201, json=created))
    entry = MailboxEntry(firstName="A", lastName="B", mailboxUsername="a.b")
    client_for(rec).request_mailboxes("a.com", type_, [entry])
    assert sent(rec.requests[0])[3]["type"] == type_.value == type_.value.lower()


def test_get_mailbox_request_parses_the_documented_example() -> None:
    rec = Recorder(httpx.Response(200, json=MAILBOX_REQUEST_EXAMPLE))
    req = client_for(rec).get_mailbox_request("req_abc123")
    method, path, query, body = sent(rec.requests[0])
    assert (method, path) == table(ep.GET_MAILBOX_REQUEST, request_id="req_abc123")
    assert path == "/v1/mailboxes/req_abc123" and query == {} and body is None
    assert (req.id, req.type, req.mailbox_type) == (
        "req_abc123",
        "MICROSOFT",
        MailboxType.MICROSOFT,
    )
    assert (req.domain, req.domain_id, req.domain_status) == (
        "yourdomain.com",
        "dom_abc123",
        "ACTIVE",
    )
    assert (req.ns1, req.ns2) == ("aspen.ns.cloudflare.com", "kobe.ns.cloudflare.com")
    assert req.status is MailboxRequestStatus.COMPLETED
    assert req.admin_notes == "Mailboxes provisioned successfully."
    assert req.created_at == "2026-03-01T10:00:00.000Z"
    (m,) = req.mailboxes
    assert (m.first_name, m.last_name, m.mailbox_username, m.domain_name) == (
        "John",
        "Smith",
        "john.smith",
        "yourdomain.com",
    )
    assert m.password is None


def test_list_mailbox_requests_page_sends_filters_and_reads_passwords() -> None:
    with_password = mailbox_request(
        "req_1",
        status="COMPLETED",
        mailboxes=[
            {
                "firstName": "A",
                "lastName": "B",
                "mailboxUsername": "a.b",
                "domainName": "a.com",
                "password": "pw-1",
            }
        ],
    )
    rec = Recorder(ok({"requests": [with_password], "page": 2, "limit": 10, "total": 11}))
    page = client_for(rec).list_mailbox_requests_page(
        page=2, limit=10, domain="a.com", status="COMPLETED"
    )
    method, path, query, body = sent(rec.requests[0])
    assert (method, path) == table(ep.LIST_MAILBOX_REQUESTS) and body is None
    assert query == {"page": "2", "limit": "10", "domain": "a.com", "status": "COMPLETED"}
    assert (page.page, page.limit, page.total) == (2, 10, 11)
    assert page.requests[0].mailboxes[0].password == "pw-1"
    assert "pw-1" not in repr(page.requests[0].mailboxes[0])


def test_iter_mailbox_requests_reads_every_page_with_the_filters() -> None:
    rec = Recorder(
        request_page(["req_1", "req_2"], 1, 2, 5),
        request_page(["req_3", "req_4"], 2, 2, 5),
        request_page(["req_5"], 3, 2, 5),
    )
    found = list(client_for(rec).iter_mailbox_requests(domain="a.com"))
    assert [r.id for r in found] == ["req_1", "req_2", "req_3", "req_4", "req_5"]
    assert [sent(r)[:3] for r in rec.requests] == [
        (*table(ep.LIST_MAILBOX_REQUESTS), {"page": n, "limit": str(PAGE_LIMIT), "domain": "a.com"})
        for n in ("1", "2", "3")
    ]


# Errors

MAILBOXES = [MailboxEntry(firstName="John", lastName="Smith", mailboxUsername="john.smith")]

Call = Callable[[InboxedUpClient], object]
CALLS: dict[str, tuple[ep.Endpoint, dict[str, str], Call]] = {
    "get_account": (ep.ACCOUNT, {}, lambda c: c.get_account()),
    "list_subscriptions": (ep.LIST_SUBSCRIPTIONS, {}, lambda c: c.list_subscriptions()),
    "update_subscription_notes": (
        ep.UPDATE_SUBSCRIPTION_NOTES,
        {"subscription_id": "sub_1"},
        lambda c: c.update_subscription_notes("sub_1", "notes"),
    ),
    "submit_domains": (ep.SUBMIT_DOMAINS, {}, lambda c: c.submit_domains(["a.com"])),
    "get_batch_status": (
        ep.BATCH_STATUS,
        {"batch_id": "batch_1"},
        lambda c: c.get_batch_status("batch_1"),
    ),
    "get_domain": (ep.GET_DOMAIN, {"domain_id": "dom_1"}, lambda c: c.get_domain("dom_1")),
    "remove_domain": (ep.REMOVE_DOMAIN, {"domain_id": "dom_1"}, lambda c: c.remove_domain("dom_1")),
    "verify_domain_ns": (
        ep.VERIFY_DOMAIN_NS,
        {"domain_id": "dom_1"},
        lambda c: c.verify_domain_ns("dom_1"),
    ),
    "list_domains_page": (ep.LIST_DOMAINS, {}, lambda c: c.list_domains_page()),
    "iter_domains": (ep.LIST_DOMAINS, {}, lambda c: list(c.iter_domains())),
    "find_domain": (ep.LIST_DOMAINS, {}, lambda c: c.find_domain("a.com")),
    "find_domains": (ep.LIST_DOMAINS, {}, lambda c: c.find_domains(["a.com"])),
    "request_mailboxes": (
        ep.REQUEST_MAILBOXES,
        {},
        lambda c: c.request_mailboxes("a.com", MailboxType.MICROSOFT, MAILBOXES),
    ),
    "get_mailbox_request": (
        ep.GET_MAILBOX_REQUEST,
        {"request_id": "req_1"},
        lambda c: c.get_mailbox_request("req_1"),
    ),
    "list_mailbox_requests_page": (
        ep.LIST_MAILBOX_REQUESTS,
        {},
        lambda c: c.list_mailbox_requests_page(),
    ),
    "iter_mailbox_requests": (
        ep.LIST_MAILBOX_REQUESTS,
        {},
        lambda c: list(c.iter_mailbox_requests()),
    ),
}

# Error statuses per call. Documented (api-docs.md / seeds): account 401; batch status 401, 404;
# request mailboxes 400, 401, 403, 422; get mailbox request 404. The rest is docs/inboxedup-api.md:
# 401 on every endpoint, 404 for an unknown id, 422 for bad list query values or an invalid
# field, 400 for a body that is not JSON or a domain that is not ACTIVE, 404 for a mailbox
# request on a domain that is not in the account.
ERROR_STATUSES: dict[str, tuple[int, ...]] = {
    "get_account": (401,),
    "list_subscriptions": (401,),
    "update_subscription_notes": (400, 401),
    "submit_domains": (400, 401, 422),
    "get_batch_status": (401, 404),
    "get_domain": (401, 404),
    "remove_domain": (401, 404),
    "verify_domain_ns": (401, 404),
    "list_domains_page": (401, 422),
    "iter_domains": (401, 422),
    "find_domain": (401, 422),
    "find_domains": (401, 422),
    "request_mailboxes": (400, 401, 403, 404, 422),
    "get_mailbox_request": (401, 404),
    "list_mailbox_requests_page": (401, 422),
    "iter_mailbox_requests": (401, 422),
}

# (error class, envelope code, message, details), as the API and the sandbox answer.
ENVELOPES: dict[int, tuple[type[errors.ApiError], str, str, dict[str, Any]]] = {
    400: (
        errors.BadRequestError,
        "BAD_REQUEST",
        "Domain a.com is PENDING_NS; mailboxes need an ACTIVE domain",
        {"domain": "a.com", "domainStatus": "PENDING_NS"},
    ),
    401: (
        errors.AuthenticationError,
        "UNAUTHORIZED",
        "Missing or invalid bearer token",
        {"scheme": "Bearer"},
    ),
    403: (
        errors.PermissionDeniedError,
        "FORBIDDEN",
        "Limit of 3 microsoft mailboxes per domain reached for a.com",
        {"domain": "a.com", "type": "microsoft", "limit": 3, "used": 3, "requested": 1},
    ),
    404: (errors.NotFoundError, "NOT_FOUND", "Not found", {"id": "x_1"}),
    422: (
        errors.UnprocessableError,
        "VALIDATION_ERROR",
        "Invalid field",
        {"field": "mailboxes[0].mailboxUsername", "value": ""},
    ),
}

ERROR_CASES = [
    pytest.param(name, status, id=f"{name}-{status}")
    for name, statuses in ERROR_STATUSES.items()
    for status in statuses
]


def error_response(status: int) -> httpx.Response:
    _, code, message, details = ENVELOPES[status]
    body = {"success": False, "error": {"code": code, "message": message, "details": details}}
    return httpx.Response(status, json=body)


def test_every_public_client_method_is_covered() -> None:
    public = {
        name
        for name in vars(InboxedUpClient)
        if not name.startswith("_") and callable(getattr(InboxedUpClient, name))
    }
    hooks = {"auth_headers", "parse_error"}  # how `ApiKeyClient` sends the token, reads errors
    assert public - {"close", *hooks} == set(CALLS) == set(ERROR_STATUSES)


@pytest.mark.parametrize(("name", "status"), ERROR_CASES)
def test_error_status_maps_to_its_typed_error(name: str, status: int) -> None:
    endpoint, path_params, call = CALLS[name]
    cls, code, message, details = ENVELOPES[status]
    rec = Recorder(error_response(status))
    with pytest.raises(errors.ApiError) as info:
        call(client_for(rec))
    err = info.value
    assert type(err) is cls
    assert (err.status, err.code, err.message, err.details) == (status, code, message, details)
    method, path = table(endpoint, **path_params)
    assert (err.method, PREFIX + err.path) == (method, path)
    assert [(r.method, r.url.path) for r in rec.requests] == [(method, path)]  # no retry on 4xx
    assert f"{status} {code}" in str(err) and message in str(err)


def raise_connect_error(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


@pytest.mark.parametrize(
    "handler",
    [
        *(lambda _r, s=s: error_response(s) for s in ENVELOPES),
        lambda _r: httpx.Response(500, text="upstream exploded"),
        lambda _r: httpx.Response(401, json={"success": False, "error": "unauthorized"}),
        raise_connect_error,
    ],
    ids=[*(str(s) for s in ENVELOPES), "500-text", "401-string-error", "connect-error"],
)
@pytest.mark.parametrize("name", ["get_account", "request_mailboxes", "update_subscription_notes"])
def test_an_error_never_carries_the_token(
    name: str, handler: Callable[[httpx.Request], httpx.Response]
) -> None:
    calls: list[httpx.Request] = []

    def recording(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return handler(request)

    with pytest.raises(errors.InboxedError) as info:
        CALLS[name][2](client_for(recording))
    assert calls and calls[0].headers["Authorization"] == f"Bearer {TOKEN}"  # it was sent
    err = info.value
    shown = "".join(traceback.format_exception(err)) + repr(err) + repr(vars(err))
    assert TOKEN not in shown

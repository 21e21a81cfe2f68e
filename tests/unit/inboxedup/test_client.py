"""InboxedUpClient against httpx.MockTransport: paths from the table, envelopes, errors, paging."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from pulumi_inboxed.core import errors
from pulumi_inboxed.core.http import RetryPolicy
from pulumi_inboxed.inboxedup import InboxedUpClient
from pulumi_inboxed.inboxedup.models import DomainStatus

BATCH_EXAMPLE = {  # the documented example, verbatim in shape
    "success": True,
    "data": {
        "batchId": "batch_abc123",
        "status": "PARTIAL",
        "total": 10,
        "queued": 0,
        "pending_ns": 7,
        "active": 3,
        "failed": 0,
        "groups": [
            {
                "ns1": "ajay.ns.cloudflare.com",
                "ns2": "braelyn.ns.cloudflare.com",
                "domains": [
                    {
                        "id": "dom_abc123",
                        "domain": "yourdomain.com",
                        "status": "PENDING_NS",
                        "createdAt": "2026-03-12T00:00:00.000Z",
                    },
                    {
                        "id": "dom_abc124",
                        "domain": "anotherdomain.com",
                        "status": "ACTIVE",
                        "createdAt": "2026-03-12T00:00:00.000Z",
                    },
                ],
            }
        ],
    },
}


class Recorder:
    def __init__(self, *responses: httpx.Response) -> None:
        self.responses = list(responses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.responses.pop(0)


def client_for(recorder: Recorder) -> InboxedUpClient:
    return InboxedUpClient(
        "https://api.example/v1",
        "tok-123",
        retry=RetryPolicy(attempts=1),
        transport=httpx.MockTransport(recorder),
    )


def test_batch_status_parses_the_documented_example() -> None:
    rec = Recorder(httpx.Response(200, json=BATCH_EXAMPLE))
    status = client_for(rec).get_batch_status("batch_abc123")
    assert rec.requests[0].url.path == "/v1/domains/batch/batch_abc123"
    assert rec.requests[0].headers["Authorization"] == "Bearer tok-123"
    assert status.pending_ns == 7 and status.active == 3
    domains = {d.domain: d for d in status.domains()}
    assert domains["yourdomain.com"].status is DomainStatus.PENDING_NS
    assert domains["anotherdomain.com"].ns2 == "braelyn.ns.cloudflare.com"
    assert domains["anotherdomain.com"].batch_id == "batch_abc123"


def test_the_token_keeps_its_keyword_name() -> None:
    """`InboxedUpClient(base_url, token=...)`, as 0.2.0 took it, still sends the token."""
    rec = Recorder(httpx.Response(200, json=BATCH_EXAMPLE))
    client = InboxedUpClient(
        base_url="https://api.example/v1",
        token="tok-kw",
        retry=RetryPolicy(attempts=1),
        transport=httpx.MockTransport(rec),
    )
    client.get_batch_status("batch_abc123")
    assert rec.requests[0].headers["Authorization"] == "Bearer tok-kw"


def test_submit_sends_the_names_and_reads_rejections() -> None:
    body = {
        "success": True,
        "data": {
            "batchId": "batch_1",
            "domains": [{"id": "dom_1", "domain": "a.com", "status": "QUEUED"}],
            "rejected": [{"domain": "b.com", "reason": "already in account", "existingId": "d2"}],
        },
    }
    rec = Recorder(httpx.Response(201, json=body))
    result = client_for(rec).submit_domains(["a.com", "b.com"])
    sent = rec.requests[0]
    assert (sent.method, sent.url.path) == ("POST", "/v1/domains")
    assert json.loads(sent.content) == {"domains": ["a.com", "b.com"]}
    assert result.batch_id == "batch_1"
    assert result.rejected[0].existing_id == "d2"


def test_submit_refuses_empty_and_oversized_lists_before_any_request() -> None:
    rec = Recorder()
    with pytest.raises(ValueError):
        client_for(rec).submit_domains([])
    with pytest.raises(ValueError):
        client_for(rec).submit_domains([f"d{i}.com" for i in range(501)])
    assert rec.requests == []


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, errors.BadRequestError),
        (401, errors.AuthenticationError),
        (403, errors.PermissionDeniedError),
        (404, errors.NotFoundError),
        (422, errors.UnprocessableError),
    ],
)
def test_error_envelope_keeps_code_message_and_details(
    status: int, cls: type[errors.ApiError]
) -> None:
    body = {
        "success": False,
        "error": {"code": "SOME_CODE", "message": "it went wrong", "details": {"field": "x"}},
    }
    rec = Recorder(httpx.Response(status, json=body))
    with pytest.raises(cls) as info:
        client_for(rec).get_domain("dom_9")
    assert info.value.code == "SOME_CODE"
    assert info.value.message == "it went wrong"
    assert info.value.details == {"field": "x"}
    assert "InboxedUp" in str(info.value) and "GET /domains/dom_9" in str(info.value)


def test_iter_domains_reads_every_page() -> None:
    def page(n: int, names: list[str], total: int) -> httpx.Response:
        data: dict[str, Any] = {
            "domains": [{"id": f"id-{x}", "domain": x, "status": "ACTIVE"} for x in names],
            "page": n,
            "limit": 2,
            "total": total,
        }
        return httpx.Response(200, json={"success": True, "data": data})

    rec = Recorder(
        page(1, ["a.com", "b.com"], 5), page(2, ["c.com", "d.com"], 5), page(3, ["e.com"], 5)
    )
    names = [d.domain for d in client_for(rec).iter_domains()]
    assert names == ["a.com", "b.com", "c.com", "d.com", "e.com"]
    assert [r.url.params["page"] for r in rec.requests] == ["1", "2", "3"]


def test_remove_and_verify_use_the_table_paths() -> None:
    verify = {
        "success": True,
        "data": {
            "id": "dom_1",
            "domain": "a.com",
            "status": "ACTIVE",
            "verified": True,
            "found": ["x.ns.cloudflare.com"],
        },
    }
    rec = Recorder(
        httpx.Response(200, json={"success": True, "data": {"id": "dom_1", "removed": True}}),
        httpx.Response(200, json=verify),
    )
    c = client_for(rec)
    c.remove_domain("dom_1")
    assert c.verify_domain_ns("dom_1").verified
    assert [(r.method, r.url.path) for r in rec.requests] == [
        ("DELETE", "/v1/domains/dom_1"),
        ("POST", "/v1/domains/dom_1/verify-ns"),
    ]

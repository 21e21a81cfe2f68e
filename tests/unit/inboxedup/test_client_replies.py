"""InboxedUp replies whose shape no page shows, read tolerantly; a reply of no known shape fails
naming the endpoint, the field and docs/inboxedup-api.md, never with a pydantic traceback and
never quoting a value (a mailbox password)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from pulumi_inboxed.core.http import RetryPolicy
from pulumi_inboxed.core.replies import ReplyShapeError
from pulumi_inboxed.inboxedup import InboxedUpClient
from pulumi_inboxed.inboxedup.client import read_submit_reply

PASSWORD = "Pw-9f8e7d6c5b4a"


def client_for(handler: Callable[[httpx.Request], httpx.Response]) -> InboxedUpClient:
    return InboxedUpClient(
        "https://iu.example/v1",
        "tok",
        retry=RetryPolicy(attempts=1),
        transport=httpx.MockTransport(handler),
    )


def answer(*bodies: Any) -> Callable[[httpx.Request], httpx.Response]:
    queue = list(bodies)
    return lambda _request: httpx.Response(200, json=queue.pop(0))


def domain(n: int) -> dict[str, Any]:
    return {"id": f"dom_{n}", "domain": f"d{n}.com", "status": "ACTIVE"}


def request(n: int, **extra: Any) -> dict[str, Any]:
    return {"id": f"req_{n}", "type": "SMTP", "domain": "a.com", "status": "PENDING", **extra}


def test_domains_in_data_with_a_pagination_object() -> None:
    client = client_for(
        answer(
            {"data": [domain(1), domain(2)], "pagination": {"page": 1, "per_page": 2, "total": 3}},
            {"data": [domain(3)], "pagination": {"page": 2, "per_page": 2, "total": 3}},
        )
    )
    assert [d.id for d in client.iter_domains()] == ["dom_1", "dom_2", "dom_3"]


def test_domains_without_any_page_fields_are_read_until_a_page_repeats_or_is_empty() -> None:
    client = client_for(answer({"data": {"items": [domain(1)]}}, {"data": {"items": []}}))
    assert [d.id for d in client.iter_domains()] == ["dom_1"]
    # an API that ignores `page` answers the same page again: read once, then stop
    client = client_for(answer([domain(1), domain(2)], [domain(1), domain(2)]))
    assert [d.id for d in client.iter_domains()] == ["dom_1", "dom_2"]


def test_a_name_filter_the_api_ignores_is_applied_by_the_client() -> None:
    client = client_for(answer({"data": [domain(1), domain(2)]}, {"data": []}))
    found = client.find_domain("d2.com")
    assert found is not None and found.id == "dom_2"


def test_mailbox_requests_in_data_with_meta_and_a_filter_the_api_ignores() -> None:
    other = request(2, domain="b.com")
    client = client_for(
        answer(
            {"data": [request(1), other], "meta": {"current_page": 1, "total": 2}},
        )
    )
    assert [r.id for r in client.iter_mailbox_requests(domain="a.com")] == ["req_1"]


def test_a_bad_mailbox_request_fails_by_name_without_the_password() -> None:
    bad = request(1, status="SOMETHING_NEW")
    bad["mailboxes"] = [
        {"firstName": "A", "lastName": "B", "mailboxUsername": "ab", "password": PASSWORD}
    ]
    client = client_for(answer({"data": [bad], "pagination": {"total": 1}}))
    with pytest.raises(ReplyShapeError) as caught:
        list(client.iter_mailbox_requests())
    message = str(caught.value)
    assert "GET /mailboxes (requests[0]) has no valid status" in message
    assert "docs/inboxedup-api.md" in message
    assert PASSWORD not in message and "pydantic" not in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_a_list_reply_with_no_list_names_the_endpoint() -> None:
    client = client_for(answer({"success": True, "data": {"count": 3}}))
    with pytest.raises(ReplyShapeError, match=r"GET /domains has no list of items"):
        list(client.iter_domains())


@pytest.mark.parametrize(
    ("body", "verified"),
    [
        ({"data": {"verified": True, "status": "ACTIVE"}}, True),
        ({"data": {"nsVerified": False, "found": ["x.parking.example"]}}, False),
        ({"data": {"status": "active"}}, True),
        ({"status": "PENDING_NS"}, False),
        ({"data": {"domain": {"verified": "true"}}}, True),
    ],
)
def test_verify_ns_reads_the_flag_or_the_status(body: dict[str, Any], verified: bool) -> None:
    assert client_for(answer(body)).verify_domain_ns("dom_1").verified is verified


def test_verify_ns_with_neither_flag_nor_status_fails_naming_the_endpoint() -> None:
    with pytest.raises(ReplyShapeError, match=r"POST /domains/\{domain_id\}/verify-ns.*verified"):
        client_for(answer({"data": {"ok": 1}})).verify_domain_ns("dom_1")


def test_submit_reads_the_batch_id_on_the_envelope_or_on_each_domain() -> None:
    queued = {"id": "dom_1", "domain": "a.com", "status": "QUEUED"}
    on_envelope = read_submit_reply(
        {"success": True, "data": {"batchId": "b1", "domains": [queued]}}
    )
    assert on_envelope.batch_id == "b1" and on_envelope.domains[0].batch_id == "b1"
    beside = read_submit_reply({"batch_id": "b2", "data": [queued]})
    assert beside.domains[0].batch_id == "b2"
    on_items = read_submit_reply({"data": {"domains": [{**queued, "batchId": "b3"}]}})
    assert on_items.batch_id == "b3"
    refused = read_submit_reply(
        {"data": {"batchId": "b4", "domains": [], "duplicates": ["x.com", {"name": "y.com"}]}}
    )
    assert [(r.domain, r.existing_id) for r in refused.rejected] == [
        ("x.com", None),
        ("y.com", None),
    ]
    with pytest.raises(ReplyShapeError, match=r"POST /domains has no batch id"):
        read_submit_reply({"data": {"domains": [queued]}})


def test_a_reply_shape_error_names_the_path_the_account_overrode() -> None:
    """With `inboxedup:endpoints.list_domains` set, the error names the path actually called."""
    from pulumi_inboxed.core.endpoints_config import endpoint_table
    from pulumi_inboxed.inboxedup import endpoints as ep

    table = endpoint_table("inboxedup", ep, {"inboxedup:endpoints": {"list_domains": "GET /v2/d"}})
    client = InboxedUpClient(
        "https://iu.example/v1",
        "tok",
        retry=RetryPolicy(attempts=1),
        transport=httpx.MockTransport(answer({"data": {"nothing": "here"}})),
        endpoints=table,
    )
    with pytest.raises(ReplyShapeError) as raised:
        list(client.iter_domains())
    assert "GET /v2/d" in str(raised.value)
    assert "GET /domains" not in str(raised.value)

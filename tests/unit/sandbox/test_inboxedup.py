"""The InboxedUp sandbox, driven over HTTP in a real child process on 127.0.0.1."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import idna
import pytest

from pulumi_inboxed.inboxedup import endpoints
from pulumi_inboxed.sandbox import SandboxProcess
from pulumi_inboxed.sandbox.inboxedup.nameservers import NS_PAIRS, ns_pair_for
from pulumi_inboxed.sandbox.runner import PACKAGE_ROOT

TOKEN = "test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
QUEUED_SECONDS = 1.0
PENDING_NS_SECONDS = 1.0
TIMESTAMP_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
DOMAIN_KEYS = {"id", "domain", "status", "batchId", "ns1", "ns2", "failureReason", "createdAt"}
FAIL_REASON = "registrar rejected the domain (sandbox fail_pattern)"

Json = dict[str, Any]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    state = tmp_path_factory.mktemp("sandbox") / "state.db"
    with SandboxProcess(
        state,
        queued_seconds=QUEUED_SECONDS,
        pending_ns_seconds=PENDING_NS_SECONDS,
        tokens=[TOKEN],
        lifetime=300,
    ) as process:
        yield process


@pytest.fixture
def api(sandbox: SandboxProcess) -> Iterator[httpx.Client]:
    sandbox.control.clear_faults()
    with httpx.Client(base_url=sandbox.url, headers=AUTH, timeout=10) as client:
        yield client
    sandbox.control.clear_faults()


def stable_index(name: str) -> int:
    """The pair index the sandbox documents: SHA-256 of the name, never ``hash()``."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big") % len(NS_PAIRS)


def unique(prefix: str, tld: str = "com") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}.{tld}"


def submit(api: httpx.Client, names: list[str]) -> Json:
    response = api.post(endpoints.SUBMIT_DOMAINS.path, json={"domains": names})
    assert response.status_code == 201, response.text
    body: Json = response.json()
    assert body["success"] is True
    return body["data"]  # type: ignore[no-any-return]


def batch(api: httpx.Client, batch_id: str) -> Json:
    response = api.get(endpoints.BATCH_STATUS.format(batch_id=batch_id))
    assert response.status_code == 200, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


def get_domain(api: httpx.Client, domain_id: str) -> httpx.Response:
    return api.get(endpoints.GET_DOMAIN.format(domain_id=domain_id))


def wait_for(
    fetch: Callable[[], Json], done: Callable[[Json], bool], timeout: float = 10.0
) -> Json:
    """Fetch until ``done`` holds; the last value fetched."""
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s: {value}")
        time.sleep(0.05)


def active_domain(api: httpx.Client, sandbox: SandboxProcess, prefix: str = "mbx") -> Json:
    """A fresh domain forced ACTIVE (no waiting on timers)."""
    created = submit(api, [unique(prefix)])["domains"][0]
    forced = sandbox.control.force_domain_status(created["id"], "ACTIVE")
    assert forced["status"] == "ACTIVE"
    return forced


def mailbox_body(domain: str, kind: str, usernames: list[str]) -> Json:
    return {
        "domain": domain,
        "type": kind,
        "mailboxes": [
            {"firstName": "First", "lastName": f"Last{i}", "mailboxUsername": name}
            for i, name in enumerate(usernames)
        ],
    }


def assert_error(response: httpx.Response, status: int, code: str) -> Json:
    assert response.status_code == status, response.text
    body: Json = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]["details"]  # type: ignore[no-any-return]


# Auth


def test_missing_or_wrong_token_is_401(sandbox: SandboxProcess) -> None:
    with httpx.Client(base_url=sandbox.url, timeout=10) as bare:
        assert_error(bare.get(endpoints.ACCOUNT.path), 401, "UNAUTHORIZED")
        wrong = bare.get(endpoints.ACCOUNT.path, headers={"Authorization": "Bearer nope"})
        assert_error(wrong, 401, "UNAUTHORIZED")
        no_scheme = bare.get(endpoints.ACCOUNT.path, headers={"Authorization": TOKEN})
        assert_error(no_scheme, 401, "UNAUTHORIZED")
        posted = bare.post(endpoints.SUBMIT_DOMAINS.path, json={"domains": ["x-auth.com"]})
        assert_error(posted, 401, "UNAUTHORIZED")
        right = bare.get(endpoints.ACCOUNT.path, headers=AUTH)
        assert right.status_code == 200
        assert right.json()["success"] is True


# Domains and batches


def test_batch_moves_queued_pending_ns_active_grouped_by_ns_pair(api: httpx.Client) -> None:
    # Fixed names (the module's sandbox starts empty): their pairs are known in advance.
    names = [f"group-{letter}.com" for letter in "abcdefghi"]
    data = submit(api, names)
    assert data["rejected"] == []
    assert [d["domain"] for d in data["domains"]] == names
    for domain in data["domains"]:
        assert set(domain) == DOMAIN_KEYS
        assert domain["status"] == "QUEUED"
        assert domain["ns1"] is None and domain["ns2"] is None
        assert domain["batchId"] == data["batchId"]
        assert re.fullmatch(r"dom_[0-9a-f]+", domain["id"])
        assert TIMESTAMP_RE.fullmatch(domain["createdAt"])
    assert re.fullmatch(r"batch_[0-9a-f]+", data["batchId"])

    queued = batch(api, data["batchId"])
    assert set(queued) == {
        "batchId",
        "status",
        "total",
        "queued",
        "pending_ns",
        "active",
        "failed",
        "groups",
    }
    assert queued["status"] == "QUEUED"
    assert (queued["total"], queued["queued"], queued["pending_ns"]) == (9, 9, 0)
    assert queued["groups"] == [
        {
            "ns1": None,
            "ns2": None,
            "domains": [
                {k: d[k] for k in ("id", "domain", "status", "createdAt")} for d in data["domains"]
            ],
        }
    ]

    pending = wait_for(lambda: batch(api, data["batchId"]), lambda b: b["queued"] == 0)
    assert pending["status"] == "PROCESSING"
    assert (pending["pending_ns"], pending["active"], pending["failed"]) == (9, 0, 0)
    seen: set[str] = set()
    for group in pending["groups"]:
        assert (group["ns1"], group["ns2"]) in NS_PAIRS
        for member in group["domains"]:
            assert member["status"] == "PENDING_NS"
            assert ns_pair_for(member["domain"]) == (group["ns1"], group["ns2"])
            seen.add(member["domain"])
    assert seen == set(names)
    # One group per pair, in order of first appearance; several domains share a pair.
    expected = {name: NS_PAIRS[stable_index(name)] for name in names}
    pairs_in_order = list(dict.fromkeys(expected.values()))
    assert [(g["ns1"], g["ns2"]) for g in pending["groups"]] == pairs_in_order
    assert len(pairs_in_order) == 4
    for group in pending["groups"]:
        members = [m["domain"] for m in group["domains"]]
        assert members == [n for n in names if expected[n] == (group["ns1"], group["ns2"])]

    one = get_domain(api, data["domains"][0]["id"]).json()["data"]
    assert (one["ns1"], one["ns2"]) == ns_pair_for(names[0])

    done = wait_for(lambda: batch(api, data["batchId"]), lambda b: b["active"] == 9)
    assert done["status"] == "COMPLETED"
    assert (done["queued"], done["pending_ns"], done["failed"]) == (0, 0, 0)


def test_fail_pattern_domain_fails_with_reason(api: httpx.Client) -> None:
    bad, good = unique("fail-reg"), unique("fine")
    data = submit(api, [bad, good])
    ids = {d["domain"]: d["id"] for d in data["domains"]}

    failed = wait_for(
        lambda: get_domain(api, ids[bad]).json()["data"], lambda d: d["status"] != "QUEUED"
    )
    assert failed["status"] == "FAILED"
    assert failed["failureReason"] == FAIL_REASON
    assert failed["ns1"] is None
    fine = get_domain(api, ids[good]).json()["data"]
    assert fine["status"] in ("PENDING_NS", "ACTIVE")
    assert fine["failureReason"] is None

    status = batch(api, data["batchId"])
    assert status["failed"] == 1
    assert status["total"] == 2


def test_duplicate_names_go_to_rejected(api: httpx.Client) -> None:
    first, second = unique("dup"), unique("dup")
    existing = submit(api, [first])["domains"][0]

    again = submit(api, [first, second, second])
    assert [d["domain"] for d in again["domains"]] == [second]
    new_id = again["domains"][0]["id"]
    assert again["rejected"] == [
        {"domain": first, "reason": "already in account", "existingId": existing["id"]},
        {"domain": second, "reason": "already in account", "existingId": new_id},
    ]
    listed = api.get(endpoints.LIST_DOMAINS.path, params={"limit": 500}).json()["data"]
    assert [d["domain"] for d in listed["domains"]].count(first) == 1


@pytest.mark.parametrize(
    "bad",
    [
        "Upper.com",
        "nodot",
        "-lead.com",
        "trail-.com",
        "under_score.com",
        "ünicode.com",
        f"{'a' * 64}.com",
        ".".join(["a" * 60] * 5),
        "double..dot.com",
    ],
)
def test_invalid_name_is_422_naming_the_domain(api: httpx.Client, bad: str) -> None:
    good = unique("valid")
    response = api.post(endpoints.SUBMIT_DOMAINS.path, json={"domains": [good, bad]})
    details = assert_error(response, 422, "VALIDATION_ERROR")
    assert details["domain"] == bad
    listed = api.get(endpoints.LIST_DOMAINS.path, params={"limit": 500}).json()["data"]
    assert good not in [d["domain"] for d in listed["domains"]]


def test_idn_a_label_is_accepted(api: httpx.Client) -> None:
    name = idna.encode(f"münchen-{uuid.uuid4().hex[:6]}.de", uts46=True).decode("ascii")
    assert name.startswith("xn--")
    assert submit(api, [name])["domains"][0]["domain"] == name


@pytest.mark.parametrize("count", [0, 501])
def test_domain_count_outside_1_to_500_is_422(api: httpx.Client, count: int) -> None:
    names = [unique("many") for _ in range(count)]
    response = api.post(endpoints.SUBMIT_DOMAINS.path, json={"domains": names})
    details = assert_error(response, 422, "VALIDATION_ERROR")
    assert details["field"] == "domains"


def test_get_list_and_remove_domain(api: httpx.Client, sandbox: SandboxProcess) -> None:
    keep, drop = unique("keep"), unique("drop")
    data = submit(api, [keep, drop])
    ids = {d["domain"]: d["id"] for d in data["domains"]}

    got = get_domain(api, ids[drop])
    assert got.status_code == 200
    assert got.json()["data"] == data["domains"][1]

    listed = api.get(endpoints.LIST_DOMAINS.path, params={"batchId": data["batchId"]})
    page = listed.json()["data"]
    assert (page["page"], page["limit"], page["total"]) == (1, 100, 2)
    assert [d["domain"] for d in page["domains"]] == [keep, drop]
    one = api.get(endpoints.LIST_DOMAINS.path, params={"batchId": data["batchId"], "limit": 1})
    assert [d["domain"] for d in one.json()["data"]["domains"]] == [keep]
    sandbox.control.force_domain_status(ids[keep], "FAILED", "drift")
    failed_only = api.get(
        endpoints.LIST_DOMAINS.path, params={"batchId": data["batchId"], "status": "FAILED"}
    ).json()["data"]
    assert [d["domain"] for d in failed_only["domains"]] == [keep]
    assert failed_only["domains"][0]["failureReason"] == "drift"
    too_many = api.get(endpoints.LIST_DOMAINS.path, params={"limit": 501})
    assert assert_error(too_many, 422, "VALIDATION_ERROR")["field"] == "limit"

    removed = api.delete(endpoints.REMOVE_DOMAIN.format(domain_id=ids[drop]))
    assert removed.status_code == 200
    assert removed.json() == {"success": True, "data": {"id": ids[drop], "removed": True}}
    assert_error(get_domain(api, ids[drop]), 404, "NOT_FOUND")
    again = api.delete(endpoints.REMOVE_DOMAIN.format(domain_id=ids[drop]))
    assert_error(again, 404, "NOT_FOUND")
    assert_error(get_domain(api, "dom_doesnotexist"), 404, "NOT_FOUND")

    after = batch(api, data["batchId"])
    assert after["total"] == 1
    assert [m["domain"] for g in after["groups"] for m in g["domains"]] == [keep]
    # A removed name can be submitted again, as a new domain.
    readded = submit(api, [drop])
    assert readded["rejected"] == []
    assert readded["domains"][0]["id"] != ids[drop]


def test_batch_unknown_is_404(api: httpx.Client) -> None:
    response = api.get(endpoints.BATCH_STATUS.format(batch_id="batch_nope"))
    assert_error(response, 404, "NOT_FOUND")


def test_verify_ns(api: httpx.Client, sandbox: SandboxProcess) -> None:
    names = [unique("ns"), unique("ns"), unique("ns")]
    ids = [d["id"] for d in submit(api, names)["domains"]]
    verify = endpoints.VERIFY_DOMAIN_NS

    queued = api.post(verify.format(domain_id=ids[0])).json()["data"]
    assert queued["status"] == "QUEUED"
    assert queued["verified"] is False
    assert queued["ns1"] is None

    sandbox.control.force_domain_status(ids[0], "PENDING_NS")
    result = api.post(verify.format(domain_id=ids[0])).json()["data"]
    ns1, ns2 = ns_pair_for(names[0])
    assert result == {
        "id": ids[0],
        "domain": names[0],
        "status": "ACTIVE",
        "ns1": ns1,
        "ns2": ns2,
        "verified": True,
        "found": [ns1, ns2],
    }
    assert get_domain(api, ids[0]).json()["data"]["status"] == "ACTIVE"

    sandbox.control.update_settings(ns_propagated=False)
    try:
        sandbox.control.force_domain_status(ids[1], "PENDING_NS")
        stale = api.post(verify.format(domain_id=ids[1])).json()["data"]
        assert stale["verified"] is False
        assert stale["status"] == "PENDING_NS"
        assert ns_pair_for(names[1])[0] not in stale["found"]
    finally:
        sandbox.control.update_settings(ns_propagated=True)
    assert get_domain(api, ids[1]).json()["data"]["status"] == "PENDING_NS"
    assert_error(api.post(verify.format(domain_id="dom_missing")), 404, "NOT_FOUND")


# Mailboxes


def test_mailbox_request_created_as_documented(api: httpx.Client, sandbox: SandboxProcess) -> None:
    domain = active_domain(api, sandbox)
    body = mailbox_body(domain["domain"], "microsoft", ["john.smith", "jane.doe"])
    response = api.post(endpoints.REQUEST_MAILBOXES.path, json=body)
    assert response.status_code == 201, response.text
    created = response.json()
    assert re.fullmatch(r"req_[0-9a-f]+", created["requestId"])
    assert created == {
        "success": True,
        "requestId": created["requestId"],
        "type": "microsoft",
        "domain": domain["domain"],
        "status": "pending",
        "message": "Your mailbox request has been received and is being processed.",
        "mailboxes": [{**entry, "domainName": domain["domain"]} for entry in body["mailboxes"]],
    }

    got = api.get(endpoints.GET_MAILBOX_REQUEST.format(request_id=created["requestId"]))
    data = got.json()["data"]
    assert data == {
        "id": created["requestId"],
        "type": "MICROSOFT",
        "domain": domain["domain"],
        "domainId": domain["id"],
        "domainStatus": "ACTIVE",
        "ns1": domain["ns1"],
        "ns2": domain["ns2"],
        "status": "PENDING",
        "adminNotes": None,
        "createdAt": data["createdAt"],
        "mailboxes": created["mailboxes"],
    }
    assert TIMESTAMP_RE.fullmatch(data["createdAt"])
    listed = api.get(endpoints.LIST_MAILBOX_REQUESTS.path, params={"domain": domain["domain"]})
    assert listed.json()["data"] == {"requests": [data], "page": 1, "limit": 100, "total": 1}
    missing = api.get(endpoints.GET_MAILBOX_REQUEST.format(request_id="req_missing"))
    assert_error(missing, 404, "NOT_FOUND")


def test_mailbox_status_follows_timers(api: httpx.Client, sandbox: SandboxProcess) -> None:
    domain = active_domain(api, sandbox)
    sandbox.control.update_settings(mailbox_pending_seconds=1.0, mailbox_in_progress_seconds=0.5)
    try:
        created = api.post(
            endpoints.REQUEST_MAILBOXES.path,
            json=mailbox_body(domain["domain"], "google", ["ann"]),
        ).json()
    finally:
        sandbox.control.update_settings(
            mailbox_pending_seconds=60.0, mailbox_in_progress_seconds=600.0
        )
    path = endpoints.GET_MAILBOX_REQUEST.format(request_id=created["requestId"])
    seen = [api.get(path).json()["data"]["status"]]
    done = wait_for(lambda: api.get(path).json()["data"], lambda d: d["status"] == "COMPLETED")
    assert seen == ["PENDING"]
    assert done["adminNotes"] == "Mailboxes provisioned successfully."


def test_mailbox_limits_and_failed_requests_free_slots(
    api: httpx.Client, sandbox: SandboxProcess
) -> None:
    name = active_domain(api, sandbox)["domain"]
    post = endpoints.REQUEST_MAILBOXES.path
    first = api.post(post, json=mailbox_body(name, "microsoft", ["a1", "a2"]))
    assert first.status_code == 201
    assert api.post(post, json=mailbox_body(name, "microsoft", ["a3"])).status_code == 201

    fourth = api.post(post, json=mailbox_body(name, "microsoft", ["a4"]))
    details = assert_error(fourth, 403, "FORBIDDEN")
    assert (details["limit"], details["used"], details["requested"]) == (3, 3, 1)
    # Other types have their own limits: smtp allows 5.
    assert (
        api.post(post, json=mailbox_body(name, "smtp", [f"s{i}" for i in range(5)])).status_code
        == 201
    )
    assert_error(api.post(post, json=mailbox_body(name, "smtp", ["s6"])), 403, "FORBIDDEN")

    request_id = first.json()["requestId"]
    forced = sandbox.control.force_mailbox_status(request_id, "FAILED", "tenant error")
    assert forced["status"] == "FAILED"
    assert forced["adminNotes"] == "tenant error"
    again = api.post(post, json=mailbox_body(name, "microsoft", ["a4", "a5"]))
    assert again.status_code == 201, again.text
    assert_error(api.post(post, json=mailbox_body(name, "microsoft", ["a6"])), 403, "FORBIDDEN")

    failed = api.get(
        endpoints.LIST_MAILBOX_REQUESTS.path, params={"domain": name, "status": "FAILED"}
    )
    assert [r["id"] for r in failed.json()["data"]["requests"]] == [request_id]


def test_mailbox_needs_an_active_known_domain(api: httpx.Client) -> None:
    queued = submit(api, [unique("notyet")])["domains"][0]
    response = api.post(
        endpoints.REQUEST_MAILBOXES.path,
        json=mailbox_body(queued["domain"], "microsoft", ["bob"]),
    )
    details = assert_error(response, 400, "BAD_REQUEST")
    assert details["domainStatus"] == "QUEUED"
    unknown = api.post(
        endpoints.REQUEST_MAILBOXES.path,
        json=mailbox_body(unique("unknown"), "microsoft", ["bob"]),
    )
    assert_error(unknown, 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            lambda b: b["mailboxes"][1].update(mailboxUsername="Jane.Doe"),
            "mailboxes[1].mailboxUsername",
        ),
        (
            lambda b: b["mailboxes"][1].update(mailboxUsername="jane."),
            "mailboxes[1].mailboxUsername",
        ),
        (
            lambda b: b["mailboxes"][1].update(mailboxUsername="john.smith"),
            "mailboxes[1].mailboxUsername",
        ),
        (lambda b: b["mailboxes"][0].update(firstName=""), "mailboxes[0].firstName"),
        (lambda b: b["mailboxes"][1].pop("lastName"), "mailboxes[1].lastName"),
        (lambda b: b.update(type="outlook"), "type"),
        (lambda b: b.update(mailboxes=[]), "mailboxes"),
    ],
)
def test_mailbox_invalid_field_is_422_naming_it(
    api: httpx.Client, sandbox: SandboxProcess, change: Callable[[Json], object], field: str
) -> None:
    name = active_domain(api, sandbox, "val")["domain"]
    body = mailbox_body(name, "microsoft", ["john.smith", "jane.doe"])
    change(body)
    details = assert_error(
        api.post(endpoints.REQUEST_MAILBOXES.path, json=body), 422, "VALIDATION_ERROR"
    )
    assert details["field"] == field
    listed = api.get(endpoints.LIST_MAILBOX_REQUESTS.path, params={"domain": name})
    assert listed.json()["data"]["total"] == 0


# Account and subscriptions


def test_account_and_subscriptions(api: httpx.Client) -> None:
    account = api.get(endpoints.ACCOUNT.path).json()["data"]
    assert set(account) == {"customer", "allocations", "summary"}
    assert [a["type"] for a in account["allocations"]] == [
        "MICROSOFT",
        "GOOGLE",
        "SMTP",
        "SMTP_DEDICATED",
    ]
    for allocation in account["allocations"]:
        assert allocation["remaining"] == max(0, allocation["allocated"] - allocation["used"])
    assert set(account["summary"]) == {
        "totalDomains",
        "activeDomains",
        "pendingMailboxRequests",
        "activeApiKeys",
    }
    assert account["summary"]["activeApiKeys"] == 1

    subs = api.get(endpoints.LIST_SUBSCRIPTIONS.path).json()["data"]["subscriptions"]
    assert len(subs) == 2
    assert {s["type"] for s in subs} == {"MICROSOFT", "SMTP"}
    patched = api.patch(
        endpoints.UPDATE_SUBSCRIPTION_NOTES.format(subscription_id=subs[0]["id"]),
        json={"notes": "cold outreach"},
    )
    assert patched.json()["data"] == {**subs[0], "notes": "cold outreach"}
    missing = api.patch(
        endpoints.UPDATE_SUBSCRIPTION_NOTES.format(subscription_id="sub_missing"),
        json={"notes": "x"},
    )
    assert_error(missing, 404, "NOT_FOUND")


# Faults, latency and counters


def test_fault_429_with_retry_after_then_success(
    api: httpx.Client, sandbox: SandboxProcess
) -> None:
    batch_id = submit(api, [unique("flt")])["batchId"]
    path = endpoints.BATCH_STATUS.format(batch_id=batch_id)
    sandbox.control.add_fault(429, count=1, retry_after=2, path_prefix="/domains/batch/")
    # A fault with a prefix does not touch other routes.
    assert api.get(endpoints.ACCOUNT.path).status_code == 200

    limited = api.get(path)
    assert_error(limited, 429, "RATE_LIMITED")
    assert limited.headers["Retry-After"] == "2"
    assert api.get(path).status_code == 200

    sandbox.control.add_fault(503, count=2, method="POST")
    assert api.get(path).status_code == 200
    unavailable = api.post(endpoints.SUBMIT_DOMAINS.path, json={"domains": [unique("flt")]})
    assert_error(unavailable, 503, "INTERNAL")
    assert "Retry-After" not in unavailable.headers
    # Control routes are never faulted.
    assert sandbox.control.health() == {"status": "ok"}
    assert sandbox.control.faults()[0]["count"] == 1
    sandbox.control.clear_faults()
    assert (
        api.post(endpoints.SUBMIT_DOMAINS.path, json={"domains": [unique("flt")]}).status_code
        == 201
    )


def test_fault_rule_must_be_429_or_5xx(sandbox: SandboxProcess) -> None:
    with pytest.raises(httpx.HTTPStatusError) as caught:
        sandbox.control.add_fault(404)
    assert caught.value.response.status_code == 422
    assert sandbox.control.faults() == []


def test_counter_per_endpoint_template(api: httpx.Client, sandbox: SandboxProcess) -> None:
    batch_id = submit(api, [unique("cnt")])["batchId"]
    sandbox.control.reset_stats()
    assert sandbox.control.stats() == {}
    sandbox.control.add_fault(500, count=1, path_prefix="/domains/batch/")
    assert api.get(endpoints.BATCH_STATUS.format(batch_id=batch_id)).status_code == 500
    for _ in range(2):
        assert api.get(endpoints.BATCH_STATUS.format(batch_id=batch_id)).status_code == 200
    api.get(endpoints.ACCOUNT.path)
    api.get(endpoints.GET_DOMAIN.format(domain_id="dom_x"))
    sandbox.control.health()
    sandbox.control.settings()

    assert sandbox.control.stats() == {
        "GET /domains/batch/{batch_id}": 3,
        "GET /account": 1,
        "GET /domains/{domain_id}": 1,
    }
    assert sandbox.control.total_requests() == 5


def test_latency_applies_to_api_routes_only(api: httpx.Client, sandbox: SandboxProcess) -> None:
    sandbox.control.update_settings(latency_ms=300)
    try:
        started = time.monotonic()
        assert api.get(endpoints.ACCOUNT.path).status_code == 200
        api_seconds = time.monotonic() - started
        started = time.monotonic()
        sandbox.control.health()
        control_seconds = time.monotonic() - started
    finally:
        sandbox.control.update_settings(latency_ms=0)
    assert api_seconds >= 0.3
    assert control_seconds < 0.3


# Process lifecycle


def test_state_survives_restart(tmp_path: Path) -> None:
    with SandboxProcess(tmp_path / "state.db", queued_seconds=60, tokens=[TOKEN]) as process:
        with httpx.Client(base_url=process.url, headers=AUTH, timeout=10) as api:
            data = submit(api, [unique("keep"), unique("fail-keep")])
            domain = data["domains"][0]
            process.control.force_domain_status(domain["id"], "ACTIVE")
            created = api.post(
                endpoints.REQUEST_MAILBOXES.path,
                json=mailbox_body(domain["domain"], "microsoft", ["kept"]),
            ).json()
            sub_id = api.get(endpoints.LIST_SUBSCRIPTIONS.path).json()["data"]["subscriptions"][0][
                "id"
            ]
            api.patch(
                endpoints.UPDATE_SUBSCRIPTION_NOTES.format(subscription_id=sub_id),
                json={"notes": "persisted"},
            )
            before = batch(api, data["batchId"])
        process.restart()
        with httpx.Client(base_url=process.url, headers=AUTH, timeout=10) as api:
            assert batch(api, data["batchId"]) == before
            assert get_domain(api, domain["id"]).json()["data"]["status"] == "ACTIVE"
            request = api.get(endpoints.GET_MAILBOX_REQUEST.format(request_id=created["requestId"]))
            assert request.json()["data"]["mailboxes"][0]["mailboxUsername"] == "kept"
            subs = api.get(endpoints.LIST_SUBSCRIPTIONS.path).json()["data"]["subscriptions"]
            assert len(subs) == 2
            assert {s["id"]: s["notes"] for s in subs}[sub_id] == "persisted"
            # Still QUEUED: the 60 s deadline was stored, not restarted.
            assert before["queued"] == 1 and batch(api, data["batchId"])["queued"] == 1

        process.control.reset()
        with httpx.Client(base_url=process.url, headers=AUTH, timeout=10) as api:
            assert_error(get_domain(api, domain["id"]), 404, "NOT_FOUND")
            assert (
                len(api.get(endpoints.LIST_SUBSCRIPTIONS.path).json()["data"]["subscriptions"]) == 2
            )


def test_non_loopback_host_is_refused(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pulumi_inboxed.sandbox",
            "--host",
            "0.0.0.0",
            "--port",
            "0",
            "--state",
            str(state),
            "--lifetime",
            "5",
        ],
        env={**os.environ, "PYTHONPATH": str(PACKAGE_ROOT)},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode != 0
    assert "loopback" in result.stderr
    assert "listening" not in result.stdout
    assert not state.exists()

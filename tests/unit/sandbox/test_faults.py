"""Fault injection: error replies, connection resets and held replies, before the request is
processed or after, counted or at a rate. Connection faults are driven over real sockets (a
sandbox in a child process on 127.0.0.1, an httpx client); the rules' choices in process."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from pulumi_inboxed.inboxedup import endpoints
from pulumi_inboxed.mailin import endpoints as mailin_endpoints
from pulumi_inboxed.sandbox import SandboxProcess, SandboxSettings, create_app
from pulumi_inboxed.sandbox.faults import FaultQueue, FaultRule

TOKEN = "faults-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SUBMIT = endpoints.SUBMIT_DOMAINS
SUBMIT_KEY = f"{SUBMIT.method} {SUBMIT.path}"
CLIENT_TIMEOUT = 1.0  # what a test stack sets with inboxedup:requestTimeoutSeconds
PATIENT_TIMEOUT = 30.0  # a client that outwaits every hold below


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    state = tmp_path_factory.mktemp("sandbox-faults") / "state.db"
    with SandboxProcess(state, tokens=[TOKEN], lifetime=300) as process:
        yield process


@pytest.fixture
def fresh(sandbox: SandboxProcess) -> Iterator[SandboxProcess]:
    sandbox.control.reset()
    yield sandbox
    sandbox.control.reset()


def submit(sandbox: SandboxProcess, name: str, timeout: float) -> httpx.Response:
    with httpx.Client(base_url=sandbox.url, headers=AUTH, timeout=timeout) as client:
        return client.post(SUBMIT.path, json={"domains": [name]})


def domain_names(sandbox: SandboxProcess) -> set[str]:
    with httpx.Client(base_url=sandbox.url, headers=AUTH, timeout=PATIENT_TIMEOUT) as client:
        page = client.get(endpoints.LIST_DOMAINS.path, params={"limit": 500}).json()["data"]
    return {domain["domain"] for domain in page["domains"]}


def unique(kind: str) -> str:
    return f"{kind.replace('_', '-')}-{uuid.uuid4().hex[:8]}.com"


@pytest.mark.parametrize(
    ("kind", "processed"),
    [
        ("reset_before", False),
        ("reset_after", True),
        ("timeout_before", False),
        ("timeout_after", True),
    ],
)
def test_connection_fault_drops_the_reply_after_processing_or_before(
    fresh: SandboxProcess, kind: str, processed: bool
) -> None:
    """The client sees a reset connection (after the hold, for a timeout that ends before the
    client gives up); the write took effect only for the ``_after`` kinds. The request is
    counted like any other, and the fault by its kind."""
    fresh.control.add_fault(kind=kind, method="POST", path_prefix=SUBMIT.path, hold_seconds=0.2)
    name = unique(kind)

    with pytest.raises(httpx.ReadError):
        submit(fresh, name, PATIENT_TIMEOUT)

    assert (name in domain_names(fresh)) is processed
    assert fresh.control.stats()[SUBMIT_KEY] == 1
    assert fresh.control.faults_injected() == {kind: 1}
    assert fresh.control.faults() == []
    # The rule is used up: the same write goes through now.
    assert submit(fresh, unique(kind), PATIENT_TIMEOUT).status_code == 201


@pytest.mark.parametrize(
    ("kind", "processed"), [("timeout_before", False), ("timeout_after", True)]
)
def test_timeout_holds_the_reply_longer_than_the_client_waits(
    fresh: SandboxProcess, kind: str, processed: bool
) -> None:
    fresh.control.add_fault(kind=kind, method="POST", hold_seconds=2 * CLIENT_TIMEOUT)
    name = unique(kind)

    with pytest.raises(httpx.ReadTimeout):
        submit(fresh, name, CLIENT_TIMEOUT)

    if processed:  # processed before the hold began
        assert name in domain_names(fresh)
    assert fresh.control.faults_injected() == {kind: 1}


def test_status_rule_keeps_its_count(fresh: SandboxProcess) -> None:
    fresh.control.add_fault(503, count=2, method="POST")
    assert [rule["count"] for rule in fresh.control.faults()] == [2]
    statuses = [submit(fresh, unique("status"), PATIENT_TIMEOUT).status_code for _ in range(3)]
    assert statuses == [503, 503, 201]
    assert fresh.control.faults_injected() == {"503": 2}


def test_rate_rule_faults_some_requests_with_every_kind(fresh: SandboxProcess) -> None:
    """About half the requests fail, some with the status and some with a reset; the others are
    answered; every one is counted, and the faults by kind add up to the failures."""
    fresh.control.add_fault(kinds=[503, "reset_before"], rate=0.5, seed=3, method="GET")
    outcomes: Counter[str] = Counter()
    with httpx.Client(base_url=fresh.url, headers=AUTH, timeout=PATIENT_TIMEOUT) as client:
        for _ in range(40):
            try:
                outcomes[str(client.get(endpoints.ACCOUNT.path).status_code)] += 1
            except httpx.ReadError:
                outcomes["reset_before"] += 1

    assert outcomes["503"] > 0 and outcomes["reset_before"] > 0 and outcomes["200"] > 0
    assert fresh.control.faults_injected() == {
        "503": outcomes["503"],
        "reset_before": outcomes["reset_before"],
    }
    assert fresh.control.stats()[f"GET {endpoints.ACCOUNT.path}"] == 40
    assert fresh.control.faults()[0]["rate"] == 0.5  # a rate rule without a count stays


def test_connection_fault_rule_through_the_control_api_body(fresh: SandboxProcess) -> None:
    """The raw control API takes the new fields (what another language's harness would send)."""
    body = {"kind": "reset_after", "path_prefix": "/domains", "method": "POST"}
    response = httpx.post(
        fresh.url + "/_sandbox/faults", json=body, headers=fresh.control_headers, timeout=10
    )
    assert response.status_code == 200
    (rule,) = response.json()["faults"]
    assert (rule["kind"], rule["count"], rule["hold_seconds"]) == ("reset_after", 1, 2.0)
    bad = httpx.post(
        fresh.url + "/_sandbox/faults",
        json={"kind": "explode"},
        headers=fresh.control_headers,
        timeout=10,
    )
    assert bad.status_code == 422


def test_a_rate_rule_faults_logins_too(fresh: SandboxProcess) -> None:
    """A rule for every request reaches a Mailin.ai login (whose account is known only once its
    body is read): after a reset past processing, the token was issued and its reply lost."""
    fresh.control.add_fault(kind="reset_after", rate=1.0, count=1, method="POST")
    login = {"email": "sandbox@mailin.test", "password": "sandbox-password", "device_name": "t"}
    with httpx.Client(base_url=fresh.mailin_url, timeout=PATIENT_TIMEOUT) as client:
        with pytest.raises(httpx.ReadError):
            client.post(mailin_endpoints.LOGIN.path, json=login)
        assert fresh.control.mailin_live_tokens() == 1
        assert client.post(mailin_endpoints.LOGIN.path, json=login).status_code == 200
    assert fresh.control.mailin_live_tokens() == 2
    assert fresh.control.faults_injected() == {"reset_after": 1}


# the rules, in process ---------------------------------------------------------------------------
def faults_of(queue: FaultQueue, requests: int, mailin: bool = False) -> list[str | None]:
    taken = (queue.take("GET", "/domains", mailin=mailin) for _ in range(requests))
    return [fault.label if fault is not None else None for fault in taken]


def rate_queue(**rule: Any) -> FaultQueue:
    queue = FaultQueue()
    queue.add(FaultRule.model_validate(rule))
    return queue


def test_a_seeded_rate_rule_repeats_its_choices() -> None:
    kinds = [429, 503, "reset_before", "reset_after", "timeout_before", "timeout_after"]
    first = faults_of(rate_queue(kinds=kinds, rate=0.2, seed=11), 2000)
    again = faults_of(rate_queue(kinds=kinds, rate=0.2, seed=11), 2000)
    other = faults_of(rate_queue(kinds=kinds, rate=0.2, seed=12), 2000)

    assert first == again and first != other
    faulted = [label for label in first if label is not None]
    assert 300 <= len(faulted) <= 500  # about 20% of 2000
    assert set(faulted) == {str(k) for k in kinds}


def test_a_rate_rule_with_a_count_stops_after_count_faults() -> None:
    queue = rate_queue(status=500, rate=0.5, count=3, seed=1)
    assert sum(label is not None for label in faults_of(queue, 200)) == 3
    assert queue.pending() == []


def test_a_rate_rule_that_does_not_fire_leaves_the_request_to_the_next_rule() -> None:
    queue = FaultQueue()
    queue.add(FaultRule(status=429, rate=0.001, seed=5))
    queue.add(FaultRule(status=503, count=2))
    assert faults_of(queue, 3) == ["503", "503", None]


def test_mailin_statuses_in_kinds_fault_mailin_routes_only() -> None:
    assert faults_of(rate_queue(kinds=[311], rate=1.0), 2) == [None, None]
    assert faults_of(rate_queue(kinds=[311, 503], rate=1.0), 3) == ["503"] * 3
    assert faults_of(rate_queue(kinds=[311], rate=1.0), 1, mailin=True) == ["311"]


def test_a_status_rule_reads_as_before() -> None:
    rule = FaultRule.model_validate({"status": 503})
    assert (rule.status, rule.count, rule.rate, rule.kind) == (503, 1, None, None)


@pytest.mark.parametrize(
    "body",
    [
        {},  # no fault
        {"status": 503, "kind": "reset_before"},  # two
        {"status": 404},  # not a fault status
        {"kinds": [503, 200]},
        {"kinds": []},
        {"kind": "reset_before", "rate": 0},
        {"kind": "reset_before", "rate": 1.5},
        {"kind": "timeout_after", "hold_seconds": 0},
    ],
)
def test_bad_rules_are_refused(body: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        FaultRule.model_validate(body)


def test_without_the_servers_transport_a_reset_is_raised_to_the_caller(tmp_path: Path) -> None:
    """Served in process (``httpx.ASGITransport``: no socket to reset), the app raises
    ``ConnectionResetError`` for the client to see; the next request is served."""
    app = create_app(SandboxSettings(tokens=[TOKEN]), tmp_path / "state.db")
    app.state.sandbox.faults.add(FaultRule(kind="reset_before"))

    async def two_requests() -> int:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://sandbox", headers=AUTH
        ) as client:
            with pytest.raises(ConnectionResetError):
                await client.get(endpoints.ACCOUNT.path)
            return (await client.get(endpoints.ACCOUNT.path)).status_code

    loop = asyncio.new_event_loop()  # not asyncio.run: it leaves the thread with no loop
    try:
        assert loop.run_until_complete(two_requests()) == 200
    finally:
        loop.close()

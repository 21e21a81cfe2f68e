"""Pingram sender-domain writes under faults: an add that failed half-way is read back before it
is sent again, so a sender domain is never added twice; start-verification, harmless to repeat,
is simply sent again.

Per write kind: (a) the add took effect but its reply was lost (a dropped connection, a 502);
(b) it failed before acting; (c) it failed three times, then succeeded. Each asserts exactly one
domain made, recorded as made (not adopted). The HTTP is faked (`tests/unit/fake_api.FakeApi`
under the real client that the real runtime builds); the provider runs unchanged."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from pulumi_inboxed.core.accounts import Registry
from pulumi_inboxed.core.endpoint import Endpoint
from pulumi_inboxed.core.errors import BadRequestError, ConflictError
from pulumi_inboxed.core.safe_write import WriteNotConfirmedError, WritePolicy
from pulumi_inboxed.pingram import PingramClient
from pulumi_inboxed.pingram import endpoints as ep
from pulumi_inboxed.pingram import runtime as pg_runtime
from pulumi_inboxed.pingram.sender_domain import SenderDomainProvider

from ..fake_api import Call, FakeApi, Handler

KEY = "pingram_sk_safe_write"
CONFIG: dict[str, Any] = {
    "pingram:baseUrl": "https://pg.safe.test",
    "pingram:apiKey": KEY,
    "pingram:requestsPerSecond": "1000",  # the account's pace, kept out of the way
}
FAST = WritePolicy(attempts=5, initial_wait=0.0, max_wait=0.0)
NAME = "news.safe.example"

OK = "ok"
LOST_READ = "lost-read"  # acts, then the connection drops before the reply
LOST_502 = "lost-502"  # acts, then 502
BEFORE_READ = "before-read"  # the connection drops before Pingram acts
BEFORE_500 = "before-500"
BEFORE_502 = "before-502"  # Pingram's upstream provider failed: nothing added
HIDDEN = "lost-502-unlisted"  # acts, answers 502, and the next listing does not show it yet


def sender(name: str) -> dict[str, Any]:
    return {
        "sender": name,
        "status": "NOT_STARTED",
        "lastSync": "2026-01-01T00:00:00Z",
        "verificationTokens": ["t1"],
        "createdAt": "2026-01-01T00:00:00Z",
        "privateDKIMKey": "-----BEGIN RSA PRIVATE KEY-----\nK\n-----END RSA PRIVATE KEY-----",
        "selector": "pingram01",
    }


def error(status: int) -> httpx.Response:
    return httpx.Response(status, json={"error": {"code": "E", "message": "failed"}})


class FakePingram(FakeApi):
    """Pingram for one key, routed by its endpoint table: the sender domains it holds, every one
    it added (a name twice would be a second object), the verifications started, and every
    request (`calls`). `faults` lists what the next writes do."""

    def __init__(self) -> None:
        super().__init__(ep)
        self.held: dict[str, dict[str, Any]] = {}
        self.made: list[str] = []
        self.started: list[str] = []
        self.faults: list[str] = []
        self.unlisted_reads = 0
        self.exists_status = 409
        """How a second add of a held domain is refused (the sandbox: 400 DOMAIN_ALREADY_EXISTS)."""
        self.on(ep.LIST_DOMAINS, self._list)
        self.on(ep.ADD_DOMAIN, self._written(self._add))
        self.on(ep.START_VERIFICATION, self._written(self._start))

    def handle(self, request: httpx.Request) -> httpx.Response:
        return FakeApi.__call__(self, request)

    def _list(self, _call: Call) -> httpx.Response:
        listed = list(self.held.values())
        if self.unlisted_reads:
            self.unlisted_reads -= 1
            listed = []
        return httpx.Response(200, json=listed)

    def _written(self, write: Callable[[Call], httpx.Response | None]) -> Handler:
        """A write that follows `faults`; `write` acts, or answers a refusal."""

        def answer(call: Call) -> httpx.Response:
            fault = self.faults.pop(0) if self.faults else OK
            if fault == BEFORE_READ:
                raise httpx.ReadError("connection reset", request=call.request)
            if fault.startswith("before-"):
                return error(int(fault.rsplit("-", 1)[1]))
            refused = write(call)
            if refused is not None:
                return refused
            if fault == LOST_READ:
                raise httpx.ReadError("connection reset", request=call.request)
            if fault == HIDDEN:
                self.unlisted_reads = 1
                return error(502)
            if fault == LOST_502:
                return error(502)
            return httpx.Response(200, json=list(self.held.values()))

        return answer

    def _add(self, call: Call) -> httpx.Response | None:
        name = call.body["sender"]
        if name in self.held:
            if self.exists_status == 400:
                return httpx.Response(
                    400, json={"error": {"code": "DOMAIN_ALREADY_EXISTS", "message": "added"}}
                )
            return error(409)
        self.held[name] = sender(name)
        self.made.append(name)
        return None

    def _start(self, call: Call) -> httpx.Response | None:
        name = call.params["sender"]
        self.held[name]["status"] = "PENDING"
        self.started.append(name)
        return None

    def posts(self, endpoint: Endpoint = ep.ADD_DOMAIN) -> int:
        return len(self.calls_to(endpoint))


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakePingram]:
    api = FakePingram()
    transport = httpx.MockTransport(api.handle)

    class Faked(PingramClient):
        def __init__(self, base_url: str, api_key: str, **kwargs: Any) -> None:
            kwargs.update(transport=transport, write_policy=FAST, sleep=lambda _s: None)
            super().__init__(base_url, api_key, **kwargs)

    monkeypatch.setattr(pg_runtime.CLIENTS, "client_class", Faked)
    monkeypatch.setattr(pg_runtime.CLIENTS, "clients", Registry())
    for name in ("PINGRAM_API_KEY", "PINGRAM_BASE_URL", "PINGRAM_ACCOUNTS"):
        monkeypatch.delenv(name, raising=False)
    yield api


def create(start_verification: bool = False) -> dict[str, Any]:
    p = SenderDomainProvider()
    p._config = CONFIG  # as configure() sets it
    props = p.check({}, {"domain": NAME, "start_verification": start_verification}).inputs
    created = p.create(props)
    assert created.id == NAME
    return dict(created.outs)


@pytest.mark.parametrize(
    ("faults", "adds"),
    [
        ([LOST_READ], 1),  # (a) took effect, reply lost: found in the listing
        ([LOST_502], 1),
        ([BEFORE_READ], 2),  # (b) failed before acting: sent again
        ([BEFORE_500], 2),
        ([BEFORE_502], 2),
        ([BEFORE_READ, BEFORE_502, BEFORE_500], 4),  # (c) three failures, then success
        ([HIDDEN], 2),  # took effect, not listed yet: the re-send's 409 reads it back
    ],
)
def test_an_add_makes_one_sender_domain_recorded_as_made(
    fake: FakePingram, faults: list[str], adds: int
) -> None:
    fake.faults = list(faults)
    outs = create()
    assert fake.made == [NAME]  # one object, never two
    assert outs["adopted"] is False  # this run's own: destroy removes it
    assert outs["status"] == "NOT_STARTED"
    assert fake.posts() == adds


def test_a_resend_refused_as_already_existing_reads_the_listing_again(
    fake: FakePingram,
) -> None:
    fake.exists_status = 400  # as the sandbox answers
    fake.faults = [HIDDEN]
    outs = create()
    assert fake.made == [NAME] and outs["adopted"] is False and fake.posts() == 2


def test_the_upstream_providers_502_is_retried_and_keeps_its_fields(fake: FakePingram) -> None:
    def provider_502(_call: Call) -> httpx.Response:
        """Every add: the upstream provider's 502; nothing is added."""
        return httpx.Response(
            502,
            json={
                "trackingId": "trk_1",
                "error": {"code": "PROVIDER_ERROR", "message": "ses failed", "provider": "ses"},
            },
        )

    fake.on(ep.ADD_DOMAIN, provider_502)
    client = PingramClient(
        CONFIG["pingram:baseUrl"],
        KEY,
        transport=fake.transport(),
        write_policy=FAST,
        sleep=lambda _s: None,
    )
    with pytest.raises(WriteNotConfirmedError) as caught:
        client.add_domain_once(NAME)
    assert "502 PROVIDER_ERROR" in str(caught.value) and "[ses]" in str(caught.value)
    assert "trackingId=trk_1" in str(caught.value) and fake.made == []
    assert fake.posts() == FAST.attempts


def test_an_add_that_never_gets_through_fails_naming_it_and_made_nothing(
    fake: FakePingram,
) -> None:
    fake.faults = [BEFORE_502] * FAST.attempts
    with pytest.raises(WriteNotConfirmedError, match=rf"POST /domains for {NAME}"):
        create()
    assert fake.made == [] and fake.posts() == FAST.attempts


@pytest.mark.parametrize("status", [409, 400])
def test_a_refusal_of_the_first_send_is_not_retried(fake: FakePingram, status: int) -> None:
    fake.held[NAME] = sender(NAME)
    fake.exists_status = status
    client = pg_runtime.client_for(CONFIG)
    with pytest.raises(ConflictError if status == 409 else BadRequestError):
        client.add_domain_once(NAME)
    assert fake.posts() == 1


@pytest.mark.parametrize(
    ("faults", "starts"),
    [
        ([OK, LOST_READ], 2),  # it took effect: sent again all the same, harmless
        ([OK, BEFORE_500], 2),
        ([OK, BEFORE_READ, BEFORE_500, BEFORE_502], 4),
    ],
)
def test_start_verification_is_sent_again_and_the_domain_made_once(
    fake: FakePingram, faults: list[str], starts: int
) -> None:
    fake.faults = list(faults)
    outs = create(start_verification=True)
    assert fake.made == [NAME] and outs["adopted"] is False
    assert outs["status"] == "PENDING"
    assert fake.posts(ep.START_VERIFICATION) == starts

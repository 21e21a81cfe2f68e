"""MailChannels Inbound writes under faults: a write that failed half-way is read back before it
is sent again, so no domain is ever provisioned twice, and a collection finishes what it can.

Per write kind (`POST /domains/batch` through `InboundDomains`, the single `POST /domains`):
(a) the write took effect but its reply was lost (a dropped connection, a 502); (b) it failed
before acting; (c) it failed three times, then succeeded. Each asserts exactly one domain made
per name, recorded as made (not adopted). The HTTP is faked (`tests/unit/fake_api.FakeApi` under
the real client that the real runtime builds); the provider runs unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pulumi_inboxed.core.accounts import Registry
from pulumi_inboxed.core.partial_failure import PartialFailure
from pulumi_inboxed.core.safe_write import WriteNotConfirmedError, WritePolicy
from pulumi_inboxed.mailchannels import MailChannelsClient
from pulumi_inboxed.mailchannels import endpoints as ep
from pulumi_inboxed.mailchannels import runtime as mc_runtime
from pulumi_inboxed.mailchannels.inbound_domains import InboundDomainsProvider
from pulumi_inboxed.mailchannels.models import InboundDomain

from ..fake_api import Call, FakeApi

KEY = "mc-safe-write-key"
BASE = "https://mc.safe.test/inbound/v1"
CONFIG: dict[str, Any] = {
    "mailchannels:baseUrl": BASE,
    "mailchannels:apiKey": KEY,
    "mailchannels:requestsPerSecond": "1000",  # the account's pace, kept out of the way
}
SUB = "sub-x"
FAST = WritePolicy(attempts=5, initial_wait=0.0, max_wait=0.0)

# What the fake does with the next write (one entry per POST, then "ok" for good):
OK = "ok"
LOST_READ = "lost-read"  # acts, then the connection drops before the reply (httpx.ReadError)
LOST_502 = "lost-502"  # acts, then a gateway answers 502
BEFORE_READ = "before-read"  # the connection drops before the API acts
BEFORE_502 = "before-502"  # 502 without acting
BEFORE_500 = "before-500"  # 500 without acting
RATE_503 = "rate-503"  # MailChannels' rate limit: not processed


def failing_500(name: str) -> str:
    """Acts on every domain of the batch but `name`, which it answers 500 for."""
    return f"domain-500:{name}"


def lost_after(k: int) -> str:
    """Acts on the first `k` domains of the batch only, then the connection drops."""
    return f"lost-after-{k}"


class FakeInbound(FakeApi):
    """MailChannels Inbound for one API key, routed by its endpoint table: the domains it holds,
    every domain it provisioned (in order: a name twice would be a second object made), and
    every request (`seen`: method, path, the domains a write carried)."""

    def __init__(self) -> None:
        super().__init__(ep, base_path="/inbound/v1")
        self.held: dict[str, dict[str, Any]] = {}
        self.made: list[str] = []
        self.faults: list[str] = []
        self.seen: list[tuple[str, str, list[str]]] = []
        self.on(ep.LIST_DOMAINS, self._list)
        self.on(ep.PROVISION_DOMAINS, lambda call: self._write(call, call.body["domains"]))
        self.on(ep.PROVISION_DOMAIN, lambda call: self._write(call, [call.body]))

    def handle(self, request: httpx.Request) -> httpx.Response:
        return FakeApi.__call__(self, request)

    def _provision(self, bodies: list[dict[str, Any]], overwrite: bool) -> list[dict[str, Any]]:
        done = []
        for body in bodies:
            name = body["domain"]
            if name not in self.held:
                self.made.append(name)
            elif not overwrite:
                done.append({"domain": body, "code": 409, "comment": "already provisioned"})
                continue
            self.held[name] = body
            done.append({"domain": body, "code": 201, "comment": "provisioned"})
        return done

    def _list(self, call: Call) -> httpx.Response:
        self.seen.append(("GET", call.path, []))
        wanted = call.query.get_list("domains")
        found = [d for n, d in sorted(self.held.items()) if not wanted or n in wanted]
        return httpx.Response(200, json={"domains": found})

    def _write(self, call: Call, bodies: list[dict[str, Any]]) -> httpx.Response:
        request = call.request
        batch = call.endpoint == ep.PROVISION_DOMAINS
        self.seen.append((request.method, call.path, [d["domain"] for d in bodies]))
        fault = self.faults.pop(0) if self.faults else OK
        overwrite = call.query.get("overwrite") == "true"
        if fault == RATE_503:
            return httpx.Response(503, json={"code": 0, "message": "rate limit", "errors": []})
        if fault.startswith("before-"):
            if fault == BEFORE_READ:
                raise httpx.ReadError("connection reset", request=request)
            status = int(fault.rsplit("-", 1)[1])
            return httpx.Response(status, json={"code": 0, "message": "failed", "errors": []})
        if fault.startswith("lost-after-"):
            self._provision(bodies[: int(fault.rsplit("-", 1)[1])], overwrite)
            raise httpx.ReadError("connection reset", request=request)
        if fault.startswith("domain-500:"):
            name = fault.partition(":")[2]
            failed = [{"domain": b, "code": 500, "comment": "internal error"} for b in bodies]
            bodies = [b for b in bodies if b["domain"] != name]
            failed = [f for f in failed if f["domain"]["domain"] == name]
            return httpx.Response(
                200, json={"successes": self._provision(bodies, overwrite), "errors": failed}
            )
        results = self._provision(bodies, overwrite)
        if fault == LOST_READ:
            raise httpx.ReadError("connection reset", request=request)
        if fault == LOST_502:
            return httpx.Response(502, text="Bad Gateway")
        if not batch:
            return httpx.Response(201, json=results[0]["domain"])
        ok = [r for r in results if r["code"] == 201]
        errors = [r for r in results if r["code"] != 201]
        return httpx.Response(200, json={"successes": ok, "errors": errors})

    def writes(self) -> list[list[str]]:
        """The domains each write carried, in order."""
        return [names for method, _p, names in self.seen if method == "POST"]


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeInbound]:
    """The runtime builds its clients as ever (with the account's pace); their HTTP goes to
    `FakeInbound`, and they wait for nothing between tries."""
    api = FakeInbound()
    transport = httpx.MockTransport(api.handle)

    class Faked(MailChannelsClient):
        def __init__(self, base_url: str, api_key: str, **kwargs: Any) -> None:
            kwargs.update(transport=transport, write_policy=FAST, sleep=lambda _s: None)
            super().__init__(base_url, api_key, **kwargs)

    monkeypatch.setattr(mc_runtime.CLIENTS, "client_class", Faked)
    monkeypatch.setattr(mc_runtime.CLIENTS, "clients", Registry())
    for name in ("MAILCHANNELS_API_KEY", "MAILCHANNELS_BASE_URL", "MAILCHANNELS_ACCOUNTS"):
        monkeypatch.delenv(name, raising=False)
    yield api


def provider() -> InboundDomainsProvider:
    configured = InboundDomainsProvider()
    configured._config = CONFIG  # as configure() sets it
    return configured


def inputs(p: InboundDomainsProvider, names: list[str], **extra: Any) -> dict[str, Any]:
    news = {
        "subscription_handle": SUB,
        "domains": [{"domain": n, "settings": {"abuse_policy": "block"}} for n in names],
        **extra,
    }
    result = p.check({}, news)
    assert result.failures == []
    return dict(result.inputs)


NAMES = ["one.com", "two.com", "three.com"]


def assert_made_once_and_recorded_as_made(fake: FakeInbound, outs: dict[str, Any]) -> None:
    assert sorted(fake.made) == sorted(NAMES)  # one object per name, never two
    assert outs["provisioned"] == sorted(NAMES)
    assert outs["adopted_domains"] == []  # this run's own: destroy removes them
    assert outs["failed_domains"] == {}
    assert [d["domain"] for d in outs["domains"]] == NAMES


# (a) the batch took effect, its reply was lost


@pytest.mark.parametrize("fault", [LOST_READ, LOST_502])
def test_a_batch_that_took_effect_is_found_not_sent_again(fake: FakeInbound, fault: str) -> None:
    fake.faults = [fault]
    p = provider()
    created = p.create(inputs(p, NAMES))
    assert_made_once_and_recorded_as_made(fake, created.outs)
    assert fake.writes() == [NAMES]  # read back, found: not sent again


def test_a_batch_that_took_effect_for_some_domains_resends_only_the_others(
    fake: FakeInbound,
) -> None:
    fake.faults = [lost_after(1)]
    p = provider()
    created = p.create(inputs(p, NAMES))
    assert_made_once_and_recorded_as_made(fake, created.outs)
    assert fake.writes() == [NAMES, NAMES[1:]]


# (b) the batch failed before acting


@pytest.mark.parametrize("fault", [BEFORE_READ, BEFORE_502, BEFORE_500])
def test_a_batch_that_failed_before_acting_is_sent_again_once(
    fake: FakeInbound, fault: str
) -> None:
    fake.faults = [fault]
    p = provider()
    created = p.create(inputs(p, NAMES))
    assert_made_once_and_recorded_as_made(fake, created.outs)
    assert fake.writes() == [NAMES, NAMES]
    methods = [m for m, _p, _n in fake.seen]
    assert methods == ["GET", "POST", "GET", "POST"]  # held? send, read back, send again


# (c) three failures, then success


def test_a_batch_that_failed_three_times_then_succeeded_made_each_domain_once(
    fake: FakeInbound,
) -> None:
    fake.faults = [BEFORE_READ, BEFORE_502, BEFORE_500]
    p = provider()
    created = p.create(inputs(p, NAMES))
    assert_made_once_and_recorded_as_made(fake, created.outs)
    assert fake.writes() == [NAMES] * 4


def test_three_mixed_failures_some_acting_then_success(fake: FakeInbound) -> None:
    fake.faults = [BEFORE_502, lost_after(1), BEFORE_READ]
    p = provider()
    created = p.create(inputs(p, NAMES))
    assert_made_once_and_recorded_as_made(fake, created.outs)
    assert fake.writes() == [NAMES, NAMES, NAMES[1:], NAMES[1:]]


def test_the_503_rate_limit_is_retried_by_the_http_layer_without_reading_back(
    fake: FakeInbound,
) -> None:
    fake.faults = [RATE_503, RATE_503, RATE_503]
    p = provider()
    created = p.create(inputs(p, NAMES))
    assert_made_once_and_recorded_as_made(fake, created.outs)
    assert [m for m, _p, _n in fake.seen] == ["GET", "POST", "POST", "POST", "POST"]


def test_a_per_domain_500_is_read_back_and_only_that_domain_sent_again(
    fake: FakeInbound,
) -> None:
    fake.faults = [failing_500("two.com")]
    p = provider()
    created = p.create(inputs(p, NAMES))
    assert_made_once_and_recorded_as_made(fake, created.outs)
    assert fake.writes() == [NAMES, ["two.com"]]


def test_an_overwrite_that_took_effect_is_found_by_what_the_domain_holds(
    fake: FakeInbound,
) -> None:
    p = provider()
    created = p.create(inputs(p, NAMES))
    flagged = inputs(p, NAMES)
    flagged["domains"][1]["settings"]["abuse_policy"] = "quarantine"
    fake.faults = [LOST_READ]
    updated = p.update(created.id, created.outs, flagged).outs
    assert fake.writes() == [NAMES, ["two.com"]]  # the overwrite acted: found, not re-sent
    assert fake.held["two.com"]["settings"]["abusePolicy"] == "quarantine"
    assert updated["domains"][1]["settings"]["abuse_policy"] == "quarantine"
    assert updated["adopted_domains"] == [] and sorted(fake.made) == sorted(NAMES)

    quarantined = inputs(p, NAMES)
    for entry in quarantined["domains"]:
        entry["settings"]["abuse_policy"] = "quarantine"
    fake.faults = [BEFORE_502]  # did not act: the listing still holds "block", so sent again
    p.update(created.id, updated, quarantined)
    assert fake.writes()[2:] == [["one.com", "three.com"], ["one.com", "three.com"]]
    assert {d["settings"]["abusePolicy"] for d in fake.held.values()} == {"quarantine"}


# A collection finishes what it can; the next up touches only what failed


def test_a_failed_chunk_does_not_stop_the_others_and_the_next_update_sends_only_it(
    fake: FakeInbound, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ep, "MAX_DOMAINS_PER_BATCH", 2)
    names = ["c1.com", "c2.com", "c3.com", "c4.com", "c5.com"]
    # chunk 1 (c1, c2) never gets through; chunk 2 (c3, c4) and chunk 3 (c5) do
    fake.faults = [BEFORE_502] * FAST.attempts
    p = provider()
    props = inputs(p, names)
    with pytest.raises(PartialFailure) as caught:
        p.create(props)
    failure = caught.value
    assert failure.id_ == f"{SUB}/c1.com"
    outs = failure.outs
    assert outs["provisioned"] == ["c3.com", "c4.com", "c5.com"]
    assert [d["domain"] for d in outs["domains"]] == ["c3.com", "c4.com", "c5.com"]
    assert outs["adopted_domains"] == []
    assert sorted(outs["failed_domains"]) == ["c1.com", "c2.com"]
    assert len(failure.reasons) == 2
    for name, reason in zip(["c1.com", "c2.com"], failure.reasons, strict=True):
        assert reason.startswith(f"{name}: ") and "failed 5 times" in reason
    assert "c1.com" in str(failure) and "c2.com" in str(failure)
    assert sorted(fake.made) == ["c3.com", "c4.com", "c5.com"]

    # The next `pulumi up`: the engine calls update(olds=the recorded outs, news).
    before = len(fake.seen)
    updated = p.update(failure.id_, outs, props).outs
    after = fake.seen[before:]
    assert [n for m, _p, n in after if m != "GET"] == [["c1.com", "c2.com"]]
    assert updated["provisioned"] == sorted(names)
    assert [d["domain"] for d in updated["domains"]] == names
    assert updated["adopted_domains"] == [] and updated["failed_domains"] == {}
    assert sorted(fake.made) == sorted(names)


def test_a_refusal_fails_only_its_domains_and_a_later_update_touches_only_them(
    fake: FakeInbound,
) -> None:
    fake.held["taken.com"] = {"domain": "taken.com"}  # held, overwrite=False: adopted
    p = provider()
    props = inputs(p, ["ok.com", "taken.com", "also.com"])
    fake.faults = [OK]
    created = p.create(props)
    assert created.outs["adopted_domains"] == ["taken.com"]
    changed = inputs(p, ["ok.com", "taken.com", "also.com"])
    for entry in changed["domains"]:
        entry["settings"]["abuse_policy"] = "quarantine"
    fake.faults = [BEFORE_502] * FAST.attempts  # the overwrite never gets through
    with pytest.raises(PartialFailure) as caught:
        p.update(created.id, created.outs, changed)
    outs = caught.value.outs
    # failed overwrites keep their old entries (they are provisioned, with the old settings)
    policies = [(d["settings"] or {}).get("abuse_policy") for d in outs["domains"]]
    assert policies == ["block", None, "block"]  # taken.com: as MailChannels held it
    assert outs["provisioned"] == ["also.com", "ok.com", "taken.com"]
    before = len(fake.seen)
    again = p.update(created.id, outs, changed).outs
    assert [n for m, _p, n in fake.seen[before:] if m != "GET"] == [
        ["also.com", "ok.com", "taken.com"]
    ]
    assert again["failed_domains"] == {} and again["adopted_domains"] == ["taken.com"]


def test_with_fail_on_domain_errors_false_the_failures_are_outputs_only(
    fake: FakeInbound,
) -> None:
    fake.faults = [BEFORE_502] * FAST.attempts
    p = provider()
    outs = p.create(inputs(p, ["x.com"], fail_on_domain_errors=False)).outs
    assert outs["provisioned"] == [] and outs["domains"] == []
    assert list(outs["failed_domains"]) == ["x.com"]
    assert fake.made == []


# The single-domain POST /domains


def client(fake: FakeInbound) -> MailChannelsClient:
    transport = httpx.MockTransport(fake.handle)
    return MailChannelsClient(
        BASE, KEY, transport=transport, write_policy=FAST, sleep=lambda _s: None
    )


def one(name: str) -> InboundDomain:
    return InboundDomain.model_validate({"domain": name, "subscriptionHandle": SUB})


@pytest.mark.parametrize(
    ("faults", "sends"),
    [
        ([LOST_READ], 1),  # (a) took effect, reply lost: found
        ([LOST_502], 1),
        ([BEFORE_READ], 2),  # (b) failed before acting: sent again
        ([BEFORE_502], 2),
        ([BEFORE_READ, BEFORE_502, BEFORE_500], 4),  # (c) three failures, then success
    ],
)
def test_single_domain_provision_makes_one_domain(
    fake: FakeInbound, faults: list[str], sends: int
) -> None:
    fake.faults = list(faults)
    got = client(fake).provision_domain(one("single.com"))
    assert got.domain == "single.com"
    assert fake.made == ["single.com"]
    assert fake.writes() == [["single.com"]] * sends


def test_single_domain_provision_gives_up_naming_the_write(fake: FakeInbound) -> None:
    fake.faults = [BEFORE_502] * FAST.attempts
    with pytest.raises(WriteNotConfirmedError, match=r"POST /domains for single\.com"):
        client(fake).provision_domain(one("single.com"))
    assert fake.made == [] and len(fake.writes()) == FAST.attempts

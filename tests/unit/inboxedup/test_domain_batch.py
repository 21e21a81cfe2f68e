"""inboxedup.DomainBatch: its declaration checked at preview (the bad-input table, unknowns,
defaults), the diff, the pickled provider, and create/update/delete against an InboxedUp that
answers in other shapes.

The fake API (`OtherApi`, on `tests/unit/fake_api.FakeApi`) is written from the pages, not from
our endpoint shapes: where no page shows a shape it answers in another reasonable one (batch id
on the envelope only, duplicates refused without their id, a whole submit refused with 422 when
every name exists, lists in `data` with a `pagination` object, a verify answer without
`verified`). Nothing of the provider is replaced: only the HTTP transport is.
"""

from __future__ import annotations

import itertools
import pickle
import time
from collections.abc import Iterator
from typing import Any

import dill
import httpx
import pytest
from pulumi.output import Unknown as _Unknown
from pulumi.runtime import rpc

from pulumi_inboxed.core.endpoint import Endpoint
from pulumi_inboxed.core.http import RetryPolicy
from pulumi_inboxed.core.lifecycle import DeleteNotConfirmedError
from pulumi_inboxed.inboxedup import InboxedUpClient
from pulumi_inboxed.inboxedup import endpoints as ep
from pulumi_inboxed.inboxedup.domain_batch import DomainBatchProvider
from pulumi_inboxed.inboxedup.runtime import InboxedUpRuntime

from ..conftest import BadInput, PreviewCheck, assert_rejected_at_preview
from ..fake_api import Call, FakeApi

GOOD: dict[str, Any] = {"domains": ["acme-outreach.com", "bücher-acme.de"]}
ONE = {"domains": ["one.com"]}

BAD_INPUTS = [
    BadInput("domains-missing", {}, "domains", "is required"),
    BadInput("domains-a-string", {"domains": "a.com"}, "domains", "valid list"),
    BadInput("domains-empty", {"domains": []}, "domains", "at least 1 item"),
    BadInput(
        "domains-too-many",
        {"domains": [f"d{i}.com" for i in range(5001)]},
        "domains",
        "at most 5000 items",
    ),
    BadInput("domain-a-number", {"domains": [123]}, "domains[0]", "valid string"),
    BadInput("domain-an-object", {"domains": [{"name": "x.com"}]}, "domains[0]", "valid string"),
    BadInput("domain-a-bool", {"domains": ["a.com", True]}, "domains[1]", "valid string"),
    BadInput(
        "domain-not-idna", {"domains": ["ok.com", "bad_name.com"]}, "domains[1]", "not a valid IDNA"
    ),
    BadInput("domain-no-dot", {"domains": ["localhost"]}, "domains[0]"),
    BadInput("domain-label-too-long", {"domains": ["a" * 64 + ".com"]}, "domains[0]"),
    BadInput("domain-blank", {"domains": ["  "]}, "domains[0]"),
    BadInput(
        "domain-duplicate",
        {"domains": ["ok.com", "other.com", "OK.com."]},
        "domains[2]",
        "duplicate of entry 0",
    ),
    BadInput(
        "domain-mixed-script",
        {"domains": ["\u0430pple-pay.com"]},  # a Cyrillic a
        "domains[0]",
        "mixes the CYRILLIC and LATIN scripts",
    ),
    BadInput(
        "domain-mixed-script-other-name-allowed",
        {"domains": ["\u0440\u0430ypal.com"], "allow_mixed_script": ["\u0430pple-pay.com"]},
        "domains[0]",
        "allow_mixed_script",
    ),
    BadInput(
        "allow-mixed-script-a-string",
        {**ONE, "allow_mixed_script": "x"},
        "allow_mixed_script",
        "valid list",
    ),
    BadInput("wait-for-a-number", {**ONE, "wait_for": 5}, "wait_for", "'ns_ready' or 'active'"),
    BadInput("wait-for-unknown", {**ONE, "wait_for": "soon"}, "wait_for", "'ns_ready' or 'active'"),
    BadInput("wait-for-upper", {**ONE, "wait_for": "ACTIVE"}, "wait_for", "'ns_ready' or 'active'"),
    BadInput(
        "timeout-negative",
        {**ONE, "wait_timeout_seconds": -1},
        "wait_timeout_seconds",
        "greater than or equal to 0",
    ),
    BadInput(
        "timeout-huge",
        {**ONE, "wait_timeout_seconds": 1e12},
        "wait_timeout_seconds",
        "less than or equal to 86400",
    ),
    BadInput(
        "timeout-a-string",
        {**ONE, "wait_timeout_seconds": "abc"},
        "wait_timeout_seconds",
        "valid number",
    ),
    BadInput(
        "timeout-a-numeric-string",
        {**ONE, "wait_timeout_seconds": "900"},
        "wait_timeout_seconds",
        "valid number",
    ),
    BadInput(
        "timeout-a-bool",
        {**ONE, "wait_timeout_seconds": True},
        "wait_timeout_seconds",
        "valid number",
    ),
    BadInput("timeout-nan", {**ONE, "wait_timeout_seconds": float("nan")}, "wait_timeout_seconds"),
    BadInput(
        "fail-on-errors-a-string",
        {**ONE, "fail_on_domain_errors": "false"},
        "fail_on_domain_errors",
        "valid boolean",
    ),
    BadInput(
        "fail-on-errors-a-number",
        {**ONE, "fail_on_domain_errors": 0},
        "fail_on_domain_errors",
        "valid boolean",
    ),
    BadInput(
        "import-id-a-number", {**ONE, "import_batch_id": 12}, "import_batch_id", "valid string"
    ),
    BadInput("import-id-blank", {**ONE, "import_batch_id": "  "}, "import_batch_id", "at least 1"),
    BadInput("trigger-a-list", {**ONE, "verify_ns_trigger": [1]}, "verify_ns_trigger"),
    BadInput("trigger-a-fraction", {**ONE, "verify_ns_trigger": 1.5}, "verify_ns_trigger"),
    BadInput(
        "destroy-adopted-a-string",
        {**ONE, "destroy_adopted": "yes"},
        "destroy_adopted",
        "valid boolean",
    ),
]


@pytest.mark.bad_input
@pytest.mark.parametrize("bad", BAD_INPUTS, ids=lambda b: b.case)
def test_bad_input_is_rejected_at_preview(preview_check: PreviewCheck, bad: BadInput) -> None:
    assert_rejected_at_preview(preview_check(DomainBatchProvider, bad.inputs), bad)


def test_good_input_passes_with_no_api_call(preview_check: PreviewCheck) -> None:
    outcome = preview_check(DomainBatchProvider, GOOD)
    assert outcome.failures == {} and outcome.aborted is None and outcome.requests == 0
    allowed = {"domains": ["\u0430pple-pay.com"], "allow_mixed_script": ["\u0430pple-pay.com"]}
    outcome = preview_check(DomainBatchProvider, allowed)
    assert outcome.failures == {} and outcome.aborted is None and outcome.requests == 0


def Unknown() -> object:
    return _Unknown()  # type: ignore[no-untyped-call]


def check(**news: Any) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    result = DomainBatchProvider().check({}, news)
    return result.inputs, [(f.property, f.reason) for f in result.failures]


def test_unknown_domains_and_entries_pass_and_known_ones_are_still_checked() -> None:
    for domains in (Unknown(), ["a.com", Unknown()], ["a.com", rpc.UNKNOWN]):
        inputs, failures = check(domains=domains)
        assert failures == []
        assert inputs["destroy_adopted"] is False
        assert inputs["domains"] is domains or inputs["domains"] == domains
    _, failures = check(domains=["bad_name.com", Unknown()])
    assert [p for p, _ in failures] == ["domains[0]"]
    _, failures = check(domains=Unknown(), wait_for=5)
    assert [p for p, _ in failures] == ["wait_for"]


def test_check_normalizes_and_fills_defaults() -> None:
    inputs, failures = check(domains=["Example.COM", "bücher.de"])
    assert failures == []
    assert inputs["domains"] == ["example.com", "xn--bcher-kva.de"]
    assert inputs["wait_for"] == "ns_ready"
    assert inputs["wait_timeout_seconds"] == 900
    assert inputs["fail_on_domain_errors"] is True
    assert inputs["destroy_adopted"] is False
    inputs, failures = check(domains=["a.com"], wait_timeout_seconds=60.0, verify_ns_trigger=2.0)
    assert failures == [] and inputs["verify_ns_trigger"] == 2


def test_check_names_each_bad_entry_and_the_reason_in_one_preview() -> None:
    _, failures = check(domains=["ok.com", "no_way.com", "OK.com"], wait_for="soon")
    props = dict(failures)
    assert "no_way.com" in props["domains[1]"] and "IDNA" in props["domains[1]"]
    assert "duplicate of entry 0" in props["domains[2]"]
    assert "'soon'" in props["wait_for"]


def record(status: str) -> dict[str, Any]:
    return {"id": "x", "status": status, "batch_id": "b", "ns1": None, "ns2": None}


def diff(olds: dict[str, Any], news: dict[str, Any]) -> tuple[bool | None, list[str]]:
    result = DomainBatchProvider().diff("b", olds, news)
    return result.changes, list(result.replaces or [])


def test_diff_never_replaces_and_ignores_order() -> None:
    olds = {"records": {"a.com": record("ACTIVE"), "b.com": record("PENDING_NS")}}
    assert diff(olds, {"domains": ["b.com", "a.com"], "wait_for": "ns_ready"}) == (False, [])
    assert diff(olds, {"domains": ["a.com"], "wait_for": "ns_ready"}) == (True, [])
    assert diff(olds, {"domains": ["a.com", "b.com", "c.com"]}) == (True, [])
    # a plain input changes in place; `wait_for` alone does not (it matters with the domains)
    same = {"domains": ["a.com", "b.com"], "wait_for": "ns_ready"}
    assert diff({**olds, **same}, {**same, "wait_timeout_seconds": 60}) == (True, [])
    assert diff({**olds, **same}, {**same, "destroy_adopted": True}) == (True, [])
    assert diff({**olds, "wait_for": "active", "domains": same["domains"]}, same) == (False, [])


def test_diff_sees_unfinished_work() -> None:
    olds = {"records": {"a.com": record("ACTIVE"), "b.com": record("PENDING_NS")}}
    assert diff(olds, {"domains": ["a.com", "b.com"], "wait_for": "active"})[0] is True
    failed = {"records": {"a.com": record("ACTIVE"), "f.com": record("FAILED")}}
    assert diff(failed, {"domains": ["a.com", "f.com"], "wait_for": "ns_ready"})[0] is True


def test_the_pickled_provider_holds_no_configuration() -> None:
    provider = DomainBatchProvider()
    provider._config = {"inboxedup:apiToken": "tok-secret"}  # as configure() would set it
    blob = dill.dumps(provider, recurse=True)
    assert b"tok-secret" not in blob
    assert isinstance(pickle.loads(blob), DomainBatchProvider)


# create / update / delete against an API of other shapes ---------------------------------

BASE = "https://iu.example/v1"
_ids = itertools.count(1)


class OtherApi(FakeApi):
    """A small stateful InboxedUp whose unpublished reply shapes differ from ours, routed by
    InboxedUp's endpoint table."""

    def __init__(self, *, pending_after: float = 0.15) -> None:
        super().__init__(ep, base_path="/v1")
        self.on(ep.SUBMIT_DOMAINS, self._submit)
        self.on(ep.LIST_DOMAINS, self._list)
        self.on(ep.BATCH_STATUS, self._batch)
        self.on(ep.VERIFY_DOMAIN_NS, self._verify)
        self.on(ep.GET_DOMAIN, self._get)
        self.on(ep.REMOVE_DOMAIN, self._remove)
        self.domains: dict[str, dict[str, Any]] = {}  # id -> {domain, batch, created, removed}
        self.pending_after = pending_after
        self.duplicates_without_id = True
        self.all_exist_answers_422 = True
        self.status_failures = 0  # batch-status fetches that fail before answering
        self.status_fails_forever = False
        self.verify_answers_404 = False
        self.delete_answers_404_and_keeps = False
        self.activated: set[str] = set()

    def holds(self, name: str) -> dict[str, Any] | None:
        return next(
            (d for d in self.domains.values() if d["domain"] == name and not d["removed"]), None
        )

    def add(self, name: str, batch: str = "batch_outside") -> str:
        domain_id = f"dom_{next(_ids)}"
        self.domains[domain_id] = {
            "id": domain_id,
            "domain": name,
            "batch": batch,
            "created": time.monotonic() - 60,
            "removed": False,
        }
        return domain_id

    def status(self, d: dict[str, Any]) -> str:
        if d["id"] in self.activated:
            return "ACTIVE"
        return "PENDING_NS" if time.monotonic() - d["created"] >= self.pending_after else "QUEUED"

    def view(self, d: dict[str, Any]) -> dict[str, Any]:
        ready = self.status(d) != "QUEUED"
        return {
            "id": d["id"],
            "name": d["domain"],  # `name`, not `domain`
            "status": self.status(d).lower(),  # lower case
            "ns1": "a.ns.example" if ready else None,
            "ns2": "b.ns.example" if ready else None,
        }

    def _live(self) -> list[dict[str, Any]]:
        return [d for d in self.domains.values() if not d["removed"]]

    def _submit(self, call: Call) -> httpx.Response:
        wanted: list[str] = call.body["domains"]
        held = [n for n in wanted if self.holds(n)]
        if held and len(held) == len(wanted) and self.all_exist_answers_422:
            return httpx.Response(422, json={"message": "all domains already exist"})
        batch = f"batch_{next(_ids)}"
        made = [self.domains[self.add(n, batch)] for n in wanted if n not in held]
        for d in made:
            d["created"] = time.monotonic()
        return httpx.Response(
            201,
            json={
                "success": True,
                "data": {
                    "batchId": batch,  # on the envelope only
                    "domains": [
                        {"id": d["id"], "domain": d["domain"], "status": "QUEUED"} for d in made
                    ],
                    "rejected": [{"domain": n, "reason": "duplicate"} for n in held],
                },
            },
        )

    def _list(self, call: Call) -> httpx.Response:
        page = int(call.query.get("page", "1"))
        name = call.query.get("domain")
        items = [self.view(d) for d in self._live() if name is None or d["domain"] == name]
        size = 2  # its own page size, whatever `limit` asks
        chunk = items[(page - 1) * size : page * size]
        return httpx.Response(
            200,
            json={
                "data": chunk,
                "pagination": {"page": page, "per_page": size, "total": len(items)},
            },
        )

    def _batch(self, call: Call) -> httpx.Response:
        if self.status_fails_forever:
            raise httpx.ConnectError("connection refused")
        if self.status_failures:
            self.status_failures -= 1
            return httpx.Response(503, json={"message": "maintenance"})
        bid = call.params["batch_id"]
        mine = [d for d in self._live() if d["batch"] == bid]
        groups: dict[tuple[Any, Any], list[dict[str, Any]]] = {}
        for d in mine:
            v = self.view(d)
            groups.setdefault((v["ns1"], v["ns2"]), []).append(
                {"id": d["id"], "domain": d["domain"], "status": self.status(d)}
            )
        return httpx.Response(
            200,
            json={
                "success": True,
                "data": {
                    "batchId": bid,
                    "status": "PROCESSING",
                    "groups": [{"ns1": k[0], "ns2": k[1], "domains": v} for k, v in groups.items()],
                },
            },
        )

    def _verify(self, call: Call) -> httpx.Response:
        if self.verify_answers_404:
            return httpx.Response(404, json={"message": "Cannot POST"})
        self.activated.add(call.params["domain_id"])
        return httpx.Response(200, json={"data": {"status": "ACTIVE"}})  # no `verified`

    def _get(self, call: Call) -> httpx.Response:
        found = self.domains.get(call.params["domain_id"])
        if found is None or found["removed"]:
            return httpx.Response(404, json={"message": "Not Found"})
        return httpx.Response(200, json={"data": self.view(found)})

    def _remove(self, call: Call) -> httpx.Response:
        found = self.domains.get(call.params["domain_id"])
        if self.delete_answers_404_and_keeps or found is None or found["removed"]:
            return httpx.Response(404, json={"message": "Not Found"})
        found["removed"] = True
        return httpx.Response(204)

    def count(self, endpoint: Endpoint, **params: str) -> int:
        return len(self.calls_to(endpoint, **params))


@pytest.fixture
def api() -> OtherApi:
    return OtherApi()


@pytest.fixture
def provider(api: OtherApi, monkeypatch: pytest.MonkeyPatch) -> Iterator[DomainBatchProvider]:
    rt = InboxedUpRuntime(BASE, "tok", poll_interval=0.05, verify_ns_interval=0.1)
    client = InboxedUpClient(
        BASE,
        "tok",
        retry=RetryPolicy(attempts=1, initial_wait=0.01),
        transport=api.transport(),
    )
    rt.__dict__["client"] = client  # the cached client, over the fake transport
    p = DomainBatchProvider()
    monkeypatch.setattr(p, "_runtime", lambda _account=None: rt)
    yield p
    client.close()


def create(provider: DomainBatchProvider, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    result = provider.create(inputs)
    assert result.outs is not None
    return str(result.id), result.outs


def props(*domains: str, **extra: Any) -> dict[str, Any]:
    base = DomainBatchProvider().check({}, {"domains": list(domains), **extra}).inputs
    base["wait_timeout_seconds"] = extra.get("wait_timeout_seconds", 5)
    return base


def test_batch_id_on_the_envelope_only_is_waited_on(
    provider: DomainBatchProvider, api: OtherApi
) -> None:
    """Defect 2: the items carry no batch id; create must still wait on the batch."""
    result_id, outs = create(provider, props("env-one.com", "env-two.com"))
    assert outs["not_ready_domains"] == []
    assert set(outs["statuses"].values()) == {"PENDING_NS"}
    assert all(rec["batch_id"] == result_id for rec in outs["records"].values())
    assert api.count(ep.BATCH_STATUS, batch_id=result_id) >= 1


def test_a_duplicate_refused_without_its_id_is_adopted_not_orphaned(
    provider: DomainBatchProvider, api: OtherApi
) -> None:
    """Defect 3: the account holds old.com; create adopts it and submits only new.com."""
    old_id = api.add("old.com")
    outs = create(provider, props("old.com", "new.com"))[1]
    assert outs["adopted_domains"] == ["old.com"]
    assert outs["records"]["old.com"]["id"] == old_id
    assert set(outs["records"]) == {"old.com", "new.com"}
    assert api.count(ep.SUBMIT_DOMAINS) == 1
    assert [d["domain"] for d in api.domains.values()].count("new.com") == 1


def test_every_domain_held_is_adopted_without_a_failing_submit(
    provider: DomainBatchProvider, api: OtherApi
) -> None:
    """Defect 3: when every name exists the API answers 422; create adopts them all."""
    api.add("held-a.com")
    api.add("held-b.com")
    result_id, outs = create(provider, props("held-a.com", "held-b.com"))
    assert outs["adopted_domains"] == ["held-a.com", "held-b.com"]
    assert outs["not_ready_domains"] == []
    assert api.count(ep.SUBMIT_DOMAINS) == 0
    # the listing gives no batch id: the resource has one of its own, and refresh reads each
    assert result_id == "nobatch-held-a.com"
    read = provider.read(result_id, outs)
    assert (
        read.id == result_id
        and read.outs is not None
        and sorted(read.outs["statuses"]) == ["held-a.com", "held-b.com"]
    )


def test_delete_keeps_adopted_domains_unless_asked(
    provider: DomainBatchProvider, api: OtherApi
) -> None:
    """Defect 15: destroy removes what the resource made, not what it adopted."""
    api.add("before.com")
    outs = create(provider, props("before.com", "made.com"))[1]
    provider.delete("b", outs)
    assert api.holds("before.com") is not None
    assert api.holds("made.com") is None

    outs = create(provider, props("before.com", "made.com"))[1]
    provider.delete("b", {**outs, "destroy_adopted": True})
    assert api.holds("before.com") is None
    assert api.holds("made.com") is None


def test_a_delete_that_answers_404_while_the_domain_stays_fails_naming_it(
    provider: DomainBatchProvider, api: OtherApi
) -> None:
    outs = create(provider, props("stays.com"))[1]
    api.delete_answers_404_and_keeps = True
    with pytest.raises(DeleteNotConfirmedError, match=r"'stays.com'.*404"):
        provider.delete("b", outs)


def test_one_failed_status_fetch_does_not_end_the_wait(
    provider: DomainBatchProvider, api: OtherApi
) -> None:
    """Defect 13: two 503s, then answers: the wait goes on and the domain is ready."""
    api.status_failures = 2
    outs = create(provider, props("outage.com"))[1]
    assert outs["not_ready_domains"] == []
    assert outs["last_error"] is None


def test_a_status_that_stays_unreadable_reports_the_connection_error(
    provider: DomainBatchProvider, api: OtherApi
) -> None:
    """Defect 13: the error that ended the wait is the connection error, not a timeout."""
    api.status_fails_forever = True
    api.pending_after = 3600
    outs = create(provider, props("down.com", wait_timeout_seconds=0.5))[1]
    assert outs["not_ready_domains"] == ["down.com"]
    assert "ConnectError" in outs["last_error"]
    assert "did not finish within" not in outs["last_error"]


def test_verify_ns_reads_an_answer_without_verified_and_promotes(
    provider: DomainBatchProvider, api: OtherApi
) -> None:
    """Defect 5: the verify answer gives only `status`; waiting for ACTIVE uses it."""
    api.pending_after = 0.0
    outs = create(provider, props("ver.com", wait_for="active"))[1]
    assert outs["statuses"] == {"ver.com": "ACTIVE"}
    assert outs["verify_ns_error"] is None


def test_verify_ns_404_is_reported_naming_the_endpoint(
    provider: DomainBatchProvider, api: OtherApi
) -> None:
    """Defect 5: a 404 on the verify path for a domain the account holds is not skipped."""
    api.pending_after = 0.0
    api.verify_answers_404 = True
    outs = create(provider, props("nover.com", wait_for="active", wait_timeout_seconds=0.5))[1]
    assert outs["verify_ns_error"] is not None
    assert "POST /domains/" in outs["verify_ns_error"]
    assert "/verify-ns answered 404" in outs["verify_ns_error"]
    assert "endpoints.py" in outs["verify_ns_error"]
    assert api.count(ep.VERIFY_DOMAIN_NS, domain_id=outs["records"]["nover.com"]["id"]) == 1
    # the next `up` tries verification again
    assert provider.diff("b", outs, props("nover.com", wait_for="active")).changes is True

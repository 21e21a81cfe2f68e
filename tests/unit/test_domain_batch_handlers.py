"""DomainBatchProvider.check and .diff: what preview decides, without any API."""

from __future__ import annotations

import pickle
from typing import Any

import dill
from pulumi.runtime import rpc

from pulumi_inboxed.inboxedup.domain_batch import DomainBatchProvider


def check(**news: Any) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    result = DomainBatchProvider().check({}, news)
    return result.inputs, [(f.property, f.reason) for f in result.failures]


def test_check_normalizes_and_fills_defaults() -> None:
    inputs, failures = check(domains=["Example.COM", "bücher.de"])
    assert failures == []
    assert inputs["domains"] == ["example.com", "xn--bcher-kva.de"]
    assert inputs["wait_for"] == "ns_ready"
    assert inputs["wait_timeout_seconds"] == 900
    assert inputs["fail_on_domain_errors"] is True


def test_check_names_each_bad_entry_and_the_reason() -> None:
    _, failures = check(domains=["ok.com", "no_way.com", "OK.com"], wait_for="soon")
    props = dict(failures)
    assert "no_way.com" in props["domains[1]"] and "IDNA" in props["domains[1]"]
    assert "duplicate of entry 0" in props["domains[2]"]
    assert "'soon' is not one of" in props["wait_for"]


def test_check_bounds_the_wait() -> None:
    _, failures = check(domains=["a.com"], wait_timeout_seconds=10**7)
    assert failures and failures[0][0] == "wait_timeout_seconds"
    _, failures = check(domains=["a.com"], wait_timeout_seconds="long")
    assert failures == [("wait_timeout_seconds", "must be a number")]


def test_check_requires_domains_and_leaves_unknowns_for_later() -> None:
    _, failures = check()
    assert failures[0][0] == "domains"
    _, failures = check(domains=[])
    assert failures == [("domains", "must hold at least one domain")]
    inputs, failures = check(domains=["a.com", rpc.UNKNOWN])
    assert failures == []
    assert inputs["domains"] == ["a.com", rpc.UNKNOWN]


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

"""DomainBatch through the real pulumi CLI against the sandbox over 127.0.0.1."""

from __future__ import annotations

import pytest

from pulumi_inboxed.inboxedup import InboxedUpClient
from pulumi_inboxed.sandbox import SandboxProcess

from .conftest import StackFactory, assert_no_secret

pytestmark = pytest.mark.e2e

DOMAIN_ROUTES = ("POST /domains", "GET /domains/batch/{batch_id}", "DELETE /domains/{domain_id}")


def client(sandbox: SandboxProcess, token: str) -> InboxedUpClient:
    return InboxedUpClient(sandbox.url, token)


def domain_ids(sandbox: SandboxProcess, token: str) -> dict[str, str]:
    return {d.domain: d.id for d in client(sandbox, token).iter_domains()}


def test_preview_shows_the_plan_and_calls_no_api(
    make_stack: StackFactory, sandbox: SandboxProcess
) -> None:
    stack = make_stack(demo__domains="preview-one.com,preview-two.com")
    sandbox.control.reset_stats()
    result = stack.preview()
    assert "outreach-domains" in result.stdout
    assert "create" in result.stdout
    assert sandbox.control.total_requests() == 0, sandbox.control.stats()


def test_preview_rejects_a_bad_domain_naming_it(
    make_stack: StackFactory, sandbox: SandboxProcess
) -> None:
    stack = make_stack(demo__domains="good-one.com,bad_name.com,good-two.com,GOOD-ONE.com")
    sandbox.control.reset_stats()
    result = stack.preview(check=False)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "domains[1]" in output
    assert "bad_name.com" in output
    assert "not a valid IDNA name" in output
    assert "domains[3]" in output and "duplicate of entry 0" in output
    assert sandbox.control.total_requests() == 0


def test_up_refresh_update_destroy(
    make_stack: StackFactory, sandbox: SandboxProcess, api_token: str
) -> None:
    names = ["life-a.com", "life-b.co", "life-c.io", "bücher-life.de"]
    stack = make_stack(demo__domains=",".join(names))

    stack.up()
    out = stack.outputs()
    batch_id = out["batch_id"]
    expected = ["life-a.com", "life-b.co", "life-c.io", "xn--bcher-life-9db.de"]
    assert sorted(out["statuses"]) == sorted(expected)
    assert all(s in ("PENDING_NS", "ACTIVE") for s in out["statuses"].values()), out
    for name in expected:  # every domain has the NS pair the sandbox assigned it
        domain = client(sandbox, api_token).get_domain(domain_ids(sandbox, api_token)[name])
        assert out["nameservers"][name] == [domain.ns1, domain.ns2]
    assert out["failed_domains"] == {}

    # drift: a domain removed outside Pulumi leaves the state on refresh
    ids = domain_ids(sandbox, api_token)
    client(sandbox, api_token).remove_domain(ids["life-b.co"])
    stack.refresh()
    assert "life-b.co" not in stack.resource_outputs("outreach-domains")["statuses"]
    preview = stack.preview()
    assert "update" in preview.stdout
    stack.up()
    assert "life-b.co" in stack.outputs()["statuses"]
    assert "life-b.co" in domain_ids(sandbox, api_token)

    # update: drop one, add two; only those change, the batch is not replaced
    before = domain_ids(sandbox, api_token)
    stack.set_config("demo:domains", "life-a.com,life-b.co,bücher-life.de,life-d.net,life-e.org")
    sandbox.control.reset_stats()
    result = stack.up()
    assert "replace" not in result.stdout
    after = domain_ids(sandbox, api_token)
    assert "life-c.io" not in after
    assert {"life-d.net", "life-e.org"} <= set(after)
    for kept in ("life-a.com", "life-b.co", "xn--bcher-life-9db.de"):
        assert after[kept] == before[kept]  # untouched domains keep their ids
    stats = sandbox.control.stats()
    assert stats.get("POST /domains") == 1
    assert stats.get("DELETE /domains/{domain_id}") == 1
    assert stack.outputs()["batch_id"] == batch_id

    # no token in state or in anything the CLI printed
    assert_no_secret(stack.export(), api_token)
    assert_no_secret("\n".join(stack.cli.transcript), api_token)

    stack.destroy()
    remaining = set(domain_ids(sandbox, api_token))
    assert not remaining & {"life-a.com", "life-b.co", "life-d.net", "life-e.org"}


def test_import_an_existing_batch_by_id(
    make_stack: StackFactory, sandbox: SandboxProcess, api_token: str
) -> None:
    names = ["imp-one.com", "imp-two.com", "imp-three.com"]
    submitted = client(sandbox, api_token).submit_domains(names)
    stack = make_stack(demo__domains=",".join(names), demo__importBatchId=submitted.batch_id)
    sandbox.control.reset_stats()
    stack.up()
    assert sandbox.control.stats().get("POST /domains", 0) == 0  # adopted, not submitted again
    assert stack.outputs()["batch_id"] == submitted.batch_id
    assert sorted(stack.outputs()["statuses"]) == sorted(names)
    assert stack.outputs()["adopted_domains"] == sorted(names)
    destroyed = stack.destroy()  # adopted domains stay in the account unless asked
    assert "left in the account" in destroyed.stdout + destroyed.stderr
    assert set(names) <= set(domain_ids(sandbox, api_token))

    stack.set_config("demo:destroyAdopted", "true")
    stack.up()
    assert stack.outputs()["adopted_domains"] == sorted(names)
    stack.destroy()
    assert not set(domain_ids(sandbox, api_token)) & set(names)


def test_a_failing_domain_is_named_and_the_others_are_kept(
    make_stack: StackFactory, sandbox: SandboxProcess, api_token: str
) -> None:
    stack = make_stack(demo__domains="keep-one.com,fail-this.com,keep-two.com")
    result = stack.up(check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "fail-this.com" in output
    assert "registrar rejected the domain" in output
    out = stack.outputs()
    assert out["failed_domains"] == {
        "fail-this.com": "registrar rejected the domain (sandbox fail_pattern)"
    }
    assert out["statuses"]["keep-one.com"] in ("PENDING_NS", "ACTIVE")
    assert out["statuses"]["keep-two.com"] in ("PENDING_NS", "ACTIVE")
    # the resource is in the state with its batch, so destroy can clean everything up
    assert any(r.get("id") == out["batch_id"] for r in stack.resources())
    assert "update" in stack.preview().stdout  # the failure is retried by the next up
    stack.destroy()
    assert not {"keep-one.com", "keep-two.com"} & set(domain_ids(sandbox, api_token))


def test_rate_limits_and_server_errors_are_retried(
    make_stack: StackFactory, sandbox: SandboxProcess, api_token: str
) -> None:
    stack = make_stack(demo__domains="retry-one.com,retry-two.com")
    sandbox.control.reset_stats()
    sandbox.control.add_fault(429, count=2, retry_after=0.2, method="POST", path_prefix="/domains")
    sandbox.control.add_fault(503, count=2, method="GET", path_prefix="/domains/batch")
    stack.up()
    stats = sandbox.control.stats()
    assert stats["POST /domains"] == 3  # two 429s, then the submission
    assert stats["GET /domains/batch/{batch_id}"] >= 3  # two 503s, then answers
    assert sandbox.control.faults() == []
    names = {d.domain for d in client(sandbox, api_token).iter_domains()}
    assert {"retry-one.com", "retry-two.com"} <= names  # submitted once each, not twice
    assert sorted(stack.outputs()["statuses"]) == ["retry-one.com", "retry-two.com"]


def test_ns_verification_while_waiting_and_on_demand(
    make_stack: StackFactory, sandbox: SandboxProcess, api_token: str
) -> None:
    sandbox.control.update_settings(pending_ns_seconds=3600, ns_propagated=False)
    try:
        stack = make_stack(demo__domains="ns-one.com,ns-two.com", demo__waitFor="ns_ready")
        stack.up()
        assert stack.outputs()["ns_missing"] == {}  # nothing verified yet

        # on demand: the registrar does not show our nameservers yet
        stack.set_config("demo:verifyNsTrigger", "1")
        sandbox.control.reset_stats()
        stack.up()
        missing = stack.outputs()["ns_missing"]
        assert sorted(missing) == ["ns-one.com", "ns-two.com"]
        expected = stack.outputs()["nameservers"]["ns-one.com"]
        assert missing["ns-one.com"]["expected"] == expected
        assert missing["ns-one.com"]["found"] and missing["ns-one.com"]["found"] != expected
        assert sandbox.control.stats()["POST /domains/{domain_id}/verify-ns"] == 2

        # while waiting for ACTIVE: verification finds the nameservers and promotes the domains
        sandbox.control.update_settings(ns_propagated=True)
        stack.set_config("demo:waitFor", "active")
        stack.set_config("inboxedup:verifyNsIntervalSeconds", "0.5")
        stack.up()
        out = stack.outputs()
        assert set(out["statuses"].values()) == {"ACTIVE"}
        assert out["ns_missing"] == {}
    finally:
        sandbox.control.update_settings(pending_ns_seconds=1.5, ns_propagated=True)

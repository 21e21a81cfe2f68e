"""examples/inbound through the real CLI: MailChannels Inbound at scale, its drift brought in by
`pulumi refresh` and corrected by `pulumi up`, and a Pingram sender domain."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pulumi_inboxed.local_stack import LocalStack, PulumiCLI
from pulumi_inboxed.mailchannels import MailChannelsClient
from pulumi_inboxed.sandbox import SandboxProcess

from .conftest import EXAMPLES, assert_no_secret

pytestmark = pytest.mark.e2e

MC_KEY = "mc-sandbox-key"
PINGRAM_KEY = "pingram_sk_sandbox"
BATCH_ROUTE = "POST /mailchannels/inbound/v1/domains/batch"
SUB = "sub-sandbox"
URN_SUFFIX = "pulumi-python:dynamic/mailchannels:InboundDomains::inbound"
DRIFTED = "inbound-0002.com"
UNMANAGED = "inbound-0004.com"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxProcess]:
    with SandboxProcess(lifetime=1800) as process:
        yield process


def make_stack(
    cli: PulumiCLI, sandbox: SandboxProcess, tmp_path: Path, name: str = "inbound", **config: str
) -> LocalStack:
    project = tmp_path / "inbound"
    shutil.copytree(EXAMPLES / "inbound", project)
    stack = LocalStack(cli, project, name).init()
    stack.set_config("mailchannels:baseUrl", sandbox.mailchannels_url)
    stack.set_config("mailchannels:apiKey", MC_KEY, secret=True)
    stack.set_config("pingram:baseUrl", sandbox.pingram_url)
    stack.set_config("pingram:apiKey", PINGRAM_KEY, secret=True)
    for key, value in config.items():
        stack.set_config(f"demo:{key}", value)
    return stack


def test_1500_domains_partial_failures_retry_settings_destroy(
    cli: PulumiCLI, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    bad = ["invalid-one.com", "invalid-two.com", "taken-one.com", "taken-two.com"]
    stack = make_stack(cli, sandbox, tmp_path, count="1500", extra=",".join(bad))
    client = MailChannelsClient(sandbox.mailchannels_url, MC_KEY)
    try:
        sandbox.control.reset_stats()
        result = stack.up(check=False)
        output = result.stdout + result.stderr
        assert result.returncode != 0  # the failures are an error of the run...
        for name in bad:
            assert name in output
        assert "409" in output and "400" in output
        outs = stack.resource_outputs("inbound")  # ...and the successes are kept
        assert len(outs["provisioned"]) == 1500
        assert {n: f["code"] for n, f in outs["failed_domains"].items()} == {
            "invalid-one.com": 400,
            "invalid-two.com": 400,
            "taken-one.com": 409,
            "taken-two.com": 409,
        }
        assert sandbox.control.stats()[BATCH_ROUTE] == 2  # 1504 domains: two requests

        # fix the bad names: the retry provisions only those
        sandbox.control.reset_stats()
        stack.set_config("demo:extra", "fixed-one.com,fixed-two.com")
        stack.up()
        assert sandbox.control.stats()[BATCH_ROUTE] == 1
        state = sandbox.control.mailchannels_state()
        assert {"fixed-one.com", "fixed-two.com"} <= set(state["domains"])
        assert stack.outputs()["provisioned"] == 1502
        assert stack.outputs()["failed_domains"] == {}

        # a settings change applies in place, to every domain
        stack.set_config("demo:abusePolicy", "flag")
        applied = stack.up()
        assert "replace" not in applied.stdout
        sample = client.list_domains(["inbound-0000.com", "inbound-1499.com", "fixed-two.com"])
        assert {d.settings.abuse_policy for d in sample if d.settings} == {"flag"}
        assert {d.settings.spam_header_name for d in sample if d.settings} == {"X-Spam-Flag"}

        assert_no_secret(stack.export(), MC_KEY)
        assert_no_secret("\n".join(stack.cli.transcript), MC_KEY)
    finally:
        stack.destroy(check=False)
    remaining = sandbox.control.mailchannels_state()["domains"]
    assert not [n for n in remaining if n.startswith(("inbound-", "fixed-"))]


def test_failure_codes_reach_the_cli_as_whole_numbers(
    cli: PulumiCLI, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    """The program reports failed domains from the resource's outputs, where the engine gives
    numbers as floats: the error says `409`, never `409.0`."""
    stack = make_stack(cli, sandbox, tmp_path, "inbound-codes", count="1", extra="taken-codes.com")
    try:
        result = stack.up(check=False)
        output = result.stdout + result.stderr
        assert result.returncode != 0
        assert "taken-codes.com: 409 " in output
        assert "409.0" not in output
    finally:
        stack.destroy(check=False)


def test_pingram_sender_domain(cli: PulumiCLI, sandbox: SandboxProcess, tmp_path: Path) -> None:
    sandbox.control.update_settings(pingram_verify_seconds=1.0)
    stack = make_stack(cli, sandbox, tmp_path, count="1", sender="news.agency-mail.com")
    try:
        stack.up()
        assert stack.outputs()["sender_status"] in ("PENDING", "SUCCESS")
        time.sleep(1.5)
        stack.refresh()
        outs = stack.resource_outputs("sender")
        assert outs["status"] == "SUCCESS"
        assert "ciphertext" in json.dumps(outs["private_dkim_key"])  # the DKIM key is secret
        dkim = next(
            d for d in sandbox.control.pingram_domains() if d["sender"] == "news.agency-mail.com"
        )["privateDKIMKey"]
        assert_no_secret(stack.export(), dkim)
        assert_no_secret(stack.export(), PINGRAM_KEY)
    finally:
        stack.destroy(check=False)
    assert not [
        d for d in sandbox.control.pingram_domains() if d["sender"] == "news.agency-mail.com"
    ]


def test_pingram_provider_error_reaches_the_cli_with_its_fields(
    cli: PulumiCLI, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    stack = make_stack(cli, sandbox, tmp_path, count="1", sender="provider-error-news.com")
    try:
        result = stack.up(check=False)
        output = result.stdout + result.stderr
        assert result.returncode != 0
        assert "502 PROVIDER_ERROR" in output  # a ProviderError, with Pingram's fields
        assert "[ses InvalidParameterValue]" in output and "trackingId=trk_" in output
        assert_no_secret(output, PINGRAM_KEY)
    finally:
        stack.destroy(check=False)


def recorded(stack: LocalStack, name: str) -> dict[str, Any]:
    """The state's entry for domain `name` in the resource's outputs."""
    entry: dict[str, Any] = next(
        d for d in stack.resource_outputs("inbound")["domains"] if d["domain"] == name
    )
    return entry


def test_refresh_brings_drift_and_up_overwrites_only_that_domain(
    cli: PulumiCLI, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    stack = make_stack(cli, sandbox, tmp_path, "inbound-drift", count="5")
    client = MailChannelsClient(sandbox.mailchannels_url, MC_KEY)
    try:
        stack.up()
        assert stack.outputs()["provisioned"] == 5

        # no drift: refresh changes nothing, and the preview after it shows no changes
        refreshed = stack.refresh()
        assert "updated" not in refreshed.stdout
        stack.preview("--expect-no-changes")

        # someone changes one domain's abuse policy outside Pulumi
        (live,) = client.list_domains([DRIFTED])
        assert live.settings is not None and live.settings.abuse_policy == "block"
        changed = live.model_copy(
            update={"settings": live.settings.model_copy(update={"abuse_policy": "quarantine"})}
        )
        # ...and a setting the program leaves undeclared (not managed) on another one: it is not
        # drift, and it shows below that `up` did not send that domain again (an overwrite
        # replaces the whole settings section)
        (other,) = client.list_domains([UNMANAGED])
        assert other.settings is not None
        marked = other.model_copy(
            update={"settings": other.settings.model_copy(update={"abuse_policy_override": True})}
        )
        client.provision_domains([changed, marked], subscription_handle=SUB, overwrite=True)

        stack.refresh()
        assert recorded(stack, DRIFTED)["settings"]["abuse_policy"] == "quarantine"
        assert recorded(stack, "inbound-0001.com")["settings"]["abuse_policy"] == "block"
        preview = stack.preview("--expect-no-changes", check=False)
        output = preview.stdout + preview.stderr
        assert preview.returncode != 0, output  # there are changes now
        assert "(update)" in output and URN_SUFFIX in output
        assert '"quarantine" => "block"' in output  # which setting, and back to what

        sandbox.control.reset_stats()
        stack.up()
        assert sandbox.control.stats().get(BATCH_ROUTE) == 1  # one batch, for the fix
        (fixed,) = client.list_domains([DRIFTED])
        assert fixed.settings is not None and fixed.settings.abuse_policy == "block"
        assert [a.target for a in fixed.downstream_addresses] == ["mx1.agency.example."]
        (kept,) = client.list_domains([UNMANAGED])
        assert kept.settings is not None and kept.settings.abuse_policy_override is True

        stack.preview("--expect-no-changes")
        stack.refresh()
        stack.preview("--expect-no-changes")

        assert_no_secret(stack.export(), MC_KEY)
        assert_no_secret("\n".join(stack.cli.transcript), MC_KEY)
    finally:
        client.close()
        stack.destroy(check=False)
    remaining = sandbox.control.mailchannels_state()["domains"]
    assert not [n for n in remaining if n.startswith("inbound-")]

"""examples/inbound through the real CLI: `pulumi refresh` brings MailChannels drift into the
state, the preview names the resource and the change, and `pulumi up` overwrites just that domain
in one batch call; without drift, refresh and preview change nothing."""

from __future__ import annotations

import shutil
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
SUB = "sub-sandbox"
BATCH_ROUTE = "POST /mailchannels/inbound/v1/domains/batch"
URN_SUFFIX = "pulumi-python:dynamic/mailchannels:InboundDomains::inbound"
DRIFTED = "inbound-0002.com"
UNMANAGED = "inbound-0004.com"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxProcess]:
    with SandboxProcess(lifetime=1800) as process:
        yield process


def inbound_stack(
    cli: PulumiCLI, sandbox: SandboxProcess, tmp_path: Path, **config: str
) -> LocalStack:
    project = tmp_path / "inbound"
    shutil.copytree(EXAMPLES / "inbound", project)
    stack = LocalStack(cli, project, "inbound-drift").init()
    stack.set_config("mailchannels:baseUrl", sandbox.mailchannels_url)
    stack.set_config("mailchannels:apiKey", MC_KEY, secret=True)
    for key, value in config.items():
        stack.set_config(f"demo:{key}", value)
    return stack


def recorded(stack: LocalStack, name: str) -> dict[str, Any]:
    """The state's entry for domain `name` in the resource's outputs."""
    entry: dict[str, Any] = next(
        d for d in stack.resource_outputs("inbound")["domains"] if d["domain"] == name
    )
    return entry


def test_refresh_brings_drift_and_up_overwrites_only_that_domain(
    cli: PulumiCLI, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    stack = inbound_stack(cli, sandbox, tmp_path, count="5")
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

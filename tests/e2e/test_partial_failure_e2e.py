"""A collection finishes what it can, through the real CLI: a MailboxRequests of four entries whose
first entry's `POST /mailboxes` the sandbox answers 502 every time it is sent (this run's tries,
all of them). `pulumi up` fails naming that entry, and the state records the resource with the
three other entries' request ids (the engine's partial-failure outputs, `core.partial_failure`);
the next `pulumi up` sends exactly ONE `POST /mailboxes` (the failed entry's), and then the stack
has no changes."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from pulumi_inboxed.core.safe_write import DEFAULT_WRITE_POLICY
from pulumi_inboxed.inboxedup import InboxedUpClient
from pulumi_inboxed.local_stack import LocalStack, PulumiCLI
from pulumi_inboxed.sandbox import SandboxProcess

from .conftest import assert_no_secret

pytestmark = pytest.mark.e2e

PULUMI_YAML = """name: inboxedup-partial-failure
description: A MailboxRequests collection, its entries requested one at a time
runtime: python
"""

PROGRAM = '''"""Config `pf:entries`: a JSON list of [domain, type, [usernames...]]."""

import json

import pulumi

from pulumi_inboxed.inboxedup import MailboxArgs, MailboxRequestEntryArgs, MailboxRequests

entries = json.loads(pulumi.Config("pf").require("entries"))
fleet = MailboxRequests(
    "fleet",
    requests=[
        MailboxRequestEntryArgs(d, t, [MailboxArgs(u.title(), "Lee", u) for u in users])
        for d, t, users in entries
    ],
    parallel_requests=1,  # in the order given: the first entry takes every fault
    wait_timeout_seconds=60,
)
pulumi.export("request_ids", fleet.request_ids)
'''

NAMES = ["pf-refused.com", "pf-two.com", "pf-three.com", "pf-four.com"]
FAILED = "pf-refused.com/smtp"


def wait_active(client: InboxedUpClient, names: list[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        held = {d.domain: d.status.value for d in client.iter_domains()}
        if all(held.get(n) == "ACTIVE" for n in names):
            return
        time.sleep(0.3)
    raise AssertionError(f"{names} never became ACTIVE")


def test_a_failed_entry_is_left_for_the_next_up_and_the_others_are_recorded(
    cli: PulumiCLI, sandbox: SandboxProcess, api_token: str, tmp_path: Path
) -> None:
    client = InboxedUpClient(sandbox.url, api_token)
    client.submit_domains(NAMES)
    wait_active(client, NAMES)

    project = tmp_path / "partial-failure"
    project.mkdir()
    (project / "Pulumi.yaml").write_text(PULUMI_YAML)
    (project / "__main__.py").write_text(PROGRAM)
    stack = LocalStack(cli, project, "partial-failure").init()
    stack.set_config("inboxedup:baseUrl", sandbox.url)
    stack.set_config("inboxedup:apiToken", api_token, secret=True)
    stack.set_config("inboxedup:pollIntervalSeconds", "0.2")
    entries = [
        [NAMES[0], "smtp", ["ann", "bo"]],
        [NAMES[1], "smtp", ["cy"]],
        [NAMES[2], "microsoft", ["dee"]],
        [NAMES[3], "google", ["eve"]],
    ]
    stack.set_config("pf:entries", json.dumps(entries))
    try:
        # every send of the first entry (the policy's tries) answers 502 before acting
        sandbox.control.clear_faults()
        sandbox.control.add_fault(
            502, count=DEFAULT_WRITE_POLICY.attempts, method="POST", path_prefix="/mailboxes"
        )
        sandbox.control.reset_stats()
        first = stack.up(check=False)
        output = first.stdout + first.stderr
        assert first.returncode != 0, output
        assert f"{FAILED}: " in output and "did not take effect" in output, output
        assert "1 of 4 entries were not requested" in output, output
        assert sandbox.control.stats()["POST /mailboxes"] == DEFAULT_WRITE_POLICY.attempts + 3

        # the state holds the resource, with the three other entries' request ids
        recorded = stack.resource_outputs("fleet")
        made = {r.id: r for r in client.iter_mailbox_requests()}
        ids = recorded["request_ids"]
        assert sorted(ids) == ["pf-four.com/google", "pf-three.com/microsoft", "pf-two.com/smtp"]
        assert all(request_id in made for request_id in ids.values())
        assert list(client.iter_mailbox_requests(domain=NAMES[0])) == []  # never made
        assert FAILED in json.dumps([r.get("initErrors") for r in stack.resources()])

        # the fault is gone: the next `up` sends exactly the failed entry's request
        sandbox.control.clear_faults()
        sandbox.control.reset_stats()
        stack.up()
        stats = sandbox.control.stats()
        assert stats.get("POST /mailboxes") == 1, stats
        final = stack.outputs()["request_ids"]
        assert sorted(final) == sorted([FAILED, *ids])
        assert {k: v for k, v in final.items() if k != FAILED} == ids
        for name in NAMES:  # no entry requested twice
            assert len(list(client.iter_mailbox_requests(domain=name))) == 1, name
        stack.preview("--expect-no-changes")
        transcript = "\n".join(stack.cli.transcript)
        assert "Traceback" not in transcript
        assert_no_secret(transcript, api_token)
        assert_no_secret(stack.export(), api_token)
    finally:
        sandbox.control.clear_faults()
        stack.destroy(check=False)
        client.close()

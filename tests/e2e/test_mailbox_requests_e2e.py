"""inboxedup.MailboxRequests through the real CLI: the acceptance cycle (an entry's domain from a
DomainBatch output at preview, up, no-op, refresh, an update of one entry that makes exactly one
request, drift, destroy, check-destroy), and the shared read-only account checks (50
MailboxRequest resources and a MailboxRequests previewed in one run: one listing of each)."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest

from pulumi_inboxed.inboxedup import InboxedUpClient
from pulumi_inboxed.inboxedup.models import MailboxEntry, MailboxType
from pulumi_inboxed.local_stack import LocalStack, PulumiCLI
from pulumi_inboxed.sandbox import SandboxProcess

from .acceptance import Cycle, _summary
from .conftest import assert_no_secret

pytestmark = pytest.mark.e2e

PROGRAM = Path(__file__).parent / "programs" / "mailbox_requests"


def stack_for(
    cli: PulumiCLI, sandbox: SandboxProcess, token: str, tmp_path: Path, name: str
) -> LocalStack:
    project = tmp_path / name
    shutil.copytree(PROGRAM, project)
    stack = LocalStack(cli, project, name).init()
    stack.set_config("inboxedup:baseUrl", sandbox.url)
    stack.set_config("inboxedup:apiToken", token, secret=True)
    stack.set_config("inboxedup:pollIntervalSeconds", "0.2")
    stack.set_config("inboxedup:verifyNsIntervalSeconds", "0.5")
    return stack


def wait_active(client: InboxedUpClient, names: list[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        held = {d.domain: d.status.value for d in client.iter_domains()}
        if all(held.get(n) == "ACTIVE" for n in names):
            return
        time.sleep(0.3)
    raise AssertionError(f"{names} never became ACTIVE")


def test_mailbox_requests_acceptance_cycle(
    cli: PulumiCLI, sandbox: SandboxProcess, api_token: str, tmp_path: Path
) -> None:
    client = InboxedUpClient(sandbox.url, api_token)
    start = len(cli.transcript)  # the CLI's transcript is shared by the session's tests
    # what existed before the stack: an ACTIVE domain the collection uses (not in the batch),
    # and another domain with a request of its own (untouched)
    client.submit_domains(["mr-active.com", "mr-outside.com"])
    wait_active(client, ["mr-active.com", "mr-outside.com"])
    outside = client.request_mailboxes(
        "mr-outside.com",
        MailboxType.SMTP,
        [MailboxEntry(firstName="Out", lastName="Side", mailboxUsername="out")],
    )

    stack = stack_for(cli, sandbox, api_token, tmp_path, "mr-cycle")
    stack.set_config("mbx:domains", "mr-one.com,mr-two.com")
    entries = [
        ["batch:0", "smtp", ["ann", "bo"]],  # the batch's output: unknown at the first preview
        ["mr-two.com", "microsoft", ["cy"]],
        ["mr-active.com", "google", ["dee"]],
    ]
    stack.set_config("mbx:entries", json.dumps(entries))
    first_ids: dict[str, str] = {}

    def after_up() -> None:
        outs = stack.outputs()
        ids = outs["request_ids"]
        assert sorted(ids) == ["mr-active.com/google", "mr-one.com/smtp", "mr-two.com/microsoft"]
        assert set(outs["statuses"].values()) <= {"PENDING", "IN_PROGRESS"}
        request = client.get_mailbox_request(ids["mr-one.com/smtp"])
        assert sorted(m.mailbox_username for m in request.mailboxes) == ["ann", "bo"]
        first_ids.update(ids)

    def update() -> None:
        changed = [["batch:0", "smtp", ["ann", "bo", "eve"]], *entries[1:]]
        stack.set_config("mbx:entries", json.dumps(changed))
        sandbox.control.reset_stats()

    def after_update() -> None:
        assert sandbox.control.stats().get("POST /mailboxes") == 1  # only the changed entry
        ids = stack.outputs()["request_ids"]
        assert ids["mr-one.com/smtp"] != first_ids["mr-one.com/smtp"]
        assert {k: v for k, v in ids.items() if k != "mr-one.com/smtp"} == {
            k: v for k, v in first_ids.items() if k != "mr-one.com/smtp"
        }
        transcript = "\n".join(stack.cli.transcript)
        # one grouped warning names the old request that stays, numbered
        assert "removed from the Pulumi state only: #1 " in transcript
        assert re.search(
            rf"#\d+ {first_ids['mr-one.com/smtp']} \([^)]*mr-one\.com/smtp\)", transcript
        )
        first_ids.update(ids)

    def drift() -> None:  # the provider fulfils one request outside Pulumi
        sandbox.control.force_mailbox_status(first_ids["mr-two.com/microsoft"], "COMPLETED")

    def saw_drift() -> None:
        # the refresh shows the status that moved (issue 21): the resource is updated, its
        # diff names the output, and one line names the entry with its statuses
        refreshed = next(
            t for t in reversed(stack.cli.transcript) if t.startswith("$ pulumi refresh")
        )
        assert re.search(r"MailboxRequests fleet updated .*\[diff: ~[\w,]*statuses", refreshed), (
            refreshed[-3000:]
        )
        assert "updated" in _summary(refreshed), refreshed[-3000:]
        assert re.search(
            r"MailboxRequests 'fleet': (\d+ statuses|status) moved: .*"
            r"mr-two\.com/microsoft (PENDING|IN_PROGRESS) -> COMPLETED",
            refreshed,
        ), refreshed[-3000:]
        outs = stack.resource_outputs("fleet")
        assert outs["statuses"]["mr-two.com/microsoft"] == "COMPLETED"
        assert outs["statuses"]["mr-one.com/smtp"] in ("PENDING", "IN_PROGRESS")
        assert "ciphertext" in json.dumps(outs["credentials"])  # passwords, as a secret

    def check_destroyed() -> None:
        held = {d.domain for d in client.iter_domains()}
        assert not held & {"mr-one.com", "mr-two.com"}, held
        assert {"mr-active.com", "mr-outside.com"} <= held
        # InboxedUp cannot cancel a request: they stay, as the warnings said
        assert client.get_mailbox_request(first_ids["mr-active.com/google"]).domain
        assert client.get_mailbox_request(outside.request_id).status.value != "FAILED"

    Cycle(
        kinds=["MailboxRequests"],
        stack=stack,
        after_up=after_up,
        update=update,
        after_update=after_update,
        drift=drift,
        saw_drift=saw_drift,
        check_destroyed=check_destroyed,
    ).run()
    transcript = "\n".join(stack.cli.transcript[start:])
    assert "removed from the Pulumi state only: #1 " in transcript
    assert "mr-active.com/google)" in transcript
    assert "Traceback" not in transcript
    assert_no_secret(transcript, api_token)
    assert_no_secret(stack.export(), api_token)


def test_fifty_requests_preview_with_one_listing_of_each(
    cli: PulumiCLI, sandbox: SandboxProcess, api_token: str, tmp_path: Path
) -> None:
    client = InboxedUpClient(sandbox.url, api_token)
    names = [f"mr-many-{i}.com" for i in range(50)]
    client.submit_domains(names)
    wait_active(client, names)
    stack = stack_for(cli, sandbox, api_token, tmp_path, "mr-many")
    stack.set_config("mbx:singles", json.dumps([[n, "smtp", ["ann", "bo"]] for n in names]))
    stack.set_config("mbx:entries", json.dumps([[n, "google", ["cy"]] for n in names]))
    sandbox.control.reset_stats()
    preview = stack.preview()
    assert "inboxedup:MailboxRequests" in preview.stdout and "single-49" in preview.stdout
    stats = sandbox.control.stats()
    assert stats == {"GET /domains": 1, "GET /mailboxes": 1}, stats
    # the program sums the collection's entries with the MailboxRequests: 2 + 4 SMTP > 5
    over = [[names[0], "smtp", ["a", "b", "c", "d"]]]
    stack.set_config("mbx:entries", json.dumps(over))
    sandbox.control.reset_stats()
    result = stack.preview(check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "MailboxRequest 'single-0' and MailboxRequests 'fleet' requests[0]" in output, output
    assert all(route.startswith("GET ") for route in sandbox.control.stats())  # nothing made

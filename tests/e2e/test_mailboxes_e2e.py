"""examples/mailboxes through the real CLI: 10 domains to requested mailboxes of every type."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from pulumi_inboxed.inboxedup import InboxedUpClient
from pulumi_inboxed.sandbox import SandboxProcess

from .conftest import StackFactory, assert_no_secret

pytestmark = pytest.mark.e2e


def test_domains_to_mailboxes_refresh_limit_destroy(
    make_stack: StackFactory, sandbox: SandboxProcess, api_token: str
) -> None:
    client = InboxedUpClient(sandbox.url, api_token)
    subscription = client.list_subscriptions()[0]
    original_notes = subscription.notes or ""
    stack = make_stack("mailboxes", demo__prefix="mbx", demo__subscriptionId=subscription.id)

    preview = stack.preview()
    assert preview.stdout.count("inboxedup:MailboxRequest") >= 10
    assert "inboxedup:SubscriptionNotes" in preview.stdout

    stack.up()
    statuses = stack.outputs()["request_statuses"]
    assert sorted(statuses) == [f"mbx-{i}.com" for i in range(10)]
    assert set(statuses.values()) <= {"PENDING", "IN_PROGRESS"}
    requests = {r.domain: r for r in client.iter_mailbox_requests()}
    assert {requests[f"mbx-{i}.com"].mailbox_type.value for i in range(4)} == {
        "microsoft",
        "google",
        "smtp",
        "smtp_dedicated",
    }
    assert (
        next(s for s in client.list_subscriptions() if s.id == subscription.id).notes
        == "managed by Pulumi: mbx"
    )

    # the provider fulfils the requests; refresh brings the status and the credentials
    for i in range(10):
        sandbox.control.force_mailbox_status(requests[f"mbx-{i}.com"].id, "COMPLETED")
    stack.refresh()
    outs = stack.resource_outputs("mailboxes-0")
    assert outs["status"] == "COMPLETED"
    assert outs["emails"] == ["ann.lee@mbx-0.com", "bo.chen@mbx-0.com"]
    assert "ciphertext" in json.dumps(outs["credentials"])  # recorded as a secret
    password = client.get_mailbox_request(requests["mbx-0.com"].id).mailboxes[0].password
    assert password
    assert_no_secret(stack.export(), password)

    # two more Microsoft mailboxes on mbx-0.com: the program's own requests sum to 2 + 2 > 3,
    # refused by the program before any request is made
    stack.set_config("demo:extraMicrosoft", "2")
    sandbox.control.reset_stats()
    failed = stack.preview(check=False)
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0
    assert "MailboxRequest 'mailboxes-extra' and 'mailboxes-0'" in output, output
    assert "4 microsoft mailboxes on domain 'mbx-0.com'" in output
    assert "InboxedUp allows 3 microsoft (Microsoft 365) mailboxes per domain" in output
    assert "Traceback" not in output
    assert not [r for r in sandbox.control.stats() if r.startswith("POST")], sandbox.control.stats()
    stack.set_config("demo:extraMicrosoft", "1")  # 2 + 1 = 3 fits
    assert stack.preview().returncode == 0
    stack.set_config("demo:extraMicrosoft", "0")

    # another program's request on the same domain: its check counts the account's 2
    other = make_stack("mailbox-only", demo__domain="mbx-0.com", demo__type="microsoft")
    failed = other.preview(check=False)
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0
    assert "Microsoft 365 allows 3 mailboxes per domain" in output, output
    assert "the account has 2" in output

    transcript = "\n".join(stack.cli.transcript)
    assert_no_secret(transcript, api_token)
    assert_no_secret(transcript, password)

    destroyed = stack.destroy()
    assert_one_line_for_the_requests_left(destroyed.stdout, requests)
    notes = next(s for s in client.list_subscriptions() if s.id == subscription.id).notes
    assert (notes or "") == original_notes


def assert_one_line_for_the_requests_left(output: str, requests: dict[str, Any]) -> None:
    """Issue 21: the 10 requests InboxedUp cannot cancel are ONE line of the "Diagnostics:"
    summary, naming each (request, resource, domain) with its number, the last one the count;
    and no line of the output, live or summary, holds two messages."""
    summary = output.split("\nDiagnostics:\n", 1)[1].split("\nResources:\n", 1)[0]
    (line,) = [line for line in summary.splitlines() if "no endpoint to cancel" in line]
    assert line.lstrip().startswith(
        "warning: InboxedUp has no endpoint to cancel or delete a mailbox request, so these stay "
        "in the default InboxedUp account"
    ), line
    named = re.findall(r"#(\d+) (req_\w+) \((mailboxes-\d+): (mbx-\d+\.com)\)", line)
    assert [int(number) for number, *_ in named] == list(range(1, 11)), line
    assert {domain: id_ for _, id_, _, domain in named} == {
        domain: request.id for domain, request in requests.items() if domain.startswith("mbx-")
    }
    assert all(name[len("mailboxes-") :] == domain[4:-4] for _, _, name, domain in named)
    for text in output.splitlines():
        assert len(re.findall(r"(?:^|\s)(?:warning|info|error): ", text)) <= 1, text
        assert text.count("no endpoint to cancel") <= 1, text


def test_mailboxes_on_a_domain_neither_declared_nor_active_fail_preview(
    make_stack: StackFactory, sandbox: SandboxProcess, api_token: str
) -> None:
    client = InboxedUpClient(sandbox.url, api_token)
    sandbox.control.update_settings(pending_ns_seconds=3600)
    try:
        client.submit_domains(["slow-ns.com"])
    finally:
        sandbox.control.update_settings(pending_ns_seconds=1.5)
    stack = make_stack("mailbox-only", demo__domain="slow-ns.com")
    result = stack.preview(check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "'slow-ns.com' is QUEUED in the default account (InboxedUp" in output or (
        "'slow-ns.com' is PENDING_NS in the default account (InboxedUp" in output
    )
    stack.set_config("demo:domain", "never-submitted.com")
    result = stack.preview(check=False)
    assert result.returncode != 0
    assert (
        "the default account (InboxedUp, the plain inboxedup: config) holds no domain "
        "'never-submitted.com' and the program declares none"
    ) in result.stdout + result.stderr

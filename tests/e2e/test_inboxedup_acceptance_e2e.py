"""The acceptance cycle (`acceptance.Cycle`) of inboxedup.DomainBatch, SubscriptionNotes and
MailboxRequest through the real CLI, with inputs from other resources' outputs (the mailbox
request's domain and the notes come from the DomainBatch, the subscription id from a function),
objects that existed before the stack (an adopted domain stays after destroy, an unrelated
domain and mailbox request are untouched), an in-place update, drift seen by refresh and put
right by up, and a verified destroy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pulumi_inboxed.inboxedup import InboxedUpClient
from pulumi_inboxed.inboxedup.models import MailboxEntry, MailboxType
from pulumi_inboxed.local_stack import LocalStack, PulumiCLI
from pulumi_inboxed.sandbox import SandboxProcess

from .acceptance import Cycle
from .conftest import assert_no_secret

pytestmark = pytest.mark.e2e

PROGRAM = Path(__file__).parent / "programs" / "inboxedup"


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


def held(client: InboxedUpClient) -> dict[str, str]:
    return {d.domain: d.id for d in client.iter_domains()}


def wait_active(client: InboxedUpClient, names: list[str]) -> None:
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if all((d := client.find_domain(n)) and d.status.value == "ACTIVE" for n in names):
            return
        time.sleep(0.3)
    raise AssertionError(f"{names} never became ACTIVE")


def test_domain_batch_and_subscription_notes_acceptance_cycle(
    cli: PulumiCLI, sandbox: SandboxProcess, api_token: str, tmp_path: Path
) -> None:
    client = InboxedUpClient(sandbox.url, api_token)
    # what existed before the stack: a domain the program also declares (adopted, stays), and
    # one it never names (untouched)
    client.submit_domains(["acc-held.com", "acc-outside.com"])
    before = held(client)
    subscription = client.list_subscriptions()[0]
    original_notes = subscription.notes or ""
    made = ["acc-one.com", "acc-two.com"]

    stack = stack_for(cli, sandbox, api_token, tmp_path, "acc-batch")
    stack.set_config("acc:domains", ",".join([*made, "acc-held.com"]))
    stack.set_config("acc:notes", "managed by Pulumi")

    def notes_now() -> str:
        return next(s for s in client.list_subscriptions() if s.id == subscription.id).notes or ""

    def after_up() -> None:
        outs = stack.outputs()
        assert outs["adopted_domains"] == ["acc-held.com"]
        assert set(outs["statuses"].values()) == {"ACTIVE"}
        assert held(client)["acc-held.com"] == before["acc-held.com"]  # adopted, not resubmitted
        assert notes_now() == f"managed by Pulumi (batch {outs['batch_id']})"
        assert stack.resource_outputs("notes")["original_notes"] == original_notes

    def update() -> None:
        stack.set_config("acc:domains", ",".join([*made, "acc-three.com", "acc-held.com"]))
        stack.set_config("acc:notes", "managed by Pulumi, v2")

    def after_update() -> None:
        assert "acc-three.com" in held(client)
        assert stack.outputs()["statuses"]["acc-three.com"] == "ACTIVE"
        assert notes_now().startswith("managed by Pulumi, v2")

    def drift() -> None:
        client.remove_domain(held(client)["acc-two.com"])
        client.update_subscription_notes(subscription.id, "changed by hand")

    def saw_drift() -> None:
        assert "acc-two.com" not in stack.resource_outputs("batch")["statuses"]
        assert stack.resource_outputs("notes")["notes"] == "changed by hand"

    def check_destroyed() -> None:
        now = held(client)
        assert not set(now) & {*made, "acc-three.com"}, now
        assert now["acc-held.com"] == before["acc-held.com"]  # adopted: left in the account
        assert now["acc-outside.com"] == before["acc-outside.com"]
        assert notes_now() == original_notes

    Cycle(
        kinds=["DomainBatch", "SubscriptionNotes"],
        stack=stack,
        after_up=after_up,
        update=update,
        after_update=after_update,
        drift=drift,
        saw_drift=saw_drift,
        check_destroyed=check_destroyed,
    ).run()
    destroyed = "\n".join(t for t in stack.cli.transcript if t.startswith("$ pulumi destroy"))
    assert "left in the account" in destroyed and "acc-held.com" in destroyed
    assert_no_secret(stack.export(), api_token)
    assert_no_secret("\n".join(stack.cli.transcript), api_token)


def test_mailbox_request_acceptance_cycle(
    cli: PulumiCLI, sandbox: SandboxProcess, api_token: str, tmp_path: Path
) -> None:
    client = InboxedUpClient(sandbox.url, api_token)
    # what existed before the stack: a domain with a mailbox request of its own
    client.submit_domains(["acc-mbx-outside.com"])
    wait_active(client, ["acc-mbx-outside.com"])
    entry = MailboxEntry(firstName="Out", lastName="Side", mailboxUsername="out")
    outside = client.request_mailboxes("acc-mbx-outside.com", MailboxType.SMTP, [entry])

    stack = stack_for(cli, sandbox, api_token, tmp_path, "acc-mbx")
    stack.set_config("acc:domains", "acc-mbx-one.com")
    stack.set_config("acc:mailboxes", "true")

    def request_id() -> str:
        return str(stack.outputs()["request_id"])

    def after_up() -> None:
        outs = stack.outputs()
        request = client.get_mailbox_request(request_id())
        assert request.domain == "acc-mbx-one.com"
        assert sorted(m.mailbox_username for m in request.mailboxes) == ["ann.lee", "bo"]
        assert outs["request_status"] in ("PENDING", "IN_PROGRESS")
        assert stack.resource_outputs("mailboxes")["adopted"] is False

    def drift() -> None:  # the provider fulfils the request outside Pulumi
        sandbox.control.force_mailbox_status(request_id(), "COMPLETED")

    def saw_drift() -> None:
        outs = stack.resource_outputs("mailboxes")
        assert outs["status"] == "COMPLETED"
        assert "ciphertext" in str(outs["credentials"])  # the passwords, recorded as a secret

    stack_request: list[str] = []

    def check_destroyed() -> None:
        assert "acc-mbx-one.com" not in held(client)
        # InboxedUp has no endpoint to cancel a request: it stays, as the warning said
        (made,) = stack_request
        assert client.get_mailbox_request(made).domain == "acc-mbx-one.com"
        assert client.get_mailbox_request(outside.request_id).status.value != "FAILED"
        assert "acc-mbx-outside.com" in held(client)

    def remember() -> None:
        after_up()
        stack_request.append(request_id())

    Cycle(
        kinds=["MailboxRequest"],
        stack=stack,
        after_up=remember,
        update=None,  # the API cannot change a request: any change replaces it
        drift=drift,
        saw_drift=saw_drift,
        check_destroyed=check_destroyed,
    ).run()
    assert "no endpoint to cancel or delete a mailbox request" in "\n".join(stack.cli.transcript)
    assert_no_secret("\n".join(stack.cli.transcript), api_token)

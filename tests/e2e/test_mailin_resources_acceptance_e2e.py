"""The acceptance cycle for Mailin.ai Subdomain, DomainForwarding, EmailForwarding, SmtpMailboxes
and GoogleMailboxes, through the real CLI against the sandbox (programs/mailin_resources).

Before the stack exists the account already holds two domains, a mailbox, a subdomain and a
domain forwarding: the program adopts the last three, and after `destroy` all of them are still
there (the forwarding pointing where it did before), while nothing the stack made is left.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_inboxed.local_stack import LocalStack, PulumiCLI
from pulumi_inboxed.mailin import MailinClient
from pulumi_inboxed.mailin.models import NewSmtpMailbox
from pulumi_inboxed.sandbox import SandboxProcess

from .acceptance import Cycle
from .conftest import assert_no_secret

pytestmark = pytest.mark.e2e

PROGRAM = Path(__file__).parent / "programs" / "mailin_resources"
TOKEN = "mailin-sandbox-token"
KINDS = [
    "Subdomain",
    "DomainForwarding",
    "EmailForwarding",
    "SmtpMailboxes",
    "GoogleMailboxes",
]


@pytest.fixture(scope="module")
def mailin_resources_sandbox() -> Iterator[SandboxProcess]:
    with SandboxProcess(
        tokens=["unused"], extra_args=["--mailin-job-seconds", "0.3"], lifetime=1800
    ) as process:
        yield process


def settle(check: object, what: str) -> None:
    deadline = time.monotonic() + 30
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"{what} never happened"
        time.sleep(0.1)


def test_acceptance_cycle(
    cli: PulumiCLI, mailin_resources_sandbox: SandboxProcess, tmp_path: Path
) -> None:
    sandbox = mailin_resources_sandbox
    client = MailinClient(sandbox.mailin_url, token=TOKEN)
    p = "acc"
    smtp_domain, google_domain = f"{p}-mail.com", f"{p}-gw.biz"

    # what the account holds before the stack exists
    for name, google in ((smtp_domain, False), (google_domain, True)):
        job = client.buy_domains([name], google=google)
        settle(lambda job=job: client.get_domain_job(job).status == "completed", "purchase")
    pre_domain = client.find_domain(smtp_domain)
    assert pre_domain is not None
    job = client.create_smtp_mailboxes([NewSmtpMailbox(username=f"pre@{smtp_domain}", name="Pre")])
    settle(lambda: client.get_mailbox_job(job).status == "completed", "mailbox job")
    client.add_subdomain("old", smtp_domain)
    client.forward_domain(pre_domain.id, "before.com")
    pre_mailbox = next(m for m in client.list_mailboxes(f"pre@{smtp_domain}"))

    project = tmp_path / "mailin-resources"
    shutil.copytree(PROGRAM, project)
    stack = LocalStack(cli, project, "mailin-acceptance").init()
    stack.set_config("mailin:baseUrl", sandbox.mailin_url)
    stack.set_config("mailin:apiToken", TOKEN, secret=True)
    stack.set_config("mailin:pollIntervalSeconds", "0.2")
    settings = {
        "demo:prefix": p,
        "demo:preDomainId": str(pre_domain.id),
        "demo:salesName": "Sales Team",
        "demo:signature": "Best, John",
        "demo:domainForwardTo": "target-one.com",
        "demo:emailForwardTo": "Catch@Agency-Desk.com",
        "demo:preForwardTo": "ours.com",
    }
    for key, value in settings.items():
        stack.set_config(key, value)
    stack.set_config("demo:salesPassword", "First-Pass-123", secret=True)

    sales, john = f"sales@{smtp_domain}", f"john@{google_domain}"
    sub_name = f"sales.{smtp_domain}"

    def domain(name: str) -> int:
        found = client.find_domain(name) or client.find_domain(name, google=True)
        assert found is not None, name
        return found.id

    def mailbox(username: str, google: bool = False) -> int:
        return next(m.id for m in client.list_mailboxes(username, google=google))

    def after_up() -> None:
        sub = client.get_domain(domain(sub_name))
        assert sub.forward_to == "target-one.com"
        assert sub.email_forward_to == "catch@agency-desk.com"
        assert client.get_domain(pre_domain.id).forward_to == "ours.com"
        assert client.get_mailbox(mailbox(sales)).name == "Sales Team"
        assert client.get_mailbox(mailbox(sales)).password == "First-Pass-123"
        assert client.get_mailbox(mailbox(john, True)).signature == "Best, John"
        assert stack.outputs()["adopted_mailboxes"] == [f"pre@{smtp_domain}"]
        assert stack.resource_outputs("old-sub")["adopted"] is True
        assert stack.resource_outputs("sales-sub")["adopted"] is False
        assert stack.resource_outputs("pre-forwarding")["adopted"] is True

    def update() -> None:
        stack.set_config("demo:salesName", "Sales Desk")
        stack.set_config("demo:salesPassword", "Second-Pass-456", secret=True)
        stack.set_config("demo:signature", "Regards, John")
        stack.set_config("demo:domainForwardTo", "target-two.com")
        stack.set_config("demo:emailForwardTo", "desk@agency-desk.com")

    def after_update() -> None:
        sub = client.get_domain(domain(sub_name))
        assert (sub.forward_to, sub.email_forward_to) == ("target-two.com", "desk@agency-desk.com")
        box = client.get_mailbox(mailbox(sales))
        assert (box.name, box.password) == ("Sales Desk", "Second-Pass-456")
        assert client.get_mailbox(mailbox(john, True)).signature == "Regards, John"

    def drift() -> None:
        client.update_mailbox_name(mailbox(sales), "Renamed Elsewhere")
        client.forward_email(domain(sub_name), "elsewhere@agency-desk.com")
        client.add_signature(mailbox(john, True), "changed elsewhere")
        client.delete_domain(domain(f"team.{google_domain}"))

    def saw_drift() -> None:
        records = stack.resource_outputs("smtp-boxes")["records"]
        assert records[sales]["name"] == "Renamed Elsewhere"
        email_fwd = stack.resource_outputs("sales-email-forwarding")
        assert email_fwd["forward_to"] == "elsewhere@agency-desk.com"
        google = stack.resource_outputs("google-boxes")
        assert google["mailboxes"][0]["signature"] == "changed elsewhere"
        names = [r.get("urn", "").rsplit("::", 1)[-1] for r in stack.resources()]
        assert "team-sub" not in names  # deleted elsewhere: refresh dropped it
        assert "sales-sub" in names

    def check_destroyed() -> None:
        # nothing the stack made is left
        assert client.find_domain(sub_name) is None
        assert client.find_domain(f"team.{google_domain}", google=True) is None
        assert not [m for m in client.list_mailboxes(sales) if m.username == sales]
        assert not [m for m in client.list_mailboxes(john, google=True) if m.username == john]
        # everything that existed before is still there, as it was
        assert client.find_domain(smtp_domain) is not None
        assert client.find_domain(google_domain, google=True) is not None
        assert client.find_domain(f"old.{smtp_domain}") is not None
        assert client.get_mailbox(pre_mailbox.id).username == f"pre@{smtp_domain}"
        assert client.get_domain(pre_domain.id).forward_to == "before.com"

    try:
        Cycle(
            kinds=KINDS,
            stack=stack,
            after_up=after_up,
            update=update,
            after_update=after_update,
            drift=drift,
            saw_drift=saw_drift,
            check_destroyed=check_destroyed,
        ).run()
        state = stack.export()
        transcript = "\n".join(stack.cli.transcript)
        for secret in ("First-Pass-123", "Second-Pass-456"):
            assert_no_secret(state, secret)
            assert_no_secret(transcript, secret)
    finally:
        stack.destroy(check=False)

"""The acceptance cycle of `mailin.Domains` in each acquisition mode (buy, transfer, Inboxkit) and
Google, through the real CLI against the sandbox, whose `GET /domains` lists only SMTP domains
(Google and Inboxkit domains only in their own lists: the stricter reading of the page)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_inboxed.local_stack import LocalStack, PulumiCLI
from pulumi_inboxed.mailin import MailinClient
from pulumi_inboxed.mailin.models import MailinDomain
from pulumi_inboxed.sandbox import SandboxProcess

from .acceptance import Cycle

pytestmark = pytest.mark.e2e

PROGRAM = Path(__file__).parent / "programs" / "mailin_domains"
TOKEN = "mailin-sandbox-token"
KINDS = ("Domains (buy)", "Domains (transfer)", "Domains (inboxkit)", "Domains (google)")


@pytest.fixture(scope="module")
def domains_sandbox() -> Iterator[SandboxProcess]:
    with SandboxProcess(extra_args=["--mailin-job-seconds", "0.5"], lifetime=1800) as process:
        process.control.update_settings(mailin_separate_domain_lists=True)
        yield process


def find(client: MailinClient, name: str) -> MailinDomain | None:
    """The domain called `name` in any of the account's lists."""
    for listed in (
        client.list_domains(name),
        client.list_domains(name, google=True),
        client.list_inboxkit_domains(name),
    ):
        for domain in listed:
            if domain.name == name:
                return domain
    return None


def test_domains_acceptance_cycle(
    cli: PulumiCLI, domains_sandbox: SandboxProcess, tmp_path: Path
) -> None:
    sandbox = domains_sandbox
    client = MailinClient(sandbox.mailin_url, token=TOKEN)
    p = "acc"
    held, held_google = f"{p}-held.com", f"{p}-heldgw.com"
    client.buy_domains([held])
    client.buy_domains([held_google], google=True)
    held_ids = {}
    for name in (held, held_google):
        domain = find(client, name)
        assert domain is not None
        held_ids[name] = domain.id

    project = tmp_path / "mailin-domains"
    shutil.copytree(PROGRAM, project)
    stack = LocalStack(cli, project, "mailin-domains").init()
    stack.set_config("mailin:baseUrl", sandbox.mailin_url)
    stack.set_config("mailin:apiToken", TOKEN, secret=True)
    stack.set_config("mailin:pollIntervalSeconds", "0.2")
    stack.set_config("t:prefix", p)
    stack.set_config("t:held", held)
    stack.set_config("t:heldGoogle", held_google)

    made_first = [f"{p}-buy1.com", f"{p}-gw1.biz", f"{p}-moved1.io", f"{p}-kit1.net"]
    made_later = [f"{p}-buy2.co", f"{p}-gw2.com", f"{p}-moved2.io", f"{p}-kit2.net"]

    def after_up() -> None:
        for name in made_first:
            assert find(client, name) is not None, name
        outs = stack.outputs()
        assert outs["buy_adopted"] == [held]
        assert outs["google_adopted"] == [held_google]
        assert outs["transfer_adopted"] == [] and outs["inboxkit_adopted"] == []
        assert set(outs["inboxkit_ids"]) == {f"{p}-kit1.net"}  # found in the Inboxkit list
        assert set(outs["google_ids"]) == {f"{p}-gw1.biz", held_google}
        purchases = sandbox.control.mailin_purchases()
        assert purchases[f"{p}-buy1.com"] == 1 and purchases[f"{p}-gw1.biz"] == 1
        assert purchases[held] == 1 and purchases[held_google] == 1  # adopted, not bought again

    def update() -> None:
        stack.set_config("t:stage", "2")

    def after_update() -> None:
        for name in made_later:
            assert find(client, name) is not None, name
        assert find(client, f"{p}-moved1.io") is None  # removed from the list: deleted
        assert set(stack.outputs()["inboxkit_ids"]) == {f"{p}-kit1.net", f"{p}-kit2.net"}

    drifted = [f"{p}-buy1.com", f"{p}-gw1.biz", f"{p}-moved2.io", f"{p}-kit1.net"]

    def drift() -> None:  # deleted outside Pulumi, one per resource
        for name in drifted:
            domain = find(client, name)
            assert domain is not None, name
            client.delete_domain(domain.id)

    def saw_drift() -> None:
        for resource, name in zip(("buy", "google", "transfer", "inboxkit"), drifted, strict=True):
            assert name not in stack.resource_outputs(resource)["domain_ids"], (resource, name)

    def check_destroyed() -> None:
        for name in made_first + made_later:
            assert find(client, name) is None, f"{name} outlived destroy"
        for name, domain_id in held_ids.items():  # held before the stack: still there
            domain = find(client, name)
            assert domain is not None and domain.id == domain_id, name

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
    finally:
        stack.destroy(check=False)

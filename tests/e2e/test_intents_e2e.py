"""After a crash, what the stack bought is still the stack's (`core.intents`), through the real
CLI: `pulumi up` is killed right after the submit of an InboxedUp DomainBatch reached the
sandbox; `pulumi cancel`, `pulumi refresh --clear-pending-creates` and `pulumi up` recover it;
the recovering create manages the two domains as made by the stack (not adopted), and
`pulumi destroy` leaves nothing of them in the sandbox."""

from __future__ import annotations

import json
from pathlib import Path

from pulumi_inboxed.inboxedup import InboxedUpClient
from pulumi_inboxed.sandbox import SandboxProcess

from .conftest import StackFactory, interrupt_up

NAMES = ["crash-a.com", "crash-b.com"]


def records(project: Path) -> list[dict[str, object]]:
    where = project / ".inboxed" / "intents"
    found = sorted(where.rglob("*.json")) if where.exists() else []
    return [json.loads(p.read_text()) for p in found]


def test_domains_bought_by_a_killed_up_are_destroyed_with_the_stack(
    make_stack: StackFactory, sandbox: SandboxProcess, api_token: str
) -> None:
    stack = make_stack(
        "domain-batch",
        demo__domains=",".join(NAMES),
        demo__waitTimeoutSeconds="120",
    )
    client = InboxedUpClient(sandbox.url, api_token)
    sandbox.control.update_settings(queued_seconds=12.0)  # the create waits after its submit
    try:
        interrupt_up(
            stack,
            lambda: set(client.find_domains(NAMES)) == set(NAMES),
            "the submit reaching the sandbox",
        )
    finally:
        sandbox.control.update_settings(queued_seconds=0.6)
    # the provider process ran in the project's directory: the record is beside Pulumi.yaml
    (written,) = records(stack.project_dir)
    assert written["stack"] == stack.name and sorted(written["keys"]) == NAMES  # type: ignore[arg-type]
    assert str(written["urn"]).endswith("::outreach-domains")

    stack.cancel()  # the killed CLI left its lock
    stack.refresh("--clear-pending-creates")
    recovered = stack.up()
    said = recovered.stdout + recovered.stderr
    assert "found crash-a.com, crash-b.com, submitted by the interrupted run of" in said, said
    assert "managing them as created" in said
    assert stack.outputs()["adopted_domains"] == []  # the stack's own, not adopted
    assert records(stack.project_dir) == []  # the state holds them now
    held = client.find_domains(NAMES)
    assert sorted(held) == NAMES and len({d.id for d in held.values()}) == 2  # bought once each

    destroyed = stack.destroy()
    assert destroyed.returncode == 0
    assert client.find_domains(NAMES) == {}  # nothing the stack bought is left
    client.close()

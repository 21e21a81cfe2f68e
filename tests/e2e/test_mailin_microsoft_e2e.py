"""examples/mailin-microsoft through the real CLI; examples/verify-csv as a plain script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_inboxed.local_stack import LocalStack, PulumiCLI
from pulumi_inboxed.mailin import MailinClient
from pulumi_inboxed.mailin import endpoints as ep
from pulumi_inboxed.sandbox import SandboxProcess
from pulumi_inboxed.sandbox.mailin.common import MAILIN_PREFIX

from .conftest import EXAMPLES, assert_no_secret, interrupt_up

pytestmark = pytest.mark.e2e

TOKEN = "mailin-sandbox-token"
SECRETS = {
    "registrarKey": "pk1-REGISTRAR-KEY",
    "registrarSecret": "sk1-REGISTRAR-SECRET",
    "smartleadKey": "SMARTLEAD-KEY-123",
    "instantlyKey": "INSTANTLY-KEY-456",
}
AZURE_SECONDS = 1.0  # the module sandbox's order timer
ADD_ORDER = f"{ep.ADD_AZURE_ORDER.method} {MAILIN_PREFIX}{ep.ADD_AZURE_ORDER.path}"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxProcess]:
    # Orders are ready after 1 s; an upload would take 20 minutes, so it only moves when the test
    # finishes it through the control API (no assertion depends on timing).
    args = ["--mailin-job-seconds", "1.0", "--mailin-azure-seconds", str(AZURE_SECONDS)]
    args += ["--mailin-upload-seconds", "1200", "--mailin-verify-seconds", "0.5"]
    with SandboxProcess(extra_args=args, lifetime=1800) as process:
        yield process


def make_stack(
    cli: PulumiCLI, sandbox: SandboxProcess, tmp_path: Path, prefix: str = "ms"
) -> LocalStack:
    project = tmp_path / "mailin-microsoft"
    shutil.copytree(EXAMPLES / "mailin-microsoft", project)
    stack = LocalStack(cli, project, f"microsoft-{prefix}").init()
    stack.set_config("mailin:baseUrl", sandbox.mailin_url)
    stack.set_config("mailin:apiToken", TOKEN, secret=True)
    stack.set_config("mailin:pollIntervalSeconds", "0.2")
    stack.set_config("demo:prefix", prefix)
    for key, value in SECRETS.items():
        stack.set_config(f"demo:{key}", value, secret=True)
    return stack


def test_registrar_providers_and_a_manual_azure_order(
    cli: PulumiCLI, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    client = MailinClient(sandbox.mailin_url, token=TOKEN)
    stack = make_stack(cli, sandbox, tmp_path)
    try:
        stack.set_config("demo:mailboxCount", "99")
        failed = stack.preview(check=False)
        output = failed.stdout + failed.stderr
        assert failed.returncode != 0
        assert "has 99 mailboxes; manual mode needs exactly 100" in output
        assert client.find_azure_order("ms-azure.com") is None  # nothing ordered

        stack.set_config("demo:mailboxCount", "100")
        stack.up()
        out = stack.outputs()
        assert out["status"] == "ready"
        assert out["nameservers"]
        order = client.find_azure_order("ms-azure.com")
        assert order is not None and order.mailbox_mode == "manual"
        assert order.provider_id == out["provider_ids"]["smartlead"]
        assert len(client.get_azure_mailboxes(order.id)) == 100
        assert {p.provider for p in client.list_inbox_providers()} >= {"smartlead", "instantly"}
        assert any(r.provider == "porkbun" for r in client.list_domain_registrars())

        # the inbox provider changes in place: the order is not replaced
        stack.set_config("demo:useProvider", "instantly")
        result = stack.up()
        assert "replace" not in result.stdout
        moved = client.find_azure_order("ms-azure.com")
        assert moved is not None and moved.id == order.id
        assert moved.provider_id == out["provider_ids"]["instantly"]

        # an explicit re-upload trigger (the upload is finished first, so a restart shows)
        assert sandbox.control.mailin_finish_upload(order.id)["uploaded"] == 100
        stack.set_config("demo:reupload", "1")
        stack.up()
        assert client.get_azure_upload_status(order.id).uploaded == 0  # restarted
        assert sandbox.control.mailin_azure_order(order.id)["reuploads"] == 1

        assert stack.resource_outputs("azure-order")["upload_status"]["uploaded"] == 0
        sandbox.control.mailin_finish_upload(order.id)  # the upload finishes outside Pulumi
        stack.refresh()
        refreshed = stack.resource_outputs("azure-order")
        assert refreshed["upload_status"]["total"] == 100
        assert refreshed["upload_status"]["uploaded"] == 100  # refresh brought the new summary

        state = stack.export()
        transcript = "\n".join(stack.cli.transcript)
        mailbox_password = client.get_azure_mailboxes(order.id)[0].password
        for secret in [*SECRETS.values(), str(mailbox_password)]:
            assert_no_secret(state, secret)
            assert_no_secret(transcript, secret)
    finally:
        stack.destroy(check=False)
    assert client.find_azure_order("ms-azure.com") is None
    assert not {p.provider for p in client.list_inbox_providers()} & {"smartlead", "instantly"}
    assert not any(r.provider == "porkbun" for r in client.list_domain_registrars())


def add_order_requests(sandbox: SandboxProcess) -> int:
    return sandbox.control.stats().get(ADD_ORDER, 0)


def test_interrupted_azure_order_is_resumed_without_ordering_twice(
    cli: PulumiCLI, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    """`pulumi up` killed while the order (a purchase) waits to be ready; `pulumi cancel`, then
    `pulumi up` again adopts the order: one add request in all, no second order, no orphan."""
    client = MailinClient(sandbox.mailin_url, token=TOKEN)
    stack = make_stack(cli, sandbox, tmp_path, prefix="kill")
    domain = "kill-azure.com"
    adds_before = add_order_requests(sandbox)
    # The order takes 8 s to be ready (timers are fixed when the order is placed), so the kill
    # lands while the create waits on it.
    sandbox.control.update_settings(mailin_azure_seconds=8.0)
    try:
        interrupt_up(
            stack,
            lambda: add_order_requests(sandbox) > adds_before,
            "the Add Azure order request reaching the sandbox",
        )
    finally:
        sandbox.control.update_settings(mailin_azure_seconds=AZURE_SECONDS)

    try:
        placed = client.find_azure_order(domain)
        assert placed is not None
        stack.cancel()  # the killed CLI left its lock
        recorded = [r for r in stack.resources() if r.get("urn", "").endswith("::azure-order")]
        assert not recorded, "the create finished before the kill: the test proves nothing"

        stack.up()
        assert add_order_requests(sandbox) - adds_before == 1  # ordered (and bought) once
        orders = [o for o in client.list_azure_orders() if o.domain == domain]
        assert [o.id for o in orders] == [placed.id]  # adopted: no second order, no orphan
        out = stack.outputs()
        assert out["order_id"] == placed.id
        assert out["status"] == "ready"
        nameservers = client.get_azure_nameservers(placed.id)
        assert nameservers.status == "ready"
        assert out["nameservers"] == list(nameservers.nameservers) != []

        # The engine keeps the interrupted create as a pending operation (and warns of it on
        # every run) until a refresh clears it; the order stays recorded, under the same id.
        stack.refresh("--clear-pending-creates")
        deployment = json.loads(stack.export())["deployment"]
        assert not deployment.get("pending_operations")
        assert stack.resource_outputs("azure-order")["order_id"] == placed.id
        # The interrupted run recorded its intent before ordering (.inboxed/intents/ beside the
        # program): the recovering create manages the order as its own (issue 23), so destroy
        # deletes it. Before, it was adopted and destroy left it (issue 11, defect 15).
        assert out["order_adopted"] is False
        assert "managing it as created" in "\n".join(stack.cli.transcript)
        assert not list((stack.project_dir / ".inboxed" / "intents").rglob("*.json"))
    finally:
        destroyed = stack.destroy(check=False)
    assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
    assert client.find_azure_order(domain) is None
    assert add_order_requests(sandbox) - adds_before == 1


def test_the_verify_csv_example(sandbox: SandboxProcess, tmp_path: Path) -> None:
    client = MailinClient(sandbox.mailin_url, token=TOKEN)
    emails = tmp_path / "emails.csv"
    rows = [f"person{i}@example.com" for i in range(8)] + ["bad.one@example.com"]
    emails.write_text("name,email\n" + "".join(f"P{i},{a}\n" for i, a in enumerate(rows)))
    before = client.get_credits()
    env = {**os.environ, "MAILIN_BASE_URL": sandbox.mailin_url, "MAILIN_API_TOKEN": TOKEN}
    script = str(EXAMPLES / "verify-csv" / "verify_csv.py")
    done = subprocess.run(
        [sys.executable, script, str(emails)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "verifying 9 addresses" in done.stdout
    assert "total: 9" in done.stdout
    assert client.get_credits() == before - 9

    # more addresses than credits: refused before anything starts, with both numbers
    big = tmp_path / "big.csv"
    big.write_text("".join(f"user{i}@example.com\n" for i in range(before)))
    refused = subprocess.run(
        [sys.executable, script, str(big)], env=env, capture_output=True, text=True, timeout=120
    )
    assert refused.returncode == 2
    assert f"needs {before} credits, but the account has {before - 9} left" in refused.stdout
    assert client.get_credits() == before - 9

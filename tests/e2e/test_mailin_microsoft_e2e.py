"""examples/mailin-microsoft through the real CLI; examples/verify-csv as a plain script."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_inboxed.local_stack import LocalStack, PulumiCLI
from pulumi_inboxed.mailin import MailinClient
from pulumi_inboxed.sandbox import SandboxProcess

from .conftest import EXAMPLES, assert_no_secret

pytestmark = pytest.mark.e2e

TOKEN = "mailin-sandbox-token"
SECRETS = {
    "registrarKey": "pk1-REGISTRAR-KEY",
    "registrarSecret": "sk1-REGISTRAR-SECRET",
    "smartleadKey": "SMARTLEAD-KEY-123",
    "instantlyKey": "INSTANTLY-KEY-456",
}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxProcess]:
    # Orders are ready after 1 s; an upload would take 20 minutes, so it only moves when the test
    # finishes it through the control API (no assertion depends on timing).
    args = ["--mailin-job-seconds", "1.0", "--mailin-azure-seconds", "1.0"]
    args += ["--mailin-upload-seconds", "1200", "--mailin-verify-seconds", "0.5"]
    with SandboxProcess(extra_args=args, lifetime=1800) as process:
        yield process


def make_stack(cli: PulumiCLI, sandbox: SandboxProcess, tmp_path: Path) -> LocalStack:
    project = tmp_path / "mailin-microsoft"
    shutil.copytree(EXAMPLES / "mailin-microsoft", project)
    stack = LocalStack(cli, project, "microsoft").init()
    stack.set_config("mailin:baseUrl", sandbox.mailin_url)
    stack.set_config("mailin:apiToken", TOKEN, secret=True)
    stack.set_config("mailin:pollIntervalSeconds", "0.2")
    stack.set_config("demo:prefix", "ms")
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

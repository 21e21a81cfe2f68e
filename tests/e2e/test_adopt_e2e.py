"""`inboxed adopt` end to end: an estate made outside Pulumi (tests/e2e/estate.py: 200 InboxedUp
domains with 600 mailboxes of the four request types, Mailin.ai SMTP and Google domains with
mailboxes, forwarding, an inbox provider, a registrar and an Azure order, 300 MailChannels
domains and 5 Pingram sender domains) is read by the command, and the program it writes is run
by the real CLI: the first `up` adopts everything with zero write requests, preview and refresh
then change nothing, one edit applies just that change, destroy leaves the adopted objects."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_inboxed.local_stack import LocalStack, PulumiCLI
from pulumi_inboxed.sandbox import SandboxProcess

from .estate import Seeded, seed

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def sandbox(api_token: str) -> Iterator[SandboxProcess]:
    args = ["--mailin-job-seconds", "0.3", "--mailin-azure-seconds", "0.5"]
    args += ["--mailin-upload-seconds", "1200", "--pingram-verify-seconds", "0.1"]
    args += ["--mailbox-pending-seconds", "0.1", "--mailbox-in-progress-seconds", "0.2"]
    with SandboxProcess(
        queued_seconds=0.2,
        pending_ns_seconds=0.3,
        tokens=[api_token],
        extra_args=args,
        lifetime=1800,
    ) as process:
        yield process


def writes(sandbox: SandboxProcess) -> dict[str, int]:
    """Requests that may change an account since the last reset (everything but GET)."""
    return {k: n for k, n in sandbox.control.stats().items() if not k.startswith("GET ")}


def env_of(seeded: Seeded) -> dict[str, str]:
    env = {}
    for key, value in {**seeded.config, **seeded.secrets}.items():
        namespace, name = key.split(":")
        upper = "".join(f"_{c}" if c.isupper() else c.upper() for c in name)
        env[f"{namespace.upper()}_{upper}"] = value
    return env


def test_adopt_estate(
    cli: PulumiCLI, sandbox: SandboxProcess, api_token: str, tmp_path: Path
) -> None:
    started = time.monotonic()
    seeded = seed(sandbox.url, api_token)
    secrets = [*seeded.secrets.values(), *seeded.program_secrets.values()]
    sandbox.control.reset_stats()
    purchases = sandbox.control.mailin_purchases()
    out = tmp_path / "estate"
    # 1. the command: settings from the environment, every configured account
    env = {**os.environ, **env_of(seeded)}
    run = subprocess.run(
        [sys.executable, "-m", "pulumi_inboxed.adopt.cli", "adopt", "--all", "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "inboxedup: 200 domains, 600 mailboxes" in run.stderr
    assert "mailchannels: 300 domains" in run.stderr
    assert "pingram: 5 sender domains" in run.stderr
    reads = sandbox.control.stats()
    assert not writes(sandbox), reads
    # the fewest requests: one listing per list endpoint (pages of at most 100)
    assert reads["GET /domains"] <= 2 and reads["GET /mailboxes"] <= 6, reads
    assert reads["GET /mailchannels/inbound/v1/domains"] <= 3, reads
    program = (out / "__main__.py").read_text()
    generated = program + (out / "adopt-config.sh").read_text() + run.stdout + run.stderr
    for secret in secrets:
        assert secret not in generated, "a secret appears in the generated files or the output"
    compile(program, "__main__.py", "exec")
    assert "inboxedup.MailboxRequests(" in program and "mailchannels.InboundDomains(" in program
    print(f"adopt: {time.monotonic() - started:.1f} s since seeding began")

    # 2. the stack: the config the command printed
    stack = LocalStack(cli, out, "adopted").init()
    for key, value in seeded.config.items():
        stack.set_config(key, value)
    for key, value in seeded.secrets.items():
        stack.set_config(key, value, secret=True)
    stack.set_config(
        "mailinProviderInstantlyMainApiKey", seeded.program_secrets["instantly"], secret=True
    )
    stack.set_config(
        "mailinRegistrarPorkbunMainApiKey", seeded.program_secrets["porkbun api_key"], secret=True
    )
    stack.set_config(
        "mailinRegistrarPorkbunMainSecretApiKey",
        seeded.program_secrets["porkbun secret_api_key"],
        secret=True,
    )
    sandbox.control.reset_stats()
    counts: dict[str, dict[str, int]] = {}
    stack.preview()
    counts["preview"] = writes(sandbox)
    stack.up()
    counts["up"] = writes(sandbox)
    assert sandbox.control.mailin_purchases() == purchases, "up bought something"
    stack.preview("--expect-no-changes")
    counts["no-change preview"] = writes(sandbox)
    stack.refresh("--expect-no-changes")
    counts["refresh"] = writes(sandbox)
    stack.preview("--expect-no-changes")
    print(f"writes at each step: {counts}")
    assert all(not w for w in counts.values()), counts

    # 3. one edit: one more SMTP mailbox, one MailChannels domain removed
    marker = (
        "mailin_smtp_mailboxes = mailin.SmtpMailboxes(\n"
        "    'mailin-smtp-mailboxes',\n    mailboxes=[\n"
    )
    assert marker in program
    edited = program.replace(
        marker, marker + "        mailin.SmtpMailboxArgs('new@adopt-ms0.com', 'New One'),\n"
    )
    assert "        'adopt-in299.com',\n" in edited
    edited = edited.replace("        'adopt-in299.com',\n", "")
    (out / "__main__.py").write_text(edited)
    sandbox.control.reset_stats()
    stack.up()
    edit_writes = writes(sandbox)
    print(f"writes of the edit: {edit_writes}")
    assert edit_writes == {"POST /api/v1/public/mailboxes": 1}, edit_writes
    assert "adopt-in299.com" in sandbox.control.mailchannels_state()["domains"]  # adopted: kept
    stack.preview("--expect-no-changes")

    # 4. destroy leaves what was adopted; the mailbox the program made is deleted
    stack.destroy()
    assert len(sandbox.control.mailchannels_state()["domains"]) == 300
    assert len(sandbox.control.pingram_domains()) == 5
    transcript = "\n".join(cli.transcript)
    for secret in secrets:
        assert secret not in transcript
    print(f"total: {time.monotonic() - started:.1f} s")

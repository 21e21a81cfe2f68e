"""`inboxed adopt` end to end, over named accounts and a stack's config.

The sandbox holds three accounts, isolated by credential, each seeded outside Pulumi
(tests/e2e/estate.py) through its own credentials:

- `default`: 200 InboxedUp domains with 600 mailboxes of the four request types, Mailin.ai SMTP and
  Google domains with mailboxes, forwarding, a subdomain, an Inboxkit transfer, an inbox
  provider, a registrar and an Azure order, 300 MailChannels domains and 5 Pingram sender domains;
- `client-a`: 4 InboxedUp domains (12 mailboxes) and a small Mailin.ai estate;
- `client-b`: 3 InboxedUp domains (9 mailboxes).

The accounts are set in a stack's config (`pulumi config set --path --secret
'<api>:accounts.<name>.apiToken'`); `inboxed adopt --all --stack NAME --cwd DIR` reads every one
and writes the program, which the real CLI runs: the first `up` makes zero write requests in
every account (per-account counters), its preview passes the package's policy pack, preview and
refresh then change nothing, an edit in a named account writes only there, an edit in the default
account only there, destroy refuses while the purchases are protected, and once unprotected
leaves every adopted object in every account."""

from __future__ import annotations

import secrets
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pulumi_inboxed import policy_pack
from pulumi_inboxed.inboxedup import runtime as iu_runtime
from pulumi_inboxed.local_stack import LocalStack, PulumiCLI
from pulumi_inboxed.mailin import runtime as mi_runtime
from pulumi_inboxed.sandbox import SandboxProcess

from .estate import Seeded, seed

pytestmark = pytest.mark.e2e

IU_A = "iu-a-" + secrets.token_hex(10)
IU_B = "iu-b-" + secrets.token_hex(10)
ML_A = "ml-a-" + secrets.token_hex(10)
ACCOUNTS = {
    "client-a": {"inboxedup_tokens": [IU_A], "mailin_tokens": [ML_A]},
    "client-b": {"inboxedup_tokens": [IU_B]},
}
NAMES = ("default", "client-a", "client-b")
MAILBOX_POST = "POST /api/v1/public/mailboxes"
PACK = policy_pack.path()  # the pack as shipped in the package


@pytest.fixture(scope="module")
def sandbox(api_token: str) -> Iterator[SandboxProcess]:
    args = ["--mailin-job-seconds", "0.3", "--mailin-azure-seconds", "0.5"]
    args += ["--mailin-upload-seconds", "1200", "--pingram-verify-seconds", "0.1"]
    args += ["--mailbox-pending-seconds", "0.1", "--mailbox-in-progress-seconds", "0.2"]
    with SandboxProcess(
        queued_seconds=0.2,
        pending_ns_seconds=0.3,
        tokens=[api_token],
        accounts=ACCOUNTS,
        extra_args=args,
        lifetime=1800,
    ) as process:
        yield process


def writes(sandbox: SandboxProcess) -> dict[str, dict[str, int]]:
    """Per account, the requests that may change it since the last reset (everything but GET)."""
    return {
        name: {
            k: n
            for k, n in sandbox.control.for_account(name).stats().items()
            if not k.startswith("GET ")
        }
        for name in NAMES
    }


def no_writes(counts: dict[str, dict[str, int]]) -> bool:
    return not any(counts.values())


def set_path_secret(stack: LocalStack, key: str, value: str) -> None:
    """`pulumi config set --path --secret KEY` with the value on stdin (never on argv)."""
    stack._run("config", "set", "--path", "--secret", key, "--non-interactive", stdin=value)


def test_adopt_estate(
    cli: PulumiCLI, sandbox: SandboxProcess, api_token: str, tmp_path: Path
) -> None:
    started = time.monotonic()
    seeded = seed(sandbox.url, api_token)
    seeded_a = seed(
        sandbox.url,
        IU_A,
        prefix="ca",
        inboxedup_domains=4,
        mailchannels_domains=0,
        pingram_domains=0,
        mailin_token=ML_A,
        mailin_microsoft=False,
    )
    seeded_b: Seeded = seed(
        sandbox.url,
        IU_B,
        prefix="cb",
        inboxedup_domains=3,
        mailchannels_domains=0,
        pingram_domains=0,
        mailin=False,
    )
    secret_values = [
        *seeded.secrets.values(),
        *seeded.program_secrets.values(),
        IU_A,
        IU_B,
        ML_A,
    ]
    timings = {"seed": time.monotonic() - started}
    purchases = {n: sandbox.control.for_account(n).mailin_purchases() for n in NAMES}

    # 1. the stack's config: the default accounts' plain settings and the named accounts' own
    out = tmp_path / "estate"
    out.mkdir()
    (out / "Pulumi.yaml").write_text("name: adopted-estate\nruntime: python\n")
    stack = LocalStack(cli, out, "adopted").init()
    for key, value in seeded.config.items():
        stack.set_config(key, value)
    for key, value in seeded.secrets.items():
        stack.set_config(key, value, secret=True)
    set_path_secret(stack, "inboxedup:accounts.client-a.apiToken", IU_A)
    set_path_secret(stack, "inboxedup:accounts.client-b.apiToken", IU_B)
    set_path_secret(stack, "mailin:accounts.client-a.apiToken", ML_A)

    # 2. the command: every account the stack's config names, read from that config
    sandbox.control.reset_stats()
    clock = time.monotonic()
    command = [sys.executable, "-m", "pulumi_inboxed.adopt.cli", "adopt", "--all"]
    command += ["--stack", "adopted", "--cwd", str(out), "--pulumi", str(cli.bin_dir / "pulumi")]
    command += ["--out", str(out)]
    run = subprocess.run(
        command, env=cli.env(), capture_output=True, text=True, timeout=300, check=False
    )
    timings["adopt"] = time.monotonic() - clock
    assert run.returncode == 0, run.stderr[-3000:]
    for line in (
        "inboxedup: 200 domains, 600 mailboxes",
        "inboxedup client-a: 4 domains, 12 mailboxes",
        "inboxedup client-b: 3 domains, 9 mailboxes",
        "mailin client-a: ",
        "mailchannels: 300 domains",
        "pingram: 5 sender domains",
    ):
        assert line in run.stderr, run.stderr
    assert "mailin client-b" not in run.stderr  # client-b has no Mailin.ai account
    reads = {n: sandbox.control.for_account(n).stats() for n in NAMES}
    adopt_requests = {n: sum(r.values()) for n, r in reads.items()}
    print(f"adopt: requests per account {adopt_requests}; {reads}")
    assert no_writes(writes(sandbox)), reads
    # the fewest requests: one listing per list endpoint (pages of at most 500 / 1000)
    assert reads["default"]["GET /domains"] == 1 and reads["default"]["GET /mailboxes"] == 1
    assert reads["default"]["GET /mailchannels/inbound/v1/domains"] == 1, reads
    for name in ("client-a", "client-b"):
        assert reads[name]["GET /domains"] == 1 and reads[name]["GET /mailboxes"] == 1, reads
    assert all(n == 1 for k, n in reads["client-a"].items() if "/api/v1/public/" in k), reads
    program = (out / "__main__.py").read_text()
    generated = program + (out / "adopt-config.sh").read_text() + run.stdout + run.stderr
    for value in secret_values:
        assert value not in generated, "a secret appears in the generated files or the output"
    compile(program, "__main__.py", "exec")
    check = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--isolated", "--check", str(out / "__main__.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "inboxedup.MailboxRequests(" in program and "mailchannels.InboundDomains(" in program
    for section in ("InboxedUp, account 'client-a'", "InboxedUp, account 'client-b'"):
        assert f"# --- {section}" in program
    assert "# --- Mailin.ai, account 'client-a'" in program
    assert program.count('account="client-a"') >= 4 and 'account="client-b"' in program
    assert "mailin.Subdomain(" in program and "Inboxkit-transferred" in program
    assert program.count("opts=pulumi.ResourceOptions(protect=True)") >= 3  # Domains, Azure order
    for key in ("inboxedup:accounts.client-a.apiToken", "mailin:accounts.client-a.apiToken"):
        assert f"pulumi config set --path --secret '{key}'" in run.stdout

    # 3. the config the program needs beyond the accounts: the keys it reads from config
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
    counts: dict[str, dict[str, dict[str, int]]] = {}
    steps: list[tuple[str, Callable[..., object], tuple[str, ...]]] = [
        # the package's own policy pack passes on the adopted program (issue 21)
        ("preview with the policy pack", stack.preview, ("--policy-pack", str(PACK))),
        ("up", stack.up, ()),
        ("no-change preview", stack.preview, ("--expect-no-changes",)),
        ("refresh", stack.refresh, ("--expect-no-changes",)),
        ("no-change preview after refresh", stack.preview, ("--expect-no-changes",)),
    ]
    for step, action, extra in steps:
        clock = time.monotonic()
        result = action(*extra)
        if "--policy-pack" in extra:
            assert isinstance(result, subprocess.CompletedProcess)
            assert "inboxed-guardrails" in result.stdout + result.stderr  # the pack ran
        timings[step] = time.monotonic() - clock
        counts[step] = writes(sandbox)
        sandbox.control.reset_stats()
    print(f"writes at each step, per account: {counts}")
    assert all(no_writes(w) for w in counts.values()), counts
    for name in NAMES:
        bought = sandbox.control.for_account(name).mailin_purchases()
        assert bought == purchases[name], f"up bought something in {name}"
    resources = stack.resources()
    accounts_in_state = {r.get("inputs", {}).get("account") for r in resources}
    assert {"client-a", "client-b"} <= accounts_in_state, accounts_in_state

    # 4. an edit in one named account: one more SMTP mailbox in Mailin.ai account client-a
    marker_a = (
        "mailin_client_a_smtp_mailboxes = mailin.SmtpMailboxes(\n"
        '    "mailin-client-a-smtp-mailboxes",\n    mailboxes=[\n'
    )
    assert marker_a in program, program
    edited = program.replace(
        marker_a, marker_a + '        mailin.SmtpMailboxArgs("new@ca-ms0.com", "New A"),\n'
    )
    (out / "__main__.py").write_text(edited)
    clock = time.monotonic()
    stack.up()
    timings["edit in client-a"] = time.monotonic() - clock
    counts["edit in client-a"] = edit_a = writes(sandbox)
    print(f"writes of the edit in client-a: {edit_a}")
    assert edit_a == {"default": {}, "client-a": {MAILBOX_POST: 1}, "client-b": {}}, edit_a
    stack.preview("--expect-no-changes")

    # 5. an edit in the default account: one more SMTP mailbox, one MailChannels domain removed
    marker = (
        "mailin_smtp_mailboxes = mailin.SmtpMailboxes(\n"
        '    "mailin-smtp-mailboxes",\n    mailboxes=[\n'
    )
    assert marker in edited
    edited = edited.replace(
        marker, marker + '        mailin.SmtpMailboxArgs("new@adopt-ms0.com", "New One"),\n'
    )
    assert '        "adopt-in299.com",\n' in edited
    edited = edited.replace('        "adopt-in299.com",\n', "")
    (out / "__main__.py").write_text(edited)
    sandbox.control.reset_stats()
    clock = time.monotonic()
    stack.up()
    timings["edit in default"] = time.monotonic() - clock
    counts["edit in default"] = edit = writes(sandbox)
    print(f"writes of the edit in default: {edit}")
    assert edit == {"default": {MAILBOX_POST: 1}, "client-a": {}, "client-b": {}}, edit
    assert "adopt-in299.com" in sandbox.control.mailchannels_state()["domains"]  # adopted: kept
    stack.preview("--expect-no-changes")

    # 6. destroy leaves what was adopted, in every account; the two mailboxes made are deleted.
    # The resources that bought domains are protected: destroy refuses until they are unprotected.
    sandbox.control.reset_stats()
    refused = stack.destroy(check=False)
    assert refused.returncode != 0 and "protect" in refused.stdout + refused.stderr
    assert no_writes(writes(sandbox))
    stack._run("state", "unprotect", "--all", "--yes")
    sandbox.control.reset_stats()
    clock = time.monotonic()
    stack.destroy()
    timings["destroy"] = time.monotonic() - clock
    counts["destroy"] = gone = writes(sandbox)
    print(f"writes of destroy: {gone}")
    assert not gone["client-b"], gone
    for name in ("default", "client-a"):
        assert set(gone[name]) <= {"DELETE /api/v1/public/mailboxes/{mailbox_id}"}, gone
    assert len(sandbox.control.mailchannels_state()["domains"]) == 300
    assert len(sandbox.control.pingram_domains()) == 5
    for token, made in ((api_token, seeded), (IU_A, seeded_a), (IU_B, seeded_b)):
        client = iu_runtime.runtime_for(
            {"inboxedup:baseUrl": sandbox.url, "inboxedup:apiToken": token}
        ).client
        held = {d.domain for d in client.iter_domains()}
        assert set(made.inboxedup_domains) <= held
        boxes = sum(len(r.mailboxes) for r in client.iter_mailbox_requests())
        assert boxes == made.inboxedup_mailboxes, (token[:5], boxes)
    for token, made in ((seeded.secrets["mailin:apiToken"], seeded), (ML_A, seeded_a)):
        mailin = mi_runtime.runtime_for(
            {"mailin:baseUrl": seeded.config["mailin:baseUrl"], "mailin:apiToken": token}
        ).client
        names = {d.name for d in mailin.list_domains()}
        names |= {d.name for d in mailin.list_domains(google=True)}
        names |= {o.domain for o in mailin.list_azure_orders()}  # the Azure order: kept too
        assert set(made.mailin_domains) <= names
        users = {b.username for b in mailin.list_mailboxes()}
        assert not {"new@ca-ms0.com", "new@adopt-ms0.com"} & users, "made mailbox kept"
        assert f"u0@{made.mailin_domains[0]}" in users
    transcript = "\n".join(cli.transcript)
    for value in secret_values:
        assert value not in transcript
    timings["total"] = time.monotonic() - started
    print("timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))

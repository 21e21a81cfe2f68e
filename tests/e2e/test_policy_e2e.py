"""The `inboxed-guardrails` policy pack through the real CLI (`--policy-pack`), against the sandbox.

One program (tests/e2e/policy_programs/guardrails) with four cases; each preview names every
policy it expects to see pass, fail (mandatory) or warn (advisory). The remediation is seen in
the registered inputs (`pulumi stack export` after `pulumi up`).
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_inboxed import policy_pack
from pulumi_inboxed.local_stack import LocalStack, PulumiCLI
from pulumi_inboxed.sandbox import SandboxProcess
from tests.unit.policy.installed_pack import InstalledWheel, build_and_install

from .conftest import ROOT, assert_no_secret

pytestmark = pytest.mark.e2e

PACK = policy_pack.path()  # the pack as shipped in the package (here: the checkout's copy)
PROGRAM = Path(__file__).parent / "policy_programs" / "guardrails"
MAILIN_TOKEN = "mailin-" + secrets.token_hex(12)

ALL_POLICIES = (
    "inboxedup-mailboxes-per-domain",
    "mailchannels-domains-per-request",
    "domains-per-account",
    "mailin-azure-manual-order-size",
    "mailin-purchasable-tlds",
    "purchased-domains-protected",
    "max-domains-bought-per-update",
    "no-duplicate-domains",
    "credentials-are-secrets",
    "mailbox-usernames-on-domain",
    "names-present",
)


@pytest.fixture(scope="module")
def policy_sandbox(api_token: str) -> Iterator[SandboxProcess]:
    with SandboxProcess(
        queued_seconds=0.3,
        pending_ns_seconds=0.6,
        tokens=[api_token],
        extra_args=["--mailin-job-seconds", "0.5"],
        lifetime=1200,
    ) as process:
        process.control.update_settings(mailin_tokens=[MAILIN_TOKEN])
        yield process


def make(
    cli: PulumiCLI, sandbox: SandboxProcess, api_token: str, tmp_path: Path, case: str
) -> LocalStack:
    project = tmp_path / case
    shutil.copytree(PROGRAM, project)
    stack = LocalStack(cli, project, f"policy-{case}").init()
    stack.set_config("policy:case", case)
    stack.set_config("inboxedup:baseUrl", sandbox.url)
    stack.set_config("inboxedup:apiToken", api_token, secret=True)
    stack.set_config("inboxedup:pollIntervalSeconds", "0.2")
    stack.set_config("mailin:baseUrl", sandbox.mailin_url)
    stack.set_config("mailin:apiToken", MAILIN_TOKEN, secret=True)
    stack.set_config("mailin:pollIntervalSeconds", "0.2")
    return stack


def pack_config(tmp_path: Path, name: str, config: dict[str, object]) -> str:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(config))
    return str(path)


def policy_lines(output: str, policy: str) -> str:
    """The output's lines from the first that names `policy`, to the next policy's."""
    lines = output.splitlines()
    picked: list[str] = []
    for i, line in enumerate(lines):
        if policy in line:
            picked.extend(lines[i : i + 4])
    return "\n".join(picked)


def test_compliant_program_passes_every_policy(
    cli: PulumiCLI, policy_sandbox: SandboxProcess, api_token: str, tmp_path: Path
) -> None:
    stack = make(cli, policy_sandbox, api_token, tmp_path, "compliant")
    every_mandatory = pack_config(tmp_path, "all", {"all": "mandatory"})
    result = stack.preview("--policy-pack", str(PACK), "--policy-pack-config", every_mandatory)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "inboxed-guardrails" in out
    for policy in ALL_POLICIES:
        assert policy not in out, f"{policy} reported on the compliant program:\n{out}"


def test_stack_policies_fail_and_warn(
    cli: PulumiCLI, policy_sandbox: SandboxProcess, api_token: str, tmp_path: Path
) -> None:
    stack = make(cli, policy_sandbox, api_token, tmp_path, "stack")
    config = pack_config(tmp_path, "stack", {"max-domains-bought-per-update": {"maxDomains": 2}})
    result = stack.preview("--policy-pack", str(PACK), "--policy-pack-config", config, check=False)
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert "domain 'full-domain.com' would have 5 microsoft mailboxes" in out, out
    assert "across 'fleet' requests[0] (1), 'ms-1' (2), 'ms-2' (2)" in out, out
    assert "inboxedup:MailboxRequests 'fleet' requests[0]: domain" in out, out
    assert "InboxedUp allows 3 microsoft mailboxes per domain" in out
    assert "domain 'dup-domain.com' (domains[0]) is declared 2 times for hosting" in out
    assert "'batch-2'" in policy_lines(out, "no-duplicate-domains")
    assert "would buy 3 domain(s)" in out and "more than the 2 allowed per update" in out
    assert "1001 domains exceed MailChannels' 1000 per request" in out
    for policy in (
        "inboxedup-mailboxes-per-domain",
        "no-duplicate-domains",
        "max-domains-bought-per-update",
    ):
        assert f"[mandatory]  {policy}" in out, (policy, out)
    assert "[advisory]" in policy_lines(out, "mailchannels-domains-per-request"), out

    # The same program with those policies set advisory in the pack's config previews cleanly.
    relaxed = pack_config(
        tmp_path,
        "relaxed",
        {
            "inboxedup-mailboxes-per-domain": "advisory",
            "no-duplicate-domains": "advisory",
            "max-domains-bought-per-update": {"enforcementLevel": "advisory", "maxDomains": 2},
        },
    )
    again = stack.preview("--policy-pack", str(PACK), "--policy-pack-config", relaxed, check=False)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "would buy 3 domain(s)" in again.stdout + again.stderr


RESOURCE_CASES = {
    "resource-tld": {
        "mailin-purchasable-tlds": "mailin:Domains 'unprotected-xyz': domains[0] "
        "'cheap-domain.xyz': .xyz cannot be bought at Mailin.ai (allowed: .com, .co, .ca, .biz)",
        "purchased-domains-protected": "mailin:Domains 'unprotected-xyz' buys "
        "'cheap-domain.xyz' and deleting it deletes them: set",
    },
    "resource-azure": {
        "mailin-azure-manual-order-size": "mailin:AzureOrder 'azure-short': a manual Azure "
        "order has exactly 100 mailboxes; this one has 3 (domain 'azure-order.com')",
        "mailbox-usernames-on-domain": "mailin:AzureOrder 'azure-short': mailboxes[2].email "
        "'three@elsewhere.com' is not an address on the order's domain 'azure-order.com'",
    },
    "resource-mailbox": {
        "names-present": "inboxedup:MailboxRequest 'off-domain': mailboxes[0].first_name is "
        "missing or blank",
        "mailbox-usernames-on-domain": "inboxedup:MailboxRequest 'off-domain': "
        "mailboxes[1].username 'bob@other-domain.com' is not on the request's domain",
    },
}


@pytest.mark.parametrize("case", sorted(RESOURCE_CASES))
def test_resource_policies_fail(
    case: str, cli: PulumiCLI, policy_sandbox: SandboxProcess, api_token: str, tmp_path: Path
) -> None:
    stack = make(cli, policy_sandbox, api_token, tmp_path, case)
    result = stack.preview("--policy-pack", str(PACK), check=False)
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    for policy, message in RESOURCE_CASES[case].items():
        assert f"[mandatory]  {policy}" in out, (policy, out)
        assert message in out, (message, out)


def test_plaintext_credential_fails_then_remediation_makes_it_secret(
    cli: PulumiCLI, policy_sandbox: SandboxProcess, api_token: str, tmp_path: Path
) -> None:
    key = "ri_" + secrets.token_hex(16)
    stack = make(cli, policy_sandbox, api_token, tmp_path, "plaintext")
    stack.set_config("policy:providerKey", key)  # plaintext on purpose

    strict = pack_config(tmp_path, "strict", {"credentials-are-secrets": "mandatory"})
    result = stack.preview("--policy-pack", str(PACK), "--policy-pack-config", strict, check=False)
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert "mailin:InboxProvider 'plain-key': input api_key is a credential in plaintext" in out
    assert "[mandatory]  credentials-are-secrets" in out, out
    # The preview's diff shows the plaintext input (that is the violation); the policy never does.
    assert re.search(rf'api_key\s+: "{key}"', out), out
    assert_no_secret(policy_lines(out, "credentials-are-secrets"), key)

    # Default level (remediate): `pulumi up` registers the api_key as a secret.
    up = stack.up("--policy-pack", str(PACK))
    assert "credentials-are-secrets" in up.stdout + up.stderr
    # (The stack's provider resource records the plaintext config value we set on purpose; the
    # resource itself holds the key only encrypted, in its inputs and its outputs.)
    (resource,) = [r for r in stack.resources() if r["urn"].endswith("::plain-key")]
    assert_no_secret(json.dumps(resource), key)
    for recorded in (resource["inputs"], resource["outputs"]):
        assert "ciphertext" in recorded["api_key"], recorded["api_key"]
    stack.set_config("policy:case", "none")  # lets the fixture-less teardown delete it
    stack.destroy()


def set_accounts(stack: LocalStack, api: str, keys: dict[str, str]) -> None:
    """`pulumi config set --path --secret '<api>:accounts.<name>.apiKey'` (stdin, never argv)."""
    for account, key in keys.items():
        path = f"{api}:accounts.{account}.apiKey"
        stack._run("config", "set", "--path", "--secret", path, "--non-interactive", stdin=key)


def test_limits_count_per_account(
    cli: PulumiCLI, policy_sandbox: SandboxProcess, api_token: str, tmp_path: Path
) -> None:
    """Three Pingram sender domains and three MailChannels domains under a cap of two per
    account: split over two accounts they pass; all in one account they fail, naming it."""
    keys = {"client-a": "k-a-" + secrets.token_hex(8), "client-b": "k-b-" + secrets.token_hex(8)}
    caps = {"domains-per-account": {"maxDomains": {"pingram": 2, "mailchannels": 2}}}
    config = pack_config(tmp_path, "caps", caps)
    outs: list[str] = []
    for case in ("accounts", "accounts-over"):
        stack = make(cli, policy_sandbox, api_token, tmp_path, case)
        set_accounts(stack, "pingram", keys)
        set_accounts(stack, "mailchannels", keys)
        result = stack.preview(
            "--policy-pack", str(PACK), "--policy-pack-config", config, check=False
        )
        out = result.stdout + result.stderr
        outs.append(out)
        for key in keys.values():
            assert_no_secret(out, key)
        if case == "accounts":
            assert result.returncode == 0, out
            assert "domains-per-account" not in out, out
            continue
        assert result.returncode != 0, out
        assert "[mandatory]  domains-per-account" in out, out
        assert (
            "pingram:SenderDomain 'send-3': Pingram account 'client-a' would hold 3 domains "
            "across 'send-3' (1), 'send-a1' (1), 'send-a2' (1); the policy allows 2 per "
            "Pingram account" in out
        ), out
        assert "MailChannels account 'client-a' would hold 3 domains" in out, out
        assert "client-b" not in policy_lines(out, "domains-per-account"), out


def test_pack_from_an_installed_wheel_fails_a_violating_preview(
    pulumi_bin: Path,
    policy_sandbox: SandboxProcess,
    api_token: str,
    tmp_path: Path,
) -> None:
    """As a pip user: the wheel in a fresh venv, `--policy-pack "$(inboxed-policy-pack)"`."""
    installed: InstalledWheel = build_and_install(tmp_path / "wheel")
    printed = subprocess.run(
        [str(installed.script("inboxed-policy-pack"))],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout.strip()
    folder = Path(printed).resolve()
    assert folder.is_relative_to(installed.site_packages), folder
    assert not folder.is_relative_to(ROOT.resolve())

    venv_cli = PulumiCLI(
        home=tmp_path / "home",
        backend_dir=tmp_path / "state",
        bin_dir=pulumi_bin,
        extra_env={"PULUMI_PYTHON_CMD": str(installed.python)},
    )
    stack = make(venv_cli, policy_sandbox, api_token, tmp_path, "resource-mailbox")
    result = stack.preview("--policy-pack", printed, check=False)
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert "inboxed-guardrails" in out, out
    for policy, message in RESOURCE_CASES["resource-mailbox"].items():
        assert f"[mandatory]  {policy}" in out, (policy, out)
        assert message in out, (message, out)

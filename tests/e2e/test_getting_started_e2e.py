"""docs/getting-started.md, run as written: every ```bash block of the page, in order, as one bash
script, with the wheel built from this checkout installed into a fresh venv, against the sandbox.

What the test gives the page's script is what the page tells a user to have: `INBOXED_SOURCE`
(here the wheel, as a file:// URL), the passphrase and the two clients' credentials as variables,
and the sandbox's base URLs (`INBOXEDUP_BASE_URL`, `MAILIN_BASE_URL`), as the page's rehearsal
step sets them, and `PULUMI_HOME` (where the CLI keeps its login and logs) in a fresh folder.
The page's `pulumi login --local` is shown, not run: it writes to the user's real home
(`~` is the account's home directory, whatever `$HOME` says).

No network: the fresh venv (the one the page's `python3 -m venv venv` makes; created here first
with the same command) gets one `.pth` line naming this project venv's site-packages, so the
wheel's dependencies are found installed, and pip runs with `PIP_NO_INDEX=1`. `pulumi_inboxed`
itself comes from the wheel (checked below).
"""

from __future__ import annotations

import os
import pwd
import re
import secrets
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from pulumi_inboxed.sandbox import SandboxProcess

from .conftest import ROOT, assert_no_secret

pytestmark = pytest.mark.e2e

PAGE = ROOT / "docs" / "getting-started.md"
BASH_BLOCK = re.compile(r"^```bash\n(.*?)^```", re.MULTILINE | re.DOTALL)


def page_script() -> str:
    return "\n".join(block for block in BASH_BLOCK.findall(PAGE.read_text(encoding="utf-8")))


def test_the_page_runs_what_a_user_needs() -> None:
    """The run blocks hold the steps the page promises (a doc edit cannot drop one silently)."""
    script = page_script()
    assert "pulumi login --local" in PAGE.read_text(encoding="utf-8")
    for command in (
        "virtualenv: venv",
        "python3 -m venv venv",
        "pip install -r requirements.txt",
        'pulumi login "file://$PWD/.pulumi-state"',
        "pulumi stack init dev",
        "pulumi config set --path --secret 'inboxedup:accounts.client-a.apiToken'",
        "pulumi config set --path --secret 'mailin:accounts.client-b.apiToken'",
        'pulumi preview --policy-pack "$(inboxed-policy-pack)"',
        'pulumi up --yes --policy-pack "$(inboxed-policy-pack)"',
        "protect=True",
        "pulumi state unprotect --all --yes",
        "pulumi destroy --yes",
    ):
        assert command in script, command


def build_wheel(dest: Path) -> Path:
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-w", str(dest)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, (build.stdout + build.stderr)[-4000:]
    (wheel,) = dest.glob("pulumi_inboxed-*.whl")
    return wheel


def fresh_venv_seeing_project_deps(venv: Path) -> None:
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    purelib = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import sysconfig; print(sysconfig.get_path('purelib'))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(purelib) / "project-deps.pth").write_text(sysconfig.get_path("purelib") + "\n")


def user_env(pulumi_bin: Path, home: Path, extra: dict[str, str]) -> dict[str, str]:
    """A user's shell: the CLI and python3 on PATH, nothing of this test run's venv."""
    project_bin = str(Path(sys.prefix) / "bin")
    path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p != project_bin]
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PULUMI_", "VIRTUAL_ENV", "PYTHON", "INBOXED", "PIP_"))
        and not key.endswith(("_BASE_URL", "_ACCOUNTS", "_API_TOKEN", "_API_KEY"))
    }
    env.update(
        {
            "PATH": os.pathsep.join([str(pulumi_bin), *path]),
            "HOME": str(home),
            "PULUMI_HOME": str(home / ".pulumi"),
            "PIP_NO_INDEX": "1",
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "INBOXEDUP_POLL_INTERVAL_SECONDS": "0.5",
            "MAILIN_POLL_INTERVAL_SECONDS": "0.5",
        }
    )
    env.update(extra)
    return env


def real_pulumi_home_files() -> set[Path]:
    """What the account's real ~/.pulumi holds (the run must add nothing there)."""
    folder = Path(pwd.getpwuid(os.getuid()).pw_dir) / ".pulumi"
    return {p for p in folder.rglob("*") if p.is_file()} if folder.is_dir() else set()


def test_getting_started_as_written(pulumi_bin: Path, tmp_path: Path) -> None:
    before = real_pulumi_home_files()
    wheel = build_wheel(tmp_path / "wheels")
    work = tmp_path / "work"
    fresh_venv_seeing_project_deps(work / "agency-infra" / "venv")
    home = tmp_path / "home"
    home.mkdir()
    a_token = "iu_a_" + secrets.token_hex(16)
    b_token = "ml_b_" + secrets.token_hex(16)
    passphrase = "pp-" + secrets.token_hex(12)
    accounts = {
        "client-a": {"inboxedup_tokens": [a_token]},
        "client-b": {"mailin_tokens": [b_token]},
    }
    with SandboxProcess(
        queued_seconds=0.3, pending_ns_seconds=0.5, mailin_job_seconds=0.3, accounts=accounts
    ) as sandbox:
        env = user_env(
            pulumi_bin,
            home,
            {
                "INBOXED_SOURCE": wheel.as_uri(),
                "AGENCY_PASSPHRASE": passphrase,
                "CLIENT_A_INBOXEDUP_TOKEN": a_token,
                "CLIENT_B_MAILIN_TOKEN": b_token,
                "INBOXEDUP_BASE_URL": sandbox.url,
                "MAILIN_BASE_URL": sandbox.mailin_url,
            },
        )
        script = (
            "set -euo pipefail\n"
            + page_script()
            + "\npython -c 'import pulumi_inboxed as p; print(\"FROM\", p.__file__)'\n"
        )
        result = subprocess.run(
            ["bash", "-c", script],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        output = result.stdout + result.stderr
        assert result.returncode == 0, output[-6000:]

        # what the page promises happened, in the accounts it names
        a_calls = sandbox.control.for_account("client-a").stats()
        b_calls = sandbox.control.for_account("client-b").stats()
        assert sandbox.control.for_account("client-b").mailin_purchases() == {"b-mail.com": 1}
    assert any(route.startswith("POST /domains") for route in a_calls), a_calls
    assert any(route.startswith("POST /mailboxes") for route in a_calls), a_calls
    assert any("/mailboxes" in route and route.startswith("POST") for route in b_calls), b_calls
    assert "inboxed-guardrails" in output  # the preview ran the policy pack
    assert "nameservers" in output or "ns.cloudflare.com" in output
    assert "deleted" in output  # the destroy ran after unprotect
    installed_from = next(line for line in output.splitlines() if line.startswith("FROM "))
    assert "/agency-infra/venv/" in installed_from, installed_from  # the wheel, not the checkout
    added = {p for p in real_pulumi_home_files() - before if "agency-infra" in str(p)}
    assert not added, added
    for secret in (a_token, b_token, passphrase):
        assert_no_secret(output, secret)

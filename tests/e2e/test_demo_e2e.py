"""`bash scripts/demo.sh` as a user runs it: with the CLI named by INBOXED_PULUMI_BIN (used as
given, nothing built), the policy pack refusing then passing, up, a change, drift found by
refresh, destroy, and the table per account and API at the end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.e2e


def test_demo_runs_end_to_end_with_the_given_cli(pulumi_bin: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULUMI_")}
    env["INBOXED_PULUMI_BIN"] = str(pulumi_bin)
    env["INBOXED_VENV"] = sys.prefix  # this run's venv: has the package and its extras
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "demo.sh")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert "ensure-pulumi" not in output and "building" not in output  # the given CLI, as is
    assert "purchased-domains-protected" in output  # the violation, then the passing preview
    assert '"block" => "quarantine"' in output  # refresh found the out-of-band change
    table = output[output.index("account   API") :]
    for row in ("client-a  inboxedup", "client-a  mailin", "client-a  mailchannels"):
        assert row in table, table
    for row in ("client-b  inboxedup", "client-b  mailin", "client-b  pingram"):
        assert row in table, table
    assert "11 deleted" in output or "12 deleted" in output  # destroy after unprotect

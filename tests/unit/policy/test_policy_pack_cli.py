"""`inboxed-policy-pack`: prints the pack's folder, or, without `pulumi-policy`, one line saying
how to install it (and no folder, so `--policy-pack "$(inboxed-policy-pack)"` fails at once)."""

from __future__ import annotations

import sys

import pytest

from pulumi_inboxed import policy_pack


def test_prints_the_folder_when_pulumi_policy_is_installed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert policy_pack.main([]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == str(policy_pack.path())
    assert err == ""


def test_without_pulumi_policy_it_says_how_to_install_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A None entry in sys.modules is how Python marks a module as not importable.
    monkeypatch.setitem(sys.modules, "pulumi_policy", None)
    assert policy_pack.main([]) == 1
    out, err = capsys.readouterr()
    assert out == ""  # no folder for `--policy-pack "$(...)"` to run
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "pulumi-policy is not installed" in lines[0]
    assert "pip install 'pulumi-inboxed[policy]'" in lines[0]
    assert "Traceback" not in err

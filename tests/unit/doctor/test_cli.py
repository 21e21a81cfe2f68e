"""`inboxed doctor`'s argument errors and an unknown account."""

from __future__ import annotations

import pytest

from pulumi_inboxed.adopt.cli import main


def test_no_account_named_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["doctor"])
    assert exc.value.code == 2
    assert "name at least one account" in capsys.readouterr().err


def test_cwd_needs_stack(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["doctor", "--all", "--cwd", "."])
    assert "--cwd needs --stack" in capsys.readouterr().err


def test_an_unknown_account_fails_naming_the_key(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PINGRAM_ACCOUNTS", raising=False)
    assert main(["doctor", "--pingram", "client-z"]) == 1
    out = capsys.readouterr().out
    assert "could not check this account" in out and "pingram:accounts.client-z" in out

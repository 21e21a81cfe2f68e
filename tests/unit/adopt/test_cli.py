"""The CLI's argument errors and its refusal to overwrite a program."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_inboxed.adopt.cli import main


def test_no_account_named_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["adopt", "--out", str(tmp_path / "x")])
    assert exc.value.code == 2
    assert "name at least one account" in capsys.readouterr().err


def test_cwd_needs_stack(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["adopt", "--all", "--cwd", str(tmp_path), "--out", str(tmp_path / "x")])
    assert "--cwd needs --stack" in capsys.readouterr().err


def test_out_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["adopt", "--all"])
    assert "--out" in capsys.readouterr().err


def test_existing_program_is_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "__main__.py").write_text("keep me")
    assert main(["adopt", "--pingram", "default", "--out", str(tmp_path)]) == 2
    assert (tmp_path / "__main__.py").read_text() == "keep me"
    assert "--force" in capsys.readouterr().err


def test_unknown_account_names_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INBOXEDUP_ACCOUNTS", raising=False)
    assert main(["adopt", "--inboxedup", "client-z", "--out", str(tmp_path / "x")]) == 1
    err = capsys.readouterr().err
    assert "client-z" in err and "inboxedup:accounts.client-z" in err
    assert not (tmp_path / "x").exists()

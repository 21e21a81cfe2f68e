"""The CLI's argument errors and its refusal to overwrite a program."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

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


CREDENTIAL_VARS = (
    "INBOXEDUP_API_TOKEN",
    "INBOXEDUP_ACCOUNTS",
    "MAILIN_API_TOKEN",
    "MAILIN_EMAIL",
    "MAILIN_PASSWORD",
    "MAILIN_ACCOUNTS",
    "MAILCHANNELS_API_KEY",
    "MAILCHANNELS_ACCOUNTS",
    "PINGRAM_API_KEY",
    "PINGRAM_ACCOUNTS",
)


def chosen_by_all(config: Mapping[str, Any] | None) -> list[tuple[str, str | None]]:
    from pulumi_inboxed.adopt.cli import parser, selected

    return selected(parser().parse_args(["adopt", "--all", "--out", "x"]), config)


def test_all_reads_the_runtimes_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """`--all` takes a default account only when its runtime would find credentials: a Mailin.ai
    password without an email is none; an email and a password are; so is a token."""
    for var in CREDENTIAL_VARS:
        monkeypatch.delenv(var, raising=False)
    assert chosen_by_all(None) == []
    monkeypatch.setenv("MAILIN_PASSWORD", "pw")
    monkeypatch.setenv("PINGRAM_API_KEY", "pg")
    assert chosen_by_all(None) == [("pingram", None)]
    monkeypatch.setenv("MAILIN_EMAIL", "me@example.com")
    assert chosen_by_all(None) == [("mailin", None), ("pingram", None)]
    monkeypatch.delenv("MAILIN_EMAIL")
    # stack config (as `pulumi config --json` gives it) wins over nothing in the environment
    assert chosen_by_all({"mailin:apiToken": "tok", "inboxedup:apiToken": ""}) == [
        ("mailin", None),
        ("pingram", None),
    ]


def test_all_adopts_every_named_account(monkeypatch: pytest.MonkeyPatch) -> None:
    """Named accounts of `<api>:accounts` (config or `<API>_ACCOUNTS`) are all read; a named
    account's credentials are its own (the default account's token does not make it one)."""
    for var in CREDENTIAL_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("MAILIN_ACCOUNTS", '{"client-m": {"apiToken": "m"}}')
    config = {
        "inboxedup:accounts": {"client-b": {"apiToken": "b"}, "client-a": {"apiToken": "a"}},
        "inboxedup:apiToken": "default-token",
    }
    assert chosen_by_all(config) == [
        ("inboxedup", None),
        ("inboxedup", "client-a"),
        ("inboxedup", "client-b"),
        ("mailin", "client-m"),
    ]


def test_named_account_password_alone_has_no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    from pulumi_inboxed.adopt.connect import has_credentials

    monkeypatch.setenv("MAILIN_EMAIL", "default@example.com")  # never inherited
    config = {
        "mailin:accounts": {"c": {"password": "pw"}, "d": {"email": "d@x.io", "password": "p"}}
    }
    assert not has_credentials("mailin", config, "c")
    assert has_credentials("mailin", config, "d")

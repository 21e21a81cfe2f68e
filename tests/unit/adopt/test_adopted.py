"""`inboxed adopted`: what a stack adopted, read from its exported state."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from pulumi_inboxed.adopt.adopted import adopted_objects
from pulumi_inboxed.adopt.cli import main

URN = "urn:pulumi:dev::agency::pulumi-python:dynamic/{kind}::{name}"
EXPORT = {
    "version": 3,
    "deployment": {
        "resources": [
            {"urn": "urn:pulumi:dev::agency::pulumi:pulumi:Stack::agency-dev", "outputs": {}},
            {
                "urn": URN.format(kind="inboxedup:DomainBatch", name="batch"),
                "id": "batch_1",
                "outputs": {"adopted_domains": ["held.com"], "domains": ["held.com", "new.com"]},
            },
            {
                "urn": URN.format(kind="inboxedup:MailboxRequests", name="boxes"),
                "id": "mr_1",
                "outputs": {"adopted_requests": [], "credentials": {"ciphertext": "x"}},
            },
            {
                "urn": URN.format(kind="pingram:SenderDomain", name="sender"),
                "id": "news.held.com",
                "outputs": {"adopted": True},
            },
            {
                "urn": URN.format(kind="pingram:SenderDomain", name="made"),
                "id": "news.made.com",
                "outputs": {"adopted": False},
            },
        ]
    },
}


def test_lists_each_resource_s_adopted_objects_only() -> None:
    assert adopted_objects(EXPORT) == {
        URN.format(kind="inboxedup:DomainBatch", name="batch"): ["held.com"],
        URN.format(kind="pingram:SenderDomain", name="sender"): ["news.held.com"],
    }


@pytest.fixture
def fake_pulumi(tmp_path: Path) -> Path:
    """A `pulumi` that answers `stack export` with EXPORT (the real CLI's output shape)."""
    data = tmp_path / "export.json"
    data.write_text(json.dumps(EXPORT))
    script = tmp_path / "pulumi"
    script.write_text(f'#!/bin/sh\n[ "$1 $2" = "stack export" ] || exit 3\ncat "{data}"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_the_command_prints_them(fake_pulumi: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["adopted", "--pulumi", str(fake_pulumi), "--cwd", os.fspath(fake_pulumi.parent)]) == 0
    )
    printed = capsys.readouterr().out
    assert "2 adopted object(s)" in printed
    assert "batch (inboxedup:DomainBatch): held.com" in printed
    assert "sender (pingram:SenderDomain): news.held.com" in printed
    assert "made" not in printed and "ciphertext" not in printed


def test_a_failed_export_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "pulumi"
    script.write_text("#!/bin/sh\necho 'error: no stack selected' >&2\nexit 255\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    assert main(["adopted", "--pulumi", str(script), "--cwd", os.fspath(tmp_path)]) == 1
    assert "no stack selected" in capsys.readouterr().err

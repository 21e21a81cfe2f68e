"""Every reader over every recorded reply in tests/fixtures/replies/<api>/: a user's recording
of a shape we never read becomes a failing test the day it is added.

A file is what `inboxed doctor --record` writes: `{"api", "endpoint", "method", "path",
"status", "reply"}`. Each is answered, for any request, to the doctor's check of that endpoint
(the client's own reader and models), with ids that fit."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from pulumi_inboxed.doctor.api import NotTried
from pulumi_inboxed.doctor.run import APIS

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "replies"
FILES = sorted(FIXTURES.rglob("*.json"))


def replay_file(path: Path) -> None:
    """Runs the doctor's read of the file's endpoint over the file's reply; raises what the
    reader raises."""
    data = json.loads(path.read_text(encoding="utf-8"))
    checks = APIS[data["api"]]
    body = json.dumps(data["reply"]).encode() if data["reply"] is not None else b""

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(data["status"], content=body)

    client = checks.replay(httpx.MockTransport(answer))
    probes = {client.endpoints.name_of(p.endpoint): p for p in checks.probes}
    probe = probes[data["endpoint"]]
    assert probe.read is not None, f"{path}: {data['endpoint']} is not a read"
    try:
        probe.read(client, dict(checks.replay_ids))
    except NotTried:
        pass
    finally:
        client.close()


def test_there_are_fixtures_for_every_api() -> None:
    assert {p.parent.name for p in FILES} == set(APIS)


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(FIXTURES)) for p in FILES])
def test_every_reader_reads_every_recorded_reply(path: Path) -> None:
    replay_file(path)

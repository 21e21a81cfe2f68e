"""`core.intents`: a record written before a write is what tells the run after a crash that an
object it finds was bought by this stack; nothing else is claimed, and a record never buys."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from pulumi_inboxed.core import intents
from pulumi_inboxed.core.errors import ServerError
from pulumi_inboxed.core.safe_write import WritePolicy, write_once

URN = "urn:pulumi:dev::estate::pulumi-python:dynamic:Resource::outreach"
OTHER_URN = "urn:pulumi:dev::estate::pulumi-python:dynamic:Resource::other"


@pytest.fixture(autouse=True)
def records_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "intents"
    monkeypatch.setenv(intents.DIR_ENV, str(where))
    return where


def files(where: Path) -> list[Path]:
    return sorted(where.rglob("*.json")) if where.exists() else []


def dirs(where: Path) -> list[Path]:
    return sorted(p for p in where.rglob("*") if p.is_dir()) if where.exists() else []


def interrupted_run(intent: intents.Intent, urn: str = URN) -> None:
    """A run that recorded `intent` and then died (the handler never returned)."""
    with pytest.raises(RuntimeError), intents.handling(urn):
        intents.record(intent)
        raise RuntimeError("killed")


def test_the_stack_is_read_from_the_urn() -> None:
    assert intents.stack_of(URN) == "dev"
    assert intents.stack_of("org/estate/prod") == ""


def test_a_record_names_the_api_account_keys_stack_urn_run_and_time(records_dir: Path) -> None:
    before = time.time()
    interrupted_run(intents.Intent("InboxedUp", "agency-b", ("mx-a.com",), "domain"))
    (path,) = files(records_dir)
    assert path.parent.parent == records_dir / "dev"  # one directory per resource
    body = json.loads(path.read_text())
    assert body["api"] == "InboxedUp" and body["account"] == "agency-b"
    assert body["keys"] == ["mx-a.com"] and body["what"] == "domain"
    assert body["stack"] == "dev" and body["urn"] == URN
    assert body["run"] == intents.RUN_ID and str(__import__("os").getpid()) in body["run"]
    assert before <= body["written_at"] <= time.time()
    assert not [p for p in records_dir.rglob("*") if p.name.startswith(".tmp-")]


def test_outside_a_request_nothing_is_recorded_or_claimed(records_dir: Path) -> None:
    intents.record(intents.Intent("InboxedUp", None, ("mx-a.com",)))
    assert files(records_dir) == []
    assert intents.claim("InboxedUp", None, ["mx-a.com"]) == set()


def test_the_next_run_claims_what_the_record_names_and_only_that(
    records_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    interrupted_run(intents.Intent("InboxedUp", None, ("mx-a.com", "mx-b.com"), "domain"))
    with intents.handling(URN) as handled, caplog.at_level("INFO"):
        found = ["mx-a.com", "someone-elses.com"]
        assert intents.claim("InboxedUp", None, found) == {"mx-a.com"}
        assert intents.claim("InboxedUp", "agency-b", found) == set()  # another account
        assert intents.claim("MailChannels", None, found) == set()  # another API
        handled.settled()
    assert "found mx-a.com, bought by the interrupted run of" in caplog.text
    assert "managing it as created" in caplog.text
    assert files(records_dir) == []  # settled: the state holds it now
    assert dirs(records_dir) == [records_dir / "dev"]  # the resource's directory went too


def test_another_resource_or_stack_claims_nothing(records_dir: Path) -> None:
    interrupted_run(intents.Intent("InboxedUp", None, ("mx-a.com",)))
    with intents.handling(OTHER_URN):
        assert intents.claim("InboxedUp", None, ["mx-a.com"]) == set()
    with intents.handling(URN.replace(":dev:", ":prod:")):
        assert intents.claim("InboxedUp", None, ["mx-a.com"]) == set()
    assert len(files(records_dir)) == 1


def test_a_failed_handler_keeps_its_records_a_settled_one_removes_them(records_dir: Path) -> None:
    interrupted_run(intents.Intent("InboxedUp", None, ("mx-a.com",)))
    assert len(files(records_dir)) == 1
    with intents.handling(URN) as handled:
        intents.record(intents.Intent("InboxedUp", None, ("mx-b.com",)))
        assert len(files(records_dir)) == 2
        handled.settled()
    assert files(records_dir) == []


def test_a_record_older_than_the_bound_is_dropped_with_a_warning(
    records_dir: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    interrupted_run(intents.Intent("InboxedUp", None, ("mx-a.com",)))
    later = time.time() + 2 * 3600
    monkeypatch.setattr(intents.time, "time", lambda: later)
    with intents.handling(URN), caplog.at_level("INFO"):
        assert intents.claim("InboxedUp", None, ["mx-a.com"], bound_seconds=3 * 3600) == {
            "mx-a.com"
        }
        assert intents.claim("InboxedUp", None, ["mx-a.com"], bound_seconds=60) == set()
    assert "older than 3600 s: dropped" in caplog.text
    assert files(records_dir) == []


def test_write_once_records_the_intent_before_the_first_send(records_dir: Path) -> None:
    seen: list[int] = []

    def send() -> str:
        seen.append(len(files(records_dir)))
        raise ServerError("InboxedUp", 502, "bad gateway", method="POST", path="/domains")

    with pytest.raises(Exception, match="did not take effect"), intents.handling(URN):
        write_once(
            "InboxedUp POST /domains",
            send,
            lambda: None,
            policy=WritePolicy(attempts=2),
            sleep=lambda _s: None,
            intent=intents.Intent("InboxedUp", None, ("mx-a.com",)),
        )
    assert seen == [1, 1]  # on disk before the first send, once
    assert len(files(records_dir)) == 1  # not settled: kept for the next run


class _Request:
    """What the servicer's Create hands its handler: the resource's URN among the rest."""

    urn = URN
    properties = None


def test_the_servicers_create_names_the_urn_and_removes_records_once_answered(
    records_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pulumi_inboxed.core import partial_failure

    seen: list[str] = []

    def handler(_self: object, _request: object, _context: object) -> str:
        seen.append(intents.current_urn())
        intents.record(intents.Intent("InboxedUp", None, ("mx-a.com",)))
        return "created"

    def dies(_self: object, _request: object, _context: object) -> str:
        intents.record(intents.Intent("InboxedUp", None, ("mx-a.com",)))
        raise RuntimeError("the API client crashed")

    def partly(_self: object, _request: object, _context: object) -> str:
        intents.record(intents.Intent("InboxedUp", None, ("mx-a.com",)))
        raise partial_failure.PartialFailure("1 of 2 failed", {}, ["b.com: refused"], id_="b1")

    assert partial_failure._wrap(handler, "Create")(None, _Request(), None) == "created"
    assert seen == [URN] and files(records_dir) == []  # answered: the state holds it
    with pytest.raises(RuntimeError):
        partial_failure._wrap(dies, "Create")(None, _Request(), None)
    assert len(files(records_dir)) == 1  # failed: kept for the next run
    monkeypatch.setattr(partial_failure, "_answer_partial_failure", lambda *_a: True)
    with pytest.raises(partial_failure.PartialFailure):
        partial_failure._wrap(partly, "Update")(None, _Request(), None)
    assert files(records_dir) == []  # the engine records the completed entries
    assert intents.current_urn() == ""

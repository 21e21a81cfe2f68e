"""After a crash, what an InboxedUp resource bought is still its own (`core.intents`).

The fake InboxedUp of `test_safe_writes` makes the object, then the process "dies": the
transport raises an error no layer retries, so the create fails with the record of its intent
left on disk, exactly as a `pulumi up` killed right after the write leaves it. A second create
of the same resource (the recovering run: another run id, the same URN) finds the object and,
with the record, manages it as made (`adopted` False); one object was made, and delete removes
it. Without a record (another resource, another stack, another machine) it is adopted as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_inboxed.core import intents
from pulumi_inboxed.inboxedup import endpoints as ep
from pulumi_inboxed.inboxedup.domain_batch import DomainBatchProvider
from pulumi_inboxed.inboxedup.mailbox_request import MailboxRequestProvider
from pulumi_inboxed.inboxedup.mailbox_request_collection import MailboxRequestsProvider
from pulumi_inboxed.inboxedup.runtime import InboxedUpRuntime

from ..fake_api import Call, Died
from .test_safe_writes import (
    FakeInboxedUp,
    collection,
    entry,
    people,
    using,
)
from .test_safe_writes import (
    rt as rt,
)

URN = "urn:pulumi:dev::estate::pulumi-python:dynamic:Resource::outreach"


class CrashingInboxedUp(FakeInboxedUp):
    """`REMOVE_DOMAIN` removes a domain (`die_on`: `tests/unit/fake_api`)."""

    def __init__(self) -> None:
        super().__init__()
        self.on(ep.REMOVE_DOMAIN, self._remove)

    def _remove(self, call: Call) -> httpx.Response:
        gone = self.domains.pop(call.params["domain_id"], None)
        return httpx.Response(204 if gone else 404, json=None if gone else {"message": "no"})


@pytest.fixture
def api() -> FakeInboxedUp:
    return CrashingInboxedUp()


@pytest.fixture(autouse=True)
def records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    where = tmp_path / "intents"
    monkeypatch.setenv(intents.DIR_ENV, str(where))
    yield where


def on_disk(where: Path) -> int:
    return len(list(where.rglob("*.json"))) if where.exists() else 0


def interrupted(call: Any, *args: Any, urn: str = URN) -> None:
    """The killed run: `call(*args)` dies after its write, its records stay."""
    with pytest.raises(Died), intents.handling(urn):
        call(*args)


def recovering(call: Any, *args: Any, monkeypatch: pytest.MonkeyPatch, urn: str = URN) -> Any:
    """The next `pulumi up`: another process, the same resource; its result reaches the state."""
    monkeypatch.setattr(intents, "RUN_ID", "pid 2 started later")
    with intents.handling(urn) as handled:
        result = call(*args)
        handled.settled()
    return result


def batch_inputs(provider: DomainBatchProvider, names: list[str]) -> dict[str, Any]:
    inputs = provider.check({}, {"domains": names}).inputs
    inputs["wait_timeout_seconds"] = 5
    return dict(inputs)


def test_a_domain_batch_bought_before_the_crash_is_managed_as_created(
    api: CrashingInboxedUp,
    rt: InboxedUpRuntime,
    monkeypatch: pytest.MonkeyPatch,
    records: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    names = ["mx-a.com", "mx-b.com"]
    provider = using(DomainBatchProvider, rt, monkeypatch)
    inputs = batch_inputs(provider, names)
    api.die_on = ep.SUBMIT_DOMAINS
    interrupted(provider.create, inputs)
    assert api.domains_made == {n: 1 for n in names}
    assert on_disk(records) == 1  # the record of the submit outlives the process
    with caplog.at_level("INFO"):
        result = recovering(provider.create, inputs, monkeypatch=monkeypatch)
    assert result.outs["adopted_domains"] == []  # made by this stack, not adopted
    assert sorted(result.outs["records"]) == names
    assert api.domains_made == {n: 1 for n in names}  # never bought twice
    assert len(api.posts(ep.SUBMIT_DOMAINS)) == 1
    assert "found mx-a.com, mx-b.com, submitted by the interrupted run of" in caplog.text
    assert on_disk(records) == 0  # the state has them now
    provider.delete(result.id, result.outs)
    assert api.domains == {}  # destroy removes what the stack bought


def test_domains_held_before_are_still_adopted(
    api: CrashingInboxedUp,
    rt: InboxedUpRuntime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    provider = using(DomainBatchProvider, rt, monkeypatch)
    inputs = batch_inputs(provider, ["mx-a.com", "mx-b.com"])
    api.die_on = ep.SUBMIT_DOMAINS
    interrupted(provider.create, inputs)
    api.add_active("theirs.com")
    other = URN.replace("outreach", "other")
    # another resource (or stack, or machine: no record) adopts what it finds
    result = recovering(
        provider.create,
        batch_inputs(provider, ["mx-a.com", "theirs.com"]),
        monkeypatch=monkeypatch,
        urn=other,
    )
    assert result.outs["adopted_domains"] == ["mx-a.com", "theirs.com"]
    provider.delete(result.id, result.outs)
    assert sorted(d["domain"] for d in api.domains.values()) == [
        "mx-a.com",
        "mx-b.com",
        "theirs.com",
    ]


def test_a_record_without_the_object_buys_once(
    api: CrashingInboxedUp,
    rt: InboxedUpRuntime,
    monkeypatch: pytest.MonkeyPatch,
    records: Path,
) -> None:
    provider = using(DomainBatchProvider, rt, monkeypatch)
    inputs = batch_inputs(provider, ["mx-a.com"])
    api.die_on = ep.SUBMIT_DOMAINS
    interrupted(provider.create, inputs)
    api.domains.clear()  # the write never reached InboxedUp
    api.domains_made.clear()
    result = recovering(provider.create, inputs, monkeypatch=monkeypatch)
    assert api.domains_made == {"mx-a.com": 1}
    assert result.outs["adopted_domains"] == []
    assert on_disk(records) == 0


def test_a_mailbox_request_made_before_the_crash_is_managed_as_created(
    api: CrashingInboxedUp,
    rt: InboxedUpRuntime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api.add_active("one.com")
    props = {"domain": "one.com", "type": "smtp", "mailboxes": people("ann", "bo")}
    props["wait_timeout_seconds"] = 5
    provider = using(MailboxRequestProvider, rt, monkeypatch)
    api.die_on = ep.REQUEST_MAILBOXES
    interrupted(provider.create, props)
    result = recovering(provider.create, props, monkeypatch=monkeypatch)
    assert result.outs["adopted"] is False
    assert len(api.requests) == 1 and result.id == api.requests[0]["id"]
    # InboxedUp has no delete for a request: the delete says so and leaves the state
    provider.delete(result.id, result.outs)


def test_a_collection_entry_requested_before_the_crash_is_managed_as_created(
    api: CrashingInboxedUp,
    rt: InboxedUpRuntime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api.add_active("one.com")
    api.add_active("two.com")
    props = collection(entry("one.com"), entry("two.com", "smtp", "cy"))
    provider = using(MailboxRequestsProvider, rt, monkeypatch)
    api.die_on = ep.REQUEST_MAILBOXES
    interrupted(provider.create, props)
    made_before = len(api.requests)
    assert made_before >= 1
    outs = recovering(provider.create, props, monkeypatch=monkeypatch).outs
    assert outs["adopted_requests"] == []
    assert len(api.requests) == 2  # one each, the one made before the crash not again
    assert sorted(outs["request_ids"]) == ["one.com/smtp", "two.com/smtp"]

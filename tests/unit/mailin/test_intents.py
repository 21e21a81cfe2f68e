"""After a crash, what a Mailin.ai Azure order, inbox provider or registrar entry made is still
its own (`core.intents`): the fake Mailin.ai acts on the POST, then the process "dies" (an error
nothing retries) with the record of the write on disk; the recovering create of the same
resource finds the object and manages it as made (`adopted` False), makes nothing twice, and
delete removes it. Without a record (another resource) it is adopted as before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_inboxed.core import intents

from .fake_microsoft import PREFIX, FakeMailin
from .test_microsoft_safe_writes import ACCOUNT_KINDS, FAST, ORDER, azure_provider

URN = "urn:pulumi:dev::estate::pulumi-python:dynamic:Resource::order"


class Died(Exception):
    """The process is gone: nothing retries this."""


class CrashingMailin(FakeMailin):
    """`die_on`: the next `POST path` acts, then the process dies before reading the answer;
    deletes of orders and entries remove them."""

    die_on: str = ""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix(PREFIX)
        for prefix, items in (
            ("/azure-orders/remove/", self.orders),
            ("/inbox-providers/delete/", self.providers),
            ("/domain-registrars/", self.registrars),
        ):
            if path.startswith(prefix) and request.method in ("GET", "DELETE"):
                tail = path.removeprefix(prefix)
                if tail.isdigit() and (request.method == "DELETE" or "remove" in prefix):
                    items[:] = [i for i in items if i["id"] != int(tail)]
                    return httpx.Response(200, json={"message": "deleted"})
        if request.method == "POST" and self.die_on and path == self.die_on:
            self.die_on = ""
            super().__call__(request)
            raise Died("SIGKILL")
        return super().__call__(request)


@pytest.fixture(autouse=True)
def records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(intents.DIR_ENV, str(tmp_path / "intents"))
    return tmp_path / "intents"


def crash_then_recover(
    create: Any, props: dict[str, Any], monkeypatch: pytest.MonkeyPatch, urn: str = URN
) -> Any:
    with pytest.raises(Died), intents.handling(URN):
        create(props)
    monkeypatch.setattr(intents, "RUN_ID", "pid 2 started later")
    with intents.handling(urn) as handled:
        result = create(props)
        handled.settled()
    return result


def test_an_azure_order_placed_before_the_crash_is_managed_as_created(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, records: Path
) -> None:
    fake = CrashingMailin()
    fake.die_on = "/azure-orders/add"
    provider = azure_provider(fake, monkeypatch)
    props = dict(provider.check({}, {**ORDER, "wait_timeout_seconds": 5}).inputs)
    with caplog.at_level("INFO"):
        created = crash_then_recover(provider.create, props, monkeypatch)
    assert created.outs["adopted"] is False
    assert [o["domain"] for o in fake.orders] == ["safe-ms.com"]  # ordered once
    assert "found safe-ms.com, ordered by the interrupted run of" in caplog.text
    assert not list(records.rglob("*.json"))
    provider.delete(created.id, created.outs)
    assert fake.orders == []


def test_an_azure_order_without_a_record_is_still_adopted(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = CrashingMailin()
    fake.die_on = "/azure-orders/add"
    provider = azure_provider(fake, monkeypatch)
    props = dict(provider.check({}, {**ORDER, "wait_timeout_seconds": 5}).inputs)
    other = URN.replace("order", "other")
    created = crash_then_recover(provider.create, props, monkeypatch, urn=other)
    assert created.outs["adopted"] is True
    provider.delete(created.id, created.outs)
    assert len(fake.orders) == 1  # kept: not this resource's


@pytest.mark.parametrize("kind", ACCOUNT_KINDS)
def test_an_entry_added_before_the_crash_is_managed_as_created(
    monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    cls, inputs, path, listed = ACCOUNT_KINDS[kind]
    fake = CrashingMailin()
    fake.die_on = path
    provider: Any = cls()
    client = fake.client()
    monkeypatch.setattr(provider, "_client", lambda _props: client)
    monkeypatch.setattr(provider, "write_policy", FAST)
    props = dict(provider.check({}, inputs).inputs)
    created = crash_then_recover(provider.create, props, monkeypatch)
    made = getattr(fake, listed)
    assert len(made) == 1 and created.id == str(made[0]["id"])
    assert created.outs["adopted"] is False
    provider.delete(created.id, created.outs)
    assert getattr(fake, listed) == []

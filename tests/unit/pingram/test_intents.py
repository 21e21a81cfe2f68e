"""After a crash, the sender domain a `SenderDomain` added is still its own (`core.intents`):
the fake Pingram adds it, then the process "dies" (an error nothing retries) with the record of
the add on disk; the recovering create of the same resource finds it and manages it as added by
it (`adopted` False), adds nothing twice, and delete removes it. Without a record (another
resource) it is adopted as before and stays on delete."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_inboxed.core import intents
from pulumi_inboxed.core.accounts import Registry
from pulumi_inboxed.pingram import PingramClient
from pulumi_inboxed.pingram import endpoints as ep
from pulumi_inboxed.pingram import runtime as pg_runtime
from pulumi_inboxed.pingram.sender_domain import SenderDomainProvider

from ..fake_api import Call, Died
from .test_safe_writes import CONFIG, FAST, NAME, FakePingram

URN = "urn:pulumi:dev::estate::pulumi-python:dynamic:Resource::sender"


class CrashingPingram(FakePingram):
    """`DELETE_DOMAIN` removes a domain (`die_on`: `tests/unit/fake_api`)."""

    def __init__(self) -> None:
        super().__init__()
        self.on(ep.DELETE_DOMAIN, self._delete)

    def _delete(self, call: Call) -> httpx.Response:
        gone = self.held.pop(call.params["sender"], None)
        return httpx.Response(200, json={}) if gone else httpx.Response(404, json={})


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[CrashingPingram]:
    api = CrashingPingram()
    transport = httpx.MockTransport(api.handle)

    class Faked(PingramClient):
        def __init__(self, base_url: str, api_key: str, **kwargs: Any) -> None:
            kwargs.update(transport=transport, write_policy=FAST, sleep=lambda _s: None)
            super().__init__(base_url, api_key, **kwargs)

    monkeypatch.setattr(pg_runtime.CLIENTS, "client_class", Faked)
    monkeypatch.setattr(pg_runtime.CLIENTS, "clients", Registry())
    for name in ("PINGRAM_API_KEY", "PINGRAM_BASE_URL", "PINGRAM_ACCOUNTS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(intents.DIR_ENV, str(tmp_path / "intents"))
    yield api


def provider() -> SenderDomainProvider:
    p = SenderDomainProvider()
    p._config = CONFIG  # as configure() sets it
    return p


def props() -> dict[str, Any]:
    return dict(provider().check({}, {"domain": NAME, "start_verification": False}).inputs)


def crash_then_recover(monkeypatch: pytest.MonkeyPatch, recovering_urn: str) -> Any:
    with pytest.raises(Died), intents.handling(URN):
        provider().create(props())
    monkeypatch.setattr(intents, "RUN_ID", "pid 2 started later")
    with intents.handling(recovering_urn) as handled:
        result = provider().create(props())
        handled.settled()
    return result


def test_a_sender_domain_added_before_the_crash_is_managed_as_created(
    fake: CrashingPingram, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    fake.die_on = ep.ADD_DOMAIN
    with caplog.at_level("INFO"):
        result = crash_then_recover(monkeypatch, URN)
    assert result.outs["adopted"] is False
    assert fake.made == [NAME]  # added once
    assert f"found {NAME}, added by the interrupted run of" in caplog.text
    provider().delete(result.id, result.outs)
    assert fake.held == {}


def test_a_sender_domain_without_a_record_is_still_adopted(
    fake: CrashingPingram, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.die_on = ep.ADD_DOMAIN
    result = crash_then_recover(monkeypatch, URN.replace("sender", "other"))
    assert result.outs["adopted"] is True
    provider().delete(result.id, result.outs)
    assert list(fake.held) == [NAME]  # kept: not this resource's

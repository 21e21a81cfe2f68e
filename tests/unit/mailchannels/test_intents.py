"""After a crash, the domains an `InboundDomains` provisioned are still its own
(`core.intents`): the fake MailChannels provisions the batch, then the process "dies" (an
error nothing retries) with the record of the batch left on disk; the recovering create of the
same resource finds the domains and manages them as provisioned by it (not adopted), provisions
none twice, and delete removes them. Domains held without a record are adopted as before."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_inboxed.core import intents
from pulumi_inboxed.core.accounts import Registry
from pulumi_inboxed.mailchannels import MailChannelsClient
from pulumi_inboxed.mailchannels import endpoints as ep
from pulumi_inboxed.mailchannels import runtime as mc_runtime

from ..fake_api import Call, Died
from .test_safe_writes import FAST, NAMES, FakeInbound, inputs, provider

URN = "urn:pulumi:dev::estate::pulumi-python:dynamic:Resource::inbound"


class CrashingInbound(FakeInbound):
    """`REMOVE_DOMAIN` removes a domain (`die_on`: `tests/unit/fake_api`)."""

    def __init__(self) -> None:
        super().__init__()
        self.on(ep.REMOVE_DOMAIN, self._remove)

    def _remove(self, call: Call) -> httpx.Response:
        gone = self.held.pop(call.params["domain"], None)
        return httpx.Response(204) if gone else httpx.Response(404, json={"message": "no"})


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[CrashingInbound]:
    api = CrashingInbound()
    transport = httpx.MockTransport(api.handle)

    class Faked(MailChannelsClient):
        def __init__(self, base_url: str, api_key: str, **kwargs: Any) -> None:
            kwargs.update(transport=transport, write_policy=FAST, sleep=lambda _s: None)
            super().__init__(base_url, api_key, **kwargs)

    monkeypatch.setattr(mc_runtime.CLIENTS, "client_class", Faked)
    monkeypatch.setattr(mc_runtime.CLIENTS, "clients", Registry())
    for name in ("MAILCHANNELS_API_KEY", "MAILCHANNELS_BASE_URL", "MAILCHANNELS_ACCOUNTS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(intents.DIR_ENV, str(tmp_path / "intents"))
    yield api


def recovering(props: dict[str, Any], monkeypatch: pytest.MonkeyPatch, urn: str = URN) -> Any:
    monkeypatch.setattr(intents, "RUN_ID", "pid 2 started later")
    with intents.handling(urn) as handled:
        result = provider().create(props)
        handled.settled()
    return result


def test_domains_provisioned_before_the_crash_are_managed_as_created(
    fake: CrashingInbound, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    p = provider()
    props = inputs(p, NAMES)
    fake.die_on = ep.PROVISION_DOMAINS
    with pytest.raises(Died), intents.handling(URN):
        p.create(props)
    assert sorted(fake.made) == sorted(NAMES)
    with caplog.at_level("INFO"):
        result = recovering(props, monkeypatch)
    assert result.outs["adopted_domains"] == []  # made by this stack
    assert result.outs["provisioned"] == sorted(NAMES)
    assert sorted(fake.made) == sorted(NAMES)  # none provisioned twice
    assert "provisioned by the interrupted run of" in caplog.text
    provider().delete(result.id, result.outs)
    assert fake.held == {}  # destroy removes them


def test_domains_held_without_a_record_are_still_adopted(
    fake: CrashingInbound, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = provider()
    fake.die_on = ep.PROVISION_DOMAINS
    with pytest.raises(Died), intents.handling(URN):
        p.create(inputs(p, NAMES[:1]))
    # another resource (no record of its own) finds the domain: adopted, kept on destroy
    result = recovering(inputs(p, NAMES), monkeypatch, urn=URN.replace("inbound", "other"))
    assert result.outs["adopted_domains"] == [NAMES[0]]
    provider().delete(result.id, result.outs)
    assert sorted(fake.held) == [NAMES[0]]


def test_a_domain_refused_by_the_batch_is_not_claimed(
    fake: CrashingInbound, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A batch that answered keeps in its record only what it made."""
    p = provider()
    fake.held["two.com"] = {"domain": "two.com"}  # made by someone between look-up and write
    real_list = MailChannelsClient.list_domains

    def hides_two(self: MailChannelsClient, names: Any = None) -> Any:
        return [d for d in real_list(self, names) if d.domain != "two.com"]

    monkeypatch.setattr(MailChannelsClient, "list_domains", hides_two)
    with intents.handling(URN):
        p.create(inputs(p, NAMES, fail_on_domain_errors=False))
    (record,) = (tmp_path / "intents").rglob("*.json")
    assert "two.com" not in record.read_text() and "one.com" in record.read_text()

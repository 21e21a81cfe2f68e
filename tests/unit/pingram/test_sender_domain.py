"""pingram.SenderDomain: its declaration checked at preview (the bad-input table), the diff, and
create/read/delete against a real sandbox (adoption, verified deletes, replies read tolerantly,
the DKIM key never in an error)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pulumi.output import UNKNOWN

from pulumi_inboxed.core.lifecycle import DeleteNotConfirmedError
from pulumi_inboxed.core.replies import ReplyShapeError
from pulumi_inboxed.pingram import PingramClient
from pulumi_inboxed.pingram import endpoints as pg_ep
from pulumi_inboxed.pingram.sender_domain import SenderDomainProvider
from pulumi_inboxed.sandbox import SandboxProcess

from ..conftest import (
    INBOUND_FAKE_CONFIG,
    BadInput,
    InboundHandler,
    PreviewCheck,
    assert_rejected_at_preview,
    inbound_configured,
)
from ..fake_api import Call, FakeApi

PG_KEY = "pingram_sk_sandbox"
PG_FAKE = INBOUND_FAKE_CONFIG["pingram:baseUrl"]
DKIM = "-----BEGIN RSA PRIVATE KEY-----\nTOPSECRETDKIM\n-----END RSA PRIVATE KEY-----"
LOOKALIKE = "\u0430pple-pay.com"
"""apple-pay.com with a Cyrillic a."""


def failures(result: Any) -> list[str]:
    return [f"{f.property}: {f.reason}" for f in result.failures]


def configured(sandbox: SandboxProcess) -> SenderDomainProvider:
    provider: SenderDomainProvider = inbound_configured(SenderDomainProvider(), sandbox)
    return provider


def senders(sandbox: SandboxProcess) -> set[str]:
    return {d["sender"] for d in sandbox.control.pingram_domains()}


# Preview: the bad-input table


GOOD: dict[str, Any] = {"domain": "news.agency-mail.com", "start_verification": True}

BAD_INPUTS = [
    BadInput("domain-missing", {"start_verification": True}, "domain", "is required"),
    BadInput("domain-address", {**GOOD, "domain": "me@a.com"}, "domain", "not an address"),
    BadInput("domain-underscore", {**GOOD, "domain": "bad_name.com"}, "domain", "bad_name"),
    BadInput("domain-empty-label", {**GOOD, "domain": "a..com"}, "domain", ""),
    BadInput("domain-blank", {**GOOD, "domain": "  "}, "domain", ""),
    BadInput("domain-label-too-long", {**GOOD, "domain": "a" * 64 + ".com"}, "domain", ""),
    BadInput("domain-number", {**GOOD, "domain": 5}, "domain", "string"),
    BadInput("domain-list", {**GOOD, "domain": ["a.com"]}, "domain", "string"),
    BadInput("domain-object", {**GOOD, "domain": {"name": "a.com"}}, "domain", "string"),
    BadInput("domain-mixed-script", {**GOOD, "domain": LOOKALIKE}, "domain", "mixes the"),
    BadInput(
        "domain-mixed-script-other-listed",
        {**GOOD, "domain": LOOKALIKE, "allow_mixed_script": ["other.com"]},
        "domain",
        "mixes the",
    ),
    BadInput(
        "start-verification-string",
        {**GOOD, "start_verification": "false"},
        "start_verification",
        "boolean",
    ),
    BadInput("start-verification-number", {**GOOD, "start_verification": 1}, "start_verification"),
    BadInput("destroy-adopted-string", {**GOOD, "destroy_adopted": "yes"}, "destroy_adopted"),
    BadInput("allow-mixed-a-string", {**GOOD, "allow_mixed_script": "a.com"}, "allow_mixed_script"),
]


@pytest.mark.bad_input
@pytest.mark.parametrize("bad", BAD_INPUTS, ids=lambda b: b.case)
def test_bad_input_is_rejected_at_preview(preview_check: PreviewCheck, bad: BadInput) -> None:
    assert_rejected_at_preview(preview_check(SenderDomainProvider, bad.inputs), bad)


def test_good_input_passes_with_no_api_call(preview_check: PreviewCheck) -> None:
    outcome = preview_check(SenderDomainProvider, GOOD)
    assert outcome.failures == {} and outcome.aborted is None and outcome.requests == 0


def test_unknown_values_pass(preview_check: PreviewCheck) -> None:
    for news in ({**GOOD, "domain": UNKNOWN}, {**GOOD, "start_verification": UNKNOWN}):
        outcome = preview_check(SenderDomainProvider, news)
        assert outcome.failures == {} and outcome.aborted is None and outcome.requests == 0


def test_check_normalizes_and_fills_defaults() -> None:
    ok = SenderDomainProvider().check({}, {"domain": "News.Example.COM"})
    assert ok.failures == []
    assert ok.inputs["domain"] == "news.example.com" and ok.inputs["start_verification"] is False
    assert ok.inputs["destroy_adopted"] is False
    listed = SenderDomainProvider().check(
        {}, {"domain": LOOKALIKE, "allow_mixed_script": [LOOKALIKE]}
    )
    assert listed.failures == [] and listed.inputs["domain"] == "xn--pple-pay-06g.com"


def test_diff_a_new_domain_replaces_and_start_verification_updates() -> None:
    provider = SenderDomainProvider()
    olds = provider.check({}, {"domain": "a.com"}).inputs
    assert provider.diff(
        "a.com", olds, provider.check({}, {"domain": "b.com"}).inputs
    ).replaces == ["domain"]
    started = provider.check({}, {"domain": "a.com", "start_verification": True}).inputs
    diff = provider.diff("a.com", olds, started)
    assert diff.changes and not diff.replaces
    assert not provider.diff("a.com", olds, provider.check({}, {"domain": "A.com"}).inputs).changes
    # a state recorded before the declaration (no allow_mixed_script) is unchanged
    legacy = {"domain": "a.com", "start_verification": False, "destroy_adopted": False}
    assert not provider.diff("a.com", legacy, olds).changes


# Against the sandbox


def test_sender_domain_lifecycle(inbound_fresh: SandboxProcess) -> None:
    provider = configured(inbound_fresh)
    props = provider.check({}, {"domain": "send.example.com", "start_verification": True}).inputs
    created = provider.create(props)
    assert created.id == "send.example.com"
    assert created.outs["status"] in ("PENDING", "SUCCESS")
    key = created.outs["private_dkim_key"]
    assert key and key == inbound_fresh.control.pingram_domains()[0]["privateDKIMKey"]
    deadline = time.monotonic() + 10
    read = provider.read(created.id, created.outs)
    while read.outs["status"] != "SUCCESS" and time.monotonic() < deadline:
        time.sleep(0.05)
        read = provider.read(created.id, created.outs)
    assert (read.outs["status"], read.outs["mail_from_status"]) == ("SUCCESS", "SUCCESS")
    provider.delete(created.id, read.outs)
    assert inbound_fresh.control.pingram_domains() == []
    assert provider.read(created.id, read.outs).id == ""  # gone: refresh drops it
    provider.delete(created.id, read.outs)  # already gone: no error


def test_sender_domain_create_adopts_an_existing_domain(inbound_fresh: SandboxProcess) -> None:
    PingramClient(inbound_fresh.pingram_url, PG_KEY).add_domain("adopt.example.com")
    provider = configured(inbound_fresh)
    inbound_fresh.control.reset_stats()
    created = provider.create({"domain": "adopt.example.com", "start_verification": False})
    assert created.outs["status"] in ("PENDING", "SUCCESS")
    assert "POST /pingram/domains" not in inbound_fresh.control.stats()


def test_sender_domain_adopted_stays_on_delete_unless_destroy_adopted(
    inbound_fresh: SandboxProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    PingramClient(inbound_fresh.pingram_url, PG_KEY).add_domain("held.example.com")
    provider = configured(inbound_fresh)
    props = provider.check({}, {"domain": "held.example.com"}).inputs
    assert props["destroy_adopted"] is False
    created = provider.create(props)
    assert created.outs["adopted"] is True
    provider.delete(created.id, created.outs)
    assert senders(inbound_fresh) == {"held.example.com"}
    assert "held.example.com" in capsys.readouterr().err

    made = provider.create(provider.check({}, {"domain": "made.example.com"}).inputs)
    assert made.outs["adopted"] is False
    provider.delete(made.id, made.outs)
    assert senders(inbound_fresh) == {"held.example.com"}

    opted = provider.check({}, {"domain": "held.example.com", "destroy_adopted": True}).inputs
    again = provider.create(opted)
    assert again.outs["adopted"] is True
    # a change of destroy_adopted alone is in place
    diff = provider.diff(again.id, {**again.outs, "destroy_adopted": False}, opted)
    assert diff.changes and not diff.replaces
    provider.delete(again.id, again.outs)
    assert senders(inbound_fresh) == set()


def fake_provider() -> SenderDomainProvider:
    provider = SenderDomainProvider()
    provider._config = dict(INBOUND_FAKE_CONFIG)
    return provider


def sender_json(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "sender": name,
        "status": "PENDING",
        "lastSync": "2026-01-01T00:00:00Z",
        "verificationTokens": ["t1"],
        "createdAt": "2026-01-01T00:00:00Z",
        "privateDKIMKey": DKIM,
        "selector": "sel",
        **extra,
    }


def listing(senders: list[dict[str, Any]], *, delete_status: int) -> FakeApi:
    """Pingram listing `senders`, whose deletes answer `delete_status` and remove nothing."""
    api = FakeApi(pg_ep).on(pg_ep.LIST_DOMAINS, lambda _c: httpx.Response(200, json=senders))
    refused = {"error": {"code": "NOT_FOUND", "message": "no"}}
    body = refused if delete_status == 404 else {"success": True}
    return api.on(pg_ep.DELETE_DOMAIN, lambda _c: httpx.Response(delete_status, json=body))


def test_sender_delete_200_but_still_listed_is_a_failure(
    inbound_faked: Callable[[InboundHandler], None],
) -> None:
    inbound_faked(listing([sender_json("still.example.com")], delete_status=200))
    provider = fake_provider()
    with pytest.raises(DeleteNotConfirmedError) as caught:
        provider.delete("still.example.com", {"adopted": False})
    assert "still.example.com" in str(caught.value)
    assert DKIM not in str(caught.value)


def test_sender_delete_404_while_listed_is_a_failure(
    inbound_faked: Callable[[InboundHandler], None],
) -> None:
    inbound_faked(listing([sender_json("x.example.com")], delete_status=404))
    provider = fake_provider()
    with pytest.raises(DeleteNotConfirmedError, match="404"):
        provider.delete("x.example.com", {"adopted": False})


def test_pingram_unreadable_list_never_quotes_the_dkim_key() -> None:
    bad = sender_json("a.example.com", status="SOMETHING_NEW")
    transport = httpx.MockTransport(lambda _r: httpx.Response(200, json=[bad]))
    client = PingramClient(PG_FAKE, PG_KEY, transport=transport)
    with pytest.raises(ReplyShapeError) as caught:
        client.list_domains()
    text = str(caught.value)
    assert "GET /domains" in text and "status" in text and "docs/" in text
    assert "TOPSECRETDKIM" not in text


def test_pingram_list_under_a_key_is_read() -> None:
    transport = httpx.MockTransport(
        lambda _r: httpx.Response(200, json={"data": [sender_json("a.example.com")]})
    )
    client = PingramClient(PG_FAKE, PG_KEY, transport=transport)
    assert [d.sender for d in client.list_domains()] == ["a.example.com"]


def test_sender_create_when_add_answers_without_a_list_reads_get_domains(
    inbound_faked: Callable[[InboundHandler], None],
) -> None:
    """`POST /domains` answering `{"success": true}` (its shape is no page's): create reads the
    domain from `GET /domains` instead of failing."""
    added: list[str] = []

    def add(call: Call) -> httpx.Response:
        added.append(call.body["sender"])
        return httpx.Response(200, json={"success": True})

    api = FakeApi(pg_ep).on(pg_ep.ADD_DOMAIN, add)
    api.on(pg_ep.LIST_DOMAINS, lambda _c: httpx.Response(200, json=[sender_json(n) for n in added]))
    inbound_faked(api)
    provider = fake_provider()
    created = provider.create({"domain": "x.example.com", "start_verification": False})
    assert created.outs["status"] == "PENDING" and created.outs["adopted"] is False

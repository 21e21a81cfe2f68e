"""InboundDomains and SenderDomain: adopted objects stay on destroy unless `destroy_adopted`,
deletes are verified by a read, replies whose shape no page shows are read tolerantly (and fail by
name, never quoting a value), and failure codes print as whole numbers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from pulumi_inboxed.core.lifecycle import DeleteNotConfirmedError
from pulumi_inboxed.core.replies import ReplyShapeError
from pulumi_inboxed.mailchannels import MailChannelsClient
from pulumi_inboxed.mailchannels import inbound_domains as inbound
from pulumi_inboxed.mailchannels import runtime as mc_runtime
from pulumi_inboxed.mailchannels.inbound_domains import InboundDomainsProvider
from pulumi_inboxed.pingram import PingramClient, sender_domain
from pulumi_inboxed.pingram import runtime as pg_runtime
from pulumi_inboxed.pingram.sender_domain import SenderDomainProvider
from pulumi_inboxed.sandbox import SandboxProcess

MC_KEY = "mc-sandbox-key"
PG_KEY = "pingram_sk_sandbox"
DKIM = "-----BEGIN RSA PRIVATE KEY-----\nTOPSECRETDKIM\n-----END RSA PRIVATE KEY-----"
MC_FAKE = "https://mc.fake/inbound/v1"
PG_FAKE = "https://pg.fake"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxProcess]:
    with SandboxProcess(lifetime=300) as process:
        yield process


@pytest.fixture
def fresh(sandbox: SandboxProcess) -> SandboxProcess:
    sandbox.control.reset()
    sandbox.control.update_settings(mailchannels_domain_limit=5000, pingram_verify_seconds=0.3)
    return sandbox


def config(mc_url: str, pg_url: str) -> dict[str, str]:
    return {
        "mailchannels:baseUrl": mc_url,
        "mailchannels:apiKey": MC_KEY,
        "pingram:baseUrl": pg_url,
        "pingram:apiKey": PG_KEY,
    }


def inbound_provider(sandbox: SandboxProcess) -> InboundDomainsProvider:
    provider = InboundDomainsProvider()
    provider._config = config(sandbox.mailchannels_url, sandbox.pingram_url)
    return provider


def sender_provider(sandbox: SandboxProcess) -> SenderDomainProvider:
    provider = SenderDomainProvider()
    provider._config = config(sandbox.mailchannels_url, sandbox.pingram_url)
    return provider


def inbound_inputs(provider: InboundDomainsProvider, names: list[str], **extra: Any) -> Any:
    news = {
        "subscription_handle": "sub-sandbox",
        "domains": [
            {"domain": n, "settings": {"abuse_policy": "block"}, "downstream_addresses": []}
            for n in names
        ],
        **extra,
    }
    result = provider.check({}, news)
    assert result.failures == []
    return dict(result.inputs)


def held_names(sandbox: SandboxProcess) -> set[str]:
    return set(sandbox.control.mailchannels_state()["domains"])


def senders(sandbox: SandboxProcess) -> set[str]:
    return {d["sender"] for d in sandbox.control.pingram_domains()}


# Defect 14: codes read back from the state are floats; they print as whole numbers


def test_failure_codes_from_the_state_print_as_whole_numbers() -> None:
    from_state = {"taken.com": {"code": 409.0, "comment": "another customer's"}}
    assert inbound._failure_list(from_state) == "taken.com: 409 another customer's"
    message = inbound._failure_message(from_state, 3)
    assert "409.0" not in message and "taken.com: 409 another customer's" in message


# Defect 15: adopted objects stay unless destroy_adopted


def test_inbound_adopted_domain_stays_on_delete_and_the_made_one_goes(
    fresh: SandboxProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = MailChannelsClient(fresh.mailchannels_url, MC_KEY)
    (before,) = outside.list_domains(["made.com"]) or [None]  # nothing yet
    assert before is None
    outside.provision_domain(
        inbound._to_api("before.com", {"settings": {"abuse_policy": "quarantine"}}, "sub-sandbox")
    )
    provider = inbound_provider(fresh)
    props = inbound_inputs(provider, ["before.com", "made.com"])
    assert props["destroy_adopted"] is False
    created = provider.create(props)
    assert created.outs["provisioned"] == ["before.com", "made.com"]
    assert created.outs["adopted_domains"] == ["before.com"]
    # overwrite was not set: the adopted domain's settings were kept, and recorded as held
    recorded = {d["domain"]: d for d in created.outs["domains"]}
    assert recorded["before.com"]["settings"]["abuse_policy"] == "quarantine"
    assert recorded["made.com"]["settings"]["abuse_policy"] == "block"

    provider.delete(created.id, created.outs)
    assert held_names(fresh) == {"before.com"}  # the adopted one stays
    assert "before.com" in capsys.readouterr().err  # and the delete says so


def test_inbound_destroy_adopted_deletes_adopted_domains_too(fresh: SandboxProcess) -> None:
    outside = MailChannelsClient(fresh.mailchannels_url, MC_KEY)
    outside.provision_domain(inbound._to_api("old.com", {}, "sub-sandbox"))
    provider = inbound_provider(fresh)
    created = provider.create(inbound_inputs(provider, ["old.com"], destroy_adopted=True))
    assert created.outs["adopted_domains"] == ["old.com"]
    assert created.outs["destroy_adopted"] is True
    provider.delete(created.id, created.outs)
    assert held_names(fresh) == set()


def test_inbound_removing_an_adopted_domain_from_the_program_leaves_it(
    fresh: SandboxProcess,
) -> None:
    MailChannelsClient(fresh.mailchannels_url, MC_KEY).provision_domain(
        inbound._to_api("kept.com", {}, "sub-sandbox")
    )
    provider = inbound_provider(fresh)
    created = provider.create(inbound_inputs(provider, ["kept.com", "mine.com", "mine2.com"]))
    news = inbound_inputs(provider, ["mine2.com"])
    assert provider.diff(created.id, created.outs, news).changes
    updated = provider.update(created.id, created.outs, news).outs
    assert updated["provisioned"] == ["mine2.com"] and updated["adopted_domains"] == []
    assert held_names(fresh) == {"kept.com", "mine2.com"}
    # destroy_adopted alone is an in-place change
    flipped = inbound_inputs(provider, ["mine2.com"], destroy_adopted=True)
    diff = provider.diff(created.id, updated, flipped)
    assert diff.changes and not diff.replaces


def test_sender_domain_adopted_stays_on_delete_unless_destroy_adopted(
    fresh: SandboxProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    PingramClient(fresh.pingram_url, PG_KEY).add_domain("held.example.com")
    provider = sender_provider(fresh)
    props = provider.check({}, {"domain": "held.example.com"}).inputs
    assert props["destroy_adopted"] is False
    created = provider.create(props)
    assert created.outs["adopted"] is True
    provider.delete(created.id, created.outs)
    assert senders(fresh) == {"held.example.com"}
    assert "held.example.com" in capsys.readouterr().err

    made = provider.create(provider.check({}, {"domain": "made.example.com"}).inputs)
    assert made.outs["adopted"] is False
    provider.delete(made.id, made.outs)
    assert senders(fresh) == {"held.example.com"}

    opted = provider.check({}, {"domain": "held.example.com", "destroy_adopted": True}).inputs
    again = provider.create(opted)
    assert again.outs["adopted"] is True
    # a change of destroy_adopted alone is in place
    diff = provider.diff(again.id, {**again.outs, "destroy_adopted": False}, opted)
    assert diff.changes and not diff.replaces
    provider.delete(again.id, again.outs)
    assert senders(fresh) == set()


# Delete is verified: read back after the delete; a 404 is gone only when the read agrees


Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def faked(monkeypatch: pytest.MonkeyPatch) -> Callable[[Handler], None]:
    """Puts clients over `httpx.MockTransport` into the runtimes' shared-client caches (the
    provider code runs unchanged; only its HTTP is fake)."""

    def install(handler: Handler) -> None:
        transport = httpx.MockTransport(handler)
        monkeypatch.setitem(
            mc_runtime._clients,
            (MC_FAKE, MC_KEY),
            MailChannelsClient(MC_FAKE, MC_KEY, transport=transport),
        )
        monkeypatch.setitem(
            pg_runtime._clients,
            (PG_FAKE, PG_KEY),
            PingramClient(PG_FAKE, PG_KEY, transport=transport),
        )

    monkeypatch.setattr(inbound, "DELETE_SETTLE_SECONDS", 0.2, raising=False)
    monkeypatch.setattr(sender_domain, "DELETE_SETTLE_SECONDS", 0.2, raising=False)
    return install


def fake_providers() -> tuple[InboundDomainsProvider, SenderDomainProvider]:
    mc, pg = InboundDomainsProvider(), SenderDomainProvider()
    mc._config = pg._config = config(MC_FAKE, PG_FAKE)
    return mc, pg


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


def mc_error(status: int, message: str) -> httpx.Response:
    return httpx.Response(status, json={"code": status, "message": message, "errors": []})


def test_inbound_delete_404_while_still_listed_is_a_failure_naming_the_domain(
    faked: Callable[[Handler], None],
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "DELETE":
            return mc_error(404, "Not Found")  # a wrong path, say
        return httpx.Response(200, json={"domains": [{"domain": "stays.com"}]})

    faked(handler)
    provider, _ = fake_providers()
    props = {"provisioned": ["stays.com"], "adopted_domains": [], "destroy_adopted": False}
    with pytest.raises(DeleteNotConfirmedError) as caught:
        provider.delete("sub/stays.com", props)
    assert "stays.com" in str(caught.value) and "404" in str(caught.value)


def test_inbound_delete_404_when_the_list_agrees_is_gone(
    faked: Callable[[Handler], None],
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "DELETE":
            return mc_error(404, "The domain does not exist.")
        return httpx.Response(200, json={"domains": []})

    faked(handler)
    provider, _ = fake_providers()
    provider.delete("sub/gone.com", {"provisioned": ["gone.com"]})


def test_sender_delete_200_but_still_listed_is_a_failure(
    faked: Callable[[Handler], None],
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "DELETE":
            return httpx.Response(200, json={"success": True})
        return httpx.Response(200, json=[sender_json("still.example.com")])

    faked(handler)
    _, provider = fake_providers()
    with pytest.raises(DeleteNotConfirmedError) as caught:
        provider.delete("still.example.com", {"adopted": False})
    assert "still.example.com" in str(caught.value)
    assert DKIM not in str(caught.value)


def test_sender_delete_404_while_listed_is_a_failure(faked: Callable[[Handler], None]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "DELETE":
            return httpx.Response(404, json={"error": {"code": "NOT_FOUND", "message": "no"}})
        return httpx.Response(200, json=[sender_json("x.example.com")])

    faked(handler)
    _, provider = fake_providers()
    with pytest.raises(DeleteNotConfirmedError, match="404"):
        provider.delete("x.example.com", {"adopted": False})


# Replies whose shape no page shows: read tolerantly, fail by name


@pytest.mark.parametrize(
    "body",
    [
        {"domains": [{"domain": "a.com"}]},
        [{"domain": "a.com"}],
        {"data": [{"domain": "a.com"}], "pagination": {"total": 1, "limit": 10}},
        {"data": {"domains": [{"domain": "a.com"}]}},
    ],
    ids=["page-shape", "bare-list", "data-with-pagination", "data-envelope"],
)
def test_mailchannels_list_shapes(body: Any) -> None:
    transport = httpx.MockTransport(lambda _r: httpx.Response(200, json=body))
    client = MailChannelsClient(MC_FAKE, MC_KEY, transport=transport)
    assert [d.domain for d in client.list_domains(["a.com"])] == ["a.com"]


def test_mailchannels_unreadable_list_names_endpoint_field_and_doc() -> None:
    transport = httpx.MockTransport(
        lambda _r: httpx.Response(200, json={"domains": [{"name": "a.com", "apiKey": "s3cret"}]})
    )
    client = MailChannelsClient(MC_FAKE, MC_KEY, transport=transport)
    with pytest.raises(ReplyShapeError) as caught:
        client.list_domains(["a.com"])
    text = str(caught.value)
    assert (
        "GET /domains" in text and "domain" in text and "docs/mailchannels-pingram-api.md" in text
    )
    assert "s3cret" not in text


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
    faked: Callable[[Handler], None],
) -> None:
    """`POST /domains` answering `{"success": true}` (its shape is no page's): create reads the
    domain from `GET /domains` instead of failing."""
    added: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            added.append("x.example.com")
            return httpx.Response(200, json={"success": True})
        return httpx.Response(200, json=[sender_json(n) for n in added])

    faked(handler)
    _, provider = fake_providers()
    created = provider.create({"domain": "x.example.com", "start_verification": False})
    assert created.outs["status"] == "PENDING" and created.outs["adopted"] is False

"""InboundDomains and SenderDomain handlers: preview checks and diffs, and create/update/read/delete
against a real sandbox (partial batches, retries of only the failures, 403, in-place changes)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from pulumi_inboxed.core.errors import InboxedError
from pulumi_inboxed.mailchannels import MailChannelsClient
from pulumi_inboxed.mailchannels.inbound_domains import InboundDomainsProvider
from pulumi_inboxed.pingram import PingramClient
from pulumi_inboxed.pingram.sender_domain import SenderDomainProvider
from pulumi_inboxed.sandbox import SandboxProcess

MC_KEY = "mc-sandbox-key"
PG_KEY = "pingram_sk_sandbox"
BATCH = "POST /mailchannels/inbound/v1/domains/batch"
REMOVE = "DELETE /mailchannels/inbound/v1/domains/{domain}"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxProcess]:
    with SandboxProcess(lifetime=300) as process:
        yield process


@pytest.fixture
def fresh(sandbox: SandboxProcess) -> SandboxProcess:
    sandbox.control.reset()
    sandbox.control.update_settings(
        mailchannels_domain_limit=5000,
        mailchannels_error_pattern="^error-",
        pingram_verify_seconds=0.3,
    )
    return sandbox


def configured(provider: Any, sandbox: SandboxProcess) -> Any:
    provider._config = {
        "mailchannels:baseUrl": sandbox.mailchannels_url,
        "mailchannels:apiKey": MC_KEY,
        "pingram:baseUrl": sandbox.pingram_url,
        "pingram:apiKey": PG_KEY,
    }
    return provider


def writes(stats: dict[str, int]) -> dict[str, int]:
    """The request counts without the reads (adoption lookups, delete confirmations)."""
    return {route: n for route, n in stats.items() if not route.startswith("GET ")}


def failures(result: Any) -> list[str]:
    return [f"{f.property}: {f.reason}" for f in result.failures]


def entry(name: str, policy: str = "block", **extra: Any) -> dict[str, Any]:
    header = policy == "flag"
    return {
        "domain": name,
        "aliases": [],
        "settings": {
            "abuse_policy": policy,
            "abuse_policy_override": None,
            "spam_header_name": "X-Spam-Flag" if header else None,
            "spam_header_value": "YES" if header else None,
        },
        "downstream_addresses": [
            {"priority": 10.0, "weight": 10.0, "port": 25.0, "target": "mx1.agency.example."}
        ],
        "admins": [],
        **extra,
    }


def inputs(names: list[str], policy: str = "block") -> dict[str, Any]:
    return {
        "subscription_handle": "sub-sandbox",
        "domains": [entry(n, policy) for n in names],
        "associate_key": False,
        "overwrite": False,
    }


def checked(provider: InboundDomainsProvider, news: dict[str, Any]) -> dict[str, Any]:
    result = provider.check({}, news)
    assert failures(result) == []
    return dict(result.inputs)


# Preview


def test_check_names_each_bad_field() -> None:
    provider = InboundDomainsProvider()
    news = inputs(["ok.com", "second.com"])
    news["domains"][0] = entry(
        "ok.com",
        settings={"abuse_policy": "flag", "spam_header_name": None, "spam_header_value": "1"},
        downstream_addresses=[
            {"priority": 1, "weight": -1, "port": 0, "target": "mx.example"},
            {"priority": 1, "weight": 1, "port": 25, "target": "a" * 255 + "."},
        ],
        aliases=["bad_alias..com"],
        admins=["not-an-address"],
    )
    news["domains"][1]["settings"] = {"abuse_policy": "reject"}
    assert failures(provider.check({}, news)) == [
        "domains[0].settings.spam_header_name: is required when abuse_policy is 'flag'",
        "domains[0].downstream_addresses[0].weight: must be a whole number >= 0",
        "domains[0].downstream_addresses[0].port: must be a TCP port, 1 to 65535",
        "domains[0].downstream_addresses[0].target: "
        "'mx.example' must be a hostname ending in a dot",
        "domains[0].downstream_addresses[1].target: is 256 characters; at most 255",
        "domains[0].aliases[0]: 'bad_alias..com' has an empty label (two dots in a row)",
        "domains[0].admins[0]: 'not-an-address' is not an email address",
        "domains[1].settings.abuse_policy: 'reject' is not one of block, flag, quarantine",
    ]


def test_check_rejects_bad_names_duplicates_and_a_missing_handle() -> None:
    news = inputs(["fine.com", "bad_name.com", "FINE.com"])
    news["subscription_handle"] = ""
    result = failures(InboundDomainsProvider().check({}, news))
    assert result[0] == "subscription_handle: is required"
    assert any(f.startswith("domains[1].domain: 'bad_name.com'") for f in result)
    assert any(f.startswith("domains[2].domain: 'FINE.com'") for f in result)


def test_check_normalizes_names_and_numbers() -> None:
    news = inputs(["Bücher-Inbound.DE"])
    news["domains"][0]["aliases"] = ["Alias.Example.COM"]
    out = checked(InboundDomainsProvider(), news)
    (domain,) = out["domains"]
    assert domain["domain"] == "xn--bcher-inbound-wob.de"
    assert domain["aliases"] == ["alias.example.com"]
    port = domain["downstream_addresses"][0]["port"]
    assert port == 25 and isinstance(port, int)


def test_diff_settings_change_is_an_update_and_a_new_handle_replaces() -> None:
    provider = InboundDomainsProvider()
    olds = {**checked(provider, inputs(["a.com", "b.com"])), "provisioned": ["a.com", "b.com"]}
    same = provider.diff("id", olds, checked(provider, inputs(["a.com", "b.com"])))
    assert not same.changes
    flagged = provider.diff("id", olds, checked(provider, inputs(["a.com", "b.com"], "flag")))
    assert flagged.changes and not flagged.replaces
    moved = {**inputs(["a.com", "b.com"]), "subscription_handle": "sub-other"}
    replaced = provider.diff("id", olds, checked(provider, moved))
    assert replaced.replaces == ["subscription_handle"] and replaced.delete_before_replace


def test_diff_sees_domains_that_failed_last_time() -> None:
    provider = InboundDomainsProvider()
    news = checked(provider, inputs(["a.com", "taken-b.com"]))
    olds = {**news, "provisioned": ["a.com"], "failed_domains": {"taken-b.com": {"code": 409}}}
    assert provider.diff("id", olds, news).changes


# Against the sandbox


def test_partial_batch_keeps_successes_and_a_retry_sends_only_the_missing(
    fresh: SandboxProcess,
) -> None:
    provider = configured(InboundDomainsProvider(), fresh)
    names = [f"h-{i:04d}.com" for i in range(1001)] + ["invalid-h.com", "taken-h.com"]
    props = checked(provider, inputs(names))
    fresh.control.reset_stats()
    created = provider.create(props)
    outs = created.outs
    assert len(outs["provisioned"]) == 1001
    assert {n: f["code"] for n, f in outs["failed_domains"].items()} == {
        "invalid-h.com": 400,
        "taken-h.com": 409,
    }
    assert "different customer" in outs["failed_domains"]["taken-h.com"]["comment"]
    assert fresh.control.stats()[BATCH] == 2  # 1003 domains: two requests

    fixed = checked(provider, inputs([*names[:1001], "fixed-h.com"]))
    assert provider.diff(created.id, outs, fixed).changes
    fresh.control.reset_stats()
    updated = provider.update(created.id, outs, fixed).outs
    assert writes(fresh.control.stats()) == {BATCH: 1}  # and reads: which are held already
    assert len(updated["provisioned"]) == 1002 and updated["failed_domains"] == {}
    assert not provider.diff(created.id, updated, fixed).changes

    fewer = checked(provider, inputs([*names[1:1001], "fixed-h.com"]))
    fresh.control.reset_stats()
    after = provider.update(created.id, updated, fewer).outs
    assert writes(fresh.control.stats()) == {REMOVE: 1}  # only the removed domain
    assert "h-0000.com" not in fresh.control.mailchannels_state()["domains"]
    assert len(after["provisioned"]) == 1001


def test_settings_change_applies_in_place_and_a_failed_overwrite_is_retried(
    fresh: SandboxProcess,
) -> None:
    provider = configured(InboundDomainsProvider(), fresh)
    props = checked(provider, inputs(["s-one.com", "s-two.com"]))
    created = provider.create(props)
    fresh.control.update_settings(mailchannels_error_pattern="^s-two")
    flagged = checked(provider, inputs(["s-one.com", "s-two.com"], "flag"))
    outs = provider.update(created.id, created.outs, flagged).outs
    domains = fresh.control.mailchannels_state()["domains"]
    assert domains["s-one.com"]["settings"]["abusePolicy"] == "flag"
    assert domains["s-one.com"]["settings"]["spamHeaderName"] == "X-Spam-Flag"
    assert domains["s-two.com"]["settings"]["abusePolicy"] == "block"
    assert outs["failed_domains"]["s-two.com"]["code"] == 500
    # s-two.com's recorded entry is still the old one, so the next diff sends it again
    assert provider.diff(created.id, outs, flagged).changes
    fresh.control.update_settings(mailchannels_error_pattern="^error-")
    again = provider.update(created.id, outs, flagged).outs
    assert again["failed_domains"] == {}
    assert fresh.control.mailchannels_state()["domains"]["s-two.com"]["settings"] == {
        "abusePolicy": "flag",
        "spamHeaderName": "X-Spam-Flag",
        "spamHeaderValue": "YES",
    }


def test_403_provisions_nothing_and_says_so(fresh: SandboxProcess) -> None:
    fresh.control.update_settings(mailchannels_domain_limit=2)
    provider = configured(InboundDomainsProvider(), fresh)
    with pytest.raises(InboxedError, match="none of them was provisioned") as caught:
        provider.create(checked(provider, inputs(["l1.com", "l2.com", "l3.com"])))
    assert "403" in str(caught.value) and "limit 2" in str(caught.value)
    assert "POST /domains/batch" in str(caught.value)  # the method and path, too
    assert fresh.control.mailchannels_state()["domains"] == {}


def test_read_drops_domains_removed_outside_and_delete_removes_the_rest(
    fresh: SandboxProcess,
) -> None:
    provider = configured(InboundDomainsProvider(), fresh)
    created = provider.create(checked(provider, inputs(["r1.com", "r2.com"])))
    MailChannelsClient(fresh.mailchannels_url, MC_KEY).remove_domain("r1.com")
    read = provider.read(created.id, created.outs)
    assert read.outs["provisioned"] == ["r2.com"]
    provider.delete(created.id, read.outs)
    assert fresh.control.mailchannels_state()["domains"] == {}


# Pingram


def test_sender_domain_check() -> None:
    provider = SenderDomainProvider()
    assert failures(provider.check({}, {"domain": "me@a.com"})) == [
        "domain: 'me@a.com': give the domain only, not an address"
    ]
    assert failures(provider.check({}, {"domain": "bad_name.com"}))[0].startswith("domain: ")
    ok = provider.check({}, {"domain": "News.Example.COM"})
    assert ok.inputs["domain"] == "news.example.com" and ok.inputs["start_verification"] is False
    diff = provider.diff("x", {"domain": "a.com"}, {"domain": "b.com"})
    assert diff.replaces == ["domain"]


def test_sender_domain_lifecycle(fresh: SandboxProcess) -> None:
    provider = configured(SenderDomainProvider(), fresh)
    props = provider.check({}, {"domain": "send.example.com", "start_verification": True}).inputs
    created = provider.create(props)
    assert created.id == "send.example.com"
    assert created.outs["status"] in ("PENDING", "SUCCESS")
    key = created.outs["private_dkim_key"]
    assert key and key == fresh.control.pingram_domains()[0]["privateDKIMKey"]
    deadline = time.monotonic() + 10
    read = provider.read(created.id, created.outs)
    while read.outs["status"] != "SUCCESS" and time.monotonic() < deadline:
        time.sleep(0.05)
        read = provider.read(created.id, created.outs)
    assert (read.outs["status"], read.outs["mail_from_status"]) == ("SUCCESS", "SUCCESS")
    provider.delete(created.id, read.outs)
    assert fresh.control.pingram_domains() == []
    assert provider.read(created.id, read.outs).id == ""  # gone: refresh drops it
    provider.delete(created.id, read.outs)  # already gone: no error


def test_sender_domain_create_adopts_an_existing_domain(fresh: SandboxProcess) -> None:
    PingramClient(fresh.pingram_url, PG_KEY).add_domain("adopt.example.com")
    provider = configured(SenderDomainProvider(), fresh)
    fresh.control.reset_stats()
    created = provider.create({"domain": "adopt.example.com", "start_verification": False})
    assert created.outs["status"] in ("PENDING", "SUCCESS")
    assert "POST /pingram/domains" not in fresh.control.stats()

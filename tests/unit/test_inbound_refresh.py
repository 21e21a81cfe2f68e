"""InboundDomains refresh: `_from_api` (the inverse of `_to_api`), what `read()` records per
domain, and read() against a real sandbox: no drift changes nothing (no spurious diff, even in the
engine's state form), drift shows as an update that overwrites only the drifted domains."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from pulumi_inboxed.mailchannels import MailChannelsClient
from pulumi_inboxed.mailchannels.inbound_domains import (
    InboundDomainsProvider,
    _from_api,
    _refreshed,
    _to_api,
)
from pulumi_inboxed.mailchannels.models import InboundDomain
from pulumi_inboxed.sandbox import SandboxProcess

MC_KEY = "mc-sandbox-key"
SUB = "sub-sandbox"
BATCH = "POST /mailchannels/inbound/v1/domains/batch"
LIST = "GET /mailchannels/inbound/v1/domains"
INPUTS = ("subscription_handle", "domains", "associate_key", "overwrite", "destroy_adopted")
MX = {"priority": 10.0, "weight": 10.0, "port": 25.0, "target": "mx1.agency.example."}


def raw_entry(name: str, policy: str | None = "block", **extra: Any) -> dict[str, Any]:
    """A domain entry as the program sends it (numbers as floats, as Pulumi sends them)."""
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
        "downstream_addresses": [MX],
        "admins": [],
        **extra,
    }


def raw_inputs(entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "subscription_handle": SUB,
        "domains": entries,
        "associate_key": False,
        "overwrite": False,
    }


def checked(entries: list[dict[str, Any]]) -> dict[str, Any]:
    result = InboundDomainsProvider().check({}, raw_inputs(entries))
    assert [f"{f.property}: {f.reason}" for f in result.failures] == []
    return dict(result.inputs)


def as_state(value: Any) -> Any:
    """A value as the engine hands it back from the state: nulls dropped from objects, every
    number a float (what `diff()` gets as `olds` after a refresh)."""
    if isinstance(value, dict):
        return {k: as_state(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [as_state(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


VARIED = [
    raw_entry("plain.com"),
    raw_entry("no-settings.com", settings=None),
    raw_entry("empty-settings.com", settings={}),
    raw_entry("flagged.com", "flag"),
    raw_entry(
        "Bücher-Inbound.DE",
        "quarantine",
        aliases=["Alias.Example.COM", "second-alias.com"],
        admins=["ops@agency.example", "abuse@agency.example"],
        downstream_addresses=[
            {"priority": 0, "weight": 5, "port": 2525, "target": "mx2.agency.example."},
            MX,
        ],
    ),
    {"domain": "bare.com"},  # a raw dict with no sections at all
    raw_entry(
        "override.com",
        settings={"abuse_policy": "block", "abuse_policy_override": True},
    ),
]


# The conversion


@pytest.mark.parametrize("entry", VARIED, ids=lambda e: e["domain"])
def test_from_api_inverts_to_api_for_every_checked_entry(entry: dict[str, Any]) -> None:
    (normalized,) = checked([entry])["domains"]
    api = _to_api(normalized["domain"], normalized, SUB)
    assert _from_api(api) == normalized
    # ...and through the wire: the JSON the batch call sends, read back as MailChannels answers it
    wire = InboundDomain.model_validate(json.loads(json.dumps(api.body())))
    assert _from_api(wire) == normalized


def test_check_gives_settings_all_four_keys_and_lists_never_none() -> None:
    (bare, partial) = checked(
        [{"domain": "bare.com"}, {"domain": "p.com", "settings": {"abuse_policy": "block"}}]
    )["domains"]
    assert bare == {
        "domain": "bare.com",
        "settings": None,
        "downstream_addresses": [],
        "aliases": [],
        "admins": [],
    }
    assert partial["settings"] == {
        "abuse_policy": "block",
        "abuse_policy_override": None,
        "spam_header_name": None,
        "spam_header_value": None,
    }


def test_from_api_of_an_answer_with_missing_sections() -> None:
    answer = InboundDomain.model_validate(
        {"domain": "thin.com", "subscriptionHandle": SUB, "settings": {"abusePolicy": "flag"}}
    )
    assert _from_api(answer) == {
        "domain": "thin.com",
        "settings": {
            "abuse_policy": "flag",
            "abuse_policy_override": None,
            "spam_header_name": None,
            "spam_header_value": None,
        },
        "downstream_addresses": [],
        "aliases": [],
        "admins": [],
    }


def api_domain(**sections: Any) -> InboundDomain:
    body: dict[str, Any] = {
        "domain": "a.com",
        "subscriptionHandle": SUB,
        "settings": {"abusePolicy": "block"},
        "downstreamAddresses": [{"priority": 10, "weight": 10, "port": 25, "target": MX["target"]}],
        "aliases": ["one-alias.com", "two-alias.com"],
        "admins": [],
    }
    body.update(sections)
    return InboundDomain.model_validate(body)


def test_refreshed_keeps_the_recorded_entry_when_the_api_holds_the_same() -> None:
    (recorded,) = checked([raw_entry("a.com", aliases=["one-alias.com", "two-alias.com"])])[
        "domains"
    ]
    same = api_domain()
    assert _refreshed(recorded, same) is recorded
    state = as_state(recorded)  # the engine's form: no nulls, floats
    assert _refreshed(state, same) is state
    # another order of the aliases is not drift, nor a default MailChannels fills in for a
    # setting that was not sent
    reordered = api_domain(
        aliases=["two-alias.com", "one-alias.com"],
        settings={"abusePolicy": "block", "abusePolicyOverride": False},
    )
    assert _refreshed(state, reordered) is state
    # a default declared, and MailChannels leaving it out of its answer, is not drift either
    (explicit,) = checked(
        [
            raw_entry(
                "a.com",
                aliases=["one-alias.com", "two-alias.com"],
                settings={"abuse_policy": "block", "abuse_policy_override": False},
            )
        ]
    )["domains"]
    assert _refreshed(explicit, same) is explicit
    overridden = api_domain(settings={"abusePolicy": "block", "abusePolicyOverride": True})
    assert _refreshed(explicit, overridden)["settings"]["abuse_policy_override"] is True


def test_refreshed_does_not_manage_settings_that_were_not_declared() -> None:
    (recorded,) = checked([raw_entry("a.com", settings=None)])["domains"]
    refreshed = _refreshed(recorded, api_domain(aliases=[], settings={"abusePolicy": "quarantine"}))
    assert refreshed is recorded


def test_refreshed_reports_drift_in_the_shape_check_gives() -> None:
    (recorded,) = checked([raw_entry("a.com", aliases=["one-alias.com", "two-alias.com"])])[
        "domains"
    ]
    drifted = api_domain(
        settings={"abusePolicy": "flag", "spamHeaderName": "X-Out", "spamHeaderValue": "1"}
    )
    refreshed = _refreshed(as_state(recorded), drifted)
    assert refreshed == {
        **recorded,
        # the headers were not declared (None): not managed, so not recorded either
        "settings": {**recorded["settings"], "abuse_policy": "flag"},
    }
    moved = _refreshed(recorded, api_domain(downstreamAddresses=[], admins=["x@y.com"]))
    assert moved["downstream_addresses"] == [] and moved["admins"] == ["x@y.com"]
    assert moved["settings"] == recorded["settings"]


# read() against the sandbox


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxProcess]:
    with SandboxProcess(lifetime=300) as process:
        yield process


@pytest.fixture
def fresh(sandbox: SandboxProcess) -> SandboxProcess:
    sandbox.control.reset()
    sandbox.control.update_settings(mailchannels_domain_limit=5000)
    return sandbox


def configured(sandbox: SandboxProcess) -> InboundDomainsProvider:
    provider = InboundDomainsProvider()
    provider._config = {  # what configure() keeps
        "mailchannels:baseUrl": sandbox.mailchannels_url,
        "mailchannels:apiKey": MC_KEY,
    }
    return provider


def out_of_band(sandbox: SandboxProcess, name: str, **settings: Any) -> None:
    """Someone changes `name`'s settings outside Pulumi (the whole domain object, overwrite)."""
    client = MailChannelsClient(sandbox.mailchannels_url, MC_KEY)
    try:
        (domain,) = client.list_domains([name])
        assert domain.settings is not None
        changed = domain.model_copy(
            update={"settings": domain.settings.model_copy(update=settings)}
        )
        client.provision_domains([changed], subscription_handle=SUB, overwrite=True)
    finally:
        client.close()


def test_read_without_drift_changes_nothing(fresh: SandboxProcess) -> None:
    provider = configured(fresh)
    entries = [raw_entry(f"nd-{i:03d}.com") for i in range(400)] + VARIED[1:]
    news = checked(entries)
    created = provider.create(news)
    assert created.outs["failed_domains"] == {}
    fresh.control.reset_stats()
    read = provider.read(created.id, created.outs)
    assert fresh.control.stats()[LIST] >= 2  # 406 names: the filter is split
    assert read.outs == created.outs
    # the refreshed values are the inputs of the next diff too: here, the inputs unchanged
    assert read.inputs == {k: news[k] for k in INPUTS}
    assert not provider.diff(created.id, read.outs, news).changes
    # the same from the engine's state form of the outputs, against its form of the inputs
    state = as_state(created.outs)
    again = provider.read(created.id, state)
    assert again.outs["domains"] == state["domains"]
    assert not provider.diff(created.id, as_state(again.outs), as_state(news)).changes
    assert not provider.diff(created.id, again.outs, news).changes


def test_read_records_drift_and_update_overwrites_only_the_drifted_domains(
    fresh: SandboxProcess,
) -> None:
    provider = configured(fresh)
    news = checked([raw_entry("d-one.com"), raw_entry("d-two.com"), raw_entry("d-three.com")])
    created = provider.create(news)
    out_of_band(
        fresh, "d-two.com", abuse_policy="flag", spam_header_name="X-Out", spam_header_value="1"
    )
    # an undeclared setting changed on d-three.com: not managed, so not drift; and it shows
    # below that d-three.com was not sent again (an overwrite would have replaced its settings)
    out_of_band(fresh, "d-three.com", abuse_policy_override=True)

    read = provider.read(created.id, as_state(created.outs))
    domains = {d["domain"]: d for d in read.outs["domains"]}
    assert domains["d-two.com"]["settings"]["abuse_policy"] == "flag"
    assert read.inputs is not None and read.inputs["domains"] == read.outs["domains"]
    assert domains["d-one.com"] == as_state(created.outs)["domains"][0]
    assert domains["d-three.com"] == as_state(created.outs)["domains"][2]
    diff = provider.diff(created.id, as_state(read.outs), as_state(news))
    assert diff.changes and not diff.replaces

    fresh.control.reset_stats()
    updated = provider.update(created.id, as_state(read.outs), as_state(news)).outs
    assert fresh.control.stats() == {BATCH: 1}
    held = fresh.control.mailchannels_state()["domains"]
    assert held["d-two.com"]["settings"] == {"abusePolicy": "block"}
    assert held["d-three.com"]["settings"] == {"abusePolicy": "block", "abusePolicyOverride": True}
    assert updated["failed_domains"] == {}
    assert not provider.diff(created.id, updated, news).changes
    after = provider.read(created.id, as_state(updated))
    assert not provider.diff(created.id, as_state(after.outs), as_state(news)).changes


def test_read_of_a_domain_removed_outside_keeps_its_entry_for_the_next_up(
    fresh: SandboxProcess,
) -> None:
    provider = configured(fresh)
    news = checked([raw_entry("g-one.com"), raw_entry("g-two.com")])
    created = provider.create(news)
    MailChannelsClient(fresh.mailchannels_url, MC_KEY).remove_domain("g-one.com")
    read = provider.read(created.id, created.outs)
    assert read.outs["provisioned"] == ["g-two.com"]
    assert read.outs["domains"] == created.outs["domains"]
    assert provider.diff(created.id, read.outs, news).changes
    fresh.control.reset_stats()
    provider.update(created.id, read.outs, news)
    assert {k: v for k, v in fresh.control.stats().items() if not k.startswith("GET ")} == {
        BATCH: 1
    }
    assert set(fresh.control.mailchannels_state()["domains"]) == {"g-one.com", "g-two.com"}

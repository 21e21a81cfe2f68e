"""mailchannels.InboundDomains: its declaration checked at preview (the bad-input table), the
diff, and create/update/read/delete against a real sandbox (partial batches, retries of only the
failures, 403, in-place changes, refresh and drift, adopted domains, verified deletes, replies
read tolerantly)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pulumi.output import UNKNOWN

from pulumi_inboxed.core.errors import InboxedError
from pulumi_inboxed.core.lifecycle import DeleteNotConfirmedError
from pulumi_inboxed.core.partial_failure import PartialFailure
from pulumi_inboxed.core.replies import ReplyShapeError
from pulumi_inboxed.core.safe_write import WritePolicy
from pulumi_inboxed.mailchannels import MailChannelsClient
from pulumi_inboxed.mailchannels import endpoints as mc_ep
from pulumi_inboxed.mailchannels import inbound_domains as inbound
from pulumi_inboxed.mailchannels.inbound_domains import (
    InboundDomainsProvider,
    _from_api,
    _refreshed,
    _to_api,
)
from pulumi_inboxed.mailchannels.models import InboundDomain
from pulumi_inboxed.sandbox import SandboxProcess

from ..conftest import (
    INBOUND_FAKE_CONFIG,
    BadInput,
    InboundHandler,
    PreviewCheck,
    assert_rejected_at_preview,
    inbound_configured,
)
from ..fake_api import FakeApi

MC_KEY = "mc-sandbox-key"
SUB = "sub-sandbox"
BATCH = "POST /mailchannels/inbound/v1/domains/batch"
REMOVE = "DELETE /mailchannels/inbound/v1/domains/{domain}"
LIST = "GET /mailchannels/inbound/v1/domains"
INPUTS = (
    "subscription_handle",
    "domains",
    "associate_key",
    "overwrite",
    "destroy_adopted",
    "allow_mixed_script",
    "settings",
    "downstream_addresses",
    "admins",
    "fail_on_domain_errors",
)
LOOKALIKE = "\u0430pple-pay.com"
"""apple-pay.com with a Cyrillic a."""
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


def inputs(names: list[str], policy: str = "block") -> dict[str, Any]:
    return raw_inputs([raw_entry(n, policy) for n in names])


def failures(result: Any) -> list[str]:
    return [f"{f.property}: {f.reason}" for f in result.failures]


def checked(news: dict[str, Any]) -> dict[str, Any]:
    result = InboundDomainsProvider().check({}, news)
    assert failures(result) == []
    return dict(result.inputs)


def checked_entries(entries: list[dict[str, Any]]) -> dict[str, Any]:
    return checked(raw_inputs(entries))


def writes(stats: dict[str, int]) -> dict[str, int]:
    """The request counts without the reads (adoption lookups, delete confirmations)."""
    return {route: n for route, n in stats.items() if not route.startswith("GET ")}


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


def configured(sandbox: SandboxProcess) -> InboundDomainsProvider:
    provider: InboundDomainsProvider = inbound_configured(InboundDomainsProvider(), sandbox)
    return provider


# Preview: the bad-input table


GOOD: dict[str, Any] = {
    "subscription_handle": SUB,
    "domains": [
        "plain.com",
        {
            "domain": "full.com",
            "aliases": ["alias.com"],
            "settings": {
                "abuse_policy": "flag",
                "spam_header_name": "X-S",
                "spam_header_value": "1",
            },
            "downstream_addresses": [{"target": "mx.agency.example.", "port": 25.0}],
            "admins": ["ops@agency.example"],
        },
    ],
    "settings": {"abuse_policy": "block"},
    "downstream_addresses": [MX],
    "admins": ["abuse@agency.example"],
}


def with_entry(**fields: Any) -> dict[str, Any]:
    """GOOD with its second domain entry changed (`None` removes a field)."""
    entry = {**GOOD["domains"][1], **fields}
    return {
        **GOOD,
        "domains": [GOOD["domains"][0], {k: v for k, v in entry.items() if v is not None}],
    }


def with_address(**fields: Any) -> dict[str, Any]:
    address = {"target": "mx.agency.example.", "port": 25.0, **fields}
    return with_entry(downstream_addresses=[address])


def with_settings(**fields: Any) -> dict[str, Any]:
    return with_entry(settings=fields)


def with_domains(*entries: Any) -> dict[str, Any]:
    return {**GOOD, "domains": list(entries)}


E1 = "domains[1]"
A0 = f"{E1}.downstream_addresses[0]"

BAD_INPUTS = [
    # the resource's own inputs
    BadInput("handle-missing", {"domains": ["a.com"]}, "subscription_handle", "is required"),
    BadInput(
        "handle-blank", {**GOOD, "subscription_handle": " "}, "subscription_handle", "at least 1"
    ),
    BadInput("handle-number", {**GOOD, "subscription_handle": 7}, "subscription_handle", "string"),
    BadInput("domains-missing", {"subscription_handle": SUB}, "domains", "is required"),
    BadInput("domains-empty", {**GOOD, "domains": []}, "domains", "at least 1"),
    BadInput("domains-a-string", {**GOOD, "domains": "a.com"}, "domains", "valid list"),
    BadInput("domains-number-entry", with_domains("a.com", 123), "domains[1]", "dictionary"),
    BadInput("domains-list-entry", with_domains(["a.com"]), "domains[0]", "dictionary"),
    BadInput("entry-name-key", with_domains({"name": "x.com"}), "domains[0].domain", "is required"),
    BadInput(
        "entry-unknown-key",
        with_domains({"domain": "x.com", "ttl": 5}),
        "domains[0].ttl",
        "not an input",
    ),
    BadInput(
        "associate-key-string", {**GOOD, "associate_key": "false"}, "associate_key", "boolean"
    ),
    BadInput("overwrite-number", {**GOOD, "overwrite": 1}, "overwrite", "boolean"),
    BadInput(
        "fail-on-errors-string",
        {**GOOD, "fail_on_domain_errors": "false"},
        "fail_on_domain_errors",
        "boolean",
    ),
    BadInput(
        "destroy-adopted-string", {**GOOD, "destroy_adopted": "no"}, "destroy_adopted", "boolean"
    ),
    # domain names
    BadInput("name-underscore", with_domains("bad_name.com"), "domains[0].domain", "bad_name"),
    BadInput("name-empty-label", with_domains("a..com"), "domains[0].domain", ""),
    BadInput("name-number", with_domains({"domain": 5}), "domains[0].domain", "string"),
    BadInput("name-too-long", with_domains("a" * 64 + ".com"), "domains[0].domain", ""),
    BadInput(
        "name-duplicate",
        with_domains("a.com", "A.com."),
        "domains[1].domain",
        "duplicate of entry 0",
    ),
    BadInput("name-mixed-script", with_domains(LOOKALIKE), "domains[0].domain", "mixes the"),
    BadInput("alias-bad", with_entry(aliases=["bad_alias..com"]), f"{E1}.aliases[0]", ""),
    BadInput(
        "alias-mixed-script",
        with_entry(aliases=["p\u0430ypal.com"]),
        f"{E1}.aliases[0]",
        "mixes the",
    ),
    BadInput("alias-number", with_entry(aliases=[42]), f"{E1}.aliases[0]", "string"),
    BadInput("aliases-a-string", with_entry(aliases="alias.com"), f"{E1}.aliases", "valid list"),
    # settings
    BadInput(
        "policy-unknown",
        with_settings(abuse_policy="reject"),
        f"{E1}.settings.abuse_policy",
        "'block', 'flag' or 'quarantine'",
    ),
    BadInput("policy-number", with_settings(abuse_policy=1), f"{E1}.settings.abuse_policy", ""),
    BadInput(
        "override-yes",
        with_settings(abuse_policy="block", abuse_policy_override="yes"),
        f"{E1}.settings.abuse_policy_override",
        "boolean",
    ),
    BadInput(
        "flag-without-header",
        with_settings(abuse_policy="flag", spam_header_value="1"),
        f"{E1}.settings.spam_header_name",
        "required when abuse_policy is 'flag'",
    ),
    BadInput(
        "flag-without-value",
        with_settings(abuse_policy="flag", spam_header_name="X"),
        f"{E1}.settings.spam_header_value",
        "required when abuse_policy is 'flag'",
    ),
    BadInput(
        "header-number",
        with_settings(abuse_policy="block", spam_header_name=5),
        f"{E1}.settings.spam_header_name",
        "string",
    ),
    BadInput("settings-a-string", with_entry(settings="block"), f"{E1}.settings", "dictionary"),
    BadInput(
        "settings-unknown-key",
        with_settings(policy="block"),
        f"{E1}.settings.policy",
        "not an input",
    ),
    BadInput(
        "resource-policy-unknown",
        {**GOOD, "settings": {"abuse_policy": "drop"}},
        "settings.abuse_policy",
        "'block'",
    ),
    BadInput(
        "resource-override-yes",
        {**GOOD, "settings": {"abuse_policy_override": "yes"}},
        "settings.abuse_policy_override",
        "boolean",
    ),
    # downstream addresses
    BadInput("target-no-dot", with_address(target="mx.example"), f"{A0}.target", "ending in a dot"),
    BadInput(
        "target-too-long", with_address(target="a" * 255 + "."), f"{A0}.target", "at most 255"
    ),
    BadInput(
        "target-not-a-host",
        with_address(target="mx_1..example."),
        f"{A0}.target",
        "not a valid hostname",
    ),
    BadInput("target-number", with_address(target=25), f"{A0}.target", "string"),
    BadInput(
        "target-missing",
        with_entry(downstream_addresses=[{"port": 25}]),
        f"{A0}.target",
        "is required",
    ),
    BadInput("port-zero", with_address(port=0), f"{A0}.port", "greater than or equal to 1"),
    BadInput("port-huge", with_address(port=1e12), f"{A0}.port", "less than or equal to 65535"),
    BadInput("port-string", with_address(port="25"), f"{A0}.port", "integer"),
    BadInput("port-fraction", with_address(port=25.5), f"{A0}.port", "integer"),
    BadInput("port-bool", with_address(port=True), f"{A0}.port", "integer"),
    BadInput(
        "priority-negative",
        with_address(priority=-1),
        f"{A0}.priority",
        "greater than or equal to 0",
    ),
    BadInput(
        "priority-huge",
        with_address(priority=1e12),
        f"{A0}.priority",
        "less than or equal to 65535",
    ),
    BadInput("weight-string", with_address(weight="abc"), f"{A0}.weight", "integer"),
    BadInput(
        "weight-negative", with_address(weight=-1), f"{A0}.weight", "greater than or equal to 0"
    ),
    BadInput(
        "address-a-string", with_entry(downstream_addresses=["mx.example."]), A0, "dictionary"
    ),
    BadInput(
        "addresses-an-object",
        with_entry(downstream_addresses={"target": "mx."}),
        f"{E1}.downstream_addresses",
        "valid list",
    ),
    BadInput(
        "resource-port-huge",
        {**GOOD, "downstream_addresses": [{**MX, "port": 70000}]},
        "downstream_addresses[0].port",
        "65535",
    ),
    # admins: email addresses (email-validator)
    BadInput(
        "admin-two-ats",
        with_entry(admins=["a@b@x.com"]),
        f"{E1}.admins[0]",
        "not a valid email address",
    ),
    BadInput(
        "admin-brackets",
        with_entry(admins=["sa<l>es,;@x.com"]),
        f"{E1}.admins[0]",
        "not a valid email address",
    ),
    BadInput(
        "admin-long-local",
        with_entry(admins=["a" * 100 + "@x.com"]),
        f"{E1}.admins[0]",
        "not a valid email address",
    ),
    BadInput(
        "admin-no-at",
        with_entry(admins=["not-an-address"]),
        f"{E1}.admins[0]",
        "not a valid email address",
    ),
    BadInput(
        "admin-mixed-script",
        with_entry(admins=["ops@" + LOOKALIKE]),
        f"{E1}.admins[0]",
        "mixes the",
    ),
    BadInput("admin-number", with_entry(admins=[7]), f"{E1}.admins[0]", "string"),
    BadInput(
        "resource-admin-bad", {**GOOD, "admins": ["ops@"]}, "admins[0]", "not a valid email address"
    ),
    BadInput(
        "allow-mixed-number", {**GOOD, "allow_mixed_script": [1]}, "allow_mixed_script[0]", "string"
    ),
]


@pytest.mark.bad_input
@pytest.mark.parametrize("bad", BAD_INPUTS, ids=lambda b: b.case)
def test_bad_input_is_rejected_at_preview(preview_check: PreviewCheck, bad: BadInput) -> None:
    assert_rejected_at_preview(preview_check(InboundDomainsProvider, bad.inputs), bad)


def test_good_input_passes_with_no_api_call(preview_check: PreviewCheck) -> None:
    outcome = preview_check(InboundDomainsProvider, GOOD)
    assert outcome.failures == {} and outcome.aborted is None and outcome.requests == 0


def test_unknown_values_pass_and_are_checked_when_known(preview_check: PreviewCheck) -> None:
    unknowns = [
        {**GOOD, "subscription_handle": UNKNOWN},
        with_domains(UNKNOWN, "b.com"),
        with_entry(domain=UNKNOWN),
        with_entry(settings={"abuse_policy": UNKNOWN}),
        with_address(port=UNKNOWN),
        {**GOOD, "domains": UNKNOWN},
    ]
    for news in unknowns:
        outcome = preview_check(InboundDomainsProvider, news)
        assert outcome.failures == {} and outcome.aborted is None and outcome.requests == 0
    # the known parts are still checked
    outcome = preview_check(InboundDomainsProvider, with_domains(UNKNOWN, "bad_name.com"))
    assert list(outcome.failures) == ["domains[1].domain"]


def test_mixed_script_names_pass_when_the_program_lists_them() -> None:
    news = {**with_domains(LOOKALIKE), "allow_mixed_script": [LOOKALIKE]}
    (entry,) = checked(news)["domains"]
    assert entry["domain"] == "xn--pple-pay-06g.com"


def test_check_applies_the_resource_defaults_to_entries_without_their_own() -> None:
    plain, full = checked(GOOD)["domains"]
    assert plain["settings"]["abuse_policy"] == "block"
    assert plain["downstream_addresses"] == [
        {"priority": 10, "weight": 10, "port": 25, "target": "mx1.agency.example."}
    ]
    assert plain["admins"] == ["abuse@agency.example"]
    assert full["settings"]["abuse_policy"] == "flag"
    assert full["downstream_addresses"] == [
        {"priority": 10, "weight": 10, "port": 25, "target": "mx.agency.example."}
    ]
    assert full["admins"] == ["ops@agency.example"]


def test_check_normalizes_names_and_numbers() -> None:
    news = inputs(["Bücher-Inbound.DE"])
    news["domains"][0]["aliases"] = ["Alias.Example.COM"]
    (domain,) = checked(news)["domains"]
    assert domain["domain"] == "xn--bcher-inbound-wob.de"
    assert domain["aliases"] == ["alias.example.com"]
    port = domain["downstream_addresses"][0]["port"]
    assert port == 25 and isinstance(port, int)


def test_many_bad_names_fail_one_by_one() -> None:
    """1500 bad names: one failure each, no traceback."""
    result = InboundDomainsProvider().check(
        {}, with_domains(*[f"bad_{i}.com" for i in range(1500)])
    )
    assert len(result.failures) == 1500


# Diff


def test_diff_settings_change_is_an_update_and_a_new_handle_replaces() -> None:
    provider = InboundDomainsProvider()
    olds = {**checked(inputs(["a.com", "b.com"])), "provisioned": ["a.com", "b.com"]}
    same = provider.diff("id", olds, checked(inputs(["a.com", "b.com"])))
    assert not same.changes
    flagged = provider.diff("id", olds, checked(inputs(["a.com", "b.com"], "flag")))
    assert flagged.changes and not flagged.replaces
    moved = {**inputs(["a.com", "b.com"]), "subscription_handle": "sub-other"}
    replaced = provider.diff("id", olds, checked(moved))
    assert replaced.replaces == ["subscription_handle"] and replaced.delete_before_replace


def test_diff_of_a_state_from_before_the_declaration_sees_no_change() -> None:
    """A state recorded before the new inputs existed (no settings, admins, ...) is unchanged."""
    provider = InboundDomainsProvider()
    news = checked(inputs(["a.com"]))
    old_keys = ("subscription_handle", "domains", "associate_key", "overwrite", "destroy_adopted")
    olds = {**{k: news[k] for k in old_keys}, "provisioned": ["a.com"]}
    assert not provider.diff("id", olds, news).changes
    quiet = {**news, "fail_on_domain_errors": False}  # a program-side switch: no update
    assert not provider.diff("id", olds, quiet).changes


def test_diff_of_a_0_1_0_state_with_resource_wide_defaults_sees_no_change() -> None:
    """0.1.0 wrote the resource's downstream addresses, settings and admins into each entry and
    recorded only the entries; the same program now also records them on the resource. What
    reaches MailChannels is the entries: only a change there is an update."""
    provider = InboundDomainsProvider()
    entry = {"domain": "a.com", "aliases": []}
    wide = {"downstream_addresses": [MX], "admins": ["ops@agency.example"]}
    news = checked({**raw_inputs([dict(entry)]), **wide})
    old_entry = {**entry, **wide, "settings": None}
    olds = {**raw_inputs([old_entry]), "destroy_adopted": False, "provisioned": ["a.com"]}
    assert not provider.diff("id", olds, news).changes
    moved = {**wide, "downstream_addresses": [{**MX, "target": "mx2.agency.example."}]}
    assert provider.diff("id", olds, checked({**raw_inputs([dict(entry)]), **moved})).changes


def test_diff_sees_domains_that_failed_last_time() -> None:
    provider = InboundDomainsProvider()
    news = checked(inputs(["a.com", "taken-b.com"]))
    olds = {**news, "provisioned": ["a.com"], "failed_domains": {"taken-b.com": {"code": 409}}}
    assert provider.diff("id", olds, news).changes


# Against the sandbox


def test_partial_batch_keeps_successes_and_a_retry_sends_only_the_missing(
    inbound_fresh: SandboxProcess,
) -> None:
    provider = configured(inbound_fresh)
    names = [f"h-{i:04d}.com" for i in range(1001)] + ["invalid-h.com", "taken-h.com"]
    props = checked(inputs(names))
    inbound_fresh.control.reset_stats()
    with pytest.raises(PartialFailure) as caught:
        provider.create(props)
    outs = caught.value.outs
    ident = caught.value.id_
    assert ident == f"{SUB}/h-0000.com"
    assert len(outs["provisioned"]) == 1001
    # the completed entries only: the failed ones are left out, so the next update sends them
    assert [d["domain"] for d in outs["domains"]] == names[:1001]
    assert {n: f["code"] for n, f in outs["failed_domains"].items()} == {
        "invalid-h.com": 400,
        "taken-h.com": 409,
    }
    assert "different customer" in outs["failed_domains"]["taken-h.com"]["comment"]
    reasons = caught.value.reasons
    assert len(reasons) == 2 and reasons[0].startswith("invalid-h.com: 400 ")
    assert reasons[1].startswith("taken-h.com: 409 ") and "different customer" in reasons[1]
    assert inbound_fresh.control.stats()[BATCH] == 2  # 1003 domains: two requests

    fixed = checked(inputs([*names[:1001], "fixed-h.com"]))
    assert provider.diff(ident, outs, fixed).changes
    inbound_fresh.control.reset_stats()
    updated = provider.update(ident, outs, fixed).outs
    assert writes(inbound_fresh.control.stats()) == {BATCH: 1}  # and reads: which are held already
    assert len(updated["provisioned"]) == 1002 and updated["failed_domains"] == {}
    assert not provider.diff(ident, updated, fixed).changes

    fewer = checked(inputs([*names[1:1001], "fixed-h.com"]))
    inbound_fresh.control.reset_stats()
    after = provider.update(ident, updated, fewer).outs
    assert writes(inbound_fresh.control.stats()) == {REMOVE: 1}  # only the removed domain
    assert "h-0000.com" not in inbound_fresh.control.mailchannels_state()["domains"]
    assert len(after["provisioned"]) == 1001


def test_settings_change_applies_in_place_and_a_failed_overwrite_is_retried(
    inbound_fresh: SandboxProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = configured(inbound_fresh)
    props = checked(inputs(["s-one.com", "s-two.com"]))
    created = provider.create(props)
    inbound_fresh.control.update_settings(mailchannels_error_pattern="^s-two")
    flagged = checked(inputs(["s-one.com", "s-two.com"], "flag"))
    client = provider._client(flagged)
    monkeypatch.setattr(client, "write_policy", WritePolicy(attempts=3, initial_wait=0.0))
    inbound_fresh.control.reset_stats()
    with pytest.raises(PartialFailure) as caught:
        provider.update(created.id, created.outs, flagged)
    # the 500 of s-two.com is MailChannels' own failure: read back, re-sent alone, 3 tries
    assert writes(inbound_fresh.control.stats()) == {BATCH: 3}
    outs = caught.value.outs
    comment = outs["failed_domains"]["s-two.com"]["comment"]
    assert caught.value.reasons == [f"s-two.com: 500 {comment}"]
    domains = inbound_fresh.control.mailchannels_state()["domains"]
    assert domains["s-one.com"]["settings"]["abusePolicy"] == "flag"
    assert domains["s-one.com"]["settings"]["spamHeaderName"] == "X-Spam-Flag"
    assert domains["s-two.com"]["settings"]["abusePolicy"] == "block"
    assert outs["failed_domains"]["s-two.com"]["code"] == 500
    # s-two.com's recorded entry is still the old one, so the next diff sends it again
    assert provider.diff(created.id, outs, flagged).changes
    inbound_fresh.control.update_settings(mailchannels_error_pattern="^error-")
    again = provider.update(created.id, outs, flagged).outs
    assert again["failed_domains"] == {}
    assert inbound_fresh.control.mailchannels_state()["domains"]["s-two.com"]["settings"] == {
        "abusePolicy": "flag",
        "spamHeaderName": "X-Spam-Flag",
        "spamHeaderValue": "YES",
    }


def test_403_provisions_nothing_and_says_so(inbound_fresh: SandboxProcess) -> None:
    inbound_fresh.control.update_settings(mailchannels_domain_limit=2)
    provider = configured(inbound_fresh)
    with pytest.raises(InboxedError, match="none of them was provisioned") as caught:
        provider.create(checked(inputs(["l1.com", "l2.com", "l3.com"])))
    assert "403" in str(caught.value) and "limit 2" in str(caught.value)
    assert "POST /domains/batch" in str(caught.value)  # the method and path, too
    assert inbound_fresh.control.mailchannels_state()["domains"] == {}


def test_read_drops_domains_removed_outside_and_delete_removes_the_rest(
    inbound_fresh: SandboxProcess,
) -> None:
    provider = configured(inbound_fresh)
    created = provider.create(checked(inputs(["r1.com", "r2.com"])))
    MailChannelsClient(inbound_fresh.mailchannels_url, MC_KEY).remove_domain("r1.com")
    read = provider.read(created.id, created.outs)
    assert read.outs["provisioned"] == ["r2.com"]
    provider.delete(created.id, read.outs)
    assert inbound_fresh.control.mailchannels_state()["domains"] == {}


# Refresh: `_from_api` (the inverse of `_to_api`), what `read()` records per domain


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
    (normalized,) = checked_entries([entry])["domains"]
    api = _to_api(normalized["domain"], normalized, SUB)
    assert _from_api(api) == normalized
    # ...and through the wire: the JSON the batch call sends, read back as MailChannels answers it
    wire = InboundDomain.model_validate(json.loads(json.dumps(api.body())))
    assert _from_api(wire) == normalized


def test_check_gives_settings_all_four_keys_and_lists_never_none() -> None:
    (bare, partial) = checked_entries(
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
    (recorded,) = checked_entries([raw_entry("a.com", aliases=["one-alias.com", "two-alias.com"])])[
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
    (explicit,) = checked_entries(
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
    (recorded,) = checked_entries([raw_entry("a.com", settings=None)])["domains"]
    refreshed = _refreshed(recorded, api_domain(aliases=[], settings={"abusePolicy": "quarantine"}))
    assert refreshed is recorded


def test_refreshed_reports_drift_in_the_shape_check_gives() -> None:
    (recorded,) = checked_entries([raw_entry("a.com", aliases=["one-alias.com", "two-alias.com"])])[
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


def test_read_without_drift_changes_nothing(inbound_fresh: SandboxProcess) -> None:
    provider = configured(inbound_fresh)
    entries = [raw_entry(f"nd-{i:03d}.com") for i in range(400)] + VARIED[1:]
    news = checked_entries(entries)
    created = provider.create(news)
    assert created.outs["failed_domains"] == {}
    inbound_fresh.control.reset_stats()
    read = provider.read(created.id, created.outs)
    assert inbound_fresh.control.stats()[LIST] >= 2  # 406 names: the filter is split
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
    inbound_fresh: SandboxProcess,
) -> None:
    provider = configured(inbound_fresh)
    news = checked_entries(
        [raw_entry("d-one.com"), raw_entry("d-two.com"), raw_entry("d-three.com")]
    )
    created = provider.create(news)
    out_of_band(
        inbound_fresh,
        "d-two.com",
        abuse_policy="flag",
        spam_header_name="X-Out",
        spam_header_value="1",
    )
    # an undeclared setting changed on d-three.com: not managed, so not drift; and it shows
    # below that d-three.com was not sent again (an overwrite would have replaced its settings)
    out_of_band(inbound_fresh, "d-three.com", abuse_policy_override=True)

    read = provider.read(created.id, as_state(created.outs))
    domains = {d["domain"]: d for d in read.outs["domains"]}
    assert domains["d-two.com"]["settings"]["abuse_policy"] == "flag"
    assert read.inputs is not None and read.inputs["domains"] == read.outs["domains"]
    assert domains["d-one.com"] == as_state(created.outs)["domains"][0]
    assert domains["d-three.com"] == as_state(created.outs)["domains"][2]
    diff = provider.diff(created.id, as_state(read.outs), as_state(news))
    assert diff.changes and not diff.replaces

    inbound_fresh.control.reset_stats()
    updated = provider.update(created.id, as_state(read.outs), as_state(news)).outs
    assert inbound_fresh.control.stats() == {BATCH: 1}
    held = inbound_fresh.control.mailchannels_state()["domains"]
    assert held["d-two.com"]["settings"] == {"abusePolicy": "block"}
    assert held["d-three.com"]["settings"] == {"abusePolicy": "block", "abusePolicyOverride": True}
    assert updated["failed_domains"] == {}
    assert not provider.diff(created.id, updated, news).changes
    after = provider.read(created.id, as_state(updated))
    assert not provider.diff(created.id, as_state(after.outs), as_state(news)).changes


def test_read_of_a_domain_removed_outside_keeps_its_entry_for_the_next_up(
    inbound_fresh: SandboxProcess,
) -> None:
    provider = configured(inbound_fresh)
    news = checked_entries([raw_entry("g-one.com"), raw_entry("g-two.com")])
    created = provider.create(news)
    MailChannelsClient(inbound_fresh.mailchannels_url, MC_KEY).remove_domain("g-one.com")
    read = provider.read(created.id, created.outs)
    assert read.outs["provisioned"] == ["g-two.com"]
    assert read.outs["domains"] == created.outs["domains"]
    assert provider.diff(created.id, read.outs, news).changes
    inbound_fresh.control.reset_stats()
    provider.update(created.id, read.outs, news)
    assert {k: v for k, v in inbound_fresh.control.stats().items() if not k.startswith("GET ")} == {
        BATCH: 1
    }
    assert set(inbound_fresh.control.mailchannels_state()["domains"]) == {"g-one.com", "g-two.com"}


# Defect 14: codes read back from the state are floats; they print as whole numbers


def test_failure_codes_from_the_state_print_as_whole_numbers() -> None:
    from_state = {"taken.com": {"code": 409.0, "comment": "another customer's"}}
    assert inbound._failure_list(from_state) == "taken.com: 409 another customer's"
    message = inbound._failure_message(from_state, 3)
    assert "409.0" not in message and "taken.com: 409 another customer's" in message


# Defect 15: adopted objects stay unless destroy_adopted


def test_inbound_adopted_domain_stays_on_delete_and_the_made_one_goes(
    inbound_fresh: SandboxProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = MailChannelsClient(inbound_fresh.mailchannels_url, MC_KEY)
    (before,) = outside.list_domains(["made.com"]) or [None]  # nothing yet
    assert before is None
    outside.provision_domain(
        inbound._to_api("before.com", {"settings": {"abuse_policy": "quarantine"}}, "sub-sandbox")
    )
    provider = configured(inbound_fresh)
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
    assert held_names(inbound_fresh) == {"before.com"}  # the adopted one stays
    assert "before.com" in capsys.readouterr().err  # and the delete says so


def test_inbound_destroy_adopted_deletes_adopted_domains_too(inbound_fresh: SandboxProcess) -> None:
    outside = MailChannelsClient(inbound_fresh.mailchannels_url, MC_KEY)
    outside.provision_domain(inbound._to_api("old.com", {}, "sub-sandbox"))
    provider = configured(inbound_fresh)
    created = provider.create(inbound_inputs(provider, ["old.com"], destroy_adopted=True))
    assert created.outs["adopted_domains"] == ["old.com"]
    assert created.outs["destroy_adopted"] is True
    provider.delete(created.id, created.outs)
    assert held_names(inbound_fresh) == set()


def test_inbound_removing_an_adopted_domain_from_the_program_leaves_it(
    inbound_fresh: SandboxProcess,
) -> None:
    MailChannelsClient(inbound_fresh.mailchannels_url, MC_KEY).provision_domain(
        inbound._to_api("kept.com", {}, "sub-sandbox")
    )
    provider = configured(inbound_fresh)
    created = provider.create(inbound_inputs(provider, ["kept.com", "mine.com", "mine2.com"]))
    news = inbound_inputs(provider, ["mine2.com"])
    assert provider.diff(created.id, created.outs, news).changes
    updated = provider.update(created.id, created.outs, news).outs
    assert updated["provisioned"] == ["mine2.com"] and updated["adopted_domains"] == []
    assert held_names(inbound_fresh) == {"kept.com", "mine2.com"}
    # destroy_adopted alone is an in-place change
    flipped = inbound_inputs(provider, ["mine2.com"], destroy_adopted=True)
    diff = provider.diff(created.id, updated, flipped)
    assert diff.changes and not diff.replaces


MC_BASE_PATH = "/inbound/v1"
"""The path of `INBOUND_FAKE_CONFIG`'s MailChannels base URL."""


def fake_provider() -> InboundDomainsProvider:
    provider = InboundDomainsProvider()
    provider._config = dict(INBOUND_FAKE_CONFIG)
    return provider


def mc_error(status: int, message: str) -> httpx.Response:
    return httpx.Response(status, json={"code": status, "message": message, "errors": []})


def listing(domains: list[str], *, removal: str) -> FakeApi:
    """MailChannels listing `domains`, whose removals answer 404 with the message `removal`
    and remove nothing."""
    page = {"domains": [{"domain": d} for d in domains]}
    api = FakeApi(mc_ep, base_path=MC_BASE_PATH)
    api.on(mc_ep.LIST_DOMAINS, lambda _c: httpx.Response(200, json=page))
    return api.on(mc_ep.REMOVE_DOMAIN, lambda _c: mc_error(404, removal))


def test_inbound_delete_404_while_still_listed_is_a_failure_naming_the_domain(
    inbound_faked: Callable[[InboundHandler], None],
) -> None:
    inbound_faked(listing(["stays.com"], removal="Not Found"))  # a wrong path, say
    provider = fake_provider()
    props = {"provisioned": ["stays.com"], "adopted_domains": [], "destroy_adopted": False}
    with pytest.raises(DeleteNotConfirmedError) as caught:
        provider.delete("sub/stays.com", props)
    assert "stays.com" in str(caught.value) and "404" in str(caught.value)


def test_inbound_delete_404_when_the_list_agrees_is_gone(
    inbound_faked: Callable[[InboundHandler], None],
) -> None:
    inbound_faked(listing([], removal="The domain does not exist."))
    provider = fake_provider()
    provider.delete("sub/gone.com", {"provisioned": ["gone.com"]})


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
    client = MailChannelsClient(
        INBOUND_FAKE_CONFIG["mailchannels:baseUrl"], MC_KEY, transport=transport
    )
    assert [d.domain for d in client.list_domains(["a.com"])] == ["a.com"]


def test_mailchannels_unreadable_list_names_endpoint_field_and_doc() -> None:
    transport = httpx.MockTransport(
        lambda _r: httpx.Response(200, json={"domains": [{"name": "a.com", "apiKey": "s3cret"}]})
    )
    client = MailChannelsClient(
        INBOUND_FAKE_CONFIG["mailchannels:baseUrl"], MC_KEY, transport=transport
    )
    with pytest.raises(ReplyShapeError) as caught:
        client.list_domains(["a.com"])
    text = str(caught.value)
    assert (
        "GET /domains" in text and "domain" in text and "docs/mailchannels-pingram-api.md" in text
    )
    assert "s3cret" not in text

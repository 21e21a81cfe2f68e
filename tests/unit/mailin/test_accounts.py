"""`mailin.InboxProvider` and `mailin.DomainRegistrar`: their declarations checked at preview
(bad inputs, each provider's required fields, unknowns, secrets never shown), the diff, and the
handlers against the sandbox (keys never read back, adoption, `destroy_adopted`, verified
deletes)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import pytest
from pulumi.output import UNKNOWN

from pulumi_inboxed.core.lifecycle import DeleteNotConfirmedError
from pulumi_inboxed.mailin import MailinClient
from pulumi_inboxed.mailin import endpoints as ep
from pulumi_inboxed.mailin.delegated_credentials import (
    DomainRegistrarProvider,
    InboxProviderProvider,
)

from ..conftest import BadInput, PreviewCheck, assert_rejected_at_preview
from .fake_microsoft import FakeMailin

Configured = Callable[[type[Any]], Any]

INBOX = {
    "name": "SL",
    "provider": "smartlead",
    "api_key": "KEY-SECRET-1",
    "oauth_url": "https://o.example.com",
}
REGISTRAR = {"name": "PB", "provider": "porkbun", "api_key": "K", "secret_api_key": "S-SECRET"}
NAMECHEAP = {
    "name": "NC",
    "provider": "namecheap",
    "api_key": "K",
    "api_user": "u",
    "username": "u",
    "whitelisted_ip": "65.109.237.170",
}


def without(inputs: Mapping[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in inputs.items() if k != key}


def failures(result: Any) -> list[str]:
    return [f"{f.property}: {f.reason}" for f in result.failures]


INBOX_BAD = [
    BadInput("name-number", {**INBOX, "name": 5}, "name", "valid string"),
    BadInput("name-blank", {**INBOX, "name": "  "}, "name", "must not be blank"),
    BadInput("name-missing", without(INBOX, "name"), "name", "is required"),
    BadInput("kind-unknown", {**INBOX, "provider": "gmail"}, "provider", "'smartlead'"),
    BadInput("kind-number", {**INBOX, "provider": 3}, "provider", "Input should be"),
    BadInput("kind-list", {**INBOX, "provider": ["smartlead"]}, "provider", "Input should be"),
    BadInput("key-number", {**INBOX, "api_key": 123}, "api_key", "valid string"),
    BadInput("key-missing", without(INBOX, "api_key"), "api_key", "is required for smartlead"),
    BadInput("key-blank", {**INBOX, "api_key": " "}, "api_key", "is required for smartlead"),
    BadInput("oauth-not-url", {**INBOX, "oauth_url": "not a url"}, "oauth_url", "http(s) URL"),
    BadInput("oauth-ftp", {**INBOX, "oauth_url": "ftp://o.example.com"}, "oauth_url", "http(s)"),
    BadInput("oauth-missing", without(INBOX, "oauth_url"), "oauth_url", "is required for smart"),
    BadInput(
        "workspace-missing",
        {"name": "P", "provider": "plusvibe", "api_key": "k"},
        "workspace_id",
        "is required for plusvibe",
    ),
    BadInput("password-bool", {**INBOX, "password": True}, "password", "valid string"),
    BadInput("username-object", {**INBOX, "username": {"a": 1}}, "username", "valid string"),
    BadInput("flag-string", {**INBOX, "destroy_adopted": "yes"}, "destroy_adopted", "boolean"),
    BadInput("name-list", {**INBOX, "name": ["SL"]}, "name", "valid string"),
]

REGISTRAR_BAD = [
    BadInput("kind-unknown", {**REGISTRAR, "provider": "cloudflare"}, "provider", "'porkbun'"),
    BadInput("name-bool", {**REGISTRAR, "name": True}, "name", "valid string"),
    BadInput(
        "secret-missing",
        without(REGISTRAR, "secret_api_key"),
        "secret_api_key",
        "is required for porkbun",
    ),
    BadInput("secret-number", {**REGISTRAR, "secret_api_key": 5}, "secret_api_key", "string"),
    BadInput(
        "namecheap-user", without(NAMECHEAP, "api_user"), "api_user", "required for namecheap"
    ),
    BadInput(
        "namecheap-username", without(NAMECHEAP, "username"), "username", "required for namecheap"
    ),
    BadInput(
        "namecheap-ip", without(NAMECHEAP, "whitelisted_ip"), "whitelisted_ip", "required for"
    ),
    BadInput("ip-short", {**NAMECHEAP, "whitelisted_ip": "1.2.3"}, "whitelisted_ip", "not an IP"),
    BadInput("ip-range", {**NAMECHEAP, "whitelisted_ip": "999.1.1.1"}, "whitelisted_ip", "IP"),
    BadInput("ip-number", {**NAMECHEAP, "whitelisted_ip": 1234}, "whitelisted_ip", "string"),
    BadInput("customer-list", {**REGISTRAR, "customer_id": [1]}, "customer_id", "valid string"),
    BadInput("flag-number", {**REGISTRAR, "destroy_adopted": 1}, "destroy_adopted", "boolean"),
]


@pytest.mark.bad_input
@pytest.mark.parametrize("bad", INBOX_BAD, ids=lambda b: b.case)
def test_bad_inbox_provider_input_is_rejected_at_preview(
    preview_check: PreviewCheck, bad: BadInput
) -> None:
    assert_rejected_at_preview(preview_check(InboxProviderProvider, bad.inputs), bad)


@pytest.mark.bad_input
@pytest.mark.parametrize("bad", REGISTRAR_BAD, ids=lambda b: b.case)
def test_bad_registrar_input_is_rejected_at_preview(
    preview_check: PreviewCheck, bad: BadInput
) -> None:
    assert_rejected_at_preview(preview_check(DomainRegistrarProvider, bad.inputs), bad)


@pytest.mark.parametrize(
    ("provider", "inputs"),
    [
        (InboxProviderProvider, INBOX),
        (DomainRegistrarProvider, REGISTRAR),
        (DomainRegistrarProvider, NAMECHEAP),
    ],
)
def test_good_input_passes_with_no_api_call(
    preview_check: PreviewCheck, provider: type[Any], inputs: dict[str, Any]
) -> None:
    outcome = preview_check(provider, inputs)
    assert outcome.failures == {} and outcome.aborted is None and outcome.requests == 0


@pytest.mark.parametrize(
    ("provider", "inputs"),
    [
        (InboxProviderProvider, {**INBOX, "api_key": UNKNOWN}),
        (InboxProviderProvider, {**INBOX, "name": UNKNOWN, "oauth_url": UNKNOWN}),
        (InboxProviderProvider, {**without(INBOX, "api_key"), "provider": UNKNOWN}),
        (DomainRegistrarProvider, {**NAMECHEAP, "whitelisted_ip": UNKNOWN}),
        (DomainRegistrarProvider, {**REGISTRAR, "destroy_adopted": UNKNOWN}),
    ],
    ids=["key", "name-and-url", "kind", "ip", "flag"],
)
def test_unknown_values_pass_preview_with_no_api_call(
    preview_check: PreviewCheck, provider: type[Any], inputs: dict[str, Any]
) -> None:
    outcome = preview_check(provider, inputs)
    assert outcome.failures == {} and outcome.aborted is None and outcome.requests == 0


def test_required_fields_are_named_beside_an_unknown_value(preview_check: PreviewCheck) -> None:
    outcome = preview_check(
        InboxProviderProvider, {"name": UNKNOWN, "provider": "plusvibe", "api_key": "k"}
    )
    assert outcome.failures == {"workspace_id": "is required for plusvibe"}
    assert outcome.requests == 0


def test_secret_values_never_appear_in_a_failure(preview_check: PreviewCheck) -> None:
    outcome = preview_check(
        DomainRegistrarProvider,
        {**REGISTRAR, "api_key": ["KEY-SHOWN?"], "secret_api_key": 987654321},
    )
    assert set(outcome.failures) == {"api_key", "secret_api_key"}
    text = json.dumps(outcome.failures)
    assert "KEY-SHOWN" not in text and "987654321" not in text


def test_check_records_normalized_inputs_with_their_defaults() -> None:
    checked = InboxProviderProvider().check(
        {}, {"name": "I", "provider": "instantly", "api_key": "k", "username": " "}
    )
    assert failures(checked) == []
    assert checked.inputs == {
        "name": "I",
        "provider": "instantly",
        "api_key": "k",
        "oauth_url": None,
        "username": None,  # blank is absent, as the API treats it
        "password": None,
        "workspace_id": None,
        "destroy_adopted": False,
    }
    checked = DomainRegistrarProvider().check({}, {**NAMECHEAP, "whitelisted_ip": " 1.2.3.4 "})
    assert failures(checked) == [] and checked.inputs["whitelisted_ip"] == "1.2.3.4"


def test_a_name_change_replaces_other_changes_are_in_place() -> None:
    inbox = InboxProviderProvider()
    olds = {"name": "A", "provider": "instantly", "api_key": "k1"}
    changed_key = inbox.diff("1", olds, {**olds, "api_key": "k2"})
    assert changed_key.changes and changed_key.replaces == []
    kind = inbox.diff("1", olds, {**olds, "provider": "reachinbox"})
    assert kind.changes and kind.replaces == []
    assert inbox.diff("1", olds, {**olds, "name": "B"}).replaces == ["name"]
    assert not inbox.diff("1", olds, dict(olds)).changes
    assert not inbox.diff("1", olds, {**olds, "oauth_url": None, "destroy_adopted": False}).changes
    flag = inbox.diff("1", olds, {**olds, "destroy_adopted": True})
    assert flag.changes and flag.replaces == []


# handlers against the sandbox -----------------------------------------------------------------


def test_inbox_provider_lifecycle_never_reads_keys_back(
    microsoft_provider: Configured, microsoft_client: MailinClient
) -> None:
    client = microsoft_client
    provider = microsoft_provider(InboxProviderProvider)
    news = {"name": "SL", "provider": "smartlead", "api_key": "KEY-1", "oauth_url": "https://o.x"}
    created = provider.create(provider.check({}, news).inputs)
    pid = int(created.id)
    assert created.outs["provider_id"] == pid
    listed = {p.id: p for p in client.list_inbox_providers()}
    assert listed[pid].provider == "smartlead" and listed[pid].api_key == "KEY-1"
    # in place: another kind, another key, the OAuth URL removed (sent as null, cleared)
    moved = provider.check({}, {"name": "SL", "provider": "instantly", "api_key": "KEY-2"}).inputs
    provider.update(created.id, created.outs, moved)
    after = {p.id: p for p in client.list_inbox_providers()}[pid]
    assert (after.provider, after.api_key, after.oauth_url) == ("instantly", "KEY-2", None)
    read = provider.read(created.id, {**moved, "api_key": "KEY-STATE", "provider_id": pid})
    assert read.outs["api_key"] == "KEY-STATE"  # the state's (secret) value, not the API's
    kept = {**moved, "api_key": "KEY-STATE"}
    assert not provider.diff(created.id, read.outs, kept).changes  # refresh: no drift
    provider.delete(created.id, moved)
    assert pid not in {p.id for p in client.list_inbox_providers()}
    assert provider.read(created.id, moved).id == ""  # gone: refresh drops it
    provider.delete(created.id, moved)  # deleting twice is fine


def test_a_retried_registrar_create_adopts_the_entry_instead_of_adding_twice(
    microsoft_provider: Configured, microsoft_client: MailinClient
) -> None:
    client = microsoft_client
    provider = microsoft_provider(DomainRegistrarProvider)
    news = {"name": "PB", "provider": "porkbun", "api_key": "K1", "secret_api_key": "S1"}
    first = provider.create(provider.check({}, news).inputs)
    other = {"name": "PB", "provider": "godaddy", "api_key": "K9", "secret_api_key": "S9"}
    provider.create(provider.check({}, other).inputs)  # same name, other registrar: its own
    changed = provider.check({}, {**news, "api_key": "K2"}).inputs
    again = provider.create(changed)  # e.g. the first run died before the state was written
    assert again.id == first.id
    porkbun = [r for r in client.list_domain_registrars() if r.provider == "porkbun"]
    assert [(r.id, r.api_key) for r in porkbun] == [(int(first.id), "K2")]
    assert len(client.list_domain_registrars()) == 2


def test_a_registrar_is_read_by_id_alone(
    microsoft_provider: Configured, microsoft_client: MailinClient
) -> None:
    """`DomainRegistrar.get(name, id)`: read with no state but the id."""
    provider = microsoft_provider(DomainRegistrarProvider)
    created = provider.create(provider.check({}, NAMECHEAP).inputs)
    read = provider.read(created.id, {})
    assert read.outs["name"] == "NC" and read.outs["provider"] == "namecheap"
    assert read.outs["registrar_id"] == int(created.id) and read.outs["api_key"] is None
    assert microsoft_client.list_domain_registrars()[0].api_key == "K"


ACCOUNT_KINDS = [
    (InboxProviderProvider, {"name": "SL", "provider": "instantly", "api_key": "k"}),
    (DomainRegistrarProvider, REGISTRAR),
]


def listed(client: MailinClient, provider: Any) -> list[int]:
    entries = (
        client.list_inbox_providers()
        if isinstance(provider, InboxProviderProvider)
        else client.list_domain_registrars()
    )
    return [e.id for e in entries]


def logged(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    messages: list[str] = []
    monkeypatch.setattr("pulumi_inboxed.core.lifecycle.note", messages.append)
    return messages


@pytest.mark.parametrize(("cls", "news"), ACCOUNT_KINDS)
def test_an_adopted_account_entry_stays_unless_destroy_adopted(
    microsoft_provider: Configured,
    microsoft_client: MailinClient,
    monkeypatch: pytest.MonkeyPatch,
    cls: type[Any],
    news: dict[str, Any],
) -> None:
    client = microsoft_client
    messages = logged(monkeypatch)
    provider = microsoft_provider(cls)
    existing = provider._add(client, {**news, "api_key": "old"})  # made by hand, before
    inputs = provider.check({}, news).inputs
    assert inputs["destroy_adopted"] is False
    created = provider.create(inputs)
    assert created.id == str(existing) and created.outs["adopted"] is True
    provider.delete(created.id, created.outs)
    assert existing in listed(client, provider)  # kept, and the delete says so
    assert "left in the account" in messages[-1] and f"'{news['name']}'" in messages[-1]
    assert "destroy_adopted=True" in messages[-1]

    # opting in is an in-place change of state only; then delete removes it, verified
    opted = provider.check(inputs, {**news, "destroy_adopted": True}).inputs
    diff = provider.diff(created.id, created.outs, opted)
    assert diff.changes and not diff.replaces
    updated = provider.update(created.id, created.outs, opted).outs
    assert updated["adopted"] is True and updated["destroy_adopted"] is True
    provider.delete(created.id, updated)
    assert existing not in listed(client, provider)


@pytest.mark.parametrize(("cls", "news"), ACCOUNT_KINDS)
def test_an_entry_the_create_made_is_deleted(
    microsoft_provider: Configured,
    microsoft_client: MailinClient,
    cls: type[Any],
    news: dict[str, Any],
) -> None:
    provider = microsoft_provider(cls)
    created = provider.create(provider.check({}, news).inputs)
    assert created.outs["adopted"] is False
    provider.delete(created.id, created.outs)
    assert int(created.id) not in listed(microsoft_client, provider)


# A delete whose entry is still listed: an API that answers 404 (or 200) and keeps it ----------

ACCOUNT = {"id": 4, "name": "SL", "provider": "smartlead"}


def stubborn_client(delete_status: int) -> MailinClient:
    """A Mailin.ai listing `ACCOUNT` as an inbox provider and as a registrar, whose deletes
    answer `delete_status` and remove nothing."""
    fake = FakeMailin()
    fake.providers.append(dict(ACCOUNT))
    fake.registrars.append(dict(ACCOUNT))
    for delete in (ep.DELETE_INBOX_PROVIDER, ep.DELETE_DOMAIN_REGISTRAR):
        fake.on(delete, lambda _c: httpx.Response(delete_status, json={"message": "Not found."}))
    return fake.client()


@pytest.mark.parametrize("delete_status", [404, 200])
@pytest.mark.parametrize(
    ("cls", "named"),
    [(InboxProviderProvider, "inbox provider 'SL'"), (DomainRegistrarProvider, "registrar 'SL'")],
)
def test_a_delete_is_confirmed_by_reading_back(
    monkeypatch: pytest.MonkeyPatch, cls: type[Any], named: str, delete_status: int
) -> None:
    """The old deletes swallowed a 404 (and trusted a 200): destroy said deleted while the
    entry stayed."""
    provider = cls()
    stub = stubborn_client(delete_status)
    monkeypatch.setattr(provider, "_client", lambda _props: stub)
    monkeypatch.setattr("pulumi_inboxed.mailin.delegated_credentials.DELETE_SETTLE_SECONDS", 0.3)
    with pytest.raises(DeleteNotConfirmedError) as info:
        provider.delete("4", {"name": "SL", "provider": "smartlead", "adopted": False})
    assert named in str(info.value)
    if delete_status == 404:
        assert "answered 404" in str(info.value)

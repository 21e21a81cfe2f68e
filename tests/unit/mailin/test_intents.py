"""After a crash, what a Mailin.ai Azure order, inbox provider or registrar entry, a purchase or
transfer of domains, a mailbox create, a subdomain or a forwarding made is still its own
(`core.intents`): the fake Mailin.ai acts on the POST, then the process "dies" (an error nothing
retries) with the record of the write on disk; the recovering create of the same resource finds
the object and manages it as made (`adopted` False), makes nothing twice, and delete removes it.
Without a record (another resource) it is adopted as before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_inboxed.core import intents
from pulumi_inboxed.core.endpoint import Endpoint
from pulumi_inboxed.mailin import endpoints as ep
from pulumi_inboxed.mailin.domains import DomainsProvider
from pulumi_inboxed.mailin.forwarding import DomainForwardingProvider, EmailForwardingProvider
from pulumi_inboxed.mailin.mailboxes import GoogleMailboxesProvider, SmtpMailboxesProvider
from pulumi_inboxed.mailin.subdomain import SubdomainProvider

from ..fake_api import Call, Died, Handler
from .fake_account import FakeMailin as AccountFake
from .fake_account import configured
from .fake_microsoft import FakeMailin
from .test_microsoft_safe_writes import ACCOUNT_KINDS, FAST, ORDER, azure_provider
from .test_safe_writes import GOOGLE, SMTP, domains_inputs, smtp_inputs

URN = "urn:pulumi:dev::estate::pulumi-python:dynamic:Resource::order"


class CrashingMailin(FakeMailin):
    """Deletes of orders and entries remove them (`die_on`: `tests/unit/fake_api`)."""

    def __init__(self) -> None:
        super().__init__()
        for endpoint, items, key in (
            (ep.DELETE_AZURE_ORDER, self.orders, "order_id"),
            (ep.DELETE_INBOX_PROVIDER, self.providers, "provider_id"),
            (ep.DELETE_DOMAIN_REGISTRAR, self.registrars, "registrar_id"),
        ):
            self.on(endpoint, self._deleting(items, key))

    @staticmethod
    def _deleting(items: list[dict[str, Any]], key: str) -> Handler:
        def delete(call: Call) -> httpx.Response:
            items[:] = [i for i in items if i["id"] != int(call.params[key])]
            return httpx.Response(200, json={"message": "deleted"})

        return delete


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
    fake.die_on = ep.ADD_AZURE_ORDER
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
    fake.die_on = ep.ADD_AZURE_ORDER
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
    cls, inputs, endpoint, listed = ACCOUNT_KINDS[kind]
    fake = CrashingMailin()
    fake.die_on = endpoint
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


# Domains, mailboxes and subdomains (issue 23) ---------------------------------------------------


class CrashingAccount(AccountFake):
    """The fake account of `fake_account`, whose deletes of domains and mailboxes remove them
    (`die_on`: `tests/unit/fake_api`)."""

    def __init__(self) -> None:
        super().__init__()
        self.on(ep.DELETE_DOMAIN, self._deleting(self.domains, "domain_id"))
        self.on(ep.DELETE_MAILBOX, self._deleting(self.mailboxes, "mailbox_id"))

    @staticmethod
    def _deleting(items: dict[str, dict[str, Any]], key: str) -> Handler:
        def delete(call: Call) -> httpx.Response:
            gone = [k for k, v in items.items() if v["id"] == int(call.params[key])]
            for name in gone:
                del items[name]
            return httpx.Response(200 if gone else 404, json={"message": "deleted"})

        return delete


def test_domains_bought_before_the_crash_are_managed_as_created_and_held_ones_adopted(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, records: Path
) -> None:
    account = CrashingAccount()
    account.add_domain("theirs.com")  # in the account before: no record names it
    account.die_on = ep.BUY_DOMAINS
    provider, _rt = configured(DomainsProvider(), account)
    props = domains_inputs("mine-a.com", "theirs.com", "mine-b.com")
    with caplog.at_level("INFO"):
        created = crash_then_recover(provider.create, props, monkeypatch)
    assert account.purchases == {"mine-a.com": 1, "mine-b.com": 1}  # bought once
    assert created.outs["adopted_domains"] == ["theirs.com"]
    assert set(created.outs["domain_ids"]) == {"mine-a.com", "theirs.com", "mine-b.com"}
    found = _claims(caplog)
    assert len(found) == 1 and found[0].startswith("found mine-a.com, mine-b.com, bought by")
    assert not list(records.rglob("*.json"))  # settled: the state holds them
    provider.delete(created.id, created.outs)
    assert list(account.domains) == ["theirs.com"]  # the adopted one stays


def test_a_domain_transferred_before_the_crash_is_managed_as_created(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    account = CrashingAccount()
    account.die_on = ep.TRANSFER_DOMAIN
    provider, _rt = configured(DomainsProvider(), account)
    props = {**domains_inputs("moved.io"), "acquisition": "transfer"}
    created = crash_then_recover(provider.create, props, monkeypatch)
    assert account.made["transfer moved.io"] == 1
    assert created.outs["adopted_domains"] == []
    provider.delete(created.id, created.outs)
    assert account.domains == {}


def test_domains_of_another_resource_are_still_adopted(monkeypatch: pytest.MonkeyPatch) -> None:
    account = CrashingAccount()
    account.die_on = ep.BUY_DOMAIN
    provider, _rt = configured(DomainsProvider(), account)
    props = domains_inputs("solo.com")
    other = URN.replace("order", "other")
    created = crash_then_recover(provider.create, props, monkeypatch, urn=other)
    assert created.outs["adopted_domains"] == ["solo.com"]
    provider.delete(created.id, created.outs)
    assert list(account.domains) == ["solo.com"]  # kept: not this resource's


@pytest.mark.parametrize(
    ("kind", "endpoint", "entries"),
    [
        (SmtpMailboxesProvider, ep.CREATE_MAILBOXES, SMTP),
        (GoogleMailboxesProvider, ep.CREATE_GOOGLE_MAILBOXES, GOOGLE),
    ],
    ids=["smtp", "google"],
)
def test_mailboxes_created_before_the_crash_are_managed_as_created(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    records: Path,
    kind: type[Any],
    endpoint: Endpoint,
    entries: list[dict[str, Any]],
) -> None:
    account = CrashingAccount()
    account.die_on = endpoint
    provider, _rt = configured(kind(), account)
    with caplog.at_level("INFO"):
        created = crash_then_recover(provider.create, smtp_inputs(entries), monkeypatch)
    usernames = [e["username"] for e in entries]
    assert {k: v for k, v in account.made.items() if k.startswith("mailbox ")} == {
        f"mailbox {u}": 1 for u in usernames
    }
    assert created.outs["adopted_mailboxes"] == []
    assert sorted(created.outs["mailbox_ids"]) == sorted(usernames)
    lines = _claims(caplog)
    assert len(lines) == 1 and "created by the interrupted run of" in lines[0]
    assert not list(records.rglob("*.json"))
    provider.delete(created.id, created.outs)
    assert account.mailboxes == {}


def test_a_mailbox_held_before_is_still_adopted_beside_one_created_before_the_crash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    account = CrashingAccount()
    account.mailboxes["info@box.com"] = {
        "id": 900,
        "username": "info@box.com",
        "name": "Info",
        "status": 1,
        "password": "theirs",
    }
    account.die_on = ep.CREATE_MAILBOXES
    provider, _rt = configured(SmtpMailboxesProvider(), account)
    created = crash_then_recover(provider.create, smtp_inputs(SMTP), monkeypatch)
    assert account.made["mailbox sales@box.com"] == 1
    assert created.outs["adopted_mailboxes"] == ["info@box.com"]
    provider.delete(created.id, created.outs)
    assert list(account.mailboxes) == ["info@box.com"]  # the adopted one stays


def test_a_subdomain_created_before_the_crash_is_managed_as_created(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    account = CrashingAccount()
    account.add_domain("parent.com")
    account.die_on = ep.ADD_SUBDOMAIN
    provider, _rt = configured(SubdomainProvider(), account)
    props = {"subdomain": "sales", "domain": "parent.com"}
    with caplog.at_level("INFO"):
        created = crash_then_recover(provider.create, props, monkeypatch)
    assert account.made["subdomain sales.parent.com"] == 1
    assert created.outs["adopted"] is False
    assert "found sales.parent.com, created by the interrupted run of" in caplog.text
    provider.delete(created.id, created.outs)
    assert list(account.domains) == ["parent.com"]


def test_a_subdomain_without_a_record_is_still_adopted(monkeypatch: pytest.MonkeyPatch) -> None:
    account = CrashingAccount()
    account.add_domain("parent.com")
    account.die_on = ep.ADD_SUBDOMAIN
    provider, _rt = configured(SubdomainProvider(), account)
    props = {"subdomain": "sales", "domain": "parent.com"}
    other = URN.replace("order", "other")
    created = crash_then_recover(provider.create, props, monkeypatch, urn=other)
    assert created.outs["adopted"] is True
    provider.delete(created.id, created.outs)
    assert "sales.parent.com" in account.domains  # kept: not this resource's


FORWARDINGS = [
    (DomainForwardingProvider, ep.FORWARD_DOMAIN, "forward_to", "acme.com"),
    (EmailForwardingProvider, ep.FORWARD_EMAIL, "email_forward_to", "desk@acme.com"),
]


@pytest.mark.parametrize(("kind", "route", "field", "target"), FORWARDINGS, ids=["domain", "email"])
def test_a_forwarding_set_before_the_crash_is_managed_as_created(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    records: Path,
    kind: type[Any],
    route: Endpoint,
    field: str,
    target: str,
) -> None:
    account = CrashingAccount()
    domain_id = account.add_domain("box.com")
    account.die_on = route
    provider, _rt = configured(kind(), account)
    props = {"domain_id": domain_id, "forward_to": target}
    with caplog.at_level("INFO"):
        created = crash_then_recover(provider.create, props, monkeypatch)
    assert account.made[f"{field} {domain_id}"] == 1  # set once
    assert created.outs["adopted"] is False
    assert created.outs["previous_forward_to"] is None
    assert f"of domain {domain_id} to {target}, set by the interrupted run of" in caplog.text
    assert not list(records.rglob("*.json"))
    provider.delete(created.id, created.outs)  # removed: the stack set it
    assert not account.domains["box.com"][field]


@pytest.mark.parametrize(("kind", "route", "field", "target"), FORWARDINGS, ids=["domain", "email"])
def test_a_forwarding_without_a_record_is_still_adopted(
    monkeypatch: pytest.MonkeyPatch, kind: type[Any], route: Endpoint, field: str, target: str
) -> None:
    account = CrashingAccount()
    domain_id = account.add_domain("box.com")
    account.die_on = route
    provider, _rt = configured(kind(), account)
    props = {"domain_id": domain_id, "forward_to": target}
    other = URN.replace("order", "other")
    created = crash_then_recover(provider.create, props, monkeypatch, urn=other)
    assert created.outs["adopted"] is True
    provider.delete(created.id, created.outs)
    assert account.domains["box.com"][field] == target  # kept: not this resource's


def test_a_forwarding_that_replaced_another_target_is_not_recorded(
    monkeypatch: pytest.MonkeyPatch, records: Path
) -> None:
    """The earlier target is lost with the killed run: the next run could not put it back, so
    nothing is recorded and the forwarding is adopted (kept on delete) as before."""
    account = CrashingAccount()
    domain_id = account.add_domain("box.com")
    account.domains["box.com"]["forward_to"] = "old.com"
    account.die_on = ep.FORWARD_DOMAIN
    provider, _rt = configured(DomainForwardingProvider(), account)
    props = {"domain_id": domain_id, "forward_to": "acme.com"}
    with pytest.raises(Died), intents.handling(URN):
        provider.create(props)
    assert not list(records.rglob("*.json"))
    with intents.handling(URN):
        created = provider.create(props)
    assert created.outs["adopted"] is True
    assert account.made[f"forward_to {domain_id}"] == 1


def _claims(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The claim lines `core.intents` logged (its own logger only: a test earlier in the process
    may leave Pulumi's mock engine in place, which echoes `pulumi.log` to the root logger)."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "pulumi_inboxed.intents" and "interrupted run" in r.getMessage()
    ]

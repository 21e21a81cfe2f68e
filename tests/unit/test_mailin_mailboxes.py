"""SmtpMailboxes / GoogleMailboxes and Subdomain: verified deletes, adoption, tolerant refresh."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pulumi.output import Unknown

from pulumi_inboxed.core.lifecycle import DeleteNotConfirmedError
from pulumi_inboxed.mailin import MailinClient, mailboxes, subdomain
from pulumi_inboxed.mailin.mailboxes import GoogleMailboxesProvider, SmtpMailboxesProvider
from pulumi_inboxed.mailin.models import NewSmtpMailbox
from pulumi_inboxed.mailin.subdomain import SubdomainProvider
from pulumi_inboxed.sandbox import SandboxProcess

from .test_mailin_forwarding import Handler, fake_api, page

TOKEN = "mailin-sandbox-token"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxProcess]:
    with SandboxProcess(extra_args=["--mailin-job-seconds", "0.1"]) as process:
        yield process


def configured(kind: Any, sandbox: SandboxProcess) -> Any:
    provider = kind()
    provider._config = {
        "mailin:baseUrl": sandbox.mailin_url,
        "mailin:apiToken": TOKEN,
        "mailin:pollIntervalSeconds": "0.05",
    }
    return provider


def settle(check: Any) -> None:
    for _ in range(100):
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("the sandbox did not settle")


def bought(client: MailinClient, name: str, *, google: bool = False) -> int:
    job = client.buy_domains([name], google=google)
    settle(lambda: client.get_domain_job(job).status == "completed")
    found = client.find_domain(name, google=google)
    assert found is not None
    return found.id


def listed(client: MailinClient, username: str) -> bool:
    return any(m.username == username for m in client.list_mailboxes(username))


# adoption and verified deletes, against the sandbox ----------------------------------------
def test_adopted_mailboxes_stay_and_made_ones_go(sandbox: SandboxProcess) -> None:
    client = MailinClient(sandbox.mailin_url, token=TOKEN)
    bought(client, "boxes-adopt.com")
    job = client.create_smtp_mailboxes([NewSmtpMailbox(username="old@boxes-adopt.com", name="Old")])
    settle(lambda: client.get_mailbox_job(job).status == "completed")

    provider = configured(SmtpMailboxesProvider, sandbox)
    news = {
        "mailboxes": [
            {"username": "old@boxes-adopt.com", "name": "Old Renamed", "password": "Pass-1234"},
            {"username": "new@boxes-adopt.com", "name": "New"},
        ],
        "wait_timeout_seconds": 30,
    }
    checked = provider.check({}, news)
    assert checked.failures == []
    assert checked.inputs["destroy_adopted"] is False
    created = provider.create(checked.inputs)
    assert created.outs["adopted_mailboxes"] == ["old@boxes-adopt.com"]
    adopted = client.get_mailbox(created.outs["mailbox_ids"]["old@boxes-adopt.com"])
    assert (adopted.name, adopted.password) == ("Old Renamed", "Pass-1234")  # as declared
    read = provider.read(created.id, created.outs)
    assert not provider.diff(created.id, read.outs, checked.inputs).changes

    provider.delete(created.id, created.outs)
    assert listed(client, "old@boxes-adopt.com")  # existed before: left in the account
    assert not listed(client, "new@boxes-adopt.com")

    opted_in = provider.check({}, {**news, "destroy_adopted": True})
    created = provider.create(opted_in.inputs)
    assert created.outs["adopted_mailboxes"] == ["old@boxes-adopt.com"]
    provider.delete(created.id, created.outs)
    assert not listed(client, "old@boxes-adopt.com")


def test_removing_an_adopted_address_from_the_list_keeps_it(sandbox: SandboxProcess) -> None:
    client = MailinClient(sandbox.mailin_url, token=TOKEN)
    bought(client, "boxes-update.com")
    job = client.create_smtp_mailboxes([NewSmtpMailbox(username="kept@boxes-update.com", name="K")])
    settle(lambda: client.get_mailbox_job(job).status == "completed")
    provider = configured(SmtpMailboxesProvider, sandbox)
    both = {
        "mailboxes": [
            {"username": "kept@boxes-update.com", "name": "K"},
            {"username": "made@boxes-update.com", "name": "M"},
        ],
        "wait_timeout_seconds": 30,
    }
    created = provider.create(provider.check({}, both).inputs)
    only_made = provider.check({}, {**both, "mailboxes": both["mailboxes"][1:]}).inputs
    updated = provider.update(created.id, created.outs, only_made)
    assert listed(client, "kept@boxes-update.com")
    assert updated.outs["adopted_mailboxes"] == []
    assert set(updated.outs["records"]) == {"made@boxes-update.com"}
    provider.delete(created.id, updated.outs)
    assert not listed(client, "made@boxes-update.com")


def test_refresh_sees_names_signatures_and_forwarding_changed_elsewhere(
    sandbox: SandboxProcess,
) -> None:
    client = MailinClient(sandbox.mailin_url, token=TOKEN)
    bought(client, "boxes-drift.biz", google=True)
    provider = configured(GoogleMailboxesProvider, sandbox)
    news = {
        "mailboxes": [
            {
                "username": "ann@boxes-drift.biz",
                "first_name": "Ann",
                "last_name": "Lee",
                "signature": "Ann",
            }
        ],
        "wait_timeout_seconds": 30,
    }
    checked = provider.check({}, news).inputs
    created = provider.create(checked)
    assert created.outs["adopted_mailboxes"] == []
    mailbox_id = created.outs["mailbox_ids"]["ann@boxes-drift.biz"]
    assert not provider.diff(created.id, created.outs, checked).changes

    client.add_signature(mailbox_id, "changed elsewhere")
    client.setup_forwarding(mailbox_id, "Elsewhere@Agency.test")
    read = provider.read(created.id, created.outs)
    entry = read.outs["mailboxes"][0]
    assert entry["signature"] == "changed elsewhere"
    assert entry["forwarding_email"] == "elsewhere@agency.test"
    assert provider.diff(created.id, read.outs, checked).changes  # the next up puts it back
    updated = provider.update(created.id, read.outs, checked)
    assert client.get_mailbox(mailbox_id).signature == "Ann"
    assert not client.get_mailbox(mailbox_id).redirect_email
    provider.delete(created.id, updated.outs)
    assert not any(m.id == mailbox_id for m in client.list_mailboxes("ann@", google=True))


def test_check_and_diff_accept_unknown_addresses() -> None:
    provider = SmtpMailboxesProvider()
    news = {"mailboxes": [{"username": Unknown(), "name": "Sales"}], "destroy_adopted": False}
    assert provider.check({}, news).failures == []
    assert provider.diff("x", {"mailboxes": []}, news).changes


# replies no page shows: faked HTTP -------------------------------------------------------
MAILBOX = {"id": 31, "domain_id": 7, "name": "Sales", "username": "sales@acme.com", "status": 1}
STATE = {
    "mailboxes": [{"username": "sales@acme.com", "name": "Sales"}],
    "records": {"sales@acme.com": {"id": 31, "domain_id": 7, "name": "Sales", "active": True}},
    "adopted_mailboxes": [],
    "destroy_adopted": False,
}


def mailbox_routes(*, get_status: int = 200, delete_status: int = 200) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path.split("/public", 1)[1]
        if request.method == "GET" and path == "/mailboxes":
            return httpx.Response(200, json=page([MAILBOX]))
        if request.method == "GET" and path == "/mailboxes/31":
            return httpx.Response(get_status, json=MAILBOX if get_status == 200 else {})
        if request.method == "DELETE" and path == "/mailboxes/31":
            return httpx.Response(delete_status, json={"message": "Mailbox removed."})
        return httpx.Response(404, json={"message": "Not Found"})

    return handler


def test_mailbox_delete_404_while_the_list_still_shows_it_fails() -> None:
    provider = fake_api(SmtpMailboxesProvider(), mailbox_routes(delete_status=404))
    with pytest.raises(DeleteNotConfirmedError) as caught:
        provider.delete("sales@acme.com", dict(STATE))
    assert "sales@acme.com" in str(caught.value) and "DELETE /mailboxes/31" in str(caught.value)


def test_mailbox_delete_that_leaves_the_mailbox_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mailboxes, "DELETE_SETTLE_SECONDS", 0.3)
    provider = fake_api(SmtpMailboxesProvider(), mailbox_routes())
    with pytest.raises(DeleteNotConfirmedError, match="still there"):
        provider.delete("sales@acme.com", dict(STATE))


def test_refresh_keeps_a_mailbox_the_guessed_get_path_does_not_find() -> None:
    provider = fake_api(SmtpMailboxesProvider(), mailbox_routes(get_status=404))
    read = provider.read("sales@acme.com", dict(STATE))
    assert set(read.outs["records"]) == {"sales@acme.com"}


# Subdomain --------------------------------------------------------------------------------
def test_an_existing_subdomain_is_adopted_and_kept(sandbox: SandboxProcess) -> None:
    client = MailinClient(sandbox.mailin_url, token=TOKEN)
    bought(client, "sub-parent.com")
    client.add_subdomain("old", "sub-parent.com")  # made outside Pulumi
    provider = configured(SubdomainProvider, sandbox)

    adopted = provider.create(
        provider.check({}, {"subdomain": "Old", "domain": "sub-parent.com"}).inputs
    )
    assert adopted.outs["adopted"] is True
    provider.delete(adopted.id, adopted.outs)
    assert client.find_domain("old.sub-parent.com") is not None

    made = provider.create(
        provider.check({}, {"subdomain": "new", "domain": "sub-parent.com"}).inputs
    )
    assert made.outs["adopted"] is False
    assert provider.read(made.id, made.outs).id == made.id
    provider.delete(made.id, made.outs)
    assert client.find_domain("new.sub-parent.com") is None
    assert provider.read(made.id, made.outs).id == ""


def test_subdomain_delete_404_while_the_list_still_shows_it_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(subdomain, "DELETE_SETTLE_SECONDS", 0.3)
    entry = {"id": 9, "name": "new.acme.com", "main_domain": "acme.com", "status": "1"}

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path.split("/public", 1)[1]
        if request.method == "GET" and path in ("/domains", "/domains/list/google"):
            return httpx.Response(200, json=page([entry]))
        return httpx.Response(404, json={"message": "Not Found"})

    provider = fake_api(SubdomainProvider(), handler)
    outs = {"subdomain": "new", "domain": "acme.com", "fqdn": "new.acme.com", "adopted": False}
    with pytest.raises(DeleteNotConfirmedError, match="404"):
        provider.delete("9", outs)
    assert provider.read("9", outs).id == "9"  # refresh: the list shows it, the 404 is not gone

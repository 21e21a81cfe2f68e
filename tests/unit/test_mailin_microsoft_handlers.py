"""Mailin.ai InboxProvider, DomainRegistrar and AzureOrder handlers (check, diff, create, update,
read, delete) and the verification functions, against a real sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pulumi_inboxed.mailin import MailinClient
from pulumi_inboxed.mailin.accounts import DomainRegistrarProvider, InboxProviderProvider
from pulumi_inboxed.mailin.azure_order import AzureOrderProvider
from pulumi_inboxed.mailin.verification import (
    InsufficientCreditsError,
    download_results,
    verify_csv_file,
    verify_email,
    verify_emails,
)
from pulumi_inboxed.sandbox import SandboxProcess

TOKEN = "mailin-sandbox-token"
CREDITS = 30


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxProcess]:
    args = ["--mailin-azure-seconds", "0.3", "--mailin-verify-seconds", "0.2"]
    args += ["--mailin-upload-seconds", "100000", "--mailin-credits", str(CREDITS)]
    with SandboxProcess(extra_args=args, lifetime=300) as process:
        yield process


@pytest.fixture
def client(sandbox: SandboxProcess) -> MailinClient:
    sandbox.control.reset()
    return MailinClient(sandbox.mailin_url, token=TOKEN)


def configured(provider: Any, sandbox: SandboxProcess) -> Any:
    provider._config = {
        "mailin:baseUrl": sandbox.mailin_url,
        "mailin:apiToken": TOKEN,
        "mailin:pollIntervalSeconds": "0.1",
    }
    return provider


def failures(result: Any) -> list[str]:
    return [f"{f.property}: {f.reason}" for f in result.failures]


def manual(domain: str, count: int = 100) -> list[dict[str, str]]:
    return [{"name": f"User {i}", "email": f"User{i}@{domain}"} for i in range(count)]


# InboxProvider and DomainRegistrar ------------------------------------------------------------


def test_each_providers_required_fields_are_checked_at_preview() -> None:
    registrar = DomainRegistrarProvider()
    news = {"name": "NC", "provider": "namecheap", "api_key": "k", "whitelisted_ip": "1.2.3"}
    assert failures(registrar.check({}, news)) == [
        "api_user: is required for namecheap",
        "username: is required for namecheap",
        "whitelisted_ip: '1.2.3' is not an IP address",
    ]
    inbox = InboxProviderProvider()
    assert failures(inbox.check({}, {"name": "P", "provider": "plusvibe", "api_key": "k"})) == [
        "workspace_id: is required for plusvibe"
    ]
    news = {"name": "S", "provider": "smartlead", "api_key": "k", "oauth_url": "not a url"}
    assert failures(inbox.check({}, news)) == ["oauth_url: 'not a url' is not an http(s) URL"]
    assert failures(inbox.check({}, {"name": "", "provider": "gmail"})) == [
        "name: is required",
        "provider: 'gmail' is not one of reachinbox, plusvibe, instantly, manyreach, smartlead",
    ]
    checked = inbox.check(
        {}, {"name": "I", "provider": "instantly", "api_key": "k", "username": " "}
    )
    assert failures(checked) == [] and checked.inputs["username"] is None


def test_a_name_change_replaces_other_changes_are_in_place() -> None:
    inbox = InboxProviderProvider()
    olds = {"name": "A", "provider": "instantly", "api_key": "k1"}
    changed_key = inbox.diff("1", olds, {**olds, "api_key": "k2"})
    assert changed_key.changes and changed_key.replaces == []
    kind = inbox.diff("1", olds, {**olds, "provider": "reachinbox"})
    assert kind.changes and kind.replaces == []
    assert inbox.diff("1", olds, {**olds, "name": "B"}).replaces == ["name"]
    assert not inbox.diff("1", olds, dict(olds)).changes


def test_inbox_provider_lifecycle_never_reads_keys_back(
    sandbox: SandboxProcess, client: MailinClient
) -> None:
    provider = configured(InboxProviderProvider(), sandbox)
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
    provider.delete(created.id, moved)
    assert pid not in {p.id for p in client.list_inbox_providers()}
    assert provider.read(created.id, moved).id == ""  # gone: refresh drops it
    provider.delete(created.id, moved)  # deleting twice is fine


def test_a_retried_registrar_create_adopts_the_entry_instead_of_adding_twice(
    sandbox: SandboxProcess, client: MailinClient
) -> None:
    provider = configured(DomainRegistrarProvider(), sandbox)
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


# AzureOrder -----------------------------------------------------------------------------------


def test_manual_orders_fail_at_preview_naming_the_count_or_the_entry() -> None:
    provider = AzureOrderProvider()
    base = {"domain": "acme-ms.com", "mailbox_mode": "manual"}
    assert failures(provider.check({}, {**base, "mailboxes": manual("acme-ms.com", 99)})) == [
        "mailboxes: has 99 mailboxes; manual mode needs exactly 100"
    ]
    boxes = manual("acme-ms.com")
    boxes[42]["email"] = "user42@other.com"
    assert failures(provider.check({}, {**base, "mailboxes": boxes})) == [
        "mailboxes[42].email: 'user42@other.com' is not on acme-ms.com"
    ]
    boxes = manual("acme-ms.com")
    boxes[9]["email"] = "user3@acme-ms.com"
    assert failures(provider.check({}, {**base, "mailboxes": boxes})) == [
        "mailboxes[9].email: 'user3@acme-ms.com' appears twice"
    ]
    checked = provider.check({}, {**base, "mailboxes": manual("ACME-ms.com")})
    assert failures(checked) == []
    assert checked.inputs["mailboxes"][0] == {"name": "User 0", "email": "user0@acme-ms.com"}
    assert checked.inputs["is_purchase"] is True and checked.inputs["wait_timeout_seconds"] == 1800


def test_other_order_inputs_are_checked_at_preview() -> None:
    provider = AzureOrderProvider()
    bought = {"domain": "acme-ms.io", "mailbox_mode": "auto", "full_names": ["A B"]}
    assert failures(provider.check({}, bought)) == [
        "domain: 'acme-ms.io' cannot be bought: give <name>.com, .co, .biz or .ca "
        "(or is_purchase=False to transfer)"
    ]
    assert failures(provider.check({}, {**bought, "is_purchase": False})) == []
    news = {
        "domain": "acme-ms.com",
        "mailbox_mode": "auto",
        "full_names": [],
        "inbox_provider_id": "x",
        "master_domain": "bad domain",
        "wait_timeout_seconds": -1,
    }
    got = failures(provider.check({}, news))
    assert len(got) == 4 and got[2].startswith("master_domain: 'bad domain' ")
    assert [got[0], got[1], got[3]] == [
        "wait_timeout_seconds: must be a number of seconds, 0 or more",
        "inbox_provider_id: 'x' is not an id",
        "full_names: auto mode needs at least one full name",
    ]
    assert failures(provider.check({}, {"domain": "a.com", "mailbox_mode": "semi"})) == [
        "mailbox_mode: 'semi' is not auto or manual"
    ]


def test_order_diff_in_place_and_replacements() -> None:
    provider = AzureOrderProvider()
    olds: dict[str, Any] = {
        "domain": "a.com",
        "mailbox_mode": "manual",
        "mailboxes": manual("a.com"),
        "inbox_provider_id": 1,
        "master_domain": None,
        "reupload_trigger": None,
    }
    for key, value in (
        ("inbox_provider_id", 2),
        ("master_domain", "m.com"),
        ("reupload_trigger", "1"),
    ):
        result = provider.diff("4", olds, {**olds, key: value})
        assert result.changes and result.replaces == [], key
    same_domain = provider.diff("4", olds, {**olds, "mailboxes": manual("a.com")[::-1]})
    assert same_domain.replaces == ["mailboxes"] and same_domain.delete_before_replace
    other_domain = provider.diff(
        "4", olds, {**olds, "domain": "b.com", "mailboxes": manual("b.com")}
    )
    assert other_domain.replaces == ["domain", "mailboxes"]
    assert not other_domain.delete_before_replace


def test_order_lifecycle(sandbox: SandboxProcess, client: MailinClient) -> None:
    first = client.add_inbox_provider({"name": "A", "provider": "instantly", "api_key": "k"})
    second = client.add_inbox_provider({"name": "B", "provider": "instantly", "api_key": "k"})
    provider = configured(AzureOrderProvider(), sandbox)
    news = {
        "domain": "life-ms.com",
        "mailbox_mode": "manual",
        "mailboxes": manual("life-ms.com"),
        "inbox_provider_id": first,
        "master_domain": "main.com",
        "wait_timeout_seconds": 60,
    }
    inputs = provider.check({}, news).inputs
    created = provider.create(inputs)
    outs = created.outs
    assert outs["status"] == "ready" and len(outs["nameservers"]) == 4
    assert len(outs["order_mailboxes"]) == 100 and outs["order_mailboxes"][0]["password"]
    assert outs["upload_status"]["total"] == 100 and outs["upload_status"]["pending"] == 100
    order = client.get_azure_order(int(created.id))
    assert order is not None and order.forward_to == "main.com" and order.provider_id == first
    # a retried create adopts the order instead of ordering again
    assert provider.create(inputs).id == created.id

    assert provider.create(inputs).outs["adopted"] is True and outs["adopted"] is False

    moved = {
        **inputs,
        "inbox_provider_id": second,
        "master_domain": "b.com",
        "reupload_trigger": "1",
    }
    sandbox.control.mailin_finish_upload(int(created.id))
    updated = provider.update(created.id, outs, moved).outs
    assert updated["upload_status"]["pending"] == 100  # started over for the new provider
    order = client.get_azure_order(int(created.id))
    assert order is not None and order.provider_id == second and order.forward_to == "b.com"
    assert sandbox.control.mailin_azure_order(int(created.id))["reuploads"] == 1

    # drift: the provider removed outside Pulumi shows on refresh
    client.remove_azure_inbox_provider(int(created.id))
    read = provider.read(created.id, updated)
    assert read.outs["inbox_provider_id"] is None and read.outs["upload_status"] is None
    provider.delete(created.id, updated)
    assert client.find_azure_order("life-ms.com") is None
    assert provider.read(created.id, updated).id == ""


def test_removing_the_master_domain_sends_no_null_and_says_what_stays(
    sandbox: SandboxProcess, client: MailinClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 11, defect 10: the page's set-redirect-domain takes a domain and nothing removes
    one; the update used to send ``forward_to: null``, which an API requiring it answers 422."""
    warnings: list[str] = []
    monkeypatch.setattr("pulumi.log.warn", lambda message, *a, **k: warnings.append(message))
    provider = configured(AzureOrderProvider(), sandbox)
    news = {"domain": "master-ms.com", "mailbox_mode": "auto", "full_names": ["Ann Lee"]}
    inputs = provider.check({}, {**news, "master_domain": "main.com"}).inputs
    created = provider.create(inputs)
    removed = provider.check(inputs, {**news, "master_domain": None}).inputs
    assert provider.diff(created.id, created.outs, removed).changes
    updated = provider.update(created.id, created.outs, removed).outs  # no 422
    assert updated["master_domain"] is None and updated["master_domain_left"] == "main.com"
    assert "no way to remove a master domain" in warnings[-1] and "main.com" in warnings[-1]
    order = client.get_azure_order(int(created.id))
    assert order is not None and order.forward_to == "main.com"  # what the API keeps
    # a refresh does not bring the kept master domain back as drift: no change after it
    read = provider.read(created.id, updated).outs
    assert read["master_domain"] is None
    assert not provider.diff(created.id, read, removed).changes
    # setting one again is an ordinary set; a change made elsewhere is drift
    again = provider.update(created.id, read, {**removed, "master_domain": "new.com"}).outs
    assert again["master_domain"] == "new.com" and again["master_domain_left"] is None
    client.set_azure_master_domain(int(created.id), "elsewhere.com")
    assert provider.read(created.id, again).outs["master_domain"] == "elsewhere.com"
    provider.delete(created.id, again)


def test_a_late_order_is_recorded_with_a_warning(
    sandbox: SandboxProcess, client: MailinClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    warnings: list[str] = []
    monkeypatch.setattr("pulumi.log.warn", lambda message, *a, **k: warnings.append(message))
    sandbox.control.update_settings(mailin_azure_seconds=1000)
    try:
        provider = configured(AzureOrderProvider(), sandbox)
        news = {"domain": "late-ms.com", "mailbox_mode": "auto", "full_names": ["Ann Lee"]}
        created = provider.create({**provider.check({}, news).inputs, "wait_timeout_seconds": 0.3})
    finally:
        sandbox.control.update_settings(mailin_azure_seconds=0.3)
    assert created.outs["status"] == "in_progress" and created.outs["nameservers"] == []
    assert "is 'in_progress', not ready within wait_timeout_seconds" in warnings[0]


# Verification ---------------------------------------------------------------------------------


def test_verify_emails_sums_tasks_and_debits_unique_addresses(client: MailinClient) -> None:
    addresses = ["a@x.com", "A@x.com", "bad.b@x.com", "c@catchall.io", "d@x.com"]
    summary = verify_emails(addresses, timeout=30, poll_interval=0.05, client=client)
    assert summary.total == 4 and len(summary.task_ids) == 1
    assert summary.counts["deliverable"] == 2 and summary.counts["invalid"] == 1
    assert summary.counts["catch_all"] == 1
    assert client.get_credits() == CREDITS - 4
    csv_text = download_results(summary.task_ids, "deliverable", client=client)
    assert csv_text.decode().splitlines()[1:] == ["a@x.com,deliverable", "d@x.com,deliverable"]


def test_a_verification_beyond_the_credits_fails_before_starting(client: MailinClient) -> None:
    addresses = [f"user{i}@x.com" for i in range(CREDITS + 1)]
    with pytest.raises(InsufficientCreditsError) as caught:
        verify_emails(addresses, client=client)
    assert str(caught.value) == (
        f"this verification needs {CREDITS + 1} credits, but the account has {CREDITS} left"
    )
    assert client.get_credits() == CREDITS
    assert [e.reason for e in client.credit_history()] == ["Purchased credits"]


def test_csv_files_and_single_addresses(client: MailinClient) -> None:
    content = b"name,email\nAnn,ann@x.com\nBob,risky.bob@x.com\n"
    summary = verify_csv_file("people.csv", content, timeout=30, poll_interval=0.05, client=client)
    assert summary.total == 2 and summary.counts["unknown"] == 1
    result = verify_email("me@x.com", timeout=30, poll_interval=0.05, client=client)
    assert (result.status, result.result) == ("success", "deliverable")
    assert client.get_credits() == CREDITS - 3

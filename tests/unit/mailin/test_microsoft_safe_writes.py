"""Safe retry of the Mailin.ai Microsoft section's and verification's writes (issue 19): for each
kind of write, (a) it took effect but its answer was lost, (b) it failed before acting, (c) it
failed three times, then succeeded. Each makes exactly one object, recorded as made (not
adopted); a verification whose start may have been paid for is never sent again."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_inboxed.core.safe_write import WriteNotConfirmedError, WritePolicy
from pulumi_inboxed.mailin import endpoints as ep
from pulumi_inboxed.mailin.azure_order import AzureOrderProvider
from pulumi_inboxed.mailin.delegated_credentials import (
    DomainRegistrarProvider,
    InboxProviderProvider,
)
from pulumi_inboxed.mailin.runtime import MailinRuntime
from pulumi_inboxed.mailin.verification import (
    VerificationNotConfirmedError,
    verify_csv_file,
    verify_email,
    verify_emails,
)

from .fake_microsoft import FakeMailin

VERIFICATIONS = (ep.VERIFY_BULK_EMAILS, ep.VERIFY_BULK_FILE, ep.VERIFY_SINGLE_EMAIL)

FAST = WritePolicy(attempts=5, initial_wait=0.0, max_wait=0.0)
# (a) took effect, answer lost; (b) failed before acting; (c) three failures, then success
CASES = {
    "lost-reply": ("lost",),
    "lost-reply-502": ("lost-502",),
    "failed-before-acting": ("502",),
    "three-failures": ("drop", "503", "500"),
}
# how many times the write is sent in each case: never again once it took effect
SENDS = {"lost-reply": 1, "lost-reply-502": 1, "failed-before-acting": 2, "three-failures": 4}


def azure_provider(fake: FakeMailin, monkeypatch: pytest.MonkeyPatch) -> AzureOrderProvider:
    provider = AzureOrderProvider()
    runtime = MailinRuntime(fake.client(), poll_interval=0.01)
    monkeypatch.setattr(provider, "_runtime", lambda _props: runtime)
    monkeypatch.setattr(provider, "write_policy", FAST)
    return provider


ORDER = {"domain": "safe-ms.com", "mailbox_mode": "auto", "full_names": ["Ann Lee"]}


@pytest.mark.parametrize("case", CASES)
def test_an_azure_order_is_placed_once(monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    fake = FakeMailin()
    fake.fail(ep.ADD_AZURE_ORDER, *CASES[case])
    provider = azure_provider(fake, monkeypatch)
    created = provider.create(provider.check({}, {**ORDER, "wait_timeout_seconds": 5}).inputs)
    assert [o["domain"] for o in fake.orders] == ["safe-ms.com"]  # one order, never two
    assert fake.sent(ep.ADD_AZURE_ORDER) == SENDS[case]
    assert created.id == str(fake.orders[0]["id"])
    assert created.outs["adopted"] is False  # this create's own order: destroy deletes it
    assert created.outs["status"] == "ready" and created.outs["nameservers"]


def test_an_order_the_list_shows_late_is_found_after_mailin_refuses_a_second(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The answer is lost and the list does not show the order yet: the order is sent again,
    Mailin.ai refuses a second order for the domain (422), and the list is read once more."""
    fake = FakeMailin(refuse_duplicate_orders=True)
    fake.fail(ep.ADD_AZURE_ORDER, "lost")
    provider = azure_provider(fake, monkeypatch)
    inputs = provider.check({}, ORDER).inputs
    fake.stale_order_lists = 2  # the create's own look first, then the read-back after the loss
    created = provider.create(inputs)
    assert len(fake.orders) == 1 and fake.sent(ep.ADD_AZURE_ORDER) == 2
    assert created.id == str(fake.orders[0]["id"]) and created.outs["adopted"] is False


def test_an_azure_order_that_never_goes_through_fails_naming_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = FakeMailin()
    fake.fail(ep.ADD_AZURE_ORDER, *["502"] * 5)
    provider = azure_provider(fake, monkeypatch)
    with pytest.raises(WriteNotConfirmedError) as caught:
        provider.create(provider.check({}, ORDER).inputs)
    assert "Mailin.ai Azure order for safe-ms.com: failed 5 times" in str(caught.value)
    assert fake.orders == [] and fake.sent(ep.ADD_AZURE_ORDER) == 5


@pytest.mark.parametrize("case", CASES)
def test_the_inbox_provider_and_master_domain_of_an_order_are_set_once(
    monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    """Both are POSTs the HTTP layer does not send twice: confirmed from the order list."""
    fake = FakeMailin()
    fake.providers.append({"id": 7, "name": "SL", "provider": "smartlead"})
    provider = azure_provider(fake, monkeypatch)
    created = provider.create(provider.check({}, ORDER).inputs)
    order_id = int(created.id)
    fake.fail(ep.SET_AZURE_INBOX_PROVIDER, *CASES[case], order_id=str(order_id))
    fake.fail(ep.SET_AZURE_MASTER_DOMAIN, *CASES[case], order_id=str(order_id))
    news = {**created.outs, "inbox_provider_id": 7, "master_domain": "main.com"}
    updated = provider.update(created.id, created.outs, news).outs
    assert (fake.orders[0]["provider_id"], fake.orders[0]["forward_to"]) == (7, "main.com")
    assert fake.sent(ep.SET_AZURE_INBOX_PROVIDER, order_id=str(order_id)) == SENDS[case]
    assert fake.sent(ep.SET_AZURE_MASTER_DOMAIN, order_id=str(order_id)) == SENDS[case]
    assert updated["inbox_provider_id"] == 7 and updated["master_domain"] == "main.com"
    fake.fail(ep.REMOVE_AZURE_INBOX_PROVIDER, *CASES[case], order_id=str(order_id))
    removed = provider.update(created.id, updated, {**updated, "inbox_provider_id": None}).outs
    assert fake.orders[0]["provider_id"] is None and removed["inbox_provider_id"] is None
    assert fake.sent(ep.REMOVE_AZURE_INBOX_PROVIDER, order_id=str(order_id)) == SENDS[case]


def test_a_master_domain_the_list_does_not_show_is_set_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An order list without `forward_to` cannot tell: setting the same value again is
    harmless, and the update goes through."""
    fake = FakeMailin(show_forward_to=False)
    provider = azure_provider(fake, monkeypatch)
    created = provider.create(provider.check({}, ORDER).inputs)
    fake.fail(ep.SET_AZURE_MASTER_DOMAIN, "lost", order_id=created.id)
    news = {**created.outs, "master_domain": "main.com"}
    assert provider.update(created.id, created.outs, news).outs["master_domain"] == "main.com"
    assert fake.orders[0]["forward_to"] == "main.com"
    assert fake.sent(ep.SET_AZURE_MASTER_DOMAIN, order_id=created.id) == 2


def test_a_reupload_that_failed_is_triggered_again(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeMailin()
    provider = azure_provider(fake, monkeypatch)
    created = provider.create(provider.check({}, ORDER).inputs)
    fake.fail(ep.TRIGGER_AZURE_REUPLOAD, "drop", "503", order_id=created.id)
    provider.update(created.id, created.outs, {**created.outs, "reupload_trigger": "1"})
    assert fake.reuploads[int(created.id)] == 1


INBOX = {"name": "SL", "provider": "smartlead", "api_key": "KEY-1", "oauth_url": "https://o.io"}
REGISTRAR = {"name": "PB", "provider": "porkbun", "api_key": "K", "secret_api_key": "S"}
ACCOUNT_KINDS = {
    "inbox-provider": (InboxProviderProvider, INBOX, ep.ADD_INBOX_PROVIDER, "providers"),
    "registrar": (DomainRegistrarProvider, REGISTRAR, ep.ADD_DOMAIN_REGISTRAR, "registrars"),
}


@pytest.mark.parametrize("kind", ACCOUNT_KINDS)
@pytest.mark.parametrize("case", CASES)
def test_an_inbox_provider_or_registrar_is_added_once(
    monkeypatch: pytest.MonkeyPatch, kind: str, case: str
) -> None:
    cls, inputs, endpoint, listed = ACCOUNT_KINDS[kind]
    fake = FakeMailin()
    fake.fail(endpoint, *CASES[case])
    provider: Any = cls()
    client = fake.client()
    monkeypatch.setattr(provider, "_client", lambda _props: client)
    monkeypatch.setattr(provider, "write_policy", FAST)
    created = provider.create(provider.check({}, inputs).inputs)
    made = getattr(fake, listed)
    assert [(e["provider"], e["name"]) for e in made] == [(inputs["provider"], inputs["name"])]
    assert fake.sent(endpoint) == SENDS[case]
    assert created.id == str(made[0]["id"]) and created.outs["adopted"] is False


# verification: a start costs credits, and Mailin.ai lists no tasks --------------------------


@pytest.mark.parametrize("case", ["failed-before-acting", "three-failures"])
def test_a_verification_that_did_not_start_is_sent_again_and_paid_once(case: str) -> None:
    fake = FakeMailin(credits=100)
    for endpoint in VERIFICATIONS:
        fake.fail(endpoint, *CASES[case])
    client = fake.client()
    summary = verify_emails(["a@x.com", "b@x.com"], client=client, write_policy=FAST)
    assert summary.total == 2 and len(summary.task_ids) == 1
    summary = verify_csv_file("e.csv", b"email\nc@x.com\n", client=client, write_policy=FAST)
    assert summary.total == 1
    assert verify_email("d@x.com", client=client, write_policy=FAST).result == "deliverable"
    assert len(fake.tasks) == 3 and fake.credits == 100 - 4  # one task each, paid once
    for endpoint in VERIFICATIONS:
        assert fake.sent(endpoint) == SENDS[case]


@pytest.mark.parametrize("case", ["lost-reply", "lost-reply-502"])
@pytest.mark.parametrize("kind", ["emails", "file", "single"])
def test_a_verification_that_started_unseen_is_never_sent_again(case: str, kind: str) -> None:
    fake = FakeMailin(credits=100)
    client = fake.client()
    endpoint = {"emails": ep.VERIFY_BULK_EMAILS, "file": ep.VERIFY_BULK_FILE}.get(
        kind, ep.VERIFY_SINGLE_EMAIL
    )
    fake.fail(endpoint, *CASES[case])
    with pytest.raises(VerificationNotConfirmedError) as caught:
        if kind == "emails":
            verify_emails(["a@x.com", "b@x.com"], client=client, write_policy=FAST)
        elif kind == "file":
            verify_csv_file("e.csv", b"email\na@x.com\nb@x.com\n", client=client, write_policy=FAST)
        else:
            verify_email("a@x.com", client=client, write_policy=FAST)
    assert len(fake.tasks) == 1 and fake.sent(endpoint) == 1  # started once, not re-sent
    message = str(caught.value)
    assert f"Mailin.ai: POST {endpoint.path}" in message and "not sent again" in message
    assert "credit history" in message and "'Bulk verification started'" in message


def test_a_lost_batch_names_the_tasks_that_did_start() -> None:
    fake = FakeMailin(credits=2000)
    fake.fail(ep.VERIFY_BULK_EMAILS, "ok", "lost")  # the second batch starts unseen
    addresses = [f"user{i}@x.com" for i in range(700)]
    with pytest.raises(VerificationNotConfirmedError) as caught:
        verify_emails(addresses, client=fake.client(), write_policy=FAST)
    first, _lost = fake.tasks  # two batches, each started once
    assert caught.value.started == [first] and fake.sent(ep.VERIFY_BULK_EMAILS) == 2
    message = str(caught.value)
    assert "addresses 501-700 of 700" in message and first in message
    assert fake.credits == 2000 - 700


def test_the_error_names_a_named_account() -> None:
    error = VerificationNotConfirmedError("POST /verify-single-email", "ReadError", [], [], "acme")
    assert str(error).startswith("Mailin.ai account 'acme': POST /verify-single-email failed")

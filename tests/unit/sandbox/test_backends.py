"""Each API's sandbox backend driven without HTTP: a create, a list, a status timer, an error.

The backends work on a ``SandboxStore`` in a temporary directory, with settings and a clock the
test holds; ``acting_as`` picks the account they act on (``default`` otherwise). Errors are one
``SandboxApiError``, which each API's ``errors.render`` turns into that API's own shape.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_inboxed.sandbox import SandboxAccount, SandboxSettings
from pulumi_inboxed.sandbox.errors import SandboxApiError
from pulumi_inboxed.sandbox.inboxedup import errors as inboxedup_errors
from pulumi_inboxed.sandbox.inboxedup.lifecycle import domain_status
from pulumi_inboxed.sandbox.inboxedup.models import InboxedUpBackend
from pulumi_inboxed.sandbox.inboxedup.validation import parse_mailbox_request
from pulumi_inboxed.sandbox.mailchannels import errors as mailchannels_errors
from pulumi_inboxed.sandbox.mailchannels.models import CREATED, MailChannelsBackend
from pulumi_inboxed.sandbox.mailin import errors as mailin_errors
from pulumi_inboxed.sandbox.mailin.models import MailinBackend
from pulumi_inboxed.sandbox.mailin.models_accounts import INBOX_PROVIDER, REGISTRAR
from pulumi_inboxed.sandbox.mailin.validation_azure import AzureOrderRequest
from pulumi_inboxed.sandbox.pingram import errors as pingram_errors
from pulumi_inboxed.sandbox.pingram.models import PingramBackend, status_of
from pulumi_inboxed.sandbox.store import SandboxStore
from pulumi_inboxed.sandbox.tenants import acting_as

START = 1_800_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings() -> SandboxSettings:
    return SandboxSettings(
        queued_seconds=10.0,
        pending_ns_seconds=20.0,
        pingram_verify_seconds=5.0,
        mailin_job_seconds=3.0,
        mailchannels_domain_limit=2,
        accounts={"other": SandboxAccount(inboxedup_tokens=["iu-other"])},
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SandboxStore]:
    state = SandboxStore(tmp_path / "state.db", now=START)
    yield state
    state.close()


def body(response: object) -> object:
    return json.loads(getattr(response, "body"))  # noqa: B009 (a JSONResponse)


def test_inboxedup_backend(store: SandboxStore, settings: SandboxSettings, clock: Clock) -> None:
    backend = InboxedUpBackend(store.inboxedup, lambda: settings, clock)
    submitted = backend.submit_domains(["one.com", "fail-two.com"])
    assert [row.name for row in submitted.added] == ["one.com", "fail-two.com"]
    assert backend.submit_domains(["one.com"]).rejected == [("one.com", submitted.added[0].id)]
    assert [row.name for row in backend.list_domains()] == ["one.com", "fail-two.com"]
    assert [row.name for row in backend.batch(submitted.batch_id)] == ["one.com", "fail-two.com"]
    one = submitted.added[0].id
    # The timers: QUEUED, PENDING_NS after 10 s, ACTIVE after 20 s more; a fail- name FAILED.
    assert domain_status(backend.get_domain(one), clock()) == "QUEUED"
    clock.now += 10.5
    assert domain_status(backend.get_domain(one), clock()) == "PENDING_NS"
    request = {"domain": "one.com", "type": "SMTP", "mailboxes": []}
    with pytest.raises(SandboxApiError) as early:
        backend.request_mailboxes(parse_mailbox_request(request))
    assert early.value.status in (400, 422)
    check = backend.verify_ns(one)  # nameservers found: ACTIVE now, before its timer
    assert check.verified and domain_status(check.row, clock()) == "ACTIVE"
    assert domain_status(submitted.added[1], clock.now + 30) == "FAILED"
    # Another account sees none of it.
    with acting_as("other"):
        assert backend.list_domains() == []
        with pytest.raises(SandboxApiError) as hidden:
            backend.get_domain(one)
        assert hidden.value.status == 404
    backend.remove_domain(one)
    with pytest.raises(SandboxApiError) as gone:
        backend.remove_domain(one)
    assert gone.value.status == 404
    rendered = body(inboxedup_errors.render(gone.value))
    assert rendered == {
        "success": False,
        "error": {
            "code": "NOT_FOUND",
            "message": f"Domain {one} not found",
            "details": {"id": one},
        },
    }


def test_mailin_backend(store: SandboxStore, settings: SandboxSettings, clock: Clock) -> None:
    backend = MailinBackend(store.mailin, lambda: settings, clock)
    issued = backend.login(settings.mailin_email.upper(), settings.mailin_password, "tests")
    assert issued.account == "default"
    assert backend.issued_token_owner(issued.token) == "default"
    assert backend.issued_token_owner(issued.token.split("|")[0] + "|" + "x" * 40) is None
    assert backend.live_tokens() == 1
    with acting_as("other"):
        assert backend.live_tokens() == 0
    # A job created now is done after mailin_job_seconds (scaled).
    assert backend.job_deadline(clock()) == START + 3.0
    settings.time_scale = 0.5
    assert backend.job_deadline(clock()) == START + 1.5
    assert backend.purchases() == {}
    assert backend.logout(issued.token)
    assert backend.issued_token_owner(issued.token) is None
    assert not backend.logout("mailin-sandbox-token")  # a configured token is not revocable
    # Domains: a buy is a job; the domain is active when the job is done (1.5 s at this scale).
    job = backend.domains.buy(["bought.com"], ["domain_name"], "smtp", single=True)
    (row,) = backend.domains.listed()
    assert row.name == "bought.com" and row.active_at == job.done_at == START + 1.5
    assert backend.domains.job(job.id).domain_ids == (row.id,)
    assert backend.purchases() == {"bought.com": 1}
    with pytest.raises(SandboxApiError) as again:
        backend.domains.buy(["bought.com"], ["domain_name"], "smtp", single=True)
    assert body(mailin_errors.render(again.value)) == {
        "message": "Domain already exists in your account.",
        "errors": {"domain_name": ["The domain bought.com already exists in your account."]},
    }
    with pytest.raises(SandboxApiError) as taken:
        backend.domains.buy(["taken-x.com"], ["domain_name"], "smtp", single=True)
    assert taken.value.details == {"unavailable": {"domain": "taken-x.com"}}
    with acting_as("other"):
        assert backend.domains.listed() == []
    with pytest.raises(SandboxApiError) as refused:
        backend.login(settings.mailin_email, "wrong", "tests")
    assert refused.value.status == 422
    assert body(mailin_errors.render(refused.value)) == {
        "message": "The provided credentials are incorrect.",
        "errors": {"email": ["The provided credentials are incorrect."]},
    }


def test_mailin_mailboxes_backend(
    store: SandboxStore, settings: SandboxSettings, clock: Clock
) -> None:
    backend = MailinBackend(store.mailin, lambda: settings, clock)
    backend.domains.buy(["shop.com"], ["domain_name"], "smtp", single=True)
    backend.domains.buy(["gshop.com"], ["domain_name"], "google", single=True)
    mailboxes = backend.mailboxes
    job = mailboxes.create("smtp", [{"username": "Ann@Shop.com", "name": "Ann Lee"}])
    (shown,) = mailboxes.listed()
    assert (shown.row.username, shown.domain_name) == ("ann@shop.com", "shop.com")
    assert shown.row.password and shown.row.app_password  # generated at once
    # The job timer: active when the job is done (mailin_job_seconds), as the job says.
    assert shown.row.active_at == job.done_at == START + 3.0
    done, created = mailboxes.job(job.id)
    assert done.id == job.id and [item.row.id for item in created] == [shown.row.id]
    google_job = mailboxes.create(
        "google", [{"username": "bo@gshop.com", "first_name": "Bo", "last_name": "Ek"}]
    )
    (google,) = mailboxes.job(google_job.id)[1]
    mailboxes.rename(google.row.id, " Mary Ann Smith ")
    renamed = mailboxes.get(google.row.id)
    assert (renamed.first_name, renamed.last_name) == ("Mary", "Ann Smith")
    assert len(mailboxes.totp(google.row.id)[0]) == 6
    # The rules the backend enforces itself, without a route: each username's domain is the
    # account's and of the right kind, a username is taken once, all or none.
    with pytest.raises(SandboxApiError) as wrong_kind:
        mailboxes.create(
            "smtp",
            [{"username": "new@shop.com", "name": "New"}, {"username": "x@gshop.com", "name": "X"}],
        )
    assert wrong_kind.value.status == 422
    assert wrong_kind.value.details["errors"] == {
        "mailboxes.1.username": [
            "The domain gshop.com is a Google domain: create its mailboxes with "
            "/mailboxes/add/google."
        ]
    }
    with pytest.raises(SandboxApiError) as taken:
        mailboxes.create("smtp", [{"username": "ann@shop.com", "name": "Again"}])
    assert body(mailin_errors.render(taken.value)) == {
        "message": "The mailboxes.0.username has already been taken.",
        "errors": {"mailboxes.0.username": ["The mailboxes.0.username has already been taken."]},
    }
    assert [item.row.username for item in mailboxes.listed()] == ["ann@shop.com", "bo@gshop.com"]
    with pytest.raises(SandboxApiError) as smtp_only:
        mailboxes.totp(shown.row.id)
    assert smtp_only.value.status == 422
    assert smtp_only.value.message.startswith("This action is allowed only for mailboxes")
    with pytest.raises(SandboxApiError) as no_forwarding:
        mailboxes.set_forwarding(google.row.id, None, existing=True)
    assert no_forwarding.value.message == "No forwarding is set up for this mailbox."
    with acting_as("other"):
        assert mailboxes.listed() == []
        with pytest.raises(SandboxApiError) as hidden:
            mailboxes.get(shown.row.id)
        assert hidden.value.status == 404
    mailboxes.delete(shown.row.id)
    with pytest.raises(SandboxApiError) as gone:
        mailboxes.delete(shown.row.id)
    assert body(mailin_errors.render(gone.value)) == {"message": "Mailbox not found."}


def test_mailin_accounts_backend(
    store: SandboxStore, settings: SandboxSettings, clock: Clock
) -> None:
    accounts = MailinBackend(store.mailin, lambda: settings, clock).accounts
    added = accounts.add(INBOX_PROVIDER, " Main ", "instantly", {"api_key": "k-1"})
    registrar = accounts.add(REGISTRAR, "Reg", "namecheap", {"api_user": "u"})
    assert [row.name for row in accounts.listed(INBOX_PROVIDER)] == ["Main"]
    assert set(accounts.by_id()) == {added.id, registrar.id}  # one id space for both kinds
    clock.now += 1
    updated = accounts.update(INBOX_PROVIDER, added.id, None, {"api_key": "k-2"})
    assert updated.provider == "instantly" and updated.fields == {"api_key": "k-2"}
    assert updated.updated_at == START + 1
    # A registrar's id is no inbox provider: 404 in the kind's own words.
    with pytest.raises(SandboxApiError) as other_kind:
        accounts.get(INBOX_PROVIDER, registrar.id)
    assert body(mailin_errors.render(other_kind.value)) == {"message": "Provider not found."}
    with acting_as("other"):
        assert accounts.listed(INBOX_PROVIDER) == []
    accounts.delete(REGISTRAR, registrar.id)
    with pytest.raises(SandboxApiError) as gone:
        accounts.delete(REGISTRAR, registrar.id)
    assert gone.value.status == 404 and gone.value.message == "Registrar not found."


def test_mailin_azure_backend(store: SandboxStore, settings: SandboxSettings, clock: Clock) -> None:
    settings.mailin_azure_seconds, settings.mailin_upload_seconds = 5.0, 8.0
    backend = MailinBackend(store.mailin, lambda: settings, clock)
    azure = backend.azure
    order = AzureOrderRequest(
        mailbox_mode="auto",
        domain="azure-shop.com",
        is_purchase=False,
        provider_id=None,
        registrar_id=None,
        full_names=("Ann Lee",),
        mailboxes=(),
    )
    row = azure.create(order)
    assert [item.id for item in azure.listed()] == [row.id]
    assert len(row.mailboxes) == 100 and all(m.password for m in row.mailboxes)
    # The timer: in progress for mailin_azure_seconds, then ready with four nameservers.
    assert azure.nameservers(row.id) == ("in_progress", [])
    clock.now += 5.5
    status, nameservers = azure.nameservers(row.id)
    assert status == "ready" and len(nameservers) == 4
    with pytest.raises(SandboxApiError) as twice:
        azure.create(order)
    assert twice.value.status == 422
    assert twice.value.message == "Order already exists in your account."
    with pytest.raises(SandboxApiError) as no_provider:
        azure.upload_status(row.id)
    assert no_provider.value.message == "No inbox provider is set for this order."
    # The rule the backend enforces itself: the inbox provider must be one of the account's.
    registrar = backend.accounts.add(REGISTRAR, "Reg", "namecheap", {})
    with pytest.raises(SandboxApiError) as not_a_provider:
        azure.set_inbox_provider(row.id, registrar.id)
    assert not_a_provider.value.status == 422
    assert not_a_provider.value.details == {
        "errors": {"provider_id": ["The selected provider id is invalid."]}
    }
    provider = backend.accounts.add(INBOX_PROVIDER, "Main", "instantly", {"api_key": "k"})
    azure.set_inbox_provider(row.id, provider.id)
    assert azure.upload_status(row.id)["pending"] == 100
    clock.now += 8.5  # the upload lasts mailin_upload_seconds
    assert azure.upload_status(row.id)["uploaded"] == 100
    azure.reupload(row.id)
    assert azure.upload_status(row.id)["pending"] == 100
    summary, reuploads = azure.finish_upload(str(row.id))
    assert summary["uploaded"] == 100 and reuploads == 1
    with acting_as("other"):
        assert azure.listed() == []
    azure.delete(row.id)
    with pytest.raises(SandboxApiError) as gone:
        azure.get(row.id)
    assert body(mailin_errors.render(gone.value)) == {"message": "Order not found."}
    with pytest.raises(SandboxApiError) as control:
        azure.detail(str(row.id))
    assert control.value.status == 404 and control.value.details == {"id": str(row.id)}


def test_mailin_verification_backend(
    store: SandboxStore, settings: SandboxSettings, clock: Clock
) -> None:
    settings.mailin_credits = 3
    verification = MailinBackend(store.mailin, lambda: settings, clock).verification
    single = verification.verify_single("ok@example.com", "standard")
    assert verification.single(single.id).rows == ("ok@example.com",)
    task = verification.verify_bulk(
        ["a@example.com", "bad@example.com", "A@example.com"], "standard"
    )
    assert task.credits == 2 and verification.credits() == 0  # one credit per unique address
    assert [row.debit for row in verification.credit_history()] == [2, 1, 0]  # newest first
    # The rules the backend enforces itself: credits first, then at most 500 in a list.
    with pytest.raises(SandboxApiError) as broke:
        verification.verify_single("more@example.com", "standard")
    assert broke.value.status == 422
    assert broke.value.message == "You need 1 credits to verify this email, but you only have 0."
    with pytest.raises(SandboxApiError) as too_many:
        verification.verify_bulk([f"u{n}@example.com" for n in range(501)], "standard")
    assert too_many.value.message == "You cannot verify more than 500 emails at once."
    # The timer: running for mailin_verify_seconds (2 s), then the results download.
    with pytest.raises(SandboxApiError) as running:
        verification.download(task.id, "all")
    assert running.value.status == 422 and running.value.message.startswith("Task is still")
    assert not verification.finished(task)
    clock.now += 2.5
    assert verification.finished(task)
    name = verification.download(task.id, "duplicate")
    assert verification.result_file(name) == "email,result\nA@example.com,duplicate\n"
    with pytest.raises(SandboxApiError) as wrong_kind:
        verification.download(task.id, "risky")  # a catch-all result, not a standard one
    assert wrong_kind.value.details == {
        "errors": {"download_type": ["The selected download type is invalid."]}
    }
    with acting_as("other"):
        with pytest.raises(SandboxApiError) as hidden:
            verification.bulk(task.id)
        assert hidden.value.status == 404
        assert verification.result_file(name) is not None  # a public link: any account finds it
    with pytest.raises(SandboxApiError) as unknown:
        verification.single(task.id)  # a bulk task is no single one
    assert body(mailin_errors.render(unknown.value)) == {"message": "Task not found."}


def test_mailchannels_backend(store: SandboxStore, settings: SandboxSettings, clock: Clock) -> None:
    backend = MailChannelsBackend(store.mailchannels, lambda: settings, clock)
    entries = [{"domain": "In.Example.com"}, {"domain": "taken-x.com"}, {"domain": "bad_name"}]
    result = backend.provision_batch("sub-sandbox", entries, None, overwrite=False)
    assert [(row.name, comment) for row, comment in result.successes] == [
        ("in.example.com", CREATED)
    ]
    assert [(judged.name, judged.code) for judged in result.errors] == [
        ("taken-x.com", 409),
        ("bad_name", 400),
    ]
    assert [row.name for row in backend.list_domains([], 10, 0)] == ["in.example.com"]
    assert backend.subscriptions() == [("sub-sandbox", 1)]
    with acting_as("other"):
        assert backend.list_domains([], 10, 0) == []
    # The subscription's limit (2): a batch past it provisions nothing.
    with pytest.raises(SandboxApiError) as limit:
        backend.provision_batch(
            "sub-sandbox", [{"domain": "a.com"}, {"domain": "b.com"}], None, False
        )
    assert limit.value.status == 403
    with pytest.raises(SandboxApiError) as missing:
        backend.remove("nowhere.com", "mc-sandbox-key")
    rendered = body(mailchannels_errors.render(missing.value))
    assert rendered == {
        "code": 404,
        "message": "The domain does not exist.",
        "errors": ["nowhere.com"],
    }
    backend.remove("in.example.com", "mc-sandbox-key")
    assert backend.list_domains([], 10, 0) == []


def test_pingram_backend(store: SandboxStore, settings: SandboxSettings, clock: Clock) -> None:
    backend = PingramBackend(store.pingram, lambda: settings, clock)
    added = backend.add("News.Example.com")
    failing = backend.add("fail-news.example.com")
    assert [row.sender for row in backend.domains()] == [  # by name
        "fail-news.example.com",
        "news.example.com",
    ]
    # Verification: PENDING for pingram_verify_seconds, then SUCCESS (FAILED for a fail- name).
    assert status_of(added, clock())[0] == "PENDING"
    clock.now += 5.5
    assert status_of(added, clock())[:2] == ("SUCCESS", "SUCCESS")
    assert status_of(failing, clock())[0] == "FAILED"
    with acting_as("other"):
        assert backend.domains() == []
    with pytest.raises(SandboxApiError) as twice:
        backend.add("news.example.com")
    assert twice.value.status == 400
    error = body(pingram_errors.render(twice.value))
    assert isinstance(error, dict) and error["error"]["code"] == "DOMAIN_ALREADY_EXISTS"
    assert set(error) == {"trackingId", "error"}
    backend.delete("news.example.com")
    with pytest.raises(SandboxApiError) as gone:
        backend.delete("news.example.com")
    assert gone.value.status == 404 and gone.value.details["code"] == "NOT_FOUND"

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
from pulumi_inboxed.sandbox.accounts import acting_as
from pulumi_inboxed.sandbox.errors import SandboxApiError
from pulumi_inboxed.sandbox.inboxedup import errors as inboxedup_errors
from pulumi_inboxed.sandbox.inboxedup.lifecycle import domain_status
from pulumi_inboxed.sandbox.inboxedup.models import InboxedUpBackend
from pulumi_inboxed.sandbox.inboxedup.validation import parse_mailbox_request
from pulumi_inboxed.sandbox.mailchannels import errors as mailchannels_errors
from pulumi_inboxed.sandbox.mailchannels.models import CREATED, MailChannelsBackend
from pulumi_inboxed.sandbox.mailin import errors as mailin_errors
from pulumi_inboxed.sandbox.mailin.models import MailinBackend
from pulumi_inboxed.sandbox.pingram import errors as pingram_errors
from pulumi_inboxed.sandbox.pingram.models import PingramBackend, status_of
from pulumi_inboxed.sandbox.store import SandboxStore

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

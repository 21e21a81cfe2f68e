"""MailboxRequestProvider: field checks (no API), account checks (real sandbox), diff."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pulumi_inboxed.inboxedup import InboxedUpClient
from pulumi_inboxed.inboxedup.mailbox_request import MailboxRequestProvider, check_mailboxes
from pulumi_inboxed.inboxedup.models import MailboxEntry, MailboxType
from pulumi_inboxed.sandbox import SandboxProcess

TOKEN = "unit-token"


def people(*usernames: str) -> list[dict[str, str]]:
    return [{"first_name": "A", "last_name": "B", "username": u} for u in usernames]


def test_usernames_are_normalized_and_checked() -> None:
    entries, problems = check_mailboxes(people("John.Smith", "jane_doe-2"))
    assert problems == []
    assert [e["username"] for e in entries] == ["john.smith", "jane_doe-2"]


@pytest.mark.parametrize(
    ("username", "reason"),
    [
        ("john@x.com", "part before the @"),
        (".john", "not a valid mailbox username"),
        ("jo..hn", "not a valid mailbox username"),
        ("jöhn", "not a valid mailbox username"),
        ("a" * 65, "not a valid mailbox username"),
        ("", "is required"),
    ],
)
def test_bad_usernames_name_the_entry(username: str, reason: str) -> None:
    _, problems = check_mailboxes(people("ok", username))
    assert problems and problems[0][0] == "mailboxes[1].username"
    assert reason in problems[0][1]


def test_duplicates_blank_names_and_empty_lists() -> None:
    _, problems = check_mailboxes(people("sam", "SAM"))
    assert problems == [("mailboxes[1].username", "'SAM' duplicates mailboxes[0]")]
    _, problems = check_mailboxes([{"first_name": " ", "last_name": "B", "username": "x"}])
    assert problems == [("mailboxes[0].first_name", "is required and must not be blank")]
    assert check_mailboxes([])[1] == [("mailboxes", "must be a non-empty list of mailboxes")]


def test_type_and_per_request_limit_are_checked_without_the_api() -> None:
    provider = MailboxRequestProvider()  # no configuration: an API call would fail loudly
    result = provider.check(
        {}, {"domain": "a.com", "type": "fax", "mailboxes": people("a"), "domain_in_program": True}
    )
    assert [(f.property, f.reason[:20]) for f in result.failures] == [
        ("type", "'fax' is not one of ")
    ]
    result = provider.check(
        {},
        {
            "domain": "a.com",
            "type": "Microsoft",
            "mailboxes": people("a", "b", "c", "d"),
            "domain_in_program": True,
        },
    )
    assert [(f.property, f.reason) for f in result.failures] == [
        ("mailboxes", "4 mailboxes: Microsoft 365 allows 3 per domain")
    ]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxProcess]:
    with SandboxProcess(queued_seconds=0, pending_ns_seconds=0, tokens=[TOKEN]) as process:
        yield process


def configured(sandbox: SandboxProcess) -> MailboxRequestProvider:
    provider = MailboxRequestProvider()
    provider._config = {"inboxedup:baseUrl": sandbox.url, "inboxedup:apiToken": TOKEN}
    return provider


def failures(provider: MailboxRequestProvider, olds: dict[str, Any], **news: Any) -> list[str]:
    result = provider.check(olds, news)
    return [f"{f.property}: {f.reason}" for f in result.failures]


def test_account_checks_count_pending_in_progress_and_completed(sandbox: SandboxProcess) -> None:
    client = InboxedUpClient(sandbox.url, TOKEN)
    client.submit_domains(["limits.com"])
    client.request_mailboxes(
        "limits.com",
        MailboxType.SMTP,
        [MailboxEntry(firstName="A", lastName="B", mailboxUsername=u) for u in ("u1", "u2", "u3")],
    )
    provider = configured(sandbox)
    news = {"domain": "limits.com", "type": "smtp"}
    assert failures(provider, {}, **news, mailboxes=people("n1", "n2")) == []
    over = failures(provider, {}, **news, mailboxes=people("n1", "n2", "n3"))
    assert over == [
        "mailboxes: domain 'limits.com': SMTP allows 5 mailboxes per domain; the account has "
        "3 pending, in progress or completed, and this request adds 3"
    ]
    # a failed request frees its slots
    first = next(client.iter_mailbox_requests(domain="limits.com"))
    sandbox.control.force_mailbox_status(first.id, "FAILED")
    assert failures(provider, {}, **news, mailboxes=people("n1", "n2", "n3")) == []
    # other types on the same domain do not count
    assert failures(provider, {}, domain="limits.com", type="google", mailboxes=people("g1")) == []


def test_an_existing_request_does_not_count_against_itself(sandbox: SandboxProcess) -> None:
    client = InboxedUpClient(sandbox.url, TOKEN)
    client.submit_domains(["itself.com"])
    created = client.request_mailboxes(
        "itself.com",
        MailboxType.MICROSOFT,
        [MailboxEntry(firstName="A", lastName="B", mailboxUsername=u) for u in ("a", "b", "c")],
    )
    provider = configured(sandbox)
    olds = {"request_id": created.request_id, "domain": "itself.com", "type": "microsoft"}
    news = {"domain": "itself.com", "type": "microsoft", "mailboxes": people("a", "b", "d")}
    assert failures(provider, olds, **news) == []
    assert failures(provider, {}, **news)  # as a new request it would exceed the limit


def test_domain_must_be_declared_or_active(sandbox: SandboxProcess) -> None:
    provider = configured(sandbox)
    news = {"type": "smtp", "mailboxes": people("a")}
    assert failures(provider, {}, domain="nowhere.com", **news) == [
        "domain: 'nowhere.com' is not in the InboxedUp account and no DomainBatch of this "
        "program declares it"
    ]
    assert failures(provider, {}, domain="nowhere.com", domain_in_program=True, **news) == []


def test_diff_replaces_on_what_the_api_cannot_update() -> None:
    olds = {
        "domain": "a.com",
        "type": "smtp",
        "mailboxes": people("a"),
        "wait_for_completion": False,
        "status": "PENDING",
    }
    provider = MailboxRequestProvider()
    changed = provider.diff("req", olds, {**olds, "mailboxes": people("b")})
    assert (changed.changes, changed.replaces) == (True, ["mailboxes"])
    waiting = provider.diff("req", olds, {**olds, "wait_for_completion": True})
    assert (waiting.changes, waiting.replaces) == (True, [])
    same = provider.diff("req", olds, dict(olds))
    assert same.changes is False

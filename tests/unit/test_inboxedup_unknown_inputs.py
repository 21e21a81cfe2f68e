"""Preview of a program whose InboxedUp inputs come from other resources' outputs: `check()` gets
`pulumi.output.Unknown` objects (SDK 3.27x), at any depth, and must not fail on them."""

from __future__ import annotations

from pulumi.output import Unknown as _Unknown

from pulumi_inboxed.inboxedup.domain_batch import DomainBatchProvider
from pulumi_inboxed.inboxedup.mailbox_request import MailboxRequestProvider
from pulumi_inboxed.inboxedup.subscription_notes import SubscriptionNotesProvider


def Unknown() -> object:
    return _Unknown()  # type: ignore[no-untyped-call]


def test_subscription_notes_accepts_an_unknown_subscription_id_and_notes() -> None:
    result = SubscriptionNotesProvider().check({}, {"subscription_id": Unknown(), "notes": "n"})
    assert result.failures == []
    assert result.inputs["destroy_adopted"] is False
    result = SubscriptionNotesProvider().check({}, {"subscription_id": "sub_1", "notes": Unknown()})
    assert result.failures == []


def test_domain_batch_accepts_unknown_domains_and_entries() -> None:
    for domains in (Unknown(), ["a.com", Unknown()]):
        result = DomainBatchProvider().check({}, {"domains": domains})
        assert result.failures == []
        assert result.inputs["destroy_adopted"] is False


def test_mailbox_request_accepts_an_unknown_domain_without_calling_the_api() -> None:
    news = {
        "domain": Unknown(),
        "type": "smtp",
        "mailboxes": [{"first_name": "A", "last_name": "B", "username": Unknown()}],
    }
    result = MailboxRequestProvider().check({}, news)  # no config: an API call would fail
    assert [(f.property, f.reason) for f in result.failures] == []

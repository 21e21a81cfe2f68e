"""`inboxedup.mailbox_limit`: InboxedUp's per-domain mailbox limit, the one rule the resources'
checks, the program's sums, the policy pack and the sandbox all ask."""

from __future__ import annotations

import pytest
from pydantic_core import PydanticCustomError

from pulumi_inboxed.inboxedup import endpoints, mailbox_limit, program_domains
from pulumi_inboxed.inboxedup.mailbox_limit import MAILBOX_LIMITS, overflow, used_slots
from pulumi_inboxed.inboxedup.models import MailboxRequestStatus, MailboxType


def test_every_mailbox_type_has_a_limit_and_a_label() -> None:
    assert {t.value for t in MailboxType} == set(MAILBOX_LIMITS) == set(mailbox_limit.TYPE_LABELS)
    assert MAILBOX_LIMITS == {"microsoft": 3, "google": 3, "smtp": 5, "smtp_dedicated": 10}
    # the old import paths read the same table
    assert endpoints.MAILBOX_LIMITS is MAILBOX_LIMITS
    assert program_domains.TYPE_LABELS is mailbox_limit.TYPE_LABELS


def test_failed_requests_free_their_slots_and_other_types_hold_none() -> None:
    held = [
        (MailboxType.SMTP, MailboxRequestStatus.PENDING, 2),
        ("smtp", "IN_PROGRESS", 1),
        ("smtp", MailboxRequestStatus.COMPLETED, 1),
        ("smtp", "FAILED", 5),
        ("microsoft", "PENDING", 3),
    ]
    assert used_slots(held, "smtp") == 4
    assert used_slots(held, MailboxType.MICROSOFT) == 3
    assert used_slots(held, "google") == 0


@pytest.mark.parametrize("type_", sorted(MAILBOX_LIMITS))
def test_the_limit_itself_fits_and_one_more_overflows(type_: str) -> None:
    limit = MAILBOX_LIMITS[type_]
    assert overflow(type_, limit) is None
    assert overflow(type_, 1, used=limit - 1) is None
    over = overflow(type_, 2, used=limit - 1)
    assert over is not None
    assert (over.limit, over.used, over.adding, over.total) == (limit, limit - 1, 2, limit + 1)
    assert over.label == mailbox_limit.TYPE_LABELS[type_]


def test_one_request_over_its_types_limit_is_refused_naming_it() -> None:
    mailbox_limit.check_one_request(MailboxType.GOOGLE, [1, 2, 3])
    with pytest.raises(PydanticCustomError) as refused:
        mailbox_limit.check_one_request(MailboxType.GOOGLE, [1, 2, 3, 4])
    assert str(refused.value) == "4 mailboxes: Google Workspace allows 3 per domain"


def test_only_the_types_with_a_limit_are_limited() -> None:
    assert mailbox_limit.is_limited("smtp") and mailbox_limit.is_limited(MailboxType.SMTP)
    assert not mailbox_limit.is_limited("SMTP")  # the inputs' own validation refuses it
    assert not mailbox_limit.is_limited(None) and not mailbox_limit.is_limited(3)

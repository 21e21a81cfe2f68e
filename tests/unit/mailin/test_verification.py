"""`mailin.verification`: email verification from plain Python, against the sandbox (tasks
summed, unique addresses debited, credits checked before a verification starts)."""

from __future__ import annotations

import pytest

from pulumi_inboxed.mailin import MailinClient
from pulumi_inboxed.mailin.verification import (
    InsufficientCreditsError,
    download_results,
    verify_csv_file,
    verify_email,
    verify_emails,
)

from ..conftest import MICROSOFT_CREDITS as CREDITS


def test_verify_emails_sums_tasks_and_debits_unique_addresses(
    microsoft_client: MailinClient,
) -> None:
    client = microsoft_client
    addresses = ["a@x.com", "A@x.com", "bad.b@x.com", "c@catchall.io", "d@x.com"]
    summary = verify_emails(addresses, timeout=30, poll_interval=0.05, client=client)
    assert summary.total == 4 and len(summary.task_ids) == 1
    assert summary.counts["deliverable"] == 2 and summary.counts["invalid"] == 1
    assert summary.counts["catch_all"] == 1
    assert client.get_credits() == CREDITS - 4
    csv_text = download_results(summary.task_ids, "deliverable", client=client)
    assert csv_text.decode().splitlines()[1:] == ["a@x.com,deliverable", "d@x.com,deliverable"]


def test_a_verification_beyond_the_credits_fails_before_starting(
    microsoft_client: MailinClient,
) -> None:
    client = microsoft_client
    addresses = [f"user{i}@x.com" for i in range(CREDITS + 1)]
    with pytest.raises(InsufficientCreditsError) as caught:
        verify_emails(addresses, client=client)
    assert str(caught.value) == (
        f"this verification needs {CREDITS + 1} credits, but the account has {CREDITS} left"
    )
    assert client.get_credits() == CREDITS
    assert [e.reason for e in client.credit_history()] == ["Purchased credits"]


def test_csv_files_and_single_addresses(microsoft_client: MailinClient) -> None:
    client = microsoft_client
    content = b"name,email\nAnn,ann@x.com\nBob,risky.bob@x.com\n"
    summary = verify_csv_file("people.csv", content, timeout=30, poll_interval=0.05, client=client)
    assert summary.total == 2 and summary.counts["unknown"] == 1
    result = verify_email("me@x.com", timeout=30, poll_interval=0.05, client=client)
    assert (result.status, result.result) == ("success", "deliverable")
    assert client.get_credits() == CREDITS - 3

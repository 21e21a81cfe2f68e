"""Issue 21: "Repeated warnings are grouped into one line with a count." Destroying 15 separate
`MailboxRequest` resources printed 15 near-identical warnings (all dynamic resources of a stack
share one provider process). Now the first of a run, per API, account and reason, is the one
warning; each later one is a short info line naming its own request, with the running count."""

from __future__ import annotations

import re
import threading

import pytest

from pulumi_inboxed.core import repeated_warnings
from pulumi_inboxed.inboxedup.mailbox_request import MailboxRequestProvider
from pulumi_inboxed.inboxedup.mailbox_request_collection import MailboxRequestsProvider


@pytest.fixture(autouse=True)
def _new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in a new provider process: no engine connection, no group seen yet."""
    import pulumi.runtime.settings

    monkeypatch.setattr(pulumi.runtime.settings, "get_engine", lambda: None)
    repeated_warnings.reset()


def lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return capsys.readouterr().err.splitlines()


def test_fifteen_requests_destroyed_make_one_warning_and_counted_info_lines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def destroy(i: int) -> None:
        MailboxRequestProvider().delete(
            f"req_{i:02}", {"domain": f"d{i:02}.com", "account": "client-a"}
        )

    threads = [threading.Thread(target=destroy, args=(i,)) for i in range(15)]  # 4 at a time
    for thread in threads:  # in the provider process; here all at once
        thread.start()
    for thread in threads:
        thread.join()
    out = lines(capsys)
    assert len(out) == 15, out  # each request still named, on a line of its own
    warnings = [line for line in out if line.startswith("warning: ")]
    assert len(warnings) == 1, out
    (warning,) = warnings
    assert "InboxedUp has no endpoint to cancel or delete a mailbox request: request req_" in (
        warning
    )
    assert "stays in InboxedUp account 'client-a' (and keeps its slots" in warning
    assert warning.endswith(repeated_warnings.LATER)
    infos = [line for line in out if line.startswith("info: ")]
    assert len(infos) == 14
    assert all(len(line) < 200 and "no endpoint" not in line for line in infos), infos
    assert all(
        line.startswith("info: InboxedUp account 'client-a': mailbox request req_")
        for line in infos
    )
    counts = sorted(
        int(m[1]) for line in infos if (m := re.search(r"\((\d+) requests so far", line))
    )
    assert counts == list(range(2, 16))
    named = {m[1] for line in out if (m := re.search(r"request (req_\d\d)", line))}
    assert named == {f"req_{i:02}" for i in range(15)}


def test_groups_are_per_account_and_collections_join_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    single = MailboxRequestProvider()
    single.delete("req_a1", {"domain": "a1.com", "account": "client-a"})
    single.delete("req_b1", {"domain": "b1.com", "account": "client-b"})
    ids = {f"a{i}.com/smtp": f"req_a{i}" for i in range(2, 5)}
    MailboxRequestsProvider().delete("reqs", {"request_ids": ids, "account": "client-a"})
    single.delete("req_d1", {"domain": "d1.com"})  # the default account: its own group
    first_a, first_b, collection, first_default = lines(capsys)
    assert first_a.startswith("warning: ") and "request req_a1 on a1.com" in first_a
    assert first_b.startswith("warning: ") and "InboxedUp account 'client-b'" in first_b
    assert (
        first_default.startswith("warning: ") and "the default InboxedUp account" in first_default
    )
    assert collection == (
        "info: InboxedUp account 'client-a': 3 more mailbox requests stay in the account: "
        "req_a2 (a2.com/smtp), req_a3 (a3.com/smtp), req_a4 (a4.com/smtp); the resource is "
        "destroyed, so removed from the Pulumi state only (4 requests so far in this run; see "
        "the warning above)"
    )


def test_nothing_left_says_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    MailboxRequestsProvider().delete("reqs", {"request_ids": {}})
    repeated_warnings.warn_repeated(("x",), 0, "never", "never", "things")
    assert lines(capsys) == []

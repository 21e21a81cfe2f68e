"""Mailin.ai writes under faults (issue 19): every write that may have acted is retried the safe
way (`write_once`), so whatever the faults, exactly one object is made (one purchase charged),
and the outputs record it as made, not adopted. A collection completes every entry it can,
raises `PartialFailure` naming the others, and the next update touches only those.

Per kind: (a) the write acted but its reply was lost (a dropped connection, or a 502);
(b) it failed before acting; (c) it failed three times, then succeeded."""

from __future__ import annotations

from typing import Any

import pulumi.runtime.settings
import pytest

from pulumi_inboxed.core.endpoint import Endpoint
from pulumi_inboxed.core.errors import UnprocessableError
from pulumi_inboxed.core.partial_failure import PartialFailure
from pulumi_inboxed.core.safe_write import WriteNotConfirmedError, WritePolicy
from pulumi_inboxed.mailin import endpoints as ep
from pulumi_inboxed.mailin.domains import DomainsProvider
from pulumi_inboxed.mailin.forwarding import DomainForwardingProvider, EmailForwardingProvider
from pulumi_inboxed.mailin.mailboxes import GoogleMailboxesProvider, SmtpMailboxesProvider
from pulumi_inboxed.mailin.subdomain import SubdomainProvider

from .fake_account import BEFORE, LOST, LOST_313, LOST_502, RESET, FakeMailin, configured

FAULTS = {
    "lost-reply": [LOST],
    "lost-reply-502": [LOST_502],
    "failed-before": [BEFORE],
    "three-failures": [RESET, BEFORE, RESET],
}
"""Each case's faults on the write, taken by its first sends."""
ACTED = {
    "lost-reply": True,
    "lost-reply-502": True,
    "failed-before": False,
    "three-failures": False,
}
CASES = pytest.mark.parametrize("case", list(FAULTS))


def sends_expected(case: str) -> int:
    """The write's sends: once when the first acted (found, not sent again), else each fault
    and the one that succeeds."""
    return 1 if ACTED[case] else len(FAULTS[case]) + 1


def domains_inputs(*names: str, **extra: Any) -> dict[str, Any]:
    inputs = DomainsProvider().check({}, {"domains": list(names), "acquisition": "transfer"})
    assert not inputs.failures
    return {**inputs.inputs, "acquisition": "buy", "wait_timeout_seconds": 5, **extra}


# Domains: the purchase --------------------------------------------------------------------------
@CASES
def test_a_purchase_under_faults_buys_each_domain_once(case: str) -> None:
    account = FakeMailin()
    account.fail(ep.BUY_DOMAINS, *FAULTS[case])
    provider, _rt = configured(DomainsProvider(), account)
    created = provider.create(domains_inputs("one-shot.com", "two-shot.com"))
    assert account.purchases == {"one-shot.com": 1, "two-shot.com": 1}
    assert len(account.sends(ep.BUY_DOMAINS)) == sends_expected(case)
    outs = created.outs
    assert set(outs["domain_ids"]) == {"one-shot.com", "two-shot.com"}
    assert outs["adopted_domains"] == []  # this run's own purchase: deleted on destroy
    # a lost reply took the job id with it: the domains were found by name, not by the job
    assert outs["job_ids"] == ([] if ACTED[case] else ["job-one-shot.com"])


def test_a_purchase_that_took_effect_for_some_names_is_sent_again_for_the_others() -> None:
    account = FakeMailin()
    account.buy_first_name_only_once = True
    provider, _rt = configured(DomainsProvider(), account)
    created = provider.create(domains_inputs("half-a.com", "half-b.com", "half-c.com"))
    assert account.purchases == {"half-a.com": 1, "half-b.com": 1, "half-c.com": 1}
    bodies = account.sends(ep.BUY_DOMAINS)
    assert bodies[0] == {"domain_names": ["half-a.com", "half-b.com", "half-c.com"]}
    assert bodies[1] == {"domain_names": ["half-b.com", "half-c.com"]}  # only what is missing
    assert created.outs["adopted_domains"] == []


def test_a_purchase_that_never_goes_through_fails_naming_every_name_and_buys_nothing() -> None:
    account = FakeMailin()
    account.fail(ep.BUY_DOMAIN, BEFORE, BEFORE, BEFORE)
    provider, rt = configured(DomainsProvider(), account)
    rt.write_policy = WritePolicy(attempts=3, initial_wait=0.0, max_wait=0.0)
    with pytest.raises(PartialFailure) as caught:
        provider.create(domains_inputs("never.com"))
    assert account.purchases == {}
    assert caught.value.outs["domain_ids"] == {}
    assert len(caught.value.reasons) == 1
    assert caught.value.reasons[0].startswith("never.com: not bought:")
    assert "failed 3 times" in caught.value.reasons[0]


def test_one_unavailable_name_fails_alone_and_the_next_update_buys_only_it() -> None:
    """A collection finishes what it can: the other names are bought and recorded; the next
    `up` calls update(olds=the recorded outs), which buys exactly the failed name."""
    account = FakeMailin()
    account.unavailable = {"later.com"}
    provider, _rt = configured(DomainsProvider(), account)
    inputs = domains_inputs("first.com", "later.com", "third.com")
    with pytest.raises(PartialFailure) as caught:
        provider.create(inputs)
    failure = caught.value
    assert account.purchases == {"first.com": 1, "third.com": 1}
    assert set(failure.outs["domain_ids"]) == {"first.com", "third.com"}
    assert set(failure.outs["records"]) == {"first.com", "third.com"}
    assert failure.outs["adopted_domains"] == []
    assert len(failure.reasons) == 1 and failure.reasons[0].startswith("later.com: ")
    assert "not available" in failure.reasons[0]
    assert failure.id_ == str(failure.outs["domain_ids"]["first.com"])

    account.unavailable = set()
    account.sent.clear()
    updated = provider.update(failure.id_, failure.outs, inputs)
    writes = list(account.sent)
    assert writes == [(ep.BUY_DOMAIN, {"domain_name": "later.com"})]
    assert account.purchases == {"first.com": 1, "later.com": 1, "third.com": 1}
    assert set(updated.outs["domain_ids"]) == {"first.com", "later.com", "third.com"}
    assert updated.outs["adopted_domains"] == []


@CASES
def test_a_transfer_under_faults_is_made_once(case: str) -> None:
    account = FakeMailin()
    account.fail(ep.TRANSFER_DOMAIN, *FAULTS[case])
    provider, _rt = configured(DomainsProvider(), account)
    inputs = {**domains_inputs("moved.io"), "acquisition": "transfer"}
    created = provider.create(inputs)
    assert account.made["transfer moved.io"] == 1
    assert created.outs["domain_ids"] == {"moved.io": account.domains["moved.io"]["id"]}
    assert created.outs["adopted_domains"] == []
    assert created.outs["transfer_name_servers"]["moved.io"] == ["ns1.mailin.ai", "ns2.mailin.ai"]


# Subdomain --------------------------------------------------------------------------------------
@CASES
def test_a_subdomain_under_faults_is_made_once(case: str) -> None:
    account = FakeMailin()
    account.add_domain("parent.com")
    account.fail(ep.ADD_SUBDOMAIN, *FAULTS[case])
    provider, _rt = configured(SubdomainProvider(), account)
    created = provider.create({"subdomain": "sales", "domain": "parent.com"})
    assert account.made["subdomain sales.parent.com"] == 1
    assert len(account.sends(ep.ADD_SUBDOMAIN)) == sends_expected(case)
    assert created.outs["adopted"] is False
    assert created.outs["domain_id"] == account.domains["sales.parent.com"]["id"]


# forwarding -------------------------------------------------------------------------------------
@CASES
@pytest.mark.parametrize(
    ("kind", "endpoint", "target", "field"),
    [
        (DomainForwardingProvider, ep.FORWARD_DOMAIN, "target.com", "forward_to"),
        (
            EmailForwardingProvider,
            ep.FORWARD_EMAIL,
            "desk@target.com",
            "email_forward_to",
        ),
    ],
    ids=["domain", "email"],
)
def test_a_forwarding_under_faults_is_set_once(
    case: str, kind: type, endpoint: Endpoint, target: str, field: str
) -> None:
    """Setting a target is a POST that sets one field: after a lost reply the domain shows the
    target, and it is not sent again; after a failure before acting it is sent again."""
    account = FakeMailin()
    domain_id = account.add_domain("fwd.com")
    account.domains["fwd.com"][field] = None  # the reply shows the field: a read confirms it
    account.fail(endpoint, *FAULTS[case])
    provider, _rt = configured(kind(), account)
    created = provider.create({"domain_id": domain_id, "forward_to": target})
    assert account.made[f"{field} {domain_id}"] == 1
    assert len(account.sends(endpoint)) == sends_expected(case)
    assert account.domains["fwd.com"][field] == target
    assert created.outs["adopted"] is False


# mailboxes --------------------------------------------------------------------------------------
SMTP = [
    {"username": "sales@box.com", "name": "Sales", "password": None},
    {"username": "info@box.com", "name": "Info", "password": None},
]
GOOGLE = [
    {
        "username": "john@gw.biz",
        "first_name": "John",
        "last_name": "Doe",
        "signature": "Cheers, John",
        "forwarding_email": None,
    }
]


def smtp_inputs(entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {"mailboxes": entries, "wait_timeout_seconds": 5, "destroy_adopted": False}


@CASES
def test_smtp_mailboxes_under_faults_are_made_once(case: str) -> None:
    account = FakeMailin()
    account.fail(ep.CREATE_MAILBOXES, *FAULTS[case])
    provider, _rt = configured(SmtpMailboxesProvider(), account)
    created = provider.create(smtp_inputs(SMTP))
    assert account.made == {"mailbox sales@box.com": 1, "mailbox info@box.com": 1}
    assert len(account.sends(ep.CREATE_MAILBOXES)) == sends_expected(case)
    outs = created.outs
    assert set(outs["mailbox_ids"]) == {"sales@box.com", "info@box.com"}
    assert outs["adopted_mailboxes"] == []
    assert all(outs["active"].values())
    assert outs["job_ids"] == ([] if ACTED[case] else ["mailbox-job"])


@CASES
def test_google_mailboxes_and_their_signature_under_faults_are_made_once(case: str) -> None:
    account = FakeMailin()
    account.fail(ep.CREATE_GOOGLE_MAILBOXES, *FAULTS[case])
    account.fail(ep.ADD_MAILBOX_SIGNATURE, *FAULTS[case])
    provider, _rt = configured(GoogleMailboxesProvider(), account)
    created = provider.create(smtp_inputs(GOOGLE))
    assert account.made == {"mailbox john@gw.biz": 1, "add-signature john@gw.biz": 1}
    assert len(account.sends(ep.CREATE_GOOGLE_MAILBOXES)) == sends_expected(case)
    assert len(account.sends(ep.ADD_MAILBOX_SIGNATURE)) == sends_expected(case)
    assert account.mailboxes["john@gw.biz"]["signature"] == "Cheers, John"
    assert created.outs["adopted_mailboxes"] == []
    assert created.outs["mailboxes"] == GOOGLE


def test_one_refused_mailbox_fails_alone_and_the_next_update_creates_only_it() -> None:
    account = FakeMailin()
    account.refused_usernames = {"info@box.com"}
    provider, _rt = configured(SmtpMailboxesProvider(), account)
    third = {"username": "desk@box.com", "name": "Desk", "password": None}
    inputs = smtp_inputs([*SMTP, third])
    with pytest.raises(PartialFailure) as caught:
        provider.create(inputs)
    failure = caught.value
    assert account.made == {"mailbox sales@box.com": 1, "mailbox desk@box.com": 1}
    assert set(failure.outs["mailbox_ids"]) == {"sales@box.com", "desk@box.com"}
    assert [m["username"] for m in failure.outs["mailboxes"]] == ["sales@box.com", "desk@box.com"]
    assert set(failure.outs["passwords"]) == {"sales@box.com", "desk@box.com"}
    assert len(failure.reasons) == 1 and failure.reasons[0].startswith("info@box.com: refused")
    assert "already been taken" in failure.reasons[0]

    account.refused_usernames = set()
    account.sent.clear()
    updated = provider.update(failure.id_, failure.outs, inputs)
    assert account.sent == [
        (ep.CREATE_MAILBOXES, {"mailboxes": [{"username": "info@box.com", "name": "Info"}]})
    ]
    assert account.made == {
        "mailbox sales@box.com": 1,
        "mailbox desk@box.com": 1,
        "mailbox info@box.com": 1,
    }
    assert set(updated.outs["mailbox_ids"]) == {"sales@box.com", "info@box.com", "desk@box.com"}
    assert updated.outs["adopted_mailboxes"] == []


def test_a_google_signature_that_fails_is_set_by_the_next_update_only() -> None:
    """The mailbox was made, its signature was not: the mailbox is recorded (never made
    again), with the settings it has, and the next update sets only the signature."""
    account = FakeMailin()
    account.fail(ep.ADD_MAILBOX_SIGNATURE, BEFORE, BEFORE, BEFORE)
    provider, rt = configured(GoogleMailboxesProvider(), account)
    rt.write_policy = WritePolicy(attempts=3, initial_wait=0.0, max_wait=0.0)
    inputs = smtp_inputs(GOOGLE)
    with pytest.raises(PartialFailure) as caught:
        provider.create(inputs)
    failure = caught.value
    assert set(failure.outs["mailbox_ids"]) == {"john@gw.biz"}
    assert failure.outs["mailboxes"] == [{**GOOGLE[0], "signature": None}]
    assert failure.reasons[0].startswith("john@gw.biz: created, but its settings were not set")

    account.sent.clear()
    provider.update(failure.id_, failure.outs, inputs)
    assert [endpoint for endpoint, _ in account.sent] == [ep.ADD_MAILBOX_SIGNATURE]
    assert account.made == {"mailbox john@gw.biz": 1, "add-signature john@gw.biz": 1}


def test_a_write_that_is_refused_is_not_sent_again() -> None:
    """A 4xx refusal is an answer, not a fault: no second send."""
    account = FakeMailin()
    provider, _rt = configured(SubdomainProvider(), account)  # no parent domain: 422
    with pytest.raises(UnprocessableError, match="does not exist"):
        provider.create({"subdomain": "x", "domain": "nowhere.com"})
    assert len(account.sends(ep.ADD_SUBDOMAIN)) == 1


def test_a_write_never_confirmed_names_the_account_and_the_write() -> None:
    account = FakeMailin()
    account.add_domain("parent.com")
    account.fail(ep.ADD_SUBDOMAIN, BEFORE, BEFORE)
    provider, rt = configured(SubdomainProvider(), account)
    rt.write_policy = WritePolicy(attempts=2, initial_wait=0.0, max_wait=0.0)
    with pytest.raises(WriteNotConfirmedError) as caught:
        provider.create({"subdomain": "y", "domain": "parent.com"})
    message = str(caught.value)
    assert "Mailin.ai POST /domains/add/subdomain for y.parent.com" in message
    assert "failed 2 times" in message and "502" in message
    assert "y.parent.com" not in account.domains


def test_a_purchase_answered_313_after_it_acted_is_found_not_bought_again() -> None:
    """Mailin.ai's 313 ("some parts may be incomplete") and 310 ("try again") may follow a
    write that acted: looked for, like a 5xx, before any second send."""
    account = FakeMailin()
    account.fail(ep.BUY_DOMAIN, LOST_313)
    provider, _rt = configured(DomainsProvider(), account)
    created = provider.create(domains_inputs("partly.com"))
    assert account.purchases == {"partly.com": 1}
    assert len(account.sends(ep.BUY_DOMAIN)) == 1
    assert created.outs["adopted_domains"] == [] and "partly.com" in created.outs["domain_ids"]


@CASES
@pytest.mark.parametrize(
    ("kind", "endpoint", "target", "field"),
    [
        (DomainForwardingProvider, ep.REMOVE_DOMAIN_FORWARDING, "t.com", "forward_to"),
        (
            EmailForwardingProvider,
            ep.REMOVE_EMAIL_FORWARDING,
            "desk@t.com",
            "email_forward_to",
        ),
    ],
    ids=["domain", "email"],
)
def test_a_forwarding_removal_under_faults_is_sent_until_confirmed(
    case: str, kind: type, endpoint: Endpoint, target: str, field: str
) -> None:
    account = FakeMailin()
    domain_id = account.add_domain("fwd.com")
    account.domains["fwd.com"][field] = target
    account.fail(endpoint, *FAULTS[case])
    provider, _rt = configured(kind(), account)
    state = {
        "domain_id": domain_id,
        "forward_to": target,
        "adopted": False,
        "destroy_adopted": False,
    }
    provider.delete(str(domain_id), state)
    assert account.domains["fwd.com"][field] is None
    assert account.made[f"remove {field} {domain_id}"] == 1
    assert len(account.sends(endpoint)) == sends_expected(case)


@CASES
def test_a_mailbox_name_change_under_faults_is_sent_until_confirmed(case: str) -> None:
    account = FakeMailin()
    provider, _rt = configured(SmtpMailboxesProvider(), account)
    inputs = smtp_inputs(SMTP[:1])
    created = provider.create(inputs)
    account.fail(ep.UPDATE_MAILBOX_NAME, *FAULTS[case])
    renamed = smtp_inputs([{**SMTP[0], "name": "Sales Desk"}])
    updated = provider.update(created.id, created.outs, renamed)
    assert account.made["name sales@box.com"] == 1
    assert len(account.sends(ep.UPDATE_MAILBOX_NAME)) == sends_expected(case)
    assert account.mailboxes["sales@box.com"]["name"] == "Sales Desk"
    assert updated.outs["mailboxes"] == renamed["mailboxes"]
    assert account.made["mailbox sales@box.com"] == 1


def test_an_account_that_cannot_be_read_fails_every_entry_after_one_lookup() -> None:
    """A failure of the account's requests (a 502 after every retry) is not one entry's: the
    entries after it fail with it without a request each, so the run ends at once."""
    account = FakeMailin()
    account.fail(ep.LIST_MAILBOXES, BEFORE)
    provider, _rt = configured(SmtpMailboxesProvider(), account)
    third = {"username": "desk@box.com", "name": "Desk", "password": None}
    with pytest.raises(PartialFailure) as caught:
        provider.create(smtp_inputs([*SMTP, third]))
    assert account.requests[ep.LIST_MAILBOXES] == 1
    assert account.sent == []  # nothing created
    reasons = caught.value.reasons
    assert [r.split(":")[0] for r in reasons] == ["sales@box.com", "info@box.com", "desk@box.com"]
    assert "502" in reasons[0] and "not tried" in reasons[1] and "not tried" in reasons[2]
    assert caught.value.outs["mailbox_ids"] == {} and caught.value.outs["mailboxes"] == []


def test_a_removed_domain_that_is_not_deleted_stays_recorded_and_is_named() -> None:
    account = FakeMailin()
    provider, _rt = configured(DomainsProvider(), account)
    created = provider.create(domains_inputs("stay.com", "go.com"))
    account.fail(ep.DELETE_DOMAIN, BEFORE)  # a DELETE is retried by HTTP: here no retries
    with pytest.raises(PartialFailure) as caught:
        provider.update(created.id, created.outs, domains_inputs("stay.com"))
    failure = caught.value
    assert set(failure.outs["records"]) == {"stay.com", "go.com"}  # the next update deletes it
    assert len(failure.reasons) == 1 and failure.reasons[0].startswith("go.com: not deleted")


def test_a_purchase_still_running_is_waited_for_by_the_next_update_never_bought_again() -> None:
    """An API whose lists show bought domains only once their job is done: the create ends
    before (its wait bound), naming the names; the next update waits for the resource's own
    job, finds them, records them as made (the job lists their ids), and buys nothing."""
    account = FakeMailin()
    account.jobs_done = False
    provider, _rt = configured(DomainsProvider(), account)
    inputs = domains_inputs("late.com", wait_timeout_seconds=0)
    with pytest.raises(PartialFailure) as caught:
        provider.create(inputs)
    failure = caught.value
    assert failure.outs["records"] == {} and failure.outs["job_ids"] == ["job-late.com"]
    assert failure.reasons[0].startswith("late.com: not in the account after the buy")

    account.jobs_done = True
    account.sent.clear()
    updated = provider.update(failure.id_, failure.outs, {**inputs, "wait_timeout_seconds": 5})
    assert account.sent == [] and account.purchases == {"late.com": 1}
    assert set(updated.outs["domain_ids"]) == {"late.com"}
    assert updated.outs["adopted_domains"] == []  # its own purchase: deleted on destroy


def test_a_large_purchase_whose_reply_was_lost_is_found_with_one_listing() -> None:
    """Many names: one read of the account's list, not one lookup a name."""
    account = FakeMailin()
    account.fail(ep.BUY_DOMAINS, LOST)
    provider, _rt = configured(DomainsProvider(), account)
    names = [f"bulk-{i}.com" for i in range(12)]
    created = provider.create(domains_inputs(*names))
    assert account.purchases == {n: 1 for n in names}
    assert len(account.sends(ep.BUY_DOMAINS)) == 1
    assert set(created.outs["domain_ids"]) == set(names)
    assert created.outs["adopted_domains"] == []
    # 12 lookups before buying (adoption), one listing after the lost reply, none after
    assert account.requests[ep.LIST_DOMAINS] == len(names) + 1


def test_a_large_mailbox_create_whose_reply_was_lost_is_found_with_one_listing() -> None:
    account = FakeMailin()
    account.fail(ep.CREATE_MAILBOXES, LOST)
    provider, _rt = configured(SmtpMailboxesProvider(), account)
    entries = [{"username": f"u{i}@box.com", "name": f"U {i}", "password": None} for i in range(30)]
    created = provider.create(smtp_inputs(entries))
    assert len(account.sends(ep.CREATE_MAILBOXES)) == 1
    assert sum(account.made.values()) == 30
    assert len(created.outs["mailbox_ids"]) == 30 and created.outs["adopted_mailboxes"] == []
    assert account.requests[ep.LIST_MAILBOXES] == 30 + 1


def test_domains_not_active_yet_are_one_warning_line_with_their_count(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What is still pending is one whole warning with its count (`core.lifecycle.warn`), not
    one line per name, nor two writes that other handlers' output can split."""
    monkeypatch.setattr(pulumi.runtime.settings, "get_engine", lambda: None)  # the provider host
    account = FakeMailin()
    for name in ("slow-a.com", "slow-b.com", "slow-c.com"):
        account.add_domain(name)
        account.domains[name]["status"] = "0"
    provider, _rt = configured(DomainsProvider(), account)
    created = provider.create(
        domains_inputs("slow-a.com", "slow-b.com", "slow-c.com", wait_timeout_seconds=0)
    )
    assert created.outs["pending_domains"] == ["slow-a.com", "slow-b.com", "slow-c.com"]
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning:")]
    assert len(lines) == 1, lines
    assert lines[0].startswith(
        "warning: Mailin.ai domains: 3 domains are not active yet: slow-a.com, slow-b.com, "
        "slow-c.com; not active within 0 s"
    )

"""inboxedup.MailboxRequests: the declaration checked at preview (bad-input table, unknowns, a key
given twice), the per-entry diff, the program-wide sum shared with MailboxRequest (Pulumi's
mocks), the read-only account checks, and create/update/read against a real sandbox with its
request counters (one domain listing per interval for every entry, no read-back, adoption, an
update touching only the changed entry)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pulumi
import pytest
from pulumi.output import Unknown as _Unknown

from pulumi_inboxed.core.partial_failure import PartialFailure
from pulumi_inboxed.inboxedup import (
    InboxedUpClient,
    MailboxArgs,
    MailboxRequest,
    MailboxRequestEntryArgs,
    MailboxRequests,
    MailboxType,
    program_domains,
)
from pulumi_inboxed.inboxedup.mailbox_request_collection import MailboxRequestsProvider
from pulumi_inboxed.inboxedup.runtime import runtime_for
from pulumi_inboxed.sandbox import SandboxProcess

from ..conftest import BadInput, PreviewCheck, assert_rejected_at_preview

TOKEN = "unit-token-collection"


def people(*usernames: str) -> list[dict[str, str]]:
    return [{"first_name": "A", "last_name": "B", "username": u} for u in usernames]


def entry(domain: str, type_: str = "smtp", *usernames: str) -> dict[str, Any]:
    return {"domain": domain, "type": type_, "mailboxes": people(*(usernames or ("ann", "bo")))}


GOOD: dict[str, Any] = {
    "requests": [entry("one.com"), entry("two.com", "microsoft", "cy")],
    "domains_in_program": ["one.com", "two.com"],  # as the program sets it
}


def with_entry(index: int, **fields: Any) -> dict[str, Any]:
    requests = [dict(e) for e in GOOD["requests"]]
    requests[index] = {**requests[index], **fields}
    return {**GOOD, "requests": requests}


def with_mailbox(**fields: Any) -> dict[str, Any]:
    box = {"first_name": "A", "last_name": "B", "username": "a", **fields}
    return with_entry(0, mailboxes=[box])


BAD_INPUTS = [
    BadInput("requests-missing", {"domains_in_program": []}, "requests", "is required"),
    BadInput("requests-empty", {**GOOD, "requests": []}, "requests", "at least 1 item"),
    BadInput("requests-a-string", {**GOOD, "requests": "one.com"}, "requests", "valid list"),
    BadInput("requests-an-object", {**GOOD, "requests": {"a": 1}}, "requests", "valid list"),
    BadInput("entry-a-string", {**GOOD, "requests": ["one.com"]}, "requests[0]", "dictionary"),
    BadInput("entry-a-number", {**GOOD, "requests": [5]}, "requests[0]", "dictionary"),
    BadInput(
        "entry-domain-missing",
        {**GOOD, "requests": [{"type": "smtp", "mailboxes": people("a")}]},
        "requests[0].domain",
        "is required",
    ),
    BadInput(
        "entry-domain-a-number", with_entry(1, domain=5), "requests[1].domain", "valid string"
    ),
    BadInput(
        "entry-domain-not-idna",
        with_entry(0, domain="bad_name.com"),
        "requests[0].domain",
        "not a valid IDNA",
    ),
    BadInput(
        "entry-domain-mixed-script",
        with_entry(0, domain="\u0430pple-pay.com"),  # a Cyrillic a
        "requests[0].domain",
        "mixes the CYRILLIC and LATIN scripts",
    ),
    BadInput(
        "entry-type-unknown",
        with_entry(1, type="fax"),
        "requests[1].type",
        "'microsoft', 'google', 'smtp'",
    ),
    BadInput("entry-type-a-number", with_entry(0, type=5), "requests[0].type", "'microsoft'"),
    BadInput(
        "entry-mailboxes-empty", with_entry(0, mailboxes=[]), "requests[0].mailboxes", "at least 1"
    ),
    BadInput(
        "entry-mailboxes-a-string",
        with_entry(0, mailboxes="ann"),
        "requests[0].mailboxes",
        "valid list",
    ),
    BadInput("entry-unknown-field", with_entry(0, count=3), "requests[0].count", "not an input"),
    BadInput(
        "username-an-address",
        with_mailbox(username="ann@x.com"),
        "requests[0].mailboxes[0].username",
        "part before the @",
    ),
    BadInput(
        "username-double-dot",
        with_mailbox(username="a..b"),
        "requests[0].mailboxes[0].username",
        "not a valid",
    ),
    BadInput(
        "first-name-blank",
        with_mailbox(first_name=" "),
        "requests[0].mailboxes[0].first_name",
        "at least 1",
    ),
    BadInput(
        "last-name-a-bool",
        with_mailbox(last_name=True),
        "requests[0].mailboxes[0].last_name",
        "string",
    ),
    BadInput(
        "username-duplicate",
        with_entry(0, mailboxes=people("sam", "kim", "SAM")),
        "requests[0].mailboxes[2].username",
        "duplicates mailboxes[0]",
    ),
    BadInput(
        "over-the-type-limit",
        with_entry(1, mailboxes=people("a", "b", "c", "d")),
        "requests[1].mailboxes",  # as MailboxRequest's `mailboxes`: one validator for both
        "Microsoft 365 allows 3 per domain",
    ),
    BadInput(
        "key-given-twice",
        {**GOOD, "requests": [*GOOD["requests"], entry("ONE.com", "smtp", "zed")]},
        "requests[2]",
        "duplicates requests[0] (one.com/smtp)",
    ),
    BadInput(
        "timeout-negative",
        {**GOOD, "wait_timeout_seconds": -1},
        "wait_timeout_seconds",
        "greater than or equal to 0",
    ),
    BadInput(
        "timeout-a-string",
        {**GOOD, "wait_timeout_seconds": "abc"},
        "wait_timeout_seconds",
        "valid number",
    ),
    BadInput(
        "parallel-zero", {**GOOD, "parallel_requests": 0}, "parallel_requests", "greater than"
    ),
    BadInput(
        "parallel-a-fraction",
        {**GOOD, "parallel_requests": 2.5},
        "parallel_requests",
        "valid integer",
    ),
    BadInput(
        "destroy-adopted-a-string",
        {**GOOD, "destroy_adopted": "no"},
        "destroy_adopted",
        "valid boolean",
    ),
    BadInput("stray-input", {**GOOD, "domain": "one.com"}, "domain", "not an input"),
]


@pytest.mark.bad_input
@pytest.mark.parametrize("bad", BAD_INPUTS, ids=lambda b: b.case)
def test_bad_input_is_rejected_at_preview(preview_check: PreviewCheck, bad: BadInput) -> None:
    assert_rejected_at_preview(preview_check(MailboxRequestsProvider, bad.inputs), bad)


def Unknown() -> object:
    return _Unknown()  # type: ignore[no-untyped-call]


def test_unknown_values_pass_without_calling_the_api() -> None:
    provider = MailboxRequestsProvider()  # no configuration: an API call would fail loudly
    for news in (
        {**with_entry(0, domain=Unknown()), "domains_in_program": Unknown()},
        {**GOOD, "requests": Unknown()},
        with_entry(1, mailboxes=Unknown()),
    ):
        result = provider.check({}, news)
        assert [(f.property, f.reason) for f in result.failures] == []
    result = provider.check({}, {**with_entry(0, domain=Unknown()), "parallel_requests": 0})
    assert [f.property for f in result.failures] == ["parallel_requests"]


# diff ---------------------------------------------------------------------------------------


def test_diff_compares_entries_by_domain_and_type() -> None:
    provider = MailboxRequestsProvider()
    olds = {**GOOD, "wait_timeout_seconds": 1800, "parallel_requests": 8}
    reordered = {**olds, "requests": list(reversed(GOOD["requests"]))}
    assert provider.diff("id", olds, reordered).changes is False
    shuffled = with_entry(0, mailboxes=list(reversed(people("ann", "bo"))))
    assert provider.diff("id", olds, {**olds, **shuffled}).changes is False
    one_changed = provider.diff("id", olds, {**olds, **with_entry(0, mailboxes=people("ann"))})
    assert (one_changed.changes, one_changed.replaces) == (True, [])
    added = {**olds, "requests": [*GOOD["requests"], entry("three.com")]}
    assert (
        provider.diff("id", olds, added).changes,
        provider.diff("id", olds, added).replaces,
    ) == (
        True,
        [],
    )
    assert provider.diff("id", olds, {**olds, "requests": Unknown()}).changes is True
    assert provider.diff("id", olds, {**olds, "domains_in_program": []}).changes is False


# the program's sum per domain and type, with MailboxRequest ---------------------------------


class _Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return args.name + "_id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any]]:
        return {}, []


@pytest.fixture
def program() -> Iterator[None]:
    program_domains.reset()
    pulumi.runtime.set_mocks(_Mocks(), preview=True)
    yield
    program_domains.reset()


def boxes(n: int, prefix: str = "ann") -> list[MailboxArgs]:
    return [MailboxArgs("Ann", f"Doe{i}", f"{prefix}{i}") for i in range(n)]


def test_entries_and_requests_are_summed_together(program: None) -> None:
    MailboxRequest("single", domain="full.com", type=MailboxType.MICROSOFT, mailboxes=boxes(2))
    MailboxRequests(
        "fleet-ok",
        requests=[
            MailboxRequestEntryArgs("full.com", MailboxType.GOOGLE, boxes(3)),
            MailboxRequestEntryArgs("other.com", "microsoft", boxes(3)),
        ],
    )
    with pytest.raises(pulumi.RunError) as raised:
        MailboxRequests(
            "fleet",
            requests=[
                MailboxRequestEntryArgs("fine.com", "smtp", boxes(5)),
                MailboxRequestEntryArgs("FULL.com", "microsoft", boxes(2, "bo")),
            ],
        )
    message = str(raised.value)
    assert "MailboxRequests 'fleet' requests[1] and MailboxRequest 'single'" in message
    assert "4 microsoft mailboxes on domain 'full.com'" in message and "allows 3" in message


def test_two_collections_on_one_domain_are_summed(program: None) -> None:
    MailboxRequests("a", requests=[MailboxRequestEntryArgs("x.com", "smtp", boxes(3))])
    with pytest.raises(pulumi.RunError, match=r"'b' requests\[0\] and 'a' requests\[0\]"):
        MailboxRequests("b", requests=[MailboxRequestEntryArgs("x.com", "smtp", boxes(3, "b"))])


def test_three_thousand_resources_register_without_a_cap(program: None) -> None:
    """No dynamic-resource cap: 3000 of this package's resources register in one program."""
    for i in range(1500):
        MailboxRequest(f"r{i}", domain=f"d{i}.com", type="smtp", mailboxes=boxes(1))
        MailboxRequests(
            f"c{i}", requests=[MailboxRequestEntryArgs(f"d{i}.com", "google", boxes(1))]
        )


# against a real sandbox -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxProcess]:
    """Domains QUEUED for 0.4 s and PENDING_NS for 0.4 s more."""
    with SandboxProcess(queued_seconds=0.4, pending_ns_seconds=0.4, tokens=[TOKEN]) as process:
        yield process


def configured(sandbox: SandboxProcess) -> MailboxRequestsProvider:
    provider = MailboxRequestsProvider()
    provider._config = {
        "inboxedup:baseUrl": sandbox.url,
        "inboxedup:apiToken": TOKEN,
        "inboxedup:pollIntervalSeconds": "0.2",
        "inboxedup:verifyNsIntervalSeconds": "0.2",
    }
    runtime_for(provider.config).account.forget()  # a new provider process
    return provider


def client(sandbox: SandboxProcess) -> InboxedUpClient:
    return InboxedUpClient(sandbox.url, TOKEN)


def inputs(*entries: dict[str, Any], timeout: float = 30) -> dict[str, Any]:
    return {
        "requests": list(entries),
        "wait_timeout_seconds": timeout,
        "parallel_requests": 4,
        "destroy_adopted": False,
        "allow_mixed_script": [],
        "domains_in_program": [],
    }


def test_create_shares_one_domain_listing_per_interval_and_reads_nothing_back(
    sandbox: SandboxProcess,
) -> None:
    names = [f"fleet-{i}.com" for i in range(30)]
    client(sandbox).submit_domains(names)  # QUEUED, then PENDING_NS, ACTIVE after ~0.8 s
    props = inputs(*(entry(n, "microsoft", "ann", "bo", "cy") for n in names))
    sandbox.control.reset_stats()
    outs = configured(sandbox).create(props).outs
    stats = sandbox.control.stats()
    assert stats["POST /mailboxes"] == 30
    assert stats.get("GET /mailboxes/{request_id}") is None, stats  # the answer is enough
    assert stats["GET /mailboxes"] == 1  # the adoption check, once for all entries
    # every entry waits on the same listing: a handful, not one per domain per interval
    assert stats["GET /domains"] <= 12, stats
    assert set(outs["statuses"].values()) == {"PENDING"}
    assert outs["emails"]["fleet-3.com/microsoft"] == [
        "ann@fleet-3.com",
        "bo@fleet-3.com",
        "cy@fleet-3.com",
    ]
    assert len(outs["request_ids"]) == 30 and outs["adopted_requests"] == []


def test_a_retried_create_adopts_and_an_update_touches_only_the_changed_entry(
    sandbox: SandboxProcess,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)  # the mocks' log of an info line
    api = client(sandbox)
    api.submit_domains(["keep.com", "change.com", "drop.com"])
    provider = configured(sandbox)
    props = inputs(entry("keep.com"), entry("change.com"), entry("drop.com"))
    first = provider.create(props).outs
    # a create interrupted before its state was written: the retry adopts, requests nothing
    sandbox.control.reset_stats()
    again = configured(sandbox).create(props).outs
    assert sandbox.control.stats().get("POST /mailboxes") is None
    assert again["request_ids"] == first["request_ids"]
    assert again["adopted_requests"] == ["change.com/smtp", "drop.com/smtp", "keep.com/smtp"]

    news = inputs(entry("keep.com"), entry("change.com", "smtp", "ann", "bo", "cy"))
    sandbox.control.reset_stats()
    updated = provider.update("id", first, news).outs
    stats = sandbox.control.stats()
    assert stats["POST /mailboxes"] == 1, stats
    assert updated["request_ids"]["keep.com/smtp"] == first["request_ids"]["keep.com/smtp"]
    assert updated["request_ids"]["change.com/smtp"] != first["request_ids"]["change.com/smtp"]
    assert "drop.com/smtp" not in updated["request_ids"]
    assert updated["emails"]["change.com/smtp"][-1] == "cy@change.com"
    warned = capsys.readouterr().err + caplog.text  # stderr, or the mocks' log after them
    # the first of the run is the warning; the next one an info line with the count
    for key, why in (("change.com/smtp", "changed"), ("drop.com/smtp", "removed")):
        assert (
            f"request stays in the account: {first['request_ids'][key]} ({key}); its entry "
            f"{'was removed from the program' if why == 'removed' else 'changed'}"
        ) in warned
    new_id = updated["request_ids"]["change.com/smtp"]
    assert api.get_mailbox_request(new_id).mailboxes[-1].mailbox_username == "cy"


def test_a_domain_that_never_becomes_active_fails_naming_the_entry(
    sandbox: SandboxProcess,
) -> None:
    client(sandbox).submit_domains(["ready.com"])
    provider = configured(sandbox)
    props = inputs(entry("ready.com"), entry("nowhere-else.com"), timeout=1.5)
    with pytest.raises(PartialFailure) as raised:
        provider.create(props)
    message = str(raised.value)
    assert "1 of 2 entries were not requested" in message
    assert "nowhere-else.com/smtp: domain is not in the account" in message
    assert "the next `pulumi up` requests only the ones above" in message
    assert [r.split(":")[0] for r in raised.value.reasons] == ["nowhere-else.com/smtp"]
    outs = raised.value.outs  # the other one went ahead, and is recorded
    assert list(outs["request_ids"]) == ["ready.com/smtp"]
    assert [e["domain"] for e in outs["requests"]] == ["ready.com"]
    assert client(sandbox).iter_mailbox_requests(domain="ready.com")


def test_account_checks_at_preview_name_the_entry(sandbox: SandboxProcess) -> None:
    api = client(sandbox)
    api.submit_domains(["checked.com"])
    provider = configured(sandbox)
    provider.create(inputs(entry("checked.com", "smtp", "u1", "u2", "u3")))
    olds = {"requests": [entry("old.com")]}
    news = {
        "requests": [
            entry("old.com"),  # unchanged: not checked again
            entry("checked.com", "smtp", "n1", "n2", "n3"),
            entry("unknown-to-all.com"),
            entry("in-program.com"),
        ],
        "domains_in_program": ["in-program.com", "old.com"],
    }
    provider = configured(sandbox)
    sandbox.control.reset_stats()
    result = provider.check(olds, news)
    failures = {f.property: f.reason for f in result.failures}
    assert set(failures) == {"requests[1].mailboxes", "requests[2].domain"}, failures
    assert (
        "SMTP allows 5 mailboxes per domain; the account has 3" in failures["requests[1].mailboxes"]
    )
    assert failures["requests[2].domain"].startswith(
        "the default account (InboxedUp, the plain inboxedup: config) holds no domain "
        "'unknown-to-all.com' and the program declares none: declare it in a DomainBatch"
    )
    stats = sandbox.control.stats()
    assert (stats["GET /domains"], stats["GET /mailboxes"]) == (1, 1), stats
    # a second resource previewed by the same provider process lists nothing again
    provider.check({}, {"requests": [entry("checked.com", "google", "g")]})
    assert sandbox.control.total_requests() == 2
    # the live request for exactly these usernames would be adopted: it does not count
    same = {"requests": [entry("checked.com", "smtp", "u1", "u2", "u3")]}
    assert provider.check({}, same).failures == []


def test_refresh_brings_statuses_and_drops_vanished_requests(sandbox: SandboxProcess) -> None:
    client(sandbox).submit_domains(["fresh-a.com", "fresh-b.com"])
    provider = configured(sandbox)
    props = inputs(entry("fresh-a.com"), entry("fresh-b.com"))
    outs = provider.create(props).outs
    request_a = outs["request_ids"]["fresh-a.com/smtp"]
    sandbox.control.force_mailbox_status(request_a, "COMPLETED")
    vanished = {**outs, "request_ids": {**outs["request_ids"], "fresh-b.com/smtp": "req_gone"}}
    sandbox.control.reset_stats()
    read = provider.read("id", vanished)
    assert sandbox.control.stats() == {"GET /mailboxes": 1}
    assert read.outs["statuses"] == {"fresh-a.com/smtp": "COMPLETED"}
    assert set(read.outs["credentials"]) == {"ann@fresh-a.com", "bo@fresh-a.com"}
    assert [e["domain"] for e in read.inputs["requests"]] == ["fresh-a.com"]
    # another resource refreshed by the same provider process reads the same listing
    assert provider.read("id2", outs).outs["statuses"]["fresh-b.com/smtp"] == "PENDING"
    assert sandbox.control.stats() == {"GET /mailboxes": 1}


def test_delete_warns_naming_every_request(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    MailboxRequestsProvider().delete("id", {"request_ids": {"a.com/smtp": "req_1"}})
    warned = capsys.readouterr().err + caplog.text
    assert "1 request stays in the account: req_1 (a.com/smtp); the resource is destroyed" in warned


def test_the_engine_is_told_a_nested_failure_on_the_resource_with_its_path(
    preview_check: PreviewCheck,
) -> None:
    """The engine prints `property P value V` with V = the program's top-level input named P:
    `requests[0].domain` is none, so it printed `value {<nil>}` (issue 21). The failure reaches
    it on the resource, its path leading the reason, which names the domain."""
    news = with_entry(0, domain="nowhere-to-be-found.com")
    news["domains_in_program"] = ["two.com"]
    outcome = preview_check(MailboxRequestsProvider, news)
    assert outcome.aborted is None
    assert len(outcome.answered) == 1, outcome.answered
    prop, reason = outcome.answered[0]
    assert prop == ""
    assert reason.startswith("requests[0].domain: the default account (InboxedUp, ")
    assert "holds no domain 'nowhere-to-be-found.com'" in reason


def test_the_engine_is_told_a_top_level_failure_on_its_input() -> None:
    from pulumi_inboxed.core.check_failures import engine_failure

    given = {"requests", "account"}
    assert engine_failure("requests", "is empty", given) == ("requests", "is empty")
    assert engine_failure("account", "refused", given) == ("account", "refused")
    # not given by the program: the engine would print `value {<nil>}`
    assert engine_failure("domain", "is required", given) == ("", "domain: is required")
    assert engine_failure("requests[5].domain", "x", given) == ("", "requests[5].domain: x")
    assert engine_failure("", "whole", given) == ("", "whole")

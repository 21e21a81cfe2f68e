"""inboxedup.MailboxRequest: its declaration checked at preview (the bad-input table, unknowns),
the program-wide sum of mailboxes per domain and type (Pulumi's mocks), the read-only account
checks against a real sandbox, and the diff."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pulumi
import pytest
from pulumi.output import Unknown as _Unknown

from pulumi_inboxed.inboxedup import (
    InboxedUpClient,
    MailboxArgs,
    MailboxRequest,
    MailboxRequestArgs,
    MailboxType,
    program_domains,
)
from pulumi_inboxed.inboxedup.mailbox_request import MailboxRequestProvider
from pulumi_inboxed.inboxedup.models import MailboxEntry
from pulumi_inboxed.inboxedup.runtime import runtime_for
from pulumi_inboxed.sandbox import SandboxProcess

from ..conftest import BadInput, PreviewCheck, assert_rejected_at_preview

TOKEN = "unit-token"


def people(*usernames: str) -> list[dict[str, str]]:
    return [{"first_name": "A", "last_name": "B", "username": u} for u in usernames]


GOOD: dict[str, Any] = {
    "domain": "acme-outreach.com",
    "type": "smtp",
    "mailboxes": people("john.smith", "jane"),
    "domain_in_program": True,  # as the program sets it when a DomainBatch declares the domain
}


def mailbox(**fields: Any) -> dict[str, Any]:
    return {**GOOD, "mailboxes": [{"first_name": "A", "last_name": "B", "username": "a", **fields}]}


def without(key: str) -> dict[str, Any]:
    return {k: v for k, v in GOOD.items() if k != key}


BAD_INPUTS = [
    BadInput("domain-missing", without("domain"), "domain", "is required"),
    BadInput("domain-a-number", {**GOOD, "domain": 5}, "domain", "valid string"),
    BadInput("domain-a-list", {**GOOD, "domain": ["a.com"]}, "domain", "valid string"),
    BadInput("domain-not-idna", {**GOOD, "domain": "bad_name.com"}, "domain", "not a valid IDNA"),
    BadInput("domain-an-address", {**GOOD, "domain": "sales@acme.com"}, "domain"),
    BadInput(
        "domain-mixed-script",
        {**GOOD, "domain": "\u0430pple-pay.com"},  # a Cyrillic a
        "domain",
        "mixes the CYRILLIC and LATIN scripts",
    ),
    BadInput("type-missing", without("type"), "type", "is required"),
    BadInput("type-a-number", {**GOOD, "type": 5}, "type", "'microsoft', 'google', 'smtp'"),
    BadInput("type-unknown", {**GOOD, "type": "fax"}, "type", "'microsoft', 'google', 'smtp'"),
    BadInput("type-a-list", {**GOOD, "type": ["smtp"]}, "type"),
    BadInput("mailboxes-missing", without("mailboxes"), "mailboxes", "is required"),
    BadInput("mailboxes-empty", {**GOOD, "mailboxes": []}, "mailboxes", "at least 1 item"),
    BadInput("mailboxes-a-string", {**GOOD, "mailboxes": "john"}, "mailboxes", "valid list"),
    BadInput("mailboxes-an-object", {**GOOD, "mailboxes": {"a": 1}}, "mailboxes", "valid list"),
    BadInput("mailbox-a-string", {**GOOD, "mailboxes": ["john"]}, "mailboxes[0]", "dictionary"),
    BadInput("mailbox-a-list", {**GOOD, "mailboxes": [["A", "B", "a"]]}, "mailboxes[0]"),
    BadInput("mailbox-a-number", {**GOOD, "mailboxes": [7]}, "mailboxes[0]", "dictionary"),
    BadInput("first-name-blank", mailbox(first_name="  "), "mailboxes[0].first_name", "at least 1"),
    BadInput(
        "first-name-missing",
        {**GOOD, "mailboxes": [{"last_name": "B", "username": "a"}]},
        "mailboxes[0].first_name",
        "is required",
    ),
    BadInput("first-name-a-number", mailbox(first_name=5), "mailboxes[0].first_name", "string"),
    BadInput(
        "first-name-too-long", mailbox(first_name="x" * 65), "mailboxes[0].first_name", "at most 64"
    ),
    BadInput("last-name-a-bool", mailbox(last_name=True), "mailboxes[0].last_name", "string"),
    BadInput("username-a-number", mailbox(username=12), "mailboxes[0].username", "valid string"),
    BadInput("username-blank", mailbox(username=""), "mailboxes[0].username", "not a valid"),
    BadInput(
        "username-an-address",
        mailbox(username="john@x.com"),
        "mailboxes[0].username",
        "part before the @",
    ),
    BadInput(
        "username-leading-dot", mailbox(username=".john"), "mailboxes[0].username", "not a valid"
    ),
    BadInput(
        "username-double-dot", mailbox(username="jo..hn"), "mailboxes[0].username", "not a valid"
    ),
    BadInput(
        "username-non-ascii", mailbox(username="jöhn"), "mailboxes[0].username", "not a valid"
    ),
    BadInput(
        "username-too-long", mailbox(username="a" * 65), "mailboxes[0].username", "not a valid"
    ),
    BadInput(
        "username-punctuation",
        mailbox(username="sa<l>es,;"),
        "mailboxes[0].username",
        "not a valid",
    ),
    BadInput(
        "username-duplicate",
        {**GOOD, "mailboxes": people("sam", "kim", "SAM")},
        "mailboxes[2].username",
        "duplicates mailboxes[0]",
    ),
    BadInput(
        "mailbox-unknown-field", mailbox(email="a@b.com"), "mailboxes[0].email", "not an input"
    ),
    BadInput(
        "over-the-type-limit",
        {**GOOD, "type": "microsoft", "mailboxes": people("a", "b", "c", "d")},
        "mailboxes",
        "Microsoft 365 allows 3 per domain",
    ),
    BadInput(
        "over-the-smtp-limit",
        {**GOOD, "mailboxes": people("a", "b", "c", "d", "e", "f")},
        "mailboxes",
        "SMTP allows 5 per domain",
    ),
    BadInput(
        "wait-for-completion-a-string",
        {**GOOD, "wait_for_completion": "no"},
        "wait_for_completion",
        "valid boolean",
    ),
    BadInput(
        "wait-for-completion-a-number",
        {**GOOD, "wait_for_completion": 1},
        "wait_for_completion",
        "valid boolean",
    ),
    BadInput(
        "timeout-negative",
        {**GOOD, "wait_timeout_seconds": -1},
        "wait_timeout_seconds",
        "greater than or equal to 0",
    ),
    BadInput(
        "timeout-huge",
        {**GOOD, "wait_timeout_seconds": 1e12},
        "wait_timeout_seconds",
        "less than or equal to 604800",
    ),
    BadInput(
        "timeout-a-string",
        {**GOOD, "wait_timeout_seconds": "abc"},
        "wait_timeout_seconds",
        "valid number",
    ),
    BadInput(
        "import-id-a-number", {**GOOD, "import_request_id": 5}, "import_request_id", "valid string"
    ),
    BadInput(
        "destroy-adopted-a-string",
        {**GOOD, "destroy_adopted": "no"},
        "destroy_adopted",
        "valid boolean",
    ),
    BadInput(
        "allow-mixed-script-numbers",
        {**GOOD, "allow_mixed_script": [1]},
        "allow_mixed_script[0]",
        "valid string",
    ),
]


@pytest.mark.bad_input
@pytest.mark.parametrize("bad", BAD_INPUTS, ids=lambda b: b.case)
def test_bad_input_is_rejected_at_preview(preview_check: PreviewCheck, bad: BadInput) -> None:
    assert_rejected_at_preview(preview_check(MailboxRequestProvider, bad.inputs), bad)


def test_good_input_passes_with_only_the_read_only_account_check(
    preview_check: PreviewCheck,
) -> None:
    """On purpose, check() counts the account's live requests of the type on the domain (one
    read-only `GET /mailboxes`); nothing else. A domain the program does not declare is looked
    up too (a second read), and is refused when the account does not hold it ACTIVE."""
    outcome = preview_check(MailboxRequestProvider, GOOD)
    assert outcome.failures == {} and outcome.aborted is None
    assert outcome.requests == 1
    outcome = preview_check(MailboxRequestProvider, {**GOOD, "domain_in_program": False})
    assert outcome.aborted is None and outcome.requests == 1
    assert outcome.failures["domain"].startswith(
        "the default account (InboxedUp, the plain inboxedup: config) holds no domain "
    )


def Unknown() -> object:
    return _Unknown()  # type: ignore[no-untyped-call]


def test_unknown_values_pass_without_calling_the_api() -> None:
    provider = MailboxRequestProvider()  # no configuration: an API call would fail loudly
    for news in (
        {**GOOD, "domain": Unknown(), "domain_in_program": Unknown()},
        {**GOOD, "mailboxes": [{"first_name": "A", "last_name": "B", "username": Unknown()}]},
        {**GOOD, "mailboxes": Unknown()},
        {**GOOD, "type": Unknown()},
    ):
        result = provider.check({}, news)
        assert [(f.property, f.reason) for f in result.failures] == []
    # what is known is still checked
    result = provider.check({}, {**GOOD, "domain": Unknown(), "type": "fax"})
    assert [f.property for f in result.failures] == ["type"]


def test_check_normalizes_and_fills_defaults() -> None:
    provider = MailboxRequestProvider()
    news = {**GOOD, "domain": Unknown(), "mailboxes": people("John.Smith")}
    inputs = provider.check({}, news).inputs  # the known fields are normalized one by one
    assert inputs["mailboxes"] == [{"first_name": "A", "last_name": "B", "username": "john.smith"}]
    assert inputs["wait_for_completion"] is False
    assert inputs["wait_timeout_seconds"] == 1800
    assert inputs["destroy_adopted"] is False
    assert inputs["domain_in_program"] is True


# the program's sum per domain and type ---------------------------------------------------


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


def test_two_requests_over_the_limit_on_one_domain_fail_naming_both(program: None) -> None:
    MailboxRequest("ms-1", domain="full.com", type=MailboxType.MICROSOFT, mailboxes=boxes(2))
    with pytest.raises(pulumi.RunError) as raised:
        MailboxRequest(
            "ms-2",
            MailboxRequestArgs(domain="FULL.com", type="microsoft", mailboxes=boxes(2, "bo")),
        )
    message = str(raised.value)
    assert "'ms-2' and 'ms-1'" in message
    assert "4 microsoft mailboxes on domain 'full.com'" in message
    assert "allows 3 microsoft" in message
    assert "Traceback" not in message


def test_requests_within_the_limits_pass(program: None) -> None:
    MailboxRequest("ms-1", domain="ok.com", type=MailboxType.MICROSOFT, mailboxes=boxes(2))
    MailboxRequest("ms-2", domain="ok.com", type=MailboxType.MICROSOFT, mailboxes=boxes(1, "b"))
    MailboxRequest("g-1", domain="ok.com", type=MailboxType.GOOGLE, mailboxes=boxes(3))
    MailboxRequest("ms-other", domain="other.com", type="microsoft", mailboxes=boxes(3))
    MailboxRequest("smtp-1", domain="ok.com", type="smtp", mailboxes=boxes(5))
    for i in range(2):
        MailboxRequest(
            f"ded-{i}", domain="ok.com", type="smtp_dedicated", mailboxes=boxes(5, f"d{i}")
        )
    with pytest.raises(pulumi.RunError, match=r"11 smtp_dedicated mailboxes.*allows 10"):
        MailboxRequest("ded-2", domain="ok.com", type="smtp_dedicated", mailboxes=boxes(1, "x"))


@pulumi.runtime.test
def _program_with_a_domain_from_an_output() -> Any:
    MailboxRequest("smtp-1", domain="late.com", type="smtp", mailboxes=boxes(3))
    domain = pulumi.Output.from_input("late.com").apply(lambda d: d)
    MailboxRequest("smtp-2", domain=domain, type="smtp", mailboxes=boxes(3, "b"))
    # the sum runs as an apply of the program: once the domain is known it fails the program
    return domain.apply(lambda _: None)


def test_a_domain_from_an_output_is_summed_once_known(program: None) -> None:
    with pytest.raises(pulumi.RunError, match=r"'smtp-2' and 'smtp-1'.*6 smtp mailboxes"):
        _program_with_a_domain_from_an_output()


class _Recording(_Mocks):
    """Records the inputs each resource is registered with."""

    def __init__(self) -> None:
        self.inputs: dict[str, dict[str, Any]] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.inputs[args.name] = dict(args.inputs)
        return super().new_resource(args)


def test_a_domain_batch_declared_after_the_request_still_counts(program: None) -> None:
    """The mark is decided once the program's body has run: a request (or a collection)
    declared before the DomainBatch of its domain is not looked for in the account at preview,
    and waits for the batch."""
    from pulumi_inboxed.inboxedup import DomainBatch, MailboxRequestEntryArgs, MailboxRequests

    mocks = _Recording()
    pulumi.runtime.set_mocks(mocks, preview=True)

    @pulumi.runtime.test
    def declared_first() -> Any:
        one = MailboxRequest("early", domain="late.com", type="smtp", mailboxes=boxes(2))
        many = MailboxRequests(
            "early-many",
            requests=[
                MailboxRequestEntryArgs(domain="late.com", type="google", mailboxes=boxes(1)),
                MailboxRequestEntryArgs(domain="elsewhere.com", type="smtp", mailboxes=boxes(1)),
            ],
        )
        DomainBatch("late-batch", domains=["late.com"])
        return pulumi.Output.all(one.urn, many.urn)

    declared_first()
    assert mocks.inputs["early"]["domain_in_program"] is True
    assert mocks.inputs["early-many"]["domains_in_program"] == ["late.com"]


# the account checks, read-only, against a real sandbox -----------------------------------


@pytest.fixture(scope="module")
def fast_sandbox() -> Iterator[SandboxProcess]:
    """Domains ACTIVE at once (the shared `unit_sandbox` keeps the default pace)."""
    with SandboxProcess(queued_seconds=0, pending_ns_seconds=0, tokens=[TOKEN]) as process:
        yield process


def configured(sandbox: SandboxProcess) -> MailboxRequestProvider:
    provider = MailboxRequestProvider()
    provider._config = {"inboxedup:baseUrl": sandbox.url, "inboxedup:apiToken": TOKEN}
    return provider


def failures(provider: MailboxRequestProvider, olds: dict[str, Any], **news: Any) -> list[str]:
    """check() as a new preview runs it: each preview is a new provider process, so the account
    snapshot of an earlier one (taken before this test changed the account) is dropped first."""
    runtime_for(provider.config).account.forget()
    result = provider.check(olds, news)
    return [f"{f.property}: {f.reason}" for f in result.failures]


def test_account_checks_count_pending_in_progress_and_completed(
    fast_sandbox: SandboxProcess,
) -> None:
    client = InboxedUpClient(fast_sandbox.url, TOKEN)
    client.submit_domains(["limits.com"])
    client.request_mailboxes(
        "limits.com",
        MailboxType.SMTP,
        [MailboxEntry(firstName="A", lastName="B", mailboxUsername=u) for u in ("u1", "u2", "u3")],
    )
    provider = configured(fast_sandbox)
    news = {"domain": "limits.com", "type": "smtp"}
    assert failures(provider, {}, **news, mailboxes=people("n1", "n2")) == []
    over = failures(provider, {}, **news, mailboxes=people("n1", "n2", "n3"))
    assert over == [
        "mailboxes: domain 'limits.com': SMTP allows 5 mailboxes per domain; the account has "
        "3 pending, in progress or completed, and this request adds 3"
    ]
    # a failed request frees its slots
    first = next(client.iter_mailbox_requests(domain="limits.com"))
    fast_sandbox.control.force_mailbox_status(first.id, "FAILED")
    assert failures(provider, {}, **news, mailboxes=people("n1", "n2", "n3")) == []
    # other types on the same domain do not count
    assert failures(provider, {}, domain="limits.com", type="google", mailboxes=people("g1")) == []


def test_an_existing_request_does_not_count_against_itself(fast_sandbox: SandboxProcess) -> None:
    client = InboxedUpClient(fast_sandbox.url, TOKEN)
    client.submit_domains(["itself.com"])
    created = client.request_mailboxes(
        "itself.com",
        MailboxType.MICROSOFT,
        [MailboxEntry(firstName="A", lastName="B", mailboxUsername=u) for u in ("a", "b", "c")],
    )
    provider = configured(fast_sandbox)
    olds = {"request_id": created.request_id, "domain": "itself.com", "type": "microsoft"}
    news = {"domain": "itself.com", "type": "microsoft", "mailboxes": people("a", "b", "d")}
    assert failures(provider, olds, **news) == []
    assert failures(provider, {}, **news)  # as a new request it would exceed the limit


def test_domain_must_be_declared_or_active(fast_sandbox: SandboxProcess) -> None:
    provider = configured(fast_sandbox)
    news = {"type": "smtp", "mailboxes": people("a")}
    assert failures(provider, {}, domain="nowhere.com", **news) == [
        "domain: the default account (InboxedUp, the plain inboxedup: config) holds no domain "
        "'nowhere.com' and the program declares none: declare it in a DomainBatch resource of "
        "this program with no account (the default one), or use a domain the account holds. "
        "Nothing was made."
    ]
    assert failures(provider, {}, domain="nowhere.com", domain_in_program=True, **news) == []


# diff ---------------------------------------------------------------------------------------


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
    changed = provider.diff("req", olds, {**olds, "type": "google", "domain": "b.com"})
    assert (changed.changes, sorted(changed.replaces or [])) == (True, ["domain", "type"])
    waiting = provider.diff("req", olds, {**olds, "wait_for_completion": True})
    assert (waiting.changes, waiting.replaces) == (True, [])
    same = provider.diff("req", olds, dict(olds))
    assert same.changes is False
    # Pulumi's 1800.0 is the default 1800; a change of `domain_in_program` alone is no change
    assert provider.diff("req", olds, {**olds, "wait_timeout_seconds": 1800.0}).changes is False
    assert provider.diff("req", olds, {**olds, "domain_in_program": True}).changes is False


# shared read-only account checks, and no read-back -----------------------------------------


def test_fifty_previews_share_one_listing_of_each_until_a_write(
    fast_sandbox: SandboxProcess,
) -> None:
    """check() reads the account through the runtime's snapshot: 50 requests on 50 domains (half
    of them not declared by the program) make one `GET /domains` and one `GET /mailboxes`; a
    write of the runtime's client drops it, and the next check lists again."""
    client = InboxedUpClient(fast_sandbox.url, TOKEN)
    names = [f"shared-{i}.com" for i in range(50)]
    client.submit_domains(names)
    provider = configured(fast_sandbox)
    runtime = runtime_for(provider.config)
    runtime.account.forget()
    fast_sandbox.control.reset_stats()
    for i, name in enumerate(names):
        news = {"domain": name, "type": "smtp", "mailboxes": people("a", "b")}
        result = provider.check({}, {**news, "domain_in_program": i % 2 == 0})
        assert result.failures == []
    stats = fast_sandbox.control.stats()
    assert stats.get("GET /domains") == 1 and stats.get("GET /mailboxes") == 1, stats
    assert sum(stats.values()) == 2, stats
    runtime.client.request_mailboxes(
        names[0], MailboxType.SMTP, [MailboxEntry(firstName="A", lastName="B", mailboxUsername="x")]
    )
    provider.check({}, {"domain": names[1], "type": "smtp", "mailboxes": people("a")})
    stats = fast_sandbox.control.stats()
    assert stats["GET /domains"] == 2 and stats["GET /mailboxes"] == 2, stats


def test_create_reads_nothing_back_the_answer_gave(fast_sandbox: SandboxProcess) -> None:
    client = InboxedUpClient(fast_sandbox.url, TOKEN)
    client.submit_domains(["readback.com"])
    provider = configured(fast_sandbox)
    fast_sandbox.control.reset_stats()
    props = {
        **GOOD,
        "domain": "readback.com",
        "mailboxes": people("ann", "bo"),
        "wait_timeout_seconds": 30,
        "wait_for_completion": False,
    }
    created = provider.create(props)
    stats = fast_sandbox.control.stats()
    assert stats.get("GET /mailboxes/{request_id}") is None, stats
    assert stats["POST /mailboxes"] == 1
    assert created.outs["status"] == "PENDING"
    assert created.outs["emails"] == ["ann@readback.com", "bo@readback.com"]
    domain = client.find_domain("readback.com")
    assert domain is not None and created.outs["domain_id"] == domain.id
    assert client.get_mailbox_request(str(created.id)).status.value == "PENDING"

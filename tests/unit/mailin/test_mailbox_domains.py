"""Issue 21, "one promise everywhere": a Mailin.ai mailbox on a domain that neither the program
declares nor the account holds fails at preview, naming the API, the account and its config key
(as InboxedUp's mailbox requests do), with one shared listing of the account's domains per
provider process and none for domains the program declares or addresses accepted before. Before,
it passed preview and failed at `up` with the API's 422."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pulumi
import pytest
from pulumi.output import Unknown

from pulumi_inboxed.mailin import GoogleMailboxesProvider, SmtpMailboxesProvider, program_domains
from pulumi_inboxed.sandbox import SandboxProcess

from ..conftest import PreviewCheck, mailin_bought

TOKEN = "mailin-sandbox-token"


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


def smtp(*addresses: str, **others: Any) -> dict[str, Any]:
    boxes = [{"username": a, "name": a.split("@")[0].title()} for a in addresses]
    return {"mailboxes": boxes, "wait_timeout_seconds": 60, **others}


def google(*addresses: str, **others: Any) -> dict[str, Any]:
    boxes = [{"username": a, "first_name": "Jo", "last_name": "Doe"} for a in addresses]
    return {"mailboxes": boxes, "wait_timeout_seconds": 60, **others}


def in_account(kind: type[Any], sandbox: SandboxProcess, account: str | None = None) -> Any:
    """A provider of `kind` configured for the sandbox's Mailin.ai (a named `account` too)."""
    provider = kind()
    config: dict[str, Any] = {
        "mailin:baseUrl": sandbox.mailin_url,
        "mailin:apiToken": TOKEN,
        "mailin:pollIntervalSeconds": "0.2",
    }
    if account is not None:
        config["mailin:accounts"] = {account: {"apiToken": TOKEN}}
    provider._config = config
    return provider


def failures_of(provider: Any, news: dict[str, Any], olds: Any = None) -> dict[str, str]:
    result = provider.check(olds or {}, news)
    return {f.property: f.reason for f in result.failures}


@pytest.mark.parametrize(
    ("kind", "inputs", "held_as"),
    [(SmtpMailboxesProvider, smtp, "SMTP"), (GoogleMailboxesProvider, google, "Google")],
)
def test_a_mailbox_on_a_domain_nobody_holds_fails_preview_naming_the_account(
    unit_sandbox: SandboxProcess, kind: type[Any], inputs: Any, held_as: str
) -> None:
    nowhere = f"{unique('nowhere')}.com"
    provider = in_account(kind, unit_sandbox, "client-b")
    before = unit_sandbox.control.total_requests()
    failures = failures_of(provider, inputs(f"sales@{nowhere}", account="client-b"))
    assert failures == {
        "mailboxes[0].username": (
            f"account 'client-b' (Mailin.ai, config mailin:accounts.client-b) holds no "
            f"{held_as} domain '{nowhere}' and the program declares none: declare it in a "
            "Domains resource of this program with account='client-b', or use a domain the "
            "account holds. Nothing was made."
        )
    }
    # the kind's listing, and the other kind's (to tell "held as the other kind" apart)
    assert unit_sandbox.control.total_requests() - before == 2


def test_through_the_engine_the_default_account_is_named_too(
    preview_check: PreviewCheck,
) -> None:
    nowhere = f"{unique('nowhere')}.com"
    outcome = preview_check(SmtpMailboxesProvider, smtp(f"a@{nowhere}"))
    assert outcome.aborted is None
    assert outcome.failures == {
        "mailboxes[0].username": (
            "the default account (Mailin.ai, the plain mailin: config) holds no SMTP domain "
            f"'{nowhere}' and the program declares none: declare it in a Domains resource of "
            "this program with no account (the default one), or use a domain the account "
            "holds. Nothing was made."
        )
    }


def test_held_and_declared_domains_pass_with_one_shared_listing(
    unit_sandbox: SandboxProcess,
) -> None:
    held = f"{unique('held')}.com"
    mailin_bought(unit_sandbox, held)
    declared = f"{unique('declared')}.com"
    provider = in_account(SmtpMailboxesProvider, unit_sandbox)
    before = unit_sandbox.control.total_requests()
    for i in range(5):  # five resources of one provider process: one listing between them
        news = smtp(
            f"u{i}@{held}",
            f"v{i}@sales.{held}",  # a subdomain of a held domain (a Subdomain may make it)
            f"w{i}@{declared}",
            domains_in_program=[declared],
        )
        result = provider.check({}, news)
        assert [(f.property, f.reason) for f in result.failures] == []
        assert "domains_in_program" not in result.inputs  # a hint: never kept in the state
    assert unit_sandbox.control.total_requests() - before == 1


def test_a_google_mailbox_on_an_smtp_domain_is_told_so(unit_sandbox: SandboxProcess) -> None:
    smtp_domain = f"{unique('smtp-only')}.com"
    mailin_bought(unit_sandbox, smtp_domain)
    failures = failures_of(
        in_account(GoogleMailboxesProvider, unit_sandbox), google(f"jo@{smtp_domain}")
    )
    assert failures == {
        "mailboxes[0].username": (
            f"'{smtp_domain}' is an SMTP domain of the default account (Mailin.ai, the plain "
            "mailin: config); Google mailboxes need a Google domain (SmtpMailboxes makes its "
            "mailboxes). Nothing was made."
        )
    }


def test_unknowns_declared_domains_and_accepted_addresses_cost_no_call(
    unit_sandbox: SandboxProcess,
) -> None:
    nowhere = f"{unique('nowhere')}.com"
    provider = in_account(SmtpMailboxesProvider, unit_sandbox)
    before = unit_sandbox.control.total_requests()
    # the program's marks are not known yet (an address or account from another resource)
    assert failures_of(provider, smtp(f"a@{nowhere}", domains_in_program=Unknown())) == {}
    assert failures_of(provider, smtp(f"a@{nowhere}", account=Unknown())) == {}
    # declared by a Domains resource of the program in this account
    assert failures_of(provider, smtp(f"a@{nowhere}", domains_in_program=[nowhere])) == {}
    # accepted by an earlier preview (the previous inputs hold it): no new look
    olds = smtp(f"a@{nowhere}")
    assert failures_of(provider, smtp(f"a@{nowhere}"), olds) == {}
    assert unit_sandbox.control.total_requests() == before


# the program's side: which domains it declares in the mailbox resource's account ---------------


class Recorded(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.inputs: dict[str, dict[str, Any]] = {}

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        self.inputs[args.name] = dict(args.inputs)
        return f"{args.name}_id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any] | None]:
        return {}, None


@pytest.fixture
def recorded() -> Iterator[Recorded]:
    program_domains.reset()
    mocks = Recorded()
    pulumi.runtime.set_mocks(mocks, preview=True)
    yield mocks
    program_domains.reset()


def test_the_program_marks_the_domains_it_declares_in_the_same_account_in_any_order(
    recorded: Recorded,
) -> None:
    from pulumi_inboxed.mailin import (
        Domains,
        GoogleMailboxArgs,
        GoogleMailboxes,
        SmtpMailboxArgs,
        SmtpMailboxes,
    )

    @pulumi.runtime.test
    def program() -> Any:
        boxes = SmtpMailboxes(  # declared before the Domains resource holding its domain
            "boxes",
            mailboxes=[
                SmtpMailboxArgs("a@later.com", "A"),
                SmtpMailboxArgs("b@sales.later.com", "B"),  # a subdomain of a declared one
                SmtpMailboxArgs("c@elsewhere.com", "C"),  # in no Domains of the program
            ],
            account="client-a",
        )
        Domains("a-domains", domains=["Later.com"], account="client-a")
        Domains("b-domains", domains=["b-only.com"], account="client-b")
        gmail = GoogleMailboxes(
            "google", mailboxes=[GoogleMailboxArgs("j@b-only.com", "J", "D")], account="client-b"
        )
        return pulumi.Output.all(boxes.urn, gmail.urn)

    program()
    assert recorded.inputs["boxes"]["domains_in_program"] == ["later.com", "sales.later.com"]
    assert recorded.inputs["google"]["domains_in_program"] == ["b-only.com"]

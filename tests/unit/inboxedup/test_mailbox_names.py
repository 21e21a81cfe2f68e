"""Issue 22, "each rule once": an InboxedUp mailbox's username and its owner's names are checked
by one rule (`inboxedup.mailbox_names`), which `MailboxRequest`'s inputs (at preview) and the
sandbox's `POST /mailboxes` both ask: what one refuses, the other refuses, for the same reason."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from pulumi_inboxed.inboxedup import mailbox_names, mailbox_request
from pulumi_inboxed.inboxedup.mailbox_names import MAX_NAME_LENGTH, username_problem
from pulumi_inboxed.inboxedup.mailbox_request import MailboxRequestInputs, MailboxRequestProvider
from pulumi_inboxed.sandbox.errors import SandboxApiError
from pulumi_inboxed.sandbox.inboxedup.validation import parse_mailbox_request

from ..conftest import PreviewCheck, package_files_holding

BAD_USERNAMES = [
    "jo..hn",  # the sandbox took it before the rule was one
    ".john",
    "john.",
    "-john",
    "a" * 65,
    "sa<l>es",
    "jöhn",
    "jo hn",
    "john@acme.com",
]
GOOD_USERNAMES = ["john", "john.smith", "j_s-1", "a" * 64, "7"]


def request_inputs(**mailbox: Any) -> dict[str, Any]:
    entry = {"first_name": "A", "last_name": "B", "username": "a", **mailbox}
    return {
        "domain": "acme-outreach.com",
        "type": "smtp",
        "mailboxes": [entry],
        "domain_in_program": True,
    }


def refused_inputs(**mailbox: Any) -> list[str]:
    """The fields the resource's typed inputs refuse (a check of good inputs would read the
    account, and the provider process shares that read with the other tests)."""
    inputs = {k: v for k, v in request_inputs(**mailbox).items() if k != "domain_in_program"}
    try:
        MailboxRequestInputs.model_validate(inputs)
    except ValidationError as error:
        return [".".join(str(part) for part in e["loc"]) for e in error.errors()]
    return []


def request_body(**mailbox: Any) -> dict[str, Any]:
    entry = {"firstName": "A", "lastName": "B", "mailboxUsername": "a", **mailbox}
    return {"domain": "acme-outreach.com", "type": "smtp", "mailboxes": [entry]}


def sandbox_refusal(body: dict[str, Any]) -> tuple[str, str] | None:
    """(field, message) of the sandbox's 422, or None when it accepts the body."""
    try:
        parse_mailbox_request(body)
    except SandboxApiError as error:
        assert error.status == 422
        return str(error.details["field"]), error.message
    return None


@pytest.mark.parametrize("username", BAD_USERNAMES)
def test_a_username_the_rule_refuses_is_refused_by_the_resource_and_the_sandbox(
    preview_check: PreviewCheck, username: str
) -> None:
    reason = username_problem(username)
    assert reason is not None
    failures = preview_check(MailboxRequestProvider, request_inputs(username=username)).failures
    assert reason in failures.get("mailboxes[0].username", ""), failures
    refused = sandbox_refusal(request_body(mailboxUsername=username))
    assert refused is not None, f"the sandbox took {username!r}"
    field, message = refused
    assert field == "mailboxes[0].mailboxUsername" and reason in message, refused


@pytest.mark.parametrize("username", GOOD_USERNAMES)
def test_a_username_the_rule_takes_is_taken_by_both(username: str) -> None:
    assert username_problem(username) is None
    assert refused_inputs(username=username) == []
    assert sandbox_refusal(request_body(mailboxUsername=username)) is None


def test_the_sandbox_takes_the_username_as_sent_and_the_resource_sends_it_lower_case() -> None:
    inputs = MailboxRequestInputs.model_validate(
        {
            "domain": "acme-outreach.com",
            "type": "smtp",
            "mailboxes": [{"first_name": "A", "last_name": "B", "username": "  John.Smith "}],
        }
    )
    assert inputs.mailboxes[0].username == "john.smith"
    assert sandbox_refusal(request_body(mailboxUsername="john.smith")) is None
    refused = sandbox_refusal(request_body(mailboxUsername="John.Smith"))
    assert refused is not None and refused[0] == "mailboxes[0].mailboxUsername"


@pytest.mark.parametrize("key", ["first_name", "last_name"])
def test_a_name_over_the_bound_is_refused_by_both(preview_check: PreviewCheck, key: str) -> None:
    wire = {"first_name": "firstName", "last_name": "lastName"}[key]
    longest, over = "x" * MAX_NAME_LENGTH, "x" * (MAX_NAME_LENGTH + 1)
    failures = preview_check(MailboxRequestProvider, request_inputs(**{key: over})).failures
    assert f"at most {MAX_NAME_LENGTH}" in failures.get(f"mailboxes[0].{key}", ""), failures
    refused = sandbox_refusal(request_body(**{wire: over}))
    assert refused is not None, f"the sandbox took a {key} of {MAX_NAME_LENGTH + 1} characters"
    assert refused[0] == f"mailboxes[0].{wire}" and str(MAX_NAME_LENGTH) in refused[1]
    assert refused_inputs(**{key: longest}) == []
    assert sandbox_refusal(request_body(**{wire: longest})) is None


def test_the_rule_is_written_in_one_module_and_its_old_names_still_import() -> None:
    holders = package_files_holding("[a-z0-9._-]")
    assert holders == ["inboxedup/mailbox_names.py"], f"the username rule is written in {holders}"
    assert mailbox_request.USERNAME_RE is mailbox_names.USERNAME_RE
    assert mailbox_request.MAX_NAME_LENGTH == MAX_NAME_LENGTH

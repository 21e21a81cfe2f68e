"""mailin.SmtpMailboxes / GoogleMailboxes: the declaration checked at preview (every nested
mailbox field typed, passwords never shown), adoption, verified deletes, tolerant refresh."""

from __future__ import annotations

from typing import Any

import httpx
import pulumi
import pytest
from pulumi.output import Unknown

from pulumi_inboxed.core.lifecycle import DeleteNotConfirmedError
from pulumi_inboxed.core.resource_spec import resource_args_opts
from pulumi_inboxed.mailin import (
    GoogleMailboxArgs,
    MailinClient,
    SmtpMailboxArgs,
    SmtpMailboxes,
    SmtpMailboxesArgs,
    mailboxes,
)
from pulumi_inboxed.mailin import endpoints as ep
from pulumi_inboxed.mailin.mailboxes import SPECS, GoogleMailboxesProvider, SmtpMailboxesProvider
from pulumi_inboxed.mailin.models import NewSmtpMailbox
from pulumi_inboxed.sandbox import SandboxProcess

from ..conftest import (
    BadInput,
    MailinProvider,
    PreviewCheck,
    assert_rejected_at_preview,
    fake_mailin_api,
    mailin_bought,
    mailin_page,
    settle,
)
from ..fake_api import Call, FakeApi
from .fake_account import PREFIX

TOKEN = "mailin-sandbox-token"
SECRET = "Hunter2-Secret"  # a valid password: no failure may show it

# the declaration, checked at preview ------------------------------------------------------
SALES = {"username": "sales@acme-mail.com", "name": "Sales", "password": SECRET}
INFO = {"username": "info@acme-mail.com", "name": "Info"}
JOHN = {"username": "john@acme-gw.biz", "first_name": "John", "last_name": "Doe"}
SMTP_GOOD = {"mailboxes": [SALES, INFO], "wait_timeout_seconds": 60}
GOOGLE_GOOD = {"mailboxes": [JOHN], "wait_timeout_seconds": 60}


def smtp(third: dict[str, Any], **others: Any) -> dict[str, Any]:
    """Good inputs with `third` as mailboxes[2]."""
    return {**SMTP_GOOD, "mailboxes": [SALES, INFO, third], **others}


def google(entry: dict[str, Any], **others: Any) -> dict[str, Any]:
    return {**GOOGLE_GOOD, "mailboxes": [{**JOHN, **entry}], **others}


BOX = {"username": "desk@acme-mail.com", "name": "Desk"}

SMTP_BAD = [
    BadInput("password-short", smtp({**BOX, "password": "short"}), "mailboxes[2].password", "8"),
    BadInput("password-long", smtp({**BOX, "password": "x" * 25}), "mailboxes[2].password", "24"),
    BadInput("password-number", smtp({**BOX, "password": 12345678}), "mailboxes[2].password"),
    BadInput("password-empty", smtp({**BOX, "password": ""}), "mailboxes[2].password", "8"),
    BadInput("username-two-at", smtp({**BOX, "username": "a@b@x.com"}), "mailboxes[2].username"),
    BadInput(
        "username-specials", smtp({**BOX, "username": "sa<l>es,;@x.com"}), "mailboxes[2].username"
    ),
    BadInput(
        "username-local-100",
        smtp({**BOX, "username": "x" * 100 + "@acme-mail.com"}),
        "mailboxes[2].username",
        "too long",
    ),
    BadInput(
        "username-no-domain", smtp({**BOX, "username": "not-an-address"}), "mailboxes[2].username"
    ),
    BadInput(
        "username-mixed-script",
        smtp({**BOX, "username": "desk@\u0430pple-pay.com"}),
        "mailboxes[2].username",
        "mixes",
    ),
    BadInput("username-number", smtp({**BOX, "username": 7}), "mailboxes[2].username", "string"),
    BadInput(
        "username-duplicate",
        smtp({**BOX, "username": "SALES@acme-mail.com"}),
        "mailboxes[2].username",
        "duplicates mailboxes[0]",
    ),
    BadInput("username-missing", smtp({"name": "Desk"}), "mailboxes[2].username", "is required"),
    BadInput("name-blank", smtp({**BOX, "name": "  "}), "mailboxes[2].name", "at least 1"),
    BadInput("name-long", smtp({**BOX, "name": "n" * 101}), "mailboxes[2].name", "at most 100"),
    BadInput("name-number", smtp({**BOX, "name": 5}), "mailboxes[2].name", "valid string"),
    BadInput("name-missing", smtp({"username": "d@acme-mail.com"}), "mailboxes[2].name"),
    BadInput("entry-unknown-field", smtp({**BOX, "nmae": "Desk"}), "mailboxes[2].nmae"),
    BadInput("entry-string", smtp("desk@acme-mail.com"), "mailboxes[2]", "valid dictionary"),  # type: ignore[arg-type]
    BadInput("list-empty", {"mailboxes": []}, "mailboxes", "at least 1"),
    BadInput("list-object", {"mailboxes": BOX}, "mailboxes", "valid list"),
    BadInput("list-missing", {"wait_timeout_seconds": 60}, "mailboxes", "is required"),
    BadInput("wait-negative", {**SMTP_GOOD, "wait_timeout_seconds": -1}, "wait_timeout_seconds"),
    BadInput(
        "wait-huge", {**SMTP_GOOD, "wait_timeout_seconds": 1e12}, "wait_timeout_seconds", "86400"
    ),
    BadInput(
        "wait-string", {**SMTP_GOOD, "wait_timeout_seconds": "abc"}, "wait_timeout_seconds", "int"
    ),
    BadInput(
        "wait-fraction", {**SMTP_GOOD, "wait_timeout_seconds": 1.5}, "wait_timeout_seconds", "int"
    ),
    BadInput("destroy-adopted-string", {**SMTP_GOOD, "destroy_adopted": "yes"}, "destroy_adopted"),
]

GOOGLE_BAD = [
    BadInput("first-blank", google({"first_name": ""}), "mailboxes[0].first_name", "at least 1"),
    BadInput("last-missing", google({"last_name": None}), "mailboxes[0].last_name"),
    BadInput("last-number", google({"last_name": 3}), "mailboxes[0].last_name", "valid string"),
    BadInput("signature-number", google({"signature": 1}), "mailboxes[0].signature", "string"),
    BadInput(
        "signature-huge", google({"signature": "s" * 10_001}), "mailboxes[0].signature", "10000"
    ),
    BadInput(
        "forwarding-two-at",
        google({"forwarding_email": "a@b@x.com"}),
        "mailboxes[0].forwarding_email",
        "email",
    ),
    BadInput(
        "forwarding-list",
        google({"forwarding_email": ["a@x.com"]}),
        "mailboxes[0].forwarding_email",
    ),
    BadInput(
        "username-mixed-script",
        google({"username": "john@\u0430pple-pay.com"}),
        "mailboxes[0].username",
        "allow_mixed_script",
    ),
    BadInput(
        "password-not-an-input", google({"password": SECRET}), "mailboxes[0].password", "not an"
    ),
    BadInput("entries-numbers", {"mailboxes": [1, 2]}, "mailboxes[1]", "valid dictionary"),
    BadInput("wait-bool", google({}, wait_timeout_seconds=True), "wait_timeout_seconds", "int"),
]


def _no_password_shown(failures: dict[str, str]) -> None:
    shown = " ".join(failures.values())
    assert SECRET not in shown and "short" not in shown and "12345678" not in shown


@pytest.mark.bad_input
@pytest.mark.parametrize("bad", SMTP_BAD, ids=lambda b: b.case)
def test_smtp_bad_input_is_rejected_at_preview(preview_check: PreviewCheck, bad: BadInput) -> None:
    outcome = preview_check(SmtpMailboxesProvider, bad.inputs)
    assert_rejected_at_preview(outcome, bad)
    _no_password_shown(outcome.failures)


@pytest.mark.bad_input
@pytest.mark.parametrize("bad", GOOGLE_BAD, ids=lambda b: b.case)
def test_google_bad_input_is_rejected_at_preview(
    preview_check: PreviewCheck, bad: BadInput
) -> None:
    outcome = preview_check(GoogleMailboxesProvider, bad.inputs)
    assert_rejected_at_preview(outcome, bad)
    _no_password_shown(outcome.failures)


@pytest.mark.parametrize(
    ("kind", "good"),
    [(SmtpMailboxesProvider, SMTP_GOOD), (GoogleMailboxesProvider, GOOGLE_GOOD)],
)
def test_good_input_passes_with_no_api_call(
    preview_check: PreviewCheck, kind: Any, good: dict[str, Any]
) -> None:
    """On domains the program declares (its marks): nothing to look up in the account."""
    declared = ["acme-mail.com", "acme-gw.biz"]
    outcome = preview_check(
        kind, {**good, "wait_timeout_seconds": 60.0, "domains_in_program": declared}
    )
    assert outcome.failures == {} and outcome.aborted is None and outcome.requests == 0


def test_unknown_values_pass_and_the_known_rest_is_checked(preview_check: PreviewCheck) -> None:
    unknown_address = {"mailboxes": [{"username": Unknown(), "name": "Sales"}]}
    outcome = preview_check(SmtpMailboxesProvider, unknown_address)
    assert outcome.failures == {} and outcome.aborted is None and outcome.requests == 0
    outcome = preview_check(GoogleMailboxesProvider, {"mailboxes": Unknown()})
    assert outcome.failures == {} and outcome.requests == 0
    partly = {"mailboxes": [{"username": Unknown(), "name": "Sales", "password": "short"}]}
    outcome = preview_check(SmtpMailboxesProvider, partly)
    assert list(outcome.failures) == ["mailboxes[0].password"]
    _no_password_shown(outcome.failures)


def test_several_failures_in_one_preview_each_named() -> None:
    result = SmtpMailboxesProvider().check(
        {},
        {
            "mailboxes": [
                {"username": "a@x.com", "name": "A", "password": "short"},
                {"username": "not-an-address", "name": "B"},
                {"username": "c@x.com", "name": " "},
            ]
        },
    )
    failures = {f.property: f.reason for f in result.failures}
    assert set(failures) == {
        "mailboxes[0].password",
        "mailboxes[1].username",
        "mailboxes[2].name",
    }
    assert "short" not in failures["mailboxes[0].password"]


def test_check_normalizes_entries_and_fills_defaults() -> None:
    result = GoogleMailboxesProvider().check(
        {},
        {
            "mailboxes": [
                {
                    "username": " John@ACME-gw.biz",
                    "first_name": " John ",
                    "last_name": "Doe",
                    "signature": "",
                    "forwarding_email": "",
                }
            ],
            "domains_in_program": ["acme-gw.biz"],  # declared by the program: no account read
        },
    )
    assert result.failures == []
    assert result.inputs["mailboxes"] == [
        {
            "username": "john@acme-gw.biz",
            "first_name": "John",
            "last_name": "Doe",
            "signature": None,
            "forwarding_email": None,
        }
    ]
    assert result.inputs["wait_timeout_seconds"] == 900
    assert result.inputs["destroy_adopted"] is False


def test_diff_ignores_unset_fields_and_sees_real_changes() -> None:
    provider = SmtpMailboxesProvider()
    record = {"id": 1, "domain_id": 2, "name": "Sales", "active": True}
    olds = {
        "mailboxes": [{"username": "s@x.com", "name": "Sales"}],  # state without password: None
        "records": {"s@x.com": record},
        "wait_timeout_seconds": 900,
        "destroy_adopted": False,
    }
    news = {**olds, "mailboxes": [{"username": "s@x.com", "name": "Sales", "password": None}]}
    assert not provider.diff("s@x.com", olds, news).changes
    renamed = {**news, "mailboxes": [{"username": "s@x.com", "name": "Team", "password": None}]}
    assert provider.diff("s@x.com", olds, renamed).changes
    assert provider.diff("s@x.com", olds, {**news, "destroy_adopted": True}).changes
    assert provider.diff("s@x.com", olds, {**news, "mailboxes": [Unknown()]}).changes
    assert provider.diff("s@x.com", olds, news).replaces == []


# adoption and verified deletes, against the sandbox ----------------------------------------
def listed(client: MailinClient, username: str) -> bool:
    return any(m.username == username for m in client.list_mailboxes(username))


def made_outside(sandbox: SandboxProcess, username: str, name: str) -> None:
    client = MailinClient(sandbox.mailin_url, token=TOKEN)
    job = client.create_smtp_mailboxes([NewSmtpMailbox(username=username, name=name)])
    settle(lambda: client.get_mailbox_job(job).status == "completed")


def test_adopted_mailboxes_stay_and_made_ones_go(
    mailin_sandbox: SandboxProcess, mailin_provider: MailinProvider
) -> None:
    client = MailinClient(mailin_sandbox.mailin_url, token=TOKEN)
    mailin_bought(mailin_sandbox, "boxes-adopt.com")
    made_outside(mailin_sandbox, "old@boxes-adopt.com", "Old")

    provider = mailin_provider(SmtpMailboxesProvider)
    news = {
        "mailboxes": [
            {"username": "old@boxes-adopt.com", "name": "Old Renamed", "password": "Pass-1234"},
            {"username": "new@boxes-adopt.com", "name": "New"},
        ],
        "wait_timeout_seconds": 30,
    }
    checked = provider.check({}, news)
    assert checked.failures == []
    assert checked.inputs["destroy_adopted"] is False
    created = provider.create(checked.inputs)
    assert created.outs["adopted_mailboxes"] == ["old@boxes-adopt.com"]
    adopted = client.get_mailbox(created.outs["mailbox_ids"]["old@boxes-adopt.com"])
    assert (adopted.name, adopted.password) == ("Old Renamed", "Pass-1234")  # as declared
    read = provider.read(created.id, created.outs)
    assert not provider.diff(created.id, read.outs, checked.inputs).changes

    provider.delete(created.id, created.outs)
    assert listed(client, "old@boxes-adopt.com")  # existed before: left in the account
    assert not listed(client, "new@boxes-adopt.com")

    opted_in = provider.check({}, {**news, "destroy_adopted": True})
    created = provider.create(opted_in.inputs)
    assert created.outs["adopted_mailboxes"] == ["old@boxes-adopt.com"]
    provider.delete(created.id, created.outs)
    assert not listed(client, "old@boxes-adopt.com")


def test_removing_an_adopted_address_from_the_list_keeps_it(
    mailin_sandbox: SandboxProcess, mailin_provider: MailinProvider
) -> None:
    client = MailinClient(mailin_sandbox.mailin_url, token=TOKEN)
    mailin_bought(mailin_sandbox, "boxes-update.com")
    made_outside(mailin_sandbox, "kept@boxes-update.com", "K")
    provider = mailin_provider(SmtpMailboxesProvider)
    both = {
        "mailboxes": [
            {"username": "kept@boxes-update.com", "name": "K"},
            {"username": "made@boxes-update.com", "name": "M"},
        ],
        "wait_timeout_seconds": 30,
    }
    created = provider.create(provider.check({}, both).inputs)
    only_made = provider.check({}, {**both, "mailboxes": both["mailboxes"][1:]}).inputs
    updated = provider.update(created.id, created.outs, only_made)
    assert listed(client, "kept@boxes-update.com")
    assert updated.outs["adopted_mailboxes"] == []
    assert set(updated.outs["records"]) == {"made@boxes-update.com"}
    provider.delete(created.id, updated.outs)
    assert not listed(client, "made@boxes-update.com")


def test_refresh_sees_names_signatures_and_forwarding_changed_elsewhere(
    mailin_sandbox: SandboxProcess, mailin_provider: MailinProvider
) -> None:
    client = MailinClient(mailin_sandbox.mailin_url, token=TOKEN)
    mailin_bought(mailin_sandbox, "boxes-drift.biz", google=True)
    provider = mailin_provider(GoogleMailboxesProvider)
    news = {
        "mailboxes": [
            {
                "username": "ann@boxes-drift.biz",
                "first_name": "Ann",
                "last_name": "Lee",
                "signature": "Ann",
            }
        ],
        "wait_timeout_seconds": 30,
    }
    checked = provider.check({}, news).inputs
    created = provider.create(checked)
    assert created.outs["adopted_mailboxes"] == []
    mailbox_id = created.outs["mailbox_ids"]["ann@boxes-drift.biz"]
    assert not provider.diff(created.id, created.outs, checked).changes

    client.add_signature(mailbox_id, "changed elsewhere")
    client.setup_forwarding(mailbox_id, "Elsewhere@Agency-Desk.com")
    read = provider.read(created.id, created.outs)
    entry = read.outs["mailboxes"][0]
    assert entry["signature"] == "changed elsewhere"
    assert entry["forwarding_email"] == "elsewhere@agency-desk.com"
    assert provider.diff(created.id, read.outs, checked).changes  # the next up puts it back
    updated = provider.update(created.id, read.outs, checked)
    assert client.get_mailbox(mailbox_id).signature == "Ann"
    assert not client.get_mailbox(mailbox_id).redirect_email
    provider.delete(created.id, updated.outs)
    assert not any(m.id == mailbox_id for m in client.list_mailboxes("ann@", google=True))


# replies no page shows: faked HTTP -------------------------------------------------------
MAILBOX = {"id": 31, "domain_id": 7, "name": "Sales", "username": "sales@acme.com", "status": 1}
STATE = {
    "mailboxes": [{"username": "sales@acme.com", "name": "Sales"}],
    "records": {"sales@acme.com": {"id": 31, "domain_id": 7, "name": "Sales", "active": True}},
    "adopted_mailboxes": [],
    "destroy_adopted": False,
}


def mailbox_routes(*, get_status: int = 200, delete_status: int = 200) -> FakeApi:
    """Mailin.ai listing `MAILBOX` (id 31), answering its get and its delete with these."""

    def get(call: Call) -> httpx.Response:
        if call.params["mailbox_id"] != "31":
            return httpx.Response(404, json={"message": "Not Found"})
        return httpx.Response(get_status, json=MAILBOX if get_status == 200 else {})

    def delete(call: Call) -> httpx.Response:
        if call.params["mailbox_id"] != "31":
            return httpx.Response(404, json={"message": "Not Found"})
        return httpx.Response(delete_status, json={"message": "Mailbox removed."})

    api = FakeApi(ep, base_path=PREFIX)
    api.on(ep.LIST_MAILBOXES, lambda _c: httpx.Response(200, json=mailin_page([MAILBOX])))
    return api.on(ep.GET_MAILBOX, get).on(ep.DELETE_MAILBOX, delete)


def test_mailbox_delete_404_while_the_list_still_shows_it_fails() -> None:
    provider = fake_mailin_api(SmtpMailboxesProvider(), mailbox_routes(delete_status=404))
    with pytest.raises(DeleteNotConfirmedError) as caught:
        provider.delete("sales@acme.com", dict(STATE))
    assert "sales@acme.com" in str(caught.value) and "DELETE /mailboxes/31" in str(caught.value)


def test_mailbox_delete_that_leaves_the_mailbox_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mailboxes, "DELETE_SETTLE_SECONDS", 0.3)
    provider = fake_mailin_api(SmtpMailboxesProvider(), mailbox_routes())
    with pytest.raises(DeleteNotConfirmedError, match="still there"):
        provider.delete("sales@acme.com", dict(STATE))


def test_refresh_keeps_a_mailbox_the_guessed_get_path_does_not_find() -> None:
    provider = fake_mailin_api(SmtpMailboxesProvider(), mailbox_routes(get_status=404))
    read = provider.read("sales@acme.com", dict(STATE))
    assert set(read.outs["records"]) == {"sales@acme.com"}
    assert read.outs["wait_timeout_seconds"] == 900  # the declaration's default


# the program side: constructor forms, secret passwords -----------------------------------
def test_both_constructor_forms_take_the_same_inputs() -> None:
    boxes = [SmtpMailboxArgs("sales@acme-mail.com", "Sales", "Pass-1234")]  # positional order
    entry = {"username": "sales@acme-mail.com", "name": "Sales", "password": "Pass-1234"}
    assert dict(boxes[0]) == entry
    as_args, _ = resource_args_opts(SmtpMailboxesArgs, (SmtpMailboxesArgs(mailboxes=boxes),), {})
    as_keywords, _ = resource_args_opts(SmtpMailboxesArgs, (), {"mailboxes": boxes})
    assert vars(as_args) == vars(as_keywords)
    assert GoogleMailboxArgs("j@acme-gw.biz", "John", "Doe", "sig")["signature"] == "sig"
    with pytest.raises(TypeError):
        SmtpMailboxes("positional", boxes, 60)  # type: ignore[call-overload]
    assert not hasattr(SmtpMailboxes, "get")  # read needs the state's records


def test_given_passwords_are_made_secret_in_the_program() -> None:
    hook = SPECS[0].before_register
    assert hook is not None
    props: dict[str, Any] = {
        "mailboxes": [
            {"username": "a@x.com", "name": "A", "password": "Pass-1234"},
            {"username": "b@x.com", "name": "B", "password": None},
        ]
    }
    hook("boxes", props, None)
    first, second = props["mailboxes"]
    assert isinstance(first["password"], pulumi.Output)
    assert second["password"] is None and first["username"] == "a@x.com"

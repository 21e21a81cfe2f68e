"""`mailin.AzureOrder`: its declaration checked at preview (bad inputs of every kind, the manual
order's 100 mailboxes on its domain, purchasable TLDs, unknowns), the diff, and the handlers
against the sandbox (ready waits, in-place provider and master domain, re-upload, drift,
adoption and `destroy_adopted`, verified deletes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pulumi.runtime.settings
import pytest
from pulumi.output import UNKNOWN

from pulumi_inboxed.core.lifecycle import DeleteNotConfirmedError
from pulumi_inboxed.mailin import AzureMailboxArgs, AzureOrderArgs, MailinClient
from pulumi_inboxed.mailin import endpoints as ep
from pulumi_inboxed.mailin.azure_order import AzureOrderProvider
from pulumi_inboxed.sandbox import SandboxProcess

from ..conftest import BadInput, PreviewCheck, assert_rejected_at_preview
from .fake_microsoft import FakeMailin

Configured = Callable[[type[Any]], Any]
DOMAIN = "acme-ms.com"
LOOKALIKE = "\u0430pple-pay.com"  # Cyrillic a


def manual(domain: str, count: int = 100) -> list[dict[str, str]]:
    return [{"name": f"User {i}", "email": f"User{i}@{domain}"} for i in range(count)]


def with_entry(index: int, entry: Any) -> list[Any]:
    boxes: list[Any] = manual(DOMAIN)
    boxes[index] = entry
    return boxes


def failures(result: Any) -> list[str]:
    return [f"{f.property}: {f.reason}" for f in result.failures]


AUTO = {"domain": DOMAIN, "mailbox_mode": "auto", "full_names": ["Ann Lee"]}
MANUAL = {"domain": DOMAIN, "mailbox_mode": "manual", "mailboxes": manual(DOMAIN)}


def bad(case: str, field: str, reason: str, **values: Any) -> BadInput:
    """An auto order with `values` in."""
    return BadInput(case, {**AUTO, **values}, field, reason)


def bad_manual(case: str, field: str, reason: str, **values: Any) -> BadInput:
    """A manual order with `values` in."""
    return BadInput(case, {**MANUAL, **values}, field, reason)


def bad_entry(case: str, index: int, field: str, reason: str, entry: Any) -> BadInput:
    """A manual order whose mailbox `index` is `entry`."""
    path = f"mailboxes[{index}].{field}" if field else f"mailboxes[{index}]"
    return BadInput(case, {**MANUAL, "mailboxes": with_entry(index, entry)}, path, reason)


WAIT = "wait_timeout_seconds"
BAD_INPUTS = [
    # bools, numbers, bounds
    bad("purchase-string", "is_purchase", "valid boolean", is_purchase="false"),
    bad("purchase-number", "is_purchase", "valid boolean", is_purchase=0),
    bad("wait-negative", WAIT, "greater than or equal to 0", wait_timeout_seconds=-1),
    bad("wait-huge", WAIT, "less than or equal to 86400", wait_timeout_seconds=1e12),
    bad("wait-string", WAIT, "valid integer", wait_timeout_seconds="abc"),
    bad("wait-fraction", WAIT, "valid integer", wait_timeout_seconds=5.5),
    bad("wait-bool", WAIT, "valid integer", wait_timeout_seconds=True),
    bad("provider-id-string", "inbox_provider_id", "valid integer", inbox_provider_id="x"),
    bad("provider-id-negative", "inbox_provider_id", "greater than or", inbox_provider_id=-1),
    bad("provider-id-fraction", "inbox_provider_id", "valid integer", inbox_provider_id=1.5),
    bad("registrar-id-huge", "domain_registrar_id", "less than or", domain_registrar_id=1e300),
    bad("registrar-id-list", "domain_registrar_id", "valid integer", domain_registrar_id=[1]),
    bad("trigger-number", "reupload_trigger", "valid string", reupload_trigger=1),
    bad("flag-string", "destroy_adopted", "valid boolean", destroy_adopted="no"),
    # enums
    bad("mode-unknown", "mailbox_mode", "'auto' or 'manual'", mailbox_mode="semi"),
    bad("mode-number", "mailbox_mode", "'auto' or 'manual'", mailbox_mode=5),
    # domain names
    bad("domain-number", "domain", "valid string", domain=123),
    bad("domain-invalid", "domain", "", domain="bad_name.com"),
    bad("domain-lookalike", "domain", "mixes the", domain=LOOKALIKE),
    bad("domain-not-for-sale", "domain", "cannot be bought", domain="acme-ms.io"),
    bad("domain-subdomain-bought", "domain", "cannot be bought", domain="a.acme-ms.com"),
    BadInput("domain-missing", {"mailbox_mode": "auto", "full_names": ["A"]}, "domain", "required"),
    bad("master-invalid", "master_domain", "", master_domain="bad domain"),
    bad("master-number", "master_domain", "valid string", master_domain=5),
    bad("master-lookalike", "master_domain", "mixes the", master_domain=LOOKALIKE),
    bad("allow-mixed-string", "allow_mixed_script", "valid list", allow_mixed_script=LOOKALIKE),
    # auto mode
    bad("names-empty", "full_names", "at least one full name", full_names=[]),
    bad("names-string", "full_names", "valid list", full_names="Ann Lee"),
    bad("names-number", "full_names[0]", "valid string", full_names=[123]),
    bad("names-blank", "full_names[1]", "at least 1 character", full_names=["Ann Lee", " "]),
    bad("auto-with-mailboxes", "mailboxes", "is for manual mode only", mailboxes=manual(DOMAIN)),
    # manual mode: the count, each entry's shape and address
    bad_manual(
        "manual-99",
        "mailboxes",
        "has 99 mailboxes; manual mode needs exactly 100",
        mailboxes=manual(DOMAIN, 99),
    ),
    bad_manual("manual-101", "mailboxes", "has 101 mailboxes", mailboxes=manual(DOMAIN, 101)),
    bad_manual("manual-none", "mailboxes", "manual mode needs a list of 100", mailboxes=None),
    bad_manual("manual-object", "mailboxes", "valid list", mailboxes={"name": "A", "email": "a@b"}),
    bad_manual("manual-with-names", "full_names", "is for auto mode only", full_names=["A B"]),
    bad_entry(
        "off-domain", 42, "email", "is not on acme-ms.com", {"name": "X", "email": "x@o.com"}
    ),
    bad_entry("twice", 9, "email", "appears twice", {"name": "X", "email": "user3@acme-ms.com"}),
    bad_entry(
        "two-ats", 3, "email", "not a valid email", {"name": "X", "email": "a@b@acme-ms.com"}
    ),
    bad_entry(
        "specials", 4, "email", "not a valid email", {"name": "X", "email": "sa<l>es,;@acme-ms.com"}
    ),
    bad_entry(
        "long-local", 5, "email", "not a valid email", {"name": "X", "email": "a" * 100 + "@x.com"}
    ),
    bad_entry("email-number", 6, "email", "valid string", {"name": "X", "email": 6}),
    bad_entry("lookalike", 7, "email", "mixes the", {"name": "X", "email": f"x@{LOOKALIKE}"}),
    bad_entry("entry-string", 0, "", "valid dictionary", "user0@acme-ms.com"),
    bad_entry(
        "extra-key",
        1,
        "password",
        "not an input",
        {"name": "X", "email": "x1@acme-ms.com", "password": 1},
    ),
    bad_entry("no-name", 2, "name", "is required", {"email": "x2@acme-ms.com"}),
    bad_entry("blank-name", 8, "name", "at least 1 char", {"name": " ", "email": "x8@acme-ms.com"}),
    bad_entry("name-number", 10, "name", "valid string", {"name": 10, "email": "x10@acme-ms.com"}),
]


@pytest.mark.bad_input
@pytest.mark.parametrize("bad", BAD_INPUTS, ids=lambda b: b.case)
def test_bad_input_is_rejected_at_preview(preview_check: PreviewCheck, bad: BadInput) -> None:
    assert_rejected_at_preview(preview_check(AzureOrderProvider, bad.inputs), bad)


@pytest.mark.parametrize(
    "inputs",
    [
        AUTO,
        MANUAL,
        {**AUTO, "domain": "acme-ms.io", "is_purchase": False},  # a transfer: any TLD
        {**AUTO, "domain": LOOKALIKE, "allow_mixed_script": [LOOKALIKE]},
        {**MANUAL, "master_domain": "", "reupload_trigger": "1", "wait_timeout_seconds": 0.0},
    ],
    ids=["auto", "manual", "transfer", "lookalike-allowed", "blank-master"],
)
def test_good_input_passes_with_no_api_call(
    preview_check: PreviewCheck, inputs: dict[str, Any]
) -> None:
    outcome = preview_check(AzureOrderProvider, inputs)
    assert outcome.failures == {} and outcome.aborted is None and outcome.requests == 0


@pytest.mark.parametrize(
    "inputs",
    [
        {**MANUAL, "inbox_provider_id": UNKNOWN, "domain_registrar_id": UNKNOWN},
        {**AUTO, "domain": UNKNOWN},
        {**AUTO, "full_names": UNKNOWN},
        {**AUTO, "full_names": ["Ann Lee", UNKNOWN]},
        {**MANUAL, "mailboxes": with_entry(5, {"name": UNKNOWN, "email": UNKNOWN})},
        {**MANUAL, "mailboxes": UNKNOWN},
        {**AUTO, "master_domain": UNKNOWN, "destroy_adopted": UNKNOWN},
    ],
    ids=["ids", "domain", "names", "one-name", "one-entry", "mailboxes", "master-and-flag"],
)
def test_unknown_values_pass_preview_with_no_api_call(
    preview_check: PreviewCheck, inputs: dict[str, Any]
) -> None:
    outcome = preview_check(AzureOrderProvider, inputs)
    assert outcome.failures == {} and outcome.aborted is None and outcome.requests == 0


def test_the_order_rules_hold_beside_an_unknown_provider_id(preview_check: PreviewCheck) -> None:
    """A fresh stack's order takes its inbox provider id from another resource: the manual
    count is still checked at that preview."""
    outcome = preview_check(
        AzureOrderProvider,
        {**MANUAL, "mailboxes": manual(DOMAIN, 99), "inbox_provider_id": UNKNOWN},
    )
    assert outcome.failures == {"mailboxes": "has 99 mailboxes; manual mode needs exactly 100"}
    assert outcome.requests == 0
    outcome = preview_check(AzureOrderProvider, {**AUTO, "is_purchase": "false", "domain": UNKNOWN})
    assert set(outcome.failures) == {"is_purchase"} and outcome.requests == 0


def test_check_records_normalized_inputs_with_their_defaults() -> None:
    checked = AzureOrderProvider().check({}, {**MANUAL, "domain": "ACME-ms.com"})
    assert failures(checked) == []
    assert checked.inputs["mailboxes"][0] == {"name": "User 0", "email": "user0@acme-ms.com"}
    assert checked.inputs["domain"] == DOMAIN and checked.inputs["is_purchase"] is True
    assert checked.inputs["wait_timeout_seconds"] == 1800
    assert checked.inputs["master_domain"] is None and checked.inputs["destroy_adopted"] is False
    blank = AzureOrderProvider().check({}, {**AUTO, "master_domain": " ", "full_names": [" A "]})
    assert failures(blank) == [] and blank.inputs["master_domain"] is None
    assert blank.inputs["full_names"] == ["A"]


def test_the_generated_args_keep_the_positional_mailbox_form() -> None:
    box = AzureMailboxArgs("User 1", "user1@acme-ms.com")
    assert dict(box) == {"name": "User 1", "email": "user1@acme-ms.com"}
    args = AzureOrderArgs(domain=DOMAIN, mailbox_mode="manual", mailboxes=[box])
    assert args.domain == DOMAIN and args.mailboxes == [box]


def test_order_diff_in_place_and_replacements() -> None:
    provider = AzureOrderProvider()
    olds: dict[str, Any] = {
        "domain": "a.com",
        "mailbox_mode": "manual",
        "mailboxes": manual("a.com"),
        "inbox_provider_id": 1,
        "master_domain": None,
        "reupload_trigger": None,
        "wait_timeout_seconds": 1800,
    }
    for key, value in (
        ("inbox_provider_id", 2),
        ("master_domain", "m.com"),
        ("reupload_trigger", "1"),
        ("destroy_adopted", True),
    ):
        result = provider.diff("4", olds, {**olds, key: value})
        assert result.changes and result.replaces == [], key
    assert not provider.diff("4", olds, {**olds, "wait_timeout_seconds": 60}).changes
    assert not provider.diff("4", olds, {**olds, "is_purchase": True}).changes  # the default
    same_domain = provider.diff("4", olds, {**olds, "mailboxes": manual("a.com")[::-1]})
    assert same_domain.replaces == ["mailboxes"] and same_domain.delete_before_replace
    other_domain = provider.diff(
        "4", olds, {**olds, "domain": "b.com", "mailboxes": manual("b.com")}
    )
    assert other_domain.replaces == ["domain", "mailboxes"]
    assert not other_domain.delete_before_replace
    bought = provider.diff("4", olds, {**olds, "is_purchase": False})
    assert bought.replaces == ["is_purchase"]


# handlers against the sandbox -----------------------------------------------------------------


def test_order_lifecycle(
    microsoft_sandbox: SandboxProcess,
    microsoft_provider: Configured,
    microsoft_client: MailinClient,
) -> None:
    client = microsoft_client
    first = client.add_inbox_provider({"name": "A", "provider": "instantly", "api_key": "k"})
    second = client.add_inbox_provider({"name": "B", "provider": "instantly", "api_key": "k"})
    provider = microsoft_provider(AzureOrderProvider)
    news = {
        "domain": "life-ms.com",
        "mailbox_mode": "manual",
        "mailboxes": manual("life-ms.com"),
        "inbox_provider_id": first,
        "master_domain": "main.com",
        "wait_timeout_seconds": 60,
    }
    inputs = provider.check({}, news).inputs
    created = provider.create(inputs)
    outs = created.outs
    assert outs["status"] == "ready" and len(outs["nameservers"]) == 4
    assert len(outs["order_mailboxes"]) == 100 and outs["order_mailboxes"][0]["password"]
    assert outs["upload_status"]["total"] == 100 and outs["upload_status"]["pending"] == 100
    order = client.get_azure_order(int(created.id))
    assert order is not None and order.forward_to == "main.com" and order.provider_id == first
    # a retried create adopts the order instead of ordering again
    assert provider.create(inputs).id == created.id
    assert provider.create(inputs).outs["adopted"] is True and outs["adopted"] is False
    # refresh right after: no drift
    assert not provider.diff(created.id, provider.read(created.id, outs).outs, inputs).changes

    moved = {
        **inputs,
        "inbox_provider_id": second,
        "master_domain": "b.com",
        "reupload_trigger": "1",
    }
    microsoft_sandbox.control.mailin_finish_upload(int(created.id))
    updated = provider.update(created.id, outs, moved).outs
    assert updated["upload_status"]["pending"] == 100  # started over for the new provider
    order = client.get_azure_order(int(created.id))
    assert order is not None and order.provider_id == second and order.forward_to == "b.com"
    assert microsoft_sandbox.control.mailin_azure_order(int(created.id))["reuploads"] == 1

    # drift: the provider removed outside Pulumi shows on refresh
    client.remove_azure_inbox_provider(int(created.id))
    read = provider.read(created.id, updated)
    assert read.outs["inbox_provider_id"] is None and read.outs["upload_status"] is None
    # `AzureOrder.get(name, id)`: read with no state but the id
    got = provider.read(created.id, {}).outs
    assert got["domain"] == "life-ms.com" and got["mailbox_mode"] == "manual"
    assert got["order_id"] == int(created.id)
    provider.delete(created.id, updated)
    assert client.find_azure_order("life-ms.com") is None
    assert provider.read(created.id, updated).id == ""


def warned(capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The warnings the provider host printed (`core.lifecycle.warn`: one line each)."""
    err = capsys.readouterr().err
    return [
        line.removeprefix("warning: ") for line in err.splitlines() if line.startswith("warning:")
    ]


def test_removing_the_master_domain_sends_no_null_and_says_what_stays(
    microsoft_provider: Configured,
    microsoft_client: MailinClient,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 11, defect 10: the page's set-redirect-domain takes a domain and nothing removes
    one; the update used to send ``forward_to: null``, which an API requiring it answers 422."""
    monkeypatch.setattr(pulumi.runtime.settings, "get_engine", lambda: None)  # the provider host
    client = microsoft_client
    provider = microsoft_provider(AzureOrderProvider)
    news = {"domain": "master-ms.com", "mailbox_mode": "auto", "full_names": ["Ann Lee"]}
    inputs = provider.check({}, {**news, "master_domain": "main.com"}).inputs
    created = provider.create(inputs)
    removed = provider.check(inputs, {**news, "master_domain": None}).inputs
    assert provider.diff(created.id, created.outs, removed).changes
    updated = provider.update(created.id, created.outs, removed).outs  # no 422
    assert updated["master_domain"] is None and updated["master_domain_left"] == "main.com"
    warnings = warned(capsys)
    assert len(warnings) == 1  # one whole line
    assert "no way to remove a master domain" in warnings[0] and "main.com" in warnings[0]
    order = client.get_azure_order(int(created.id))
    assert order is not None and order.forward_to == "main.com"  # what the API keeps
    # a refresh does not bring the kept master domain back as drift: no change after it
    read = provider.read(created.id, updated).outs
    assert read["master_domain"] is None
    assert not provider.diff(created.id, read, removed).changes
    # setting one again is an ordinary set; a change made elsewhere is drift
    again = provider.update(created.id, read, {**removed, "master_domain": "new.com"}).outs
    assert again["master_domain"] == "new.com" and again["master_domain_left"] is None
    client.set_azure_master_domain(int(created.id), "elsewhere.com")
    assert provider.read(created.id, again).outs["master_domain"] == "elsewhere.com"
    provider.delete(created.id, again)


def test_a_late_order_is_recorded_with_a_warning(
    microsoft_sandbox: SandboxProcess,
    microsoft_provider: Configured,
    microsoft_client: MailinClient,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pulumi.runtime.settings, "get_engine", lambda: None)  # the provider host
    microsoft_sandbox.control.update_settings(mailin_azure_seconds=1000)
    try:
        provider = microsoft_provider(AzureOrderProvider)
        news = {"domain": "late-ms.com", "mailbox_mode": "auto", "full_names": ["Ann Lee"]}
        created = provider.create({**provider.check({}, news).inputs, "wait_timeout_seconds": 0.3})
    finally:
        microsoft_sandbox.control.update_settings(mailin_azure_seconds=0.3)
    assert created.outs["status"] == "in_progress" and created.outs["nameservers"] == []
    warnings = warned(capsys)
    assert len(warnings) == 1
    assert "is 'in_progress', not ready within wait_timeout_seconds" in warnings[0]


def test_an_adopted_azure_order_stays_unless_destroy_adopted(
    microsoft_provider: Configured,
    microsoft_client: MailinClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = microsoft_client
    messages: list[str] = []
    monkeypatch.setattr("pulumi_inboxed.core.lifecycle.note", messages.append)
    provider = microsoft_provider(AzureOrderProvider)
    news = {"domain": "kept-ms.com", "mailbox_mode": "auto", "full_names": ["Ann Lee"]}
    client.add_azure_order({**news, "full_name": ["Ann Lee"], "is_purchase": 1})  # by hand
    before = client.find_azure_order("kept-ms.com")
    assert before is not None
    inputs = provider.check({}, news).inputs
    created = provider.create(inputs)
    assert created.id == str(before.id) and created.outs["adopted"] is True
    provider.delete(created.id, created.outs)
    assert client.find_azure_order("kept-ms.com") is not None
    assert "kept-ms.com" in messages[-1] and "destroy_adopted=True" in messages[-1]

    provider.delete(created.id, {**created.outs, "destroy_adopted": True})
    assert client.find_azure_order("kept-ms.com") is None

    made = provider.create(inputs)  # nothing there now: placed, and deleted on destroy
    assert made.outs["adopted"] is False
    provider.delete(made.id, made.outs)
    assert client.find_azure_order("kept-ms.com") is None


ORDER = {"id": 4, "domain": "stay.com", "mailbox_mode": "auto", "provider_id": None}


def stubborn_client(delete_status: int) -> MailinClient:
    """A Mailin.ai listing `ORDER`, whose order deletes answer `delete_status` and remove
    nothing."""
    fake = FakeMailin()
    fake.orders.append({**ORDER, "forward_to": None, "mailboxes": []})
    fake.on(
        ep.DELETE_AZURE_ORDER,
        lambda _c: httpx.Response(delete_status, json={"message": "Not found."}),
    )
    return fake.client()


@pytest.mark.parametrize("delete_status", [404, 200])
def test_a_delete_is_confirmed_by_reading_back(
    monkeypatch: pytest.MonkeyPatch, delete_status: int
) -> None:
    """The old delete swallowed a 404 (and trusted a 200): destroy said deleted while the
    order stayed."""
    provider = AzureOrderProvider()
    stub = stubborn_client(delete_status)
    monkeypatch.setattr(provider, "_client", lambda _props: stub)
    monkeypatch.setattr("pulumi_inboxed.mailin.azure_order.DELETE_SETTLE_SECONDS", 0.3)
    with pytest.raises(DeleteNotConfirmedError) as info:
        provider.delete("4", {"domain": "stay.com", "adopted": False})
    assert "Mailin.ai Azure order stay.com (order 4)" in str(info.value)
    if delete_status == 404:
        assert "answered 404" in str(info.value)

"""mailin.DomainForwarding / EmailForwarding: the declaration checked at preview, tolerant
refresh, verified removal, adoption.

Replies whose shape no page shows are faked with `httpx.MockTransport` (the page's own domain
shape has no forwarding field at all); adoption runs against the sandbox.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pulumi.output import Unknown

from pulumi_inboxed.core.lifecycle import DeleteNotConfirmedError
from pulumi_inboxed.mailin import MailinClient, forwarding
from pulumi_inboxed.mailin import endpoints as ep
from pulumi_inboxed.mailin.forwarding import DomainForwardingProvider, EmailForwardingProvider
from pulumi_inboxed.sandbox import SandboxProcess

from ..conftest import (
    BadInput,
    MailinProvider,
    PreviewCheck,
    assert_rejected_at_preview,
    fake_mailin_api,
    mailin_bought,
    mailin_page,
)
from ..fake_api import Call, FakeApi
from .fake_account import PREFIX

TOKEN = "mailin-sandbox-token"

# the declaration, checked at preview ------------------------------------------------------
DOMAIN_GOOD = {"domain_id": 7, "forward_to": "acme.com"}
EMAIL_GOOD = {"domain_id": 7, "forward_to": "desk@acme.com"}

DOMAIN_BAD = [
    BadInput("id-string", {**DOMAIN_GOOD, "domain_id": "seven"}, "domain_id", "valid integer"),
    BadInput("id-fraction", {**DOMAIN_GOOD, "domain_id": 7.5}, "domain_id", "valid integer"),
    BadInput("id-bool", {**DOMAIN_GOOD, "domain_id": True}, "domain_id", "valid integer"),
    BadInput("id-negative", {**DOMAIN_GOOD, "domain_id": -1}, "domain_id", "greater than or equal"),
    BadInput("id-zero", {**DOMAIN_GOOD, "domain_id": 0}, "domain_id", "greater than or equal"),
    BadInput("id-huge", {**DOMAIN_GOOD, "domain_id": 1e16}, "domain_id", "less than or equal"),
    BadInput("id-missing", {"forward_to": "acme.com"}, "domain_id", "is required"),
    BadInput("target-missing", {"domain_id": 7}, "forward_to", "is required"),
    BadInput("target-number", {**DOMAIN_GOOD, "forward_to": 5}, "forward_to", "valid string"),
    BadInput("target-list", {**DOMAIN_GOOD, "forward_to": ["acme.com"]}, "forward_to", "string"),
    BadInput("target-bad-name", {**DOMAIN_GOOD, "forward_to": "bad_name.com"}, "forward_to"),
    BadInput("target-blank", {**DOMAIN_GOOD, "forward_to": "  "}, "forward_to"),
    BadInput(
        "target-mixed-script",
        {**DOMAIN_GOOD, "forward_to": "\u0430pple-pay.com"},
        "forward_to",
        "mixes the CYRILLIC and LATIN scripts",
    ),
    BadInput(
        "target-mixed-script-listed-elsewhere",
        {**DOMAIN_GOOD, "forward_to": "\u0430pple-pay.com", "allow_mixed_script": ["other.com"]},
        "forward_to",
        "allow_mixed_script",
    ),
    BadInput(
        "allow-mixed-not-a-list",
        {**DOMAIN_GOOD, "allow_mixed_script": "x.com"},
        "allow_mixed_script",
        "valid list",
    ),
    BadInput(
        "allow-mixed-numbers",
        {**DOMAIN_GOOD, "allow_mixed_script": [1]},
        "allow_mixed_script[0]",
        "valid string",
    ),
    BadInput(
        "destroy-adopted-string",
        {**DOMAIN_GOOD, "destroy_adopted": "false"},
        "destroy_adopted",
        "valid boolean",
    ),
    BadInput(
        "target-object", {**DOMAIN_GOOD, "forward_to": {"name": "x.com"}}, "forward_to", "string"
    ),
]

EMAIL_BAD = [
    BadInput("two-at-signs", {**EMAIL_GOOD, "forward_to": "a@b@x.com"}, "forward_to", "email"),
    BadInput("specials", {**EMAIL_GOOD, "forward_to": "sa<l>es,;@x.com"}, "forward_to", "email"),
    BadInput(
        "local-part-100",
        {**EMAIL_GOOD, "forward_to": "x" * 100 + "@x.com"},
        "forward_to",
        "too long",
    ),
    BadInput("no-at", {**EMAIL_GOOD, "forward_to": "desk.acme.com"}, "forward_to", "email"),
    BadInput("no-local", {**EMAIL_GOOD, "forward_to": "@acme.com"}, "forward_to", "email"),
    BadInput("space", {**EMAIL_GOOD, "forward_to": "de sk@acme.com"}, "forward_to", "email"),
    BadInput("bad-domain", {**EMAIL_GOOD, "forward_to": "desk@bad_name.com"}, "forward_to"),
    BadInput(
        "mixed-script-domain",
        {**EMAIL_GOOD, "forward_to": "desk@\u0430pple-pay.com"},
        "forward_to",
        "mixes",
    ),
    BadInput("number", {**EMAIL_GOOD, "forward_to": 42}, "forward_to", "valid string"),
    BadInput("id-string", {**EMAIL_GOOD, "domain_id": "7a"}, "domain_id", "valid integer"),
    BadInput("id-negative", {**EMAIL_GOOD, "domain_id": -5}, "domain_id", "greater than"),
    BadInput(
        "destroy-adopted-number",
        {**EMAIL_GOOD, "destroy_adopted": 1},
        "destroy_adopted",
        "valid boolean",
    ),
]


@pytest.mark.bad_input
@pytest.mark.parametrize("bad", DOMAIN_BAD, ids=lambda b: b.case)
def test_domain_forwarding_bad_input_is_rejected_at_preview(
    preview_check: PreviewCheck, bad: BadInput
) -> None:
    assert_rejected_at_preview(preview_check(DomainForwardingProvider, bad.inputs), bad)


@pytest.mark.bad_input
@pytest.mark.parametrize("bad", EMAIL_BAD, ids=lambda b: b.case)
def test_email_forwarding_bad_input_is_rejected_at_preview(
    preview_check: PreviewCheck, bad: BadInput
) -> None:
    assert_rejected_at_preview(preview_check(EmailForwardingProvider, bad.inputs), bad)


@pytest.mark.parametrize(
    ("kind", "good"),
    [(DomainForwardingProvider, DOMAIN_GOOD), (EmailForwardingProvider, EMAIL_GOOD)],
)
def test_good_input_passes_with_no_api_call(
    preview_check: PreviewCheck, kind: Any, good: dict[str, Any]
) -> None:
    outcome = preview_check(kind, {**good, "domain_id": 7.0})  # Pulumi's numbers are floats
    assert outcome.failures == {} and outcome.aborted is None and outcome.requests == 0


def test_a_listed_mixed_script_name_passes(preview_check: PreviewCheck) -> None:
    inputs = {**DOMAIN_GOOD, "forward_to": "\u0430pple-pay.com"}
    inputs["allow_mixed_script"] = ["\u0430pple-pay.com"]
    outcome = preview_check(DomainForwardingProvider, inputs)
    assert outcome.failures == {} and outcome.requests == 0


def test_check_normalizes_and_fills_defaults() -> None:
    result = EmailForwardingProvider().check(
        {}, {"domain_id": 7.0, "forward_to": " Desk@ACME.com "}
    )
    assert result.failures == []
    assert result.inputs == {
        "domain_id": 7,
        "forward_to": "desk@acme.com",
        "destroy_adopted": False,
        "allow_mixed_script": [],
    }
    result = DomainForwardingProvider().check({}, {"domain_id": 7, "forward_to": "Bücher.DE"})
    assert result.inputs["forward_to"] == "xn--bcher-kva.de"


def test_check_accepts_unknown_inputs(preview_check: PreviewCheck) -> None:
    result = DomainForwardingProvider().check(
        {}, {"domain_id": Unknown(), "forward_to": "Target.COM", "destroy_adopted": False}
    )
    assert result.failures == []
    assert result.inputs["forward_to"] == "target.com"
    for kind in (DomainForwardingProvider, EmailForwardingProvider):
        outcome = preview_check(kind, {"domain_id": Unknown(), "forward_to": Unknown()})
        assert outcome.failures == {} and outcome.aborted is None and outcome.requests == 0
    # the known part of a partly unknown input is still checked
    outcome = preview_check(
        EmailForwardingProvider, {"domain_id": Unknown(), "forward_to": "a@b@x"}
    )
    assert set(outcome.failures) == {"forward_to"}


def test_diff_replaces_on_a_new_domain_and_updates_the_target() -> None:
    provider = DomainForwardingProvider()
    olds = {"domain_id": 7, "forward_to": "a.com", "destroy_adopted": False, "adopted": False}
    assert not provider.diff("7", olds, {**olds}).changes
    moved = provider.diff("7", olds, {**olds, "forward_to": "b.com"})
    assert moved.changes and moved.replaces == []
    assert provider.diff("7", olds, {**olds, "domain_id": 8}).replaces == ["domain_id"]
    assert provider.diff("7", olds, {**olds, "domain_id": Unknown()}).replaces == ["domain_id"]
    assert provider.diff("7", olds, {**olds, "destroy_adopted": True}).changes
    # state written before allow_mixed_script existed: no change
    assert not provider.diff("7", olds, {**olds, "allow_mixed_script": []}).changes


# replies no page shows: faked HTTP ---------------------------------------------------------
PAGE_SHAPE = {"id": 7, "name": "acme-mail.com", "main_domain": 1, "status": "Active"}
"""`GET /domains/{id}` as the page shows it: no forwarding field."""


def routes(
    domain: dict[str, Any] | None,
    *,
    listed: list[dict[str, Any]] | None = None,
    remove_status: int = 200,
) -> FakeApi:
    """Mailin.ai answering `GET_DOMAIN` 7 with `domain` (404 when None), its lists with
    `listed`, the forwarding removals with `remove_status` and every other write with 200."""

    def get_domain(call: Call) -> httpx.Response:
        if domain is None or call.params["domain_id"] != "7":
            return httpx.Response(404, json={"message": "Domain not found."})
        return httpx.Response(200, json=domain)

    def remove(_call: Call) -> httpx.Response:
        if remove_status == 404:
            return httpx.Response(404, json={"message": "Not Found"})
        return httpx.Response(200, json={"message": "removed"})

    api = FakeApi(ep, base_path=PREFIX).on(ep.GET_DOMAIN, get_domain)
    for listing in (ep.LIST_DOMAINS, ep.LIST_GOOGLE_DOMAINS):
        api.on(listing, lambda _c: httpx.Response(200, json=mailin_page(listed or [])))
    for removal in (ep.REMOVE_DOMAIN_FORWARDING, ep.REMOVE_EMAIL_FORWARDING):
        api.on(removal, remove)
    for setting in (ep.FORWARD_DOMAIN, ep.FORWARD_EMAIL):
        api.on(setting, lambda _c: httpx.Response(200, json={"message": "updated"}))
    return api


STATE = {"domain_id": 7, "forward_to": "target.com", "destroy_adopted": False, "adopted": False}
EMAIL_STATE = {**STATE, "forward_to": "catch@agency-desk.com"}


@pytest.mark.parametrize("kind", [DomainForwardingProvider, EmailForwardingProvider])
def test_refresh_keeps_a_forwarding_the_reply_does_not_show(kind: Any) -> None:
    """The page's domain reply has no forwarding field: absent is not "removed"."""
    provider = fake_mailin_api(kind(), routes(PAGE_SHAPE))
    state = STATE if kind is DomainForwardingProvider else EMAIL_STATE
    result = provider.read("7", dict(state))
    assert result.id == "7"
    assert result.outs["forward_to"] == state["forward_to"]
    assert result.inputs["forward_to"] == state["forward_to"]
    assert result.inputs["allow_mixed_script"] == []  # the declaration's default


@pytest.mark.parametrize("kind", [DomainForwardingProvider, EmailForwardingProvider])
def test_refresh_keeps_it_when_the_guessed_get_path_answers_404_but_the_list_has_it(
    kind: Any,
) -> None:
    provider = fake_mailin_api(kind(), routes(None, listed=[{"id": 7, "name": "acme-mail.com"}]))
    state = STATE if kind is DomainForwardingProvider else EMAIL_STATE
    assert provider.read("7", dict(state)).id == "7"


def test_refresh_removes_only_a_confirmed_absence() -> None:
    field_empty = {**PAGE_SHAPE, "forward_to": None}
    provider = fake_mailin_api(DomainForwardingProvider(), routes(field_empty))
    assert provider.read("7", dict(STATE)).id == ""
    gone = fake_mailin_api(DomainForwardingProvider(), routes(None, listed=[]))
    assert gone.read("7", dict(STATE)).id == ""


def test_refresh_reads_a_target_changed_elsewhere() -> None:
    moved = {**PAGE_SHAPE, "email_forward_to": "Other@Agency-Desk.com"}
    result = fake_mailin_api(EmailForwardingProvider(), routes(moved)).read("7", dict(EMAIL_STATE))
    assert result.id == "7"
    assert result.inputs["forward_to"] == "other@agency-desk.com"


def test_email_forwarding_removal_404_is_not_success_while_the_domain_still_forwards() -> None:
    still = {**PAGE_SHAPE, "email_forward_to": "catch@agency-desk.com"}
    provider = fake_mailin_api(EmailForwardingProvider(), routes(still, remove_status=404))
    with pytest.raises(DeleteNotConfirmedError) as caught:
        provider.delete("7", dict(EMAIL_STATE))
    message = str(caught.value)
    assert "404" in message and "/domains/remove/email/forward" in message
    assert "domain 7" in message


def test_email_forwarding_removal_404_that_no_read_can_confirm_fails() -> None:
    api = routes(PAGE_SHAPE, remove_status=404)
    provider = fake_mailin_api(EmailForwardingProvider(), api)
    with pytest.raises(DeleteNotConfirmedError, match="cannot be confirmed"):
        provider.delete("7", dict(EMAIL_STATE))
    assert len(api.calls_to(ep.REMOVE_EMAIL_FORWARDING)) == 1


def test_removal_404_counts_when_the_domain_is_confirmed_gone() -> None:
    provider = fake_mailin_api(
        EmailForwardingProvider(), routes(None, listed=[], remove_status=404)
    )
    provider.delete("7", dict(EMAIL_STATE))  # no error: the lists agree the domain is gone


def test_removal_that_answers_200_but_leaves_the_forwarding_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(forwarding, "DELETE_SETTLE_SECONDS", 0.3)
    still = {**PAGE_SHAPE, "forward_to": "target.com"}
    provider = fake_mailin_api(DomainForwardingProvider(), routes(still))
    with pytest.raises(DeleteNotConfirmedError, match="still there"):
        provider.delete("7", dict(STATE))


# adoption, against the sandbox ------------------------------------------------------------
def test_a_forwarding_that_existed_before_is_adopted_and_put_back_on_delete(
    mailin_sandbox: SandboxProcess, mailin_provider: MailinProvider
) -> None:
    client = MailinClient(mailin_sandbox.mailin_url, token=TOKEN)
    domain_id = mailin_bought(mailin_sandbox, "fwd-adopt.com")
    client.forward_domain(domain_id, "before.com")  # made outside Pulumi
    provider = mailin_provider(DomainForwardingProvider)
    checked = provider.check({}, {"domain_id": domain_id, "forward_to": "ours.com"})
    created = provider.create(checked.inputs)
    assert created.outs["adopted"] is True
    assert created.outs["previous_forward_to"] == "before.com"
    assert client.get_domain(domain_id).forward_to == "ours.com"
    provider.delete(created.id, created.outs)
    assert client.get_domain(domain_id).forward_to == "before.com"  # left as it was

    opted_in = provider.check({}, {**checked.inputs, "destroy_adopted": True})
    created = provider.create(opted_in.inputs)
    provider.delete(created.id, created.outs)
    assert client.get_domain(domain_id).forward_to is None


def test_a_forwarding_made_by_the_resource_is_removed_and_verified(
    mailin_sandbox: SandboxProcess, mailin_provider: MailinProvider
) -> None:
    client = MailinClient(mailin_sandbox.mailin_url, token=TOKEN)
    domain_id = mailin_bought(mailin_sandbox, "fwd-made.com")
    provider = mailin_provider(EmailForwardingProvider)
    checked = provider.check(
        {}, {"domain_id": float(domain_id), "forward_to": "Me@Agency-Desk.com"}
    )
    created = provider.create(checked.inputs)
    assert created.outs["adopted"] is False
    assert client.get_domain(domain_id).email_forward_to == "me@agency-desk.com"
    provider.delete(created.id, created.outs)
    assert client.get_domain(domain_id).email_forward_to is None
    assert isinstance(created.outs["domain_id"], int)  # 7.0 from Pulumi is sent as 7

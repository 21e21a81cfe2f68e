"""`mailin.Subdomain`: its declaration checked at preview (bad inputs, unknowns, no API call),
and its handlers: adoption kept on destroy, verified deletes, refresh, `get` by id."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pulumi.output import UNKNOWN

from pulumi_inboxed.core.lifecycle import DeleteNotConfirmedError
from pulumi_inboxed.mailin import MailinClient, Subdomain, SubdomainArgs
from pulumi_inboxed.mailin import endpoints as ep
from pulumi_inboxed.mailin.subdomain import SubdomainProvider
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
from ..fake_api import FakeApi
from .fake_account import PREFIX

TOKEN = "mailin-sandbox-token"
LOOKALIKE = "\u0430pple-pay.com"  # Cyrillic a

GOOD = {"subdomain": "sales", "domain": "acme-mail.com"}

BAD_INPUTS = [
    BadInput("subdomain-missing", {"domain": "acme-mail.com"}, "subdomain", "is required"),
    BadInput("subdomain-number", {**GOOD, "subdomain": 5}, "subdomain", "valid string"),
    BadInput("subdomain-bool", {**GOOD, "subdomain": True}, "subdomain", "valid string"),
    BadInput("subdomain-list", {**GOOD, "subdomain": ["sales"]}, "subdomain", "valid string"),
    BadInput(
        "subdomain-two-labels", {**GOOD, "subdomain": "a.b"}, "subdomain", "not one DNS label"
    ),
    BadInput(
        "subdomain-underscore", {**GOOD, "subdomain": "bad_label"}, "subdomain", "not one DNS label"
    ),
    BadInput("subdomain-blank", {**GOOD, "subdomain": "  "}, "subdomain", "not one DNS label"),
    BadInput(
        "subdomain-leading-hyphen", {**GOOD, "subdomain": "-x"}, "subdomain", "not one DNS label"
    ),
    BadInput(
        "subdomain-too-long", {**GOOD, "subdomain": "a" * 64}, "subdomain", "not one DNS label"
    ),
    BadInput(
        "subdomain-non-ascii", {**GOOD, "subdomain": "vérité"}, "subdomain", "not one DNS label"
    ),
    BadInput("domain-missing", {"subdomain": "sales"}, "domain", "is required"),
    BadInput("domain-number", {**GOOD, "domain": 7}, "domain", "valid string"),
    BadInput("domain-object", {**GOOD, "domain": {"name": "a.com"}}, "domain", "valid string"),
    BadInput("domain-underscore", {**GOOD, "domain": "bad_name.com"}, "domain"),
    BadInput("domain-no-tld", {**GOOD, "domain": "localhost"}, "domain"),
    BadInput("domain-mixed-script", {**GOOD, "domain": LOOKALIKE}, "domain", "mixes"),
    BadInput("destroy-adopted-number", {**GOOD, "destroy_adopted": 1}, "destroy_adopted"),
    BadInput(
        "allow-mixed-number-entry",
        {**GOOD, "allow_mixed_script": [5]},
        "allow_mixed_script[0]",
        "valid string",
    ),
]


@pytest.mark.bad_input
@pytest.mark.parametrize("bad", BAD_INPUTS, ids=lambda b: b.case)
def test_bad_input_is_rejected_at_preview(preview_check: PreviewCheck, bad: BadInput) -> None:
    assert_rejected_at_preview(preview_check(SubdomainProvider, bad.inputs), bad)


def test_good_input_passes_with_no_api_call(preview_check: PreviewCheck) -> None:
    outcome = preview_check(SubdomainProvider, GOOD)
    assert outcome.failures == {} and outcome.aborted is None and outcome.requests == 0
    listed = {**GOOD, "domain": LOOKALIKE, "allow_mixed_script": [LOOKALIKE]}
    outcome = preview_check(SubdomainProvider, listed)
    assert outcome.failures == {} and outcome.aborted is None and outcome.requests == 0


@pytest.mark.parametrize(
    "inputs",
    [
        {"subdomain": "sales", "domain": UNKNOWN},
        {"subdomain": UNKNOWN, "domain": "acme-mail.com", "destroy_adopted": UNKNOWN},
    ],
    ids=["domain", "label-and-flag"],
)
def test_unknown_values_pass_preview(preview_check: PreviewCheck, inputs: dict[str, Any]) -> None:
    outcome = preview_check(SubdomainProvider, inputs)
    assert outcome.failures == {} and outcome.aborted is None and outcome.requests == 0


def test_check_normalizes_the_label_and_the_domain() -> None:
    result = SubdomainProvider().check({}, {"subdomain": " Sales ", "domain": "Bücher.DE."})
    assert result.failures == []
    assert result.inputs == {
        "subdomain": "sales",
        "domain": "xn--bcher-kva.de",
        "destroy_adopted": False,
        "allow_mixed_script": [],
    }


def test_a_name_change_replaces_and_the_flag_updates_in_place() -> None:
    provider = SubdomainProvider()
    olds = {**GOOD, "destroy_adopted": False, "fqdn": "sales.acme-mail.com", "domain_id": 3}
    assert not provider.diff("3", olds, dict(GOOD)).changes
    assert provider.diff("3", olds, {**GOOD, "subdomain": "team"}).replaces == ["subdomain"]
    assert provider.diff("3", olds, {**GOOD, "domain": "acme.co"}).replaces == ["domain"]
    flag = provider.diff("3", olds, {**GOOD, "destroy_adopted": True})
    assert flag.changes and flag.replaces == []
    updated = provider.update("3", olds, {**GOOD, "destroy_adopted": True})
    assert updated.outs["destroy_adopted"] is True and updated.outs["domain_id"] == 3


def test_both_constructor_forms_take_the_same_inputs() -> None:
    args = SubdomainArgs(subdomain="sales", domain="acme-mail.com")
    assert vars(args)["subdomain"] == "sales" and vars(args)["destroy_adopted"] is None
    with pytest.raises(TypeError):
        Subdomain("positional", "sales", "acme-mail.com")  # type: ignore[call-overload]
    assert callable(Subdomain.get)


# against the sandbox ----------------------------------------------------------------------------
def test_an_existing_subdomain_is_adopted_and_kept(
    mailin_sandbox: SandboxProcess, mailin_provider: MailinProvider
) -> None:
    client = MailinClient(mailin_sandbox.mailin_url, token=TOKEN)
    mailin_bought(mailin_sandbox, "sub-parent.com")
    client.add_subdomain("old", "sub-parent.com")  # made outside Pulumi
    provider = mailin_provider(SubdomainProvider)

    adopted = provider.create(
        provider.check({}, {"subdomain": "Old", "domain": "sub-parent.com"}).inputs
    )
    assert adopted.outs["adopted"] is True
    provider.delete(adopted.id, adopted.outs)
    assert client.find_domain("old.sub-parent.com") is not None

    made = provider.create(
        provider.check({}, {"subdomain": "new", "domain": "sub-parent.com"}).inputs
    )
    assert made.outs["adopted"] is False
    assert made.outs["fqdn"] == "new.sub-parent.com"
    assert provider.read(made.id, made.outs).id == made.id

    # `Subdomain.get(name, id)`: the engine's read carries the id alone
    got = provider.read(made.id, {})
    assert got.id == made.id
    assert got.outs["subdomain"] == "new" and got.outs["domain"] == "sub-parent.com"
    assert got.outs["fqdn"] == "new.sub-parent.com"

    provider.delete(made.id, made.outs)
    assert client.find_domain("new.sub-parent.com") is None
    assert provider.read(made.id, made.outs).id == ""


# a mock transport --------------------------------------------------------------------------------
def test_subdomain_delete_404_while_the_list_still_shows_it_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(SubdomainProvider, "settle_seconds", 0.3)
    entry = {"id": 9, "name": "new.acme.com", "main_domain": "acme.com", "status": "1"}

    api = FakeApi(ep, base_path=PREFIX)
    for listing in (ep.LIST_DOMAINS, ep.LIST_GOOGLE_DOMAINS):
        api.on(listing, lambda _c: httpx.Response(200, json=mailin_page([entry])))
    for by_id in (ep.GET_DOMAIN, ep.DELETE_DOMAIN):
        api.on(by_id, lambda _c: httpx.Response(404, json={"message": "Not Found"}))

    provider = fake_mailin_api(SubdomainProvider(), api)
    outs = {"subdomain": "new", "domain": "acme.com", "fqdn": "new.acme.com", "adopted": False}
    with pytest.raises(DeleteNotConfirmedError, match="404"):
        provider.delete("9", outs)
    assert provider.read("9", outs).id == "9"  # refresh: the list shows it, the 404 is not gone
    assert provider.read("9", {}).id == ""  # `get` of an id the by-id path does not find

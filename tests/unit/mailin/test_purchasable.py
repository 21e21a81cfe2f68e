"""Issue 22, "each rule once": which names Mailin.ai can buy is one rule (`mailin.purchasable`),
which `Domains` (buy) and `AzureOrder` (is_purchase) ask at preview, the sandbox asks for its
422, and the policy pack asks about the TLD: what one refuses, the others refuse."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from pulumi_inboxed.mailin.azure_order import AzureOrderProvider
from pulumi_inboxed.mailin.domains import DomainsInputs, DomainsProvider
from pulumi_inboxed.mailin.purchasable import purchasable_tld, purchase_problem
from pulumi_inboxed.policy import limits
from pulumi_inboxed.policy.model import DYNAMIC_PREFIX, Resource
from pulumi_inboxed.sandbox.mailin.validation import Checker

from ..conftest import PreviewCheck

NOT_FOR_SALE = [
    "acme-mail.io",  # not a TLD Mailin.ai sells
    "acme-mail.org",
    "sales.acme-mail.com",  # a subdomain: `Domains` took it at preview before the rule was one
    "a.b.acme-mail.biz",
]
FOR_SALE = ["acme-mail.com", "acme-mail.co", "acme-mail.ca", "acme-mail.biz"]


def sandbox_refusal(name: str) -> str | None:
    checker = Checker({})
    if checker.purchasable("domain_name", name) is None:
        return " ".join(checker.errors["domain_name"])
    return None


def policy_refusal(name: str) -> str | None:
    resource = Resource(f"{DYNAMIC_PREFIX}mailin:Domains", "d", "urn:x::d", {"domains": [name]})
    found = limits.purchasable_tlds(resource)
    return found[0].message if found else None


def domains_refusal(name: str) -> list[Any]:
    try:
        DomainsInputs.model_validate({"domains": [name]})
    except ValidationError as error:
        return [(e["loc"], e["msg"]) for e in error.errors()]
    return []


@pytest.mark.parametrize("name", NOT_FOR_SALE)
def test_a_name_the_rule_refuses_is_refused_by_both_resources_and_the_sandbox(
    preview_check: PreviewCheck, name: str
) -> None:
    reason = purchase_problem(name)
    assert reason is not None
    domains = preview_check(DomainsProvider, {"domains": ["fine.com", name]}).failures
    assert reason in domains.get("domains[1]", ""), domains
    order = {"domain": name, "mailbox_mode": "auto", "full_names": ["Ann Lee"]}
    ordered = preview_check(AzureOrderProvider, order).failures
    assert "cannot be bought" in ordered.get("domain", ""), ordered
    refused = sandbox_refusal(name)
    assert refused is not None, f"the sandbox sells {name!r}"
    if not purchasable_tld(name):  # the policy pack's rule is about the TLD
        assert "cannot be bought" in (policy_refusal(name) or ""), name


@pytest.mark.parametrize("name", FOR_SALE)
def test_a_name_the_rule_takes_is_taken_by_all(name: str) -> None:
    assert purchase_problem(name) is None
    assert domains_refusal(name) == []
    assert sandbox_refusal(name) is None
    assert policy_refusal(name) is None

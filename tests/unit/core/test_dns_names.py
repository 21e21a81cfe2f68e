"""Issue 22, "each rule once": one DNS label and a domain name in A-label form are each checked
by one rule (`core.dns_names`), which the resources' inputs (at preview) and the sandbox's
validation (InboxedUp and Mailin.ai) both ask: what one refuses, the other refuses."""

from __future__ import annotations

import pytest

from pulumi_inboxed.core import dns_names
from pulumi_inboxed.core.dns_names import LABEL_RULE, a_label_problem, is_dns_label
from pulumi_inboxed.core.domains import DomainNameError, normalize_domain
from pulumi_inboxed.mailin import subdomain
from pulumi_inboxed.mailin.subdomain import SubdomainProvider
from pulumi_inboxed.sandbox.errors import SandboxApiError
from pulumi_inboxed.sandbox.inboxedup.validation import parse_domain_names
from pulumi_inboxed.sandbox.mailin.validation import Checker, email_problem

from ..conftest import PreviewCheck, package_files_holding

GOOD = {"subdomain": "sales", "domain": "acme-mail.com"}

BAD_LABELS = ["a.b", "bad_label", "-x", "x-", "a" * 64, "vérité", "sa les"]
GOOD_LABELS = ["sales", "a", "x-1", "a" * 63, "Sales"]

# names the resources refuse; the first three the sandbox took before the rule was one
BAD_NAMES = [
    "ab--cd.com",  # '--' in the 3rd and 4th places
    "shop.123",  # a numeric TLD
    "xn--mnchen-3ya-1248b8.de",  # an A-label that decodes to nothing valid
    "bad_name.com",
    "-lead.com",
    "trail-.com",
    "localhost",
    "double..dot.com",
    f"{'a' * 64}.com",
    ".".join(["a" * 63] * 3 + ["a" * 62]),  # 254 characters
]
# what users write, and the A-label form the resources send
WRITTEN = ["Acme-Mail.com.", "bücher.example", "xn--bcher-kva.example", " acme.co.uk "]


def sandbox_label_refusal(label: str) -> str | None:
    checker = Checker({})
    taken = checker.subdomain_label("subdomain", label)
    if taken is None:
        return " ".join(checker.errors["subdomain"])
    assert taken == label.strip().lower()
    return None


def inboxedup_refusal(name: str) -> str | None:
    try:
        parse_domain_names({"domains": [name]})
    except SandboxApiError as error:
        assert error.status == 422 and error.details["field"] == "domains[0]"
        return error.message
    return None


def mailin_refusal(name: str) -> str | None:
    checker = Checker({})
    if checker.domain_name("domain_name", name) is None:
        return " ".join(checker.errors["domain_name"])
    return None


@pytest.mark.parametrize("label", BAD_LABELS)
def test_a_label_the_rule_refuses_is_refused_by_the_resource_and_the_sandbox(
    preview_check: PreviewCheck, label: str
) -> None:
    assert not is_dns_label(label.strip().lower())
    failures = preview_check(SubdomainProvider, {**GOOD, "subdomain": label}).failures
    assert "not one DNS label" in failures.get("subdomain", ""), failures
    refused = sandbox_label_refusal(label)
    assert refused is not None and LABEL_RULE in refused, refused


@pytest.mark.parametrize("label", GOOD_LABELS)
def test_a_label_the_rule_takes_is_taken_by_both(preview_check: PreviewCheck, label: str) -> None:
    assert is_dns_label(label.lower())
    failures = preview_check(SubdomainProvider, {**GOOD, "subdomain": label}).failures
    assert "subdomain" not in failures, failures
    assert sandbox_label_refusal(label) is None


@pytest.mark.parametrize("name", BAD_NAMES)
def test_a_name_the_resources_refuse_is_refused_by_the_sandbox_with_the_rules_reason(
    preview_check: PreviewCheck, name: str
) -> None:
    failures = preview_check(SubdomainProvider, {**GOOD, "domain": name}).failures
    assert "domain" in failures, failures
    reason = a_label_problem(name)
    assert reason is not None
    for refused in (inboxedup_refusal(name), mailin_refusal(name), email_problem(f"a@{name}")):
        assert refused is not None and reason in refused, (name, refused)


@pytest.mark.parametrize("written", WRITTEN)
def test_the_name_a_resource_sends_is_taken_by_the_sandbox(written: str) -> None:
    sent = normalize_domain(written)
    assert a_label_problem(sent) is None
    assert inboxedup_refusal(sent) is None and mailin_refusal(sent) is None
    assert email_problem(f"a@{sent}") is None
    if sent != written:  # the API takes the A-label form only
        assert inboxedup_refusal(written) is not None


@pytest.mark.parametrize(
    "name", [*BAD_NAMES, *WRITTEN, *(normalize_domain(w) for w in WRITTEN), "EXAMPLE.com"]
)
def test_the_a_label_form_is_what_normalize_domain_gives(name: str) -> None:
    try:
        normal: str | None = normalize_domain(name)
    except DomainNameError:
        normal = None
    assert (a_label_problem(name) is None) == (normal == name), (name, normal)


def test_the_label_rule_is_written_in_one_module_and_its_old_name_still_imports() -> None:
    holders = package_files_holding("[a-z0-9-]")
    assert holders == ["core/dns_names.py"], f"the DNS label rule is written in {holders}"
    assert subdomain.LABEL_RE is dns_names.LABEL_RE

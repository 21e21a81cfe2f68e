"""The registry of kinds (`pulumi_inboxed.kinds`) holds every resource kind, and what reads it
knows each one: the policy pack's model and its rules, the reference docs.

A kind missing from any of them fails here, not silently in a stack (issue 22: the pack's own
list lacked `MailboxRequests`, so the per-domain mailbox limit never saw it).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path
from typing import Any

import pulumi.dynamic as dyn
import pytest

from pulumi_inboxed import codegen, kinds
from pulumi_inboxed.core.resource_spec import ResourceSpec
from pulumi_inboxed.inboxedup.endpoints import MAILBOX_LIMITS
from pulumi_inboxed.policy import hygiene, limits, model, money

ROOT = Path(__file__).resolve().parents[2]
KINDS = kinds.all_kinds()


def _ids(k: kinds.Kind) -> str:
    return k.token


def test_the_registry_holds_every_declaration_of_the_api_packages() -> None:
    """Every `SPEC`/`SPECS` in an API package's modules, listed in `codegen.SPEC_MODULES` or not,
    and every Resource class the generated modules define, is a kind of the registry."""
    declared: set[str] = set()
    classes: set[str] = set()
    for api in codegen.SPEC_MODULES:
        package = importlib.import_module(f"pulumi_inboxed.{api}")
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            specs: Any = getattr(module, "SPECS", None) or [getattr(module, "SPEC", None)]
            declared |= {f"{s.module}:{s.name}" for s in specs if isinstance(s, ResourceSpec)}
        generated = importlib.import_module(f"{package.__name__}.resources")
        for _, cls in inspect.getmembers(generated, inspect.isclass):
            if issubclass(cls, dyn.Resource) and cls is not dyn.Resource:
                classes.add(f"pulumi-python:{cls._resource_type_name}")
    assert declared == set(kinds.by_token())
    assert classes == {k.type_token for k in KINDS}
    assert len(KINDS) == len(kinds.by_token())  # no kind twice


def test_inputs_and_collections_come_from_the_declarations() -> None:
    requests = kinds.kind("inboxedup:MailboxRequests")
    assert requests.type_token == "pulumi-python:dynamic/inboxedup:MailboxRequests"
    assert requests.module == "pulumi_inboxed.inboxedup.mailbox_request_collection"
    assert requests.entries == "requests" and requests.is_collection
    assert set(requests.entry_fields) == {"domain", "type", "mailboxes"}
    assert {"account", "requests", "wait_timeout_seconds"} <= set(requests.inputs)
    single = kinds.kind("inboxedup:MailboxRequest")
    assert not single.is_collection and "mailboxes" in single.list_inputs
    assert {k.token for k in KINDS if k.is_collection} == {
        "inboxedup:DomainBatch",
        "inboxedup:MailboxRequests",
        "mailin:Domains",
        "mailin:SmtpMailboxes",
        "mailin:GoogleMailboxes",
        "mailchannels:InboundDomains",
    }
    for k in KINDS:
        assert k.entries is None or k.entries in k.list_inputs, k.token
    with pytest.raises(KeyError, match="no resource kind 'inboxedup:Nope'"):
        kinds.kind("inboxedup:Nope")
    assert kinds.from_type("aws:s3/bucket:Bucket") is None


@pytest.mark.parametrize("kind", KINDS, ids=_ids)
def test_the_policy_model_knows_every_kind(kind: kinds.Kind) -> None:
    resource = model.Resource(kind.type_token, "r", "urn:r", {"account": "client-a"})
    assert resource.kind == kind.token
    assert resource.api == kind.api
    assert kind.api in model.API_NAMES
    assert resource.account_label() == f"{model.API_NAMES[kind.api]} account 'client-a'"


def _mailbox_props(kind: kinds.Kind, mailboxes: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Inputs declaring `mailboxes` on domain x.com, at the top or in each entry; None for a kind
    with no mailboxes."""
    one = {"domain": "x.com", "type": "smtp", "mailboxes": mailboxes}
    if "mailboxes" in kind.inputs:
        return one
    if kind.entries is not None and "mailboxes" in kind.entry_fields:
        return {kind.entries: [one]}
    return None


MAILBOX_KINDS = [k for k in KINDS if _mailbox_props(k, []) is not None]


def test_the_kinds_with_mailboxes() -> None:
    assert {k.token for k in MAILBOX_KINDS} >= {
        "inboxedup:MailboxRequest",
        "inboxedup:MailboxRequests",
        "mailin:SmtpMailboxes",
        "mailin:GoogleMailboxes",
        "mailin:AzureOrder",
    }


@pytest.mark.parametrize("kind", MAILBOX_KINDS, ids=_ids)
def test_every_kind_with_mailboxes_is_seen_by_the_mailbox_rules(kind: kinds.Kind) -> None:
    """InboxedUp kinds count toward the per-domain limit; every kind's mailboxes need names."""
    too_many = [{"username": f"u{i}"} for i in range(MAILBOX_LIMITS["smtp"] + 1)]
    props = _mailbox_props(kind, too_many)
    assert props is not None
    resource = model.Resource(kind.type_token, "r", "urn:r", props)
    assert hygiene.names_present(resource), f"{kind.token}: names not checked"
    if kind.api == "inboxedup":
        assert limits.mailboxes_per_domain([resource]), f"{kind.token}: limit not counted"


@pytest.mark.parametrize("kind", KINDS, ids=_ids)
def test_the_reference_docs_have_a_section_for_every_kind(kind: kinds.Kind) -> None:
    """docs/reference/<api>.md is generated by codegen (tests/unit/core/test_schema.py checks it
    is up to date); each kind has its section there."""
    text = (ROOT / "docs" / "reference" / f"{kind.api}.md").read_text()
    assert f"\n## `{kind.api}.{kind.name}`\n" in text


DOMAIN_KINDS = [k for k in KINDS if k.entries == "domains"]


def test_the_kinds_holding_domains() -> None:
    assert {k.token for k in DOMAIN_KINDS} >= {
        "inboxedup:DomainBatch",
        "mailin:Domains",
        "mailchannels:InboundDomains",
    }


@pytest.mark.parametrize("kind", DOMAIN_KINDS, ids=_ids)
def test_every_collection_of_domains_is_seen_by_the_domain_rules(kind: kinds.Kind) -> None:
    """Its domains count toward the cap per account, and one declared twice is reported."""
    entry: Any = {"domain": "x.com"} if "domain" in kind.entry_fields else "x.com"
    a = model.Resource(kind.type_token, "a", "urn:a", {"domains": [entry]})
    b = model.Resource(kind.type_token, "b", "urn:b", {"domains": [entry]})
    assert limits.domains_per_account([a], {kind.api: 0}), f"{kind.token}: not counted"
    assert money.duplicate_domains([a, b]), f"{kind.token}: duplicates not seen"

"""The providers' limits, checked across the whole stack.

- InboxedUp mailboxes per domain by type (`inboxedup.endpoints.MAILBOX_LIMITS`), summed over every
  `MailboxRequest` of the stack on that domain (each resource's own check counts the account's
  existing requests; this rule adds up the ones the program declares, before any exists).
- MailChannels requests of at most `mailchannels.endpoints.MAX_DOMAINS_PER_BATCH` domains:
  `InboundDomains` splits a longer list into several requests itself, so this rule is advisory
  by default and says how many requests the resource will send (each is answered on its own).
- A manual Azure order has exactly `mailin.endpoints.AZURE_MANUAL_MAILBOXES` mailboxes.
- Mailin.ai can buy only `mailin.endpoints.PURCHASABLE_TLDS` (domains and Azure orders).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

from ..inboxedup.endpoints import MAILBOX_LIMITS
from ..mailchannels.endpoints import MAX_DOMAINS_PER_BATCH
from ..mailin.endpoints import AZURE_MANUAL_MAILBOXES, PURCHASABLE_TLDS
from .model import (
    AZURE_ORDER,
    INBOUND_DOMAINS,
    MAILBOX_REQUEST,
    MAILIN_DOMAINS,
    Resource,
    Violation,
    domain_key,
    items,
    reveal,
    text,
)


def mailboxes_per_domain(resources: Iterable[Resource]) -> list[Violation]:
    """Every (domain, type) whose declared mailboxes exceed the InboxedUp limit for the type."""
    counts: dict[tuple[str, str], list[tuple[Resource, int]]] = defaultdict(list)
    for r in resources:
        if r.kind != MAILBOX_REQUEST:
            continue
        domain, type_ = text(r.get("domain")), text(r.get("type"))
        if domain is None or type_ is None or type_.lower() not in MAILBOX_LIMITS:
            continue
        counts[(domain_key(domain), type_.lower())].append((r, len(items(r.get("mailboxes")))))
    found: list[Violation] = []
    for (domain, type_), holders in sorted(counts.items()):
        total = sum(n for _, n in holders)
        limit = MAILBOX_LIMITS[type_]
        if total <= limit:
            continue
        parts = ", ".join(f"{r.name!r} ({n})" for r, n in holders)
        for r, _ in holders:
            found.append(
                Violation(
                    f"{r.label()}: domain {domain!r} would have {total} {type_} mailboxes "
                    f"across {parts}; InboxedUp allows {limit} {type_} mailboxes per domain",
                    r.urn,
                )
            )
    return found


def mailchannels_request_size(resources: Iterable[Resource]) -> list[Violation]:
    """Each InboundDomains with more domains than one MailChannels request takes."""
    found: list[Violation] = []
    for r in resources:
        if r.kind != INBOUND_DOMAINS:
            continue
        count = len(items(r.get("domains")))
        if count > MAX_DOMAINS_PER_BATCH:
            requests = math.ceil(count / MAX_DOMAINS_PER_BATCH)
            found.append(
                Violation(
                    f"{r.label()}: {count} domains exceed MailChannels' {MAX_DOMAINS_PER_BATCH} "
                    f"per request; the resource sends them as {requests} requests, each "
                    "answered on its own (split the list into resources of at most "
                    f"{MAX_DOMAINS_PER_BATCH} to keep one request per resource)",
                    r.urn,
                )
            )
    return found


def azure_manual_order_size(r: Resource) -> list[Violation]:
    if r.kind != AZURE_ORDER or text(r.get("mailbox_mode")) != "manual":
        return []
    count = len(items(r.get("mailboxes")))
    if count == AZURE_MANUAL_MAILBOXES:
        return []
    return [
        Violation(
            f"{r.label()}: a manual Azure order has exactly {AZURE_MANUAL_MAILBOXES} mailboxes; "
            f"this one has {count} (domain {text(r.get('domain'))!r})",
            r.urn,
        )
    ]


def _tld(name: str) -> str:
    return domain_key(name).rsplit(".", 1)[-1]


def purchasable_tlds(r: Resource) -> list[Violation]:
    allowed = ", ".join(f".{t}" for t in PURCHASABLE_TLDS)
    names: list[tuple[str, str]] = []
    if r.kind == MAILIN_DOMAINS and (text(r.get("acquisition")) or "buy") == "buy":
        names = [
            (f"domains[{i}]", n)
            for i, n in enumerate(reveal(x) for x in items(r.get("domains")))
            if isinstance(n, str)
        ]
    elif r.kind == AZURE_ORDER and reveal(r.get("is_purchase")) is not False:
        domain = text(r.get("domain"))
        names = [("domain", domain)] if domain else []
    return [
        Violation(
            f"{r.label()}: {where} {name!r}: .{_tld(name)} cannot be bought at Mailin.ai "
            f"(allowed: {allowed})",
            r.urn,
        )
        for where, name in names
        if _tld(name) not in PURCHASABLE_TLDS
    ]


__all__ = [
    "azure_manual_order_size",
    "mailboxes_per_domain",
    "mailchannels_request_size",
    "purchasable_tlds",
]

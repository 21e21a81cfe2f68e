"""The providers' limits, checked across the whole stack.

Every count that is a limit of one account counts per (API, account): the resources' `account`
input (unset: the API's default account), and each message names the account.

- InboxedUp mailboxes per domain by type (`inboxedup.mailbox_limit`), summed over every
  `MailboxRequest` of the stack on that domain in the same account (each resource's own check
  counts the account's existing requests; this rule adds up the ones the program declares, before
  any exists), and over every entry of `requests` of each `MailboxRequests` (one entry: one
  domain and type, as one `MailboxRequest`).
- MailChannels requests of at most `mailchannels.endpoints.MAX_DOMAINS_PER_BATCH` domains:
  `InboundDomains` splits a longer list into several requests itself, so this rule is advisory
  by default and says how many requests the resource will send (each is answered on its own).
- Domains per account: the operator's cap per API (`domains_per_account`, policy config
  `maxDomains`, e.g. a MailChannels subscription's domain limit or a Pingram plan's), counted
  per (API, account) over every resource that holds domains there.
- A manual Azure order has exactly `mailin.endpoints.AZURE_MANUAL_MAILBOXES` mailboxes.
- Mailin.ai can buy only `mailin.endpoints.PURCHASABLE_TLDS` (domains and Azure orders;
  `mailin.purchasable`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping

from ..inboxedup import mailbox_limit
from ..mailchannels.endpoints import MAX_DOMAINS_PER_BATCH
from ..mailin.endpoints import AZURE_MANUAL_MAILBOXES
from ..mailin.purchasable import ALLOWED, purchasable_tld, tld_of
from .declared import buys_domains, declared_domains, declared_names
from .model import (
    API_NAMES,
    AZURE_ORDER,
    INBOUND_DOMAINS,
    MAILBOX_REQUEST,
    MAILBOX_REQUESTS,
    Resource,
    Violation,
    account_label,
    domain_key,
    entries,
    items,
    text,
)


def _mailbox_counts(r: Resource) -> Iterator[tuple[str, str, str, int]]:
    """(where, domain, type, count) for each known domain and type a resource requests InboxedUp
    mailboxes for: a `MailboxRequest` once, a `MailboxRequests` per entry of `requests`."""
    if r.kind == MAILBOX_REQUEST:
        found = [("", r.get("domain"), r.get("type"), r.get("mailboxes"))]
    elif r.kind == MAILBOX_REQUESTS:
        found = [
            (f" requests[{i}]", e.get("domain"), e.get("type"), e.get("mailboxes"))
            for i, e in entries(r.get("requests"))
        ]
    else:
        return
    for where, domain, type_, mailboxes in found:
        domain, type_ = text(domain), text(type_)
        if domain is not None and type_ is not None and mailbox_limit.is_limited(type_.lower()):
            yield where, domain, type_.lower(), len(items(mailboxes))


def mailboxes_per_domain(resources: Iterable[Resource]) -> list[Violation]:
    """Every (account, domain, type) whose declared mailboxes exceed the InboxedUp limit for the
    type, summed over the `MailboxRequest`s and the `MailboxRequests` entries in that account."""
    counts: dict[tuple[str, str, str], list[tuple[Resource, str, int]]] = defaultdict(list)
    for r in resources:
        if not r.account_known:
            continue
        for where, domain, type_, count in _mailbox_counts(r):
            counts[(r.account or "", domain_key(domain), type_)].append((r, where, count))
    found: list[Violation] = []
    for (account, domain, type_), holders in sorted(counts.items()):
        over = mailbox_limit.overflow(type_, sum(n for _, _, n in holders))
        if over is None:
            continue
        holders.sort(key=lambda held: (held[0].name, held[1]))  # the stack's order varies
        parts = ", ".join(f"{r.name!r}{where} ({n})" for r, where, n in holders)
        for r, where, _ in holders:
            found.append(
                Violation(
                    f"{r.label()}{where}: domain {domain!r} would have {over.total} {type_} "
                    f"mailboxes across {parts}; InboxedUp allows {over.limit} {type_} mailboxes "
                    "per domain "
                    f"(in {account_label('inboxedup', account or None)})",
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
                    f"{MAX_DOMAINS_PER_BATCH} to keep one request per resource; "
                    f"{r.account_label()})",
                    r.urn,
                )
            )
    return found


def domains_per_account(resources: Iterable[Resource], caps: Mapping[str, int]) -> list[Violation]:
    """Each (API, account) whose declared domains exceed the operator's cap for the API
    (`caps`: API namespace -> most domains one account may hold; an API not named is not
    capped). One violation per resource holding domains in that account."""
    held: dict[tuple[str, str], list[tuple[Resource, set[str]]]] = defaultdict(list)
    for r in resources:
        api = r.api
        if api is None or api not in caps or not r.account_known:
            continue
        names = {domain_key(n) for n in declared_names(r)}
        if names:
            held[(api, r.account or "")].append((r, names))
    found: list[Violation] = []
    for (api, account), holders in sorted(held.items()):
        total = len(set().union(*(names for _, names in holders)))
        cap = caps[api]
        if total <= cap:
            continue
        where = account_label(api, account or None)
        holders.sort(key=lambda held: held[0].name)  # the stack's order is not the program's
        parts = ", ".join(f"{r.name!r} ({len(names)})" for r, names in holders)
        found += [
            Violation(
                f"{r.label()}: {where} would hold {total} domains across {parts}; the policy "
                f"allows {cap} per {API_NAMES.get(api, api)} account (policy config "
                f"`maxDomains.{api}`)",
                r.urn,
            )
            for r, _ in holders
        ]
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


def purchasable_tlds(r: Resource) -> list[Violation]:
    """The TLD of each name bought (`mailin.purchasable`, the resources' rule)."""
    names = list(declared_domains(r)) if buys_domains(r) else []
    return [
        Violation(
            f"{r.label()}: {where} {name!r}: .{tld_of(domain_key(name))} cannot be bought at "
            f"Mailin.ai (allowed: {ALLOWED})",
            r.urn,
        )
        for where, name in names
        if not purchasable_tld(domain_key(name))
    ]


__all__ = [
    "azure_manual_order_size",
    "domains_per_account",
    "mailboxes_per_domain",
    "mailchannels_request_size",
    "purchasable_tlds",
]

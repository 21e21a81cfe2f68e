"""Money and irreversibility: protected purchases, a cap on domains bought per update, and no
domain declared twice.

What a policy pack can see decides the shape of these rules:
- Analyzers receive a resource's `protect` option but not `retain_on_delete` (the engine's
  `AnalyzerResourceOptions` has no such field), and remediations can change inputs only, never
  options. So `purchased_domains_protected` checks `protect`; a resource kept by
  `retain_on_delete=True` instead is named in the policy's `retainedOnDelete` config list, which
  the rule trusts.
- Policies see a resource's new inputs, and stack rules its recorded outputs, never the old
  state beside the new one. `domains_bought` counts a `Domains` resource's names minus those its
  recorded outputs already hold (`records`): exact for new and unchanged resources; for a
  resource being updated, the preview hands policies its new inputs as outputs, so all its names
  count (an over-count that errs on the side of the cap).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping

from .model import (
    AZURE_ORDER,
    DOMAIN_BATCH,
    INBOUND_DOMAINS,
    MAILIN_DOMAINS,
    SENDER_DOMAIN,
    Resource,
    Violation,
    account_label,
    domain_key,
    entries,
    items,
    reveal,
    text,
)

DEFAULT_MAX_DOMAINS_PER_UPDATE = 20


def buys_domains(r: Resource) -> bool:
    """A resource whose create buys domains (and whose delete deletes them)."""
    if r.kind == MAILIN_DOMAINS:
        return (text(r.get("acquisition")) or "buy") == "buy"
    if r.kind == AZURE_ORDER:
        return reveal(r.get("is_purchase")) is not False
    return False


def purchased_domains_protected(r: Resource, retained: Collection[str] = ()) -> list[Violation]:
    if not buys_domains(r) or r.protect or r.name in retained:
        return []
    names = declared_names(r)
    shown = ", ".join(repr(n) for n in names[:5]) + (" ..." if len(names) > 5 else "")
    return [
        Violation(
            f"{r.label()} buys {shown or 'domains'} and deleting it deletes them: set "
            "`opts=pulumi.ResourceOptions(protect=True)`, or, if it has "
            "`retain_on_delete=True` (which policy packs cannot see), add "
            f"{r.name!r} to this policy's `retainedOnDelete` config",
            r.urn,
        )
    ]


def declared_names(r: Resource) -> list[str]:
    if r.kind == AZURE_ORDER:
        domain = text(r.get("domain"))
        return [domain] if domain else []
    return [n for n in (reveal(x) for x in items(r.get("domains"))) if isinstance(n, str)]


def _to_buy(r: Resource) -> list[str]:
    if r.kind == MAILIN_DOMAINS:
        held = reveal(r.get("records"))
        recorded = {domain_key(k) for k in held} if isinstance(held, Mapping) else set()
        return [n for n in declared_names(r) if domain_key(n) not in recorded]
    if r.kind == AZURE_ORDER and reveal(r.get("order_id")) is None:
        return declared_names(r)
    return []


def domains_bought(
    resources: Iterable[Resource], max_domains: int, max_per_account: int | None = None
) -> list[Violation]:
    """One violation per buying resource when the stack would buy more than `max_domains`, and
    (with `max_per_account`) one per buying resource of each account that would buy more than
    that: the money is the stack's budget, the per-account cap an optional workspace budget."""
    buying = [(r, names) for r in resources if buys_domains(r) if (names := _to_buy(r))]
    found = _per_account_bought(buying, max_per_account) if max_per_account is not None else []
    total = sum(len(names) for _, names in buying)
    if total <= max_domains:
        return found
    parts = ", ".join(f"{r.name!r} ({len(names)})" for r, names in buying)
    return found + [
        Violation(
            f"{r.label()} would buy {len(names)} domain(s) ({', '.join(names[:5])}"
            f"{' ...' if len(names) > 5 else ''}); this update would buy {total} in all "
            f"({parts}), more than the {max_domains} allowed per update (policy config "
            "`maxDomains`)",
            r.urn,
        )
        for r, names in buying
    ]


def _per_account_bought(buying: list[tuple[Resource, list[str]]], cap: int) -> list[Violation]:
    accounts: dict[tuple[str, str], list[tuple[Resource, list[str]]]] = defaultdict(list)
    for r, names in buying:
        accounts[(r.api or "", r.account or "")].append((r, names))
    found: list[Violation] = []
    for (api, account), holders in sorted(accounts.items()):
        total = sum(len(names) for _, names in holders)
        if total <= cap:
            continue
        parts = ", ".join(f"{r.name!r} ({len(names)})" for r, names in holders)
        found += [
            Violation(
                f"{r.label()} would buy {len(names)} domain(s) in "
                f"{account_label(api, account or None)}; that account would buy {total} in "
                f"this update ({parts}), more than the {cap} allowed per account (policy config "
                "`maxDomainsPerAccount`)",
                r.urn,
            )
            for r, names in holders
        ]
    return found


# A domain can be hosted (its nameservers set) by one provider only; it may also be protected by
# MailChannels Inbound and be a Pingram sender, once each.
_ROLES: Mapping[str, str] = {
    DOMAIN_BATCH: "hosting (InboxedUp, Mailin.ai)",
    MAILIN_DOMAINS: "hosting (InboxedUp, Mailin.ai)",
    AZURE_ORDER: "hosting (InboxedUp, Mailin.ai)",
    INBOUND_DOMAINS: "MailChannels Inbound",
    SENDER_DOMAIN: "Pingram sender",
}


def _declarations(r: Resource) -> Iterator[tuple[str, str]]:
    """(where, name) for each domain the resource declares."""
    if r.kind in (DOMAIN_BATCH, MAILIN_DOMAINS):
        for i, n in enumerate(items(r.get("domains"))):
            if isinstance(n := reveal(n), str):
                yield f"domains[{i}]", n
    elif r.kind == INBOUND_DOMAINS:
        for i, entry in entries(r.get("domains")):
            if (n := text(entry.get("domain"))) is not None:
                yield f"domains[{i}]", n
    elif r.kind in (AZURE_ORDER, SENDER_DOMAIN) and (n := text(r.get("domain"))) is not None:
        yield "domain", n


def duplicate_domains(resources: Iterable[Resource]) -> list[Violation]:
    """Every domain declared twice in one role, across resources or providers."""
    seen: dict[tuple[str, str], list[tuple[Resource, str, str]]] = defaultdict(list)
    for r in resources:
        role = _ROLES.get(r.kind or "")
        if role is None:
            continue
        for where, name in _declarations(r):
            seen[(role, domain_key(name))].append((r, where, name))
    found: list[Violation] = []
    for (role, _key), holders in sorted(seen.items(), key=lambda kv: kv[0]):
        if len(holders) < 2:
            continue
        places = "; ".join(f"{r.label()} {where}" for r, where, _ in holders)
        for r, where, name in holders:
            found.append(
                Violation(
                    f"{r.label()}: domain {name!r} ({where}) is declared {len(holders)} times "
                    f"for {role}: {places}",
                    r.urn,
                )
            )
    return found

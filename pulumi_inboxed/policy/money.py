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
from collections.abc import Collection, Iterable, Mapping

from .declared import buys_domains, declared_domains, declared_names, domain_role
from .model import (
    AZURE_ORDER,
    MAILIN_DOMAINS,
    Resource,
    Violation,
    account_label,
    domain_key,
    reveal,
)

DEFAULT_MAX_DOMAINS_PER_UPDATE = 20


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


def duplicate_domains(resources: Iterable[Resource]) -> list[Violation]:
    """Every domain declared twice in one role, across resources or providers."""
    seen: dict[tuple[str, str], list[tuple[Resource, str, str]]] = defaultdict(list)
    for r in resources:
        role = domain_role(r)
        if role is None:
            continue
        for where, name in declared_domains(r):
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

"""Which domain names a resource declares, in which role, and whether its create buys them: read
one way by every rule (money: protected purchases, domains bought, duplicates; limits: domains
per account, purchasable TLDs)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from .model import (
    AZURE_ORDER,
    DOMAIN_BATCH,
    INBOUND_DOMAINS,
    MAILIN_DOMAINS,
    SENDER_DOMAIN,
    Resource,
    items,
    reveal,
    text,
)

# A domain can be hosted (its nameservers set) by one provider only; it may also be protected by
# MailChannels Inbound and be a Pingram sender, once each.
_ROLES: Mapping[str, str] = {
    DOMAIN_BATCH: "hosting (InboxedUp, Mailin.ai)",
    MAILIN_DOMAINS: "hosting (InboxedUp, Mailin.ai)",
    AZURE_ORDER: "hosting (InboxedUp, Mailin.ai)",
    INBOUND_DOMAINS: "MailChannels Inbound",
    SENDER_DOMAIN: "Pingram sender",
}


def domain_role(r: Resource) -> str | None:
    """What the resource's domains are for (a domain is declared once per role); None: a kind
    that declares no domains."""
    return _ROLES.get(r.kind or "")


def declared_domains(r: Resource) -> Iterator[tuple[str, str]]:
    """(where, name) for each known domain name the resource declares: the names of `domains`
    (`DomainBatch`, `Domains`), each `InboundDomains` entry's `domain` (or the entry, given as a
    plain name), the `domain` of an `AzureOrder` or a `SenderDomain`. An empty name is no name."""
    if r.kind in (DOMAIN_BATCH, MAILIN_DOMAINS):
        for i, n in enumerate(items(r.get("domains"))):
            if isinstance(n := reveal(n), str) and n:
                yield f"domains[{i}]", n
    elif r.kind == INBOUND_DOMAINS:  # an entry, or a plain name
        for i, entry in enumerate(items(r.get("domains"))):
            entry = reveal(entry)
            n = text(entry.get("domain")) if isinstance(entry, Mapping) else entry
            if isinstance(n, str) and n:
                yield f"domains[{i}]", n
    elif r.kind in (AZURE_ORDER, SENDER_DOMAIN) and (n := text(r.get("domain"))):
        yield "domain", n


def declared_names(r: Resource) -> list[str]:
    """The names of `declared_domains`."""
    return [name for _, name in declared_domains(r)]


def buys_domains(r: Resource) -> bool:
    """A resource whose create buys domains (and whose delete deletes them)."""
    if r.kind == MAILIN_DOMAINS:
        return (text(r.get("acquisition")) or "buy") == "buy"
    if r.kind == AZURE_ORDER:
        return reveal(r.get("is_purchase")) is not False
    return False


__all__ = ["buys_domains", "declared_domains", "declared_names", "domain_role"]

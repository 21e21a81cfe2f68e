"""MailChannels Inbound: one paged listing of the key's domains; one `InboundDomains` per
subscription handle. Settings every domain shares (abuse policy, downstream addresses, admins)
are declared once on the resource; the rest on each domain's `InboundDomainArgs`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .. import kinds
from ..mailchannels import runtime as mc_runtime
from ..mailchannels.models import InboundDomain
from .connect import build, key_connection
from .estate import AccountEstate, Decl, Obj
from .progress import Progress

API = "mailchannels"
INBOUND_DOMAINS = kinds.kind("mailchannels:InboundDomains")
SHARED = ("settings", "downstream_addresses", "admins")


def read_mailchannels(
    config: Mapping[str, Any] | None, account: str | None, progress: Progress
) -> AccountEstate:
    estate = AccountEstate(API, account)
    client = build(mc_runtime.client_for, API, config, account)
    domains: list[InboundDomain] = client.list_domains()
    estate.counts["domains"] = len(domains)
    progress.done(estate.label, estate.counts)
    key_connection(estate, config, mc_runtime.API_KEY, mc_runtime.BASE_URL, "MailChannels")
    declare(estate, domains)
    return estate


def _fields(domain: InboundDomain) -> dict[str, Any]:
    """A domain's settings in the inputs' shape (`InboundDomainArgs` keyword arguments)."""
    fields: dict[str, Any] = {}
    if domain.settings is not None:
        shown = {k: v for k, v in domain.settings.model_dump().items() if v is not None}
        if shown:
            fields["settings"] = Obj(API, "AbusePolicyArgs", (), tuple(sorted(shown.items())))
    if domain.downstream_addresses:
        fields["downstream_addresses"] = [
            Obj(
                API,
                "DownstreamAddressArgs",
                (a.target,),
                tuple((k, v) for k, v in a.model_dump().items() if k != "target"),
            )
            for a in domain.downstream_addresses
        ]
    if domain.admins:
        fields["admins"] = list(domain.admins)
    if domain.aliases:
        fields["aliases"] = list(domain.aliases)
    return fields


def declare(estate: AccountEstate, domains: list[InboundDomain]) -> None:
    by_handle: dict[str, list[InboundDomain]] = {}
    for domain in domains:
        by_handle.setdefault(domain.subscription_handle or "", []).append(domain)
    for handle, members in sorted(by_handle.items()):
        if not handle:
            estate.notes.append(
                f"{len(members)} domain(s) without a subscription handle left out: "
                + ", ".join(sorted(d.domain for d in members))
            )
            continue
        members.sort(key=lambda d: d.domain)
        fields = [_fields(d) for d in members]
        shared: dict[str, Any] = {}
        for key in SHARED:
            values = {json.dumps(repr(f.get(key)), sort_keys=True) for f in fields}
            if len(values) == 1 and fields[0].get(key) is not None:
                shared[key] = fields[0][key]
        entries: list[Any] = []
        for domain, own in zip(members, fields, strict=True):
            rest = {k: v for k, v in own.items() if k not in shared}
            entries.append(
                Obj(API, "InboundDomainArgs", (domain.domain,), tuple(rest.items()))
                if rest
                else domain.domain
            )
        estate.decls.append(
            Decl.of(
                INBOUND_DOMAINS,
                estate.var("inbound", handle),
                estate.resource_name("inbound", handle),
                {
                    "subscription_handle": handle,
                    "domains": entries,
                    **shared,
                    **estate.account_args(),
                },
                comment=f"{len(entries)} domains under subscription {handle!r}",
            )
        )


__all__ = ["read_mailchannels"]

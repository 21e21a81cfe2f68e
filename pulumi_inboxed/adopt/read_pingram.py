"""Pingram: one listing of the sender domains; one `SenderDomain` each (the DKIM private key
stays in Pingram: it is a secret output of the resource, never written in the program)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import kinds
from ..pingram import runtime as pg_runtime
from .connect import build, key_connection
from .estate import AccountEstate, Decl
from .progress import Progress

API = "pingram"
SENDER_DOMAIN = kinds.kind("pingram:SenderDomain")


def read_pingram(
    config: Mapping[str, Any] | None, account: str | None, progress: Progress
) -> AccountEstate:
    estate = AccountEstate(API, account)
    client = build(pg_runtime.client_for, API, config, account)
    domains = client.list_domains()
    estate.counts["sender domains"] = len(domains)
    progress.done(estate.label, estate.counts)
    key_connection(estate, config, pg_runtime.API_KEY, pg_runtime.BASE_URL, "Pingram")
    for domain in sorted(domains, key=lambda d: d.sender):
        estate.decls.append(
            Decl.of(
                SENDER_DOMAIN,
                estate.var("sender", domain.sender),
                estate.resource_name("sender", domain.sender),
                {"domain": domain.sender, **estate.account_args()},
                comment=f"status {domain.status.value}",
            )
        )
    return estate


__all__ = ["read_pingram"]

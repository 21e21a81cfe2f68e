"""InboxedUp: one paged listing of the domains and one of the mailbox requests.

Declares one `DomainBatch` with every domain that is not FAILED, and one `MailboxRequests` with
one entry per domain and type (the first live request of each); a second live request of the
same domain and type becomes a `MailboxRequest` of its own. FAILED domains and requests are
named in the program's comments, not declared (declaring them would submit them again).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import kinds
from ..inboxedup import runtime as iu_runtime
from ..inboxedup.models import Domain, MailboxRequest
from .connect import build, connection
from .estate import AccountEstate, Decl, Expr, Obj
from .progress import Progress

API = "inboxedup"
DOMAIN_BATCH = kinds.kind("inboxedup:DomainBatch")
MAILBOX_REQUEST = kinds.kind("inboxedup:MailboxRequest")
MAILBOX_REQUESTS = kinds.kind("inboxedup:MailboxRequests")


def read_inboxedup(
    config: Mapping[str, Any] | None, account: str | None, progress: Progress
) -> AccountEstate:
    estate = AccountEstate(API, account)
    client = build(iu_runtime.runtime_for, API, config, account).client
    counts = estate.counts
    counts["domains"] = counts["mailboxes"] = 0
    domains: list[Domain] = []
    for domain in client.iter_domains():
        domains.append(domain)
        counts["domains"] = len(domains)
        progress.show(estate.label, counts)
    requests: list[MailboxRequest] = []
    for request in client.iter_mailbox_requests():
        requests.append(request)
        counts["mailboxes"] += len(request.mailboxes)
        progress.show(estate.label, counts)
    progress.done(estate.label, counts)
    connection(
        estate,
        config,
        [(iu_runtime.API_TOKEN, f"InboxedUp API token of {estate.owner}")],
        [iu_runtime.BASE_URL, iu_runtime.POLL_INTERVAL],
    )
    declare(estate, domains, requests)
    return estate


def declare(estate: AccountEstate, domains: list[Domain], requests: list[MailboxRequest]) -> None:
    live = sorted((d for d in domains if d.status.value != "FAILED"), key=lambda d: d.domain)
    failed = sorted(d.domain for d in domains if d.status.value == "FAILED")
    if failed:
        estate.notes.append(
            f"{len(failed)} FAILED domain(s) left out (declaring one submits it again): "
            + ", ".join(failed)
        )
    batch_var = estate.var("domains")
    if live:
        estate.decls.append(
            Decl.of(
                DOMAIN_BATCH,
                batch_var,
                estate.resource_name("domains"),
                {"domains": [d.domain for d in live], **estate.account_args()},
                comment=f"{len(live)} domains",
            )
        )
    held = {d.domain for d in live}
    entries: list[Obj] = []
    singles: list[Decl] = []
    seen: set[tuple[str, str]] = set()
    left_out: list[str] = []
    ordered = sorted(requests, key=lambda r: (r.domain, r.type.lower(), r.created_at or "", r.id))
    for request in ordered:
        if request.status.value == "FAILED" or not request.mailboxes:
            left_out.append(f"{request.id} ({request.domain}, {request.status.value})")
            continue
        kind = request.type.lower()
        args = (
            request.domain,
            Expr(f"inboxedup.MailboxType.{kind.upper()}"),
            [
                Obj(API, "MailboxArgs", (m.first_name, m.last_name, m.mailbox_username))
                for m in request.mailboxes
            ],
        )
        if (request.domain, kind) not in seen:
            seen.add((request.domain, kind))
            entries.append(Obj(API, "MailboxRequestEntryArgs", args))
            continue
        singles.append(
            Decl.of(
                MAILBOX_REQUEST,
                estate.var("request", request.id),
                estate.resource_name("request", request.id),
                {
                    "domain": args[0],
                    "type": args[1],
                    "mailboxes": args[2],
                    **estate.account_args(),
                },
                comment=f"a second {kind} request on {request.domain}",
                depends_on=[batch_var] if request.domain in held else [],
            )
        )
    if left_out:
        estate.notes.append(
            f"{len(left_out)} FAILED or empty mailbox request(s) left out: " + ", ".join(left_out)
        )
    if entries:
        mailboxes = sum(len(e.args[2]) for e in entries)
        estate.decls.append(
            Decl.of(
                MAILBOX_REQUESTS,
                estate.var("mailboxes"),
                estate.resource_name("mailboxes"),
                {"requests": entries, **estate.account_args()},
                comment=f"{len(entries)} requests, {mailboxes} mailboxes (one per domain and type)",
                depends_on=[batch_var] if live else [],
            )
        )
    estate.decls.extend(singles)


__all__ = ["read_inboxedup"]

"""Mailin.ai: one paged listing per list endpoint (SMTP and Google domains and mailboxes, Azure
orders, inbox providers, registrars); forwarding is read from the domain listings.

Declares `Domains` (SMTP and Google, the Azure orders' domains left to their orders),
`SmtpMailboxes` and `GoogleMailboxes` (no passwords: Mailin.ai keeps them), `DomainForwarding`
and `EmailForwarding` where a listing shows a target, `InboxProvider` and `DomainRegistrar`
(their keys read from config, never from the API) and `AzureOrder`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .. import kinds
from ..mailin import endpoints as mailin_ep
from ..mailin import runtime as mi_runtime
from ..mailin.client import MailinClient
from ..mailin.microsoft_models import AzureOrderInfo, DomainRegistrarInfo, InboxProviderInfo
from ..mailin.models import MailinDomain, MailinMailbox
from .connect import build, connection
from .estate import AccountEstate, Decl, Expr, Obj, Secret, config_key
from .progress import Progress

API = "mailin"
DOMAINS = kinds.kind("mailin:Domains")
SUBDOMAIN = kinds.kind("mailin:Subdomain")
DOMAIN_FORWARDING = kinds.kind("mailin:DomainForwarding")
EMAIL_FORWARDING = kinds.kind("mailin:EmailForwarding")
SMTP_MAILBOXES = kinds.kind("mailin:SmtpMailboxes")
GOOGLE_MAILBOXES = kinds.kind("mailin:GoogleMailboxes")
INBOX_PROVIDER = kinds.kind("mailin:InboxProvider")
DOMAIN_REGISTRAR = kinds.kind("mailin:DomainRegistrar")
AZURE_ORDER = kinds.kind("mailin:AzureOrder")
SECRET_FIELDS = {"api_key": "API key", "secret_api_key": "secret API key", "password": "password"}


def read_mailin(
    config: Mapping[str, Any] | None, account: str | None, progress: Progress
) -> AccountEstate:
    estate = AccountEstate(API, account)
    client: MailinClient = build(mi_runtime.runtime_for, API, config, account).client
    counts = estate.counts

    def step(what: str, items: list[Any]) -> list[Any]:
        counts[what] = counts.get(what, 0) + len(items)
        progress.show(estate.label, counts)
        return items

    smtp_domains = step("domains", client.list_domains())
    google_domains = step("domains", client.list_domains(google=True))
    smtp_boxes = step("mailboxes", client.list_mailboxes())
    google_boxes = step("mailboxes", client.list_mailboxes(google=True))
    orders = step("azure orders", client.list_azure_orders())
    providers = step("inbox providers", client.list_inbox_providers())
    registrars = step("registrars", client.list_domain_registrars())
    inboxkit = step("inboxkit domains", client.list_inboxkit_domains())
    progress.done(estate.label, counts)
    connection(
        estate,
        config,
        [
            (mi_runtime.API_TOKEN, f"Mailin.ai API token of {estate.owner}"),
            (mi_runtime.EMAIL, f"Mailin.ai login email of {estate.owner}"),
            (mi_runtime.PASSWORD, f"Mailin.ai password of {estate.owner}"),
        ],
        [mi_runtime.BASE_URL, mi_runtime.POLL_INTERVAL],
    )
    provider_vars = _accounts(estate, INBOX_PROVIDER, "provider", providers)
    registrar_vars = _accounts(estate, DOMAIN_REGISTRAR, "registrar", registrars)
    ordered = {o.domain.lower() for o in orders}
    # An API may list Google domains and mailboxes in the SMTP lists too: each is declared once,
    # by the resource of the list that is specific to it.
    google_names = {d.name.lower() for d in google_domains}
    # Inboxkit transfers may be in the SMTP listing too: they are named, never declared (see
    # _inboxkit), whichever way the account lists them.
    inboxkit_names = {d.name.lower() for d in inboxkit}
    smtp_domains = [
        d
        for d in smtp_domains
        if d.name.lower() not in google_names and d.name.lower() not in inboxkit_names
    ]
    google_users = {b.username.lower() for b in google_boxes}
    smtp_boxes = [b for b in smtp_boxes if b.username.lower() not in google_users]
    subdomains = [d for d in smtp_domains + google_domains if _parent(d) is not None]
    domain_vars: dict[bool, str] = {}
    declared: dict[str, str] = {}
    for google, listed in ((False, smtp_domains), (True, google_domains)):
        names = sorted(
            {d.name for d in listed if d.name.lower() not in ordered and _parent(d) is None}
        )
        if not names:
            continue
        kind = "google" if google else "smtp"
        var = domain_vars[google] = estate.var(kind, "domains")
        args: dict[str, Any] = {"domains": names}
        if google:
            args["google"] = True
        estate.decls.append(
            Decl.of(
                DOMAINS,
                var,
                estate.resource_name(kind, "domains"),
                {**args, **estate.account_args()},
                comment=f"{len(names)} {'Google' if google else 'SMTP'} domains. Deleting this "
                "resource would delete the domains it bought (adopted ones stay unless "
                "destroy_adopted): protected, as the policy pack asks",
                protect=True,
            )
        )
        declared.update({n.lower(): var for n in names})
    sub_vars = _subdomains(estate, subdomains, declared)
    _inboxkit(estate, inboxkit)
    _forwarding(estate, smtp_domains + google_domains, domain_vars, ordered)
    _mailboxes(estate, smtp_boxes, google=False, depends=_and(domain_vars.get(False), sub_vars))
    _mailboxes(estate, google_boxes, google=True, depends=_and(domain_vars.get(True), sub_vars))
    for order in sorted(orders, key=lambda o: o.domain):
        _order(estate, order, provider_vars, registrar_vars)
    return estate


def _and(first: str | None, rest: list[str]) -> list[str]:
    return ([first] if first else []) + rest


def _parent(domain: MailinDomain) -> str | None:
    """The domain a subdomain entry is under (the listing's `main_domain`), None for a domain."""
    main = (domain.main_domain or "").strip().lower().rstrip(".")
    name = domain.name.strip().lower().rstrip(".")
    if not main or main == name or not name.endswith("." + main):
        return None
    return main


def _subdomains(
    estate: AccountEstate, subdomains: list[MailinDomain], declared: dict[str, str]
) -> list[str]:
    """One `Subdomain` each whose parent the program declares (its create finds the entry and
    adopts it: no write); the others are named in a comment. Returns their variables."""
    variables: list[str] = []
    left_out: list[str] = []
    for sub in sorted(subdomains, key=lambda d: d.name):
        parent = _parent(sub)
        assert parent is not None
        if parent not in declared:
            left_out.append(sub.name)
            continue
        label = sub.name.strip().lower().rstrip(".")[: -len(parent) - 1]
        var = estate.var("subdomain", sub.name)
        variables.append(var)
        estate.decls.append(
            Decl.of(
                SUBDOMAIN,
                var,
                estate.resource_name("subdomain", sub.name),
                {"subdomain": label, "domain": parent, **estate.account_args()},
                comment=f"{sub.name} (id {sub.id})",
                depends_on=[declared[parent]],
            )
        )
        estate.counts["subdomains"] = estate.counts.get("subdomains", 0) + 1
    if left_out:
        estate.notes.append(
            f"{len(left_out)} subdomain(s) of a domain this program does not declare (an Azure "
            "order's or an Inboxkit one's): " + ", ".join(left_out)
        )
    return variables


def _inboxkit(estate: AccountEstate, domains: list[MailinDomain]) -> None:
    """Inboxkit transfers are named, not declared: `Domains(acquisition="inboxkit")` needs each
    domain's Inboxkit uid, which no listing shows, and as plain SMTP `Domains` a create would
    not find them (Mailin.ai lists them apart from the SMTP domains) and would buy them."""
    names = sorted({d.name for d in domains if _parent(d) is None})
    subs = sorted({d.name for d in domains if _parent(d) is not None})
    if names:
        estate.notes.append(
            f"{len(names)} Inboxkit-transferred domain(s): Mailin.ai's listings do not show "
            'their Inboxkit uid, which Domains(acquisition="inboxkit") needs for each domain, '
            "and as plain SMTP Domains a create would not find them and would buy them; declare "
            "them yourself with their uids if you want them managed: " + ", ".join(names)
        )
    if subs:
        estate.notes.append(
            f"{len(subs)} subdomain(s) of Inboxkit domains, for the same reason: " + ", ".join(subs)
        )


def _accounts(
    estate: AccountEstate,
    kind: kinds.Kind,
    label: str,
    entries: Sequence[InboxProviderInfo | DomainRegistrarInfo],
) -> dict[int, str]:
    """InboxProvider / DomainRegistrar declarations; their id -> the variable."""
    variables: dict[int, str] = {}
    for entry in sorted(entries, key=lambda e: (e.provider, e.name or "", e.id)):
        if not entry.name:
            estate.notes.append(f"{label} {entry.id} ({entry.provider}) has no name: left out")
            continue
        var = estate.var(label, entry.name)
        variables[entry.id] = var
        args: dict[str, Any] = {"name": entry.name, "provider": entry.provider}
        required = mailin_ep.PROVIDER_REQUIRED_FIELDS.get(entry.provider, ())
        shown = entry.model_dump()
        for field in type(entry).model_fields:
            if field in ("name", "provider") or field not in kind.inputs:
                continue  # written above, or the API's own (`id`, `user_id`): not an input
            if field in SECRET_FIELDS:
                continue
            value = shown.get(field)
            if value not in (None, ""):
                args[field] = value
        for field, what in SECRET_FIELDS.items():
            if field in required or (field in shown and shown.get(field)):
                key = config_key(estate.prefix, label, entry.name, field)
                args[field] = Secret(
                    key,
                    f"the {entry.provider} {what} of {label} {entry.name!r} of {estate.owner}",
                )
        estate.decls.append(
            Decl.of(
                kind,
                var,
                estate.resource_name(label, entry.name),
                {**args, **estate.account_args()},
                comment=f"{entry.provider} (id {entry.id}); keys come from config",
            )
        )
    return variables


def _forwarding(
    estate: AccountEstate,
    domains: list[MailinDomain],
    domain_vars: dict[bool, str],
    ordered: set[str],
) -> None:
    for forwarding, field in (
        (DOMAIN_FORWARDING, "forward_to"),
        (EMAIL_FORWARDING, "email_forward_to"),
    ):
        unread = sorted(
            d.name
            for d in domains
            if field not in d.model_fields_set and d.name.lower() not in ordered
        )
        if unread:
            what = "domain forwarding" if forwarding is DOMAIN_FORWARDING else "email forwarding"
            estate.notes.append(
                f"the {what} of {len(unread)} domain(s) could not be read: Mailin.ai's domain "
                f"listing carries no `{field}` field (a missing field is not 'no forwarding'; "
                f"docs/mailin-api.md). If one forwards, declare a {forwarding.name} for it "
                "yourself: " + _shown(unread)
            )
        for domain in sorted(domains, key=lambda d: d.name):
            target = getattr(domain, field)
            if field not in domain.model_fields_set or not target or not str(target).strip():
                continue
            if domain.name.lower() in ordered:
                continue
            short = "forward" if forwarding is DOMAIN_FORWARDING else "email-forward"
            estate.decls.append(
                Decl.of(
                    forwarding,
                    estate.var(short, domain.name),
                    estate.resource_name(short, domain.name),
                    {"domain_id": domain.id, "forward_to": str(target).strip()}
                    | estate.account_args(),
                    comment=f"{domain.name} -> {str(target).strip()}",
                    depends_on=list(domain_vars.values()),
                )
            )
            estate.counts["forwardings"] = estate.counts.get("forwardings", 0) + 1


def _shown(names: list[str], limit: int = 20) -> str:
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def _mailboxes(
    estate: AccountEstate, boxes: list[MailinMailbox], *, google: bool, depends: list[str]
) -> None:
    if not boxes:
        return
    if google:
        for field, what in (("redirect_email", "forwarding"), ("signature", "signature")):
            unread = sorted(b.username for b in boxes if field not in b.model_fields_set)
            if unread:
                estate.notes.append(
                    f"the {what} of {len(unread)} Google mailbox(es) could not be read: the "
                    f"mailbox listing carries no `{field}` field (a missing field is not 'no "
                    f"{what}'; docs/mailin-api.md); add it to their GoogleMailboxArgs yourself "
                    "if they have one: " + _shown(unread)
                )
    entries: list[Obj] = []
    for box in sorted(boxes, key=lambda b: b.username):
        if google:
            first, last = box.first_name, box.last_name
            if not (first and last):
                parts = (box.name or box.username.split("@")[0]).split(None, 1)
                first, last = parts[0], parts[1] if len(parts) > 1 else parts[0]
            kwargs: list[tuple[str, Any]] = []
            if box.signature:
                kwargs.append(("signature", box.signature))
            if box.redirect_email and box.redirect_email.strip():
                kwargs.append(("forwarding_email", box.redirect_email.strip()))
            entries.append(
                Obj(API, "GoogleMailboxArgs", (box.username, first, last), tuple(kwargs))
            )
        else:
            name = (box.name or "").strip() or box.username.split("@")[0]
            entries.append(Obj(API, "SmtpMailboxArgs", (box.username, name)))
    kind = "google" if google else "smtp"
    estate.decls.append(
        Decl.of(
            GOOGLE_MAILBOXES if google else SMTP_MAILBOXES,
            estate.var(kind, "mailboxes"),
            estate.resource_name(kind, "mailboxes"),
            {"mailboxes": entries, **estate.account_args()},
            comment=f"{len(entries)} {'Google' if google else 'SMTP'} mailboxes "
            "(passwords stay in Mailin.ai: `passwords`/`credentials` are secret outputs)",
            depends_on=depends,
        )
    )


def _order(
    estate: AccountEstate,
    order: AzureOrderInfo,
    providers: dict[int, str],
    registrars: dict[int, str],
) -> None:
    args: dict[str, Any] = {"domain": order.domain, "mailbox_mode": order.mailbox_mode}
    if order.mailbox_mode == "auto":
        args["full_names"] = list(order.full_name)
    else:
        args["mailboxes"] = [
            Obj(API, "AzureMailboxArgs", (m.name or m.username, m.username))
            for m in order.mailboxes
        ]
    args["is_purchase"] = order.is_purchase
    buys = order.is_purchase is not False  # as the pack's `purchased-domains-protected` reads it
    depends: list[str] = []
    if order.provider_id is not None:
        var = providers.get(order.provider_id)
        args["inbox_provider_id"] = Expr(f"{var}.provider_id") if var else order.provider_id
    if order.domain_registrar_id is not None:
        var = registrars.get(order.domain_registrar_id)
        args["domain_registrar_id"] = (
            Expr(f"{var}.registrar_id") if var else order.domain_registrar_id
        )
    if order.forward_to:
        args["master_domain"] = order.forward_to
    estate.decls.append(
        Decl.of(
            AZURE_ORDER,
            estate.var("azure", order.domain),
            estate.resource_name("azure", order.domain),
            {**args, **estate.account_args()},
            comment=f"Azure order {order.id} ({order.mailbox_mode})"
            + ("; it bought its domain: protected, as the policy pack asks" if buys else ""),
            depends_on=depends,
            protect=buys,
        )
    )


__all__ = ["read_mailin"]

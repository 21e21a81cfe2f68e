"""The simulated InboxedUp API: the 12 endpoints of ``inboxedup/endpoints.py``."""

from __future__ import annotations

import re
from functools import partial

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from pulumi_inboxed.inboxedup import endpoints
from pulumi_inboxed.inboxedup.endpoints import MAILBOX_LIMITS
from pulumi_inboxed.sandbox.context import SandboxContext, authenticated, read_json
from pulumi_inboxed.sandbox.envelope import SandboxError, new_id, ok, timestamp
from pulumi_inboxed.sandbox.inboxedup.lifecycle import (
    ACTIVE,
    DOMAIN_STATUSES,
    FAIL_PATTERN_REASON,
    FAILED,
    IN_PROGRESS,
    MAILBOX_STATUSES,
    PENDING,
    PENDING_NS,
    domain_deadlines,
    domain_status,
    mailbox_deadlines,
    mailbox_status,
)
from pulumi_inboxed.sandbox.inboxedup.nameservers import UNPROPAGATED_NS
from pulumi_inboxed.sandbox.inboxedup.validation import parse_domain_names, parse_mailbox_request
from pulumi_inboxed.sandbox.inboxedup.views import (
    batch_view,
    domain_ns,
    domain_view,
    mailbox_entries_view,
    mailbox_request_view,
    subscription_view,
)
from pulumi_inboxed.sandbox.store import DomainRow, MailboxRequestRow
from pulumi_inboxed.sandbox.surfaces import route as register_route

DEFAULT_PAGE_LIMIT = 100
MAX_PAGE_LIMIT = 500
MAX_NOTES_LENGTH = 2000
MAILBOX_CREATED_MESSAGE = "Your mailbox request has been received and is being processed."
# Placeholder customer of the sandbox account (GET /account).
SANDBOX_CUSTOMER: dict[str, object] = {
    "id": "sandbox_customer",
    "email": "sandbox@inboxed-sandbox.invalid",
    "name": "InboxedUp Sandbox",
}


def _query_int(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise SandboxError(
            422, f"{name} must be an integer from {low} to {high}", {"field": name, "value": raw}
        )
    return value


def _query_choice(request: Request, name: str, choices: tuple[str, ...]) -> str | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if raw not in choices:
        raise SandboxError(
            422, f"{name} must be one of {', '.join(choices)}", {"field": name, "value": raw}
        )
    return raw


def _listing(
    request: Request, key: str, views: list[dict[str, object]], statuses: tuple[str, ...]
) -> JSONResponse:
    """Filters by `?status=` and pages by `?page=&limit=`, as every list endpoint answers."""
    status = _query_choice(request, "status", statuses)
    page = _query_int(request, "page", 1, 1, 1_000_000)
    limit = _query_int(request, "limit", DEFAULT_PAGE_LIMIT, 1, MAX_PAGE_LIMIT)
    if status is not None:
        views = [view for view in views if view["status"] == status]
    return ok({key: _page(views, page, limit), "page": page, "limit": limit, "total": len(views)})


def _page(items: list[dict[str, object]], page: int, limit: int) -> list[dict[str, object]]:
    start = (page - 1) * limit
    return items[start : start + limit]


def _domain_not_found(domain_id: str) -> SandboxError:
    return SandboxError(404, f"Domain {domain_id} not found", {"id": domain_id})


def inboxedup_router(ctx: SandboxContext) -> APIRouter:
    """Every InboxedUp route, behind bearer auth, on the paths of the endpoint table."""

    async def require_token() -> None:
        # The middleware found the account whose InboxedUp token the request carries, if any.
        if not authenticated():
            raise SandboxError(
                401,
                "Missing or invalid bearer token",
                headers={"WWW-Authenticate": "Bearer"},
            )

    router = APIRouter(dependencies=[Depends(require_token)])

    route = partial(register_route, router)

    # Account and subscriptions

    @route(endpoints.ACCOUNT)
    async def get_account() -> JSONResponse:
        now = ctx.clock()
        domains = ctx.store.list_domains()
        requests = ctx.store.list_mailbox_requests()
        allocated = {kind.upper(): 0 for kind in MAILBOX_LIMITS}
        for sub in ctx.store.list_subscriptions():
            if sub.status == "ACTIVE" and sub.type in allocated:
                allocated[sub.type] += sub.quantity
        used = dict.fromkeys(allocated, 0)
        pending_requests = 0
        for req in requests:
            status = mailbox_status(req, now)
            if status != FAILED:
                used[req.type.upper()] += len(req.mailboxes)
            if status in (PENDING, IN_PROGRESS):
                pending_requests += 1
        customer: dict[str, object] = dict(SANDBOX_CUSTOMER)
        customer["createdAt"] = timestamp(ctx.store.created_at())
        return ok(
            {
                "customer": customer,
                "allocations": [
                    {
                        "type": kind,
                        "allocated": allocated[kind],
                        "used": used[kind],
                        "remaining": max(0, allocated[kind] - used[kind]),
                    }
                    for kind in allocated
                ],
                "summary": {
                    "totalDomains": len(domains),
                    "activeDomains": sum(1 for d in domains if domain_status(d, now) == ACTIVE),
                    "pendingMailboxRequests": pending_requests,
                    "activeApiKeys": len(ctx.account().inboxedup_tokens),
                },
            }
        )

    @route(endpoints.LIST_SUBSCRIPTIONS)
    async def list_subscriptions() -> JSONResponse:
        subs = ctx.store.list_subscriptions()
        return ok({"subscriptions": [subscription_view(sub) for sub in subs]})

    @route(endpoints.UPDATE_SUBSCRIPTION_NOTES)
    async def update_subscription_notes(subscription_id: str, request: Request) -> JSONResponse:
        body = await read_json(request)
        notes = body.get("notes") if isinstance(body, dict) else None
        if not isinstance(notes, str):
            raise SandboxError(422, "notes must be a string", {"field": "notes"})
        if len(notes) > MAX_NOTES_LENGTH:
            raise SandboxError(
                422, f"notes are at most {MAX_NOTES_LENGTH} characters", {"field": "notes"}
            )
        sub = ctx.store.update_subscription_notes(subscription_id, notes)
        if sub is None:
            raise SandboxError(
                404, f"Subscription {subscription_id} not found", {"id": subscription_id}
            )
        return ok(subscription_view(sub))

    # Domains

    @route(endpoints.SUBMIT_DOMAINS, status_code=201)
    async def submit_domains(request: Request) -> JSONResponse:
        names = parse_domain_names(await read_json(request))
        settings = ctx.settings
        now = ctx.clock()
        pending_at, active_at = domain_deadlines(settings, now)
        fail_pattern = re.compile(settings.fail_pattern)
        batch_id = new_id("batch")
        candidates = [
            DomainRow(
                id=new_id("dom"),
                name=name,
                batch_id=batch_id,
                created_at=now,
                pending_at=pending_at,
                active_at=active_at,
                fail_reason=FAIL_PATTERN_REASON if fail_pattern.search(name) else None,
            )
            for name in names
        ]
        added, rejected = ctx.store.submit_batch(batch_id, now, candidates)
        return ok(
            {
                "batchId": batch_id,
                "domains": [domain_view(row, now) for row in added],
                "rejected": [
                    {"domain": name, "reason": "already in account", "existingId": existing}
                    for name, existing in rejected
                ],
            },
            status=201,
        )

    @route(endpoints.LIST_DOMAINS)
    async def list_domains(request: Request) -> JSONResponse:
        batch_id = request.query_params.get("batchId") or None
        name = request.query_params.get("domain") or None
        now = ctx.clock()
        views = [
            domain_view(row, now)
            for row in ctx.store.list_domains(batch_id)
            if name is None or row.name == name
        ]
        return _listing(request, "domains", views, DOMAIN_STATUSES)

    @route(endpoints.BATCH_STATUS)
    async def batch_status(batch_id: str) -> JSONResponse:
        if not ctx.store.batch_exists(batch_id):
            raise SandboxError(404, f"Batch {batch_id} not found", {"id": batch_id})
        return ok(batch_view(batch_id, ctx.store.list_domains(batch_id), ctx.clock()))

    @route(endpoints.GET_DOMAIN)
    async def get_domain(domain_id: str) -> JSONResponse:
        row = ctx.store.get_domain(domain_id)
        if row is None:
            raise _domain_not_found(domain_id)
        return ok(domain_view(row, ctx.clock()))

    @route(endpoints.REMOVE_DOMAIN)
    async def remove_domain(domain_id: str) -> JSONResponse:
        if not ctx.store.remove_domain(domain_id, ctx.clock()):
            raise _domain_not_found(domain_id)
        return ok({"id": domain_id, "removed": True})

    @route(endpoints.VERIFY_DOMAIN_NS)
    async def verify_domain_ns(domain_id: str) -> JSONResponse:
        row = ctx.store.get_domain(domain_id)
        if row is None:
            raise _domain_not_found(domain_id)
        now = ctx.clock()
        ns1, ns2 = domain_ns(row, now)
        verified = ns1 is not None and ctx.settings.ns_propagated
        found = [ns for ns in (ns1, ns2) if ns is not None] if verified else list(UNPROPAGATED_NS)
        if verified and domain_status(row, now) == PENDING_NS:
            ctx.store.activate_domain(domain_id, now)
            row = ctx.store.get_domain(domain_id) or row
        return ok(
            {
                "id": row.id,
                "domain": row.name,
                "status": domain_status(row, now),
                "ns1": ns1,
                "ns2": ns2,
                "verified": verified,
                "found": found,
            }
        )

    # Mailboxes

    @route(endpoints.REQUEST_MAILBOXES, status_code=201)
    async def request_mailboxes(request: Request) -> JSONResponse:
        body = parse_mailbox_request(await read_json(request))
        domain = ctx.store.domain_by_name(body.domain)
        if domain is None:
            raise SandboxError(
                404, f"Domain {body.domain} not found in this account", {"domain": body.domain}
            )
        now = ctx.clock()
        status = domain_status(domain, now)
        if status != ACTIVE:
            raise SandboxError(
                400,
                f"Domain {body.domain} is {status}; mailboxes need an ACTIVE domain",
                {"domain": body.domain, "domainStatus": status},
            )
        limit = MAILBOX_LIMITS[body.type]

        def within_limit(existing: list[MailboxRequestRow]) -> None:
            used = sum(
                len(req.mailboxes)
                for req in existing
                if req.type == body.type and mailbox_status(req, now) != FAILED
            )
            if used + len(body.mailboxes) > limit:
                raise SandboxError(
                    403,
                    f"Limit of {limit} {body.type} mailboxes per domain reached for {body.domain}",
                    {
                        "domain": body.domain,
                        "type": body.type,
                        "limit": limit,
                        "used": used,
                        "requested": len(body.mailboxes),
                    },
                )

        in_progress_at, completed_at = mailbox_deadlines(ctx.settings, now)
        row = MailboxRequestRow(
            id=new_id("req"),
            domain_id=domain.id,
            domain_name=domain.name,
            type=body.type,
            created_at=now,
            in_progress_at=in_progress_at,
            completed_at=completed_at,
            mailboxes=body.mailboxes,
        )
        ctx.store.create_mailbox_request(row, within_limit)
        # The documented 201 body has no "data" wrapper and a lower-case status.
        return JSONResponse(
            {
                "success": True,
                "requestId": row.id,
                "type": row.type,
                "domain": row.domain_name,
                "status": mailbox_status(row, now).lower(),
                "message": MAILBOX_CREATED_MESSAGE,
                "mailboxes": mailbox_entries_view(row.mailboxes, row.domain_name),
            },
            status_code=201,
        )

    @route(endpoints.LIST_MAILBOX_REQUESTS)
    async def list_mailbox_requests(request: Request) -> JSONResponse:
        domain_name = request.query_params.get("domain") or None
        now = ctx.clock()
        views = [
            mailbox_request_view(req, ctx.store.get_domain_any(req.domain_id), now)
            for req in ctx.store.list_mailbox_requests(domain_name)
        ]
        return _listing(request, "requests", views, MAILBOX_STATUSES)

    @route(endpoints.GET_MAILBOX_REQUEST)
    async def get_mailbox_request(request_id: str) -> JSONResponse:
        req = ctx.store.get_mailbox_request(request_id)
        if req is None:
            raise SandboxError(404, f"Mailbox request {request_id} not found", {"id": request_id})
        domain = ctx.store.get_domain_any(req.domain_id)
        return ok(mailbox_request_view(req, domain, ctx.clock()))

    return router

"""The InboxedUp routes (the 12 endpoints of ``inboxedup/endpoints.py``): each parses the request,
calls the backend (``models.py``) and renders the answer in the documented envelope."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from pulumi_inboxed.inboxedup import endpoints
from pulumi_inboxed.sandbox.context import SandboxContext, read_json
from pulumi_inboxed.sandbox.envelope import ok, timestamp
from pulumi_inboxed.sandbox.errors import SandboxApiError
from pulumi_inboxed.sandbox.inboxedup.lifecycle import (
    DOMAIN_STATUSES,
    MAILBOX_STATUSES,
    domain_status,
    mailbox_status,
)
from pulumi_inboxed.sandbox.inboxedup.models import InboxedUpBackend
from pulumi_inboxed.sandbox.inboxedup.validation import parse_domain_names, parse_mailbox_request
from pulumi_inboxed.sandbox.inboxedup.views import (
    batch_view,
    domain_view,
    mailbox_entries_view,
    mailbox_request_view,
    subscription_view,
)
from pulumi_inboxed.sandbox.surfaces import route as register_route

DEFAULT_PAGE_LIMIT = 100
MAX_PAGE_LIMIT = 500
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
        raise SandboxApiError(
            422, f"{name} must be an integer from {low} to {high}", {"field": name, "value": raw}
        )
    return value


def _query_choice(request: Request, name: str, choices: tuple[str, ...]) -> str | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if raw not in choices:
        raise SandboxApiError(
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


def add_routes(router: APIRouter, backend: InboxedUpBackend, ctx: SandboxContext) -> None:
    """Register every InboxedUp route on ``router`` (behind its bearer auth)."""
    route = partial(register_route, router)

    # Account and subscriptions

    @route(endpoints.ACCOUNT)
    async def get_account() -> JSONResponse:
        view = backend.overview(ctx.store.created_at())
        customer: dict[str, object] = dict(SANDBOX_CUSTOMER)
        customer["createdAt"] = timestamp(view.created_at)
        return ok(
            {
                "customer": customer,
                "allocations": [
                    {
                        "type": item.type,
                        "allocated": item.allocated,
                        "used": item.used,
                        "remaining": item.remaining,
                    }
                    for item in view.allocations
                ],
                "summary": {
                    "totalDomains": view.total_domains,
                    "activeDomains": view.active_domains,
                    "pendingMailboxRequests": view.pending_mailbox_requests,
                    "activeApiKeys": len(ctx.account().inboxedup_tokens),
                },
            }
        )

    @route(endpoints.LIST_SUBSCRIPTIONS)
    async def list_subscriptions() -> JSONResponse:
        subs = backend.subscriptions()
        return ok({"subscriptions": [subscription_view(sub) for sub in subs]})

    @route(endpoints.UPDATE_SUBSCRIPTION_NOTES)
    async def update_subscription_notes(subscription_id: str, request: Request) -> JSONResponse:
        body = await read_json(request)
        notes = body.get("notes") if isinstance(body, dict) else None
        return ok(subscription_view(backend.update_subscription_notes(subscription_id, notes)))

    # Domains

    @route(endpoints.SUBMIT_DOMAINS, status_code=201)
    async def submit_domains(request: Request) -> JSONResponse:
        names = parse_domain_names(await read_json(request))
        submitted = backend.submit_domains(names)
        now = ctx.clock()
        return ok(
            {
                "batchId": submitted.batch_id,
                "domains": [domain_view(row, now) for row in submitted.added],
                "rejected": [
                    {"domain": name, "reason": "already in account", "existingId": existing}
                    for name, existing in submitted.rejected
                ],
            },
            status=201,
        )

    @route(endpoints.LIST_DOMAINS)
    async def list_domains(request: Request) -> JSONResponse:
        batch_id = request.query_params.get("batchId") or None
        name = request.query_params.get("domain") or None
        now = ctx.clock()
        views = [domain_view(row, now) for row in backend.list_domains(batch_id, name)]
        return _listing(request, "domains", views, DOMAIN_STATUSES)

    @route(endpoints.BATCH_STATUS)
    async def batch_status(batch_id: str) -> JSONResponse:
        return ok(batch_view(batch_id, backend.batch(batch_id), ctx.clock()))

    @route(endpoints.GET_DOMAIN)
    async def get_domain(domain_id: str) -> JSONResponse:
        return ok(domain_view(backend.get_domain(domain_id), ctx.clock()))

    @route(endpoints.REMOVE_DOMAIN)
    async def remove_domain(domain_id: str) -> JSONResponse:
        backend.remove_domain(domain_id)
        return ok({"id": domain_id, "removed": True})

    @route(endpoints.VERIFY_DOMAIN_NS)
    async def verify_domain_ns(domain_id: str) -> JSONResponse:
        check = backend.verify_ns(domain_id)
        return ok(
            {
                "id": check.row.id,
                "domain": check.row.name,
                "status": domain_status(check.row, ctx.clock()),
                "ns1": check.ns1,
                "ns2": check.ns2,
                "verified": check.verified,
                "found": check.found,
            }
        )

    # Mailboxes

    @route(endpoints.REQUEST_MAILBOXES, status_code=201)
    async def request_mailboxes(request: Request) -> JSONResponse:
        row = backend.request_mailboxes(parse_mailbox_request(await read_json(request)))
        # The documented 201 body has no "data" wrapper and a lower-case status.
        return JSONResponse(
            {
                "success": True,
                "requestId": row.id,
                "type": row.type,
                "domain": row.domain_name,
                "status": mailbox_status(row, ctx.clock()).lower(),
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
            mailbox_request_view(req, domain, now)
            for req, domain in backend.list_mailbox_requests(domain_name)
        ]
        return _listing(request, "requests", views, MAILBOX_STATUSES)

    @route(endpoints.GET_MAILBOX_REQUEST)
    async def get_mailbox_request(request_id: str) -> JSONResponse:
        req, domain = backend.get_mailbox_request(request_id)
        return ok(mailbox_request_view(req, domain, ctx.clock()))

"""InboxedUp as the app serves it: its surface (root paths, bearer token, envelope errors), its
routes behind the token, and its control routes under ``/_sandbox/inboxedup``."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from pulumi_inboxed.inboxedup import endpoints
from pulumi_inboxed.sandbox.context import SandboxContext, guarded_router
from pulumi_inboxed.sandbox.control import CONTROL_PREFIX, parse_control_body
from pulumi_inboxed.sandbox.errors import SandboxApiError
from pulumi_inboxed.sandbox.inboxedup import errors
from pulumi_inboxed.sandbox.inboxedup.models import InboxedUpBackend
from pulumi_inboxed.sandbox.inboxedup.responses import add_routes
from pulumi_inboxed.sandbox.inboxedup.views import domain_view, mailbox_request_view
from pulumi_inboxed.sandbox.surfaces import ApiSurface
from pulumi_inboxed.sandbox.tenants import INBOXEDUP


class InboxedUpSurface(ApiSurface):
    """At the root (every path no other API owns), ``Authorization: Bearer <token>``."""

    render = staticmethod(errors.render)
    fault = staticmethod(errors.fault)
    invalid_request = staticmethod(errors.invalid_request)


SURFACE = InboxedUpSurface(INBOXEDUP, "", endpoints.ALL, lambda account: account.inboxedup_tokens)


def backend_of(ctx: SandboxContext) -> InboxedUpBackend:
    return ctx.backend(InboxedUpBackend, ctx.store.inboxedup)


def unauthorized() -> SandboxApiError:
    return SandboxApiError(
        401, "Missing or invalid bearer token", headers={"WWW-Authenticate": "Bearer"}
    )


def inboxedup_router(ctx: SandboxContext) -> APIRouter:
    """Every InboxedUp route, behind bearer auth, on the paths of the endpoint table."""
    router = guarded_router(unauthorized)
    add_routes(router, backend_of(ctx), ctx)
    return router


class ForceDomainStatus(BaseModel):
    """``status`` null lifts a forced status: the timers decide again."""

    model_config = ConfigDict(extra="forbid")
    status: Literal["QUEUED", "PENDING_NS", "ACTIVE", "FAILED"] | None
    reason: str | None = None


class ForceMailboxStatus(BaseModel):
    """``reason`` becomes the request's ``adminNotes``."""

    model_config = ConfigDict(extra="forbid")
    status: Literal["PENDING", "IN_PROGRESS", "COMPLETED", "FAILED"] | None
    reason: str | None = None


def inboxedup_control_router(ctx: SandboxContext) -> APIRouter:
    """Forced statuses (drift) of the ``?account=`` account's objects."""
    router = APIRouter(prefix=CONTROL_PREFIX + "/inboxedup")
    backend = backend_of(ctx)

    @router.post("/domains/{domain_id}/status")
    async def force_domain_status(domain_id: str, request: Request) -> JSONResponse:
        body = await parse_control_body(request, ForceDomainStatus)
        row = backend.force_domain_status(domain_id, body.status, body.reason)
        return JSONResponse(domain_view(row, ctx.clock()))

    @router.post("/mailboxes/{request_id}/status")
    async def force_mailbox_status(request_id: str, request: Request) -> JSONResponse:
        body = await parse_control_body(request, ForceMailboxStatus)
        row, domain = backend.force_mailbox_status(request_id, body.status, body.reason)
        return JSONResponse(mailbox_request_view(row, domain, ctx.clock()))

    return router

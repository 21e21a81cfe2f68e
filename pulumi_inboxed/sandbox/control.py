"""Control routes under ``/_sandbox/`` (no auth, never counted, delayed or faulted)."""

from __future__ import annotations

from typing import Literal, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, ValidationError

from pulumi_inboxed.sandbox.context import SandboxContext, read_json, validation_details
from pulumi_inboxed.sandbox.envelope import SandboxError
from pulumi_inboxed.sandbox.faults import FaultRule
from pulumi_inboxed.sandbox.mailin_azure import add_azure_control
from pulumi_inboxed.sandbox.settings import SandboxSettings
from pulumi_inboxed.sandbox.views import domain_view, mailbox_request_view

CONTROL_PREFIX = "/_sandbox"
M = TypeVar("M", bound=BaseModel)


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


async def _parse(request: Request, model: type[M]) -> M:
    try:
        return model.model_validate(await read_json(request))
    except ValidationError as exc:
        raise SandboxError(422, "Invalid control request", validation_details(exc)) from exc


def control_router(ctx: SandboxContext) -> APIRouter:
    router = APIRouter(prefix=CONTROL_PREFIX)

    @router.get("/health")
    async def health() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @router.get("/stats")
    async def stats() -> JSONResponse:
        requests = ctx.counter.snapshot()
        return JSONResponse({"requests": requests, "total": sum(requests.values())})

    @router.post("/stats/reset")
    async def reset_stats() -> JSONResponse:
        ctx.counter.reset()
        return JSONResponse({"requests": {}, "total": 0})

    @router.get("/settings")
    async def get_settings() -> JSONResponse:
        return JSONResponse(ctx.settings.public_view())

    @router.patch("/settings")
    async def update_settings(request: Request) -> JSONResponse:
        patch = await read_json(request)
        if not isinstance(patch, dict):
            raise SandboxError(422, "The body must be a JSON object", {"field": "body"})
        try:
            ctx.settings = SandboxSettings.model_validate({**ctx.settings.model_dump(), **patch})
        except ValidationError as exc:
            raise SandboxError(422, "Invalid settings", validation_details(exc)) from exc
        return JSONResponse(ctx.settings.public_view())

    @router.get("/faults")
    async def list_faults() -> JSONResponse:
        return JSONResponse({"faults": [rule.model_dump() for rule in ctx.faults.pending()]})

    @router.post("/faults")
    async def add_fault(request: Request) -> JSONResponse:
        ctx.faults.add(await _parse(request, FaultRule))
        return JSONResponse({"faults": [rule.model_dump() for rule in ctx.faults.pending()]})

    @router.delete("/faults")
    async def clear_faults() -> JSONResponse:
        ctx.faults.clear()
        return JSONResponse({"faults": []})

    @router.post("/inboxedup/domains/{domain_id}/status")
    async def force_domain_status(domain_id: str, request: Request) -> JSONResponse:
        body = await _parse(request, ForceDomainStatus)
        if not ctx.store.force_domain_status(domain_id, body.status, body.reason):
            raise SandboxError(404, f"Domain {domain_id} not found", {"id": domain_id})
        row = ctx.store.get_domain(domain_id)
        if row is None:
            raise SandboxError(404, f"Domain {domain_id} not found", {"id": domain_id})
        return JSONResponse(domain_view(row, ctx.clock()))

    @router.post("/inboxedup/mailboxes/{request_id}/status")
    async def force_mailbox_status(request_id: str, request: Request) -> JSONResponse:
        body = await _parse(request, ForceMailboxStatus)
        if not ctx.store.force_mailbox_status(request_id, body.status, body.reason):
            raise SandboxError(404, f"Mailbox request {request_id} not found", {"id": request_id})
        row = ctx.store.get_mailbox_request(request_id)
        if row is None:
            raise SandboxError(404, f"Mailbox request {request_id} not found", {"id": request_id})
        domain = ctx.store.get_domain_any(row.domain_id)
        return JSONResponse(mailbox_request_view(row, domain, ctx.clock()))

    @router.get("/mailin/purchases")
    async def mailin_purchases() -> JSONResponse:
        """Domains actually bought through Mailin.ai (persisted): name -> times bought."""
        purchases = ctx.store.mailin.purchases()
        return JSONResponse({"purchases": purchases, "total": sum(purchases.values())})

    add_azure_control(router, ctx)

    @router.post("/reset")
    async def reset() -> JSONResponse:
        """Wipe InboxedUp and Mailin.ai state (issued Mailin.ai tokens and purchases too)."""
        ctx.store.wipe(ctx.clock())
        ctx.faults.clear()
        ctx.counter.reset()
        return JSONResponse({"reset": True})

    return router

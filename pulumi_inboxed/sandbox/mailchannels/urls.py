"""MailChannels Inbound as the app serves it: its surface (``/mailchannels/inbound/v1``,
``X-API-Key``, its error shape), its routes behind the key, and ``/_sandbox/mailchannels/state``."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from pulumi_inboxed.mailchannels import endpoints as ep
from pulumi_inboxed.sandbox.context import SandboxContext, guarded_router
from pulumi_inboxed.sandbox.control import CONTROL_PREFIX
from pulumi_inboxed.sandbox.mailchannels import errors
from pulumi_inboxed.sandbox.mailchannels.errors import fail
from pulumi_inboxed.sandbox.mailchannels.models import MailChannelsBackend
from pulumi_inboxed.sandbox.mailchannels.responses import add_routes
from pulumi_inboxed.sandbox.surfaces import HeaderMarkedSurface
from pulumi_inboxed.sandbox.tenants import MAILCHANNELS, SandboxAccount

MAILCHANNELS_PREFIX = "/mailchannels/inbound/v1"


def api_keys(account: SandboxAccount) -> list[str]:
    return account.mailchannels_api_keys


SURFACE = HeaderMarkedSurface(
    MAILCHANNELS,
    MAILCHANNELS_PREFIX,
    ep.ALL,
    api_keys,
    errors.render,
    errors.error,
    key_header=ep.API_KEY_HEADER,
)


def backend_of(ctx: SandboxContext) -> MailChannelsBackend:
    return ctx.backend(MailChannelsBackend, ctx.store.mailchannels)


def mailchannels_router(ctx: SandboxContext) -> APIRouter:
    router = guarded_router(
        lambda: fail(401, "Unauthorized", ["A valid X-API-Key header is required"]),
        MAILCHANNELS_PREFIX,
    )
    add_routes(router, backend_of(ctx))
    return router


def mailchannels_control_router(ctx: SandboxContext) -> APIRouter:
    """``GET /_sandbox/mailchannels/state``: every provisioned domain of the ``?account=``
    account, each subscription's count."""
    router = APIRouter(prefix=CONTROL_PREFIX + "/mailchannels")
    backend = backend_of(ctx)

    @router.get("/state")
    async def state() -> JSONResponse:
        return JSONResponse(backend.state())

    return router

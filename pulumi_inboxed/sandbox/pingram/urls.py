"""Pingram as the app serves it: its surface (``/pingram``, bearer key, its error shape), its
routes behind the key, and ``/_sandbox/pingram/domains``."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from pulumi_inboxed.pingram import endpoints as ep
from pulumi_inboxed.sandbox.context import SandboxContext, guarded_router
from pulumi_inboxed.sandbox.control import CONTROL_PREFIX
from pulumi_inboxed.sandbox.errors import SandboxApiError
from pulumi_inboxed.sandbox.pingram import errors
from pulumi_inboxed.sandbox.pingram.errors import fail
from pulumi_inboxed.sandbox.pingram.models import PingramBackend
from pulumi_inboxed.sandbox.pingram.responses import add_routes, domain_view
from pulumi_inboxed.sandbox.surfaces import HeaderMarkedSurface
from pulumi_inboxed.sandbox.tenants import PINGRAM, SandboxAccount

PINGRAM_PREFIX = "/pingram"


def api_keys(account: SandboxAccount) -> list[str]:
    return account.pingram_api_keys


SURFACE = HeaderMarkedSurface(
    PINGRAM, PINGRAM_PREFIX, ep.ALL, api_keys, errors.render, errors.error
)


def backend_of(ctx: SandboxContext) -> PingramBackend:
    return ctx.backend(PingramBackend, ctx.store.pingram)


def unauthorized() -> SandboxApiError:
    return fail(
        401,
        "UNAUTHORIZED",
        "Unauthorized",
        fix="Send the header 'Authorization: Bearer <your Pingram API key>'.",
    )


def pingram_router(ctx: SandboxContext) -> APIRouter:
    router = guarded_router(unauthorized, PINGRAM_PREFIX)
    add_routes(router, backend_of(ctx))
    return router


def pingram_control_router(ctx: SandboxContext) -> APIRouter:
    """``GET /_sandbox/pingram/domains``: the ``?account=`` account's sender domains as the API
    shows them."""
    router = APIRouter(prefix=CONTROL_PREFIX + "/pingram")
    backend = backend_of(ctx)

    @router.get("/domains")
    async def domains() -> JSONResponse:
        now = ctx.clock()
        return JSONResponse([domain_view(r, now) for r in backend.domains()])

    return router

"""MailChannels Inbound as the app serves it: its surface (``/mailchannels/inbound/v1``,
``X-API-Key``, its error shape), its routes behind the key, and ``/_sandbox/mailchannels/state``."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers

from pulumi_inboxed.mailchannels import endpoints as ep
from pulumi_inboxed.sandbox.accounts import MAILCHANNELS
from pulumi_inboxed.sandbox.context import SandboxContext, authenticated
from pulumi_inboxed.sandbox.control import CONTROL_PREFIX
from pulumi_inboxed.sandbox.errors import SandboxApiError
from pulumi_inboxed.sandbox.mailchannels import errors
from pulumi_inboxed.sandbox.mailchannels.errors import fail
from pulumi_inboxed.sandbox.mailchannels.models import MailChannelsBackend
from pulumi_inboxed.sandbox.mailchannels.responses import add_routes
from pulumi_inboxed.sandbox.surfaces import ApiSurface

MAILCHANNELS_PREFIX = "/mailchannels/inbound/v1"


class MailChannelsSurface(ApiSurface):
    name = MAILCHANNELS
    prefix = MAILCHANNELS_PREFIX
    table = ep.ALL

    def render(self, exc: SandboxApiError) -> JSONResponse:
        return errors.render(exc)

    def fault(self, status: int, headers: dict[str, str]) -> JSONResponse:
        return errors.fault(status, headers)

    def http_error(self, status: int, detail: str, headers: dict[str, str]) -> JSONResponse:
        return errors.error(status, detail, headers)

    def invalid_request(self, exc: RequestValidationError) -> JSONResponse:
        return errors.error(400, "Invalid request", None)

    def crash(self, exc: Exception) -> JSONResponse:
        return errors.error(500, f"Sandbox error: {type(exc).__name__}", None)

    def account_of(self, ctx: SandboxContext, headers: Headers) -> str | None:
        given = headers.get(ep.API_KEY_HEADER)
        return ctx.account_with(given, lambda account: account.mailchannels_api_keys)


SURFACE = MailChannelsSurface()


def backend_of(ctx: SandboxContext) -> MailChannelsBackend:
    return MailChannelsBackend(ctx.store.mailchannels, lambda: ctx.settings, lambda: ctx.clock())


def mailchannels_router(ctx: SandboxContext) -> APIRouter:
    async def api_key() -> None:
        if not authenticated():  # the middleware found the account this key belongs to
            raise fail(401, "Unauthorized", ["A valid X-API-Key header is required"])

    router = APIRouter(prefix=MAILCHANNELS_PREFIX, dependencies=[Depends(api_key)])
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

"""The sandbox FastAPI app: each API's routes (``<api>/urls.py``: InboxedUp at the root, Mailin.ai
under ``/api/v1/public``, MailChannels Inbound and Pingram under their prefixes), control routes
behind their guard, and the middleware that finds each request's account, counts it and injects
faults. Errors are rendered by the surface of the API the path belongs to (``surfaces.py``)."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers, QueryParams
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

from pulumi_inboxed.core.endpoint import Endpoint
from pulumi_inboxed.sandbox.connection_faults import inject_connection_fault, remember_transport
from pulumi_inboxed.sandbox.context import SandboxContext
from pulumi_inboxed.sandbox.control import (
    ControlGuard,
    check_control_token,
    control_router,
    is_control_path,
    new_control_token,
)
from pulumi_inboxed.sandbox.envelope import error_response
from pulumi_inboxed.sandbox.errors import SandboxApiError
from pulumi_inboxed.sandbox.faults import retry_after_header
from pulumi_inboxed.sandbox.inboxedup import urls as inboxedup
from pulumi_inboxed.sandbox.mailchannels import urls as mailchannels
from pulumi_inboxed.sandbox.mailin import urls as mailin
from pulumi_inboxed.sandbox.pingram import urls as pingram
from pulumi_inboxed.sandbox.settings import SandboxSettings
from pulumi_inboxed.sandbox.store import SandboxStore
from pulumi_inboxed.sandbox.surfaces import ApiSurface
from pulumi_inboxed.sandbox.tenants import DEFAULT_ACCOUNT, acting_as

RETRY_AFTER_STATUSES = (429, 503)
# Every API, most specific prefix first: InboxedUp (at the root) owns every other path.
SURFACES: tuple[ApiSurface, ...] = (
    mailchannels.SURFACE,
    pingram.SURFACE,
    mailin.SURFACE,
    inboxedup.SURFACE,
)


def surface_of(path: str) -> ApiSurface:
    return next(s for s in SURFACES if s.owns(path))


class RouteTemplates:
    """Finds the endpoint-table template of a request path, e.g. ``/domains/batch/{batch_id}``
    (with ``prefix``, templates include it: ``/api/v1/public/domains/{domain_id}``)."""

    def __init__(self, table: tuple[Endpoint, ...], prefix: str = "") -> None:
        self._compiled: list[tuple[str, str, re.Pattern[str]]] = [
            (endpoint.method, prefix + endpoint.path, compile_path(prefix + endpoint.path)[0])
            for endpoint in table
        ]

    def key(self, method: str, path: str) -> str:
        """``"METHOD /route/template"`` (the raw path when no endpoint has it)."""
        partial: str | None = None
        for route_method, template, pattern in self._compiled:
            if pattern.match(path):
                if route_method == method:
                    return f"{method} {template}"
                partial = partial or template
        return f"{method} {partial or path}"


class ApiMiddleware:
    """On API routes (not control): find the account the request's credential names (its state is
    the one the routes then read and write), count the request (globally and for its account),
    add latency, then maybe fault it: an error reply (in the shape of the API the path belongs
    to), or a connection fault (a reset or a held reply, before or after the request is
    processed). On control routes: act as the account of ``?account=`` (404 when there is no
    such account)."""

    def __init__(self, app: ASGIApp, ctx: SandboxContext) -> None:
        self.app = app
        self.ctx = ctx
        self.templates = {s.name: RouteTemplates(s.table, s.prefix) for s in SURFACES}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if is_control_path(path):
            account = control_account(scope)
            if self.ctx.settings.account(account) is None:
                details: dict[str, object] = {"account": account}
                missing = error_response(404, f"Account {account} not found", details)
                await missing(scope, receive, send)
                return
            with acting_as(account):
                await self.app(scope, receive, send)
            return
        surface = surface_of(path)
        key = self.templates[surface.name].key(scope["method"], path)
        self.ctx.counter.hit(key)
        with acting_as(surface.account_of(self.ctx, Headers(scope=scope))) as holder:
            try:
                await self._serve(scope, receive, send, surface, holder.name)
            finally:
                if holder.name is not None:  # a login sets it once its body is checked
                    self.ctx.account_counter(holder.name).hit(key)

    async def _serve(
        self, scope: Scope, receive: Receive, send: Send, surface: ApiSurface, account: str | None
    ) -> None:
        latency_ms = self.ctx.settings.latency_ms
        if latency_ms > 0:
            await asyncio.sleep(latency_ms / 1000.0)
        fault = self.ctx.faults.take(
            scope["method"], scope["path"], mailin=surface.mailin_faults, account=account
        )
        if fault is None:
            await self.app(scope, receive, send)
            return
        self.ctx.fault_counter.hit(fault.label)
        if fault.status is None:
            await inject_connection_fault(fault, self.app, scope, receive)
            return
        headers: dict[str, str] = {}
        if fault.retry_after is not None and fault.status in RETRY_AFTER_STATUSES:
            headers["Retry-After"] = retry_after_header(fault.retry_after)
        await surface.fault(fault.status, headers)(scope, receive, send)


class SandboxApp(FastAPI):
    """The FastAPI app, given each request's connection (``connection_faults.py``): the server's
    ``send`` is seen here only, before any middleware wraps it."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            remember_transport(scope, send)
        await super().__call__(scope, receive, send)


def control_account(scope: Scope) -> str:
    """The ``account`` query parameter of a control request (``default`` when absent)."""
    given = QueryParams(scope.get("query_string", b"")).get("account")
    return given or DEFAULT_ACCOUNT


def create_app(
    settings: SandboxSettings, state_path: Path, control_token: str | None = None
) -> FastAPI:
    """A sandbox whose state lives in the SQLite file ``state_path`` (the account ``default``)
    and, for each other account of ``settings.accounts`` or added at run time, in a file beside it
    (``state.account-<name>.db``).

    ``/_sandbox/*`` answers only requests carrying ``control_token`` (a random one when None;
    ``app.state.control_token`` holds it) from no other origin, with JSON bodies on writes.
    """
    token = check_control_token(control_token) if control_token is not None else new_control_token()
    ctx = SandboxContext(settings=settings, store=SandboxStore(state_path, now=time.time()))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        ctx.store.close()

    app = SandboxApp(
        title="Inboxed sandbox",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.sandbox = ctx
    app.state.control_token = token
    app.include_router(inboxedup.inboxedup_router(ctx))
    app.include_router(mailin.mailin_router(ctx))
    app.include_router(mailchannels.mailchannels_router(ctx))
    app.include_router(pingram.pingram_router(ctx))
    app.include_router(inboxedup.inboxedup_control_router(ctx))
    app.include_router(mailin.mailin_control_router(ctx))
    app.include_router(mailchannels.mailchannels_control_router(ctx))
    app.include_router(pingram.pingram_control_router(ctx))
    app.include_router(control_router(ctx))

    @app.exception_handler(SandboxApiError)
    async def api_error(request: Request, exc: SandboxApiError) -> JSONResponse:
        if is_control_path(request.url.path):
            return error_response(exc.status, exc.message, exc.details, exc.headers)
        return surface_of(request.url.path).render(exc)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(exc.headers or {})
        if is_control_path(request.url.path):
            return error_response(exc.status_code, str(exc.detail), None, headers)
        return surface_of(request.url.path).http_error(exc.status_code, str(exc.detail), headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        if is_control_path(request.url.path):
            return inboxedup.SURFACE.invalid_request(exc)
        return surface_of(request.url.path).invalid_request(exc)

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
        if is_control_path(request.url.path):
            return error_response(500, f"Sandbox error: {type(exc).__name__}")
        return surface_of(request.url.path).crash(exc)

    app.add_middleware(ApiMiddleware, ctx=ctx)
    # Added last, so outermost: a refused control request reaches nothing else.
    app.add_middleware(ControlGuard, control_token=token)
    return app

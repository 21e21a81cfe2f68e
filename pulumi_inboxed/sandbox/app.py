"""The sandbox FastAPI app: InboxedUp routes (at the root), Mailin.ai routes (under
``/api/v1/public``), control routes behind their guard, and the API middleware."""

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

from pulumi_inboxed.inboxedup import endpoints
from pulumi_inboxed.mailin import endpoints as mailin_endpoints
from pulumi_inboxed.sandbox.accounts import DEFAULT_ACCOUNT, INBOXEDUP, MAILIN, acting_as
from pulumi_inboxed.sandbox.context import SandboxContext
from pulumi_inboxed.sandbox.control import (
    ControlGuard,
    check_control_token,
    control_router,
    is_control_path,
    new_control_token,
)
from pulumi_inboxed.sandbox.envelope import SandboxError, error_response
from pulumi_inboxed.sandbox.faults import retry_after_header
from pulumi_inboxed.sandbox.inboxedup.responses import inboxedup_router
from pulumi_inboxed.sandbox.mailchannels.responses import (
    MAILCHANNELS_SURFACE,
    mailchannels_control_router,
    mailchannels_router,
)
from pulumi_inboxed.sandbox.mailin.common import (
    MAILIN_PREFIX,
    SERVER_ERROR_MESSAGE,
    fault_message,
    is_mailin_path,
)
from pulumi_inboxed.sandbox.mailin.responses import mailin_router
from pulumi_inboxed.sandbox.mailin.validation import MailinError
from pulumi_inboxed.sandbox.pingram.responses import (
    PINGRAM_SURFACE,
    pingram_control_router,
    pingram_router,
)
from pulumi_inboxed.sandbox.settings import SandboxSettings
from pulumi_inboxed.sandbox.store import SandboxStore
from pulumi_inboxed.sandbox.surfaces import ApiSurface, SurfaceError

RETRY_AFTER_STATUSES = (429, 503)
# Marks a Mailin.ai fault answer as injected (its body is only {"message": ...}, as the API's).
INJECTED_HEADER = "X-Sandbox-Injected"
# APIs served under a prefix with their own error shape (MailChannels Inbound, Pingram).
SURFACES: tuple[ApiSurface, ...] = (MAILCHANNELS_SURFACE, PINGRAM_SURFACE)


def surface_of(path: str) -> ApiSurface | None:
    return next((s for s in SURFACES if s.owns(path)), None)


class RouteTemplates:
    """Finds the endpoint-table template of a request path, e.g. ``/domains/batch/{batch_id}``
    (with ``prefix``, templates include it: ``/api/v1/public/domains/{domain_id}``)."""

    def __init__(self, table: tuple[endpoints.Endpoint, ...], prefix: str = "") -> None:
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
    add latency, then maybe answer with a fault (in the shape of the API the path belongs to).
    On control routes: act as the account of ``?account=``."""

    def __init__(
        self,
        app: ASGIApp,
        ctx: SandboxContext,
        templates: RouteTemplates,
        mailin_templates: RouteTemplates,
    ) -> None:
        self.app = app
        self.ctx = ctx
        self.templates = templates
        self.mailin_templates = mailin_templates
        self.surface_templates = {s.name: RouteTemplates(s.table, s.prefix) for s in SURFACES}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if is_control_path(path):
            # Control routes act on the account of their ``?account=`` (default: ``default``).
            account = control_account(scope)
            if self.ctx.settings.account(account) is None:
                details: dict[str, object] = {"account": account}
                missing = error_response(404, f"Account {account} not found", details)
                await missing(scope, receive, send)
                return
            with acting_as(account):
                await self.app(scope, receive, send)
            return
        method: str = scope["method"]
        surface = surface_of(path)
        mailin = surface is None and is_mailin_path(path)
        if surface is not None:
            templates = self.surface_templates[surface.name]
            api = surface.name
        else:
            templates = self.mailin_templates if mailin else self.templates
            api = MAILIN if mailin else INBOXEDUP
        key = templates.key(method, path)
        self.ctx.counter.hit(key)
        with acting_as(self.ctx.resolve_account(api, Headers(scope=scope))) as holder:
            try:
                await self._serve(scope, receive, send, surface, mailin, holder.name)
            finally:
                if holder.name is not None:
                    self.ctx.account_counter(holder.name).hit(key)

    async def _serve(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        surface: ApiSurface | None,
        mailin: bool,
        account: str | None,
    ) -> None:
        latency_ms = self.ctx.settings.latency_ms
        if latency_ms > 0:
            await asyncio.sleep(latency_ms / 1000.0)
        fault = self.ctx.faults.take(scope["method"], scope["path"], mailin=mailin, account=account)
        if fault is None:
            await self.app(scope, receive, send)
            return
        headers: dict[str, str] = {}
        if fault.retry_after is not None and fault.status in RETRY_AFTER_STATUSES:
            headers["Retry-After"] = retry_after_header(fault.retry_after)
        await _fault_response(fault.status, headers, surface, mailin)(scope, receive, send)


def control_account(scope: Scope) -> str:
    """The ``account`` query parameter of a control request (``default`` when absent)."""
    given = QueryParams(scope.get("query_string", b"")).get("account")
    return given or DEFAULT_ACCOUNT


def _fault_response(
    status: int, headers: dict[str, str], surface: ApiSurface | None, mailin: bool
) -> JSONResponse:
    """An injected fault in the shape of the API it answers for."""
    if surface is not None or mailin:
        headers[INJECTED_HEADER] = "1"
    if surface is not None:
        return surface.error(status, "", headers)
    if mailin:
        return JSONResponse({"message": fault_message(status)}, status_code=status, headers=headers)
    message = "Too many requests" if status == 429 else "Internal error"
    return error_response(
        status, f"{message} (injected by the sandbox)", {"injected": True}, headers
    )


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

    app = FastAPI(
        title="Inboxed sandbox",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.sandbox = ctx
    app.state.control_token = token
    app.include_router(inboxedup_router(ctx))
    app.include_router(mailin_router(ctx))
    app.include_router(mailchannels_router(ctx))
    app.include_router(pingram_router(ctx))
    app.include_router(mailchannels_control_router(ctx))
    app.include_router(pingram_control_router(ctx))
    app.include_router(control_router(ctx))

    @app.exception_handler(SandboxError)
    async def sandbox_error(_: Request, exc: SandboxError) -> JSONResponse:
        return error_response(exc.status, exc.message, exc.details, exc.headers)

    @app.exception_handler(MailinError)
    async def mailin_error(_: Request, exc: MailinError) -> JSONResponse:
        return exc.response()

    @app.exception_handler(SurfaceError)
    async def surface_error(_: Request, exc: SurfaceError) -> JSONResponse:
        return exc.response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(exc.headers or {})
        surface = surface_of(request.url.path)
        if surface is not None:
            return surface.error(exc.status_code, str(exc.detail), headers)
        if is_mailin_path(request.url.path):
            return JSONResponse(
                {"message": str(exc.detail)}, status_code=exc.status_code, headers=headers
            )
        return error_response(exc.status_code, str(exc.detail), None, headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        surface = surface_of(request.url.path)
        if surface is not None:
            return surface.error(400, "Invalid request", None)
        if is_mailin_path(request.url.path):
            return JSONResponse({"message": "The given data was invalid."}, status_code=422)
        return error_response(422, "Invalid request", {"errors": [str(e) for e in exc.errors()]})

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
        surface = surface_of(request.url.path)
        if surface is not None:
            return surface.error(500, f"Sandbox error: {type(exc).__name__}", None)
        if is_mailin_path(request.url.path):
            return JSONResponse({"message": SERVER_ERROR_MESSAGE}, status_code=500)
        return error_response(500, f"Sandbox error: {type(exc).__name__}")

    app.add_middleware(
        ApiMiddleware,
        ctx=ctx,
        templates=RouteTemplates(endpoints.ALL),
        mailin_templates=RouteTemplates(mailin_endpoints.ALL, MAILIN_PREFIX),
    )
    # Added last, so outermost: a refused control request reaches nothing else.
    app.add_middleware(ControlGuard, control_token=token)
    return app

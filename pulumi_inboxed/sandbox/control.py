"""Control routes under ``/_sandbox/`` (never counted, delayed or faulted) and their guard.

The control API can wipe the sandbox, inject faults and change its settings, so it answers only
its own clients (``ControlGuard``): every request carries the per-process control token in the
``X-Sandbox-Control-Token`` header (401 without it), no request comes from another origin (403:
a web page the user has open could otherwise send a "simple" cross-origin POST to 127.0.0.1), and
every write has a JSON body (415: a page cannot send ``application/json`` cross-origin without a
CORS preflight, which this sandbox never grants).

Accounts: ``POST /_sandbox/accounts`` adds one at run time (``GET`` lists them, never a secret).
Every inspection, seeding and fault route takes ``?account=<name>`` (default ``default``; an unknown
name answers 404) and acts on that account's state; fault rules added with it fault only that
account's requests (without it: any account's). ``GET /_sandbox/requests?account=<name>`` gives
that account's request counters (``/stats`` keeps the global ones; ``/stats?account=`` scopes
them too). ``POST /_sandbox/reset`` wipes every account's state (the accounts stay).
"""

from __future__ import annotations

import secrets
from typing import TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError, field_validator
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from pulumi_inboxed.sandbox.context import (
    SandboxContext,
    read_json,
    same_secret,
    validation_details,
)
from pulumi_inboxed.sandbox.envelope import error_response
from pulumi_inboxed.sandbox.errors import SandboxApiError
from pulumi_inboxed.sandbox.faults import FaultRule
from pulumi_inboxed.sandbox.settings import SandboxSettings
from pulumi_inboxed.sandbox.tenants import (
    DEFAULT_ACCOUNT,
    SandboxAccount,
    check_account_name,
    credential_clashes,
)

CONTROL_PREFIX = "/_sandbox"
CONTROL_TOKEN_HEADER = "X-Sandbox-Control-Token"
# Fixes the control token (else a random one per process); SandboxControl reads it too.
CONTROL_TOKEN_ENV = "INBOXED_SANDBOX_CONTROL_TOKEN"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Names a browser may use for this very sandbox (it only listens on loopback).
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
# Sec-Fetch-Site values of requests another site's page started (a page on localhost:3000 is
# "same-site" with the sandbox on localhost:8787, and still foreign).
FOREIGN_FETCH_SITES = frozenset({"cross-site", "same-site"})
M = TypeVar("M", bound=BaseModel)


def new_control_token() -> str:
    """A fresh random control token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def check_control_token(token: str) -> str:
    """``token`` when it can be sent as a header value; ValueError naming the rule otherwise."""
    if not token.strip():
        raise ValueError("the control token must not be blank")
    if any(not ("!" <= char <= "~") for char in token):
        raise ValueError("the control token must be printable ASCII without spaces")
    return token


def is_control_path(path: str) -> bool:
    return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")


def own_origins(scope: Scope) -> frozenset[str]:
    """The origins of pages served by this sandbox itself: a loopback name and its port."""
    server = scope.get("server")
    if not server or server[1] is None:
        return frozenset()
    host, port = str(server[0]), int(server[1])
    names = {*LOOPBACK_NAMES, f"[{host}]" if ":" in host else host}
    origins = {f"http://{name}:{port}" for name in names}
    if port == 80:
        origins |= {f"http://{name}" for name in names}
    return frozenset(origins)


def is_json_media_type(content_type: str) -> bool:
    media_type = content_type.partition(";")[0].strip().lower()
    return media_type == "application/json"


class ControlGuard:
    """ASGI middleware in front of ``/_sandbox/*``: refuses foreign origins (403), requests
    without the control token (401) and writes whose body is not JSON (415), before any route
    runs. The answer never echoes a token. Other paths pass through untouched."""

    def __init__(self, app: ASGIApp, control_token: str) -> None:
        self.app = app
        self.control_token = check_control_token(control_token)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_control_path(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        refusal = self.refusal(scope)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def refusal(self, scope: Scope) -> JSONResponse | None:
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is not None and origin.strip().rstrip("/").lower() not in own_origins(scope):
            return error_response(
                403,
                "The sandbox control API refuses cross-origin requests",
                {"header": "Origin"},
            )
        if headers.get("sec-fetch-site", "").strip().lower() in FOREIGN_FETCH_SITES:
            return error_response(
                403,
                "The sandbox control API refuses requests started by another site",
                {"header": "Sec-Fetch-Site"},
            )
        given = headers.get(CONTROL_TOKEN_HEADER)
        if given is None or not same_secret(given.strip(), self.control_token):
            return error_response(
                401,
                f"The sandbox control API needs the {CONTROL_TOKEN_HEADER} header: the control "
                "token the sandbox printed when it started (or --control-token, "
                f"${CONTROL_TOKEN_ENV})",
                {"header": CONTROL_TOKEN_HEADER},
            )
        method = str(scope.get("method", "GET")).upper()
        if method in WRITE_METHODS and not is_json_media_type(headers.get("content-type", "")):
            return error_response(
                415,
                "The sandbox control API takes JSON bodies only (Content-Type: application/json)",
                {"header": "Content-Type"},
            )
        return None


class NewAccount(SandboxAccount):
    """The body of ``POST /_sandbox/accounts``: a name and the account's credentials."""

    name: str

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        check_account_name(value)
        return value


async def parse_control_body(request: Request, model: type[M]) -> M:
    try:
        return model.model_validate(await read_json(request))
    except ValidationError as exc:
        raise SandboxApiError(422, "Invalid control request", validation_details(exc)) from exc


def control_router(ctx: SandboxContext) -> APIRouter:
    router = APIRouter(prefix=CONTROL_PREFIX)

    @router.get("/health")
    async def health() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @router.get("/stats")
    async def stats(account: str | None = None) -> JSONResponse:
        """Requests of every account (``account``: of that one only), and the faults injected
        by kind (of every account)."""
        counter = ctx.counter if account is None else ctx.account_counter(account)
        requests = counter.snapshot()
        faults = ctx.fault_counter.snapshot()
        total = sum(requests.values())
        return JSONResponse({"requests": requests, "total": total, "faults": faults})

    @router.get("/requests")
    async def account_requests(account: str = DEFAULT_ACCOUNT) -> JSONResponse:
        """Requests made with ``account``'s credentials, per ``"METHOD /route/template"``."""
        requests = ctx.account_counter(account).snapshot()
        return JSONResponse(
            {"account": account, "requests": requests, "total": sum(requests.values())}
        )

    @router.post("/stats/reset")
    async def reset_stats(account: str | None = None) -> JSONResponse:
        if account is None:
            ctx.counter.reset()
            ctx.fault_counter.reset()
            for counter in ctx.account_counters.values():
                counter.reset()
        else:
            ctx.account_counter(account).reset()
        return JSONResponse({"requests": {}, "total": 0})

    @router.get("/accounts")
    async def list_accounts() -> JSONResponse:
        accounts = ctx.settings.all_accounts()
        return JSONResponse({"accounts": {n: a.public_view() for n, a in accounts.items()}})

    @router.post("/accounts")
    async def add_account(request: Request) -> JSONResponse:
        """Add an account: ``{"name": ..., "inboxedup_tokens": [...], "mailin_email": ...,
        "mailin_password": ..., "mailin_tokens": [...], "mailchannels_api_keys": [...],
        "pingram_api_keys": [...]}``; 409 when the name or a credential is taken."""
        body = await parse_control_body(request, NewAccount)
        name = body.name
        if ctx.settings.account(name) is not None:
            raise SandboxApiError(409, f"Account {name} already exists", {"account": name})
        account = SandboxAccount.model_validate(body.model_dump(exclude={"name"}))
        clashes = credential_clashes({**ctx.settings.all_accounts(), name: account})
        if clashes:
            raise SandboxApiError(409, "; ".join(clashes), {"account": name})
        accounts = {**ctx.settings.accounts, name: account}
        ctx.settings = ctx.settings.model_copy(update={"accounts": accounts})
        return JSONResponse({"name": name, **account.public_view()}, status_code=201)

    @router.get("/settings")
    async def get_settings() -> JSONResponse:
        return JSONResponse(ctx.settings.public_view())

    @router.patch("/settings")
    async def update_settings(request: Request) -> JSONResponse:
        patch = await read_json(request)
        if not isinstance(patch, dict):
            raise SandboxApiError(422, "The body must be a JSON object", {"field": "body"})
        try:
            ctx.settings = SandboxSettings.model_validate({**ctx.settings.model_dump(), **patch})
        except ValidationError as exc:
            raise SandboxApiError(422, "Invalid settings", validation_details(exc)) from exc
        return JSONResponse(ctx.settings.public_view())

    def fault_list(account: str | None) -> JSONResponse:
        rules = ctx.faults.pending(account)
        return JSONResponse({"faults": [rule.model_dump() for rule in rules]})

    @router.get("/faults")
    async def list_faults(account: str | None = None) -> JSONResponse:
        """Pending rules (``account``: those that may fault that account's requests)."""
        return fault_list(account)

    @router.post("/faults")
    async def add_fault(request: Request, account: str | None = None) -> JSONResponse:
        """Add a rule; ``?account=`` (or ``"account"`` in the body) limits it to that account."""
        rule = await parse_control_body(request, FaultRule)
        if account is not None and rule.account is None:
            rule = rule.model_copy(update={"account": account})
        if rule.account is not None and ctx.settings.account(rule.account) is None:
            raise SandboxApiError(
                404, f"Account {rule.account} not found", {"account": rule.account}
            )
        ctx.faults.add(rule)
        return fault_list(account)

    @router.delete("/faults")
    async def clear_faults(account: str | None = None) -> JSONResponse:
        """Drop every rule (``account``: the rules limited to that account)."""
        ctx.faults.clear(account)
        return JSONResponse({"faults": []})

    @router.post("/reset")
    async def reset() -> JSONResponse:
        """Wipe the state of every account (issued Mailin.ai tokens and purchases too), faults
        and counters; the accounts themselves stay."""
        ctx.store.wipe(ctx.clock(), ctx.settings.all_accounts())
        ctx.faults.clear()
        ctx.counter.reset()
        ctx.fault_counter.reset()
        ctx.account_counters.clear()
        return JSONResponse({"reset": True})

    return router

"""The simulated Mailin.ai API under ``/api/v1/public``: every path of ``mailin/endpoints.py``.

One user (id 1) owns everything: a token from ``POST /auth/login`` (checked against the settings'
``mailin_email`` and ``mailin_password``) or one of the settings' ``mailin_tokens`` is a bearer
token of that user. Tokens and passwords are never logged or echoed by the control API.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from pulumi_inboxed.mailin import endpoints
from pulumi_inboxed.sandbox.context import SandboxContext, bearer_token, known_secret, same_secret
from pulumi_inboxed.sandbox.mailin_accounts import add_account_routes
from pulumi_inboxed.sandbox.mailin_azure import add_azure_order_routes
from pulumi_inboxed.sandbox.mailin_common import MAILIN_PREFIX, path_id, route
from pulumi_inboxed.sandbox.mailin_credentials import (
    hash_secret,
    split_token,
    token_secret,
)
from pulumi_inboxed.sandbox.mailin_domains import add_domain_routes
from pulumi_inboxed.sandbox.mailin_mailboxes import add_mailbox_routes
from pulumi_inboxed.sandbox.mailin_validation import (
    Checker,
    MailinError,
    json_object,
    not_found,
    validation_error,
)
from pulumi_inboxed.sandbox.mailin_verification import add_verification_routes
from pulumi_inboxed.sandbox.mailin_views import SANDBOX_SERVERS, SANDBOX_USER, SANDBOX_USER_ID

CREDENTIALS_MESSAGE = "The provided credentials are incorrect."


def mailin_router(ctx: SandboxContext) -> APIRouter:
    """Login without auth; every other Mailin.ai route behind the bearer token."""
    store = ctx.store.mailin

    def token_valid(token: str) -> bool:
        if known_secret(token, ctx.settings.mailin_tokens):
            return True
        parts = split_token(token)
        if parts is None:
            return False
        stored = store.token_hash(parts[0])
        return stored is not None and same_secret(hash_secret(parts[1]), stored)

    async def require_token(request: Request) -> None:
        token = bearer_token(request)
        if token is None or not token_valid(token):
            raise MailinError(401, {"message": "Unauthenticated."})

    public = APIRouter(prefix=MAILIN_PREFIX)
    router = APIRouter(prefix=MAILIN_PREFIX, dependencies=[Depends(require_token)])

    @route(public, endpoints.LOGIN)
    async def login(request: Request) -> JSONResponse:
        checker = Checker(await json_object(request))
        email = checker.email("email", checker.data.get("email"))
        password = checker.string("password", checker.data.get("password"), max_length=None)
        device = checker.string("device_name", checker.data.get("device_name"))
        checker.done()
        assert email is not None and password is not None and device is not None
        settings = ctx.settings
        right_email = same_secret(email.lower(), settings.mailin_email.strip().lower())
        right_password = same_secret(password, settings.mailin_password)
        if not (right_email and right_password):
            raise validation_error({"email": [CREDENTIALS_MESSAGE]})
        secret = token_secret()
        token_id = store.issue_token(hash_secret(secret), device, ctx.clock())
        return JSONResponse({"user_id": SANDBOX_USER_ID, "token": f"{token_id}|{secret}"})

    @route(router, endpoints.GET_USER)
    async def get_user(user_id: str) -> JSONResponse:
        if path_id(user_id, "User") != SANDBOX_USER_ID:
            raise not_found("User")
        return JSONResponse({**SANDBOX_USER, "email": ctx.settings.mailin_email})

    @route(router, endpoints.LIST_SERVERS)
    async def list_servers() -> JSONResponse:
        return JSONResponse(list(SANDBOX_SERVERS))

    @route(router, endpoints.GET_SERVER)
    async def get_server(server_id: str) -> JSONResponse:
        wanted = path_id(server_id, "Server")
        for server in SANDBOX_SERVERS:
            if server["id"] == wanted:
                return JSONResponse(server)
        raise not_found("Server")

    add_domain_routes(router, ctx)
    add_mailbox_routes(router, ctx)
    add_account_routes(router, ctx)
    add_azure_order_routes(router, ctx)
    storage = APIRouter()  # result downloads: public links, outside the API prefix
    add_verification_routes(router, storage, ctx)

    combined = APIRouter()
    combined.include_router(public)
    combined.include_router(router)
    combined.include_router(storage)
    return combined


__all__ = ["MAILIN_PREFIX", "mailin_router"]

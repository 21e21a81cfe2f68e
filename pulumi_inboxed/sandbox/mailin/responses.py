"""The simulated Mailin.ai API under ``/api/v1/public``: every path of ``mailin/endpoints.py``.

Each account has one user (id 1) who owns everything of that account: a token from
``POST /auth/login`` (checked against the account's ``mailin_email`` and ``mailin_password``) or
one of the account's ``mailin_tokens`` is a bearer token of that user, and sees that account's
state only; a logout revokes the token in its account. Tokens and passwords are never logged or
echoed by the control API.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from pulumi_inboxed.mailin import endpoints
from pulumi_inboxed.sandbox.accounts import select_account
from pulumi_inboxed.sandbox.context import SandboxContext, authenticated, same_secret
from pulumi_inboxed.sandbox.mailin.common import MAILIN_PREFIX, path_id, route
from pulumi_inboxed.sandbox.mailin.credentials import hash_secret, token_secret
from pulumi_inboxed.sandbox.mailin.responses_accounts import add_account_routes
from pulumi_inboxed.sandbox.mailin.responses_azure import add_azure_order_routes
from pulumi_inboxed.sandbox.mailin.responses_domains import add_domain_routes
from pulumi_inboxed.sandbox.mailin.responses_mailboxes import add_mailbox_routes
from pulumi_inboxed.sandbox.mailin.responses_verification import add_verification_routes
from pulumi_inboxed.sandbox.mailin.validation import (
    Checker,
    MailinError,
    json_object,
    not_found,
    validation_error,
)
from pulumi_inboxed.sandbox.mailin.views import SANDBOX_SERVERS, SANDBOX_USER, SANDBOX_USER_ID

CREDENTIALS_MESSAGE = "The provided credentials are incorrect."


def mailin_router(ctx: SandboxContext) -> APIRouter:
    """Login without auth; every other Mailin.ai route behind the bearer token."""
    store = ctx.store.mailin

    async def require_token() -> None:
        # The middleware found the account whose token (configured or issued) the request
        # carries, if any.
        if not authenticated():
            raise MailinError(401, {"message": "Unauthenticated."})

    def login_owner(email: str, password: str) -> str | None:
        """The account whose login this is (every account compared, in constant time)."""
        owner: str | None = None
        for name, account in ctx.settings.all_accounts().items():
            if account.mailin_email is None or account.mailin_password is None:
                continue
            right_email = same_secret(email.lower(), account.mailin_email.strip().lower())
            right_password = same_secret(password, account.mailin_password)
            if right_email and right_password and owner is None:
                owner = name
        return owner

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
        owner = login_owner(email, password)
        if owner is None:
            raise validation_error({"email": [CREDENTIALS_MESSAGE]})
        select_account(owner)  # the token is issued in (and bound to) that account
        secret = token_secret()
        token_id = store.issue_token(hash_secret(secret), device, ctx.clock())
        return JSONResponse({"user_id": SANDBOX_USER_ID, "token": f"{token_id}|{secret}"})

    @route(router, endpoints.GET_USER)
    async def get_user(user_id: str) -> JSONResponse:
        if path_id(user_id, "User") != SANDBOX_USER_ID:
            raise not_found("User")
        email = ctx.account().mailin_email or ctx.settings.mailin_email
        return JSONResponse({**SANDBOX_USER, "email": email})

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

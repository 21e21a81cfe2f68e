"""The Mailin.ai routes of logins, the user and servers (the other routes are in ``responses_*.py``;
``urls.py`` assembles them under ``/api/v1/public``).

Each account has one user (id 1) who owns everything of that account: a token from
``POST /auth/login`` (checked against the account's ``mailin_email`` and ``mailin_password``) or
one of the account's ``mailin_tokens`` is a bearer token of that user, and sees that account's
state only; a logout revokes the token in its account. Tokens and passwords are never logged or
echoed by the control API.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from pulumi_inboxed.mailin import endpoints
from pulumi_inboxed.sandbox.context import SandboxContext
from pulumi_inboxed.sandbox.mailin.common import path_id, route
from pulumi_inboxed.sandbox.mailin.models import MailinBackend
from pulumi_inboxed.sandbox.mailin.validation import (
    Checker,
    json_object,
    not_found,
)
from pulumi_inboxed.sandbox.mailin.views import SANDBOX_SERVERS, SANDBOX_USER, SANDBOX_USER_ID
from pulumi_inboxed.sandbox.tenants import select_account


def add_auth_routes(
    public: APIRouter, router: APIRouter, backend: MailinBackend, ctx: SandboxContext
) -> None:
    """``POST /auth/login`` on ``public`` (no auth); the user and servers on ``router``."""

    @route(public, endpoints.LOGIN)
    async def login(request: Request) -> JSONResponse:
        checker = Checker(await json_object(request))
        email = checker.email("email", checker.data.get("email"))
        password = checker.string("password", checker.data.get("password"), max_length=None)
        device = checker.string("device_name", checker.data.get("device_name"))
        checker.done()
        assert email is not None and password is not None and device is not None
        issued = backend.login(email, password, device)
        select_account(issued.account)  # the request counts for the account it logged into
        return JSONResponse({"user_id": SANDBOX_USER_ID, "token": issued.token})

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

"""Mailin.ai as the app serves it: its surface (``/api/v1/public``, bearer tokens configured or
issued by a login, ``{"message": ...}`` errors), its routes (login without auth, the rest behind
the token, result downloads as public links) and its control routes under ``/_sandbox/mailin``."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers

from pulumi_inboxed.mailin import endpoints
from pulumi_inboxed.sandbox.context import SandboxContext, guarded_router
from pulumi_inboxed.sandbox.control import CONTROL_PREFIX
from pulumi_inboxed.sandbox.mailin import errors
from pulumi_inboxed.sandbox.mailin.common import MAILIN_PREFIX
from pulumi_inboxed.sandbox.mailin.errors import mailin_error
from pulumi_inboxed.sandbox.mailin.models import MailinBackend
from pulumi_inboxed.sandbox.mailin.responses import add_auth_routes
from pulumi_inboxed.sandbox.mailin.responses_accounts import add_account_routes
from pulumi_inboxed.sandbox.mailin.responses_azure import add_azure_control, add_azure_order_routes
from pulumi_inboxed.sandbox.mailin.responses_domains import add_domain_routes
from pulumi_inboxed.sandbox.mailin.responses_mailboxes import add_mailbox_routes
from pulumi_inboxed.sandbox.mailin.responses_verification import add_verification_routes
from pulumi_inboxed.sandbox.surfaces import ApiSurface
from pulumi_inboxed.sandbox.tenants import MAILIN


def backend_of(ctx: SandboxContext) -> MailinBackend:
    return ctx.backend(MailinBackend, ctx.store.mailin)


class MailinSurface(ApiSurface):
    mailin_faults = True

    render = staticmethod(errors.render)

    fault = staticmethod(errors.fault)
    http_error = staticmethod(errors.http_error)
    invalid_request = staticmethod(errors.invalid_request)
    crash = staticmethod(errors.crash)

    def account_of(self, ctx: SandboxContext, headers: Headers) -> str | None:
        """A token configured for an account, else one a login issued."""
        owner = super().account_of(ctx, headers)
        token = self.credential_of(headers)
        if owner is None and token:
            owner = backend_of(ctx).issued_token_owner(token)
        return owner


SURFACE = MailinSurface(MAILIN, MAILIN_PREFIX, endpoints.ALL, lambda account: account.mailin_tokens)


def mailin_router(ctx: SandboxContext) -> APIRouter:
    """Login without auth; every other Mailin.ai route behind the bearer token."""

    public = APIRouter(prefix=MAILIN_PREFIX)
    # Behind a token configured for an account or issued by a login.
    router = guarded_router(
        lambda: mailin_error(401, {"message": "Unauthenticated."}), MAILIN_PREFIX
    )
    backend = backend_of(ctx)
    add_auth_routes(public, router, backend, ctx)
    add_domain_routes(router, backend)
    add_mailbox_routes(router, backend)
    add_account_routes(router, backend)
    add_azure_order_routes(router, backend)
    storage = APIRouter()  # result downloads: public links, outside the API prefix
    add_verification_routes(router, storage, backend)

    combined = APIRouter()
    combined.include_router(public)
    combined.include_router(router)
    combined.include_router(storage)
    return combined


def mailin_control_router(ctx: SandboxContext) -> APIRouter:
    """The ``?account=`` account's purchases, live login tokens and Azure orders."""
    router = APIRouter(prefix=CONTROL_PREFIX)
    backend = backend_of(ctx)

    @router.get("/mailin/purchases")
    async def mailin_purchases() -> JSONResponse:
        """Domains actually bought through Mailin.ai (persisted): name -> times bought."""
        purchases = backend.purchases()
        return JSONResponse({"purchases": purchases, "total": sum(purchases.values())})

    add_azure_control(router, backend)
    return router

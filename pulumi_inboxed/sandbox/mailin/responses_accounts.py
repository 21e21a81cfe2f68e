"""Mailin.ai inbox providers and domain registrars ("accounts") of the sandbox.

Both are validated like Laravel would, with each provider's required fields from
``endpoints.PROVIDER_REQUIRED_FIELDS`` ("The api user field is required when provider is
namecheap."). Their list answers show ``api_key`` as the page's examples do, never a password or
secret key. The two kinds share every route; an ``AccountKind`` names what differs (paths,
messages, fields).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from pulumi_inboxed.core.endpoint import Endpoint
from pulumi_inboxed.mailin import endpoints
from pulumi_inboxed.sandbox.context import bearer_token
from pulumi_inboxed.sandbox.mailin.common import known_then_body, message, path_id, route
from pulumi_inboxed.sandbox.mailin.models import MailinBackend
from pulumi_inboxed.sandbox.mailin.models_accounts import INBOX_PROVIDER, REGISTRAR
from pulumi_inboxed.sandbox.mailin.models_providers import KIND_LABELS
from pulumi_inboxed.sandbox.mailin.validation import Checker, json_object, label
from pulumi_inboxed.sandbox.mailin.views import account_view, paginate


@dataclass(frozen=True)
class AccountKind:
    """What an inbox provider and a registrar do not share: store kind, name in 404s, the
    providers allowed, the fields kept, the routes and their messages."""

    kind: str  # INBOX_PROVIDER or REGISTRAR
    label: str  # "Provider not found."
    providers: tuple[str, ...]
    fields: tuple[str, ...]
    id_param: str  # the path parameter of the update and delete routes
    add: Endpoint
    added: str
    added_id_key: str  # the key of the new id in the add answer
    list: Endpoint
    update: Endpoint
    updated: str
    delete: Endpoint
    deleted: str


INBOX_PROVIDER_KIND = AccountKind(
    kind=INBOX_PROVIDER,
    label=KIND_LABELS[INBOX_PROVIDER],
    providers=endpoints.INBOX_PROVIDERS,
    fields=endpoints.INBOX_PROVIDER_FIELDS,
    id_param="provider_id",
    add=endpoints.ADD_INBOX_PROVIDER,
    added="Provider has been successfully created.",
    added_id_key="provider_id",
    list=endpoints.LIST_INBOX_PROVIDERS,
    update=endpoints.UPDATE_INBOX_PROVIDER,
    updated="Provider updated successfully.",
    delete=endpoints.DELETE_INBOX_PROVIDER,
    deleted="Provider deleted successfully.",
)
REGISTRAR_KIND = AccountKind(
    kind=REGISTRAR,
    label=KIND_LABELS[REGISTRAR],
    providers=endpoints.REGISTRARS,
    fields=endpoints.REGISTRAR_FIELDS,
    id_param="registrar_id",
    add=endpoints.ADD_DOMAIN_REGISTRAR,
    added="Domain registrar created successfully.",
    added_id_key="id",
    list=endpoints.LIST_DOMAIN_REGISTRARS,
    update=endpoints.UPDATE_DOMAIN_REGISTRAR,
    updated="Registrar updated successfully.",
    delete=endpoints.DELETE_DOMAIN_REGISTRAR,
    deleted="Registrar deleted successfully.",
)


def _valid_url(value: str) -> bool:
    parsed = urlparse(value)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def check_account_fields(
    checker: Checker, kind: AccountKind, provider: str | None, values: Mapping[str, object]
) -> dict[str, str | None]:
    """Validate the optional string fields and the provider's required ones."""
    fields: dict[str, str | None] = {}
    for key in kind.fields:
        fields[key] = checker.string(
            key, values.get(key), required=False, max_length=None if key == "password" else 255
        )
    if provider is not None:
        for key in endpoints.PROVIDER_REQUIRED_FIELDS.get(provider, ()):
            if fields.get(key) is None and not checker.failed(key):
                checker.fail(
                    key, f"The {label(key)} field is required when provider is {provider}."
                )
    ip = fields.get("whitelisted_ip")
    if ip is not None:
        try:
            ipaddress.ip_address(ip.strip())
        except ValueError:
            checker.fail("whitelisted_ip", "The whitelisted ip field must be a valid IP address.")
    url = fields.get("oauth_url")
    if url is not None and not _valid_url(url.strip()):
        checker.fail("oauth_url", "The oauth url field must be a valid URL.")
    return fields


def check_provider(
    checker: Checker, kind: AccountKind, value: object, *, required: bool
) -> str | None:
    """The ``provider`` field: one of the kind's providers, lower-cased."""
    text = checker.string("provider", value, required=required)
    if text is None:
        return None
    if text.strip().lower() not in kind.providers:
        checker.fail("provider", "The selected provider is invalid.")
        return None
    return text.strip().lower()


def add_account_routes(router: APIRouter, backend: MailinBackend) -> None:
    """Register the inbox provider routes, then the domain registrar routes, and the logout."""
    for kind in (INBOX_PROVIDER_KIND, REGISTRAR_KIND):
        _add_kind_routes(router, backend, kind)
    add_logout_route(router, backend)


def add_logout_route(router: APIRouter, backend: MailinBackend) -> None:
    """``POST /auth/logout`` (our choice of path: no page shows one) revokes the bearer token
    the request sent, as Laravel Sanctum's ``currentAccessToken()->delete()`` does. A configured
    token (``mailin_tokens`` setting) is not revocable: the answer says so, nothing changes."""

    @route(router, endpoints.LOGOUT)
    async def logout(request: Request) -> JSONResponse:
        if backend.logout(bearer_token(request) or ""):
            return message("Logged out successfully.")
        return message("This token cannot be revoked.")


def add_token_control(router: APIRouter, backend: MailinBackend) -> None:
    """Control route (under ``/_sandbox``): how many login tokens are live (never the tokens)."""

    @router.get("/mailin/tokens")
    async def live_tokens() -> JSONResponse:
        return JSONResponse({"live": backend.live_tokens()})


def _add_kind_routes(router: APIRouter, backend: MailinBackend, kind: AccountKind) -> None:
    """Add, list, update and delete of one kind of account (the rules: ``models_providers.py``)."""
    accounts = backend.accounts

    def account_id(request: Request) -> int:
        return path_id(request.path_params[kind.id_param], kind.label)

    @route(router, kind.add, status_code=201)
    async def add_account(request: Request) -> JSONResponse:
        checker = Checker(await json_object(request))
        name = checker.string("name", checker.data.get("name"))
        provider = check_provider(checker, kind, checker.data.get("provider"), required=True)
        fields = check_account_fields(checker, kind, provider, checker.data)
        checker.done()
        assert name is not None and provider is not None
        added = accounts.add(kind.kind, name, provider, fields)
        return message(kind.added, 201, **{kind.added_id_key: added.id})

    @route(router, kind.list)
    async def list_accounts(request: Request) -> JSONResponse:
        views = [account_view(row) for row in accounts.listed(kind.kind)]
        return JSONResponse(paginate(request, views))

    @route(router, kind.update)
    async def update_account(request: Request) -> JSONResponse:
        row, checker = await known_then_body(
            request, lambda: accounts.get(kind.kind, account_id(request))
        )
        given = checker.data
        provider = check_provider(checker, kind, given.get("provider"), required=False)
        # Fields the body names replace the stored ones (null clears); the others stay.
        merged: dict[str, object] = {**row.fields, **{k: v for k, v in given.items()}}
        fields = check_account_fields(checker, kind, provider or row.provider, merged)
        checker.done()
        accounts.update(kind.kind, row.id, provider, fields)
        return message(kind.updated)

    @route(router, kind.delete)
    async def delete_account(request: Request) -> JSONResponse:
        accounts.delete(kind.kind, account_id(request))
        return message(kind.deleted)

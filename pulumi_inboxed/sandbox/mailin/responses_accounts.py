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
from pulumi_inboxed.sandbox.context import SandboxContext, bearer_token
from pulumi_inboxed.sandbox.mailin.common import message, path_id, route
from pulumi_inboxed.sandbox.mailin.credentials import split_token
from pulumi_inboxed.sandbox.mailin.models_accounts import (
    INBOX_PROVIDER,
    REGISTRAR,
    AccountRow,
    AccountStore,
)
from pulumi_inboxed.sandbox.mailin.validation import Checker, json_object, label, not_found
from pulumi_inboxed.sandbox.mailin.views import SANDBOX_USER_ID, laravel_timestamp, paginate

# Never shown by any answer (the page's list examples show api_key and username only).
HIDDEN_FIELDS = frozenset({"password", "secret_api_key"})


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
    label="Provider",
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
    label="Registrar",
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
ACCOUNT_KINDS = {kind.kind: kind for kind in (INBOX_PROVIDER_KIND, REGISTRAR_KIND)}


def account_view(row: AccountRow) -> dict[str, object]:
    view: dict[str, object] = {
        "id": row.id,
        "user_id": SANDBOX_USER_ID,
        "name": row.name,
        "provider": row.provider,
    }
    for key in ACCOUNT_KINDS[row.kind].fields:
        if key not in HIDDEN_FIELDS:
            view[key] = row.fields.get(key)
    view["created_at"] = laravel_timestamp(row.created_at)
    view["updated_at"] = laravel_timestamp(row.updated_at)
    return view


def accounts_by_id(store: AccountStore) -> dict[int, AccountRow]:
    """Every inbox provider and registrar by id (ids are shared by both kinds)."""
    rows = store.list_accounts(INBOX_PROVIDER) + store.list_accounts(REGISTRAR)
    return {row.id: row for row in rows}


def check_account_id(
    checker: Checker, store: AccountStore, field: str, value: object, kind: str
) -> int | None:
    """An optional id of an existing account of ``kind`` (``The selected ... is invalid.``)."""
    if value is None:
        return None
    number = checker.integer(field, value)
    if number is None:
        return None
    if store.get_account(kind, number) is None:
        checker.fail(field, f"The selected {label(field)} is invalid.")
        return None
    return number


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


def add_account_routes(router: APIRouter, ctx: SandboxContext) -> None:
    """Register the inbox provider routes, then the domain registrar routes, and the logout."""
    for kind in (INBOX_PROVIDER_KIND, REGISTRAR_KIND):
        _add_kind_routes(router, ctx, kind)
    add_logout_route(router, ctx)


def add_logout_route(router: APIRouter, ctx: SandboxContext) -> None:
    """``POST /auth/logout`` (our choice of path: no page shows one) revokes the bearer token
    the request sent, as Laravel Sanctum's ``currentAccessToken()->delete()`` does. A configured
    token (``mailin_tokens`` setting) is not revocable: the answer says so, nothing changes."""
    tokens = ctx.store.mailin.accounts.tokens

    @route(router, endpoints.LOGOUT)
    async def logout(request: Request) -> JSONResponse:
        parts = split_token(bearer_token(request) or "")
        if parts is not None and tokens.revoke(parts[0]):
            return message("Logged out successfully.")
        return message("This token cannot be revoked.")


def add_token_control(router: APIRouter, ctx: SandboxContext) -> None:
    """Control route (under ``/_sandbox``): how many login tokens are live (never the tokens)."""
    tokens = ctx.store.mailin.accounts.tokens

    @router.get("/mailin/tokens")
    async def live_tokens() -> JSONResponse:
        return JSONResponse({"live": tokens.live()})


def _add_kind_routes(router: APIRouter, ctx: SandboxContext, kind: AccountKind) -> None:
    """Add, list, update and delete of one kind of account."""
    store = ctx.store.mailin.accounts

    @route(router, kind.add, status_code=201)
    async def add_account(request: Request) -> JSONResponse:
        checker = Checker(await json_object(request))
        name = checker.string("name", checker.data.get("name"))
        provider = check_provider(checker, kind, checker.data.get("provider"), required=True)
        fields = check_account_fields(checker, kind, provider, checker.data)
        checker.done()
        assert name is not None and provider is not None
        now = ctx.clock()
        row = AccountRow(
            kind=kind.kind,
            name=name.strip(),
            provider=provider,
            fields=fields,
            created_at=now,
            updated_at=now,
        )
        return message(kind.added, 201, **{kind.added_id_key: store.add_account(row)})

    @route(router, kind.list)
    async def list_accounts(request: Request) -> JSONResponse:
        views = [account_view(row) for row in store.list_accounts(kind.kind)]
        return JSONResponse(paginate(request, views))

    @route(router, kind.update)
    async def update_account(request: Request) -> JSONResponse:
        raw_id = request.path_params[kind.id_param]
        row = store.get_account(kind.kind, path_id(raw_id, kind.label))
        if row is None:
            raise not_found(kind.label)
        checker = Checker(await json_object(request))
        given = checker.data
        provider = check_provider(checker, kind, given.get("provider"), required=False)
        # Fields the body names replace the stored ones (null clears); the others stay.
        merged: dict[str, object] = {**row.fields, **{k: v for k, v in given.items()}}
        fields = check_account_fields(checker, kind, provider or row.provider, merged)
        checker.done()
        store.update_account(kind.kind, row.id, provider or row.provider, fields, ctx.clock())
        return message(kind.updated)

    @route(router, kind.delete)
    async def delete_account(request: Request) -> JSONResponse:
        raw_id = request.path_params[kind.id_param]
        if not store.delete_account(kind.kind, path_id(raw_id, kind.label)):
            raise not_found(kind.label)
        return message(kind.deleted)

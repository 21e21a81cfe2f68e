"""Mailin.ai Microsoft routes: inbox providers, domain registrars and Azure orders.

- Inbox providers and registrars are validated like Laravel would, with each provider's required
  fields from ``endpoints.PROVIDER_REQUIRED_FIELDS`` ("The api user field is required when
  provider is namecheap."). Their list answers show ``api_key`` as the page's examples do, never
  a password or secret key.
- An Azure order is "in_progress" until ``mailin_azure_seconds`` (scaled) have passed, then
  "ready"; its four Azure DNS nameservers show from then. Its 100 mailboxes (given, or generated
  from ``full_name`` in auto mode) get generated passwords at once; ``get-mailboxes`` shows them,
  the order list masks them ("******") as the page's example does.
- With an inbox provider set, the mailboxes upload to it from the moment the order is ready, in
  quarters over ``mailin_upload_seconds`` (scaled). Addresses whose local part matches
  ``fail_pattern`` fail, those matching ``mailin_unavailable_pattern`` count as
  ``alreadyExistsOtherAccount``. Setting another provider or triggering a re-upload starts over.
"""

from __future__ import annotations

import ipaddress
import math
import re
import unicodedata
from collections.abc import Mapping
from urllib.parse import urlparse

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from pulumi_inboxed.mailin import endpoints
from pulumi_inboxed.sandbox.context import SandboxContext
from pulumi_inboxed.sandbox.envelope import SandboxError
from pulumi_inboxed.sandbox.mailin_common import message, path_id, route
from pulumi_inboxed.sandbox.mailin_credentials import generate_password
from pulumi_inboxed.sandbox.mailin_microsoft_store import (
    INBOX_PROVIDER,
    REGISTRAR,
    AccountRow,
    AzureMailboxRow,
    AzureOrderRow,
)
from pulumi_inboxed.sandbox.mailin_validation import (
    Checker,
    json_object,
    label,
    message_error,
    not_found,
)
from pulumi_inboxed.sandbox.mailin_views import SANDBOX_USER_ID, laravel_timestamp, paginate

INBOX_PROVIDER_FIELDS = endpoints.INBOX_PROVIDER_FIELDS
REGISTRAR_FIELDS = endpoints.REGISTRAR_FIELDS
# Never shown by any answer (the page's list examples show api_key and username only).
HIDDEN_FIELDS = frozenset({"password", "secret_api_key"})
ORDER_EXISTS_MESSAGE = "Order already exists in your account."
ORDER_ACCEPTED_MESSAGE = (
    "Order processed successfully. You can check the order status using the status API endpoint."
)
NO_PROVIDER_MESSAGE = "No inbox provider is set for this order."
MASKED_PASSWORD = "******"
IN_PROGRESS = "in_progress"
READY = "ready"
UPLOAD_STEPS = 4


def _kind_label(kind: str) -> str:
    return "Provider" if kind == INBOX_PROVIDER else "Registrar"


def account_view(row: AccountRow) -> dict[str, object]:
    shown = INBOX_PROVIDER_FIELDS if row.kind == INBOX_PROVIDER else REGISTRAR_FIELDS
    view: dict[str, object] = {
        "id": row.id,
        "user_id": SANDBOX_USER_ID,
        "name": row.name,
        "provider": row.provider,
    }
    for key in shown:
        if key not in HIDDEN_FIELDS:
            view[key] = row.fields.get(key)
    view["created_at"] = laravel_timestamp(row.created_at)
    view["updated_at"] = laravel_timestamp(row.updated_at)
    return view


def azure_nameservers(order_id: int) -> tuple[str, ...]:
    """Azure DNS's four servers of one zone group (``ns1-07.azure-dns.com`` ...)."""
    group = f"{(order_id * 7) % 100:02d}"
    tlds = ("com", "net", "org", "info")
    return tuple(f"ns{i}-{group}.azure-dns.{tld}" for i, tld in enumerate(tlds, start=1))


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def generate_mailboxes(full_names: list[str], domain: str, count: int) -> list[tuple[str, str]]:
    """``count`` (name, address) pairs from the full names: the usual address patterns for each
    name in turn (john, john.doe, johndoe, jdoe, ...), then numbered ones."""
    people: list[tuple[str, str, str]] = []
    for full in full_names:
        words = [_ascii_word(w) for w in full.split()]
        words = [w for w in words if w]
        if words:
            people.append((full.strip(), words[0], words[-1] if len(words) > 1 else ""))
    if not people:
        people = [("Mailbox", "mailbox", "")]
    patterns = (
        "{f}",
        "{f}.{l}",
        "{f}{l}",
        "{fi}{l}",
        "{f}.{li}",
        "{fi}.{l}",
        "{l}.{f}",
        "{f}_{l}",
        "{l}{fi}",
        "{l}",
    )
    out: list[tuple[str, str]] = []
    seen: set[str] = set()

    def offer(name: str, local: str) -> None:
        if local and local not in seen and len(out) < count:
            seen.add(local)
            out.append((name, f"{local}@{domain}"))

    for pattern in patterns:
        for name, first, last in people:
            if "{l" in pattern and not last:
                continue
            offer(name, pattern.format(f=first, l=last, fi=first[:1], li=last[:1]))
    number = 1
    while len(out) < count:
        for name, first, last in people:
            offer(name, f"{first}.{last}{number}" if last else f"{first}{number}")
        number += 1
    return out


def order_status(row: AzureOrderRow, now: float) -> str:
    return READY if now >= row.ready_at else IN_PROGRESS


def upload_summary(row: AzureOrderRow, now: float, fail: str, taken: str) -> dict[str, int]:
    """The page's ``upload_status_summary``: the first done mailboxes are processed."""
    total = len(row.mailboxes)
    done = 0
    start, until = row.upload_from, row.upload_until
    if start is not None and until is not None and now >= start:
        if now >= until or until <= start:
            done = total
        else:
            steps = math.floor(UPLOAD_STEPS * (now - start) / (until - start))
            done = total * steps // UPLOAD_STEPS
    failed = exists = 0
    for mailbox in row.mailboxes[:done]:
        local = mailbox.username.rpartition("@")[0]
        if re.search(fail, local):
            failed += 1
        elif re.search(taken, local):
            exists += 1
    return {
        "total": total,
        "uploaded": done - failed - exists,
        "alreadyExistsOtherAccount": exists,
        "pending": total - done,
        "failed": failed,
    }


def order_view(
    row: AzureOrderRow, accounts: Mapping[int, AccountRow], *, mask: bool = True
) -> dict[str, object]:
    provider = accounts.get(row.provider_id) if row.provider_id is not None else None
    registrar = accounts.get(row.registrar_id) if row.registrar_id is not None else None
    return {
        "id": row.id,
        "user_id": SANDBOX_USER_ID,
        "full_name": list(row.full_name),
        "domain": row.domain,
        "mailbox_mode": row.mailbox_mode,
        "provider_id": row.provider_id,
        "domain_registrar_id": row.registrar_id,
        "is_purchase": int(row.is_purchase),
        "forward_to": row.forward_to,
        "created_at": laravel_timestamp(row.created_at),
        "updated_at": laravel_timestamp(row.updated_at),
        "provider": account_view(provider)
        if provider and provider.kind == INBOX_PROVIDER
        else None,
        "registrar": account_view(registrar) if registrar and registrar.kind == REGISTRAR else None,
        "mailboxes": [
            {
                "name": m.name,
                "username": m.username,
                "password": MASKED_PASSWORD if mask else m.password,
            }
            for m in row.mailboxes
        ],
    }


def _valid_url(value: str) -> bool:
    parsed = urlparse(value)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def add_microsoft_routes(router: APIRouter, ctx: SandboxContext) -> None:
    """Register the inbox provider, registrar and Azure order routes."""
    store = ctx.store.mailin.microsoft

    def check_account(
        checker: Checker, kind: str, provider: str | None, values: Mapping[str, object]
    ) -> dict[str, str | None]:
        """Validate the optional string fields and the provider's required ones."""
        names = INBOX_PROVIDER_FIELDS if kind == INBOX_PROVIDER else REGISTRAR_FIELDS
        fields: dict[str, str | None] = {}
        for key in names:
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
                checker.fail(
                    "whitelisted_ip", "The whitelisted ip field must be a valid IP address."
                )
        url = fields.get("oauth_url")
        if url is not None and not _valid_url(url.strip()):
            checker.fail("oauth_url", "The oauth url field must be a valid URL.")
        return fields

    def provider_kind(checker: Checker, kind: str, value: object, *, required: bool) -> str | None:
        allowed = endpoints.INBOX_PROVIDERS if kind == INBOX_PROVIDER else endpoints.REGISTRARS
        text = checker.string("provider", value, required=required)
        if text is None:
            return None
        if text.strip().lower() not in allowed:
            checker.fail("provider", "The selected provider is invalid.")
            return None
        return text.strip().lower()

    async def add_account(request: Request, kind: str) -> AccountRow:
        checker = Checker(await json_object(request))
        name = checker.string("name", checker.data.get("name"))
        provider = provider_kind(checker, kind, checker.data.get("provider"), required=True)
        fields = check_account(checker, kind, provider, checker.data)
        checker.done()
        assert name is not None and provider is not None
        now = ctx.clock()
        row = AccountRow(
            kind=kind,
            name=name.strip(),
            provider=provider,
            fields=fields,
            created_at=now,
            updated_at=now,
        )
        return AccountRow(**{**row.__dict__, "id": store.add_account(row)})

    async def update_account(request: Request, kind: str, raw_id: str) -> None:
        row = store.get_account(kind, path_id(raw_id, _kind_label(kind)))
        if row is None:
            raise not_found(_kind_label(kind))
        checker = Checker(await json_object(request))
        given = checker.data
        provider = provider_kind(checker, kind, given.get("provider"), required=False)
        # Fields the body names replace the stored ones (null clears); the others stay.
        merged: dict[str, object] = {**row.fields, **{k: v for k, v in given.items()}}
        fields = check_account(checker, kind, provider or row.provider, merged)
        checker.done()
        store.update_account(kind, row.id, provider or row.provider, fields, ctx.clock())

    def accounts_by_id() -> dict[int, AccountRow]:
        rows = store.list_accounts(INBOX_PROVIDER) + store.list_accounts(REGISTRAR)
        return {row.id: row for row in rows}

    def find_order(raw_id: str) -> AzureOrderRow:
        row = store.get_order(path_id(raw_id, "Order"))
        if row is None:
            raise not_found("Order")
        return row

    def upload_window(ready_at: float, now: float) -> tuple[float, float]:
        start = max(now, ready_at)
        return start, start + ctx.settings.scaled(ctx.settings.mailin_upload_seconds)

    def account_id(checker: Checker, field: str, value: object, kind: str) -> int | None:
        if value is None:
            return None
        number = checker.integer(field, value)
        if number is None:
            return None
        if store.get_account(kind, number) is None:
            checker.fail(field, f"The selected {label(field)} is invalid.")
            return None
        return number

    # Inbox providers

    @route(router, endpoints.ADD_INBOX_PROVIDER, status_code=201)
    async def add_inbox_provider(request: Request) -> JSONResponse:
        row = await add_account(request, INBOX_PROVIDER)
        return message("Provider has been successfully created.", 201, provider_id=row.id)

    @route(router, endpoints.LIST_INBOX_PROVIDERS)
    async def list_inbox_providers(request: Request) -> JSONResponse:
        views = [account_view(row) for row in store.list_accounts(INBOX_PROVIDER)]
        return JSONResponse(paginate(request, views))

    @route(router, endpoints.UPDATE_INBOX_PROVIDER)
    async def update_inbox_provider(provider_id: str, request: Request) -> JSONResponse:
        await update_account(request, INBOX_PROVIDER, provider_id)
        return message("Provider updated successfully.")

    @route(router, endpoints.DELETE_INBOX_PROVIDER)
    async def delete_inbox_provider(provider_id: str) -> JSONResponse:
        if not store.delete_account(INBOX_PROVIDER, path_id(provider_id, "Provider")):
            raise not_found("Provider")
        return message("Provider deleted successfully.")

    # Domain registrars

    @route(router, endpoints.ADD_DOMAIN_REGISTRAR, status_code=201)
    async def add_domain_registrar(request: Request) -> JSONResponse:
        row = await add_account(request, REGISTRAR)
        return message("Domain registrar created successfully.", 201, id=row.id)

    @route(router, endpoints.LIST_DOMAIN_REGISTRARS)
    async def list_domain_registrars(request: Request) -> JSONResponse:
        views = [account_view(row) for row in store.list_accounts(REGISTRAR)]
        return JSONResponse(paginate(request, views))

    @route(router, endpoints.UPDATE_DOMAIN_REGISTRAR)
    async def update_domain_registrar(registrar_id: str, request: Request) -> JSONResponse:
        await update_account(request, REGISTRAR, registrar_id)
        return message("Registrar updated successfully.")

    @route(router, endpoints.DELETE_DOMAIN_REGISTRAR)
    async def delete_domain_registrar(registrar_id: str) -> JSONResponse:
        if not store.delete_account(REGISTRAR, path_id(registrar_id, "Registrar")):
            raise not_found("Registrar")
        return message("Registrar deleted successfully.")

    # Azure orders

    @route(router, endpoints.ADD_AZURE_ORDER, status_code=201)
    async def add_azure_order(request: Request) -> JSONResponse:
        checker = Checker(await json_object(request))
        data = checker.data
        mode = checker.string("mailbox_mode", data.get("mailbox_mode"))
        if mode is not None and mode not in ("auto", "manual"):
            checker.fail("mailbox_mode", "The selected mailbox mode is invalid.")
            mode = None
        purchase_raw = data.get("is_purchase")
        is_purchase: bool | None = None
        if not Checker.present(purchase_raw):
            checker.fail("is_purchase", "The is purchase field is required.")
        elif purchase_raw in (0, 1, "0", "1", True, False):
            is_purchase = (
                str(int(purchase_raw) if isinstance(purchase_raw, bool) else purchase_raw) == "1"
            )
        else:
            checker.fail("is_purchase", "The selected is purchase is invalid.")
        domain = checker.domain_name("domain", data.get("domain"))
        tld_ok = domain is not None and domain.rsplit(".", 1)[1] in endpoints.PURCHASABLE_TLDS
        if domain is not None and is_purchase and (not tld_ok or domain.count(".") != 1):
            checker.fail("domain", "For purchase, the domain must end with .com, .co, .biz or .ca.")
            domain = None
        provider_id = account_id(checker, "provider_id", data.get("provider_id"), INBOX_PROVIDER)
        registrar_id = account_id(
            checker, "domain_registrar_id", data.get("domain_registrar_id"), REGISTRAR
        )
        full_names: list[str] = []
        given: list[tuple[str, str]] = []
        if mode == "auto":
            raw_names = data.get("full_name")
            if raw_names is None:
                checker.fail(
                    "full_name", "The full name field is required when mailbox mode is auto."
                )
            else:
                items = checker.array("full_name", raw_names)
                for index, item in enumerate(items or []):
                    text = checker.string(f"full_name.{index}", item)
                    if text is not None:
                        full_names.append(text.strip())
        elif mode == "manual":
            raw = data.get("mailboxes")
            if raw is None:
                checker.fail(
                    "mailboxes", "The mailboxes field is required when mailbox mode is manual."
                )
            elif not isinstance(raw, list):
                checker.fail("mailboxes", "The mailboxes field must be an array.")
            elif len(raw) != endpoints.AZURE_MANUAL_MAILBOXES:
                checker.fail(
                    "mailboxes",
                    f"The mailboxes field must contain {endpoints.AZURE_MANUAL_MAILBOXES} items.",
                )
            else:
                seen: set[str] = set()
                for index, entry in enumerate(raw):
                    prefix = f"mailboxes.{index}"
                    if not isinstance(entry, dict):
                        checker.fail(prefix, f"The {prefix} field must be an array.")
                        continue
                    name = checker.string(f"{prefix}.name", entry.get("name"))
                    email = checker.email(f"{prefix}.email", entry.get("email"))
                    if email is None or name is None:
                        continue
                    if domain is not None and email.rpartition("@")[2] != domain:
                        checker.fail(
                            f"{prefix}.email",
                            f"The {prefix}.email must belong to the domain {domain}.",
                        )
                    elif email in seen:
                        checker.fail(
                            f"{prefix}.email", f"The {prefix}.email field has a duplicate value."
                        )
                    else:
                        seen.add(email)
                        given.append((name.strip(), email))
        checker.done()
        assert mode is not None and domain is not None and is_purchase is not None
        pairs = (
            given
            if mode == "manual"
            else generate_mailboxes(full_names, domain, endpoints.AZURE_MANUAL_MAILBOXES)
        )
        now = ctx.clock()
        ready_at = now + ctx.settings.scaled(ctx.settings.mailin_azure_seconds)
        start, until = upload_window(ready_at, now) if provider_id is not None else (None, None)
        row = AzureOrderRow(
            domain=domain,
            mailbox_mode=mode,
            full_name=tuple(full_names),
            is_purchase=is_purchase,
            mailboxes=tuple(AzureMailboxRow(n, e, generate_password()) for n, e in pairs),
            nameservers=(),
            created_at=now,
            updated_at=now,
            ready_at=ready_at,
            provider_id=provider_id,
            registrar_id=registrar_id,
            upload_from=start,
            upload_until=until,
        )
        added = store.add_order(row)
        if added is None:
            raise message_error(422, ORDER_EXISTS_MESSAGE)
        store.set_order_nameservers(added.id, azure_nameservers(added.id))
        return message(ORDER_ACCEPTED_MESSAGE, 201)

    @route(router, endpoints.LIST_AZURE_ORDERS)
    async def list_azure_orders(request: Request) -> JSONResponse:
        accounts = accounts_by_id()
        views = [order_view(row, accounts) for row in store.list_orders()]
        return JSONResponse(paginate(request, views))

    @route(router, endpoints.AZURE_ORDER_NAMESERVERS)
    async def azure_order_nameservers(order_id: str) -> JSONResponse:
        row = find_order(order_id)
        status = order_status(row, ctx.clock())
        shown = list(row.nameservers) if status == READY else []
        return JSONResponse({"status": status, "nameservers": shown})

    @route(router, endpoints.AZURE_ORDER_STATUS)
    async def azure_order_status(order_id: str) -> JSONResponse:
        row = find_order(order_id)
        return JSONResponse({"data": {"id": row.id, "status": order_status(row, ctx.clock())}})

    @route(router, endpoints.AZURE_ORDER_MAILBOXES)
    async def azure_order_mailboxes(order_id: str) -> JSONResponse:
        row = find_order(order_id)
        mailboxes = [
            {"name": m.name, "username": m.username, "password": m.password} for m in row.mailboxes
        ]
        return JSONResponse({"mailboxes": mailboxes})

    @route(router, endpoints.DELETE_AZURE_ORDER)
    async def delete_azure_order(order_id: str) -> JSONResponse:
        if not store.delete_order(path_id(order_id, "Order")):
            raise not_found("Order")
        return message("Order deleted successfully.")

    @route(router, endpoints.SET_AZURE_MASTER_DOMAIN)
    async def set_azure_master_domain(order_id: str, request: Request) -> JSONResponse:
        row = find_order(order_id)
        checker = Checker(await json_object(request))
        # Our choice: the page has no removal endpoint, so an explicit null clears it.
        if "forward_to" in checker.data and checker.data["forward_to"] is None:
            store.update_order(row.id, ctx.clock(), forward_to=None)
            return message("Master domain removed successfully.")
        forward_to = checker.domain_name("forward_to", checker.data.get("forward_to"))
        checker.done()
        store.update_order(row.id, ctx.clock(), forward_to=forward_to)
        return message("Master domain set successfully.")

    @route(router, endpoints.SET_AZURE_INBOX_PROVIDER)
    async def set_azure_inbox_provider(order_id: str, request: Request) -> JSONResponse:
        row = find_order(order_id)
        checker = Checker(await json_object(request))
        provider_id = checker.data.get("provider_id")
        if provider_id is None:
            checker.fail("provider_id", "The provider id field is required.")
        chosen = account_id(checker, "provider_id", provider_id, INBOX_PROVIDER)
        checker.done()
        now = ctx.clock()
        start, until = upload_window(row.ready_at, now)
        store.update_order(row.id, now, provider_id=chosen, upload_from=start, upload_until=until)
        return message("Inbox Provider set successfully.")

    @route(router, endpoints.REMOVE_AZURE_INBOX_PROVIDER)
    async def remove_azure_inbox_provider(order_id: str) -> JSONResponse:
        row = find_order(order_id)
        if row.provider_id is None:
            raise message_error(422, NO_PROVIDER_MESSAGE)
        store.update_order(
            row.id, ctx.clock(), provider_id=None, upload_from=None, upload_until=None
        )
        return message("Inbox Provider removed successfully.")

    @route(router, endpoints.TRIGGER_AZURE_REUPLOAD)
    async def trigger_azure_reupload(order_id: str) -> JSONResponse:
        row = find_order(order_id)
        if row.provider_id is None:
            raise message_error(422, NO_PROVIDER_MESSAGE)
        now = ctx.clock()
        start, until = upload_window(row.ready_at, now)
        store.update_order(
            row.id, now, upload_from=start, upload_until=until, reuploads=row.reuploads + 1
        )
        return message("Reupload triggered successfully.")

    @route(router, endpoints.AZURE_UPLOAD_STATUS)
    async def azure_upload_status(order_id: str) -> JSONResponse:
        row = find_order(order_id)
        if row.provider_id is None:
            raise message_error(422, NO_PROVIDER_MESSAGE)
        settings = ctx.settings
        summary = upload_summary(
            row, ctx.clock(), settings.fail_pattern, settings.mailin_unavailable_pattern
        )
        return JSONResponse({"upload_status_summary": summary})


def add_microsoft_control(router: APIRouter, ctx: SandboxContext) -> None:
    """Control routes (under ``/_sandbox``): finish an order's upload now, see credits."""
    store = ctx.store.mailin.microsoft

    @router.post("/mailin/azure-orders/{order_id}/finish-upload")
    async def finish_upload(order_id: str) -> JSONResponse:
        row = store.get_order(int(order_id)) if order_id.isdigit() else None
        if row is None or row.provider_id is None:
            raise SandboxError(404, f"Order {order_id} has no upload", {"id": order_id})
        now = ctx.clock()
        store.update_order(row.id, now, upload_from=now, upload_until=now)
        settings = ctx.settings
        updated = store.get_order(row.id)
        assert updated is not None
        summary = upload_summary(
            updated, now, settings.fail_pattern, settings.mailin_unavailable_pattern
        )
        return JSONResponse({"upload_status_summary": summary, "reuploads": updated.reuploads})

    @router.get("/mailin/azure-orders/{order_id}")
    async def order_detail(order_id: str) -> JSONResponse:
        """The order as stored, passwords masked, with its re-upload count."""
        row = store.get_order(int(order_id)) if order_id.isdigit() else None
        if row is None:
            raise SandboxError(404, f"Order {order_id} not found", {"id": order_id})
        view = order_view(row, {}, mask=True)
        view["reuploads"] = row.reuploads
        view["status"] = order_status(row, ctx.clock())
        return JSONResponse(view)

"""Mailin.ai Azure order routes of the sandbox, and their control routes.

- An Azure order is "in_progress" until ``mailin_azure_seconds`` (scaled) have passed, then
  "ready"; its four Azure DNS nameservers show from then. Its 100 mailboxes (given, or generated
  from ``full_name`` in auto mode) get generated passwords at once; ``get-mailboxes`` shows them,
  the order list masks them ("******") as the page's example does.
- With an inbox provider set, the mailboxes upload to it from the moment the order is ready, in
  quarters over ``mailin_upload_seconds`` (scaled). Addresses whose local part matches
  ``fail_pattern`` fail, those matching ``mailin_unavailable_pattern`` count as
  ``alreadyExistsOtherAccount``. Setting another provider or triggering a re-upload starts over.

The body of a new order is checked in ``validation_azure.py``; what an order shows is
derived in ``views_azure.py``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from pulumi_inboxed.mailin import endpoints
from pulumi_inboxed.sandbox.context import SandboxContext
from pulumi_inboxed.sandbox.errors import SandboxApiError
from pulumi_inboxed.sandbox.mailin.common import message, path_id, route
from pulumi_inboxed.sandbox.mailin.credentials import generate_password
from pulumi_inboxed.sandbox.mailin.models_accounts import INBOX_PROVIDER
from pulumi_inboxed.sandbox.mailin.models_azure import AzureMailboxRow, AzureOrderRow
from pulumi_inboxed.sandbox.mailin.responses_accounts import (
    accounts_by_id,
    add_token_control,
    check_account_id,
)
from pulumi_inboxed.sandbox.mailin.validation import (
    Checker,
    json_object,
    message_error,
    not_found,
)
from pulumi_inboxed.sandbox.mailin.validation_azure import (
    MANUAL,
    AzureOrderRequest,
    check_azure_order,
)
from pulumi_inboxed.sandbox.mailin.views import paginate
from pulumi_inboxed.sandbox.mailin.views_azure import (
    READY,
    azure_nameservers,
    generate_mailboxes,
    order_status,
    order_view,
    upload_summary,
)

ORDER_EXISTS_MESSAGE = "Order already exists in your account."
ORDER_ACCEPTED_MESSAGE = (
    "Order processed successfully. You can check the order status using the status API endpoint."
)
NO_PROVIDER_MESSAGE = "No inbox provider is set for this order."


def upload_window(ctx: SandboxContext, ready_at: float, now: float) -> tuple[float, float]:
    """An upload starts when the order is ready (or now, if later) and lasts
    ``mailin_upload_seconds`` (scaled)."""
    start = max(now, ready_at)
    return start, start + ctx.settings.scaled(ctx.settings.mailin_upload_seconds)


def current_upload_summary(ctx: SandboxContext, row: AzureOrderRow, now: float) -> dict[str, int]:
    settings = ctx.settings
    return upload_summary(row, now, settings.fail_pattern, settings.mailin_unavailable_pattern)


def create_azure_order(ctx: SandboxContext, order: AzureOrderRequest) -> None:
    """Store the order with its mailboxes (generated in auto mode) and their passwords, its
    timers and its nameservers; a 422 when the account already has an order for the domain."""
    store = ctx.store.mailin.azure
    pairs = (
        list(order.mailboxes)
        if order.mailbox_mode == MANUAL
        else generate_mailboxes(
            list(order.full_names), order.domain, endpoints.AZURE_MANUAL_MAILBOXES
        )
    )
    now = ctx.clock()
    ready_at = now + ctx.settings.scaled(ctx.settings.mailin_azure_seconds)
    uploading = order.provider_id is not None
    start, until = upload_window(ctx, ready_at, now) if uploading else (None, None)
    row = AzureOrderRow(
        domain=order.domain,
        mailbox_mode=order.mailbox_mode,
        full_name=order.full_names,
        is_purchase=order.is_purchase,
        mailboxes=tuple(AzureMailboxRow(n, e, generate_password()) for n, e in pairs),
        nameservers=(),
        created_at=now,
        updated_at=now,
        ready_at=ready_at,
        provider_id=order.provider_id,
        registrar_id=order.registrar_id,
        upload_from=start,
        upload_until=until,
    )
    added = store.add_order(row)
    if added is None:
        raise message_error(422, ORDER_EXISTS_MESSAGE)
    store.set_order_nameservers(added.id, azure_nameservers(added.id))


def add_azure_order_routes(router: APIRouter, ctx: SandboxContext) -> None:
    """Register the Azure order routes."""
    store = ctx.store.mailin.azure
    accounts = ctx.store.mailin.accounts

    def find_order(raw_id: str) -> AzureOrderRow:
        row = store.get_order(path_id(raw_id, "Order"))
        if row is None:
            raise not_found("Order")
        return row

    def find_uploading_order(raw_id: str) -> AzureOrderRow:
        row = find_order(raw_id)
        if row.provider_id is None:
            raise message_error(422, NO_PROVIDER_MESSAGE)
        return row

    @route(router, endpoints.ADD_AZURE_ORDER, status_code=201)
    async def add_azure_order(request: Request) -> JSONResponse:
        order = check_azure_order(Checker(await json_object(request)), accounts)
        create_azure_order(ctx, order)
        return message(ORDER_ACCEPTED_MESSAGE, 201)

    @route(router, endpoints.LIST_AZURE_ORDERS)
    async def list_azure_orders(request: Request) -> JSONResponse:
        by_id = accounts_by_id(accounts)
        views = [order_view(row, by_id) for row in store.list_orders()]
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
        # The page's one parameter, a domain: there is no way to remove a master domain
        # (a null or missing forward_to is a 422, as a Laravel `required` rule answers).
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
        chosen = check_account_id(checker, accounts, "provider_id", provider_id, INBOX_PROVIDER)
        checker.done()
        now = ctx.clock()
        start, until = upload_window(ctx, row.ready_at, now)
        store.update_order(row.id, now, provider_id=chosen, upload_from=start, upload_until=until)
        return message("Inbox Provider set successfully.")

    @route(router, endpoints.REMOVE_AZURE_INBOX_PROVIDER)
    async def remove_azure_inbox_provider(order_id: str) -> JSONResponse:
        row = find_uploading_order(order_id)
        store.update_order(
            row.id, ctx.clock(), provider_id=None, upload_from=None, upload_until=None
        )
        return message("Inbox Provider removed successfully.")

    @route(router, endpoints.TRIGGER_AZURE_REUPLOAD)
    async def trigger_azure_reupload(order_id: str) -> JSONResponse:
        row = find_uploading_order(order_id)
        now = ctx.clock()
        start, until = upload_window(ctx, row.ready_at, now)
        store.update_order(
            row.id, now, upload_from=start, upload_until=until, reuploads=row.reuploads + 1
        )
        return message("Reupload triggered successfully.")

    @route(router, endpoints.AZURE_UPLOAD_STATUS)
    async def azure_upload_status(order_id: str) -> JSONResponse:
        row = find_uploading_order(order_id)
        summary = current_upload_summary(ctx, row, ctx.clock())
        return JSONResponse({"upload_status_summary": summary})


def add_azure_control(router: APIRouter, ctx: SandboxContext) -> None:
    """Control routes (under ``/_sandbox``): finish an order's upload now, see an order as
    stored; and the count of live login tokens (``add_token_control``)."""
    store = ctx.store.mailin.azure
    add_token_control(router, ctx)

    @router.post("/mailin/azure-orders/{order_id}/finish-upload")
    async def finish_upload(order_id: str) -> JSONResponse:
        row = store.get_order(int(order_id)) if order_id.isdigit() else None
        if row is None or row.provider_id is None:
            raise SandboxApiError(404, f"Order {order_id} has no upload", {"id": order_id})
        now = ctx.clock()
        store.update_order(row.id, now, upload_from=now, upload_until=now)
        updated = store.get_order(row.id)
        assert updated is not None
        summary = current_upload_summary(ctx, updated, now)
        return JSONResponse({"upload_status_summary": summary, "reuploads": updated.reuploads})

    @router.get("/mailin/azure-orders/{order_id}")
    async def order_detail(order_id: str) -> JSONResponse:
        """The order as stored, passwords masked, with its re-upload count."""
        row = store.get_order(int(order_id)) if order_id.isdigit() else None
        if row is None:
            raise SandboxApiError(404, f"Order {order_id} not found", {"id": order_id})
        view = order_view(row, {}, mask=True)
        view["reuploads"] = row.reuploads
        view["status"] = order_status(row, ctx.clock())
        return JSONResponse(view)

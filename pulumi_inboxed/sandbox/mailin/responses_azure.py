"""Mailin.ai Azure order routes of the sandbox, and their control routes; the rules and timers
are in ``models_orders.py``, the body of a new order is checked in ``validation_azure.py`` and
what an order shows is derived in ``views_azure.py``. ``get-mailboxes`` shows the mailboxes'
passwords, the order list masks them ("******") as the page's example does."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from pulumi_inboxed.mailin import endpoints
from pulumi_inboxed.sandbox.mailin.common import (
    id_action_routes,
    known_then_body,
    message,
    path_id,
    route,
)
from pulumi_inboxed.sandbox.mailin.models import MailinBackend
from pulumi_inboxed.sandbox.mailin.responses_accounts import add_token_control
from pulumi_inboxed.sandbox.mailin.validation import Checker, json_object
from pulumi_inboxed.sandbox.mailin.validation_azure import check_azure_order
from pulumi_inboxed.sandbox.mailin.views import paginate
from pulumi_inboxed.sandbox.mailin.views_azure import order_view

ORDER_ACCEPTED_MESSAGE = (
    "Order processed successfully. You can check the order status using the status API endpoint."
)


def add_azure_order_routes(router: APIRouter, backend: MailinBackend) -> None:
    """Register the Azure order routes."""
    azure = backend.azure

    def order_id_of(raw_id: str) -> int:
        return path_id(raw_id, "Order")

    @route(router, endpoints.ADD_AZURE_ORDER, status_code=201)
    async def add_azure_order(request: Request) -> JSONResponse:
        order = check_azure_order(Checker(await json_object(request)), backend.accounts)
        azure.create(order)
        return message(ORDER_ACCEPTED_MESSAGE, 201)

    @route(router, endpoints.LIST_AZURE_ORDERS)
    async def list_azure_orders(request: Request) -> JSONResponse:
        by_id = backend.accounts.by_id()
        views = [order_view(row, by_id) for row in azure.listed()]
        return JSONResponse(paginate(request, views))

    @route(router, endpoints.AZURE_ORDER_NAMESERVERS)
    async def azure_order_nameservers(order_id: str) -> JSONResponse:
        status, shown = azure.nameservers(order_id_of(order_id))
        return JSONResponse({"status": status, "nameservers": shown})

    @route(router, endpoints.AZURE_ORDER_STATUS)
    async def azure_order_status(order_id: str) -> JSONResponse:
        row = azure.get(order_id_of(order_id))
        return JSONResponse({"data": {"id": row.id, "status": azure.status(row)}})

    @route(router, endpoints.AZURE_ORDER_MAILBOXES)
    async def azure_order_mailboxes(order_id: str) -> JSONResponse:
        row = azure.get(order_id_of(order_id))
        mailboxes = [
            {"name": m.name, "username": m.username, "password": m.password} for m in row.mailboxes
        ]
        return JSONResponse({"mailboxes": mailboxes})

    id_action_routes(
        router,
        "order_id",
        "Order",
        [
            (endpoints.DELETE_AZURE_ORDER, azure.delete, "Order deleted successfully."),
            (
                endpoints.REMOVE_AZURE_INBOX_PROVIDER,
                azure.remove_inbox_provider,
                "Inbox Provider removed successfully.",
            ),
            (endpoints.TRIGGER_AZURE_REUPLOAD, azure.reupload, "Reupload triggered successfully."),
        ],
    )

    # A route with a body looks the order up first, so an unknown one answers 404 before the
    # body is judged.

    @route(router, endpoints.SET_AZURE_MASTER_DOMAIN)
    async def set_azure_master_domain(order_id: str, request: Request) -> JSONResponse:
        row, checker = await known_then_body(request, lambda: azure.get(order_id_of(order_id)))
        # The page's one parameter, a domain: there is no way to remove a master domain
        # (a null or missing forward_to is a 422, as a Laravel `required` rule answers).
        forward_to = checker.domain_name("forward_to", checker.data.get("forward_to"))
        checker.done()
        azure.set_master_domain(row.id, forward_to)
        return message("Master domain set successfully.")

    @route(router, endpoints.SET_AZURE_INBOX_PROVIDER)
    async def set_azure_inbox_provider(order_id: str, request: Request) -> JSONResponse:
        row, checker = await known_then_body(request, lambda: azure.get(order_id_of(order_id)))
        azure.set_inbox_provider(row.id, checker.data.get("provider_id"), checker)
        return message("Inbox Provider set successfully.")

    @route(router, endpoints.AZURE_UPLOAD_STATUS)
    async def azure_upload_status(order_id: str) -> JSONResponse:
        return JSONResponse({"upload_status_summary": azure.upload_status(order_id_of(order_id))})


def add_azure_control(router: APIRouter, backend: MailinBackend) -> None:
    """Control routes (under ``/_sandbox``): finish an order's upload now, see an order as
    stored; and the count of live login tokens (``add_token_control``)."""
    azure = backend.azure
    add_token_control(router, backend)

    @router.post("/mailin/azure-orders/{order_id}/finish-upload")
    async def finish_upload(order_id: str) -> JSONResponse:
        summary, reuploads = azure.finish_upload(order_id)
        return JSONResponse({"upload_status_summary": summary, "reuploads": reuploads})

    @router.get("/mailin/azure-orders/{order_id}")
    async def order_detail(order_id: str) -> JSONResponse:
        """The order as stored, passwords masked, with its re-upload count."""
        row = azure.detail(order_id)
        view = order_view(row, {}, mask=True)
        view["reuploads"] = row.reuploads
        view["status"] = azure.status(row)
        return JSONResponse(view)

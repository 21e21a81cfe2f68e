"""Mailin.ai's Azure order rules, over the account's store (``models_azure.py``):

- An order is "in_progress" until ``mailin_azure_seconds`` (scaled) have passed, then "ready";
  its four Azure DNS nameservers show from then. Its 100 mailboxes (given, or generated from
  ``full_name`` in auto mode) get generated passwords at once. One order per domain.
- With an inbox provider set (one of the account's), the mailboxes upload to it from the moment
  the order is ready, in quarters over ``mailin_upload_seconds`` (scaled). Addresses whose local
  part matches ``fail_pattern`` fail, those matching ``mailin_unavailable_pattern`` count as
  ``alreadyExistsOtherAccount``. Setting another provider or triggering a re-upload starts over.

Raises ``SandboxApiError`` in Mailin.ai's terms; the control methods (``finish_upload``,
``detail``) in the envelope's (``{"id": ...}`` details).
"""

from __future__ import annotations

from collections.abc import Callable

from pulumi_inboxed.mailin import endpoints
from pulumi_inboxed.sandbox.backend import Backend
from pulumi_inboxed.sandbox.errors import SandboxApiError
from pulumi_inboxed.sandbox.mailin.credentials import generate_password
from pulumi_inboxed.sandbox.mailin.models_accounts import INBOX_PROVIDER
from pulumi_inboxed.sandbox.mailin.models_azure import (
    AzureMailboxRow,
    AzureOrderRow,
    AzureOrderStore,
)
from pulumi_inboxed.sandbox.mailin.models_providers import MailinAccounts
from pulumi_inboxed.sandbox.mailin.validation import Checker, message_error, not_found
from pulumi_inboxed.sandbox.mailin.validation_azure import MANUAL, AzureOrderRequest
from pulumi_inboxed.sandbox.mailin.views_azure import (
    READY,
    azure_nameservers,
    generate_mailboxes,
    order_status,
    upload_summary,
)
from pulumi_inboxed.sandbox.settings import SandboxSettings

ORDER_EXISTS_MESSAGE = "Order already exists in your account."
NO_PROVIDER_MESSAGE = "No inbox provider is set for this order."


class MailinAzure(Backend[AzureOrderStore]):
    """The account's Azure orders; settings and clock read per call."""

    def __init__(
        self,
        store: AzureOrderStore,
        accounts: MailinAccounts,
        settings: Callable[[], SandboxSettings],
        clock: Callable[[], float],
    ) -> None:
        super().__init__(store, settings, clock)
        self.accounts = accounts

    # Timers

    def ready_at(self, now: float) -> float:
        """When an order placed now is ready: ``mailin_azure_seconds`` scaled."""
        return now + self.settings.scaled(self.settings.mailin_azure_seconds)

    def upload_window(self, ready_at: float, now: float) -> tuple[float, float]:
        """An upload starts when the order is ready (or now, if later) and lasts
        ``mailin_upload_seconds`` (scaled)."""
        start = max(now, ready_at)
        return start, start + self.settings.scaled(self.settings.mailin_upload_seconds)

    def status(self, row: AzureOrderRow) -> str:
        """ "in_progress" or "ready", now."""
        return order_status(row, self.clock())

    def _summary(self, row: AzureOrderRow, now: float) -> dict[str, int]:
        settings = self.settings
        return upload_summary(row, now, settings.fail_pattern, settings.mailin_unavailable_pattern)

    # Orders

    def create(self, order: AzureOrderRequest) -> AzureOrderRow:
        """Store the order with its mailboxes (generated in auto mode) and their passwords, its
        timers and its nameservers; a 422 when the account already has an order for the domain.
        """
        pairs = (
            list(order.mailboxes)
            if order.mailbox_mode == MANUAL
            else generate_mailboxes(
                list(order.full_names), order.domain, endpoints.AZURE_MANUAL_MAILBOXES
            )
        )
        now = self.clock()
        ready_at = self.ready_at(now)
        uploading = order.provider_id is not None
        start, until = self.upload_window(ready_at, now) if uploading else (None, None)
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
        added = self.store.add_order(row)
        if added is None:
            raise message_error(422, ORDER_EXISTS_MESSAGE)
        self.store.set_order_nameservers(added.id, azure_nameservers(added.id))
        return self.get(added.id)

    def get(self, order_id: int) -> AzureOrderRow:
        row = self.store.get_order(order_id)
        if row is None:
            raise not_found("Order")
        return row

    def listed(self) -> list[AzureOrderRow]:
        return self.store.list_orders()

    def nameservers(self, order_id: int) -> tuple[str, list[str]]:
        """The order's status and its nameservers (none until it is ready)."""
        row = self.get(order_id)
        status = self.status(row)
        return status, list(row.nameservers) if status == READY else []

    def delete(self, order_id: int) -> None:
        if not self.store.delete_order(order_id):
            raise not_found("Order")

    def set_master_domain(self, order_id: int, forward_to: str | None) -> None:
        row = self.get(order_id)
        self.store.update_order(row.id, self.clock(), forward_to=forward_to)

    # Uploads to an inbox provider

    def set_inbox_provider(
        self, order_id: int, provider_id: object, checker: Checker | None = None
    ) -> None:
        """Upload the order's mailboxes to ``provider_id`` (required; one of the account's inbox
        providers, else a 422 through ``checker``), from the start."""
        row = self.get(order_id)
        checker = checker if checker is not None else Checker({"provider_id": provider_id})
        if provider_id is None:
            checker.fail("provider_id", "The provider id field is required.")
        chosen = self.accounts.check_id(checker, "provider_id", provider_id, INBOX_PROVIDER)
        checker.done()
        now = self.clock()
        start, until = self.upload_window(row.ready_at, now)
        self.store.update_order(
            row.id, now, provider_id=chosen, upload_from=start, upload_until=until
        )

    def uploading(self, order_id: int) -> AzureOrderRow:
        """An order of the account with an inbox provider (404; 422 without one)."""
        row = self.get(order_id)
        if row.provider_id is None:
            raise message_error(422, NO_PROVIDER_MESSAGE)
        return row

    def remove_inbox_provider(self, order_id: int) -> None:
        row = self.uploading(order_id)
        self.store.update_order(
            row.id, self.clock(), provider_id=None, upload_from=None, upload_until=None
        )

    def reupload(self, order_id: int) -> None:
        """Start the upload over (from when the order is ready, or now)."""
        row = self.uploading(order_id)
        now = self.clock()
        start, until = self.upload_window(row.ready_at, now)
        self.store.update_order(
            row.id, now, upload_from=start, upload_until=until, reuploads=row.reuploads + 1
        )

    def upload_status(self, order_id: int) -> dict[str, int]:
        """The page's ``upload_status_summary`` now."""
        return self._summary(self.uploading(order_id), self.clock())

    # Control (``/_sandbox/mailin/azure-orders/{order_id}``: the id as the path gave it)

    def finish_upload(self, order_id: str) -> tuple[dict[str, int], int]:
        """Finish the order's upload now: its summary and its re-upload count."""
        row = self.store.get_order(int(order_id)) if order_id.isdigit() else None
        if row is None or row.provider_id is None:
            raise SandboxApiError(404, f"Order {order_id} has no upload", {"id": order_id})
        now = self.clock()
        self.store.update_order(row.id, now, upload_from=now, upload_until=now)
        updated = self.store.get_order(row.id)
        assert updated is not None
        return self._summary(updated, now), updated.reuploads

    def detail(self, order_id: str) -> AzureOrderRow:
        """The order as stored."""
        row = self.store.get_order(int(order_id)) if order_id.isdigit() else None
        if row is None:
            raise SandboxApiError(404, f"Order {order_id} not found", {"id": order_id})
        return row

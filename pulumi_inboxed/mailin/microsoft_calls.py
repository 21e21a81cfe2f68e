"""Mailin.ai's Microsoft section: inbox providers, domain registrars, Azure orders.

A mixin of `MailinClient` (which gives it `_call` and `_pages`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel

from ..core.endpoint import Endpoint
from . import endpoints as ep
from .microsoft_models import (
    AzureMailbox,
    AzureNameservers,
    AzureOrderInfo,
    DomainRegistrarInfo,
    InboxProviderInfo,
    UploadStatusSummary,
)

M = TypeVar("M", bound=BaseModel)


class MicrosoftCalls:
    def _call(
        self,
        endpoint: Endpoint,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        data: dict[str, Any] | None = None,
        files: dict[str, Any] | None = None,
        raw: bool = False,
        **path: object,
    ) -> Any:
        raise NotImplementedError

    def _pages(
        self, endpoint: Endpoint, model: type[M], params: dict[str, Any] | None = None
    ) -> list[M]:
        raise NotImplementedError

    # inbox providers --------------------------------------------------------------------
    def add_inbox_provider(self, fields: Mapping[str, Any]) -> int:
        data = self._call(ep.ADD_INBOX_PROVIDER, json=dict(fields))
        return int(data["provider_id"])

    def list_inbox_providers(self) -> list[InboxProviderInfo]:
        return self._pages(ep.LIST_INBOX_PROVIDERS, InboxProviderInfo)

    def update_inbox_provider(self, provider_id: int, fields: Mapping[str, Any]) -> None:
        self._call(ep.UPDATE_INBOX_PROVIDER, json=dict(fields), provider_id=provider_id)

    def delete_inbox_provider(self, provider_id: int) -> None:
        self._call(ep.DELETE_INBOX_PROVIDER, provider_id=provider_id)

    # domain registrars ------------------------------------------------------------------
    def add_domain_registrar(self, fields: Mapping[str, Any]) -> int:
        return int(self._call(ep.ADD_DOMAIN_REGISTRAR, json=dict(fields))["id"])

    def list_domain_registrars(self) -> list[DomainRegistrarInfo]:
        return self._pages(ep.LIST_DOMAIN_REGISTRARS, DomainRegistrarInfo)

    def update_domain_registrar(self, registrar_id: int, fields: Mapping[str, Any]) -> None:
        self._call(ep.UPDATE_DOMAIN_REGISTRAR, json=dict(fields), registrar_id=registrar_id)

    def delete_domain_registrar(self, registrar_id: int) -> None:
        self._call(ep.DELETE_DOMAIN_REGISTRAR, registrar_id=registrar_id)

    # Azure orders ------------------------------------------------------------------------
    def add_azure_order(self, body: Mapping[str, Any]) -> None:
        """The page's answer carries no id: `find_azure_order(domain)` finds the order."""
        self._call(ep.ADD_AZURE_ORDER, json=dict(body))

    def list_azure_orders(self) -> list[AzureOrderInfo]:
        return self._pages(ep.LIST_AZURE_ORDERS, AzureOrderInfo)

    def find_azure_order(self, domain: str) -> AzureOrderInfo | None:
        wanted = domain.lower()
        return next((o for o in self.list_azure_orders() if o.domain.lower() == wanted), None)

    def get_azure_order_status(self, order_id: int) -> str:
        data = self._call(ep.AZURE_ORDER_STATUS, order_id=order_id)
        inner = data.get("data", data) if isinstance(data, dict) else {}
        return str(inner.get("status", "")).lower()

    def get_azure_nameservers(self, order_id: int) -> AzureNameservers:
        data = self._call(ep.AZURE_ORDER_NAMESERVERS, order_id=order_id)
        return AzureNameservers.model_validate(data)

    def get_azure_mailboxes(self, order_id: int) -> list[AzureMailbox]:
        data = self._call(ep.AZURE_ORDER_MAILBOXES, order_id=order_id)
        return [AzureMailbox.model_validate(m) for m in data.get("mailboxes", [])]

    def delete_azure_order(self, order_id: int) -> None:
        """Deletes the order and its domain."""
        self._call(ep.DELETE_AZURE_ORDER, order_id=order_id)

    def get_azure_order(self, order_id: int) -> AzureOrderInfo | None:
        """The order of that id, from the list (the page has no single-order endpoint)."""
        return next((o for o in self.list_azure_orders() if o.id == order_id), None)

    def set_azure_master_domain(self, order_id: int, forward_to: str) -> None:
        """Sets the master (redirect) domain. The page has no way to remove one: its one
        parameter, ``forward_to``, is a domain (`AzureOrder` keeps a removed one, and says so)."""
        self._call(ep.SET_AZURE_MASTER_DOMAIN, json={"forward_to": forward_to}, order_id=order_id)

    def set_azure_inbox_provider(self, order_id: int, provider_id: int) -> None:
        body = {"provider_id": provider_id}
        self._call(ep.SET_AZURE_INBOX_PROVIDER, json=body, order_id=order_id)

    def remove_azure_inbox_provider(self, order_id: int) -> None:
        self._call(ep.REMOVE_AZURE_INBOX_PROVIDER, order_id=order_id)

    def trigger_azure_reupload(self, order_id: int) -> None:
        self._call(ep.TRIGGER_AZURE_REUPLOAD, order_id=order_id)

    def get_azure_upload_status(self, order_id: int) -> UploadStatusSummary:
        data = self._call(ep.AZURE_UPLOAD_STATUS, order_id=order_id)
        return UploadStatusSummary.model_validate(data.get("upload_status_summary", data))

"""An in-memory Mailin.ai (Microsoft section, verification, credits) on `tests/unit/fake_api`
(routed by Mailin.ai's endpoint table), with faults queued per endpoint: the safe-retry tests'
fake.

A fault is one of:
- ``"lost"``: the request acts (the object is recorded), then the connection drops before the
  answer (`httpx.ReadError`);
- ``"lost-502"``: the request acts, then the answer is a 502;
- ``"drop"``: the connection drops before the request acts (`httpx.ReadError`);
- ``"502"`` / ``"503"`` / ``"500"``: the answer is that status, and nothing was done;
- ``"ok"``: no fault (to fail a later request of the same kind).

Unlike Mailin.ai (whose order add answers 422 "Order already exists in your account."), it
accepts a second order for the same domain (unless `refuse_duplicate_orders`), and a second inbox
provider or registrar of the same provider and name: a write sent twice shows up as two objects.
`stale_order_lists` order-list reads leave out the newest order (a list that lags behind).
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any
from urllib.parse import parse_qs

import httpx

from pulumi_inboxed.core.endpoint import Endpoint
from pulumi_inboxed.core.http import RetryPolicy
from pulumi_inboxed.mailin import MailinClient
from pulumi_inboxed.mailin import endpoints as ep

from ..fake_api import Call, FakeApi

BASE = "https://api.mailin.test/api/v1/public"
PREFIX = "/api/v1/public"
NAMESERVERS = ["ns1-07.azure-dns.com", "ns2-07.azure-dns.net"]
ACTING_FAULTS = ("lost", "lost-502")


def page(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"current_page": 1, "data": items, "last_page": 1, "next_page_url": None}


class FakeMailin(FakeApi):
    """The account's objects, the requests seen (`calls`), and the faults still to inject;
    routed by Mailin.ai's endpoint table."""

    def __init__(
        self,
        credits: int = 1000,
        *,
        show_forward_to: bool = True,
        refuse_duplicate_orders: bool = False,
        stale_order_lists: int = 0,
    ) -> None:
        super().__init__(ep, base_path=PREFIX)
        self.refuse_duplicate_orders = refuse_duplicate_orders
        self.stale_order_lists = stale_order_lists
        self.providers: list[dict[str, Any]] = []
        self.registrars: list[dict[str, Any]] = []
        self.orders: list[dict[str, Any]] = []
        self.tasks: dict[str, dict[str, Any]] = {}
        self.ledger: list[dict[str, Any]] = [
            {"id": 1, "reason": "Purchased credits", "credit": credits, "debit": 0}
        ]
        self.reuploads: dict[int, int] = defaultdict(int)
        self.show_forward_to = show_forward_to
        self.faults: dict[tuple[Endpoint, tuple[tuple[str, str], ...]], list[str]] = defaultdict(
            list
        )
        self._next_id = 100
        self.on(ep.ADD_INBOX_PROVIDER, self._add_provider)
        self.on(ep.LIST_INBOX_PROVIDERS, lambda _c: httpx.Response(200, json=page(self.providers)))
        self.on(ep.ADD_DOMAIN_REGISTRAR, self._add_registrar)
        self.on(
            ep.LIST_DOMAIN_REGISTRARS, lambda _c: httpx.Response(200, json=page(self.registrars))
        )
        self.on(ep.ADD_AZURE_ORDER, self._add_order)
        self.on(ep.LIST_AZURE_ORDERS, self._list_orders)
        for endpoint in ORDER_ACTIONS:
            self.on(endpoint, self._on_order)
        self.on(
            ep.GET_CREDITS, lambda _c: httpx.Response(200, json={"total_credits": self.credits})
        )
        self.on(
            ep.CREDIT_HISTORY, lambda _c: httpx.Response(200, json=page(self.ledger[::-1]))
        )  # newest first
        self.on(ep.GET_BULK_TASK, lambda c: self._task(c, "finished"))
        self.on(ep.GET_SINGLE_EMAIL, lambda c: self._task(c, "success"))
        for endpoint in (ep.VERIFY_SINGLE_EMAIL, ep.VERIFY_BULK_EMAILS, ep.VERIFY_BULK_FILE):
            self.on(endpoint, self._verify)

    # set-up ------------------------------------------------------------------------------
    def fail(self, endpoint: Endpoint, *faults: str, **params: str) -> None:
        """The next requests of `endpoint` (with these path parameters) meet `faults`, in
        order; then they succeed."""
        self.faults[(endpoint, tuple(sorted(params.items())))].extend(faults)

    def client(self) -> MailinClient:
        """A client on this fake; the HTTP layer sends each request once (no retries of its
        own), so every retry seen is `write_once`'s."""
        return MailinClient(
            BASE,
            token="t-1",
            retry=RetryPolicy(attempts=1, initial_wait=0.0),
            transport=self.transport(),
        )

    def sent(self, endpoint: Endpoint, **params: str) -> int:
        """How many requests of `endpoint` reached the fake (faulty ones included)."""
        return len(self.calls_to(endpoint, **params))

    @property
    def credits(self) -> int:
        return sum(e["credit"] - e["debit"] for e in self.ledger)

    # the API -----------------------------------------------------------------------------
    def serve(self, call: Call) -> httpx.Response:
        self.calls.append(call)
        fault = self._fault(call)
        if fault == "drop":
            raise httpx.ReadError("connection reset before the request was processed")
        if fault is not None and fault not in ACTING_FAULTS:
            return httpx.Response(int(fault), json={"message": "Server Error"})
        response = self.answer(call)
        if fault == "lost":
            raise httpx.ReadError("connection reset after the request was processed")
        if fault == "lost-502":
            return httpx.Response(502, json={"message": "Bad Gateway"})
        return response

    def _fault(self, call: Call) -> str | None:
        """The next fault queued for `call` (its endpoint with its path parameters first), or
        None."""
        for key in ((call.endpoint, tuple(sorted(call.params.items()))), (call.endpoint, ())):
            queued = self.faults.get(key)
            if queued:
                fault = queued.pop(0)
                return None if fault == "ok" else fault
        return None

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    @staticmethod
    def _body(call: Call) -> Any:
        return json.loads(call.request.content) if call.request.content.startswith(b"{") else {}

    def _add_provider(self, call: Call) -> httpx.Response:
        self.providers.append({**self._body(call), "id": self._new_id()})
        return httpx.Response(201, json={"provider_id": self.providers[-1]["id"]})

    def _add_registrar(self, call: Call) -> httpx.Response:
        self.registrars.append({**self._body(call), "id": self._new_id()})
        return httpx.Response(201, json={"id": self.registrars[-1]["id"]})

    def _add_order(self, call: Call) -> httpx.Response:
        body = self._body(call)
        if self.refuse_duplicate_orders and any(o["domain"] == body["domain"] for o in self.orders):
            message = "Order already exists in your account."
            return httpx.Response(422, json={"message": message})
        order = {**body, "id": self._new_id(), "forward_to": None}
        order["mailboxes"] = body.get("mailboxes") or [
            {"name": "Ann Lee", "email": f"ann@{body['domain']}"}
        ]
        self.orders.append(order)
        return httpx.Response(201, json={"message": "Order processed successfully."})

    def _list_orders(self, _call: Call) -> httpx.Response:
        shown = self.orders
        if self.stale_order_lists > 0:
            self.stale_order_lists -= 1
            shown = shown[:-1]
        return httpx.Response(200, json=page([self._listed(o) for o in shown]))

    def _listed(self, order: dict[str, Any]) -> dict[str, Any]:
        mailboxes = [
            {"name": m["name"], "username": m["email"], "password": "******"}
            for m in order["mailboxes"]
        ]
        listed = {
            "id": order["id"],
            "domain": order["domain"],
            "mailbox_mode": order["mailbox_mode"],
            "provider_id": order.get("provider_id"),
            "mailboxes": mailboxes,
        }
        if self.show_forward_to:
            listed["forward_to"] = order["forward_to"]
        return listed

    def _on_order(self, call: Call) -> httpx.Response:
        order_id = int(call.params["order_id"])
        order = next((o for o in self.orders if o["id"] == order_id), None)
        if order is None:
            return httpx.Response(404, json={"message": "Not Found"})
        body = self._body(call)
        action = call.endpoint
        if action == ep.AZURE_ORDER_NAMESERVERS:
            return httpx.Response(200, json={"status": "ready", "nameservers": NAMESERVERS})
        if action == ep.AZURE_ORDER_STATUS:
            return httpx.Response(200, json={"data": {"id": order["id"], "status": "Ready"}})
        if action == ep.AZURE_ORDER_MAILBOXES:
            boxes = [
                {"name": m["name"], "username": m["email"], "password": "pw-1"}
                for m in order["mailboxes"]
            ]
            return httpx.Response(200, json={"mailboxes": boxes})
        if action == ep.AZURE_UPLOAD_STATUS:
            total = len(order["mailboxes"])
            return httpx.Response(200, json={"upload_status_summary": {"total": total}})
        if action == ep.SET_AZURE_INBOX_PROVIDER:
            order["provider_id"] = body["provider_id"]
        elif action == ep.REMOVE_AZURE_INBOX_PROVIDER:
            if order.get("provider_id") is None:
                message = "No inbox provider is set for this order."
                return httpx.Response(422, json={"message": message})
            order["provider_id"] = None
        elif action == ep.SET_AZURE_MASTER_DOMAIN:
            order["forward_to"] = body["forward_to"]
        elif action == ep.TRIGGER_AZURE_REUPLOAD:
            self.reuploads[order["id"]] += 1
        return httpx.Response(200, json={"message": "ok"})

    def _task(self, call: Call, status: str) -> httpx.Response:
        task = self.tasks[call.query["task_id"]]
        return httpx.Response(200, json={**task, "status": status})

    def _verify(self, call: Call) -> httpx.Response:
        request = call.request
        if call.endpoint == ep.VERIFY_SINGLE_EMAIL:
            emails = [json.loads(request.content)["email"]]
        elif call.endpoint == ep.VERIFY_BULK_EMAILS:
            form = parse_qs(request.content.decode())
            emails = form["emails"][0].split(",")
        else:
            text = request.content.decode(errors="replace")
            emails = [w for w in text.replace("\r", "\n").split("\n") if "@" in w]
        task_id = f"task_{self._new_id()}"
        self.tasks[task_id] = {
            "task_id": task_id,
            "total_rows": len(emails),
            "deliverable": len(emails),
            "result": "deliverable",
        }
        entry = {"id": self._new_id(), "reason": "Bulk verification started", "credit": 0}
        self.ledger.append({**entry, "debit": len(emails)})
        return httpx.Response(210, json={"task_id": task_id, "status": "verifying"})


ORDER_ACTIONS = (
    ep.AZURE_ORDER_NAMESERVERS,
    ep.AZURE_ORDER_STATUS,
    ep.AZURE_ORDER_MAILBOXES,
    ep.AZURE_UPLOAD_STATUS,
    ep.SET_AZURE_INBOX_PROVIDER,
    ep.REMOVE_AZURE_INBOX_PROVIDER,
    ep.SET_AZURE_MASTER_DOMAIN,
    ep.TRIGGER_AZURE_REUPLOAD,
)
"""What the fake does on one order (its id in the path)."""

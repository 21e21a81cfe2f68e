"""An in-memory Mailin.ai (Microsoft section, verification, credits) behind `httpx.MockTransport`,
with faults queued per request: the safe-retry tests' fake.

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

from pulumi_inboxed.core.http import RetryPolicy
from pulumi_inboxed.mailin import MailinClient

BASE = "https://api.mailin.test/api/v1/public"
PREFIX = "/api/v1/public"
NAMESERVERS = ["ns1-07.azure-dns.com", "ns2-07.azure-dns.net"]
ACTING_FAULTS = ("lost", "lost-502")


def page(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"current_page": 1, "data": items, "last_page": 1, "next_page_url": None}


class FakeMailin:
    """The account's objects, the requests seen, and the faults still to inject."""

    def __init__(
        self,
        credits: int = 1000,
        *,
        show_forward_to: bool = True,
        refuse_duplicate_orders: bool = False,
        stale_order_lists: int = 0,
    ) -> None:
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
        self.faults: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.requests: list[tuple[str, str]] = []
        self._next_id = 100

    # set-up ------------------------------------------------------------------------------
    def fail(self, method: str, path: str, *faults: str) -> None:
        """The next requests of `method path` meet `faults`, in order; then they succeed."""
        self.faults[(method, path)].extend(faults)

    def client(self) -> MailinClient:
        """A client on this fake; the HTTP layer sends each request once (no retries of its
        own), so every retry seen is `write_once`'s."""
        return MailinClient(
            BASE,
            token="t-1",
            retry=RetryPolicy(attempts=1, initial_wait=0.0),
            transport=httpx.MockTransport(self),
        )

    def sent(self, method: str, path: str) -> int:
        """How many `method path` requests reached the fake (faulty ones included)."""
        return self.requests.count((method, path))

    @property
    def credits(self) -> int:
        return sum(e["credit"] - e["debit"] for e in self.ledger)

    # the API -----------------------------------------------------------------------------
    def __call__(self, request: httpx.Request) -> httpx.Response:
        method, path = request.method, request.url.path.removeprefix(PREFIX)
        self.requests.append((method, path))
        queued = self.faults.get((method, path))
        fault = queued.pop(0) if queued else None
        fault = None if fault == "ok" else fault
        if fault == "drop":
            raise httpx.ReadError("connection reset before the request was processed")
        if fault is not None and fault not in ACTING_FAULTS:
            return httpx.Response(int(fault), json={"message": "Server Error"})
        response = self._act(method, path, request)
        if fault == "lost":
            raise httpx.ReadError("connection reset after the request was processed")
        if fault == "lost-502":
            return httpx.Response(502, json={"message": "Bad Gateway"})
        return response

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def _order(self, path: str) -> dict[str, Any] | None:
        order_id = int(path.rsplit("/", 1)[1])
        return next((o for o in self.orders if o["id"] == order_id), None)

    def _act(self, method: str, path: str, request: httpx.Request) -> httpx.Response:
        body: Any = json.loads(request.content) if request.content.startswith(b"{") else {}
        ok = httpx.Response(200, json={"message": "ok"})
        if (method, path) == ("POST", "/inbox-providers/add"):
            self.providers.append({**body, "id": self._new_id()})
            return httpx.Response(201, json={"provider_id": self.providers[-1]["id"]})
        if (method, path) == ("GET", "/inbox-providers"):
            return httpx.Response(200, json=page(self.providers))
        if (method, path) == ("POST", "/domain-registrars/add"):
            self.registrars.append({**body, "id": self._new_id()})
            return httpx.Response(201, json={"id": self.registrars[-1]["id"]})
        if (method, path) == ("GET", "/domain-registrars"):
            return httpx.Response(200, json=page(self.registrars))
        if (method, path) == ("POST", "/azure-orders/add"):
            if self.refuse_duplicate_orders and any(
                o["domain"] == body["domain"] for o in self.orders
            ):
                message = "Order already exists in your account."
                return httpx.Response(422, json={"message": message})
            order = {**body, "id": self._new_id(), "forward_to": None}
            order["mailboxes"] = body.get("mailboxes") or [
                {"name": "Ann Lee", "email": f"ann@{body['domain']}"}
            ]
            self.orders.append(order)
            return httpx.Response(201, json={"message": "Order processed successfully."})
        if (method, path) == ("GET", "/azure-orders"):
            shown = self.orders
            if self.stale_order_lists > 0:
                self.stale_order_lists -= 1
                shown = shown[:-1]
            return httpx.Response(200, json=page([self._listed(o) for o in shown]))
        order = self._order(path) if path.startswith("/azure-orders/") else None
        if order is not None:
            return self._on_order(method, path, order, body) or ok
        return self._verification(method, path, request) or httpx.Response(
            404, json={"message": "Not Found"}
        )

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

    def _on_order(
        self, method: str, path: str, order: dict[str, Any], body: dict[str, Any]
    ) -> httpx.Response | None:
        action = path.split("/")[2]
        if action == "nameservers":
            return httpx.Response(200, json={"status": "ready", "nameservers": NAMESERVERS})
        if action == "status":
            return httpx.Response(200, json={"data": {"id": order["id"], "status": "Ready"}})
        if action == "get-mailboxes":
            boxes = [
                {"name": m["name"], "username": m["email"], "password": "pw-1"}
                for m in order["mailboxes"]
            ]
            return httpx.Response(200, json={"mailboxes": boxes})
        if action == "get-inbox-provider-status":
            total = len(order["mailboxes"])
            return httpx.Response(200, json={"upload_status_summary": {"total": total}})
        if action == "set-inbox-provider":
            order["provider_id"] = body["provider_id"]
        elif action == "remove-inbox-provider":
            if order.get("provider_id") is None:
                message = "No inbox provider is set for this order."
                return httpx.Response(422, json={"message": message})
            order["provider_id"] = None
        elif action == "set-redirect-domain":
            order["forward_to"] = body["forward_to"]
        elif action == "trigger-re-upload":
            self.reuploads[order["id"]] += 1
        return None

    def _verification(
        self, method: str, path: str, request: httpx.Request
    ) -> httpx.Response | None:
        if (method, path) == ("GET", "/get-credits"):
            return httpx.Response(200, json={"total_credits": self.credits})
        if (method, path) == ("GET", "/credit-history"):
            return httpx.Response(200, json=page(self.ledger[::-1]))  # newest first
        if (method, path) == ("GET", "/get-task-detail"):
            task = self.tasks[request.url.params["task_id"]]
            return httpx.Response(200, json={**task, "status": "finished"})
        if (method, path) == ("GET", "/get-single-email"):
            task = self.tasks[request.url.params["task_id"]]
            return httpx.Response(200, json={**task, "status": "success"})
        if method != "POST" or path not in (
            "/verify-bulk-emails",
            "/verify-bulk-file",
            "/verify-single-email",
        ):
            return None
        if path == "/verify-single-email":
            emails = [json.loads(request.content)["email"]]
        elif path == "/verify-bulk-emails":
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

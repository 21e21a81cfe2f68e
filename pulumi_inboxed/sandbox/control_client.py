"""``SandboxControl``: typed wrappers for the ``/_sandbox/`` control routes."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, cast

import httpx

from pulumi_inboxed.sandbox.closing import Closing
from pulumi_inboxed.sandbox.control import CONTROL_TOKEN_ENV, CONTROL_TOKEN_HEADER
from pulumi_inboxed.sandbox.faults import ConnectionFaultKind


class SandboxControl(Closing):
    """Drives a running sandbox from tests, demos and benchmarks.

    Request counters (``stats()``) are keyed ``"METHOD /route/template"``: InboxedUp routes by
    their endpoint-table path (``"GET /domains/{domain_id}"``), Mailin.ai routes by their table path
    **with** the ``/api/v1/public`` prefix (``"GET /api/v1/public/domains/{domain_id}"``), so the
    two APIs never share a key. Fault rules match the full request path too (a Mailin.ai
    ``path_prefix`` starts with ``/api/v1/public``); statuses 310-313 only fault Mailin.ai routes.

    Every call carries the sandbox's control token (``control_token``, else
    ``$INBOXED_SANDBOX_CONTROL_TOKEN``; ``SandboxProcess.control`` passes it) and writes send a
    JSON body: the sandbox refuses anything else.

    Accounts: ``add_account(name, inboxedup_tokens=[...], mailin_email=..., mailin_password=...,
    mailin_tokens=[...], mailchannels_api_keys=[...], pingram_api_keys=[...])`` adds one to the
    running sandbox; ``for_account(name)`` is this control scoped to that account (every call sends
    ``?account=name``: its state, its request counters, faults for its requests only). Unscoped,
    inspection and seeding act on the account ``default``, ``stats()`` counts every account's
    requests and fault rules hit any account. ``reset()`` wipes every account, scoped or not.
    """

    def __init__(
        self,
        url: str,
        timeout: float = 10.0,
        *,
        control_token: str | None = None,
        account: str | None = None,
        client: httpx.Client | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        if control_token is None:
            control_token = os.environ.get(CONTROL_TOKEN_ENV) or None
        self.control_token = control_token
        self.account = account
        self._timeout = timeout
        self._owns_client = client is None
        headers = {CONTROL_TOKEN_HEADER: control_token} if control_token is not None else {}
        self._client = client or httpx.Client(
            base_url=self.url + "/_sandbox", timeout=timeout, headers=headers
        )

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def for_account(self, name: str) -> SandboxControl:
        """The same methods, acting on account ``name`` (sharing this control's connection)."""
        return SandboxControl(
            self.url,
            self._timeout,
            control_token=self.control_token,
            account=name,
            client=self._client,
        )

    def add_account(self, name: str, **credentials: object) -> dict[str, Any]:
        """Add account ``name`` to the running sandbox; ``credentials`` as in
        ``SandboxAccount`` (an HTTP 409 error when the name or a credential is taken). Returns the
        account as the control API shows it (counts, never a secret)."""
        return cast(dict[str, Any], self._call("POST", "/accounts", {"name": name, **credentials}))

    def accounts(self) -> dict[str, dict[str, Any]]:
        """Every account by name (``default`` included), as counts of credentials."""
        return cast(dict[str, dict[str, Any]], self._call("GET", "/accounts")["accounts"])

    def requests(self) -> dict[str, int]:
        """Requests made with this control's account's credentials (``default`` unscoped)."""
        return cast(dict[str, int], self._call("GET", "/requests")["requests"])

    def _call(self, method: str, path: str, body: object = None) -> Any:
        if body is None and method != "GET":
            body = {}  # writes are JSON, even when they carry nothing
        params = {"account": self.account} if self.account is not None else None
        response = self._client.request(method, path, json=body, params=params)
        response.raise_for_status()
        return response.json()

    def health(self) -> dict[str, Any]:
        return cast(dict[str, Any], self._call("GET", "/health"))

    def stats(self) -> dict[str, int]:
        """API requests per ``"METHOD /route/template"`` (scoped: of this account only)."""
        return cast(dict[str, int], self._call("GET", "/stats")["requests"])

    def total_requests(self) -> int:
        return cast(int, self._call("GET", "/stats")["total"])

    def reset_stats(self) -> None:
        self._call("POST", "/stats/reset")

    def settings(self) -> dict[str, Any]:
        return cast(dict[str, Any], self._call("GET", "/settings"))

    def update_settings(self, **changes: object) -> dict[str, Any]:
        """Partial update, e.g. ``update_settings(fail_pattern="^bad-", latency_ms=50)``."""
        return cast(dict[str, Any], self._call("PATCH", "/settings", changes))

    def add_fault(
        self,
        status: int | None = None,
        count: int | None = None,
        *,
        kind: ConnectionFaultKind | None = None,
        kinds: Sequence[int | ConnectionFaultKind] | None = None,
        rate: float | None = None,
        seed: int | None = None,
        hold_seconds: float | None = None,
        retry_after: float | None = None,
        method: str | None = None,
        path_prefix: str | None = None,
    ) -> None:
        """Add a fault rule (``FaultRule``): exactly one of ``status`` (429, 5xx, Mailin.ai's
        310-313), ``kind`` (``"reset_before"``, ``"reset_after"``, ``"timeout_before"``,
        ``"timeout_after"``) or ``kinds`` (a mix, one chosen at random per faulted request).
        It faults the next ``count`` matching requests (default 1) or, with ``rate``, each
        matching request with that probability (``seed`` for a repeatable sequence). Timeouts
        hold the request ``hold_seconds`` (default 2 s), then reset the connection.

        ``add_fault(503, count=2)``; ``add_fault(kind="reset_after", method="POST")``;
        ``add_fault(kinds=[429, 503, "reset_before", "reset_after"], rate=0.2, seed=7)``."""
        fields: dict[str, object] = {
            "status": status,
            "kind": kind,
            "kinds": list(kinds) if kinds is not None else None,
            "count": count,
            "rate": rate,
            "seed": seed,
            "hold_seconds": hold_seconds,
            "retry_after": retry_after,
            "method": method,
            "path_prefix": path_prefix,
        }
        self._call("POST", "/faults", {k: v for k, v in fields.items() if v is not None})

    def faults_injected(self) -> dict[str, int]:
        """Faults injected so far by kind (``{"503": 2, "reset_before": 1}``), every account's."""
        return cast(dict[str, int], self._call("GET", "/stats").get("faults", {}))

    def faults(self) -> list[dict[str, Any]]:
        return cast(list[dict[str, Any]], self._call("GET", "/faults")["faults"])

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    def force_domain_status(
        self, domain_id: str, status: str | None, reason: str | None = None
    ) -> dict[str, Any]:
        """Force a domain's status (None lifts it); returns the domain as the API shows it."""
        return self._force_status(f"domains/{domain_id}", status, reason)

    def force_mailbox_status(
        self, request_id: str, status: str | None, reason: str | None = None
    ) -> dict[str, Any]:
        """Force a mailbox request's status (``reason`` becomes its ``adminNotes``)."""
        return self._force_status(f"mailboxes/{request_id}", status, reason)

    def _force_status(self, what: str, status: str | None, reason: str | None) -> dict[str, Any]:
        body = {"status": status, "reason": reason}
        return cast(dict[str, Any], self._call("POST", f"/inboxedup/{what}/status", body))

    def mailin_purchases(self) -> dict[str, int]:
        """Mailin.ai domains actually bought, name -> times (persisted across restarts)."""
        return cast(dict[str, int], self._call("GET", "/mailin/purchases")["purchases"])

    def mailin_live_tokens(self) -> int:
        """Mailin.ai tokens issued by logins and not revoked yet."""
        return int(self._call("GET", "/mailin/tokens")["live"])

    def mailchannels_state(self) -> dict[str, Any]:
        """MailChannels Inbound: ``{"domains": {name: domain object}, "subscriptions": {handle:
        count}, "domain_limit": n}``."""
        return cast(dict[str, Any], self._call("GET", "/mailchannels/state"))

    def pingram_domains(self) -> list[dict[str, Any]]:
        """Pingram sender domains as ``GET /domains`` shows them (DKIM keys included)."""
        return cast(list[dict[str, Any]], self._call("GET", "/pingram/domains"))

    def mailin_finish_upload(self, order_id: int) -> dict[str, int]:
        """Finish a Mailin.ai Azure order's upload to its inbox provider now; the summary."""
        path = f"/mailin/azure-orders/{order_id}/finish-upload"
        return cast(dict[str, int], self._call("POST", path)["upload_status_summary"])

    def mailin_azure_order(self, order_id: int) -> dict[str, Any]:
        """A Mailin.ai Azure order as stored (passwords masked), with ``reuploads`` and
        ``status``."""
        return cast(dict[str, Any], self._call("GET", f"/mailin/azure-orders/{order_id}"))

    def reset(self) -> None:
        """Wipe all state of every account (InboxedUp domains, batches, mailbox requests, with
        subscriptions seeded again; Mailin.ai domains, mailboxes, jobs, issued tokens and the
        purchase counter; MailChannels and Pingram domains), faults and counters. The accounts
        stay."""
        self._call("POST", "/reset")

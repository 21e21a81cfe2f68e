"""The Pingram sender-domain routes under ``/pingram`` (every path of ``pingram/endpoints.py``):
each parses the request, calls the backend (``models.py``) and renders the answer.

- Auth: ``Authorization: Bearer <key>``, one of an account's ``pingram_api_keys`` (else 401); the
  request then sees that account's state only.
- Errors: ``{"trackingId": "...", "error": {"code", "message", "fix", "provider",
  "providerCode"}}``, the page's standard error response.
- Adding a domain starts verification (``pingram_add_starts_verification``; when off it stays
  NOT_STARTED until ``start-verification``). Verification takes ``pingram_verify_seconds``
  (PENDING), then ends SUCCESS, or FAILED / TEMPORARY_FAILURE for names matching
  ``pingram_fail_pattern`` / ``pingram_temporary_failure_pattern``; the mail-from status follows.
- 402 (usage limit): adding a domain beyond ``pingram_domain_limit``. 502 (provider error):
  adding or verifying a name matching ``pingram_provider_error_pattern``, or an injected 502.

``docs/mailchannels-pingram-api.md`` lists every choice the public pages leave open.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from pulumi_inboxed.pingram import endpoints as ep
from pulumi_inboxed.sandbox.envelope import timestamp
from pulumi_inboxed.sandbox.pingram.errors import fail
from pulumi_inboxed.sandbox.pingram.models import PingramBackend, status_of
from pulumi_inboxed.sandbox.pingram.models_store import PingramDomainRow
from pulumi_inboxed.sandbox.surfaces import route


def domain_view(row: PingramDomainRow, now: float) -> dict[str, Any]:
    status, mail_from, last_sync = status_of(row, now)
    view: dict[str, Any] = {
        "sender": row.sender,
        "status": status,
        "lastSync": timestamp(last_sync),
        "verificationTokens": list(row.tokens),
        "createdAt": timestamp(row.created_at),
        "privateDKIMKey": row.dkim_key,
        "selector": row.selector,
    }
    if mail_from is not None:
        view["mailFromDomainStatus"] = mail_from
    return view


def listing(backend: PingramBackend) -> JSONResponse:
    now = backend.clock()
    return JSONResponse([domain_view(r, now) for r in backend.domains()])


def add_routes(router: APIRouter, backend: PingramBackend) -> None:
    """Register every Pingram route on ``router`` (behind its bearer key)."""

    @route(router, ep.LIST_DOMAINS)
    async def list_domains() -> JSONResponse:
        return listing(backend)

    @route(router, ep.ADD_DOMAIN)
    async def add_domain(request: Request) -> JSONResponse:
        try:
            body = await request.json()
        except ValueError:
            raise fail(400, "VALIDATION_ERROR", "The request body is not valid JSON") from None
        backend.add(body.get("sender") if isinstance(body, dict) else None)
        return listing(backend)

    @route(router, ep.START_VERIFICATION)
    async def start_verification(sender: str) -> JSONResponse:
        backend.start_verification(sender)
        return listing(backend)

    @route(router, ep.DELETE_DOMAIN)
    async def delete_domain(sender: str) -> JSONResponse:
        backend.delete(sender)
        return JSONResponse({"success": True})

"""The simulated Pingram sender-domain API under ``/pingram``: every path of
``pingram/endpoints.py``.

- Auth: ``Authorization: Bearer <key>``, one of the settings' ``pingram_api_keys`` (else 401).
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

import base64
import re
import secrets
import textwrap
from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from pulumi_inboxed.core.domains import DomainNameError, normalize_domain
from pulumi_inboxed.pingram import endpoints as ep
from pulumi_inboxed.sandbox.context import SandboxContext, authenticated
from pulumi_inboxed.sandbox.control import CONTROL_PREFIX
from pulumi_inboxed.sandbox.envelope import timestamp
from pulumi_inboxed.sandbox.pingram.models import PingramDomainRow
from pulumi_inboxed.sandbox.surfaces import ApiSurface, SurfaceError, fault_message, route

PINGRAM_PREFIX = "/pingram"
UPSTREAM = "ses"

FAULT_CODES = {
    429: "RATE_LIMITED",
    500: "INTERNAL_SERVER_ERROR",
    502: "PROVIDER_ERROR",
    503: "SERVICE_UNAVAILABLE",
}


def pingram_error(
    status: int,
    code: str,
    message: str,
    *,
    fix: str | None = None,
    provider: str | None = None,
    provider_code: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    error: dict[str, str] = {"code": code, "message": message}
    for key, value in (("fix", fix), ("provider", provider), ("providerCode", provider_code)):
        if value is not None:
            error[key] = value
    body = {"trackingId": "trk_" + secrets.token_hex(8), "error": error}
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def fail(status: int, code: str, message: str, **kw: Any) -> SurfaceError:
    return SurfaceError(pingram_error(status, code, message, **kw))


def _fault(status: int, message: str, headers: Mapping[str, str] | None) -> JSONResponse:
    code = FAULT_CODES.get(status, "INTERNAL_SERVER_ERROR")
    if status == 502:
        return pingram_error(
            status,
            code,
            message or fault_message(status),
            fix="Try again later; the email provider is failing.",
            provider=UPSTREAM,
            provider_code="ServiceUnavailable",
            headers=headers,
        )
    return pingram_error(status, code, message or fault_message(status), headers=headers)


PINGRAM_SURFACE = ApiSurface("pingram", PINGRAM_PREFIX, ep.ALL, _fault)


def fake_dkim_key() -> str:
    """A PEM-shaped private key of random bytes (the sandbox signs nothing with it)."""
    body = "\n".join(textwrap.wrap(base64.b64encode(secrets.token_bytes(609)).decode(), 64))
    return f"-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----"


def status_of(row: PingramDomainRow, now: float) -> tuple[str, str | None, float]:
    """(status, mail-from status, last sync) derived from the stored deadline and the clock."""
    if row.verify_done_at is None:
        return ("NOT_STARTED", None, row.created_at)
    if now < row.verify_done_at:
        return ("PENDING", "PENDING", row.verify_started_at or row.created_at)
    return (row.outcome, row.outcome, row.verify_done_at)


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


def pingram_router(ctx: SandboxContext) -> APIRouter:
    store = ctx.store.pingram

    async def bearer() -> None:
        if authenticated():  # the middleware found the account this key belongs to
            return
        raise fail(
            401,
            "UNAUTHORIZED",
            "Unauthorized",
            fix="Send the header 'Authorization: Bearer <your Pingram API key>'.",
        )

    router = APIRouter(prefix=PINGRAM_PREFIX, dependencies=[Depends(bearer)])

    def listing() -> JSONResponse:
        now = ctx.clock()
        return JSONResponse([domain_view(r, now) for r in store.all()])

    def outcome(sender: str) -> str:
        settings = ctx.settings
        if re.search(settings.pingram_fail_pattern, sender):
            return "FAILED"
        if re.search(settings.pingram_temporary_failure_pattern, sender):
            return "TEMPORARY_FAILURE"
        return "SUCCESS"

    def provider_check(sender: str) -> None:
        if re.search(ctx.settings.pingram_provider_error_pattern, sender):
            raise fail(
                502,
                "PROVIDER_ERROR",
                f"The email provider refused sender domain {sender!r}",
                fix="Check the domain at your email provider, then try again.",
                provider=UPSTREAM,
                provider_code="InvalidParameterValue",
            )

    def deadlines() -> tuple[float, float]:
        now = ctx.clock()
        return now, now + ctx.settings.scaled(ctx.settings.pingram_verify_seconds)

    def sender_of(raw: Any) -> str:
        if not isinstance(raw, str) or not raw.strip():
            raise fail(
                400,
                "VALIDATION_ERROR",
                "'sender' is required",
                fix='Send {"sender": "yourdomain.com"}.',
            )
        if "@" in raw:
            raise fail(
                400,
                "VALIDATION_ERROR",
                f"{raw!r} is an email address",
                fix="Pass the domain only (not a full email address).",
            )
        try:
            return normalize_domain(raw)
        except DomainNameError as exc:
            raise fail(
                400, "VALIDATION_ERROR", f"{exc.domain!r} {exc.reason}", fix="Pass a domain name."
            ) from None

    def known(sender: str) -> PingramDomainRow:
        row = store.get(sender.strip().lower().rstrip("."))
        if row is None:
            raise fail(
                404,
                "NOT_FOUND",
                f"Sender domain {sender!r} not found",
                fix="List the account's domains with GET /domains.",
            )
        return row

    @route(router, ep.LIST_DOMAINS)
    async def list_domains() -> JSONResponse:
        return listing()

    @route(router, ep.ADD_DOMAIN)
    async def add_domain(request: Request) -> JSONResponse:
        try:
            body = await request.json()
        except ValueError:
            raise fail(400, "VALIDATION_ERROR", "The request body is not valid JSON") from None
        sender = sender_of(body.get("sender") if isinstance(body, dict) else None)
        if store.get(sender) is not None:
            raise fail(
                400,
                "DOMAIN_ALREADY_EXISTS",
                f"Sender domain {sender!r} is already added",
                fix="Use the existing domain, or delete it first.",
            )
        provider_check(sender)
        started, done = deadlines()
        verify = ctx.settings.pingram_add_starts_verification
        row = PingramDomainRow(
            sender=sender,
            created_at=started,
            outcome=outcome(sender),
            selector="pingram" + secrets.token_hex(3),
            dkim_key=fake_dkim_key(),
            tokens=tuple(secrets.token_hex(16) for _ in range(3)),
            verify_started_at=started if verify else None,
            verify_done_at=done if verify else None,
        )
        if not store.add(row, ctx.settings.pingram_domain_limit):
            raise fail(
                402,
                "USAGE_LIMIT_EXCEEDED",
                f"The plan allows {ctx.settings.pingram_domain_limit} sender domains",
                fix="Upgrade your plan or remove a sender domain.",
            )
        return listing()

    @route(router, ep.START_VERIFICATION)
    async def start_verification(sender: str) -> JSONResponse:
        row = known(sender)
        provider_check(row.sender)
        status, _, _ = status_of(row, ctx.clock())
        if status not in ("PENDING", "SUCCESS"):  # NOT_STARTED, FAILED, TEMPORARY_FAILURE
            started, done = deadlines()
            store.start_verification(row.sender, started, done, outcome(row.sender))
        return listing()

    @route(router, ep.DELETE_DOMAIN)
    async def delete_domain(sender: str) -> JSONResponse:
        store.remove(known(sender).sender)
        return JSONResponse({"success": True})

    return router


def pingram_control_router(ctx: SandboxContext) -> APIRouter:
    """``GET /_sandbox/pingram/domains``: every sender domain as the API shows it."""
    router = APIRouter(prefix=CONTROL_PREFIX + "/pingram")

    @router.get("/domains")
    async def domains() -> JSONResponse:
        now = ctx.clock()
        return JSONResponse([domain_view(r, now) for r in ctx.store.pingram.all()])

    return router


__all__ = ["PINGRAM_PREFIX", "PINGRAM_SURFACE", "pingram_control_router", "pingram_router"]

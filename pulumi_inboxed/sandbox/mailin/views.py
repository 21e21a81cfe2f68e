"""JSON shapes of the Mailin.ai objects, as the API page's example bodies give them.

Statuses are the strings ``"0"`` (being set up) and ``"1"`` (active), derived from the deadline
stored on each row. Timestamps are Laravel's ``2023-10-27T10:00:00.000000Z``.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from urllib.parse import urlencode

from fastapi import Request

from pulumi_inboxed.mailin import endpoints
from pulumi_inboxed.sandbox.mailin.models_accounts import INBOX_PROVIDER, REGISTRAR, AccountRow
from pulumi_inboxed.sandbox.mailin.models_store import (
    MailinDomainRow,
    MailinJobRow,
    MailinMailboxRow,
)
from pulumi_inboxed.sandbox.mailin.validation import invalid

NAME_SERVERS: tuple[str, str] = ("ns1.mailin.ai", "ns2.mailin.ai")
DOMAIN_RATE_LIMIT = "500 / d"
MAILBOX_RATE_LIMIT = "500 / 1h"
IMAP_PORT = 993
SMTP_PORT = 465
DEFAULT_PER_PAGE = 15
MAX_PER_PAGE = 100
GOOGLE = "google"
SMTP = "smtp"
# The fields an inbox provider or a registrar keeps; the hidden ones are never shown by any
# answer (the page's list examples show api_key and username only).
ACCOUNT_FIELDS = {
    INBOX_PROVIDER: endpoints.INBOX_PROVIDER_FIELDS,
    REGISTRAR: endpoints.REGISTRAR_FIELDS,
}
HIDDEN_FIELDS = frozenset({"password", "secret_api_key"})

# GET /users/{user_id}: the page's example user (its e-mail is the sandbox's login e-mail).
SANDBOX_USER_ID = 1
SANDBOX_USER: dict[str, object] = {
    "id": SANDBOX_USER_ID,
    "username": "johndoe",
    "phone_no": "1-800-555-0199",
    "first_name": "John",
    "last_name": "Doe",
    "email_verified_at": "2023-10-26T10:00:00.000000Z",
    "email": "user@example.com",
    "org_name": "ACME Corporation",
    "country_name": "United States",
    "city_name": "Anytown",
    "address": "123 Main St",
    "postal_code": "12345",
    "region": "CA",
    "country_code": "US",
    "country_code_name": "USA",
    "mailboxes_slots": 50,
    "created_at": "2023-10-26T09:30:00.000000Z",
}
# GET /servers: the page's two example servers.
SANDBOX_SERVERS: tuple[dict[str, object], ...] = (
    {
        "id": 201,
        "public_ip": "192.0.2.1",
        "hostname": "vm-inbound-01.mailin.ai",
        "state": "Running",
        "active": 1,
        "server_type": "inbound",
    },
    {
        "id": 202,
        "public_ip": "198.51.100.5",
        "hostname": "vm-outbound-01.mailin.ai",
        "state": "Stopped",
        "active": 0,
        "server_type": "outbound",
    },
)


def laravel_timestamp(epoch: float) -> str:
    """``2023-10-27T10:00:00.000000Z``."""
    moment = datetime.fromtimestamp(epoch, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def flag(active: bool) -> str:
    return "1" if active else "0"


def updated_at(updated: float, active_at: float, now: float) -> str:
    """A row is last updated when it was changed or when it became active, whichever is later."""
    return laravel_timestamp(max(updated, active_at) if now >= active_at else updated)


def account_view(row: AccountRow) -> dict[str, object]:
    """An inbox provider or a registrar, without its password or secret key."""
    view: dict[str, object] = {
        "id": row.id,
        "user_id": SANDBOX_USER_ID,
        "name": row.name,
        "provider": row.provider,
    }
    for key in ACCOUNT_FIELDS[row.kind]:
        if key not in HIDDEN_FIELDS:
            view[key] = row.fields.get(key)
    view["created_at"] = laravel_timestamp(row.created_at)
    view["updated_at"] = laravel_timestamp(row.updated_at)
    return view


def domain_view(row: MailinDomainRow, now: float) -> dict[str, object]:
    active = now >= row.active_at
    return {
        "id": row.id,
        "name": row.name,
        "main_domain": row.main_domain,
        "name_servers": ", ".join(NAME_SERVERS) if active else None,
        "name_server_status": flag(active),
        "status": flag(active),
        "provider_type": row.provider_type,
        "domain_provider": row.domain_provider,
        "forward_to": row.forward_to,
        "email_forward_to": row.email_forward_to,
        "created_at": laravel_timestamp(row.created_at),
        "updated_at": updated_at(row.updated_at, row.active_at, now),
    }


def mailbox_view(row: MailinMailboxRow, domain_name: str, now: float) -> dict[str, object]:
    """The SMTP shape (with hosts and ports) or the Google one (with signature and names)."""
    active = now >= row.active_at
    common: dict[str, object] = {
        "id": row.id,
        "domain_id": row.domain_id,
        "name": row.name,
        "username": row.username,
        "password": row.password,
    }
    if row.provider_type == GOOGLE:
        return {
            **common,
            "first_name": row.first_name,
            "last_name": row.last_name,
            "signature": row.signature,
            "redirect_email": row.redirect_email,
            "status": flag(active),
            "provider_type": GOOGLE,
            "created_at": laravel_timestamp(row.created_at),
            "updated_at": updated_at(row.updated_at, row.active_at, now),
        }
    return {
        **common,
        "redirect_email": row.redirect_email,
        "status": flag(active),
        "rate_limit": MAILBOX_RATE_LIMIT,
        "imap_host": f"mail.{domain_name}",
        "imap_port": IMAP_PORT,
        "smtp_host": f"mail.{domain_name}",
        "smtp_port": SMTP_PORT,
        "provider_type": SMTP,
        "created_at": laravel_timestamp(row.created_at),
        "updated_at": updated_at(row.updated_at, row.active_at, now),
    }


def job_view(job: MailinJobRow, data: list[object], now: float) -> dict[str, object]:
    name = "BatchAddDomain" if job.kind == "domain" else "BatchAddMailboxes"
    if now >= job.done_at:
        status, report = "completed", f"Job Completed - {name} completed"
    else:
        status, report = "pending", f"Job Created - {name} pending"
    return {"id": job.id, "status": status, "report": report, "data": data}


def _query_int(request: Request, name: str, default: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw.strip() == "":
        return default
    if not raw.strip().isdigit():
        raise invalid(name, f"The {name.replace('_', ' ')} field must be an integer.")
    value = int(raw)
    if value < 1:
        raise invalid(name, f"The {name.replace('_', ' ')} field must be at least 1.")
    if value > high:
        raise invalid(name, f"The {name.replace('_', ' ')} field must not be greater than {high}.")
    return value


def paginate(request: Request, items: list[dict[str, object]]) -> dict[str, object]:
    """Laravel's ``LengthAwarePaginator`` body for ``?page=&per_page=`` (default 15, at most 100).

    Page links keep the request's other query parameters (``name``, ``per_page``) after ``page``.
    """
    page = _query_int(request, "page", 1, 1_000_000)
    per_page = _query_int(request, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    total = len(items)
    last_page = max(1, math.ceil(total / per_page))
    start = (page - 1) * per_page
    chunk = items[start : start + per_page]
    path = str(request.url.replace(query="", fragment=""))
    kept = [(key, value) for key, value in request.query_params.multi_items() if key != "page"]

    def url(number: int) -> str:
        return f"{path}?{urlencode([('page', str(number)), *kept])}"

    return {
        "current_page": page,
        "data": chunk,
        "first_page_url": url(1),
        "from": start + 1 if chunk else None,
        "last_page": last_page,
        "last_page_url": url(last_page),
        "next_page_url": url(page + 1) if page < last_page else None,
        "path": path,
        "per_page": per_page,
        "prev_page_url": url(page - 1) if page > 1 else None,
        "to": start + len(chunk) if chunk else None,
        "total": total,
    }

"""What a Mailin.ai Azure order of the sandbox shows: its view, status and nameservers, the
mailboxes generated from full names, and its upload summary (all derived from the stored row and
the time, never stored)."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping

from pulumi_inboxed.sandbox.mailin.models_accounts import INBOX_PROVIDER, REGISTRAR, AccountRow
from pulumi_inboxed.sandbox.mailin.models_azure import AzureOrderRow
from pulumi_inboxed.sandbox.mailin.views import SANDBOX_USER_ID, account_view, laravel_timestamp

MASKED_PASSWORD = "******"
IN_PROGRESS = "in_progress"
READY = "ready"
UPLOAD_STEPS = 4


def azure_nameservers(order_id: int) -> tuple[str, ...]:
    """Azure DNS's four servers of one zone group (``ns1-07.azure-dns.com`` ...)."""
    group = f"{(order_id * 7) % 100:02d}"
    tlds = ("com", "net", "org", "info")
    return tuple(f"ns{i}-{group}.azure-dns.{tld}" for i, tld in enumerate(tlds, start=1))


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def generate_mailboxes(full_names: list[str], domain: str, count: int) -> list[tuple[str, str]]:
    """``count`` (name, address) pairs from the full names: the usual address patterns for each
    name in turn (john, john.doe, johndoe, jdoe, ...), then numbered ones."""
    people: list[tuple[str, str, str]] = []
    for full in full_names:
        words = [_ascii_word(w) for w in full.split()]
        words = [w for w in words if w]
        if words:
            people.append((full.strip(), words[0], words[-1] if len(words) > 1 else ""))
    if not people:
        people = [("Mailbox", "mailbox", "")]
    patterns = (
        "{f}",
        "{f}.{l}",
        "{f}{l}",
        "{fi}{l}",
        "{f}.{li}",
        "{fi}.{l}",
        "{l}.{f}",
        "{f}_{l}",
        "{l}{fi}",
        "{l}",
    )
    out: list[tuple[str, str]] = []
    seen: set[str] = set()

    def offer(name: str, local: str) -> None:
        if local and local not in seen and len(out) < count:
            seen.add(local)
            out.append((name, f"{local}@{domain}"))

    for pattern in patterns:
        for name, first, last in people:
            if "{l" in pattern and not last:
                continue
            offer(name, pattern.format(f=first, l=last, fi=first[:1], li=last[:1]))
    number = 1
    while len(out) < count:
        for name, first, last in people:
            offer(name, f"{first}.{last}{number}" if last else f"{first}{number}")
        number += 1
    return out


def order_status(row: AzureOrderRow, now: float) -> str:
    return READY if now >= row.ready_at else IN_PROGRESS


def upload_summary(row: AzureOrderRow, now: float, fail: str, taken: str) -> dict[str, int]:
    """The page's ``upload_status_summary``: the first done mailboxes are processed."""
    total = len(row.mailboxes)
    done = 0
    start, until = row.upload_from, row.upload_until
    if start is not None and until is not None and now >= start:
        if now >= until or until <= start:
            done = total
        else:
            steps = math.floor(UPLOAD_STEPS * (now - start) / (until - start))
            done = total * steps // UPLOAD_STEPS
    failed = exists = 0
    for mailbox in row.mailboxes[:done]:
        local = mailbox.username.rpartition("@")[0]
        if re.search(fail, local):
            failed += 1
        elif re.search(taken, local):
            exists += 1
    return {
        "total": total,
        "uploaded": done - failed - exists,
        "alreadyExistsOtherAccount": exists,
        "pending": total - done,
        "failed": failed,
    }


def order_view(
    row: AzureOrderRow, accounts: Mapping[int, AccountRow], *, mask: bool = True
) -> dict[str, object]:
    provider = accounts.get(row.provider_id) if row.provider_id is not None else None
    registrar = accounts.get(row.registrar_id) if row.registrar_id is not None else None
    return {
        "id": row.id,
        "user_id": SANDBOX_USER_ID,
        "full_name": list(row.full_name),
        "domain": row.domain,
        "mailbox_mode": row.mailbox_mode,
        "provider_id": row.provider_id,
        "domain_registrar_id": row.registrar_id,
        "is_purchase": int(row.is_purchase),
        "forward_to": row.forward_to,
        "created_at": laravel_timestamp(row.created_at),
        "updated_at": laravel_timestamp(row.updated_at),
        "provider": account_view(provider)
        if provider and provider.kind == INBOX_PROVIDER
        else None,
        "registrar": account_view(registrar) if registrar and registrar.kind == REGISTRAR else None,
        "mailboxes": [
            {
                "name": m.name,
                "username": m.username,
                "password": MASKED_PASSWORD if mask else m.password,
            }
            for m in row.mailboxes
        ],
    }

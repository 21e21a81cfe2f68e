"""Email verification with Mailin.ai, from plain Python: single addresses, lists, CSV files.

Each call checks the account's credits first and fails before starting when the verification
would cost more than is left, saying how many are needed and how many are left (one credit per
address, as the page's single-email example debits). Lists are sent 500 addresses a request (the
page's limit) and waited on through the task endpoint, bounded by `timeout`.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..core.errors import InboxedError, WaitTimeoutError
from ..core.polling import Deadline
from . import endpoints as ep
from .client import MailinClient
from .errors import InsufficientCreditsError
from .microsoft_models import BulkTask, SingleVerification
from .runtime import runtime_for


@dataclass
class VerificationSummary:
    """What a bulk verification found, summed over its tasks."""

    task_ids: list[str] = field(default_factory=list)
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, task: BulkTask) -> None:
        if task.task_id:
            self.task_ids.append(task.task_id)
        self.total += task.total_rows or 0
        for key, value in task.counts().items():
            self.counts[key] = self.counts.get(key, 0) + value


def _client(client: MailinClient | None, account: str | None = None) -> MailinClient:
    """`client`, else the client of `account` (None: the default account; a named one reads
    its entry of `MAILIN_ACCOUNTS`)."""
    return client if client is not None else runtime_for(None, account).client


def ensure_credits(client: MailinClient, needed: int) -> int:
    """Raises `InsufficientCreditsError` when `needed` is more than the balance; returns it."""
    left = client.get_credits()
    if needed > left:
        raise InsufficientCreditsError(needed, left)
    return left


def addresses_in_csv(text: str) -> list[str]:
    """Every cell that holds an address (a cell with an @), in order."""
    return [cell.strip() for row in csv.reader(io.StringIO(text)) for cell in row if "@" in cell]


def _wait_task(
    client: MailinClient, task_id: str, deadline: Deadline, poll_interval: float
) -> BulkTask:
    while True:
        task = client.get_bulk_task(task_id)
        if task.finished:
            return task
        if task.status == "failed":
            raise InboxedError(
                f"verification task {task_id} failed (credits refunded): {task.reason}"
            )
        if deadline.expired():
            raise WaitTimeoutError(f"verification task {task_id} still running: {task.message}")
        time.sleep(min(poll_interval, max(deadline.remaining(), 0.01)))


def verify_emails(
    addresses: Sequence[str],
    *,
    type_: str = "standard",
    timeout: float = 900,
    poll_interval: float = 2.0,
    client: MailinClient | None = None,
    account: str | None = None,
) -> VerificationSummary:
    """Verifies the addresses (500 a request) and returns the summed results."""
    c = _client(client, account)
    unique = list(dict.fromkeys(a.strip().lower() for a in addresses if a.strip()))
    ensure_credits(c, len(unique))
    deadline = Deadline.after(timeout)
    task_ids = [
        c.verify_bulk_emails(unique[i : i + ep.MAX_BULK_EMAILS], type_)
        for i in range(0, len(unique), ep.MAX_BULK_EMAILS)
    ]
    summary = VerificationSummary()
    for task_id in task_ids:
        summary.add(_wait_task(c, task_id, deadline, poll_interval))
    return summary


def verify_csv_file(
    filename: str,
    content: bytes,
    *,
    type_: str = "standard",
    timeout: float = 900,
    poll_interval: float = 2.0,
    client: MailinClient | None = None,
    account: str | None = None,
) -> VerificationSummary:
    """Uploads a CSV (at most 25 MB) for verification and returns its results."""
    c = _client(client, account)
    found = addresses_in_csv(content.decode("utf-8", errors="replace"))
    ensure_credits(c, len({a.lower() for a in found}))  # one credit per unique address
    task_id = c.verify_bulk_file(filename, content, type_)
    summary = VerificationSummary()
    summary.add(_wait_task(c, task_id, Deadline.after(timeout), poll_interval))
    return summary


def verify_email(
    address: str,
    *,
    type_: str = "standard",
    timeout: float = 120,
    poll_interval: float = 1.0,
    client: MailinClient | None = None,
    account: str | None = None,
) -> SingleVerification:
    c = _client(client, account)
    ensure_credits(c, 1)
    started = c.verify_single_email(address, type_)
    deadline = Deadline.after(timeout)
    result = started
    while result.status in (None, "verifying", "pending", "processing"):
        if deadline.expired():
            raise WaitTimeoutError(f"verification of {address!r} still running")
        time.sleep(min(poll_interval, max(deadline.remaining(), 0.01)))
        result = c.get_single_email(started.task_id)
    return result


def download_results(
    task_ids: Iterable[str],
    download_type: str,
    *,
    client: MailinClient | None = None,
    account: str | None = None,
) -> bytes:
    c = _client(client, account)
    return b"".join(c.download_verified_emails(t, download_type) for t in task_ids)

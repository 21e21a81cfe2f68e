"""Email verification with Mailin.ai, from plain Python: single addresses, lists, CSV files.

Each call checks the account's credits first and fails before starting when the verification
would cost more than is left, saying how many are needed and how many are left (one credit per
address, as the page's single-email example debits). Lists are sent 500 addresses a request (the
page's limit) and waited on through the task endpoint, bounded by `timeout`.

A verification costs credits, so one is never started twice. Its start (a POST) may fail after
Mailin.ai acted (a 5xx, a read timeout, a dropped connection), and Mailin.ai has no list of
verification tasks to find a lost one in: a task is read only by the id its start answered. What
the API does show is the credit history, where a started task is debited (the start itself is
refused with a 422 when the credits do not suffice, so the debit is made when the task starts).
So each start notes the newest credit-history entry first, and after such a failure
(`core.safe_write.write_once`) reads the history again:
- a new debit there: the verification probably started, but its task id is lost. It is NOT sent
  again; `VerificationNotConfirmedError` says what to check (the credit history, the tasks in
  Mailin.ai's dashboard) and names the tasks of the same call that did start.
- no new debit: it did not start, and it is sent again (at most `WritePolicy.attempts` times).
A debit made by something else on the account at the same moment reads as ours: the call then
stops rather than risk paying twice. A 429 or a refused connection (nothing sent) is retried by
the HTTP layer; the task reads are GETs, retried there too.
"""

from __future__ import annotations

import csv
import functools
import io
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from ..core.errors import InboxedError, WaitTimeoutError
from ..core.polling import Deadline
from ..core.safe_write import DEFAULT_WRITE_POLICY, WritePolicy, write_once
from . import endpoints as ep
from .client import MailinClient
from .errors import InsufficientCreditsError
from .microsoft_models import BulkTask, CreditEntry, SingleVerification
from .runtime import runtime_for

T = TypeVar("T")


class VerificationNotConfirmedError(InboxedError):
    """A verification's start failed, yet the credit history shows a new debit: it probably
    started, but its task id was lost. It was not sent again (a second start pays twice)."""

    def __init__(
        self,
        what: str,
        failure: str,
        debits: Sequence[CreditEntry],
        started: Sequence[str],
        account: str | None = None,
    ) -> None:
        self.debits = list(debits)
        self.started = list(started)
        entries = ", ".join(f"entry {e.id}: {e.debit} credits, {e.reason!r}" for e in debits)
        earlier = (
            f" Tasks this call started before it: {', '.join(started)} (their results: "
            "verification.download_results)."
            if started
            else ""
        )
        super().__init__(
            f"{_api(account)}: {what} failed ({failure}), and the account's credit history now "
            f"shows a new debit ({entries}): the verification probably started, but its task id "
            "was lost. It was not sent again, so nothing is paid twice. Check the credit history "
            "(mailin.credit_history) and the verification tasks in Mailin.ai's dashboard before "
            f"verifying these addresses again.{earlier}"
        )


def _api(account: str | None) -> str:
    return f"Mailin.ai account {account!r}" if account else "Mailin.ai"


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


def _newest_entry(client: MailinClient) -> int:
    """The id of the newest credit-history entry (0 for none); the history is read whole, its
    order not being fixed by the page."""
    return max((e.id for e in client.credit_history()), default=0)


def _start_once(
    client: MailinClient,
    what: str,
    start: Callable[[], T],
    *,
    policy: WritePolicy,
    started: Sequence[str] = (),
    account: str | None = None,
) -> T:
    """Starts a verification, never twice (see the module's docstring): after a transient
    failure, a new debit in the credit history ends the call with
    `VerificationNotConfirmedError`; none, and the start is sent again."""
    before = _newest_entry(client)
    failures: list[BaseException] = []

    def send() -> T:
        try:
            return start()
        except Exception as exc:
            failures.append(exc)
            raise

    def find() -> T | None:
        debits = [e for e in client.credit_history() if e.id > before and e.debit > 0]
        if debits:
            failure = str(failures[-1]) if failures else "no answer"
            raise VerificationNotConfirmedError(what, failure, debits, started, account)
        return None  # nothing debited: it did not start, and is sent again

    return write_once(what, send, find, policy=policy)


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
    write_policy: WritePolicy = DEFAULT_WRITE_POLICY,
) -> VerificationSummary:
    """Verifies the addresses (500 a request) and returns the summed results."""
    c = _client(client, account)
    unique = list(dict.fromkeys(a.strip().lower() for a in addresses if a.strip()))
    ensure_credits(c, len(unique))
    deadline = Deadline.after(timeout)
    task_ids: list[str] = []
    for i in range(0, len(unique), ep.MAX_BULK_EMAILS):
        batch = unique[i : i + ep.MAX_BULK_EMAILS]
        what = (
            f"{c.where(ep.VERIFY_BULK_EMAILS)} of addresses {i + 1}-{i + len(batch)} "
            f"of {len(unique)}"
        )
        task_ids.append(
            _start_once(
                c,
                what,
                functools.partial(c.verify_bulk_emails, batch, type_),
                policy=write_policy,
                started=list(task_ids),
                account=account,
            )
        )
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
    write_policy: WritePolicy = DEFAULT_WRITE_POLICY,
) -> VerificationSummary:
    """Uploads a CSV (at most 25 MB) for verification and returns its results."""
    c = _client(client, account)
    found = addresses_in_csv(content.decode("utf-8", errors="replace"))
    ensure_credits(c, len({a.lower() for a in found}))  # one credit per unique address
    task_id = _start_once(
        c,
        f"{c.where(ep.VERIFY_BULK_FILE)} of {filename}",
        lambda: c.verify_bulk_file(filename, content, type_),
        policy=write_policy,
        account=account,
    )
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
    write_policy: WritePolicy = DEFAULT_WRITE_POLICY,
) -> SingleVerification:
    c = _client(client, account)
    ensure_credits(c, 1)
    started = _start_once(
        c,
        f"{c.where(ep.VERIFY_SINGLE_EMAIL)} of one address",
        lambda: c.verify_single_email(address, type_),
        policy=write_policy,
        account=account,
    )
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

"""Mailin.ai's email verification and credit rules, over the account's store
(``models_verification.py``):

- Each unique address costs one credit, debited when the task starts; a task the account cannot
  pay for is refused (422, "You need N credits ..., but you only have M.") and debits nothing.
  A list holds at most ``MAX_BULK_EMAILS`` addresses.
- Tasks finish ``mailin_verify_seconds`` (scaled) after they start. A file without a column of
  addresses fails then, and its credits are refunded.
- Results are derived from the address, so tests can predict them: a local part starting with
  ``bad``, ``invalid`` or ``bounce`` (or no valid address) is invalid (``undeliverable`` in a
  catch-all check), ``risky`` risky, ``unknown`` unknown, a domain starting with ``catchall``
  catch-all; anything else is deliverable.
- A finished bulk task's results download as a CSV file named ``result-<task>-<kind>-<time>.csv``,
  found from that name in any account (a public link).

Raises ``SandboxApiError`` in Mailin.ai's terms (``validation.py``).
"""

from __future__ import annotations

import csv
import io
import re
import secrets

from pulumi_inboxed.mailin import endpoints
from pulumi_inboxed.sandbox.backend import Backend
from pulumi_inboxed.sandbox.mailin.models_verification import (
    BULK_TASK,
    SINGLE_TASK,
    CreditRow,
    VerificationStore,
    VerifyTaskRow,
)
from pulumi_inboxed.sandbox.mailin.validation import (
    email_problem,
    invalid,
    message_error,
    not_found,
)
from pulumi_inboxed.sandbox.tenants import acting_as

REFUNDED_MESSAGE = (
    "Your task could not be processed. The used credits have been refunded to your account."
)
NO_COLUMN_REASON = "Column with email addresses not found"
DOWNLOAD_RUNNING_MESSAGE = "Task is still in progress. Please try downloading once it is finished."
EMAIL_HEADERS = frozenset({"email", "e-mail", "email address", "emails", "mail"})
STANDARD_RESULTS = ("deliverable", "catch_all", "invalid", "unknown", "duplicate")
CATCH_ALL_RESULTS = ("deliverable", "catch_all", "risky", "undeliverable", "unknown")
RESULT_FILE_RE = re.compile(r"^result-(bulk_[0-9a-f]+)-([a-z_]+)-(\d+)\.csv$")


def classify(address: str, type_: str) -> str:
    """The result of one address (see the module docstring)."""
    text = address.strip().lower()
    local, _, domain = text.rpartition("@")
    standard = type_ == "standard"
    if email_problem(text) is not None or local.startswith(("bad", "invalid", "bounce")):
        return "invalid" if standard else "undeliverable"
    if local.startswith("risky"):
        return "unknown" if standard else "risky"
    if local.startswith("unknown"):
        return "unknown"
    if domain.startswith("catchall"):
        return "catch_all"
    return "deliverable"


def unique(rows: tuple[str, ...] | list[str]) -> list[str]:
    return list(dict.fromkeys(row.strip().lower() for row in rows if row.strip()))


def task_results(task: VerifyTaskRow) -> list[tuple[str, str]]:
    """(address, result) per row; repeated rows of a standard check are ``duplicate``."""
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for row in task.rows:
        key = row.strip().lower()
        if task.type == "standard" and key in seen:
            out.append((row, "duplicate"))
            continue
        seen.add(key)
        out.append((row, classify(row, task.type)))
    return out


def addresses_in_file(content: bytes) -> list[str] | None:
    """The cells of the address column (a header naming it, or the first column holding an @ in
    the first row); None when there is no such column."""
    text = content.decode("utf-8-sig", errors="replace")
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if not rows:
        return None
    header = [cell.strip().lower() for cell in rows[0]]
    column = next((i for i, cell in enumerate(header) if cell in EMAIL_HEADERS), None)
    if column is not None:
        data = rows[1:]
    else:
        column = next((i for i, cell in enumerate(rows[0]) if "@" in cell), None)
        data = rows
    if column is None:
        return None
    return [row[column].strip() for row in data if len(row) > column and row[column].strip()]


class MailinVerification(Backend[VerificationStore]):
    """The account's verification tasks and credits; settings and clock read per call."""

    def _initial(self) -> int:
        """The credits an account starts with (``mailin_credits``)."""
        return self.settings.mailin_credits

    def deadline(self, now: float) -> float:
        """When a task started now finishes: ``mailin_verify_seconds`` scaled."""
        return now + self.settings.scaled(self.settings.mailin_verify_seconds)

    def finished(self, task: VerifyTaskRow) -> bool:
        return self.clock() >= task.done_at

    def _start(self, task: VerifyTaskRow, what: str, reason: str) -> VerifyTaskRow:
        debit = self.store.start_task(task, reason, self._initial(), self.clock())
        if not debit.ok:
            raise message_error(
                422,
                f"You need {task.credits} credits to verify {what}, but you only have "
                f"{debit.balance}.",
            )
        return task

    def _task(self, task_id: str, kind: str) -> VerifyTaskRow:
        task = self.store.get_task(task_id, self._initial(), self.clock())
        if task is None or task.kind != kind:
            raise not_found("Task")
        return task

    # Starting tasks

    def verify_single(self, address: str, type_: str) -> VerifyTaskRow:
        """A task of one address (one credit)."""
        now = self.clock()
        task = VerifyTaskRow(
            id=secrets.token_hex(4),
            kind=SINGLE_TASK,
            type=type_,
            rows=(address,),
            credits=1,
            created_at=now,
            done_at=self.deadline(now),
        )
        return self._start(task, "this email", "Single email verification")

    def verify_bulk(self, rows: list[str], type_: str) -> VerifyTaskRow:
        """A task of a list (at most ``MAX_BULK_EMAILS``; one credit per unique address)."""
        if len(rows) > endpoints.MAX_BULK_EMAILS:
            raise message_error(
                422, f"You cannot verify more than {endpoints.MAX_BULK_EMAILS} emails at once."
            )
        now = self.clock()
        task = VerifyTaskRow(
            id=f"bulk_{secrets.token_hex(6)}",
            kind=BULK_TASK,
            type=type_,
            rows=tuple(rows),
            credits=len(unique(rows)),
            created_at=now,
            done_at=self.deadline(now),
        )
        return self._start(task, "these emails", "Bulk verification started")

    def verify_file(self, content: bytes, type_: str) -> VerifyTaskRow:
        """A task of a CSV file's address column; without one, charged per row, then failed
        (and refunded) when it finishes."""
        addresses = addresses_in_file(content)
        now = self.clock()
        if addresses is None:
            text = content.decode("utf-8-sig", errors="replace")
            rows = tuple(line for line in text.splitlines() if line.strip())
            reason: str | None = NO_COLUMN_REASON
            credits = len(rows)
        else:
            rows, reason, credits = tuple(addresses), None, len(unique(addresses))
        task = VerifyTaskRow(
            id=f"bulk_{secrets.token_hex(6)}",
            kind=BULK_TASK,
            type=type_,
            rows=rows,
            credits=credits,
            created_at=now,
            done_at=self.deadline(now),
            fail_reason=reason,
        )
        return self._start(task, "this file", "Bulk verification started")

    # Reading tasks

    def single(self, task_id: str) -> VerifyTaskRow:
        return self._task(task_id, SINGLE_TASK)

    def bulk(self, task_id: str) -> VerifyTaskRow:
        return self._task(task_id, BULK_TASK)

    def download(self, task_id: str, kind: str) -> str:
        """The name of the result file of a finished bulk task, for results of ``kind`` (one of
        the task type's results, or ``all``)."""
        task = self.bulk(task_id)
        allowed = (
            (*STANDARD_RESULTS, "all") if task.type == "standard" else (*CATCH_ALL_RESULTS, "all")
        )
        if kind not in allowed:
            raise invalid("download_type", "The selected download type is invalid.")
        now = self.clock()
        if now < task.done_at:
            raise message_error(422, DOWNLOAD_RUNNING_MESSAGE)
        if task.fail_reason is not None:
            raise message_error(422, REFUNDED_MESSAGE)
        return f"result-{task.id}-{kind}-{int(now)}.csv"

    def result_file(self, filename: str) -> str | None:
        """The CSV a result file name stands for (looked up in every account: a public link),
        or None."""
        match = RESULT_FILE_RE.fullmatch(filename)
        if match is None:
            return None
        task: VerifyTaskRow | None = None
        for name in self.settings.all_accounts():
            with acting_as(name):
                task = self.store.get_task(match.group(1), self._initial(), self.clock())
            if task is not None:
                break
        if task is None or task.fail_reason is not None:
            return None
        kind = match.group(2)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["email", "result"])
        for address, result in task_results(task):
            if kind in ("all", result):
                writer.writerow([address, result])
        return out.getvalue()

    # Credits

    def credits(self) -> int:
        return self.store.credits(self._initial(), self.clock())

    def credit_history(self) -> list[CreditRow]:
        return self.store.credit_history(self._initial(), self.clock())

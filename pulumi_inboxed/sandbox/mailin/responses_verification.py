"""Mailin.ai email verification and credits: single and bulk verification (a comma-separated
list, at most 500; or a CSV file, at most 25 MB), task details, result downloads, the credit
balance and its history.

- Each unique address costs one credit, debited when the task starts; a task the account cannot
  pay for is refused (422, "You need N credits ..., but you only have M.") and debits nothing.
- Tasks finish ``mailin_verify_seconds`` (scaled) after they start. A file without a column of
  addresses fails then, and its credits are refunded ("Your task could not be processed. The used
  credits have been refunded to your account.").
- Results are derived from the address, so tests can predict them: a local part starting with
  ``bad``, ``invalid`` or ``bounce`` (or no valid address) is invalid (``undeliverable`` in a
  catch-all check), ``risky`` risky, ``unknown`` unknown, a domain starting with ``catchall``
  catch-all; anything else is deliverable.
- Downloads answer a ``download_url`` under ``/storage/tmp/`` (as the page's example), served
  by this sandbox without auth, the CSV derived from the task.
"""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
from collections import Counter
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from pulumi_inboxed.mailin import endpoints
from pulumi_inboxed.sandbox.accounts import acting_as
from pulumi_inboxed.sandbox.context import SandboxContext
from pulumi_inboxed.sandbox.mailin.common import message, route
from pulumi_inboxed.sandbox.mailin.models_verification import (
    BULK_TASK,
    SINGLE_TASK,
    VerifyTaskRow,
)
from pulumi_inboxed.sandbox.mailin.validation import (
    Checker,
    email_problem,
    message_error,
    not_found,
)
from pulumi_inboxed.sandbox.mailin.views import laravel_timestamp, paginate

RUNNING_MESSAGE = (
    "Email verification is still in progress. Please check the status after some time."
)
REFUNDED_MESSAGE = (
    "Your task could not be processed. The used credits have been refunded to your account."
)
NO_COLUMN_REASON = "Column with email addresses not found"
DOWNLOAD_RUNNING_MESSAGE = "Task is still in progress. Please try downloading once it is finished."
EMAIL_HEADERS = frozenset({"email", "e-mail", "email address", "emails", "mail"})
STANDARD_RESULTS = ("deliverable", "catch_all", "invalid", "unknown", "duplicate")
CATCH_ALL_RESULTS = ("deliverable", "catch_all", "risky", "undeliverable", "unknown")
SCORES = {
    "deliverable": 95,
    "catch_all": 60,
    "risky": 40,
    "unknown": 30,
    "invalid": 0,
    "undeliverable": 0,
}
STORAGE_PREFIX = "/storage/tmp"
RESULT_FILE_RE = re.compile(r"^result-(bulk_[0-9a-f]+)-([a-z_]+)-(\d+)\.csv$")
MAX_FILE_KILOBYTES = endpoints.MAX_BULK_FILE_BYTES // 1024


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


def bulk_view(task: VerifyTaskRow) -> dict[str, object]:
    counts = Counter(result for _, result in task_results(task))
    keys = STANDARD_RESULTS if task.type == "standard" else CATCH_ALL_RESULTS
    return {
        "task_id": task.id,
        "created_at": laravel_timestamp(task.created_at).replace("T", " ")[:19],
        "total_rows": len(task.rows),
        "status": "finished",
        **{key: counts.get(key, 0) for key in keys},
    }


def single_view(task: VerifyTaskRow, now: float) -> dict[str, object]:
    address = task.rows[0]
    done = now >= task.done_at
    result = classify(address, task.type) if done else None
    return {
        "task_id": task.id,
        "email": address,
        "status": "success" if done else "verifying",
        "result": result,
        "score": SCORES[result] if result is not None else None,
        "credits_used": task.credits,
    }


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


async def form_fields(request: Request) -> tuple[dict[str, object], dict[str, tuple[str, bytes]]]:
    """A form (multipart or urlencoded) or a JSON object: (fields, files by name)."""
    content_type = request.headers.get("content-type", "")
    body = await request.body()
    if content_type.startswith("multipart/form-data"):
        head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
        parsed = BytesParser(policy=HTTP).parsebytes(head + body)
        fields: dict[str, object] = {}
        files: dict[str, tuple[str, bytes]] = {}
        for part in parsed.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not isinstance(name, str):
                continue
            payload = part.get_payload(decode=True)
            raw = payload if isinstance(payload, bytes) else b""
            filename = part.get_filename()
            if filename is not None:
                files[name] = (filename, raw)
            else:
                fields[name] = raw.decode("utf-8", errors="replace")
        return fields, files
    if content_type.startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(body.decode("utf-8", errors="replace"))), {}
    try:
        data: object = json.loads(body) if body.strip() else {}
    except ValueError:
        data = {}
    return (data if isinstance(data, dict) else {}), {}


def add_verification_routes(router: APIRouter, storage: APIRouter, ctx: SandboxContext) -> None:
    """Register verification and credit routes on ``router`` and the result files on
    ``storage`` (no prefix, no auth)."""
    store = ctx.store.mailin.verification

    def initial() -> int:
        return ctx.settings.mailin_credits

    def verify_type(checker: Checker) -> str | None:
        value = checker.string("type", checker.data.get("type"))
        if value is not None and value not in endpoints.VERIFICATION_TYPES:
            checker.fail("type", "The selected type is invalid.")
            return None
        return value

    def start(task: VerifyTaskRow, what: str, reason: str) -> None:
        debit = store.start_task(task, reason, initial(), ctx.clock())
        if not debit.ok:
            raise message_error(
                422,
                f"You need {task.credits} credits to verify {what}, but you only have "
                f"{debit.balance}.",
            )

    def deadline(now: float) -> float:
        return now + ctx.settings.scaled(ctx.settings.mailin_verify_seconds)

    def task_id_param(request: Request) -> str:
        checker = Checker(dict(request.query_params))
        task_id = checker.string("task_id", checker.data.get("task_id"))
        checker.done()
        assert task_id is not None
        return task_id.strip()

    def finished_bulk(task_id: str) -> VerifyTaskRow:
        task = store.get_task(task_id, initial(), ctx.clock())
        if task is None or task.kind != BULK_TASK:
            raise not_found("Task")
        return task

    @route(router, endpoints.VERIFY_SINGLE_EMAIL, status_code=210)
    async def verify_single_email(request: Request) -> JSONResponse:
        fields, _ = await form_fields(request)
        checker = Checker(fields)
        address = checker.email("email", fields.get("email"))
        type_ = verify_type(checker)
        checker.done()
        assert address is not None and type_ is not None
        now = ctx.clock()
        task = VerifyTaskRow(
            id=secrets.token_hex(4),
            kind=SINGLE_TASK,
            type=type_,
            rows=(address,),
            credits=1,
            created_at=now,
            done_at=deadline(now),
        )
        start(task, "this email", "Single email verification")
        view = single_view(task, ctx.clock())
        done = view["status"] == "success"
        text = "Verification complete." if done else "Verification started."
        # The page's example spells it "credit_used" here and "credits_used" in the detail.
        view["credit_used"] = view.pop("credits_used")
        return JSONResponse({"message": text, **view}, status_code=210)

    @route(router, endpoints.GET_SINGLE_EMAIL)
    async def get_single_email(request: Request) -> JSONResponse:
        task = store.get_task(task_id_param(request), initial(), ctx.clock())
        if task is None or task.kind != SINGLE_TASK:
            raise not_found("Task")
        return JSONResponse(single_view(task, ctx.clock()))

    @route(router, endpoints.VERIFY_BULK_EMAILS, status_code=210)
    async def verify_bulk_emails(request: Request) -> JSONResponse:
        fields, _ = await form_fields(request)
        checker = Checker(fields)
        raw = checker.string("emails", fields.get("emails"), max_length=None)
        type_ = verify_type(checker)
        rows = [item.strip() for item in (raw or "").split(",") if item.strip()]
        if raw is not None and not rows:
            checker.fail("emails", "The emails field is required.")
        checker.done()
        if len(rows) > endpoints.MAX_BULK_EMAILS:
            raise message_error(
                422, f"You cannot verify more than {endpoints.MAX_BULK_EMAILS} emails at once."
            )
        assert type_ is not None
        now = ctx.clock()
        task = VerifyTaskRow(
            id=f"bulk_{secrets.token_hex(6)}",
            kind=BULK_TASK,
            type=type_,
            rows=tuple(rows),
            credits=len(unique(rows)),
            created_at=now,
            done_at=deadline(now),
        )
        start(task, "these emails", "Bulk verification started")
        return message(
            "Your verification has started and is currently in progress.", 210, task_id=task.id
        )

    @route(router, endpoints.VERIFY_BULK_FILE, status_code=210)
    async def verify_bulk_file(request: Request) -> JSONResponse:
        fields, files = await form_fields(request)
        checker = Checker(fields)
        upload = files.get("file")
        if upload is None:
            checker.fail("file", "The file field is required.")
        else:
            filename, content = upload
            extension = filename.rpartition(".")[2].lower()
            if extension not in ("csv", "xlsx", "txt"):
                checker.fail("file", "The file field must be a file of type: csv, xlsx.")
            elif len(content) > endpoints.MAX_BULK_FILE_BYTES:
                checker.fail(
                    "file",
                    f"The file field must not be greater than {MAX_FILE_KILOBYTES} kilobytes.",
                )
            elif extension == "xlsx":
                checker.fail("file", "The sandbox reads CSV files only: send the list as a CSV.")
        type_ = verify_type(checker)
        checker.done()
        assert upload is not None and type_ is not None
        addresses = addresses_in_file(upload[1])
        now = ctx.clock()
        if addresses is None:  # accepted, charged per row, then failed and refunded
            text = upload[1].decode("utf-8-sig", errors="replace")
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
            done_at=deadline(now),
            fail_reason=reason,
        )
        start(task, "this file", "Bulk verification started")
        return message(
            "Your file has been uploaded and verification has started.", 210, task_id=task.id
        )

    @route(router, endpoints.GET_BULK_TASK)
    async def get_bulk_task(request: Request) -> JSONResponse:
        task = finished_bulk(task_id_param(request))
        if ctx.clock() < task.done_at:
            return message(RUNNING_MESSAGE)
        if task.fail_reason is not None:
            return message(REFUNDED_MESSAGE, reason=task.fail_reason)
        return JSONResponse(bulk_view(task))

    @route(router, endpoints.DOWNLOAD_VERIFIED_EMAILS)
    async def download_verified_emails(request: Request) -> JSONResponse:
        fields, _ = await form_fields(request)
        checker = Checker(fields)
        task_id = checker.string("task_id", fields.get("task_id"))
        kind = checker.string("download_type", fields.get("download_type"))
        checker.done()
        assert task_id is not None and kind is not None
        task = finished_bulk(task_id.strip())
        allowed = (
            (*STANDARD_RESULTS, "all") if task.type == "standard" else (*CATCH_ALL_RESULTS, "all")
        )
        if kind not in allowed:
            checker.fail("download_type", "The selected download type is invalid.")
            checker.done()
        now = ctx.clock()
        if now < task.done_at:
            raise message_error(422, DOWNLOAD_RUNNING_MESSAGE)
        if task.fail_reason is not None:
            raise message_error(422, REFUNDED_MESSAGE)
        root = str(request.base_url).rstrip("/")
        name = f"result-{task.id}-{kind}-{int(now)}.csv"
        return JSONResponse({"download_url": f"{root}{STORAGE_PREFIX}/{name}"})

    @route(router, endpoints.CREDIT_HISTORY)
    async def credit_history(request: Request) -> JSONResponse:
        rows = store.credit_history(initial(), ctx.clock())
        views: list[dict[str, object]] = [
            {
                "id": row.id,
                "reason": row.reason,
                "credit": row.credit,
                "debit": row.debit,
                "total_credit": row.total_credit,
            }
            for row in rows
        ]
        return JSONResponse(paginate(request, views))

    @route(router, endpoints.GET_CREDITS)
    async def get_credits() -> JSONResponse:
        return JSONResponse({"total_credits": store.credits(initial(), ctx.clock())})

    @storage.get(STORAGE_PREFIX + "/{filename}")
    async def result_file(filename: str) -> Response:
        match = RESULT_FILE_RE.fullmatch(filename)
        task: VerifyTaskRow | None = None
        # A public link (no credential): the task is looked up in every account.
        for name in ctx.settings.all_accounts() if match is not None else ():
            with acting_as(name):
                task = store.get_task(match.group(1), initial(), ctx.clock()) if match else None
            if task is not None:
                break
        if match is None or task is None or task.fail_reason is not None:
            return JSONResponse({"message": "File not found."}, status_code=404)
        kind = match.group(2)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["email", "result"])
        for address, result in task_results(task):
            if kind in ("all", result):
                writer.writerow([address, result])
        return Response(out.getvalue(), media_type="text/csv")

"""Mailin.ai email verification and credit routes: single and bulk verification (a
comma-separated list, at most 500; or a CSV file, at most 25 MB), task details, result downloads,
the credit balance and its history. The rules (credits, timers, results) are in
``models_tasks.py``; downloads answer a ``download_url`` under ``/storage/tmp/`` (as the page's
example), served by this sandbox without auth.
"""

from __future__ import annotations

import json
from collections import Counter
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from pulumi_inboxed.mailin import endpoints
from pulumi_inboxed.sandbox.mailin.common import message, route
from pulumi_inboxed.sandbox.mailin.models import MailinBackend
from pulumi_inboxed.sandbox.mailin.models_tasks import (
    CATCH_ALL_RESULTS,
    REFUNDED_MESSAGE,
    STANDARD_RESULTS,
    classify,
    task_results,
)
from pulumi_inboxed.sandbox.mailin.models_verification import VerifyTaskRow
from pulumi_inboxed.sandbox.mailin.validation import Checker
from pulumi_inboxed.sandbox.mailin.views import laravel_timestamp, paginate

RUNNING_MESSAGE = (
    "Email verification is still in progress. Please check the status after some time."
)
SCORES = {
    "deliverable": 95,
    "catch_all": 60,
    "risky": 40,
    "unknown": 30,
    "invalid": 0,
    "undeliverable": 0,
}
STORAGE_PREFIX = "/storage/tmp"
MAX_FILE_KILOBYTES = endpoints.MAX_BULK_FILE_BYTES // 1024


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


def add_verification_routes(router: APIRouter, storage: APIRouter, backend: MailinBackend) -> None:
    """Register verification and credit routes on ``router`` and the result files on
    ``storage`` (no prefix, no auth)."""
    verification = backend.verification

    def verify_type(checker: Checker) -> str | None:
        value = checker.string("type", checker.data.get("type"))
        if value is not None and value not in endpoints.VERIFICATION_TYPES:
            checker.fail("type", "The selected type is invalid.")
            return None
        return value

    def task_id_param(request: Request) -> str:
        checker = Checker(dict(request.query_params))
        task_id = checker.string("task_id", checker.data.get("task_id"))
        checker.done()
        assert task_id is not None
        return task_id.strip()

    @route(router, endpoints.VERIFY_SINGLE_EMAIL, status_code=210)
    async def verify_single_email(request: Request) -> JSONResponse:
        fields, _ = await form_fields(request)
        checker = Checker(fields)
        address = checker.email("email", fields.get("email"))
        type_ = verify_type(checker)
        checker.done()
        assert address is not None and type_ is not None
        task = verification.verify_single(address, type_)
        view = single_view(task, backend.clock())
        done = view["status"] == "success"
        text = "Verification complete." if done else "Verification started."
        # The page's example spells it "credit_used" here and "credits_used" in the detail.
        view["credit_used"] = view.pop("credits_used")
        return JSONResponse({"message": text, **view}, status_code=210)

    @route(router, endpoints.GET_SINGLE_EMAIL)
    async def get_single_email(request: Request) -> JSONResponse:
        task = verification.single(task_id_param(request))
        return JSONResponse(single_view(task, backend.clock()))

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
        assert type_ is not None
        task = verification.verify_bulk(rows, type_)
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
        task = verification.verify_file(upload[1], type_)
        return message(
            "Your file has been uploaded and verification has started.", 210, task_id=task.id
        )

    @route(router, endpoints.GET_BULK_TASK)
    async def get_bulk_task(request: Request) -> JSONResponse:
        task = verification.bulk(task_id_param(request))
        if not verification.finished(task):
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
        name = verification.download(task_id.strip(), kind)
        root = str(request.base_url).rstrip("/")
        return JSONResponse({"download_url": f"{root}{STORAGE_PREFIX}/{name}"})

    @route(router, endpoints.CREDIT_HISTORY)
    async def credit_history(request: Request) -> JSONResponse:
        views: list[dict[str, object]] = [
            {
                "id": row.id,
                "reason": row.reason,
                "credit": row.credit,
                "debit": row.debit,
                "total_credit": row.total_credit,
            }
            for row in verification.credit_history()
        ]
        return JSONResponse(paginate(request, views))

    @route(router, endpoints.GET_CREDITS)
    async def get_credits() -> JSONResponse:
        return JSONResponse({"total_credits": verification.credits()})

    @storage.get(STORAGE_PREFIX + "/{filename}")
    async def result_file(filename: str) -> Response:
        content = verification.result_file(filename)
        if content is None:
            return JSONResponse({"message": "File not found."}, status_code=404)
        return Response(content, media_type="text/csv")

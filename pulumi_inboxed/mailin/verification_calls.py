"""Mailin.ai email verification and credits; with the Microsoft calls, mixed into `MailinClient`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import endpoints as ep
from .microsoft_calls import MicrosoftCalls
from .microsoft_models import BulkTask, CreditEntry, SingleVerification

VERIFICATION_TYPES = ("standard", "catch_all")  # the page's list of values was not captured: ours


class VerificationCalls(MicrosoftCalls):
    def get_credits(self) -> int:
        return int(self._call(ep.GET_CREDITS)["total_credits"])

    def credit_history(self) -> list[CreditEntry]:
        return self._pages(ep.CREDIT_HISTORY, CreditEntry)

    def verify_single_email(self, email: str, type_: str = "standard") -> SingleVerification:
        data = self._call(ep.VERIFY_SINGLE_EMAIL, json={"email": email, "type": type_})
        return SingleVerification.model_validate(data)

    def get_single_email(self, task_id: str) -> SingleVerification:
        data = self._call(ep.GET_SINGLE_EMAIL, params={"task_id": task_id})
        return SingleVerification.model_validate(data)

    def verify_bulk_emails(self, emails: Sequence[str], type_: str = "standard") -> str:
        """Up to 500 addresses in one request (the page's limit); returns the task id."""
        if not 1 <= len(emails) <= ep.MAX_BULK_EMAILS:
            raise ValueError(f"1 to {ep.MAX_BULK_EMAILS} addresses a request, got {len(emails)}")
        form = {"emails": ",".join(emails), "type": type_}
        return str(self._call(ep.VERIFY_BULK_EMAILS, data=form)["task_id"])

    def verify_bulk_file(self, filename: str, content: bytes, type_: str = "standard") -> str:
        """A CSV or XLSX of at most 25 MB; returns the task id."""
        if len(content) > ep.MAX_BULK_FILE_BYTES:
            raise ValueError(f"{filename} is {len(content)} bytes; at most 25 MB")
        files = {"file": (filename, content)}
        return str(self._call(ep.VERIFY_BULK_FILE, data={"type": type_}, files=files)["task_id"])

    def get_bulk_task(self, task_id: str) -> BulkTask:
        """The task; `status` "pending" while the API says it is still running, "failed" when
        it could not be processed (credits refunded, `reason` says why)."""
        data: dict[str, Any] = self._call(ep.GET_BULK_TASK, params={"task_id": task_id})
        if "status" not in data:
            message = str(data.get("message", ""))
            status = "failed" if "refund" in message.lower() or "reason" in data else "pending"
            data = {**data, "status": status, "task_id": task_id}
        return BulkTask.model_validate(data)

    def download_verified_emails(self, task_id: str, download_type: str) -> bytes:
        response = self._call(
            ep.DOWNLOAD_VERIFIED_EMAILS,
            json={"task_id": task_id, "download_type": download_type},
            raw=True,
        )
        content: bytes = response.content
        return content


__all__ = ["VERIFICATION_TYPES", "VerificationCalls"]

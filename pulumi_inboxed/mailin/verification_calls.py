"""Mailin.ai email verification and credits; with the Microsoft calls, mixed into `MailinClient`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..core.errors import UnprocessableError
from . import endpoints as ep
from .endpoints import VERIFICATION_TYPES
from .errors import credits_error
from .microsoft_calls import MicrosoftCalls
from .microsoft_models import BulkTask, CreditEntry, SingleVerification


class VerificationCalls(MicrosoftCalls):
    def get_credits(self) -> int:
        return int(self._call(ep.GET_CREDITS)["total_credits"])

    def credit_history(self) -> list[CreditEntry]:
        return self._pages(ep.CREDIT_HISTORY, CreditEntry)

    def _start(self, endpoint: ep.Endpoint, **kw: Any) -> Any:
        """A verification request; Mailin.ai's "You need N credits" 422 becomes
        `InsufficientCreditsError`."""
        try:
            return self._call(endpoint, **kw)
        except UnprocessableError as exc:
            refused = credits_error(exc)
            if refused is not None:
                raise refused from None
            raise

    def verify_single_email(self, email: str, type_: str = "standard") -> SingleVerification:
        data = self._start(ep.VERIFY_SINGLE_EMAIL, json={"email": email, "type": type_})
        return SingleVerification.model_validate(data)

    def get_single_email(self, task_id: str) -> SingleVerification:
        data = self._call(ep.GET_SINGLE_EMAIL, params={"task_id": task_id})
        return SingleVerification.model_validate(data)

    def verify_bulk_emails(self, emails: Sequence[str], type_: str = "standard") -> str:
        """Up to 500 addresses in one request (the page's limit); returns the task id."""
        if not 1 <= len(emails) <= ep.MAX_BULK_EMAILS:
            raise ValueError(f"1 to {ep.MAX_BULK_EMAILS} addresses a request, got {len(emails)}")
        form = {"emails": ",".join(emails), "type": type_}
        return str(self._start(ep.VERIFY_BULK_EMAILS, data=form)["task_id"])

    def verify_bulk_file(self, filename: str, content: bytes, type_: str = "standard") -> str:
        """A CSV or XLSX of at most 25 MB; returns the task id."""
        if len(content) > ep.MAX_BULK_FILE_BYTES:
            raise ValueError(f"{filename} is {len(content)} bytes; at most 25 MB")
        files = {"file": (filename, content)}
        data = self._start(ep.VERIFY_BULK_FILE, data={"type": type_}, files=files)
        return str(data["task_id"])

    def get_bulk_task(self, task_id: str) -> BulkTask:
        """The task; `status` "pending" while the API says it is still running, "failed" when
        it could not be processed (credits refunded, `reason` says why)."""
        data: dict[str, Any] = self._call(ep.GET_BULK_TASK, params={"task_id": task_id})
        if "status" not in data:
            message = str(data.get("message", ""))
            status = "failed" if "refund" in message.lower() or "reason" in data else "pending"
            data = {**data, "status": status, "task_id": task_id}
        return BulkTask.model_validate(data)

    def download_url(self, task_id: str, download_type: str) -> str:
        """The link to a finished bulk task's results (a form, as the page's example sends)."""
        form = {"task_id": task_id, "download_type": download_type}
        return str(self._call(ep.DOWNLOAD_VERIFIED_EMAILS, data=form)["download_url"])

    def download_verified_emails(self, task_id: str, download_type: str) -> bytes:
        """The results file itself: fetched from `download_url` without the API token (the link
        is a storage link; the token is never sent to a host the answer named)."""
        response = self._fetch(self.download_url(task_id, download_type))
        content: bytes = response.content
        return content

    def _fetch(self, url: str) -> Any:
        raise NotImplementedError


__all__ = ["VERIFICATION_TYPES", "VerificationCalls"]

"""The Pingram backend: the account's sender domains (``models_store.py``) and the API's rules.

``PingramBackend`` raises ``SandboxApiError`` (rendered in Pingram's error shape by ``errors.py``)
and acts on the account being served, so tests can drive it without HTTP.
"""

from __future__ import annotations

import base64
import re
import secrets
import textwrap

from pulumi_inboxed.core.domains import DomainNameError, normalize_domain
from pulumi_inboxed.sandbox.backend import Backend
from pulumi_inboxed.sandbox.pingram.errors import UPSTREAM, fail
from pulumi_inboxed.sandbox.pingram.models_store import PingramDomainRow, PingramStore


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


def sender_of(raw: object) -> str:
    """The sender domain of an add request, normalized; 400 when it is none."""
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


class PingramBackend(Backend[PingramStore]):
    """Pingram's rules over the account's store; settings and clock read per call."""

    def domains(self) -> list[PingramDomainRow]:
        return self.store.all()

    def outcome(self, sender: str) -> str:
        """How verification of ``sender`` ends (the settings' name patterns)."""
        settings = self.settings
        if re.search(settings.pingram_fail_pattern, sender):
            return "FAILED"
        if re.search(settings.pingram_temporary_failure_pattern, sender):
            return "TEMPORARY_FAILURE"
        return "SUCCESS"

    def provider_check(self, sender: str) -> None:
        if re.search(self.settings.pingram_provider_error_pattern, sender):
            raise fail(
                502,
                "PROVIDER_ERROR",
                f"The email provider refused sender domain {sender!r}",
                fix="Check the domain at your email provider, then try again.",
                provider=UPSTREAM,
                provider_code="InvalidParameterValue",
            )

    def deadlines(self) -> tuple[float, float]:
        now = self.clock()
        return now, now + self.settings.scaled(self.settings.pingram_verify_seconds)

    def known(self, sender: str) -> PingramDomainRow:
        row = self.store.get(sender.strip().lower().rstrip("."))
        if row is None:
            raise fail(
                404,
                "NOT_FOUND",
                f"Sender domain {sender!r} not found",
                fix="List the account's domains with GET /domains.",
            )
        return row

    def add(self, raw_sender: object) -> PingramDomainRow:
        """Add a sender domain (verification starts unless the settings say otherwise)."""
        sender = sender_of(raw_sender)
        if self.store.get(sender) is not None:
            raise fail(
                400,
                "DOMAIN_ALREADY_EXISTS",
                f"Sender domain {sender!r} is already added",
                fix="Use the existing domain, or delete it first.",
            )
        self.provider_check(sender)
        started, done = self.deadlines()
        settings = self.settings
        verify = settings.pingram_add_starts_verification
        row = PingramDomainRow(
            sender=sender,
            created_at=started,
            outcome=self.outcome(sender),
            selector="pingram" + secrets.token_hex(3),
            dkim_key=fake_dkim_key(),
            tokens=tuple(secrets.token_hex(16) for _ in range(3)),
            verify_started_at=started if verify else None,
            verify_done_at=done if verify else None,
        )
        if not self.store.add(row, settings.pingram_domain_limit):
            raise fail(
                402,
                "USAGE_LIMIT_EXCEEDED",
                f"The plan allows {settings.pingram_domain_limit} sender domains",
                fix="Upgrade your plan or remove a sender domain.",
            )
        return row

    def start_verification(self, sender: str) -> None:
        """Start (again) a verification that is not PENDING or SUCCESS."""
        row = self.known(sender)
        self.provider_check(row.sender)
        status, _, _ = status_of(row, self.clock())
        if status not in ("PENDING", "SUCCESS"):  # NOT_STARTED, FAILED, TEMPORARY_FAILURE
            started, done = self.deadlines()
            self.store.start_verification(row.sender, started, done, self.outcome(row.sender))

    def delete(self, sender: str) -> None:
        self.store.remove(self.known(sender).sender)

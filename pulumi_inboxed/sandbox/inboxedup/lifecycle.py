"""Status of domains and mailbox requests, derived from stored deadlines and the clock."""

from __future__ import annotations

from pulumi_inboxed.sandbox.inboxedup.models_store import DomainRow, MailboxRequestRow
from pulumi_inboxed.sandbox.settings import SandboxSettings

QUEUED = "QUEUED"
PENDING_NS = "PENDING_NS"
ACTIVE = "ACTIVE"
FAILED = "FAILED"
DOMAIN_STATUSES: tuple[str, ...] = (QUEUED, PENDING_NS, ACTIVE, FAILED)

PENDING = "PENDING"
IN_PROGRESS = "IN_PROGRESS"
COMPLETED = "COMPLETED"
MAILBOX_STATUSES: tuple[str, ...] = (PENDING, IN_PROGRESS, COMPLETED, FAILED)

FAIL_PATTERN_REASON = "registrar rejected the domain (sandbox fail_pattern)"
FORCED_FAILURE_REASON = "failed (forced by the sandbox)"
COMPLETED_NOTES = "Mailboxes provisioned successfully."
FAILED_NOTES = "Mailbox request failed."


def domain_deadlines(settings: SandboxSettings, now: float) -> tuple[float, float]:
    """``(pending_at, active_at)`` for a domain created now."""
    pending_at = now + settings.scaled(settings.queued_seconds)
    return pending_at, pending_at + settings.scaled(settings.pending_ns_seconds)


def mailbox_deadlines(settings: SandboxSettings, now: float) -> tuple[float, float]:
    """``(in_progress_at, completed_at)`` for a mailbox request created now."""
    in_progress_at = now + settings.scaled(settings.mailbox_pending_seconds)
    return in_progress_at, in_progress_at + settings.scaled(settings.mailbox_in_progress_seconds)


def natural_domain_status(row: DomainRow, now: float) -> str:
    """The status the timers alone give."""
    if now < row.pending_at:
        return QUEUED
    if row.fail_reason is not None:
        return FAILED
    if now < row.active_at:
        return PENDING_NS
    return ACTIVE


def domain_status(row: DomainRow, now: float) -> str:
    return row.forced_status or natural_domain_status(row, now)


def domain_failure_reason(row: DomainRow, now: float) -> str | None:
    if domain_status(row, now) != FAILED:
        return None
    if row.forced_status is not None:
        return row.forced_reason or FORCED_FAILURE_REASON
    return row.fail_reason


def has_nameservers(row: DomainRow, now: float) -> bool:
    """A domain gets its pair when it leaves QUEUED; one that failed out of QUEUED never got one."""
    status = domain_status(row, now)
    if status == QUEUED:
        return False
    return bool({status, natural_domain_status(row, now)} & {PENDING_NS, ACTIVE})


def mailbox_status(row: MailboxRequestRow, now: float) -> str:
    if row.forced_status is not None:
        return row.forced_status
    if now < row.in_progress_at:
        return PENDING
    if now < row.completed_at:
        return IN_PROGRESS
    return COMPLETED


def mailbox_admin_notes(row: MailboxRequestRow, now: float) -> str | None:
    status = mailbox_status(row, now)
    if row.forced_status is not None and row.forced_reason:
        return row.forced_reason
    if status == COMPLETED:
        return COMPLETED_NOTES
    if status == FAILED:
        return FAILED_NOTES
    return None

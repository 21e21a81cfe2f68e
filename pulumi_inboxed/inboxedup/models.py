"""Pydantic models of InboxedUp's JSON (see docs/inboxedup-api.md for which shapes are ours)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")


class DomainStatus(StrEnum):
    QUEUED = "QUEUED"
    PENDING_NS = "PENDING_NS"
    ACTIVE = "ACTIVE"
    FAILED = "FAILED"


def _upper_status(value: Any) -> Any:
    """`pending_ns`, `Pending NS` or `PENDING-NS` read as `PENDING_NS` (no page fixes the case)."""
    if isinstance(value, str):
        return value.strip().upper().replace(" ", "_").replace("-", "_")
    return value


class Domain(_Model):
    """A domain; the name may come as `domain`, `name` or `domainName` (list shapes are ours)."""

    id: str = Field(validation_alias=AliasChoices("id", "domainId", "domain_id"))
    domain: str = Field(validation_alias=AliasChoices("domain", "name", "domainName"))
    status: DomainStatus
    batch_id: str | None = Field(default=None, validation_alias=AliasChoices("batchId", "batch_id"))

    _status = field_validator("status", mode="before")(_upper_status)
    ns1: str | None = None
    ns2: str | None = None
    failure_reason: str | None = Field(default=None, alias="failureReason")
    created_at: str | None = Field(default=None, alias="createdAt")


class RejectedDomain(_Model):
    domain: str
    reason: str
    existing_id: str | None = Field(default=None, alias="existingId")


class SubmitDomainsResult(_Model):
    batch_id: str = Field(alias="batchId")
    domains: list[Domain] = []
    rejected: list[RejectedDomain] = []


class BatchDomain(_Model):
    id: str
    domain: str
    status: DomainStatus

    _status = field_validator("status", mode="before")(_upper_status)
    created_at: str | None = Field(default=None, alias="createdAt")
    failure_reason: str | None = Field(default=None, alias="failureReason")


class NsGroup(_Model):
    ns1: str | None = None
    ns2: str | None = None
    domains: list[BatchDomain] = []


class BatchStatus(_Model):
    batch_id: str = Field(alias="batchId")
    status: str
    total: int = 0
    queued: int = 0
    pending_ns: int = 0
    active: int = 0
    failed: int = 0
    groups: list[NsGroup] = []

    def domains(self) -> list[Domain]:
        """Flattens the groups into domains that carry their NS pair."""
        out: list[Domain] = []
        for group in self.groups:
            for d in group.domains:
                out.append(
                    Domain(
                        id=d.id,
                        domain=d.domain,
                        status=d.status,
                        batch_id=self.batch_id,
                        ns1=group.ns1,
                        ns2=group.ns2,
                        failureReason=d.failure_reason,
                        createdAt=d.created_at,
                    )
                )
        return out


class _Page(_Model):
    """Where a page of a list stands: its number, its size and the list's total."""

    page: int = 1
    limit: int = 100
    total: int | None = None
    """None when the reply gives no total (then pages are read until one is empty)."""


class DomainPage(_Page):
    domains: list[Domain] = []


class VerifyNsResult(_Model):
    """What verify-NS said, read tolerantly by the client (the reply shape is ours)."""

    status: DomainStatus | None = None
    ns1: str | None = None
    ns2: str | None = None
    verified: bool = False
    found: list[str] = []


class Allocation(_Model):
    type: str
    allocated: int = 0
    used: int = 0
    remaining: int = 0


class Customer(_Model):
    id: str
    email: str | None = None
    name: str | None = None
    created_at: str | None = Field(default=None, alias="createdAt")


class AccountSummary(_Model):
    total_domains: int = Field(default=0, alias="totalDomains")
    active_domains: int = Field(default=0, alias="activeDomains")
    pending_mailbox_requests: int = Field(default=0, alias="pendingMailboxRequests")
    active_api_keys: int = Field(default=0, alias="activeApiKeys")


class Account(_Model):
    customer: Customer
    allocations: list[Allocation] = []
    summary: AccountSummary = AccountSummary()


class MailboxType(StrEnum):
    """Request types; the POST body uses these lower-case values (only `microsoft` is shown)."""

    MICROSOFT = "microsoft"
    GOOGLE = "google"
    SMTP = "smtp"
    SMTP_DEDICATED = "smtp_dedicated"


class MailboxRequestStatus(StrEnum):
    PENDING = "PENDING"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class MailboxEntry(_Model):
    first_name: str = Field(alias="firstName")
    last_name: str = Field(alias="lastName")
    mailbox_username: str = Field(alias="mailboxUsername")
    domain_name: str | None = Field(default=None, alias="domainName")
    password: str | None = None  # not on the page; kept secret when an API returns one

    def __repr__(self) -> str:  # never show a password
        return f"MailboxEntry({self.mailbox_username!r}@{self.domain_name!r})"


class MailboxRequest(_Model):
    id: str
    type: str
    domain: str
    domain_id: str | None = Field(default=None, alias="domainId")
    domain_status: str | None = Field(default=None, alias="domainStatus")
    ns1: str | None = None
    ns2: str | None = None
    status: MailboxRequestStatus
    _status = field_validator("status", mode="before")(_upper_status)
    admin_notes: str | None = Field(default=None, alias="adminNotes")
    created_at: str | None = Field(default=None, alias="createdAt")
    mailboxes: list[MailboxEntry] = []

    @property
    def mailbox_type(self) -> MailboxType:
        return MailboxType(self.type.lower())


class MailboxRequestCreated(_Model):
    """The 201 body of `POST /mailboxes`, as documented (no `data` envelope)."""

    request_id: str = Field(alias="requestId")
    type: str
    domain: str
    status: str
    message: str | None = None
    mailboxes: list[MailboxEntry] = []


class MailboxRequestPage(_Page):
    requests: list[MailboxRequest] = []


class Subscription(_Model):
    id: str
    type: str
    quantity: int = 0
    status: str
    notes: str | None = None
    renews_at: str | None = Field(default=None, alias="renewsAt")

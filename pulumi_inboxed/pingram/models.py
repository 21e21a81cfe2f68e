"""Pydantic models of Pingram's sender domains (fields as on the `GET /domains` page)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class DomainStatus(StrEnum):
    SUCCESS = "SUCCESS"
    PENDING = "PENDING"
    FAILED = "FAILED"
    TEMPORARY_FAILURE = "TEMPORARY_FAILURE"
    NOT_STARTED = "NOT_STARTED"


class SenderDomain(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    sender: str
    status: DomainStatus
    last_sync: str = Field(alias="lastSync")
    verification_tokens: list[str] = Field(default_factory=list, alias="verificationTokens")
    mail_from_domain_status: str | None = Field(default=None, alias="mailFromDomainStatus")
    created_at: str = Field(alias="createdAt")
    private_dkim_key: str | None = Field(default=None, alias="privateDKIMKey", repr=False)
    reminder_sent_at: str | None = Field(default=None, alias="reminderSentAt")
    selector: str

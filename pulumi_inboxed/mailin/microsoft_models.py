"""Pydantic models of Mailin.ai's Microsoft section, email verification and credits."""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, Field, field_validator

from .models import _Model, as_flag, as_lower


class DelegatedCredentialInfo(_Model):
    """An account's credential for a tool Mailin.ai works in for it (an inbox provider, a
    registrar) as the list calls show it; the key itself is never shown in a repr."""

    id: int
    user_id: int | None = None
    name: str | None = None
    provider: str
    api_key: str | None = Field(default=None, repr=False)
    username: str | None = None


class InboxProviderInfo(DelegatedCredentialInfo):
    oauth_url: str | None = None
    workspace_id: str | None = None


class DomainRegistrarInfo(DelegatedCredentialInfo):
    api_user: str | None = None
    customer_id: str | None = None
    whitelisted_ip: str | None = None


class AzureMailbox(_Model):
    name: str | None = None
    username: str
    password: str | None = Field(default=None, repr=False)


class AzureOrderInfo(_Model):
    id: int
    user_id: int | None = None
    full_name: list[str] = Field(default_factory=list)
    domain: str
    mailbox_mode: str
    provider_id: int | None = None
    domain_registrar_id: int | None = None
    is_purchase: bool = False
    forward_to: str | None = None
    mailboxes: list[AzureMailbox] = Field(default_factory=list)
    created_at: str | None = None

    _purchase = field_validator("is_purchase", mode="before")(as_flag)

    @field_validator("full_name", mode="before")
    @classmethod
    def _names(cls, value: Any) -> list[str]:
        if value is None:
            return []
        return [value] if isinstance(value, str) else [str(v) for v in value]


class AzureNameservers(_Model):
    status: str = ""
    nameservers: list[str] = Field(default_factory=list)

    _status = field_validator("status", mode="before")(as_lower)


class UploadStatusSummary(_Model):
    total: int = 0
    uploaded: int = 0
    already_exists_other_account: int = Field(default=0, alias="alreadyExistsOtherAccount")
    pending: int = 0
    failed: int = 0


class SingleVerification(_Model):
    task_id: str
    email: str | None = None
    status: str | None = None
    score: int | None = None
    result: str | None = None
    credits_used: int | None = Field(  # the page spells it both ways
        default=None, validation_alias=AliasChoices("credits_used", "credit_used")
    )

    @field_validator("task_id", mode="before")
    @classmethod
    def _id(cls, value: Any) -> str:
        return str(value)


class BulkTask(_Model):
    """A bulk verification task: `status` "pending" while it runs, "failed" when refunded."""

    task_id: str | None = None
    status: str = "pending"
    message: str | None = None
    reason: str | None = None
    created_at: str | None = None
    total_rows: int | None = None
    deliverable: int | None = None
    catch_all: int | None = None
    risky: int | None = None
    undeliverable: int | None = None
    invalid: int | None = None
    unknown: int | None = None
    duplicate: int | None = None

    @property
    def finished(self) -> bool:
        return self.status in ("finished", "completed")

    def counts(self) -> dict[str, int]:
        keys = ("deliverable", "catch_all", "risky", "undeliverable", "invalid", "unknown")
        return {k: v for k in (*keys, "duplicate") if (v := getattr(self, k)) is not None}


class CreditEntry(_Model):
    id: int
    reason: str | None = None
    credit: int = 0
    debit: int = 0
    total_credit: int = 0

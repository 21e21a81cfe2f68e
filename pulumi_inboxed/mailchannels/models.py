"""Pydantic models of MailChannels Inbound's JSON (field names as on its pages)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")


class DownstreamAddress(_Model):
    priority: int
    weight: int
    port: int
    target: str


class DomainSettings(_Model):
    abuse_policy: str | None = Field(default=None, alias="abusePolicy")
    abuse_policy_override: bool | None = Field(default=None, alias="abusePolicyOverride")
    spam_header_name: str | None = Field(default=None, alias="spamHeaderName")
    spam_header_value: str | None = Field(default=None, alias="spamHeaderValue")


class InboundDomain(_Model):
    domain: str
    subscription_handle: str | None = Field(default=None, alias="subscriptionHandle")
    settings: DomainSettings | None = None
    admins: list[str] = []
    downstream_addresses: list[DownstreamAddress] = Field(
        default_factory=list, alias="downstreamAddresses"
    )
    aliases: list[str] = []

    def body(self) -> dict[str, object]:
        """The JSON for a provisioning request (the batch page names the list
        `downstreamAddress`; the domain object, like the single call, `downstreamAddresses`:
        we send both spellings' content under `downstreamAddresses` and the batch one too)."""
        data = self.model_dump(by_alias=True, exclude_none=True)
        data["downstreamAddress"] = data.get("downstreamAddresses", [])
        return data


class CommentedDomain(_Model):
    """One domain's result in a batch: `code` 201, 400, 409 or 500, with a comment."""

    domain: InboundDomain
    code: int
    comment: str | None = None


class BatchResult(_Model):
    successes: list[CommentedDomain] = []
    errors: list[CommentedDomain] = []


class Plan(_Model):
    handle: str
    name: str


class Limit(_Model):
    feature_handle: str = Field(alias="featureHandle")
    value: str


class Subscription(_Model):
    handle: str
    active: bool
    plan: Plan
    limits: list[Limit] = []
    active_accounts_count: int = Field(default=0, alias="activeAccountsCount")


class DomainList(_Model):
    domains: list[InboundDomain] = []

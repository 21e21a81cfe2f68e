"""Settings of one sandbox run: timers, latency, failure rules, accepted tokens and credentials.

The flat credentials (``tokens``, ``mailin_email``/``mailin_password``, ``mailin_tokens``,
``mailchannels_api_keys``, ``pingram_api_keys``) are the account named ``default``; ``accounts``
names more, each with its own credentials and its own state (see ``accounts.py``).
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from pulumi_inboxed.sandbox.tenants import (
    DEFAULT_ACCOUNT,
    SandboxAccount,
    check_account_name,
    credential_clashes,
)


class SandboxSettings(BaseModel):
    """Everything that shapes the sandbox's behaviour.

    Timers are in seconds and are multiplied by ``time_scale`` (0.01 turns 60 s into 0.6 s).
    A timer is turned into an absolute deadline when an object is created, so changing a setting
    only affects objects created afterwards.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    time_scale: float = Field(default=1.0, ge=0.0)
    queued_seconds: float = Field(default=2.0, ge=0.0)
    pending_ns_seconds: float = Field(default=5.0, ge=0.0)
    mailbox_pending_seconds: float = Field(default=60.0, ge=0.0)
    mailbox_in_progress_seconds: float = Field(default=600.0, ge=0.0)
    latency_ms: float = Field(default=0.0, ge=0.0)
    fail_pattern: str = r"^fail-"
    ns_propagated: bool = True
    tokens: list[str] = Field(default_factory=lambda: ["sandbox-token"], min_length=1)
    # Mailin.ai: the login of the one sandbox user, tokens accepted without a login, the job
    # timer (buy, transfer, subdomain, mailbox creation) and the names no one can buy.
    mailin_email: str = Field(default="sandbox@mailin.test", min_length=1)
    mailin_password: str = Field(default="sandbox-password", min_length=1)
    mailin_tokens: list[str] = Field(default_factory=lambda: ["mailin-sandbox-token"])
    mailin_job_seconds: float = Field(default=3.0, ge=0.0)
    mailin_unavailable_pattern: str = r"^taken-"
    # Whether `GET /domains` lists only the SMTP domains that are not Inboxkit transfers (Google
    # ones only under /domains/list/google, Inboxkit ones only under their list), or everything.
    mailin_separate_domain_lists: bool = False
    # Mailin.ai Microsoft and verification: an Azure order's time to "ready" (nameservers and
    # mailboxes then), the time an upload to the inbox provider takes (it progresses in quarters),
    # a verification task's length, and the credits a fresh account starts with.
    mailin_azure_seconds: float = Field(default=5.0, ge=0.0)
    mailin_upload_seconds: float = Field(default=20.0, ge=0.0)
    mailin_verify_seconds: float = Field(default=2.0, ge=0.0)
    mailin_credits: int = Field(default=1000, ge=0)
    # MailChannels Inbound (docs/mailchannels-pingram-api.md): accepted X-API-Key values, the
    # customer's subscription handles and each one's domain limit (403 beyond it), and the names
    # the batch answers 400 (not RFC 5891), 409 (another customer's) or 500.
    mailchannels_api_keys: list[str] = Field(default_factory=lambda: ["mc-sandbox-key"])
    mailchannels_subscriptions: list[str] = Field(default_factory=lambda: ["sub-sandbox"])
    mailchannels_domain_limit: int = Field(default=5000, ge=0)
    mailchannels_invalid_pattern: str = r"^invalid-"
    mailchannels_taken_pattern: str = r"^taken-"
    mailchannels_error_pattern: str = r"^error-"
    # Pingram: accepted bearer keys, the verification timer (PENDING -> outcome), whether adding a
    # domain starts verification, the names that end FAILED / TEMPORARY_FAILURE or answer 502,
    # and the number of sender domains the plan allows (402 beyond it).
    pingram_api_keys: list[str] = Field(default_factory=lambda: ["pingram_sk_sandbox"])
    pingram_verify_seconds: float = Field(default=5.0, ge=0.0)
    pingram_add_starts_verification: bool = True
    pingram_fail_pattern: str = r"^fail-"
    pingram_temporary_failure_pattern: str = r"^tempfail-"
    pingram_provider_error_pattern: str = r"^provider-error-"
    pingram_domain_limit: int = Field(default=100, ge=0)
    # Accounts besides ``default`` (the flat credentials above): name -> that account's
    # credentials. A credential belongs to one account only.
    accounts: dict[str, SandboxAccount] = Field(default_factory=dict)

    @field_validator("accounts")
    @classmethod
    def _account_names(cls, value: dict[str, SandboxAccount]) -> dict[str, SandboxAccount]:
        for name in value:
            check_account_name(name)
            if name == DEFAULT_ACCOUNT:
                raise ValueError(
                    f"the account {DEFAULT_ACCOUNT!r} is the flat settings (tokens, mailin_email, "
                    "...); name the others differently"
                )
        return value

    @model_validator(mode="after")
    def _credentials_unique(self) -> SandboxSettings:
        clashes = credential_clashes(self.all_accounts())
        if clashes:
            raise ValueError("; ".join(clashes))
        return self

    def default_account(self) -> SandboxAccount:
        """The flat credentials as the account ``default``."""
        return SandboxAccount(
            inboxedup_tokens=self.tokens,
            mailin_email=self.mailin_email,
            mailin_password=self.mailin_password,
            mailin_tokens=self.mailin_tokens,
            mailchannels_api_keys=self.mailchannels_api_keys,
            pingram_api_keys=self.pingram_api_keys,
        )

    def all_accounts(self) -> dict[str, SandboxAccount]:
        """Every account by name, ``default`` first."""
        return {DEFAULT_ACCOUNT: self.default_account(), **self.accounts}

    def account(self, name: str) -> SandboxAccount | None:
        if name == DEFAULT_ACCOUNT:
            return self.default_account()
        return self.accounts.get(name)

    @field_validator(
        "fail_pattern",
        "mailin_unavailable_pattern",
        "mailchannels_invalid_pattern",
        "mailchannels_taken_pattern",
        "mailchannels_error_pattern",
        "pingram_fail_pattern",
        "pingram_temporary_failure_pattern",
        "pingram_provider_error_pattern",
    )
    @classmethod
    def _pattern_compiles(cls, value: str, info: ValidationInfo) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"{info.field_name} is not a valid regular expression: {exc}") from exc
        return value

    @field_validator(
        "tokens",
        "mailin_tokens",
        "mailchannels_api_keys",
        "mailchannels_subscriptions",
        "pingram_api_keys",
    )
    @classmethod
    def _values_not_blank(cls, value: list[str], info: ValidationInfo) -> list[str]:
        if any(not item.strip() for item in value):
            raise ValueError(f"{info.field_name} must not hold blank values")
        return value

    def scaled(self, seconds: float) -> float:
        """A timer length in real seconds."""
        return seconds * self.time_scale

    def public_view(self) -> dict[str, object]:
        """The settings as the control API shows them: tokens and the Mailin.ai password are never
        echoed (tokens are counted)."""
        view: dict[str, object] = self.model_dump(
            exclude={"tokens", "mailin_tokens", "mailin_password"}
            | {"mailchannels_api_keys", "pingram_api_keys", "accounts"}
        )
        view["accounts"] = {name: account.public_view() for name, account in self.accounts.items()}
        view["mailchannels_api_key_count"] = len(self.mailchannels_api_keys)
        view["pingram_api_key_count"] = len(self.pingram_api_keys)
        view["token_count"] = len(self.tokens)
        view["mailin_token_count"] = len(self.mailin_tokens)
        return view

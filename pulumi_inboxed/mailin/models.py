"""Pydantic models of Mailin.ai's JSON. The page's loose types are normalised here, once:
ids as strings or numbers, `"status": "1"`/`"Active"`/`1`, name servers as "a, b" or a list."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

T = TypeVar("T")

_TRUE = {"1", "active", "true", "yes", "running", "completed"}


def as_flag(value: Any) -> bool:
    """`1`, `"1"`, `"Active"`, `True` -> True; `0`, `"0"`, `"Inactive"`, None -> False."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    return str(value or "").strip().lower() in _TRUE


def as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(v) for v in value]


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")


class LoginResult(_Model):
    user_id: int
    token: str = Field(repr=False)


class User(_Model):
    id: int
    username: str | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    org_name: str | None = None
    mailboxes_slots: int | None = None
    created_at: str | None = None


class Server(_Model):
    id: int
    public_ip: str | None = None
    hostname: str | None = None
    state: str | None = None
    active: bool = False
    server_type: str | None = None

    _active = field_validator("active", mode="before")(as_flag)


class MailinDomain(_Model):
    id: int
    name: str
    main_domain: str | None = None
    name_servers: list[str] = []
    name_servers_active: bool = Field(default=False, alias="name_server_status")
    active: bool = Field(default=False, alias="status")
    status_raw: str | None = None
    domain_provider: str | None = None
    provider_type: str | None = None
    # No page shows how a domain reports its forwarding: `forward_to` and `email_forward_to` are
    # ours (docs/mailin-api.md); a few other spellings are read too. Whether the reply had the
    # field at all is in `model_fields_set` (absent is "not shown", never "removed").
    forward_to: str | None = Field(
        default=None,
        validation_alias=AliasChoices("forward_to", "forwarded_to", "domain_forward_to"),
    )
    email_forward_to: str | None = Field(
        default=None,
        validation_alias=AliasChoices("email_forward_to", "email_forwarded_to", "forward_email"),
    )
    created_at: str | None = None
    updated_at: str | None = None

    @field_validator("main_domain", mode="before")
    @classmethod
    def _main(cls, value: Any) -> str | None:
        return None if value is None else str(value)

    @field_validator("status_raw", mode="before")
    @classmethod
    def _raw(cls, value: Any) -> str | None:
        return None if value is None else str(value)

    _ns = field_validator("name_servers", mode="before")(as_list)
    _flags = field_validator("name_servers_active", "active", mode="before")(as_flag)

    @model_validator(mode="before")
    @classmethod
    def _keep_raw_status(cls, data: Any) -> Any:
        if isinstance(data, dict) and "status_raw" not in data:
            data = {**data, "status_raw": data.get("status")}
        return data


class Availability(_Model):
    available: bool
    message: str | None = None


def as_text(value: Any) -> str:
    return str(value)


def as_lower(value: Any) -> str:
    return str(value or "").strip().lower()


class Job(_Model):
    """A purchase or creation job: its id, its status (lower case) and the API's report."""

    id: str
    status: str
    report: str | None = None

    _id = field_validator("id", mode="before")(as_text)
    _status = field_validator("status", mode="before")(as_lower)


class DomainJob(Job):
    domain_ids: list[int] = Field(default_factory=list, alias="data")


class TransferAccepted(_Model):
    message: str | None = None
    name_servers: list[str] = []
    domain_id: int | None = None

    _ns = field_validator("name_servers", mode="before")(as_list)


class MailinMailbox(_Model):
    id: int
    domain_id: int | None = None
    name: str | None = None
    username: str
    password: str | None = Field(default=None, repr=False)
    redirect_email: str | None = None
    active: bool = Field(default=False, alias="status")
    rate_limit: str | None = None
    imap_host: str | None = None
    imap_port: int | None = None
    smtp_host: str | None = None
    smtp_port: int | None = None
    signature: str | None = None
    provider_type: str | None = None
    first_name: str | None = None
    last_name: str | None = None

    _active = field_validator("active", mode="before")(as_flag)


class MailboxJob(Job):
    mailboxes: list[MailinMailbox] = Field(default_factory=list, alias="data")


class MailboxCredentials(_Model):
    password: str | None = Field(default=None, repr=False)
    secret: str | None = Field(default=None, repr=False)
    """The TOTP secret."""
    app_password: str | None = Field(default=None, repr=False)


class Totp(_Model):
    totp: str = Field(repr=False)
    expires_at: int


class RateLimit(_Model):
    id: int
    name: str | None = None
    username: str | None = None
    rate_limit: str | None = None


class NewSmtpMailbox(_Model):
    username: str
    name: str
    password: str | None = Field(default=None, repr=False)


class NewGoogleMailbox(_Model):
    username: str
    first_name: str
    last_name: str


class Page(_Model, Generic[T]):
    """Laravel pagination."""

    current_page: int = 1
    last_page: int = 1
    next_page_url: str | None = None
    per_page: int = 15
    total: int = 0
    data: list[T] = []

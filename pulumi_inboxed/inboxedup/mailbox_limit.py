"""InboxedUp's per-domain mailbox limit: the one place that knows it.

InboxedUp allows a few mailboxes of a type on one domain ("Request mailboxes": 3 Microsoft 365,
3 Google Workspace, 5 SMTP, 10 SMTP Dedicated). Every request of that type on the domain counts
against it, except FAILED ones (their slots are free again). The resources' preview checks, the
program's sums (`program_domains`), the policy pack and the sandbox all ask this module, so they
cannot disagree. It imports nothing of Pulumi or HTTP.

- `MAILBOX_LIMITS`, `TYPE_LABELS`: the limit and the display name of each type (lower case, as
  the resources' `type` input and `MailboxType` values).
- `is_limited(type_)`: whether `type_` is one of those types.
- `counts(status)`: whether a request of that status holds its slots (all but FAILED).
- `used_slots(held, type_)`: the slots a domain's requests of `type_` hold.
- `overflow(type_, adding, used)`: an `Overflow` when `adding` more would exceed the limit.
- `check_one_request(type_, mailboxes)`: the entry validator `MailboxRequest` and each entry of
  `MailboxRequests` share (one request never holds more than its type allows per domain).
"""

from __future__ import annotations

from collections.abc import Iterable, Sized
from dataclasses import dataclass
from enum import Enum

from pydantic_core import PydanticCustomError

MAILBOX_LIMITS: dict[str, int] = {
    "microsoft": 3,
    "google": 3,
    "smtp": 5,
    "smtp_dedicated": 10,
}
"""Mailboxes per domain, by type: verbatim from InboxedUp's "Request mailboxes" page."""

TYPE_LABELS: dict[str, str] = {
    "microsoft": "Microsoft 365",
    "google": "Google Workspace",
    "smtp": "SMTP",
    "smtp_dedicated": "SMTP Dedicated",
}

FREEING_STATUS = "FAILED"
"""A request of this status holds no slot (InboxedUp frees them)."""


def type_name(type_: str | Enum) -> str:
    """`type_` as the tables key it (`MailboxType.SMTP` -> `"smtp"`); a string as it is (the
    tables' keys are lower case, as `MailboxType`'s values)."""
    return str(type_.value) if isinstance(type_, Enum) else type_


def is_limited(type_: object) -> bool:
    """Whether `type_` is a mailbox type with a per-domain limit (any other value is left to
    the inputs' own validation)."""
    return isinstance(type_, str | Enum) and type_name(type_) in MAILBOX_LIMITS


def limit_of(type_: str | Enum) -> int:
    """The mailboxes of `type_` one domain may hold."""
    return MAILBOX_LIMITS[type_name(type_)]


def counts(status: str | Enum) -> bool:
    """Whether a request of `status` holds its slots (PENDING, IN_PROGRESS, COMPLETED do)."""
    value = status.value if isinstance(status, Enum) else status
    return str(value).upper() != FREEING_STATUS


def used_slots(held: Iterable[tuple[str | Enum, str | Enum, int]], type_: str | Enum) -> int:
    """The slots of `type_` that a domain's requests hold: `held` is each request's (type,
    status, mailboxes); other types and FAILED requests hold none."""
    wanted = type_name(type_)
    return sum(n for kind, status, n in held if type_name(kind) == wanted and counts(status))


@dataclass(frozen=True)
class Overflow:
    """`adding` mailboxes of `type` on a domain where `used` slots are taken exceed `limit`."""

    type: str
    limit: int
    used: int
    adding: int

    @property
    def label(self) -> str:
        """The type's display name (`Microsoft 365`)."""
        return TYPE_LABELS[self.type]

    @property
    def total(self) -> int:
        return self.used + self.adding


def overflow(type_: str | Enum, adding: int, used: int = 0) -> Overflow | None:
    """An `Overflow` when `used + adding` mailboxes of `type_` exceed its limit on one domain,
    else None."""
    kind = type_name(type_)
    limit = MAILBOX_LIMITS[kind]
    return Overflow(kind, limit, used, adding) if used + adding > limit else None


def check_one_request(type_: str | Enum, mailboxes: Sized) -> None:
    """The entry validator of `MailboxRequest` and of each `MailboxRequests` entry: one request
    asks for at most its type's per-domain limit; raises a `PydanticCustomError`
    (`too_many`) naming the count, the type and the limit."""
    over = overflow(type_, len(mailboxes))
    if over is not None:
        raise PydanticCustomError(
            "too_many",
            "{count} mailboxes: {label} allows {limit} per domain",
            {"count": over.adding, "label": over.label, "limit": over.limit},
        )


__all__ = [
    "MAILBOX_LIMITS",
    "TYPE_LABELS",
    "Overflow",
    "check_one_request",
    "counts",
    "is_limited",
    "limit_of",
    "overflow",
    "type_name",
    "used_slots",
]

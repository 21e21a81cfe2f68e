"""What the rules see and report: plain data, with secrets and unknowns marked.

The SDK's proxies are converted by `sdk.plain()` into dicts, lists and scalars, where a secret
value is a `SecretValue` and a value not known during preview is `UNKNOWN`. Rules read values
through `reveal()`, which unwraps secrets, so they need not care which values are secret, except
the one rule that is about exactly that.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from .. import kinds
from ..core.domains import DomainNameError, normalize_domain
from ..core.packed_outputs import unpack_value

DYNAMIC_PREFIX: Final = kinds.DYNAMIC_TYPE_PREFIX
"""Type tokens of `pulumi.dynamic` resources: this prefix, then `<module>:<name>`."""


def _kind(token: str) -> str:
    """A kind the rules name, checked against the registry of kinds (`pulumi_inboxed.kinds`) when
    the pack loads: a renamed or removed kind fails here, and tests/unit/test_kinds_registry.py,
    instead of silently leaving a rule without its resources."""
    return kinds.kind(token).token


# The `module:name` of the kinds the rules treat by name. Which kinds exist at all is the
# registry's to say (`Resource.kind` knows every one of them, `ALL_KINDS` lists them).
DOMAIN_BATCH: Final = _kind("inboxedup:DomainBatch")
MAILBOX_REQUEST: Final = _kind("inboxedup:MailboxRequest")
MAILBOX_REQUESTS: Final = _kind("inboxedup:MailboxRequests")
SUBSCRIPTION_NOTES: Final = _kind("inboxedup:SubscriptionNotes")
MAILIN_DOMAINS: Final = _kind("mailin:Domains")
MAILIN_SUBDOMAIN: Final = _kind("mailin:Subdomain")
MAILIN_DOMAIN_FORWARDING: Final = _kind("mailin:DomainForwarding")
MAILIN_EMAIL_FORWARDING: Final = _kind("mailin:EmailForwarding")
SMTP_MAILBOXES: Final = _kind("mailin:SmtpMailboxes")
GOOGLE_MAILBOXES: Final = _kind("mailin:GoogleMailboxes")
INBOX_PROVIDER: Final = _kind("mailin:InboxProvider")
DOMAIN_REGISTRAR: Final = _kind("mailin:DomainRegistrar")
AZURE_ORDER: Final = _kind("mailin:AzureOrder")
INBOUND_DOMAINS: Final = _kind("mailchannels:InboundDomains")
SENDER_DOMAIN: Final = _kind("pingram:SenderDomain")

API_NAMES: Final = {
    "inboxedup": "InboxedUp",
    "mailin": "Mailin.ai",
    "mailchannels": "MailChannels",
    "pingram": "Pingram",
}
"""Each API's namespace (the `module` of its resources' `module:Name`) and how messages name it."""

ALL_KINDS: Final = tuple(k.token for k in kinds.all_kinds())
"""Every kind of the package, from the registry."""


class _Unknown:
    """A value the engine does not know yet (an output of another resource, during preview)."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = _Unknown()


@dataclass(frozen=True)
class SecretValue:
    """A value the engine holds as a secret. Its repr never shows the value."""

    value: Any = field(repr=False)

    def __repr__(self) -> str:
        return "SecretValue([secret])"


def reveal(value: Any) -> Any:
    """The value itself, secret or not."""
    return value.value if isinstance(value, SecretValue) else value


def is_unknown(value: Any) -> bool:
    return reveal(value) is UNKNOWN


def contains_unknown(value: Any) -> bool:
    value = reveal(value)
    if value is UNKNOWN:
        return True
    if isinstance(value, Mapping):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_unknown(v) for v in value)
    return False


def text(value: Any) -> str | None:
    """A known string (revealed), else None."""
    value = reveal(value)
    return value if isinstance(value, str) else None


def items(value: Any) -> list[Any]:
    """A known list (revealed), else an empty one."""
    value = reveal(value)
    return list(value) if isinstance(value, list) else []


def entries(value: Any) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """(index, mapping) for each known mapping in a known list."""
    for i, entry in enumerate(items(value)):
        entry = reveal(entry)
        if isinstance(entry, Mapping):
            yield i, entry


def domain_key(raw: str) -> str:
    """The form two spellings of one domain share (A-label, lower case, no final dot)."""
    try:
        return normalize_domain(raw)
    except DomainNameError:
        return raw.strip().rstrip(".").lower()


@dataclass(frozen=True)
class Resource:
    """One resource as a rule sees it: its type token, name, URN, inputs (or, for stack rules,
    its recorded outputs, which repeat the inputs for every resource here) and `protect`."""

    type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    protect: bool = False

    @property
    def kind(self) -> str | None:
        """`module:Name` for this package's dynamic resources, else None."""
        found = kinds.from_type(self.type)
        return found.token if found is not None else None

    def get(self, key: str) -> Any:
        """The input (or recorded output) `key`; an output the state records as one JSON text
        (`core.packed_outputs`) read back as its value."""
        value = self.props.get(key)
        found = kinds.from_type(self.type)
        if found is not None and key in found.packed_outputs:
            return unpack_value(value)
        return value

    def label(self) -> str:
        return f"{self.kind or self.type} {self.name!r}"

    @property
    def api(self) -> str | None:
        """The API namespace (`inboxedup`, `mailin`, `mailchannels`, `pingram`), else None."""
        kind = self.kind
        return kind.split(":", 1)[0] if kind else None

    @property
    def account(self) -> str | None:
        """The account the resource's `account` input names; None: the API's default account
        (also for a value not known yet: `account_known` tells them apart)."""
        return text(self.get("account")) or None

    @property
    def account_known(self) -> bool:
        return not is_unknown(self.get("account"))

    def account_label(self) -> str:
        """How messages name the resource's account: `Pingram account 'client-a'`, or
        `the default Pingram account`."""
        return account_label(self.api or "", self.account)


def account_label(api: str, account: str | None) -> str:
    name = API_NAMES.get(api, api)
    return f"the default {name} account" if account is None else f"{name} account {account!r}"


@dataclass(frozen=True)
class Violation:
    """One finding: a message naming the resource and the value, and the resource's URN
    (None for the stack as a whole)."""

    message: str
    urn: str | None = None

"""Hygiene: secrets are secret, mailbox usernames belong to their domain, names are present.

Secret inputs: a value is secret when the engine holds it as one (`SecretValue` here). Which
inputs must be: any string under a key named like a credential (`SECRET_KEY`), at any depth, on
this package's resources: mailbox `password`s, `api_key`, `secret_api_key`, tokens, private keys.
The resources already wrap the ones they know in `pulumi.Output.secret`; the rule catches a
program or a resource that does not. Its remediation wraps the value, which the engine then
encrypts like any secret.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from .model import (
    AZURE_ORDER,
    DOMAIN_REGISTRAR,
    GOOGLE_MAILBOXES,
    INBOX_PROVIDER,
    MAILBOX_REQUEST,
    MAILBOX_REQUESTS,
    SMTP_MAILBOXES,
    UNKNOWN,
    Resource,
    SecretValue,
    Violation,
    domain_key,
    entries,
    reveal,
    text,
)

SECRET_KEY: Final = re.compile(
    r"^(?:.*_)?(?:password|passwd|api_key|apikey|token|secret|private_key|private_dkim_key)$",
    re.IGNORECASE,
)
INTERNAL_KEY_PREFIX: Final = "__"
"""Engine-internal inputs (the dynamic provider's pickled `__provider`, itself a secret)."""


def _plaintext_paths(value: Any, path: str, key: str | None) -> list[str]:
    if isinstance(value, SecretValue) or value is UNKNOWN:
        return []
    if isinstance(value, Mapping):
        return [
            p
            for k, v in value.items()
            if not str(k).startswith(INTERNAL_KEY_PREFIX)
            for p in _plaintext_paths(v, f"{path}.{k}" if path else str(k), str(k))
        ]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _plaintext_paths(v, f"{path}[{i}]", key)]
    if key is not None and SECRET_KEY.match(key) and isinstance(value, str) and value:
        return [path]
    return []


def plaintext_secret_paths(props: Mapping[str, Any]) -> list[str]:
    """Paths (`mailboxes[0].password`) of credential inputs that are not secret."""
    return _plaintext_paths(dict(props), "", None)


def plaintext_secrets(r: Resource) -> list[Violation]:
    if r.kind is None:
        return []
    return [
        Violation(
            f"{r.label()}: input {path} is a credential in plaintext; pass it as a secret "
            "(`pulumi.Output.secret(...)` or `config.require_secret(...)`) so the state "
            "encrypts it",
            r.urn,
        )
        for path in plaintext_secret_paths(r.props)
    ]


def _mark(value: Any, key: str | None) -> Any:
    if isinstance(value, SecretValue) or value is UNKNOWN:
        return value
    if isinstance(value, Mapping):
        return {
            k: v if str(k).startswith(INTERNAL_KEY_PREFIX) else _mark(v, str(k))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_mark(v, key) for v in value]
    if key is not None and SECRET_KEY.match(key) and isinstance(value, str) and value:
        return SecretValue(value)
    return value


def mark_secrets(props: Mapping[str, Any]) -> dict[str, Any]:
    """The same inputs with every plaintext credential made a `SecretValue`."""
    marked = _mark(dict(props), None)
    assert isinstance(marked, dict)
    return marked


def _address_domain(address: str) -> str | None:
    local, at, domain = address.rpartition("@")
    return domain if at and local and domain else None


def _off_domain(address: str | None, domain: str | None) -> bool:
    """Whether `address` (name@domain) is not on `domain`; False when either is not given."""
    if address is None or domain is None:
        return False
    at = _address_domain(address)
    return at is None or domain_key(at) != domain_key(domain)


def _inboxedup_requests(r: Resource) -> list[tuple[str, Any, Any]]:
    """(where, domain, mailboxes) of each InboxedUp mailbox request a resource declares: a
    `MailboxRequest` itself, each entry of a `MailboxRequests`' `requests`."""
    if r.kind == MAILBOX_REQUESTS:
        return [
            (f"requests[{i}].", e.get("domain"), e.get("mailboxes"))
            for i, e in entries(r.get("requests"))
        ]
    return [("", r.get("domain"), r.get("mailboxes"))]


def mailbox_usernames(r: Resource) -> list[Violation]:
    """Each mailbox address (or username) on the domain it is created under."""
    found: list[Violation] = []
    if r.kind in (MAILBOX_REQUEST, MAILBOX_REQUESTS):
        for where, domain_value, mailboxes in _inboxedup_requests(r):
            domain = text(domain_value)
            for i, m in entries(mailboxes):
                username = text(m.get("username"))
                if username is not None and "@" in username and _off_domain(username, domain):
                    found.append(
                        Violation(
                            f"{r.label()}: {where}mailboxes[{i}].username {username!r} is not on "
                            f"the request's domain {domain!r} (give the part before the @, or an "
                            f"address @{domain})",
                            r.urn,
                        )
                    )
    elif r.kind == AZURE_ORDER:
        domain = text(r.get("domain"))
        for i, m in entries(r.get("mailboxes")):
            email = text(m.get("email"))
            if _off_domain(email, domain):
                found.append(
                    Violation(
                        f"{r.label()}: mailboxes[{i}].email {email!r} is not an address on the "
                        f"order's domain {domain!r}",
                        r.urn,
                    )
                )
    elif r.kind in (SMTP_MAILBOXES, GOOGLE_MAILBOXES):
        for i, m in entries(r.get("mailboxes")):
            username = text(m.get("username"))
            if username is not None and _address_domain(username) is None:
                found.append(
                    Violation(
                        f"{r.label()}: mailboxes[{i}].username {username!r} is not a full "
                        "address (name@domain, on a domain of the account)",
                        r.urn,
                    )
                )
    return found


# Name fields each kind must carry (per mailbox entry for the list kinds).
_ENTRY_NAMES: Mapping[str, tuple[str, ...]] = {
    MAILBOX_REQUEST: ("first_name", "last_name", "username"),
    MAILBOX_REQUESTS: ("first_name", "last_name", "username"),
    SMTP_MAILBOXES: ("name", "username"),
    GOOGLE_MAILBOXES: ("first_name", "last_name", "username"),
    AZURE_ORDER: ("name", "email"),
}
_TOP_NAMES: Mapping[str, tuple[str, ...]] = {
    INBOX_PROVIDER: ("name",),
    DOMAIN_REGISTRAR: ("name",),
}


def _blank(value: Any) -> bool:
    value = reveal(value)
    if value is UNKNOWN:
        return False
    return not (isinstance(value, str) and value.strip())


def names_present(r: Resource) -> list[Violation]:
    found: list[Violation] = []
    kind = r.kind or ""
    for key in _TOP_NAMES.get(kind, ()):
        if _blank(r.get(key)):
            found.append(Violation(f"{r.label()}: {key} is missing or blank", r.urn))
    if kind == AZURE_ORDER and text(r.get("mailbox_mode")) == "auto":
        names = [reveal(n) for n in (reveal(r.get("full_names")) or [])]
        if not names or any(_blank(n) for n in names):
            found.append(
                Violation(f"{r.label()}: full_names must hold at least one name, none blank", r.urn)
            )
        return found
    groups = (
        _inboxedup_requests(r) if kind == MAILBOX_REQUESTS else [("", None, r.get("mailboxes"))]
    )
    for where, _, mailboxes in groups:
        for i, m in entries(mailboxes):
            for key in _ENTRY_NAMES.get(kind, ()):
                if _blank(m.get(key)):
                    found.append(
                        Violation(
                            f"{r.label()}: {where}mailboxes[{i}].{key} is missing or blank", r.urn
                        )
                    )
    return found

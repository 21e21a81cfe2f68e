"""Validation of request bodies: domain names and mailbox requests (422 naming what is wrong).

The rules are the resources' own, written once: a domain name in the form the client sends
(`core.dns_names.a_label_problem`), a mailbox username and the owner's names
(`inboxedup.mailbox_names`). Only the 422 wording is the sandbox's.
"""

from __future__ import annotations

from dataclasses import dataclass

from pulumi_inboxed.core.dns_names import a_label_problem
from pulumi_inboxed.inboxedup.endpoints import MAILBOX_LIMITS
from pulumi_inboxed.inboxedup.mailbox_names import MAX_NAME_LENGTH, username_problem
from pulumi_inboxed.sandbox.errors import SandboxApiError
from pulumi_inboxed.sandbox.inboxedup.models_store import MailboxEntry

MAX_DOMAINS_PER_REQUEST = 500


def parse_domain_names(body: object) -> list[str]:
    """The ``domains`` list of a submit body; raises a 422 naming the first bad entry."""
    names = body.get("domains") if isinstance(body, dict) else None
    if not isinstance(names, list):
        raise SandboxApiError(422, "'domains' must be a list of domain names", {"field": "domains"})
    if not 1 <= len(names) <= MAX_DOMAINS_PER_REQUEST:
        raise SandboxApiError(
            422,
            f"'domains' must hold 1 to {MAX_DOMAINS_PER_REQUEST} names, got {len(names)}",
            {"field": "domains", "count": len(names)},
        )
    for index, name in enumerate(names):
        if not isinstance(name, str):
            raise SandboxApiError(
                422,
                f"domains[{index}] is not a string",
                {"field": f"domains[{index}]", "domain": repr(name)},
            )
        problem = a_label_problem(name)
        if problem is not None:
            raise SandboxApiError(
                422,
                f"Invalid domain name {name!r}: {problem}",
                {"field": f"domains[{index}]", "domain": name, "reason": problem},
            )
    return [str(name) for name in names]


@dataclass(frozen=True)
class MailboxRequestBody:
    domain: str
    type: str
    mailboxes: tuple[MailboxEntry, ...]


def _invalid(field: str, message: str) -> SandboxApiError:
    return SandboxApiError(422, message, {"field": field})


def _person_name(entry: dict[str, object], key: str, field: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _invalid(field, f"{field} must be a non-empty string")
    if len(value) > MAX_NAME_LENGTH:
        raise _invalid(field, f"{field} is longer than {MAX_NAME_LENGTH} characters")
    return value


def parse_mailbox_request(body: object) -> MailboxRequestBody:
    """The body of ``POST /mailboxes``; raises a 422 with ``details.field`` naming the bad field."""
    if not isinstance(body, dict):
        raise _invalid("body", "the body must be a JSON object")
    domain = body.get("domain")
    if not isinstance(domain, str) or not domain:
        raise _invalid("domain", "domain must be a non-empty string")
    kind = body.get("type")
    if not isinstance(kind, str) or kind not in MAILBOX_LIMITS:
        raise _invalid("type", f"type must be one of {', '.join(MAILBOX_LIMITS)}")
    raw_entries = body.get("mailboxes")
    if not isinstance(raw_entries, list) or not raw_entries:
        raise _invalid("mailboxes", "mailboxes must be a non-empty list")
    entries: list[MailboxEntry] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_entries):
        prefix = f"mailboxes[{index}]"
        if not isinstance(raw, dict):
            raise _invalid(prefix, f"{prefix} must be an object")
        first = _person_name(raw, "firstName", f"{prefix}.firstName")
        last = _person_name(raw, "lastName", f"{prefix}.lastName")
        username = raw.get("mailboxUsername")
        field = f"{prefix}.mailboxUsername"
        if not isinstance(username, str):
            raise _invalid(field, f"{field} is not a string")
        problem = username_problem(username)
        if problem is not None:
            raise _invalid(field, f"{field} {problem}")
        if username in seen:
            raise _invalid(field, f"{field} {username!r} appears twice in this request")
        seen.add(username)
        entries.append(MailboxEntry(first_name=first, last_name=last, username=username))
    return MailboxRequestBody(domain=domain, type=kind, mailboxes=tuple(entries))

"""What this Pulumi program declares (program process only): the domains of its DomainBatch
resources, and its MailboxRequest resources summed per domain and type.

- A MailboxRequest on a domain the program itself submits cannot find that domain ACTIVE in the
  account at preview: the domain registry lets it say "in the program" instead, and depend on
  the batch. Only plain strings are recorded: a domain computed from another resource's output
  is not known until that resource exists.
- InboxedUp allows a few mailboxes of a type per domain (`endpoints.MAILBOX_LIMITS`). Each
  request's own check counts the account's live requests, but two new requests of the program
  on one domain cannot see each other there: the request registry sums them (MailboxRequest
  resources and MailboxRequests entries together), and a program
  whose requests together exceed the limit fails with a `pulumi.RunError` naming them (the CLI
  prints it without a traceback), with no API call. Known domains are summed when the resource
  is constructed; a domain from another resource's output once it is known.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any

import pulumi

from ..core.domains import DomainNameError, normalize_domain
from .endpoints import MAILBOX_LIMITS

_declared: dict[str, pulumi.Resource] = {}
_requests: dict[tuple[str, str], dict[str, int]] = {}
"""(domain, type) -> {label: mailboxes}, in declaration order. A label is a MailboxRequest's name,
or a MailboxRequests entry's `'name' requests[i]`: both kinds count together."""
_kinds: dict[str, str] = {}
"""label -> the resource kind that declared it (`MailboxRequest`, `MailboxRequests`)."""

TYPE_LABELS = {
    "microsoft": "Microsoft 365",
    "google": "Google Workspace",
    "smtp": "SMTP",
    "smtp_dedicated": "SMTP Dedicated",
}


def reset() -> None:
    """Forgets every declaration (for tests that run several programs in one process)."""
    _declared.clear()
    _requests.clear()
    _kinds.clear()


def record(domains: Any, resource: pulumi.Resource) -> None:
    if not isinstance(domains, Sequence) or isinstance(domains, str):
        return
    for raw in domains:
        if isinstance(raw, str):
            try:
                _declared[normalize_domain(raw)] = resource
            except DomainNameError:
                continue  # check() reports it


def batch_declaring(domain: str) -> pulumi.Resource | None:
    try:
        return _declared.get(normalize_domain(domain))
    except DomainNameError:
        return None


def declare_request(
    name: str,
    domain: Any,
    type_: Any,
    mailboxes: Any,
    *,
    kind: str = "MailboxRequest",
    entry: str | None = None,
) -> None:
    """Adds a MailboxRequest (or one `entry` of a MailboxRequests, `kind="MailboxRequests"`) to
    the program's sums; raises `pulumi.RunError` when its type's limit on its domain is exceeded.
    Values from other resources' outputs are summed once known (the error then fails the program
    as it runs); a value check() will refuse is left to it."""
    label = repr(name) if entry is None else f"{name!r} {entry}"
    _kinds[label] = kind
    name = label
    listed = isinstance(mailboxes, Sequence) and not isinstance(mailboxes, str)
    count: Any = len(mailboxes) if listed else mailboxes
    if all(not isinstance(v, pulumi.Output) for v in (domain, type_, count)):
        _add(name, domain, type_, count)
        return
    count_output = pulumi.Output.from_input(count).apply(
        lambda c: len(c) if isinstance(c, Sequence) and not isinstance(c, str) else c
    )
    pulumi.Output.all(domain, type_, count_output).apply(lambda v: _add(name, *v))


def _add(name: str, domain: Any, type_: Any, count: Any) -> None:
    kind = type_.value if isinstance(type_, Enum) else type_
    if not isinstance(domain, str) or not isinstance(kind, str) or kind not in MAILBOX_LIMITS:
        return
    if isinstance(count, bool) or not isinstance(count, int):
        return
    try:
        normalized = normalize_domain(domain)
    except DomainNameError:
        return
    requests = _requests.setdefault((normalized, kind), {})
    requests[name] = count
    total = sum(requests.values())
    limit = MAILBOX_LIMITS[kind]
    if total > limit:
        raise pulumi.RunError(_over_limit(name, normalized, kind, requests, total, limit))


def _over_limit(
    name: str, domain: str, kind: str, requests: Mapping[str, int], total: int, limit: int
) -> str:
    order = [name, *(n for n in requests if n != name)]
    kinds = {_kinds.get(n, "MailboxRequest") for n in order}
    if len(kinds) == 1:
        names = f"{kinds.pop()} " + " and ".join(order)
    else:
        names = " and ".join(f"{_kinds.get(n, 'MailboxRequest')} {n}" for n in order)
    counts = ", ".join(f"{n}: {c}" for n, c in requests.items())
    return (
        f"{names} together ask for {total} {kind} mailboxes on domain "
        f"{domain!r} ({counts}); InboxedUp allows {limit} {kind} ({TYPE_LABELS[kind]}) mailboxes "
        "per domain. Nothing was requested."
    )

"""What this Pulumi program declares (program process only): the domains of its DomainBatch
resources per account, and its MailboxRequest resources summed per account, domain and type.

- A MailboxRequest on a domain the program itself submits cannot find that domain ACTIVE in the
  account at preview: the domain registry lets it say "in the program" instead, and depend on
  the batch. Only plain strings are recorded: a domain computed from another resource's output
  is not known until that resource exists.
- InboxedUp allows a few mailboxes of a type per domain (`mailbox_limit`). Each
  request's own check counts the account's live requests, but two new requests of the program
  on one domain cannot see each other there: the request registry sums them (MailboxRequest
  resources and MailboxRequests entries together), and a program
  whose requests together exceed the limit fails with a `pulumi.RunError` naming them (the CLI
  prints it without a traceback), with no API call. Known domains are summed when the resource
  is constructed; a domain from another resource's output once it is known.
- Accounts (`account=`): each account has its own slots, so the sums are per account; a request
  on a domain the program declares only in another account's DomainBatch fails the program
  naming the domain, both accounts and both resources, with no API call (in either order of
  declaration).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from ..core.domains import DomainNameError, normalize_domain
from . import mailbox_limit
from .mailbox_limit import TYPE_LABELS as TYPE_LABELS  # re-exported

_declared: dict[str, dict[str | None, tuple[str, pulumi.Resource]]] = {}
"""domain -> {account: (DomainBatch name, the batch)}: which account's batch declares it (None is
the default account)."""
_requests: dict[tuple[str | None, str, str], dict[str, int]] = {}
"""(account, domain, type) -> {label: mailboxes}, in declaration order. A label is a
MailboxRequest's name, or a MailboxRequests entry's `'name' requests[i]`: both kinds count
together, per account (each account has its own slots)."""
_kinds: dict[str, str] = {}
"""label -> the resource kind that declared it (`MailboxRequest`, `MailboxRequests`)."""
_asked: dict[str, dict[str, str | None]] = {}
"""domain -> {label: account}: the program's mailbox requests on the domain and their account."""


def reset() -> None:
    """Forgets every declaration (for tests that run several programs in one process)."""
    _declared.clear()
    _requests.clear()
    _kinds.clear()
    _asked.clear()


def account_label(account: str | None) -> str:
    """How messages name an account: `InboxedUp account 'client-a'` or the default one."""
    return "the default InboxedUp account" if account is None else f"InboxedUp account {account!r}"


def _account(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def record(domains: Any, resource: pulumi.Resource, *, name: str = "", account: Any = None) -> None:
    """Records the domains a DomainBatch (`name`, in `account`) declares. A mailbox request of
    the program already declared on one of them in another account fails the program (a
    `pulumi.RunError` naming the domain, both accounts and both resources)."""
    if isinstance(account, pulumi.Output):  # known later: recorded then
        account.apply(lambda a: record(domains, resource, name=name, account=a))
        return
    if not isinstance(domains, Sequence) or isinstance(domains, str):
        return
    owner = _account(account)
    for raw in domains:
        if isinstance(raw, str):
            try:
                domain = normalize_domain(raw)
            except DomainNameError:
                continue  # check() reports it
            _declared.setdefault(domain, {})[owner] = (name, resource)
            for label, asked_in in list(_asked.get(domain, {}).items()):
                _check_same_account(label, domain, asked_in)


def batch_declaring(domain: str, account: Any = None) -> pulumi.Resource | None:
    """The DomainBatch of `account` (None: the default account) declaring `domain`, or None."""
    try:
        found = _declared.get(normalize_domain(domain), {}).get(_account(account))
    except DomainNameError:
        return None
    return found[1] if found is not None else None


def _check_same_account(label: str, domain: str, account: str | None) -> None:
    """A request on a domain the program declares only in other accounts' batches fails."""
    owners = _declared.get(domain)
    if not owners or account in owners:
        return
    other, (batch, _) = next(iter(owners.items()))
    kind = _kinds.get(label, "MailboxRequest")
    raise pulumi.RunError(
        f"{kind} {label} asks for mailboxes on domain {domain!r} in {account_label(account)}, "
        f"but the program declares {domain!r} in DomainBatch {batch!r} of "
        f"{account_label(other)}: a domain's mailboxes are requested in the account that holds "
        f"the domain. Give both the same `account` (or declare the domain in a DomainBatch of "
        f"{account_label(account)} too). Nothing was requested."
    )


def declare_request(
    name: str,
    domain: Any,
    type_: Any,
    mailboxes: Any,
    *,
    kind: str = "MailboxRequest",
    entry: str | None = None,
    account: Any = None,
) -> None:
    """Adds a MailboxRequest (or one `entry` of a MailboxRequests, `kind="MailboxRequests"`) to
    the program's sums of its account; raises `pulumi.RunError` when its type's limit on its domain
    is exceeded in that account, or when the program declares the domain only in another
    account's DomainBatch. Values from other resources' outputs are summed once known (the error
    then fails the program as it runs); a value check() will refuse is left to it."""
    label = repr(name) if entry is None else f"{name!r} {entry}"
    _kinds[label] = kind
    name = label
    listed = isinstance(mailboxes, Sequence) and not isinstance(mailboxes, str)
    count: Any = len(mailboxes) if listed else mailboxes
    if all(not isinstance(v, pulumi.Output) for v in (domain, type_, count, account)):
        _add(name, domain, type_, count, account)
        return
    count_output = pulumi.Output.from_input(count).apply(
        lambda c: len(c) if isinstance(c, Sequence) and not isinstance(c, str) else c
    )
    pulumi.Output.all(domain, type_, count_output, account).apply(lambda v: _add(name, *v))


def _add(name: str, domain: Any, type_: Any, count: Any, account: Any = None) -> None:
    owner = _account(account)
    if not isinstance(domain, str):
        return
    try:
        normalized = normalize_domain(domain)
    except DomainNameError:
        return
    _asked.setdefault(normalized, {})[name] = owner
    _check_same_account(name, normalized, owner)
    if not mailbox_limit.is_limited(type_):
        return
    if isinstance(count, bool) or not isinstance(count, int):
        return
    kind = mailbox_limit.type_name(type_)
    requests = _requests.setdefault((owner, normalized, kind), {})
    requests[name] = count
    over = mailbox_limit.overflow(kind, count, sum(requests.values()) - count)
    if over is not None:
        raise pulumi.RunError(_over_limit(name, normalized, requests, over, owner))


def _over_limit(
    name: str,
    domain: str,
    requests: Mapping[str, int],
    over: mailbox_limit.Overflow,
    account: str | None = None,
) -> str:
    order = [name, *(n for n in requests if n != name)]
    kinds = {_kinds.get(n, "MailboxRequest") for n in order}
    if len(kinds) == 1:
        names = f"{kinds.pop()} " + " and ".join(order)
    else:
        names = " and ".join(f"{_kinds.get(n, 'MailboxRequest')} {n}" for n in order)
    counts = ", ".join(f"{n}: {c}" for n, c in requests.items())
    where = "" if account is None else f" in {account_label(account)}"
    return (
        f"{names} together ask for {over.total} {over.type} mailboxes on domain "
        f"{domain!r}{where} ({counts}); InboxedUp allows {over.limit} {over.type} "
        f"({over.label}) mailboxes per domain. Nothing was requested."
    )

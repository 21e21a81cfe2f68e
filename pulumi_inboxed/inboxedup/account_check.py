"""Preview's check of mailbox requests against the InboxedUp account, written once.

`MailboxRequest` checks its one request here, `MailboxRequests` each new or changed entry. The
reads are the runtime's shared snapshot (`runtime.AccountSnapshot`: one listing of domains and one
of requests per provider process and account, whatever the number of requests asking), so a
preview of many requests costs two calls. Nothing is written.

For each request: its domain must be declared by a DomainBatch of the program or ACTIVE in the
account, and the account's pending, in-progress and completed requests of its type on the domain
(failed ones free their slots), with this one, must fit the type's per-domain limit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pulumi.dynamic as dyn

from ..core.domain_promise import account_phrase, undeclared_domain
from ..core.errors import InboxedError
from . import mailbox_limit
from .models import DomainStatus, MailboxRequest
from .runtime import API, NAMESPACE, AccountSnapshot


@dataclass(frozen=True)
class PlannedRequest:
    """One request a resource is about to make, as preview sees it.

    :param where: its path among the inputs, a prefix of its failures (`requests[2].`, or "").
    :param domain: its domain.
    :param type: its mailbox type's value (`smtp`).
    :param mailboxes: how many mailboxes it adds.
    :param declared: a DomainBatch of the program declares the domain (not looked for).
    :param stands_for: the account's request this one stands for (its own earlier request, or
        the one its create would adopt), which is not counted against it.
    """

    where: str
    domain: str
    type: str
    mailboxes: int
    declared: bool
    stands_for: Callable[[MailboxRequest], bool]


def account_failures(
    account: Callable[[], AccountSnapshot],
    planned: Iterable[PlannedRequest],
    named: str | None = None,
) -> list[dyn.CheckFailure]:
    """The failures of `planned` against the account (`account()`: its shared snapshot; `named`:
    its name in the program, None for the default one, which the messages name). An account that
    cannot be read is one failure on the `account` input, naming why."""
    failures: list[dyn.CheckFailure] = []
    snapshot: AccountSnapshot | None = None
    for request in planned:
        domain, type_ = request.domain, request.type
        try:
            snapshot = snapshot or account()
            if not request.declared:
                problem = _domain_problem(snapshot, domain, named)
                if problem is not None:
                    failures.append(dyn.CheckFailure(f"{request.where}domain", problem))
                    continue
            used = mailbox_limit.used_slots(
                (
                    (r.mailbox_type, r.status, len(r.mailboxes))
                    for r in snapshot.requests_on(domain)
                    if not request.stands_for(r)
                ),
                type_,
            )
        except InboxedError as exc:
            reason = f"could not check {domain!r} against the account: {exc}"
            return [dyn.CheckFailure("account", reason)]
        over = mailbox_limit.overflow(type_, request.mailboxes, used)
        if over is not None:
            reason = (
                f"domain {domain!r}: {over.label} allows {over.limit} mailboxes per domain; "
                f"the account has {over.used} pending, in progress or completed, and this request "
                f"adds {over.adding}"
            )
            failures.append(dyn.CheckFailure(f"{request.where}mailboxes", reason))
    return failures


def _domain_problem(snapshot: AccountSnapshot, domain: str, named: str | None) -> str | None:
    found = snapshot.domain(domain)
    if found is None:
        return undeclared(named, domain)
    if found.status is not DomainStatus.ACTIVE:
        return not_active(named, domain, found.status)
    return None


def undeclared(account: str | None, domain: str) -> str:
    """A domain neither the account holds nor a DomainBatch of the program declares (the words
    every API uses, `core.domain_promise`)."""
    return undeclared_domain(API, NAMESPACE, account, domain, declared_by="DomainBatch")


def not_active(account: str | None, domain: str, status: DomainStatus) -> str:
    """A domain the account holds, but not ACTIVE yet (or FAILED)."""
    return (
        f"{domain!r} is {status.value} in {account_phrase(API, NAMESPACE, account)}; mailboxes "
        "need an ACTIVE domain, or one a DomainBatch of this program declares"
    )

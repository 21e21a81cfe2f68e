"""Which domains a Mailin.ai mailbox may be made on, checked at preview.

An address's domain must be declared by a `Domains` resource of the program in the resource's
account, or held by that account as a domain of the kind (SMTP or Google), or be a subdomain of
one (a `Subdomain` resource may make it). The account's domain list is read once per provider
process and account (`MailinRuntime.shared_domains`); the words are every API's
(`core.domain_promise`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pulumi.dynamic as dyn

from ..core.domain_promise import account_phrase, undeclared_domain
from ..core.errors import InboxedError
from .domain_acquire import of_kind
from .errors import LoginFailedError
from .runtime import API, NAMESPACE, MailinRuntime


def domain_failures(
    runtime: Callable[[], MailinRuntime],
    google: bool,
    olds: Mapping[str, Any],
    inputs: Mapping[str, Any],
    declared: Sequence[Any],
) -> list[dyn.CheckFailure]:
    """Read-only, at preview: each new address's domain must be declared by a `Domains`
    resource of the program in the resource's account, or held by that account as a domain
    of the kind (or a subdomain of one). One shared listing per provider process and
    account (`MailinRuntime.shared_domains`), none when every domain is declared or was
    accepted before (the previous inputs' addresses)."""
    before = {m.get("username") for m in olds.get("mailboxes") or [] if isinstance(m, dict)}
    wanted: dict[str, int] = {}
    for index, entry in enumerate(inputs["mailboxes"]):
        domain = str(entry["username"]).rsplit("@", 1)[1]
        if entry["username"] not in before and domain not in set(declared):
            wanted.setdefault(domain, index)
    if not wanted:
        return []
    account = inputs.get("account") or None
    try:
        rt = runtime()
        listed = rt.shared_domains(google=google)
        held = {d.name.lower() for d in listed if of_kind(d, google)}
        missing = [d for d in wanted if not _held(d, held)]
        other = (
            {d.name.lower() for d in listed if not of_kind(d, google)}
            | {
                d.name.lower()
                for d in rt.shared_domains(google=not google)
                if of_kind(d, not google)
            }
            if missing
            else set()
        )
    except LoginFailedError:
        raise  # the login's own error, naming the account and its keys
    except InboxedError as exc:  # the account could not be read: its failure
        return [dyn.CheckFailure("account", f"could not check the mailboxes' domains: {exc}")]
    kind, other_kind = ("Google", "SMTP") if google else ("SMTP", "Google")
    article, other_resource = ("an", "SmtpMailboxes") if google else ("a", "GoogleMailboxes")
    failures: list[dyn.CheckFailure] = []
    for domain in missing:
        where = f"mailboxes[{wanted[domain]}].username"
        if domain in other:
            reason = (
                f"{domain!r} is {article} {other_kind} domain of "
                f"{account_phrase(API, NAMESPACE, account)}; {kind} mailboxes need a "
                f"{kind} domain ({other_resource} makes its mailboxes). Nothing was made."
            )
        else:
            reason = undeclared_domain(
                API, NAMESPACE, account, domain, declared_by="Domains", kind=kind
            )
        failures.append(dyn.CheckFailure(where, reason))
    return failures


def _held(domain: str, held: set[str]) -> bool:
    """`domain`, or a domain it is a subdomain of, is in `held`."""
    labels = domain.split(".")
    return any(".".join(labels[i:]) in held for i in range(len(labels) - 1))

"""What this Pulumi program declares for Mailin.ai (program process only): which account each of
its `Domains` resources puts its domains in, so that a resource on one of those domains declared
with another account fails the program before anything is made there.

- A `Subdomain` (its `domain`) or a mailbox resource (the domain of each address) on a domain a
  `Domains` resource of the program declares as a plain string is checked when it is
  constructed: with another account it fails with a `pulumi.RunError` naming the domain and both
  accounts (the CLI prints it without a traceback), at preview, with no API call.
- A forwarding resource names its domain by id (`domains.domain_ids["x.com"]`): it is checked
  once the ids of the program's `Domains` resources and its own id are known (at preview when
  they are in the state already, else as `up` runs, before the forwarding is created).

Values from other resources' outputs are checked once known; an account given as an output is
too. Only what the program itself declares is seen: a domain bought outside it is not.

- A mailbox resource also carries `domains_in_program` (`declared_in`): its addresses' domains
  that a `Domains` resource of the program declares in its account, computed once the program
  has declared everything (so the order of declaration does not matter). Its check() at preview
  looks the others up in the account's shared domain listing (`core.domain_promise`): a domain
  neither declared nor held fails there, naming the account.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from ..core.domains import DomainNameError, normalize_domain


@dataclass(frozen=True)
class _Declared:
    resource: str
    """The `Domains` resource's name."""
    account: str | None


_declared: dict[str, _Declared] = {}
"""domain -> the Domains resource declaring it (as a plain string) and its account."""
_id_sources: list[tuple[_Declared, pulumi.Output[Any]]] = []
"""Every Domains resource of the program with its `domain_ids` output (domain -> id)."""


def reset() -> None:
    """Forgets every declaration (for tests that run several programs in one process)."""
    _declared.clear()
    _id_sources.clear()


def _label(account: str | None) -> str:
    return "the default account" if account is None else f"account {account!r}"


def _normal(domain: Any) -> str | None:
    if not isinstance(domain, str):
        return None
    try:
        return normalize_domain(domain)
    except DomainNameError:
        return None  # check() reports it


def _known_account(account: Any) -> tuple[bool, str | None]:
    """(whether the account is known now, the account)."""
    if account is None or account == "":
        return True, None
    if isinstance(account, str):
        return True, account
    return False, None


def record(resource: Any, name: str, props: Mapping[str, Any]) -> None:
    """`after_register` of `Domains`: its plain-string domains and its domain ids, under its
    account (an account given as an output is recorded once known)."""
    account = props.get("account")
    known, value = _known_account(account)
    if not known:
        if isinstance(account, pulumi.Output):
            account.apply(lambda a: record(resource, name, {**props, "account": a}))
        return
    declared = _Declared(name, value)
    domains = props.get("domains")
    if isinstance(domains, Sequence) and not isinstance(domains, str):
        for raw in domains:
            normalized = _normal(raw)
            if normalized is not None:
                _declared[normalized] = declared
    ids = getattr(resource, "domain_ids", None)
    if isinstance(ids, pulumi.Output):
        _id_sources.append((declared, ids))


def _message(kind: str, name: str, domain: str, account: str | None, owner: _Declared) -> str:
    return (
        f"Mailin.ai {kind} {name!r} is in {_label(account)}, but its domain {domain!r} is "
        f"declared by Domains {owner.resource!r} in {_label(owner.account)}: an object on a "
        "domain must be in the account holding the domain. Give both the same `account=`. "
        "Nothing was made."
    )


def _check_names(kind: str, name: str, domains: list[Any], account: Any) -> None:
    known, value = _known_account(account)
    if not known:
        return
    for raw in domains:
        normalized = _normal(raw)
        owner = _declared.get(normalized) if normalized is not None else None
        if owner is not None and owner.account != value:
            raise pulumi.RunError(_message(kind, name, str(normalized), value, owner))


def check_domains(kind: str, name: str, domains: Any, account: Any) -> None:
    """Fails (`pulumi.RunError`) when one of `domains` (names, or an output of them) is declared
    by a `Domains` resource of the program in another account than `account`."""
    if isinstance(domains, pulumi.Output) or isinstance(account, pulumi.Output):
        pulumi.Output.all(domains, account).apply(
            lambda v: _check_names(kind, name, _as_list(v[0]), v[1])
        )
        return
    listed = _as_list(domains)
    if any(isinstance(d, pulumi.Output) for d in listed):
        pulumi.Output.all(*listed, account).apply(
            lambda v: _check_names(kind, name, list(v[:-1]), v[-1])
        )
        return
    _check_names(kind, name, listed, account)


def _as_list(domains: Any) -> list[Any]:
    if isinstance(domains, Sequence) and not isinstance(domains, str):
        return list(domains)
    return [domains]


def check_domain_id(kind: str, name: str, domain_id: Any, account: Any) -> None:
    """Fails (`pulumi.RunError`) when `domain_id` is the id of a domain a `Domains` resource of
    the program holds in another account than `account`: checked once every id is known."""
    sources = list(_id_sources)
    if not sources or domain_id is None:
        return

    def check(values: list[Any]) -> None:
        wanted, acct = values[0], values[1]
        known, value = _known_account(acct)
        if not known or isinstance(wanted, bool) or not isinstance(wanted, int | float):
            return
        for (owner, _), ids in zip(sources, values[2:], strict=True):
            for domain, id_ in (ids or {}).items():
                if id_ == wanted and owner.account != value:
                    raise pulumi.RunError(_message(kind, name, str(domain), value, owner))

    pulumi.Output.all(domain_id, account, *(ids for _, ids in sources)).apply(check)


def declared_in(domains: Any, account: Any) -> list[str]:
    """The names among `domains` that a `Domains` resource of the program declares (as a plain
    string) in `account`, or whose parent domain it declares there (a `Subdomain` of it may
    make the name)."""
    known, value = _known_account(account)
    if not known:
        return []
    found: list[str] = []
    for raw in _as_list(domains):
        normalized = _normal(raw)
        if normalized is None:
            continue
        labels = normalized.split(".")
        parents = (".".join(labels[i:]) for i in range(len(labels) - 1))
        if any(
            (owner := _declared.get(name)) is not None and owner.account == value
            for name in parents
        ):
            found.append(normalized)
    return found


def mark_declared(props: dict[str, Any], key: str, domains: Any) -> None:
    """Sets `props[key]` to the output of `declared_in` for `domains` and the resource's account:
    resolved once the program has run its declarations (an apply runs after the program's
    body), so a `Domains` resource declared after the mailboxes counts too."""
    props[key] = pulumi.Output.all(domains, props.get("account")).apply(
        lambda v: declared_in(v[0], v[1])
    )


def mailbox_domains(mailboxes: Any) -> Any:
    """The domains of a mailbox list's addresses (an output of them when any is not known)."""
    if isinstance(mailboxes, pulumi.Output):
        return mailboxes.apply(_domains_of)
    if not isinstance(mailboxes, Sequence) or isinstance(mailboxes, str):
        return []
    usernames = [m.get("username") if isinstance(m, Mapping) else None for m in mailboxes]
    if any(isinstance(u, pulumi.Output) for u in usernames) or any(
        isinstance(m, pulumi.Output) for m in mailboxes
    ):
        return pulumi.Output.all(*mailboxes).apply(_domains_of)
    return _domains_of(mailboxes)


def _domains_of(mailboxes: Any) -> list[str]:
    found: list[str] = []
    for m in mailboxes or []:
        username = m.get("username") if isinstance(m, Mapping) else None
        if isinstance(username, str) and "@" in username:
            found.append(username.rsplit("@", 1)[1])
    return list(dict.fromkeys(found))


__all__ = [
    "check_domain_id",
    "check_domains",
    "declared_in",
    "mailbox_domains",
    "mark_declared",
    "record",
    "reset",
]

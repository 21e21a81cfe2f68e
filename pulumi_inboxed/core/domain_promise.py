"""One promise for every API: a mailbox on a domain that neither the program declares nor the
account holds fails at preview, naming the API, the account and where that account is
configured, with no write and one shared listing of the account's domains per provider process.

Each API's mailbox check (InboxedUp `MailboxRequest(s)`, Mailin.ai `SmtpMailboxes` and
`GoogleMailboxes`) reads its runtime's shared listing and words its refusal here, so the user
reads the same sentence whatever the API:

    account 'client-b' (Mailin.ai, config mailin:accounts.client-b) holds no SMTP domain
    'x.com' and the program declares none: declare it in a Domains resource of this program
    with account='client-b', or use a domain the account holds. Nothing was made.

A domain that comes from another resource's output is unknown at preview: the callers skip it
(it is checked by the API when it is known).
"""

from __future__ import annotations


def account_phrase(api: str, namespace: str, account: str | None) -> str:
    """How a message names an account and where it is configured: `account 'client-b'
    (Mailin.ai, config mailin:accounts.client-b)`, or `the default account (InboxedUp, the
    plain inboxedup: config)`."""
    if account is None:
        return f"the default account ({api}, the plain {namespace}: config)"
    return f"account {account!r} ({api}, config {namespace}:accounts.{account})"


def undeclared_domain(
    api: str,
    namespace: str,
    account: str | None,
    domain: str,
    *,
    declared_by: str,
    kind: str = "",
) -> str:
    """The refusal of a mailbox on `domain`, which the account does not hold and no
    `declared_by` resource (`Domains`, `DomainBatch`) of the program declares in that account.
    `kind` qualifies the domain ("SMTP", "Google")."""
    held = f"{kind} domain" if kind else "domain"
    same = f"account={account!r}" if account is not None else "no account (the default one)"
    return (
        f"{account_phrase(api, namespace, account)} holds no {held} {domain!r} and the program "
        f"declares none: declare it in a {declared_by} resource of this program with {same}, "
        "or use a domain the account holds. Nothing was made."
    )


__all__ = ["account_phrase", "undeclared_domain"]

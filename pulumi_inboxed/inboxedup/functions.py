"""Read-only InboxedUp lookups: plain functions and `_output` variants for Pulumi programs.

Each lookup comes twice:

- ``get_account()`` and friends are plain Python: they return the pydantic models of
  `pulumi_inboxed.inboxedup.models`. Settings come from the environment
  (``INBOXEDUP_API_TOKEN``, ``INBOXEDUP_BASE_URL``, ...) through `runtime_for`, unless an
  explicit ``client=`` is given, which wins.
- ``get_account_output()`` and friends are for a Pulumi program: arguments are
  ``pulumi.Input``, the result is a ``pulumi.Output`` of the same model. Settings come from the
  stack config (``inboxedup:apiToken``, ``inboxedup:baseUrl``, ``inboxedup:pollIntervalSeconds``),
  each falling back to its environment variable as `runtime_for` does. The HTTP call runs in a
  worker thread, so it does not block the Pulumi event loop.

Secrets: the token is secret, so every value computed from it would be secret too. The results
below hold no credentials, so they are returned unsecret, EXCEPT the mailbox-request lookups
(`get_mailbox_request_output`, `list_mailbox_requests_output`): their mailbox entries may carry a
``password``, so they are always secret. A result is also secret when one of its arguments was.

Accounts: every function takes ``account=`` (a name under ``inboxedup:accounts``, or in the
``INBOXEDUP_ACCOUNTS`` variable for the plain functions); unset, the default account (the plain
settings). A named account uses only its own token, never ``inboxedup:apiToken``.

The results are pydantic models, not plain data: to export one as a stack output, convert it
first, e.g. ``get_account_output().apply(lambda a: a.model_dump(by_alias=True))``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pulumi

from ..core.output_functions import call_with_stack_config, unsecret_unless_args_were
from .client import InboxedUpClient
from .models import Account, BatchStatus, Domain, MailboxRequest, Subscription
from .runtime import (
    ACCOUNTS,
    API_TOKEN,
    BASE_URL,
    ENDPOINTS,
    MAX_CONCURRENT_REQUESTS,
    POLL_INTERVAL,
    REQUEST_TIMEOUT,
    REQUESTS_PER_SECOND,
    VERIFY_NS_INTERVAL,
    runtime_for,
)

__all__ = [
    "get_account",
    "get_account_output",
    "get_batch_status",
    "get_batch_status_output",
    "get_domain",
    "get_domain_output",
    "get_mailbox_request",
    "get_mailbox_request_output",
    "list_domains",
    "list_domains_output",
    "list_mailbox_requests",
    "list_mailbox_requests_output",
    "list_subscriptions",
    "list_subscriptions_output",
]

T = TypeVar("T")

_SETTINGS = (
    API_TOKEN,
    BASE_URL,
    POLL_INTERVAL,
    VERIFY_NS_INTERVAL,
    MAX_CONCURRENT_REQUESTS,
    REQUESTS_PER_SECOND,
    REQUEST_TIMEOUT,
    ENDPOINTS,
    ACCOUNTS,
)


def _client(client: InboxedUpClient | None, account: str | None = None) -> InboxedUpClient:
    """The given client, or the shared one of `account` built from the environment
    (`INBOXEDUP_ACCOUNTS` for a named account)."""
    return client if client is not None else runtime_for(None, account).client


# Plain functions


def get_account(*, client: InboxedUpClient | None = None, account: str | None = None) -> Account:
    """Account overview: ``GET /account`` (profile, allocations per type, summary)."""
    return _client(client, account).get_account()


def list_subscriptions(
    *, client: InboxedUpClient | None = None, account: str | None = None
) -> list[Subscription]:
    """Active subscriptions: ``GET /subscriptions``."""
    return _client(client, account).list_subscriptions()


def list_domains(
    status: str | None = None,
    batch_id: str | None = None,
    domain: str | None = None,
    *,
    client: InboxedUpClient | None = None,
    account: str | None = None,
) -> list[Domain]:
    """The account's domains: ``GET /domains?status=&batchId=&domain=``, every page read.

    `status` is a `DomainStatus` value; `domain` filters by exact name.
    """
    return list(
        _client(client, account).iter_domains(status=status, batch_id=batch_id, domain=domain)
    )


def get_domain(
    domain_id: str, *, client: InboxedUpClient | None = None, account: str | None = None
) -> Domain:
    """One domain: ``GET /domains/{domainId}``; raises `NotFoundError` when unknown."""
    return _client(client, account).get_domain(domain_id)


def list_mailbox_requests(
    domain: str | None = None,
    status: str | None = None,
    *,
    client: InboxedUpClient | None = None,
    account: str | None = None,
) -> list[MailboxRequest]:
    """Mailbox requests: ``GET /mailboxes?domain=&status=``, every page read.

    Mailbox entries of completed requests may carry a ``password``.
    """
    return list(_client(client, account).iter_mailbox_requests(domain=domain, status=status))


def get_mailbox_request(
    request_id: str, *, client: InboxedUpClient | None = None, account: str | None = None
) -> MailboxRequest:
    """One mailbox request: ``GET /mailboxes/{id}``; raises `NotFoundError` when unknown.

    Its mailbox entries may carry a ``password``.
    """
    return _client(client, account).get_mailbox_request(request_id)


def get_batch_status(
    batch_id: str, *, client: InboxedUpClient | None = None, account: str | None = None
) -> BatchStatus:
    """A domain batch's provisioning status: ``GET /domains/batch/{batchId}``."""
    return _client(client, account).get_batch_status(batch_id)


# Output variants


def _call(
    account: str | None, fn: Callable[[InboxedUpClient, list[Any]], T], *args: pulumi.Input[Any]
) -> pulumi.Output[T]:
    """`fn(client of account, args)` once the stack config (`inboxedup:accounts` read as a
    secret) and the args are known."""
    return call_with_stack_config(_SETTINGS, lambda m: runtime_for(m, account).client, fn, *args)


_unsecret = unsecret_unless_args_were


def get_account_output(account: str | None = None) -> pulumi.Output[Account]:
    """`get_account` in a Pulumi program: ``GET /account``, with stack-config settings."""
    return _unsecret(_call(account, lambda c, _: get_account(client=c)))


def list_subscriptions_output(account: str | None = None) -> pulumi.Output[list[Subscription]]:
    """`list_subscriptions` in a Pulumi program: ``GET /subscriptions``."""
    return _unsecret(_call(account, lambda c, _: list_subscriptions(client=c)))


def list_domains_output(
    status: pulumi.Input[str] | None = None,
    batch_id: pulumi.Input[str] | None = None,
    domain: pulumi.Input[str] | None = None,
    account: str | None = None,
) -> pulumi.Output[list[Domain]]:
    """`list_domains` in a Pulumi program: ``GET /domains?status=&batchId=&domain=``, all pages."""
    result = _call(
        account, lambda c, a: list_domains(a[0], a[1], a[2], client=c), status, batch_id, domain
    )
    return _unsecret(result, status, batch_id, domain)


def get_domain_output(
    domain_id: pulumi.Input[str], account: str | None = None
) -> pulumi.Output[Domain]:
    """`get_domain` in a Pulumi program: ``GET /domains/{domainId}``."""
    result = _call(account, lambda c, a: get_domain(a[0], client=c), domain_id)
    return _unsecret(result, domain_id)


def list_mailbox_requests_output(
    domain: pulumi.Input[str] | None = None,
    status: pulumi.Input[str] | None = None,
    account: str | None = None,
) -> pulumi.Output[list[MailboxRequest]]:
    """`list_mailbox_requests` in a Pulumi program: ``GET /mailboxes?domain=&status=``, all pages.

    The result is ALWAYS SECRET, whether the token came from the stack config or the
    environment: mailbox entries may carry a ``password``.
    """
    result = _call(
        account, lambda c, a: list_mailbox_requests(a[0], a[1], client=c), domain, status
    )
    return pulumi.Output.secret(result)


def get_mailbox_request_output(
    request_id: pulumi.Input[str], account: str | None = None
) -> pulumi.Output[MailboxRequest]:
    """`get_mailbox_request` in a Pulumi program: ``GET /mailboxes/{id}``.

    The result is ALWAYS SECRET, whether the token came from the stack config or the
    environment: mailbox entries may carry a ``password``.
    """
    result = _call(account, lambda c, a: get_mailbox_request(a[0], client=c), request_id)
    return pulumi.Output.secret(result)


def get_batch_status_output(
    batch_id: pulumi.Input[str], account: str | None = None
) -> pulumi.Output[BatchStatus]:
    """`get_batch_status` in a Pulumi program: ``GET /domains/batch/{batchId}``."""
    result = _call(account, lambda c, a: get_batch_status(a[0], client=c), batch_id)
    return _unsecret(result, batch_id)

"""Read-only Mailin.ai lookups: plain functions and `_output` variants for Pulumi programs.

Plain functions read their settings from the environment (`MAILIN_BASE_URL`, `MAILIN_API_TOKEN`
or `MAILIN_EMAIL` + `MAILIN_PASSWORD`; a named `account=` from its entry of `MAILIN_ACCOUNTS`)
unless a `client=` is given. The `_output` variants read the stack config (`mailin:*`, a named
`account=` from `mailin:accounts.<name>`) and return an `Output`. Mailbox lookups carry
passwords, so their `_output` results are always secret; the others hold no credentials and are
not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pulumi

from ..core.output_functions import call_with_stack_config, unsecret_unless_args_were
from .client import MailinClient
from .microsoft_models import (
    AzureOrderInfo,
    CreditEntry,
    DomainRegistrarInfo,
    InboxProviderInfo,
)
from .models import Availability, MailinDomain, MailinMailbox, RateLimit, Server, User
from .runtime import (
    ACCOUNTS,
    API_TOKEN,
    BASE_URL,
    DEVICE_NAME,
    EMAIL,
    ENDPOINTS,
    PASSWORD,
    POLL_INTERVAL,
    runtime_for,
)

T = TypeVar("T")
_SETTINGS = (BASE_URL, API_TOKEN, EMAIL, PASSWORD, DEVICE_NAME, POLL_INTERVAL, ENDPOINTS, ACCOUNTS)


def _client(client: MailinClient | None, account: str | None = None) -> MailinClient:
    """`client`, else the client of `account` (None: the default account)."""
    return client if client is not None else runtime_for(None, account).client


def get_user(
    user_id: int | None = None, *, client: MailinClient | None = None, account: str | None = None
) -> User:
    """User details (the logged-in user by default)."""
    return _client(client, account).get_user(user_id)


def list_servers(*, client: MailinClient | None = None, account: str | None = None) -> list[Server]:
    return _client(client, account).list_servers()


def get_server(
    server_id: int, *, client: MailinClient | None = None, account: str | None = None
) -> Server:
    return _client(client, account).get_server(server_id)


def list_domains(
    name: str | None = None,
    *,
    google: bool = False,
    client: MailinClient | None = None,
    account: str | None = None,
) -> list[MailinDomain]:
    """Domains (every page); `name` is the API's wildcard filter."""
    return _client(client, account).list_domains(name, google=google)


def get_domain(
    domain_id: int, *, client: MailinClient | None = None, account: str | None = None
) -> MailinDomain:
    return _client(client, account).get_domain(domain_id)


def list_mailboxes(
    name: str | None = None,
    *,
    google: bool = False,
    client: MailinClient | None = None,
    account: str | None = None,
) -> list[MailinMailbox]:
    """Mailboxes (every page); entries carry their passwords."""
    return _client(client, account).list_mailboxes(name, google=google)


def get_mailbox(
    mailbox_id: int, *, client: MailinClient | None = None, account: str | None = None
) -> MailinMailbox:
    return _client(client, account).get_mailbox(mailbox_id)


def get_domain_rate_limit(
    domain_id: int, *, client: MailinClient | None = None, account: str | None = None
) -> RateLimit:
    return _client(client, account).get_domain_rate_limit(domain_id)


def get_mailbox_rate_limit(
    mailbox_id: int, *, client: MailinClient | None = None, account: str | None = None
) -> RateLimit:
    return _client(client, account).get_mailbox_rate_limit(mailbox_id)


def check_availability(
    name: str, *, client: MailinClient | None = None, account: str | None = None
) -> Availability:
    """Whether a domain can be bought."""
    return _client(client, account).check_availability(name)


def get_credits(*, client: MailinClient | None = None, account: str | None = None) -> int:
    """The account's verification credits."""
    return _client(client, account).get_credits()


def credit_history(
    *, client: MailinClient | None = None, account: str | None = None
) -> list[CreditEntry]:
    """Credit additions, debits and refunds, newest first (every page)."""
    return _client(client, account).credit_history()


def list_inbox_providers(
    *, client: MailinClient | None = None, account: str | None = None
) -> list[InboxProviderInfo]:
    """Inbox providers; the entries carry their API keys."""
    return _client(client, account).list_inbox_providers()


def list_domain_registrars(
    *, client: MailinClient | None = None, account: str | None = None
) -> list[DomainRegistrarInfo]:
    """Domain registrars; the entries carry their API keys."""
    return _client(client, account).list_domain_registrars()


def list_azure_orders(
    *, client: MailinClient | None = None, account: str | None = None
) -> list[AzureOrderInfo]:
    return _client(client, account).list_azure_orders()


def _call(
    fn: Callable[[MailinClient, list[Any]], T], *args: pulumi.Input[Any], account: str | None
) -> pulumi.Output[T]:
    """`fn(client of the account, args)` once the stack config (`mailin:accounts` too, read as
    a secret) and the args are known."""
    return call_with_stack_config(_SETTINGS, lambda m: runtime_for(m, account).client, fn, *args)


def get_user_output(
    user_id: pulumi.Input[int] | None = None, *, account: str | None = None
) -> pulumi.Output[User]:
    result = _call(lambda c, a: get_user(a[0], client=c), user_id, account=account)
    return unsecret_unless_args_were(result)


def list_servers_output(*, account: str | None = None) -> pulumi.Output[list[Server]]:
    return unsecret_unless_args_were(_call(lambda c, _: list_servers(client=c), account=account))


def list_domains_output(
    name: pulumi.Input[str] | None = None, google: bool = False, *, account: str | None = None
) -> pulumi.Output[list[MailinDomain]]:
    result = _call(lambda c, a: list_domains(a[0], google=google, client=c), name, account=account)
    return unsecret_unless_args_were(result, name)


def get_domain_output(
    domain_id: pulumi.Input[int], *, account: str | None = None
) -> pulumi.Output[MailinDomain]:
    result = _call(lambda c, a: get_domain(a[0], client=c), domain_id, account=account)
    return unsecret_unless_args_were(result, domain_id)


def list_mailboxes_output(
    name: pulumi.Input[str] | None = None, google: bool = False, *, account: str | None = None
) -> pulumi.Output[list[MailinMailbox]]:
    """Always secret: the entries carry passwords."""
    result = _call(
        lambda c, a: list_mailboxes(a[0], google=google, client=c), name, account=account
    )
    return pulumi.Output.secret(result)


def get_mailbox_output(
    mailbox_id: pulumi.Input[int], *, account: str | None = None
) -> pulumi.Output[MailinMailbox]:
    """Always secret: the mailbox carries its password."""
    result = _call(lambda c, a: get_mailbox(a[0], client=c), mailbox_id, account=account)
    return pulumi.Output.secret(result)


def check_availability_output(
    name: pulumi.Input[str], *, account: str | None = None
) -> pulumi.Output[Availability]:
    result = _call(lambda c, a: check_availability(a[0], client=c), name, account=account)
    return unsecret_unless_args_were(result, name)


def get_credits_output(*, account: str | None = None) -> pulumi.Output[int]:
    return unsecret_unless_args_were(_call(lambda c, _: get_credits(client=c), account=account))


def credit_history_output(*, account: str | None = None) -> pulumi.Output[list[CreditEntry]]:
    result = _call(lambda c, _: credit_history(client=c), account=account)
    return unsecret_unless_args_were(result)


def list_inbox_providers_output(
    *, account: str | None = None
) -> pulumi.Output[list[InboxProviderInfo]]:
    """Always secret: the entries carry API keys."""
    result = _call(lambda c, _: list_inbox_providers(client=c), account=account)
    return pulumi.Output.secret(result)


def list_domain_registrars_output(
    *, account: str | None = None
) -> pulumi.Output[list[DomainRegistrarInfo]]:
    """Always secret: the entries carry API keys."""
    result = _call(lambda c, _: list_domain_registrars(client=c), account=account)
    return pulumi.Output.secret(result)


def list_azure_orders_output(*, account: str | None = None) -> pulumi.Output[list[AzureOrderInfo]]:
    result = _call(lambda c, _: list_azure_orders(client=c), account=account)
    return unsecret_unless_args_were(result)

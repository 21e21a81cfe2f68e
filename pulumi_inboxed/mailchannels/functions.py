"""Read-only MailChannels Inbound lookups: plain functions and `_output` variants.

Plain functions read `MAILCHANNELS_BASE_URL` and `MAILCHANNELS_API_KEY` (or, with `account=`, the
account's entry of `MAILCHANNELS_ACCOUNTS`) from the environment unless a `client=` is given; the
`_output` variants read the stack config (`mailchannels:*`, with `account=` the
`mailchannels:accounts.<name>` entry). The results hold no credentials, so the `_output` variants
are not secret (unless an argument was).
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi

from ..core.output_functions import call_with_stack_config, unsecret_unless_args_were
from .client import MailChannelsClient
from .models import InboundDomain, Subscription
from .runtime import ACCOUNTS, API_KEY, BASE_URL, ENDPOINTS, client_for

_SETTINGS = (BASE_URL, API_KEY, ENDPOINTS, ACCOUNTS)
"""What the `_output` variants read from the stack config (`ACCOUNTS` holds secrets)."""


def list_subscriptions(
    *, client: MailChannelsClient | None = None, account: str | None = None
) -> list[Subscription]:
    """`GET /subscriptions`: handles, plans, limits and how many domains each holds."""
    return (client or client_for(None, account)).list_subscriptions()


def list_domains(
    names: Sequence[str] | None = None,
    *,
    client: MailChannelsClient | None = None,
    account: str | None = None,
) -> list[InboundDomain]:
    """`GET /domains`: every domain of the API key, or only `names`."""
    return (client or client_for(None, account)).list_domains(names)


def list_subscriptions_output(account: str | None = None) -> pulumi.Output[list[Subscription]]:
    """The account's subscriptions (`account`: a name under `mailchannels:accounts`; None: the
    default account)."""
    result = call_with_stack_config(
        _SETTINGS,
        lambda config: client_for(config, account),
        lambda c, _args: c.list_subscriptions(),
    )
    return unsecret_unless_args_were(result)


def list_domains_output(
    names: pulumi.Input[Sequence[str]] | None = None, account: str | None = None
) -> pulumi.Output[list[InboundDomain]]:
    """The account's domains, or only `names` (`account` as in `list_subscriptions_output`)."""
    result = call_with_stack_config(
        _SETTINGS,
        lambda config: client_for(config, account),
        lambda c, args: c.list_domains(list(args[0]) if args[0] else None),
        names,
    )
    return unsecret_unless_args_were(result, names)  # None is a plain input

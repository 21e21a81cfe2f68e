"""Read-only Pingram lookups: plain functions and `_output` variants for Pulumi programs.

Plain functions read `PINGRAM_BASE_URL` and `PINGRAM_API_KEY` (or, with `account=`, the account's
entry of `PINGRAM_ACCOUNTS`) from the environment unless a `client=` is given; the `_output`
variants read the stack config (`pingram:*`, with `account=` the `pingram:accounts.<name>`
entry). Sender domains carry their DKIM private keys, so the `_output` results are always secret.
"""

from __future__ import annotations

import pulumi

from ..core.output_functions import call_with_stack_config
from .client import PingramClient
from .models import SenderDomain
from .runtime import ACCOUNTS, API_KEY, BASE_URL, ENDPOINTS, client_for

_SETTINGS = (BASE_URL, API_KEY, ENDPOINTS, ACCOUNTS)
"""What the `_output` variants read from the stack config (`ACCOUNTS` holds secrets)."""


def list_sender_domains(
    *, client: PingramClient | None = None, account: str | None = None
) -> list[SenderDomain]:
    """`GET /domains`: every sender domain of the account (DKIM keys included: keep them safe)."""
    return (client or client_for(None, account)).list_domains()


def get_sender_domain(
    sender: str, *, client: PingramClient | None = None, account: str | None = None
) -> SenderDomain | None:
    return (client or client_for(None, account)).get_domain(sender)


def list_sender_domains_output(account: str | None = None) -> pulumi.Output[list[SenderDomain]]:
    """The account's sender domains, as a secret `Output` (`account`: a name under
    `pingram:accounts`; None: the default account)."""
    result = call_with_stack_config(
        _SETTINGS, lambda config: client_for(config, account), lambda c, _args: c.list_domains()
    )
    return pulumi.Output.secret(result)


def get_sender_domain_output(
    sender: pulumi.Input[str], account: str | None = None
) -> pulumi.Output[SenderDomain | None]:
    """One sender domain (None when the account has no such domain), as a secret `Output`."""
    result = call_with_stack_config(
        _SETTINGS,
        lambda config: client_for(config, account),
        lambda c, args: c.get_domain(str(args[0])),
        sender,
    )
    return pulumi.Output.secret(result)

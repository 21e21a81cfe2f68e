"""Read-only Pingram lookups: plain functions and `_output` variants for Pulumi programs.

Plain functions read `PINGRAM_BASE_URL` and `PINGRAM_API_KEY` from the environment unless a
`client=` is given; the `_output` variants read the stack config (`pingram:*`). Sender domains
carry their DKIM private keys, so the `_output` results are always secret.
"""

from __future__ import annotations

import pulumi

from ..core.output_functions import call_with_stack_config
from .client import PingramClient
from .models import SenderDomain
from .runtime import API_KEY, BASE_URL, ENDPOINTS, client_for


def list_sender_domains(*, client: PingramClient | None = None) -> list[SenderDomain]:
    """`GET /domains`: every sender domain of the account (DKIM keys included: keep them safe)."""
    return (client or client_for(None)).list_domains()


def get_sender_domain(sender: str, *, client: PingramClient | None = None) -> SenderDomain | None:
    return (client or client_for(None)).get_domain(sender)


def list_sender_domains_output() -> pulumi.Output[list[SenderDomain]]:
    """The account's sender domains, as a secret `Output`."""
    result = call_with_stack_config(
        (BASE_URL, API_KEY, ENDPOINTS), client_for, lambda c, _args: c.list_domains()
    )
    return pulumi.Output.secret(result)


def get_sender_domain_output(sender: pulumi.Input[str]) -> pulumi.Output[SenderDomain | None]:
    """One sender domain (None when the account has no such domain), as a secret `Output`."""
    result = call_with_stack_config(
        (BASE_URL, API_KEY, ENDPOINTS),
        client_for,
        lambda c, args: c.get_domain(str(args[0])),
        sender,
    )
    return pulumi.Output.secret(result)

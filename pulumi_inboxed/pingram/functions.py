"""Read-only Pingram lookups (settings from the environment unless a `client=` is given)."""

from __future__ import annotations

from .client import PingramClient
from .models import SenderDomain
from .runtime import client_for


def list_sender_domains(*, client: PingramClient | None = None) -> list[SenderDomain]:
    """`GET /domains`: every sender domain of the account (DKIM keys included: keep them safe)."""
    return (client or client_for(None)).list_domains()


def get_sender_domain(sender: str, *, client: PingramClient | None = None) -> SenderDomain | None:
    return (client or client_for(None)).get_domain(sender)

"""Pingram sender domains: typed client (`PingramClient`), `SenderDomain`, functions."""

from .client import PingramClient
from .errors import PingramError, ProviderError, UsageLimitError
from .sender_domain import SenderDomain, SenderDomainProvider

__all__ = [
    "PingramClient",
    "PingramError",
    "ProviderError",
    "SenderDomain",
    "SenderDomainProvider",
    "UsageLimitError",
]

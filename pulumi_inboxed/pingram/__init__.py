"""Pingram sender domains: typed client (`PingramClient`), `SenderDomain`, functions."""

from . import resources as _resources
from .client import PingramClient
from .errors import PingramError, ProviderError, UsageLimitError
from .resources import *  # noqa: F403  (the generated Args and Resource classes)
from .sender_domain import SenderDomainProvider

__all__ = [
    "PingramClient",
    "PingramError",
    "ProviderError",
    "SenderDomainProvider",
    "UsageLimitError",
]
__all__ += _resources.__all__

"""MailChannels Inbound: typed client (`MailChannelsClient`) and `InboundDomains`."""

from . import resources as _resources
from .client import MailChannelsClient
from .inbound_domains import AbusePolicy, InboundDomainsProvider
from .resources import *  # noqa: F403  (the generated Args and Resource classes)

__all__ = [
    "AbusePolicy",
    "InboundDomainsProvider",
    "MailChannelsClient",
]
__all__ += _resources.__all__

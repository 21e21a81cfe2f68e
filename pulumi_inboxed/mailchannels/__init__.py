"""MailChannels Inbound: typed client (`MailChannelsClient`) and `InboundDomains`."""

from .client import MailChannelsClient
from .inbound_domains import (
    AbusePolicyArgs,
    DownstreamAddressArgs,
    InboundDomainArgs,
    InboundDomains,
    InboundDomainsProvider,
)

__all__ = [
    "AbusePolicyArgs",
    "DownstreamAddressArgs",
    "InboundDomainArgs",
    "InboundDomains",
    "InboundDomainsProvider",
    "MailChannelsClient",
]

"""Mailin.ai: typed client (`MailinClient`), Pulumi resources and read-only functions.

Resources: `Domains` (buy or transfer), `Subdomain`, `DomainForwarding`, `EmailForwarding`,
`SmtpMailboxes`, `GoogleMailboxes`, `InboxProvider`, `DomainRegistrar`, `AzureOrder`.
Email verification from plain Python: `pulumi_inboxed.mailin.verification` (credits checked before
a verification starts). Credits, credit history, inbox providers, registrars and Azure orders are
also read-only functions in `pulumi_inboxed.mailin.functions`.
Models: `pulumi_inboxed.mailin.models`.
Every resource and function takes `account=`: a name under the `mailin:accounts` stack config map
(its own token, or email and password); unset, the default account of the plain settings.
"""

from . import resources as _resources
from .azure_order import AzureMailboxMode, AzureOrderProvider
from .client import MailinClient
from .delegated_credentials import (
    DomainRegistrarProvider,
    InboxProviderKind,
    InboxProviderProvider,
    RegistrarKind,
)
from .domains import Acquisition, DomainsProvider
from .forwarding import DomainForwardingProvider, EmailForwardingProvider
from .mailboxes import GoogleMailboxesProvider, SmtpMailboxesProvider
from .resources import *  # noqa: F403  (the generated Args and Resource classes)
from .subdomain import SubdomainProvider

__all__ = [
    "Acquisition",
    "AzureMailboxMode",
    "AzureOrderProvider",
    "DomainForwardingProvider",
    "DomainRegistrarProvider",
    "DomainsProvider",
    "EmailForwardingProvider",
    "GoogleMailboxesProvider",
    "InboxProviderKind",
    "InboxProviderProvider",
    "MailinClient",
    "RegistrarKind",
    "SmtpMailboxesProvider",
    "SubdomainProvider",
]
__all__ += _resources.__all__

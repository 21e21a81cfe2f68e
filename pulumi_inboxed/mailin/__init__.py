"""Mailin.ai: typed client (`MailinClient`), Pulumi resources and read-only functions.

Resources: `Domains` (buy or transfer), `Subdomain`, `DomainForwarding`, `EmailForwarding`,
`SmtpMailboxes`, `GoogleMailboxes`, `InboxProvider`, `DomainRegistrar`, `AzureOrder`.
Email verification from plain Python: `pulumi_inboxed.mailin.verification` (credits checked before
a verification starts). Credits, credit history, inbox providers, registrars and Azure orders are
also read-only functions in `pulumi_inboxed.mailin.functions`.
Models: `pulumi_inboxed.mailin.models`.
"""

from . import resources as _resources
from .accounts import DomainRegistrar, InboxProvider
from .azure_order import AzureMailboxArgs, AzureOrder
from .client import MailinClient
from .domains import Acquisition, Domains, DomainsArgs, DomainsProvider
from .forwarding import DomainForwarding, EmailForwarding
from .mailboxes import GoogleMailboxArgs, GoogleMailboxes, SmtpMailboxArgs, SmtpMailboxes
from .resources import *  # noqa: F403  (the generated Args and Resource classes)
from .subdomain import Subdomain

__all__ = [
    "Acquisition",
    "AzureMailboxArgs",
    "AzureOrder",
    "DomainForwarding",
    "DomainRegistrar",
    "Domains",
    "DomainsArgs",
    "DomainsProvider",
    "EmailForwarding",
    "GoogleMailboxArgs",
    "GoogleMailboxes",
    "InboxProvider",
    "MailinClient",
    "SmtpMailboxArgs",
    "SmtpMailboxes",
    "Subdomain",
]
__all__ += _resources.__all__

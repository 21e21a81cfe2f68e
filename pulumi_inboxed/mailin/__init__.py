"""Mailin.ai: typed client (`MailinClient`), Pulumi resources and read-only functions.

Resources: `Domains` (buy or transfer), `Subdomain`, `DomainForwarding`, `EmailForwarding`,
`SmtpMailboxes`, `GoogleMailboxes`. Models: `pulumi_inboxed.mailin.models`.
"""

from .client import MailinClient
from .domains import Acquisition, Domains, DomainsArgs, DomainsProvider
from .forwarding import DomainForwarding, EmailForwarding
from .mailboxes import GoogleMailboxArgs, GoogleMailboxes, SmtpMailboxArgs, SmtpMailboxes
from .subdomain import Subdomain

__all__ = [
    "Acquisition",
    "DomainForwarding",
    "Domains",
    "DomainsArgs",
    "DomainsProvider",
    "EmailForwarding",
    "GoogleMailboxArgs",
    "GoogleMailboxes",
    "MailinClient",
    "SmtpMailboxArgs",
    "SmtpMailboxes",
    "Subdomain",
]

"""InboxedUp: typed client (`InboxedUpClient`), Pulumi resources and read-only functions.

Resources: `DomainBatch`, `MailboxRequest`, `SubscriptionNotes`. The pydantic models of the API's
JSON are in `pulumi_inboxed.inboxedup.models`.
"""

from .client import InboxedUpClient
from .domain_batch import DomainBatch, DomainBatchArgs, DomainBatchProvider, WaitFor
from .mailbox_request import (
    MailboxArgs,
    MailboxRequest,
    MailboxRequestArgs,
    MailboxRequestProvider,
)
from .models import Account, BatchStatus, Domain, DomainStatus, MailboxType
from .subscription_notes import SubscriptionNotes, SubscriptionNotesProvider

__all__ = [
    "Account",
    "BatchStatus",
    "Domain",
    "DomainBatch",
    "DomainBatchArgs",
    "DomainBatchProvider",
    "DomainStatus",
    "InboxedUpClient",
    "MailboxArgs",
    "MailboxRequest",
    "MailboxRequestArgs",
    "MailboxRequestProvider",
    "MailboxType",
    "SubscriptionNotes",
    "SubscriptionNotesProvider",
    "WaitFor",
]

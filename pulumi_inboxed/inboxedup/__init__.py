"""InboxedUp: typed client (`InboxedUpClient`), Pulumi resources and read-only functions.

Resources: `DomainBatch`, `MailboxRequest`, `MailboxRequests` (many in one),
`SubscriptionNotes`. The pydantic models of the API's JSON are in `pulumi_inboxed.inboxedup.models`.
"""

from . import resources as _resources
from .client import InboxedUpClient
from .domain_batch import DomainBatchProvider, WaitFor
from .functions import (
    get_account,
    get_account_output,
    get_batch_status,
    get_batch_status_output,
    get_domain,
    get_domain_output,
    get_mailbox_request,
    get_mailbox_request_output,
    list_domains,
    list_domains_output,
    list_mailbox_requests,
    list_mailbox_requests_output,
    list_subscriptions,
    list_subscriptions_output,
)
from .mailbox_request import MailboxRequestProvider
from .mailbox_request_collection import MailboxRequestsProvider
from .models import Account, BatchStatus, Domain, DomainStatus, MailboxType
from .resources import *  # noqa: F403  (the generated Args and Resource classes)
from .subscription_notes import SubscriptionNotesProvider

__all__ = [
    "Account",
    "BatchStatus",
    "Domain",
    "DomainBatchProvider",
    "DomainStatus",
    "InboxedUpClient",
    "MailboxRequestProvider",
    "MailboxRequestsProvider",
    "MailboxType",
    "SubscriptionNotesProvider",
    "WaitFor",
    "get_account",
    "get_account_output",
    "get_batch_status",
    "get_batch_status_output",
    "get_domain",
    "get_domain_output",
    "get_mailbox_request",
    "get_mailbox_request_output",
    "list_domains",
    "list_domains_output",
    "list_mailbox_requests",
    "list_mailbox_requests_output",
    "list_subscriptions",
    "list_subscriptions_output",
]
__all__ += _resources.__all__

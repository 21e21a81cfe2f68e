"""InboxedUp: typed client (`InboxedUpClient`), Pulumi resources and read-only functions.

Resources: `DomainBatch`, `MailboxRequest`, `MailboxRequests` (many in one),
`SubscriptionNotes`. The pydantic models of the API's JSON are in `pulumi_inboxed.inboxedup.models`.
"""

from . import functions as _functions
from . import resources as _resources
from .client import InboxedUpClient
from .domain_batch import DomainBatchProvider, WaitFor
from .functions import *  # noqa: F403  (the read-only functions: `functions.__all__`)
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
]
__all__ += _functions.__all__
__all__ += _resources.__all__

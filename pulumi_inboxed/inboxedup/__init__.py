"""InboxedUp: typed client (`InboxedUpClient`) and Pulumi resources (`DomainBatch`)."""

from .client import InboxedUpClient
from .domain_batch import DomainBatch, DomainBatchArgs, DomainBatchProvider, WaitFor
from .models import Account, BatchStatus, Domain, DomainStatus

__all__ = [
    "Account",
    "BatchStatus",
    "Domain",
    "DomainBatch",
    "DomainBatchArgs",
    "DomainBatchProvider",
    "DomainStatus",
    "InboxedUpClient",
    "WaitFor",
]

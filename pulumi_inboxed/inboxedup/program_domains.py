"""Which domains this Pulumi program declares in a DomainBatch (program process only).

A MailboxRequest on a domain the program itself submits cannot find that domain ACTIVE in the
account at preview: the registry lets it say "in the program" instead, and depend on the batch.
Only plain strings are recorded: a domain computed from another resource's output is not known
until that resource exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..core.domains import DomainNameError, normalize_domain

if TYPE_CHECKING:
    import pulumi

_declared: dict[str, pulumi.Resource] = {}


def record(domains: Any, resource: pulumi.Resource) -> None:
    if not isinstance(domains, Sequence) or isinstance(domains, str):
        return
    for raw in domains:
        if isinstance(raw, str):
            try:
                _declared[normalize_domain(raw)] = resource
            except DomainNameError:
                continue  # check() reports it


def batch_declaring(domain: str) -> pulumi.Resource | None:
    try:
        return _declared.get(normalize_domain(domain))
    except DomainNameError:
        return None

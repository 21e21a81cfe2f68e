"""What `DomainBatch` records of each domain, and when a domain needs no more waiting.

Plain helpers shared by the provider (`domain_batch.py`), its submit (`domain_submit.py`) and
its wait (`domain_batch_wait.py`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..core.errors import InboxedError, NotFoundError
from .models import Domain, DomainStatus
from .runtime import InboxedUpRuntime

NO_BATCH = "nobatch-"
"""Prefix of the resource id when every domain was adopted and the API gave no batch id."""
ACTIVE = "active"
"""`WaitFor.ACTIVE`'s value: wait until every domain is ACTIVE (else: until it has its NS)."""


def reached(status: DomainStatus, target: str) -> bool:
    """True when a domain needs no more waiting for `target` (FAILED is final too)."""
    if status is DomainStatus.FAILED:
        return True
    if target == ACTIVE:
        return status is DomainStatus.ACTIVE
    return status in (DomainStatus.PENDING_NS, DomainStatus.ACTIVE)


def domain_record(d: Domain, batch_id: str | None = None) -> dict[str, Any]:
    """A domain as the outputs' `records` hold it."""
    return {
        "id": d.id,
        "status": d.status.value,
        "batch_id": d.batch_id or batch_id,
        "ns1": d.ns1,
        "ns2": d.ns2,
        "failure_reason": d.failure_reason,
    }


def all_reached(
    records: Mapping[str, Mapping[str, Any]], names: Iterable[str], target: str
) -> bool:
    return all(reached(DomainStatus(records[n]["status"]), target) for n in names if n in records)


def domain_exists(rt: InboxedUpRuntime, name: str, domain_id: str) -> bool:
    """True while the account holds the domain: its own record, or (404 there) a listing by
    name that shows it with this id, so a wrong `GET` path cannot pass for a removal."""
    try:
        rt.client.get_domain(domain_id)
        return True
    except NotFoundError:
        found = rt.client.find_domain(name)
        return found is not None and found.id == domain_id


def add_failure_reasons(rt: InboxedUpRuntime, records: dict[str, dict[str, Any]]) -> None:
    """Batch status carries no reason; a FAILED domain's own record does."""
    for name, rec in records.items():
        if (
            rec["status"] == DomainStatus.FAILED.value
            and not rec.get("failure_reason")
            and rec.get("id")
        ):
            with contextlib.suppress(InboxedError):
                records[name] = domain_record(rt.client.get_domain(str(rec["id"])))


def read_records(
    rt: InboxedUpRuntime,
    id_: str,
    batch_ids: Sequence[str],
    known: Mapping[str, Any] | None,
) -> dict[str, dict[str, Any]] | None:
    """The live records of a batch's domains (`pulumi refresh`): from each batch's status, and
    for a `known` domain in none of them, from its own record. Only `known` domains are kept
    (None: every domain of the batches, an import by batch id). A domain removed outside Pulumi
    is left out; None when the resource's own batch is gone and nothing was recorded."""
    records: dict[str, dict[str, Any]] = {}
    for bid in batch_ids:
        if bid.startswith(NO_BATCH):
            continue
        try:
            status = rt.client.get_batch_status(bid)
        except NotFoundError:
            if bid == id_ and known is None:
                return None
            continue
        for d in status.domains():
            if known is None or d.domain in known:
                records[d.domain] = domain_record(d)
    for name, rec in (known or {}).items():  # not in any batch read: ask the domain itself
        if name in records or not rec.get("id"):
            continue
        try:
            d = rt.client.get_domain(str(rec["id"]))
        except NotFoundError:
            continue  # removed outside Pulumi
        if d.domain == name:
            records[name] = domain_record(d, rec.get("batch_id"))
    return records

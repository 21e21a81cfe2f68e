"""How `DomainBatch` waits until its domains reach `wait_for`, verifying nameservers meanwhile.

Domains in a batch are waited on through the batch-status endpoint and the runtime's shared
poller (one fetch per batch and interval, however many resources wait on it); domains without a
batch id (an API that gives none) are read one by one through `core.wait_for_targets`. A failing
status fetch does not end a wait early: it is tried again until the bound, and its error is what
the wait returns then. While waiting for ACTIVE, PENDING_NS domains are verified (`Verifier`)
every verify interval.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..core.errors import InboxedError, NotFoundError, WaitTimeoutError
from ..core.polling import Deadline
from ..core.wait_for_targets import wait_for_targets
from . import endpoints as ep
from .domain_status import ACTIVE, all_reached, domain_exists, domain_record, reached
from .models import BatchStatus, DomainStatus
from .runtime import InboxedUpRuntime

DOC = "docs/inboxedup-api.md"


def wait_for_domains(
    rt: InboxedUpRuntime,
    wanted: set[str],
    batch_ids: Sequence[str],
    records: dict[str, dict[str, Any]],
    target: str,
    deadline: Deadline,
    verify: Verifier,
) -> list[str]:
    """Waits for every wanted domain of `records` to reach `target` (updating `records`), each
    batch on its status, the others one by one; returns the errors that ended waits early."""
    errors: list[str] = []
    wait = _Wait(rt, records, target, deadline, verify)
    for bid in dict.fromkeys(batch_ids):
        mine = {
            n
            for n, r in records.items()
            if r.get("batch_id") == bid and n in wanted and r.get("id")
        }
        if mine:
            error = wait.batch(bid, mine)
            if error:
                errors.append(error)
    orphans = {  # no batch id anywhere (an API that gives none): wait on each domain
        n
        for n, r in records.items()
        if n in wanted and r.get("id") and r.get("batch_id") not in set(batch_ids)
    }
    if orphans:
        error = wait.one_by_one(orphans)
        if error:
            errors.append(error)
    return errors


@dataclass(frozen=True)
class _Wait:
    """What every wait of one `wait_for_domains` call shares."""

    rt: InboxedUpRuntime
    records: dict[str, dict[str, Any]]
    target: str
    deadline: Deadline
    verify: Verifier

    @property
    def verify_every(self) -> float | None:
        """Nameservers are verified meanwhile only on a wait for ACTIVE."""
        return self.rt.verify_ns_interval if self.target == ACTIVE else None

    def batch(self, bid: str, mine: set[str]) -> str | None:
        """Waits on one batch's status; returns the error that ended the wait, if any."""

        def done(status: BatchStatus) -> bool:
            seen = {d.domain: d for d in status.domains() if d.domain in mine}
            return all(reached(d.status, self.target) for d in seen.values())

        fetch_error: InboxedError | None = None
        timed_out: WaitTimeoutError | None = None
        while True:
            left = self.deadline.remaining()
            slice_ = min(left, self.verify_every) if self.verify_every else left
            try:
                status = self.rt.batch_poller.wait(bid, done, slice_, describe=_describe_batch)
                _take(self.records, mine, status)
                return None
            except WaitTimeoutError as exc:
                timed_out = exc
                try:  # the poller's last answer may be stale: ask once more
                    _take(self.records, mine, self.rt.client.get_batch_status(bid))
                    fetch_error = None
                except InboxedError as err:
                    fetch_error = err
            except InboxedError as err:  # the status fetch failed after its retries
                fetch_error = err
                time.sleep(min(self.rt.poll_interval, self.deadline.remaining()))
            if self.verify_every and fetch_error is None:
                self.verify.pending(self.records, mine)
            if all_reached(self.records, mine, self.target):
                return None
            if self.deadline.expired():
                if fetch_error is not None:
                    return (
                        f"batch {bid}: the status could not be read when the wait ended "
                        f"({type(fetch_error).__name__}: {fetch_error})"
                    )
                return str(timed_out) if timed_out else f"batch {bid}: the wait ended"

    def one_by_one(self, names: set[str]) -> str | None:
        """Polls each domain (`GET /domains/{id}`) until it reaches the target or the bound."""
        fetch_error: InboxedError | None = None
        next_verify = time.monotonic() + (self.verify_every or 0)

        def read(_pending: list[str]) -> dict[str, DomainStatus | None]:
            nonlocal fetch_error, next_verify
            fetch_error = None
            for name in sorted(names):
                rec = self.records.get(name)
                if rec is None or reached(DomainStatus(rec["status"]), self.target):
                    continue
                try:
                    d = self.rt.client.get_domain(str(rec["id"]))
                    self.records[name] = domain_record(d, rec.get("batch_id"))
                except NotFoundError:
                    self.records.pop(name, None)  # removed outside Pulumi while we waited
                except InboxedError as err:
                    fetch_error = err
            if self.verify_every and time.monotonic() >= next_verify:
                self.verify.pending(self.records, names)
                next_verify = time.monotonic() + self.verify_every
            return {  # None: gone from the account, nothing to wait for
                n: DomainStatus(self.records[n]["status"]) if n in self.records else None
                for n in names
            }

        outcome = wait_for_targets(
            sorted(names),
            read,
            reached=lambda status: status is None or reached(status, self.target),
            until=self.deadline.at,
            interval=self.rt.poll_interval,
        )
        if outcome.complete:
            return None
        left = sorted(outcome.timed_out)
        if fetch_error is not None:
            return f"domains {', '.join(left)}: status unreadable ({fetch_error})"
        return f"domains {', '.join(left)} did not reach {self.target} within the bound"


def _take(records: dict[str, dict[str, Any]], mine: set[str], status: BatchStatus) -> None:
    seen = {d.domain: d for d in status.domains()}
    for name in mine:
        if name in seen:
            records[name] = domain_record(seen[name])
        else:
            records.pop(name, None)  # removed outside Pulumi while we waited


def _describe_batch(status: BatchStatus | None) -> str:
    if status is None:
        return "no answer yet"
    return (
        f"{status.status}: {status.queued} queued, {status.pending_ns} pending NS, "
        f"{status.active} active, {status.failed} failed"
    )


class Verifier:
    """Calls verify-NS for PENDING_NS domains and keeps what it found.

    A 404 for a domain the account holds, a reply of unknown shape or any other error (after
    the client's retries) is not skipped: it is kept in `error` (naming the endpoint), reported
    in the outputs and the program's error, and verification stops for this run.
    """

    def __init__(self, rt: InboxedUpRuntime) -> None:
        self._rt = rt
        self.missing: dict[str, dict[str, Any]] = {}
        self.error: str | None = None

    def pending(self, records: dict[str, dict[str, Any]], names: Iterable[str]) -> None:
        for name in sorted(names):
            if self.error is not None:
                return
            rec = records.get(name)
            if rec is None or rec["status"] != DomainStatus.PENDING_NS.value or not rec.get("id"):
                continue
            domain_id = str(rec["id"])
            endpoint = (
                f"{ep.VERIFY_DOMAIN_NS.method} {ep.VERIFY_DOMAIN_NS.format(domain_id=domain_id)}"
            )
            try:
                result = self._rt.client.verify_domain_ns(domain_id)
            except NotFoundError as exc:
                if not domain_exists(self._rt, name, domain_id):
                    records.pop(name, None)  # removed outside Pulumi
                    continue
                self.error = (
                    f"InboxedUp: {endpoint} answered 404 ({exc.message}) for {name!r}, which the "
                    f"account holds: the verify-NS path is our choice ({DOC}; the default is "
                    "VERIFY_DOMAIN_NS in pulumi_inboxed/inboxedup/endpoints.py): set your API's "
                    "with `pulumi config set --path 'inboxedup:endpoints.verify_domain_ns' "
                    "'POST /domains/{domain_id}/...'`"
                )
                return
            except InboxedError as exc:
                self.error = f"InboxedUp: verify-NS of {name!r} failed: {exc}"
                return
            if result.status is not None:
                rec["status"] = result.status.value
            rec.update(ns1=result.ns1 or rec.get("ns1"), ns2=result.ns2 or rec.get("ns2"))
            self.missing.pop(name, None)
            if not result.verified:
                self.missing[name] = {
                    "expected": [rec.get("ns1"), rec.get("ns2")],
                    "found": result.found,
                }
            elif result.status is None:
                rec["status"] = DomainStatus.ACTIVE.value

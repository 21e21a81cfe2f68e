"""How `mailin.Domains` acquires its domains: adopt what the account holds, buy or transfer the
rest (each request made once), then wait for the purchase job and until every domain is active.

A name that could not be acquired is left out of the records, with its reason in `failed`; the
provider reports it in a `PartialFailure` and the next `pulumi up` acquires only those. Also the
look-ups (`find_domain`, in the list(s) where the resource's kind is listed) and the verified
delete of one domain (`delete_domain`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core import intents
from ..core.errors import InboxedError, NotFoundError, WaitTimeoutError
from ..core.lifecycle import confirm_deleted
from ..core.polling import Deadline
from ..core.wait_for_targets import wait_for_targets
from .errors import DomainsUnavailableError
from .models import MailinDomain, TransferAccepted
from .runtime import API, MailinRuntime, account_wide, finished_job, not_tried

BUY = "buy"
"""`Acquisition.BUY`'s value."""
INBOXKIT = "inboxkit"
"""`Acquisition.INBOXKIT`'s value."""
FIND_ONE_BY_ONE = 10
"""Up to this many names are looked up one by one after a failed purchase; more: one listing."""
EARLIER_JOBS_CHECKED = 3
"""How many of the resource's last purchase jobs are waited for before buying a missing name."""


def domain_record(d: MailinDomain) -> dict[str, Any]:
    """A domain as the outputs' `records` hold it."""
    return {
        "id": d.id,
        "active": d.active,
        "name_servers": list(d.name_servers),
        "provider": d.domain_provider,
    }


@dataclass(frozen=True)
class _Bought:
    job_id: str | None
    """The purchase's job; None when its reply was lost and the domains were found instead."""


def _shown(names: Sequence[str]) -> str:
    head = ", ".join(names[:5])
    more = f" and {len(names) - 5} more" if len(names) > 5 else ""
    return f"{len(names)} domain(s) ({head}{more})"


def of_kind(domain: MailinDomain, google: bool) -> bool:
    """False for a domain whose `provider_type` says it is the other kind (a list that shows
    every domain, Google ones included, is one reading of the page); True when it says none."""
    kind = (domain.provider_type or "").strip().lower()
    return not kind or (kind == "google") == google


def find_domain(rt: MailinRuntime, name: str, inputs: Mapping[str, Any]) -> MailinDomain | None:
    """The account's domain called `name`, in the list(s) where its kind is listed."""
    google = bool(inputs.get("google"))
    found = rt.client.find_domain(name, google=google)
    if found is not None and not of_kind(found, google):
        found = None
    if found is None and inputs.get("acquisition") == INBOXKIT:
        wanted = name.lower()
        found = next(
            (d for d in rt.client.list_inboxkit_domains(name) if d.name.lower() == wanted),
            None,
        )
    return found


def _find_many(
    rt: MailinRuntime, names: Sequence[str], inputs: Mapping[str, Any]
) -> dict[str, MailinDomain]:
    """The account's domains among `names`, read fresh: one lookup a name for a few names,
    else one listing of the kind's list (fewer requests for a large purchase)."""
    if len(names) <= FIND_ONE_BY_ONE:
        found = {n: find_domain(rt, n, inputs) for n in names}
        return {n: d for n, d in found.items() if d is not None}
    google = bool(inputs.get("google"))
    listed = [d for d in rt.client.list_domains(google=google) if of_kind(d, google)]
    if inputs.get("acquisition") == INBOXKIT:
        listed += rt.client.list_inboxkit_domains()
    by_name = {d.name.lower(): d for d in listed}
    return {n: by_name[n.lower()] for n in names if n.lower() in by_name}


@dataclass
class Holdings:
    """What a `Domains` resource holds and has started; `acquire` updates it in place."""

    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    job_ids: list[str] = field(default_factory=list)
    adopted: set[str] = field(default_factory=set)
    failed: dict[str, str] = field(default_factory=dict)
    """The names that could not be acquired (or deleted), with their reasons."""
    transfer_ns: dict[str, list[str]] = field(default_factory=dict)
    """The transfers' nameservers, of the recorded names."""


def acquire(rt: MailinRuntime, inputs: Mapping[str, Any], holdings: Holdings) -> str | None:
    """Acquires every declared name not in the records and records it; a name that could not
    be acquired is left out of the records, with its reason in `failed`. Also updates the
    `job_ids`, `adopted` and `transfer_ns` of `holdings`. Returns why the wait ended early, if
    it did."""
    records, job_ids = holdings.records, holdings.job_ids
    adopted, failed = holdings.adopted, holdings.failed
    names: list[str] = list(inputs["domains"])
    timeout = float(inputs.get("wait_timeout_seconds") or 0)
    deadline = Deadline.after(timeout)
    acquisition = inputs.get("acquisition") or BUY
    buying = acquisition == BUY
    own_ids: set[int] = set()
    if buying and job_ids and any(n not in records for n in names):
        # this resource's purchases still running may hold the missing names (a list may
        # show them only once done): wait for them, never buy a name twice
        own_ids = _earlier_jobs(rt, job_ids, deadline)
    halt: InboxedError | None = None
    held: list[str] = []
    for name in names:  # adopt what the account holds: a resumed create buys nothing twice
        if name not in records and name not in failed:
            if halt is not None:
                failed[name] = not_tried(halt)
                continue
            try:
                found = find_domain(rt, name, inputs)
            except InboxedError as exc:
                failed[name] = f"could not be looked up: {exc}"
                halt = exc if account_wide(exc) else None
                continue
            if found is not None:
                records[name] = domain_record(found)
                if found.id not in own_ids:  # not bought by this resource's own jobs
                    held.append(name)
    # unless this resource's interrupted run recorded it was about to acquire them
    # (`core.intents`): made by this stack, not adopted
    adopted.update(set(held) - intents.claim(API, rt.account, held, bound_seconds=timeout))
    missing = [n for n in names if n not in records and n not in failed]
    transfer_ns = dict(holdings.transfer_ns)
    transfer_ids: dict[str, int] = {}
    new_jobs: list[str] = []
    if missing and buying:
        new_jobs = _buy(rt, inputs, missing, records, failed)
        job_ids.extend(new_jobs)
    elif missing:
        uids: Mapping[str, str] = inputs.get("inboxkit_uids") or {}
        for name in missing:
            if halt is not None:
                failed[name] = f"not transferred: {not_tried(halt)}"
                continue
            try:
                accepted = _transfer(rt, inputs, name, uids.get(name))
            except InboxedError as exc:
                failed[name] = f"not transferred: {exc}"
                halt = exc if account_wide(exc) else None
                continue
            transfer_ns[name] = list(accepted.name_servers)
            if accepted.domain_id is not None:
                transfer_ids[name] = accepted.domain_id
    last_error = _wait_jobs(rt, new_jobs, deadline)
    # read back what this run acquired, and what was not active yet
    for name in names:
        if name in failed or (name in records and records[name].get("active")):
            continue
        if halt is not None:
            if name not in records:
                failed[name] = f"acquired, but not read back: {not_tried(halt)}"
            continue
        try:
            found = find_domain(rt, name, inputs)
            if found is None and name in transfer_ids:
                try:  # the transfer's answer gave its id; the lists may not show it yet
                    found = rt.client.get_domain(transfer_ids[name])
                except NotFoundError:
                    found = None
        except InboxedError as exc:
            if name not in records:
                failed[name] = f"acquired, but could not be read back: {exc}"
            halt = exc if account_wide(exc) else None
            continue
        if found is not None:
            records[name] = domain_record(found)
        elif name not in records:
            failed[name] = f"not in the account after the {acquisition}" + (
                f" ({last_error})" if last_error else ""
            )
    if buying and last_error is None:
        # Also when every name was adopted (a create interrupted after its purchase request
        # and run again): wait for them as the job would have been waited on.
        last_error = _wait_active(rt, inputs, records, deadline, timeout)
    holdings.transfer_ns = {n: ns for n, ns in transfer_ns.items() if n in records}
    return last_error


def _earlier_jobs(rt: MailinRuntime, job_ids: Sequence[str], deadline: Deadline) -> set[int]:
    """Waits (bounded) for this resource's last purchase jobs that are still running, and
    returns the ids of the domains they bought (when the job lists them): found in the
    account, those are this resource's own, not adopted. An unknown job is skipped."""
    own: set[int] = set()
    for job_id in job_ids[-EARLIER_JOBS_CHECKED:]:
        try:
            job = finished_job(rt.domain_jobs, job_id, deadline)
        except InboxedError:
            continue  # forgotten by the API, or still running at the deadline
        own.update(job.domain_ids)
    return own


def _buy(
    rt: MailinRuntime,
    inputs: Mapping[str, Any],
    names: Sequence[str],
    records: dict[str, dict[str, Any]],
    failed: dict[str, str],
) -> list[str]:
    """Buys `names` in one request (`write_once`: never twice); returns the purchase's job
    id (none when its reply was lost: the domains are then found in the lists, not by the
    job). Names the API refuses as unavailable fail, and the rest are bought; domains found
    after a failed request are this run's own (recorded as made, not adopted), and a
    purchase that took effect for some names only is sent again for the others only."""
    google = bool(inputs.get("google"))
    pending = list(names)

    def send() -> _Bought:
        return _Bought(rt.client.buy_domains(pending, google=google))

    def find() -> _Bought | None:
        found = _find_many(rt, pending, inputs)
        for name, domain in found.items():
            records[name] = domain_record(domain)
        pending[:] = [n for n in pending if n not in found]
        return None if pending else _Bought(None)

    while pending:
        what = f"purchase of {_shown(pending)}"
        recorded = rt.intent(pending, "domain", "bought")  # on disk before the purchase
        try:
            bought = rt.write_once(what, send, find, intent=recorded)
        except DomainsUnavailableError as exc:
            # the record keeps only what was made: the rest is recorded anew if sent again
            intents.narrow(recorded, [n for n in recorded.keys if n in records])
            refused = {d.strip().lower().rstrip(".") for d in exc.domains}
            unavailable = [n for n in pending if n in refused]
            if not unavailable or len(unavailable) == len(pending):
                for name in pending:
                    failed[name] = f"not bought: {exc}"
                return []
            for name in unavailable:  # the others can be bought: buy them
                failed[name] = f"not available for purchase ({exc.message})"
            pending[:] = [n for n in pending if n not in refused]
            continue
        except InboxedError as exc:
            for name in pending:
                failed[name] = f"not bought: {exc}"
            return []
        return [bought.job_id] if bought.job_id else []
    return []


def _transfer(
    rt: MailinRuntime, inputs: Mapping[str, Any], name: str, uid: str | None
) -> TransferAccepted:
    """One transfer (`write_once`); a transfer found after a failed request is this run's
    own, and the nameservers it shows are the ones to set."""
    google = bool(inputs.get("google"))
    inboxkit = inputs.get("acquisition") == INBOXKIT

    def send() -> TransferAccepted:
        if inboxkit:
            return rt.client.transfer_inboxkit_domain(name, str(uid))
        return rt.client.transfer_domain(name, google=google)

    def find() -> TransferAccepted | None:
        found = find_domain(rt, name, inputs)
        if found is None:
            return None
        return TransferAccepted(name_servers=list(found.name_servers), domain_id=found.id)

    kind = "Inboxkit transfer" if inboxkit else "transfer"
    recorded = rt.intent([name], "domain", "transferred")  # on disk before the transfer
    return rt.write_once(f"{kind} of {name}", send, find, intent=recorded)


def _wait_jobs(rt: MailinRuntime, job_ids: Sequence[str], deadline: Deadline) -> str | None:
    for job_id in job_ids:
        try:
            job = finished_job(rt.domain_jobs, job_id, deadline)
        except WaitTimeoutError as exc:
            return str(exc)
        except InboxedError as exc:
            return str(exc)
        if job.status != "completed":
            return f"domain job {job_id} ended {job.status}: {job.report}"
    return None


def _wait_active(
    rt: MailinRuntime,
    inputs: Mapping[str, Any],
    records: dict[str, dict[str, Any]],
    deadline: Deadline,
    timeout: float,
) -> str | None:
    """Polls the domains that are not active yet until they are, or the deadline."""
    pending = [n for n in inputs["domains"] if n in records and not records[n]["active"]]

    def read(names: list[str]) -> dict[str, dict[str, Any]]:
        for name in names:
            found = find_domain(rt, name, inputs)
            if found is not None:
                records[name] = domain_record(found)
        return {n: records[n] for n in names}

    outcome = wait_for_targets(
        pending,
        read,
        reached=lambda record: bool(record["active"]),
        seen={n: records[n] for n in pending},
        until=deadline.at,
        interval=rt.poll_interval,
        stop_errors=(InboxedError,),
    )
    if outcome.read_error is not None:
        return str(outcome.read_error)
    if outcome.timed_out:
        return f"not active within {timeout:g} s: {', '.join(outcome.timed_out)}"
    return None


def delete_domain(rt: MailinRuntime, props: Mapping[str, Any], name: str, domain_id: int) -> None:
    """Deletes the domain, then reads the lists until it is gone (a 404 alone is not)."""

    def exists() -> bool:
        found = find_domain(rt, name, props)
        return found is not None and found.id == domain_id

    confirm_deleted(
        f"Mailin.ai domain '{name}' ({domain_id})",
        lambda: rt.client.delete_domain(domain_id),
        exists,
        settle_seconds=max(2.0, min(30.0, 4 * rt.poll_interval)),
        interval=min(0.5, rt.poll_interval),
    )

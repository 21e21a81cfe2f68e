"""How `DomainBatch` submits domains to InboxedUp: each submit made once, held names adopted.

The account is listed first (a name it holds is adopted, never submitted twice); the others are
sent `POST /domains`, 500 a request, each request made once (`core.safe_write.write_once` through
the runtime, with a `core.intents` record on disk before it). A chunk that still fails after its
tries does not stop the others: its names are returned as failures, and the provider reports them
in a `PartialFailure`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..core import intents
from ..core.engine_watch import EngineGoneError
from ..core.errors import ConflictError, InboxedError, UnprocessableError
from ..core.safe_write import is_transient
from .client import MAX_DOMAINS_PER_SUBMIT
from .domain_status import domain_record
from .models import Domain, DomainStatus, SubmitDomainsResult
from .runtime import API, InboxedUpRuntime


class _AllFound:
    """What a submit's look-up answers when every name of the chunk is in the account."""


def submit_domains(
    rt: InboxedUpRuntime,
    names: Sequence[str],
    records: dict[str, dict[str, Any]],
    adopted: set[str],
    *,
    bound: float = 0.0,
    chunk_size: int = MAX_DOMAINS_PER_SUBMIT,
) -> tuple[list[str], list[str], dict[str, str]]:
    """Submits the names the account does not hold yet (500 a request) and adopts the rest.

    The account is listed first, so a name it holds is adopted, never submitted twice; a
    name the submit still refuses as held is looked up by listing afterwards (the refusal
    may not give its id), and a submit refused as a whole because names exist (409 or 422)
    adopts those and submits the others. A name refused for another reason is recorded
    FAILED with the API's reason, never dropped: the domains the same request accepted are
    in the state. Each submit is made once (`_submit_chunk`); a chunk that still fails after
    its retries does not stop the others. Returns (submitted batch ids, batch ids of adopted
    domains, the names of the chunks that failed -> why).

    A name found by the first listing that this resource's interrupted run recorded it was
    about to submit (`core.intents`, within `bound` seconds) is this resource's own, not
    adopted.
    """
    batch_ids: list[str] = []
    adopted_batches: list[str] = []
    failures: dict[str, str] = {}

    def adopt(found: Mapping[str, Domain]) -> None:
        for name, d in found.items():
            records[name] = domain_record(d)
            adopted.add(name)
            if d.batch_id:
                adopted_batches.append(d.batch_id)

    held = rt.client.find_domains(names)
    mine = intents.claim(API, rt.account_name, held, bound_seconds=bound)
    for name in sorted(mine):
        d = held.pop(name)
        records[name] = domain_record(d)
        if d.batch_id:
            batch_ids.append(d.batch_id)
    adopt(held)
    todo = [n for n in names if n not in records]
    for start in range(0, len(todo), chunk_size):
        chunk = todo[start : start + chunk_size]
        try:
            _submit_chunk(rt, chunk, records, adopt, batch_ids)
        except EngineGoneError:
            raise
        except InboxedError as exc:
            why = f"not submitted: {exc}"
            failures.update({name: why for name in chunk if name not in records})
    return batch_ids, adopted_batches, failures


def _submit_chunk(
    rt: InboxedUpRuntime,
    chunk: Sequence[str],
    records: dict[str, dict[str, Any]],
    adopt: Callable[[Mapping[str, Domain]], None],
    batch_ids: list[str],
) -> None:
    """One `POST /domains` of up to 500 names, made once (`core.safe_write.write_once`).

    After a try that failed half-way (a 5xx, a timeout, a dropped connection) the chunk's
    names are looked up fresh: the submit is done when every name is found; the names found
    are this run's own (not adopted: the listing before the submit did not show them), and
    a partly applied submit is sent again with only the names not found. The names refused
    as held by a submit after such a failure are this run's own too.
    """
    pending = list(chunk)
    failed_before = False  # a try failed half-way: what shows up since is this run's own
    what = f"InboxedUp POST /domains ({len(chunk)} names from {chunk[0]})"

    owned: set[str] = set()

    def own(found: Mapping[str, Domain]) -> None:
        owned.update(found)
        for name, d in found.items():
            records[name] = domain_record(d)
            if d.batch_id:
                batch_ids.append(d.batch_id)
        pending[:] = [n for n in pending if n not in found]

    def send() -> SubmitDomainsResult | _AllFound:
        nonlocal failed_before
        try:
            return rt.client.submit_domains(list(pending))
        except InboxedError as exc:
            failed_before = failed_before or is_transient(exc)
            raise

    def intent() -> intents.Intent:
        return intents.Intent(API, rt.account_name, tuple(pending), "domain", "submitted")

    def find() -> SubmitDomainsResult | _AllFound | None:
        own(rt.client.find_domains(pending))
        return None if pending else _AllFound()

    recorded = intent()  # on disk before the submit (`core.intents`)
    try:
        result = rt.write_once(what, send, find, intent=recorded)
    except (ConflictError, UnprocessableError):
        if failed_before:
            raise  # write_once looked already: refused for another reason
        intents.narrow(recorded, ())  # refused as a whole: nothing was made
        # refused as a whole because names exist (held since our listing): adopt those
        found = rt.client.find_domains(pending)
        if not found:
            raise  # refused for another reason: nothing was accepted
        adopt(found)
        pending[:] = [n for n in pending if n not in found]
        if not pending:
            return
        recorded = intent()
        result = rt.write_once(what, send, find, intent=recorded)
    if isinstance(result, _AllFound):
        return
    batch_ids.append(result.batch_id)
    for d in result.domains:
        records[d.domain] = domain_record(d, result.batch_id)
    held = own if failed_before else adopt
    refused = {r.domain: r for r in result.rejected if r.domain not in records}
    with_id = {n: r for n, r in refused.items() if r.existing_id}
    for r in with_id.values():
        existing = rt.client.get_domain(str(r.existing_id))
        held({existing.domain: existing})
    without_id = [n for n in refused if n not in with_id]
    if without_id:
        held(rt.client.find_domains(without_id))
    for name in without_id:
        if name not in records:
            records[name] = {
                "id": None,
                "status": DomainStatus.FAILED.value,
                "batch_id": result.batch_id,
                "ns1": None,
                "ns2": None,
                "failure_reason": f"InboxedUp refused it: {refused[name].reason}",
            }
    # the record keeps only what the submit made: a name refused as held is not ours
    intents.narrow(recorded, {d.domain for d in result.domains} | owned)

"""`inboxedup.DomainBatch`: a set of domains submitted to InboxedUp, waited on until ready.

Lifecycle:
- check: normalizes the domains (IDNA A-labels) and rejects bad input naming the domain and the
  reason; no API call (so `pulumi preview` makes none).
- create: submits the domains (500 a request), then waits on the batch-status endpoint through the
  shared poller until every domain reaches `wait_for` (or FAILED), bounded by
  `wait_timeout_seconds`. Domains the account already holds (found by listing before the
  submit, or refused by it as held) are adopted, never submitted twice; `adopted_domains`
  names them. A failing status fetch does not end the wait early.
- update: removes only the dropped domains, submits only the added ones (and re-submits FAILED
  ones), then waits again. Never replaces the batch.
- read (refresh, import by batch id): rebuilds the state from batch status; a domain removed
  outside Pulumi drops out of the state, so the next `pulumi up` adds it back.
- delete: removes every domain the resource submitted, each verified by a read (a 404 on the
  delete counts only when the read agrees); adopted domains stay in the account unless
  `destroy_adopted=True`, and the delete's log names them.

Each submit is made once: a try that fails half-way is followed by a fresh listing of its names,
and only the names not found are sent again (`domain_submit.py`, `core.safe_write`). A chunk whose
submit still fails after its tries does not stop the others: they are submitted, waited on and
recorded, and `PartialFailure` names the chunk's domains; the next `pulumi up` submits only those.

A domain that fails, or is not ready within the bound, does not undo the others: the resource is
recorded with every domain's real status, its `failed_domains`/`not_ready_domains` outputs name
them, the program reports an error naming them (so `pulumi up` exits non-zero), and the next
`pulumi up` retries just those.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Annotated, Any, ClassVar

import pulumi
import pulumi.dynamic as dyn
from pydantic import Field, StringConstraints

from ..core.errors import InboxedError, NotFoundError
from ..core.lifecycle import (
    DESTROY_ADOPTED,
    confirm_deleted,
    destroy_adopted,
    log_kept_adopted,
    warn,
)
from ..core.partial_failure import raise_if_unfinished
from ..core.polling import Deadline
from ..core.provider_base import ConfiguredProvider, is_unknown
from ..core.reconcile import plan_entries
from ..core.resource_spec import Props, ResourceSpec
from ..core.schema import (
    DomainInputs,
    DomainNames,
    ResourceOutputs,
    WholeNumber,
    arg,
    changed_inputs,
    input_defaults,
    out,
    replaced_by,
)
from . import program_domains
from .client import MAX_DOMAINS_PER_SUBMIT
from .domain_batch_wait import Verifier, wait_for_domains
from .domain_status import (
    NO_BATCH,
    add_failure_reasons,
    domain_exists,
    domain_record,
    reached,
    read_records,
)
from .domain_submit import submit_domains
from .models import DomainStatus
from .runtime import InboxedUpRuntime, account_of, runtime_for


class WaitFor(StrEnum):
    """What create and update wait for."""

    NS_READY = "ns_ready"
    """Every domain has its nameserver pair (left QUEUED)."""
    ACTIVE = "active"
    """Every domain is ACTIVE (its nameservers are in place and verified)."""


DEFAULT_WAIT_TIMEOUT_SECONDS = 900
MAX_WAIT_TIMEOUT_SECONDS = 24 * 3600
MAX_DOMAINS = 5000


class DomainBatchInputs(DomainInputs):
    SUMMARY: ClassVar[str] = """
    Domains submitted to InboxedUp together, with their status and nameserver pairs. Create
    adopts the domains the account already holds, submits the others (500 a request) and waits,
    bounded by `wait_timeout_seconds`, until each reaches `wait_for`; update adds and removes
    only the changed domains (the batch is never replaced); refresh reads the batch status;
    delete removes the domains the batch submitted, each verified by a read (adopted domains stay
    unless `destroy_adopted`). A failed or late domain does not undo the others: the program
    reports it (unless `fail_on_domain_errors=False`) and the next `pulumi up` retries it.
    """
    EXAMPLE: ClassVar[str] = """
    import pulumi
    from pulumi_inboxed.inboxedup import DomainBatch, WaitFor

    batch = DomainBatch(
        "outreach-domains",
        domains=["acme-outreach.com", "acme-mail.co", "bücher-acme.de"],
        wait_for=WaitFor.NS_READY,
        wait_timeout_seconds=900,
    )
    pulumi.export("nameservers", batch.nameservers)
    """

    domains: Annotated[DomainNames, Field(min_length=1, max_length=MAX_DOMAINS)] = arg(
        description=(
            f"the domain names (Unicode or A-labels; stored as A-labels), 1 to {MAX_DOMAINS}, "
            "none twice"
        ),
    )
    wait_for: WaitFor = arg(
        WaitFor.NS_READY,
        description="what create and update wait for: `ns_ready` (default) or `active`",
        strict=False,
    )
    wait_timeout_seconds: float = arg(
        DEFAULT_WAIT_TIMEOUT_SECONDS,
        description=(
            f"the bound on each wait, in seconds (0 to {MAX_WAIT_TIMEOUT_SECONDS}; default "
            f"{DEFAULT_WAIT_TIMEOUT_SECONDS})"
        ),
        ge=0,
        le=MAX_WAIT_TIMEOUT_SECONDS,
        allow_inf_nan=False,
    )
    fail_on_domain_errors: bool = arg(
        True,
        description=(
            "report failed or late domains as an error of the program (default True); they are "
            "kept in the state either way"
        ),
    )
    import_batch_id: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] | None
    ) = arg(
        None,
        description=(
            "adopt this existing batch instead of submitting its domains (Pulumi's `import_` "
            "option cannot reach a dynamic provider: this is the import)"
        ),
    )
    verify_ns_trigger: str | WholeNumber | None = arg(
        None,
        description=(
            "change this value to verify the nameservers of every PENDING_NS domain on the next "
            "`pulumi up` (`ns_missing` reports what is missing)"
        ),
    )


class DomainBatchOutputs(ResourceOutputs):
    batch_id: str | None = out(description="the batch id (the resource's id)")
    batch_ids: list[str] | None = out(description="every batch holding the resource's domains")
    records: dict[str, dict[str, Any]] | None = out(
        description="per domain: id, status, batch_id, ns1, ns2, failure_reason"
    )
    statuses: dict[str, str] | None = out(description="domain -> status")
    nameservers: dict[str, list[str]] | None = out(
        description="domain -> [ns1, ns2], the pair to set at the registrar"
    )
    failed_domains: dict[str, str] | None = out(description="domain -> why it failed")
    not_ready_domains: list[str] | None = out(
        description="domains that did not reach `wait_for` within the bound"
    )
    ns_missing: dict[str, dict[str, Any]] | None = out(
        description=(
            "PENDING_NS domains whose nameservers verify-NS did not find: expected and found"
        )
    )
    last_error: str | None = out(description="the error that ended the last wait, if any")
    adopted_domains: list[str] | None = out(
        description=(
            "domains the account held before this resource asked for them: kept on destroy "
            "unless `destroy_adopted` is set"
        )
    )
    verify_ns_error: str | None = out(
        description="why verify-NS could not be used in the last run (names the endpoint), or None"
    )


def _outputs(
    inputs: Mapping[str, Any],
    batch_id: str,
    batch_ids: Iterable[str],
    records: Mapping[str, Mapping[str, Any]],
    last_error: str | None = None,
    ns_missing: Mapping[str, Mapping[str, Any]] | None = None,
    adopted: Iterable[str] = (),
    verify_ns_error: str | None = None,
) -> dict[str, Any]:
    target = str(inputs.get("wait_for") or WaitFor.NS_READY.value)
    wanted = list(inputs.get("domains") or [])
    failed = {
        name: str(rec.get("failure_reason") or "failed")
        for name, rec in records.items()
        if rec["status"] == DomainStatus.FAILED.value
    }
    not_ready = [
        name
        for name in wanted
        if name not in records or not reached(DomainStatus(records[name]["status"]), target)
    ]
    return {
        **{k: inputs.get(k) for k in DomainBatchInputs.input_names()},
        "batch_id": batch_id,
        "batch_ids": sorted(set(batch_ids)),
        "records": {name: dict(rec) for name, rec in records.items()},
        "statuses": {name: rec["status"] for name, rec in records.items()},
        "nameservers": {
            name: [rec["ns1"], rec["ns2"]]
            for name, rec in records.items()
            if rec.get("ns1") and rec.get("ns2")
        },
        "failed_domains": failed,
        "not_ready_domains": not_ready,
        "ns_missing": {
            name: dict(missing)
            for name, missing in (ns_missing or {}).items()
            if records.get(name, {}).get("status") == DomainStatus.PENDING_NS.value
        },
        "last_error": last_error,
        "adopted_domains": sorted(set(adopted) & set(records)),
        "verify_ns_error": verify_ns_error,
    }


class DomainBatchProvider(ConfiguredProvider):
    """The dynamic provider behind `DomainBatch`. Holds no state when pickled."""

    packed_outputs = ("domains", "records", "statuses", "nameservers", "failed_domains")

    def _runtime(self, account: str | None = None) -> InboxedUpRuntime:
        """The runtime of `account` (None: the default account)."""
        return runtime_for(self.config, account)

    # check ------------------------------------------------------------------------------
    # diff -------------------------------------------------------------------------------
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        """In place, always: the domains count as changed when the set differs or one of them
        has not reached `wait_for` (or FAILED and is retried); `wait_for` alone changes
        nothing; a verify-NS error of the last run tries again."""
        changed = changed_inputs(DomainBatchInputs, olds, news, ignore=("domains", "wait_for"))
        records: Mapping[str, Mapping[str, Any]] = olds.get("records") or {}
        adopted = set(olds.get("adopted_domains") or [])
        keep_adopted = news.get(DESTROY_ADOPTED) is not True
        new_domains = news.get("domains")
        target = str(news.get("wait_for") or WaitFor.NS_READY.value)
        if is_unknown(new_domains) or not isinstance(new_domains, list):
            changed.append("domains")
        else:
            unfinished = [
                name
                for name, rec in records.items()
                if not reached(DomainStatus(rec["status"]), target)
                or (
                    rec["status"] == DomainStatus.FAILED.value
                    and not (name in adopted and keep_adopted)  # kept as it is, not retried
                )
            ]
            plan = plan_entries(
                dict.fromkeys(records), dict.fromkeys(new_domains), failed=unfinished
            )
            if plan.has_changes:
                changed.append("domains")
        if olds.get("wait_for") != news.get("wait_for") and "domains" in changed:
            changed.append("wait_for")
        if olds.get("verify_ns_error"):
            changed.append("verify_ns_trigger")  # verify-NS failed last time: try again
        replaces = replaced_by(DomainBatchInputs, changed)  # another account: made there anew
        return dyn.DiffResult(
            changes=bool(changed),
            replaces=replaces,
            stables=[] if replaces else ["batch_id"],
            delete_before_replace=False,
        )

    # create / update ----------------------------------------------------------------------
    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        rt = self._runtime(account_of(props))
        names: list[str] = list(props["domains"])
        import_id = props.get("import_batch_id")
        records: dict[str, dict[str, Any]] = {}
        adopted: set[str] = set()
        batch_ids: list[str] = []
        if import_id:  # adopt an existing batch: its declared domains are not submitted again
            try:
                existing = rt.client.get_batch_status(import_id)
            except NotFoundError:
                raise InboxedError(
                    f"import_batch_id {import_id!r}: InboxedUp has no such batch"
                ) from None
            wanted = set(names)
            records = {d.domain: domain_record(d) for d in existing.domains() if d.domain in wanted}
            adopted |= set(records)
            batch_ids.append(import_id)
        missing = [n for n in names if n not in records]
        failures = _submit(rt, missing, records, adopted, props, batch_ids)
        batch_id = batch_ids[0] if batch_ids else NO_BATCH + names[0]
        inputs = _without(props, failures)
        outs = _settle(rt, inputs, batch_id, batch_ids, records, adopted=adopted)
        _raise_if_failed(failures, len(names), outs, batch_id)
        return dyn.CreateResult(id_=batch_id, outs=outs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        rt = self._runtime(account_of(olds))  # a change of account replaces: never here
        records: dict[str, dict[str, Any]] = {
            name: dict(rec) for name, rec in (olds.get("records") or {}).items()
        }
        adopted = set(olds.get("adopted_domains") or [])
        everything = destroy_adopted(news)
        retried = [  # a FAILED domain is removed, then submitted again (an adopted one: kept)
            n
            for n, rec in records.items()
            if rec["status"] == DomainStatus.FAILED.value and (everything or n not in adopted)
        ]
        plan = plan_entries(dict.fromkeys(records), dict.fromkeys(news["domains"]), failed=retried)
        kept: list[str] = []
        for name in plan.remove:
            record = records.pop(name)
            if name in adopted and not everything:
                kept.append(name)
            else:
                _remove(rt, name, record)
            adopted.discard(name)
        log_kept_adopted("InboxedUp domains dropped from the list", kept)
        for name in plan.retry:
            _remove(rt, name, records.pop(name))
            adopted.discard(name)
        to_add = list(plan.to_send)
        batch_ids = [b for b in (olds.get("batch_ids") or [id_]) if not b.startswith(NO_BATCH)]
        failures = _submit(rt, to_add, records, adopted, news, batch_ids)
        verify_now = olds.get("verify_ns_trigger") != news.get("verify_ns_trigger") or bool(
            olds.get("verify_ns_error")
        )
        inputs = _without(news, failures)
        outs = _settle(rt, inputs, id_, batch_ids, records, verify_now=verify_now, adopted=adopted)
        _raise_if_failed(failures, len(to_add), outs, id_)
        return dyn.UpdateResult(outs=outs)

    # read / delete ------------------------------------------------------------------------
    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        rt = self._runtime(account_of(props))
        batch_ids: list[str] = list(props.get("batch_ids") or [id_])
        known: Mapping[str, Any] | None = props.get("records")
        records = read_records(rt, id_, batch_ids, known)
        if records is None or (known is not None and not records and props.get("domains")):
            return dyn.ReadResult(id_="", outs={})  # gone outside Pulumi
        add_failure_reasons(rt, records)
        declared = props.get("domains")
        if isinstance(declared, list) and known is None and set(declared) == set(records):
            order = list(declared)
        elif isinstance(declared, list):
            order = [n for n in declared if n in records]
            order += sorted(n for n in records if n not in set(order))
        else:
            order = sorted(records)
        inputs = {
            **input_defaults(DomainBatchInputs),
            **{k: props[k] for k in DomainBatchInputs.input_names() if props.get(k) is not None},
            "domains": order,
            DESTROY_ADOPTED: props.get(DESTROY_ADOPTED) is True,
        }
        outs = _outputs(
            inputs,
            id_,
            batch_ids,
            records,
            ns_missing=props.get("ns_missing"),
            adopted=props.get("adopted_domains") or [],
            verify_ns_error=props.get("verify_ns_error"),
        )
        return dyn.ReadResult(id_=id_, outs=outs, inputs=inputs)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        """Removes every domain the resource made, each verified by a read; adopted domains
        stay unless `destroy_adopted` is set (the log says which stayed)."""
        rt = self._runtime(account_of(props))
        adopted = set(props.get("adopted_domains") or [])
        everything = destroy_adopted(props)
        kept: list[str] = []
        for name, record in (props.get("records") or {}).items():
            if name in adopted and not everything:
                kept.append(name)
                continue
            _remove(rt, name, record)
        log_kept_adopted("InboxedUp DomainBatch", kept)


def _settle(
    rt: InboxedUpRuntime,
    inputs: Mapping[str, Any],
    batch_id: str,
    batch_ids: Sequence[str],
    records: dict[str, dict[str, Any]],
    *,
    verify_now: bool = False,
    adopted: Iterable[str] = (),
) -> dict[str, Any]:
    """Waits for every wanted domain to reach the target; never raises once things exist.

    While waiting for ACTIVE, PENDING_NS domains are verified every verify interval;
    `verify_now` verifies them first (the `verify_ns_trigger` input changed). A status
    fetch that fails (after the client's own retries) does not end the wait: it is tried
    again every poll interval until the bound, and if it is still failing then, its error
    is what `last_error` reports.
    """
    target = str(inputs.get("wait_for") or WaitFor.NS_READY.value)
    timeout = float(inputs.get("wait_timeout_seconds") or 0)
    wanted = set(inputs.get("domains") or [])
    verify = Verifier(rt)
    if verify_now:
        verify.pending(records, wanted)
    errors = wait_for_domains(
        rt, wanted, batch_ids, records, target, Deadline.after(timeout), verify
    )
    add_failure_reasons(rt, records)
    outs = _outputs(
        inputs,
        batch_id,
        batch_ids,
        records,
        "; ".join(errors) or None,
        verify.missing,
        adopted=adopted,
        verify_ns_error=verify.error,
    )
    if outs["failed_domains"] or outs["not_ready_domains"] or verify.error:
        warn(_incomplete_message(outs, target, timeout))
    return outs


def _remove(rt: InboxedUpRuntime, name: str, record: Mapping[str, Any]) -> None:
    """Removes one domain and reads it back: still there fails, naming the domain."""
    domain_id = record.get("id")
    if not domain_id:
        return  # refused at submit: never in the account under this resource
    confirm_deleted(
        f"InboxedUp domain {name!r} ({domain_id})",
        delete=lambda: rt.client.remove_domain(str(domain_id)),
        exists=lambda: domain_exists(rt, name, str(domain_id)),
        settle_seconds=max(2.0, 4 * rt.poll_interval),
        interval=min(0.5, rt.poll_interval),
    )


def _submit(
    rt: InboxedUpRuntime,
    names: list[str],
    records: dict[str, dict[str, Any]],
    adopted: set[str],
    inputs: Mapping[str, Any],
    batch_ids: list[str],
) -> dict[str, str]:
    """Submits `names` (`submit_domains`; nothing when there are none), adding the batches
    they went to (new or adopted) to `batch_ids`; returns the names that failed, with why."""
    if not names:
        return {}
    submitted, adopted_batches, failures = submit_domains(
        rt,
        names,
        records,
        adopted,
        bound=_wait_bound(inputs),
        chunk_size=MAX_DOMAINS_PER_SUBMIT,
    )
    batch_ids += submitted + adopted_batches
    return failures


def _wait_bound(inputs: Mapping[str, Any]) -> float:
    """The resource's wait bound: how long a record of an interrupted submit stays usable (at
    the least `core.intents.DEFAULT_BOUND_SECONDS`)."""
    value = inputs.get("wait_timeout_seconds")
    return float(value) if isinstance(value, int | float) else 0.0


def _without(inputs: Mapping[str, Any], failures: Mapping[str, str]) -> Mapping[str, Any]:
    """The inputs as recorded after a partial failure: the names not submitted left out of
    `domains`, so the next diff and update see them as new, and submit exactly those."""
    if not failures:
        return inputs
    return {**inputs, "domains": [n for n in inputs.get("domains") or [] if n not in failures]}


def _raise_if_failed(
    failures: Mapping[str, str], asked: int, outs: Mapping[str, Any], id_: str
) -> None:
    """`PartialFailure` naming each name whose submit failed after its retries, with the
    outputs of every other domain (submitted, waited on and recorded)."""
    raise_if_unfinished(
        "DomainBatch", failures, asked, outs, id_, noun="domains", done="submitted", does="submits"
    )


def _incomplete_message(outs: Mapping[str, Any], target: str, timeout: float) -> str:
    parts: list[str] = []
    failed: Mapping[str, str] = outs["failed_domains"]
    if failed:
        parts.append(
            f"{len(failed)} domain(s) failed: "
            + "; ".join(f"{name}: {reason}" for name, reason in sorted(failed.items()))
        )
    statuses: Mapping[str, str] = outs["statuses"]
    not_ready = [n for n in outs["not_ready_domains"] if n not in failed]
    if not_ready:
        parts.append(
            f"{len(not_ready)} domain(s) not {target} within {timeout:g} s: "
            + ", ".join(f"{n} ({statuses.get(n, 'missing')})" for n in not_ready)
        )
    kept = [n for n in outs["domains"] or [] if n not in failed and n not in not_ready]
    parts.append(f"{len(kept)} domain(s) ready and kept")
    if outs.get("last_error"):
        parts.append(f"last error: {outs['last_error']}")
    if outs.get("verify_ns_error"):
        parts.append(str(outs["verify_ns_error"]))
    return "; ".join(parts) + ". Run `pulumi up` again to retry the others."


def _after_register(resource: Any, name: str, props: Props) -> None:
    """Records the domains as declared by this program (a MailboxRequest on one of them depends
    on the batch) and, unless `fail_on_domain_errors=False`, makes an incomplete batch an error
    of the program."""
    program_domains.record(props.get("domains"), resource, name=name, account=props.get("account"))
    if props.get("fail_on_domain_errors") is not False:
        pulumi.Output.all(
            resource.failed_domains,
            resource.not_ready_domains,
            resource.statuses,
            resource.wait_for,
            resource.verify_ns_error,
        ).apply(lambda v: _report_incomplete(resource, name, v))


def _report_incomplete(resource: pulumi.Resource, name: str, values: list[Any]) -> None:
    failed, not_ready, statuses, target, verify_error = values
    if pulumi.runtime.is_dry_run() or not (failed or not_ready or verify_error):
        return
    lines = [f"{d}: {reason}" for d, reason in sorted((failed or {}).items())]
    lines += [
        f"{d}: {(statuses or {}).get(d, 'missing')}, not {target} yet"
        for d in not_ready or []
        if d not in (failed or {})
    ]
    if verify_error:
        lines.append(str(verify_error))
    message = f"DomainBatch {name!r} is incomplete: " + "; ".join(lines)
    pulumi.log.error(message, resource=resource)
    raise pulumi.RunError(message)


SPEC = ResourceSpec(
    module="inboxedup",
    name="DomainBatch",
    inputs=DomainBatchInputs,
    outputs=DomainBatchOutputs,
    provider=DomainBatchProvider,
    id_doc="its batch id",
    after_register=_after_register,
)

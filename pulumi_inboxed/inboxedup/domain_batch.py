"""`inboxedup.DomainBatch`: a set of domains submitted to InboxedUp, waited on until ready.

Lifecycle:
- check: normalizes the domains (IDNA A-labels) and rejects bad input naming the domain and the
  reason; no API call (so `pulumi preview` makes none).
- create: submits the domains (500 a request), then waits on the batch-status endpoint through the
  shared poller until every domain reaches `wait_for` (or FAILED), bounded by
  `wait_timeout_seconds`. Domains the account already holds are adopted, not submitted twice.
- update: removes only the dropped domains, submits only the added ones (and re-submits FAILED
  ones), then waits again. Never replaces the batch.
- read (refresh, import by batch id): rebuilds the state from batch status; a domain removed
  outside Pulumi drops out of the state, so the next `pulumi up` adds it back.
- delete: removes every domain of the resource.

A domain that fails, or is not ready within the bound, does not undo the others: the resource is
recorded with every domain's real status, its `failed_domains`/`not_ready_domains` outputs name
them, the program reports an error naming them (so `pulumi up` exits non-zero), and the next
`pulumi up` retries just those.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any

import pulumi
import pulumi.dynamic as dyn

from ..core.domains import check_domain_list
from ..core.errors import InboxedError, NotFoundError, WaitTimeoutError
from ..core.polling import Deadline
from ..core.provider_base import ConfiguredProvider, is_unknown
from . import program_domains
from .client import MAX_DOMAINS_PER_SUBMIT
from .models import BatchStatus, Domain, DomainStatus
from .runtime import InboxedUpRuntime, runtime_for


class WaitFor(StrEnum):
    """What create and update wait for."""

    NS_READY = "ns_ready"
    """Every domain has its nameserver pair (left QUEUED)."""
    ACTIVE = "active"
    """Every domain is ACTIVE (its nameservers are in place and verified)."""


DEFAULT_WAIT_TIMEOUT_SECONDS = 900
MAX_WAIT_TIMEOUT_SECONDS = 24 * 3600
MAX_DOMAINS = 5000

INPUT_KEYS = (
    "domains",
    "wait_for",
    "wait_timeout_seconds",
    "fail_on_domain_errors",
    "import_batch_id",
    "verify_ns_trigger",
)


def reached(status: DomainStatus, target: str) -> bool:
    """True when a domain needs no more waiting for `target` (FAILED is final too)."""
    if status is DomainStatus.FAILED:
        return True
    if target == WaitFor.ACTIVE.value:
        return status is DomainStatus.ACTIVE
    return status in (DomainStatus.PENDING_NS, DomainStatus.ACTIVE)


def _record(d: Domain) -> dict[str, Any]:
    return {
        "id": d.id,
        "status": d.status.value,
        "batch_id": d.batch_id,
        "ns1": d.ns1,
        "ns2": d.ns2,
        "failure_reason": d.failure_reason,
    }


def _outputs(
    inputs: Mapping[str, Any],
    batch_id: str,
    batch_ids: Iterable[str],
    records: Mapping[str, Mapping[str, Any]],
    last_error: str | None = None,
    ns_missing: Mapping[str, Mapping[str, Any]] | None = None,
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
        **{k: inputs.get(k) for k in INPUT_KEYS},
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
    }


class DomainBatchProvider(ConfiguredProvider):
    """The dynamic provider behind `DomainBatch`. Holds no state when pickled."""

    def _runtime(self) -> InboxedUpRuntime:
        return runtime_for(self.config)

    # check ------------------------------------------------------------------------------
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> dyn.CheckResult:
        failures: list[dyn.CheckFailure] = []
        inputs = dict(news)
        domains = news.get("domains")
        if domains is None:
            failures.append(dyn.CheckFailure("domains", "is required: a list of domain names"))
        elif isinstance(domains, list):
            known = [d for d in domains if isinstance(d, str) and not is_unknown(d)]
            if len(known) == len(domains):  # unknowns during preview are checked at update
                normalized, problems = check_domain_list(known, max_count=MAX_DOMAINS)
                for p in problems:
                    where = f"domains[{p.index}]" if p.index >= 0 else "domains"
                    label = f"domain {p.domain!r} " if p.domain else ""
                    failures.append(dyn.CheckFailure(where, f"{label}{p.reason}"))
                if not domains:
                    failures.append(dyn.CheckFailure("domains", "must hold at least one domain"))
                if not problems:
                    inputs["domains"] = normalized
        elif not is_unknown(domains):
            failures.append(dyn.CheckFailure("domains", "must be a list of domain names"))

        wait_for = news.get("wait_for")
        if wait_for is None:
            inputs["wait_for"] = WaitFor.NS_READY.value
        elif isinstance(wait_for, str) and wait_for not in {w.value for w in WaitFor}:
            choices = ", ".join(repr(w.value) for w in WaitFor)
            failures.append(dyn.CheckFailure("wait_for", f"{wait_for!r} is not one of {choices}"))

        timeout = news.get("wait_timeout_seconds")
        if timeout is None:
            inputs["wait_timeout_seconds"] = DEFAULT_WAIT_TIMEOUT_SECONDS
        elif isinstance(timeout, bool) or not isinstance(timeout, int | float):
            if not is_unknown(timeout):
                failures.append(dyn.CheckFailure("wait_timeout_seconds", "must be a number"))
        elif not 0 <= timeout <= MAX_WAIT_TIMEOUT_SECONDS:
            failures.append(
                dyn.CheckFailure(
                    "wait_timeout_seconds",
                    f"{timeout:g} is out of range: 0 to {MAX_WAIT_TIMEOUT_SECONDS}",
                )
            )
        if news.get("fail_on_domain_errors") is None:
            inputs["fail_on_domain_errors"] = True
        import_id = news.get("import_batch_id")
        if (
            import_id is not None
            and not is_unknown(import_id)
            and (not isinstance(import_id, str) or not import_id.strip())
        ):
            failures.append(dyn.CheckFailure("import_batch_id", "must be a batch id string"))
        return dyn.CheckResult(inputs, failures)

    # diff -------------------------------------------------------------------------------
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        records: Mapping[str, Mapping[str, Any]] = olds.get("records") or {}
        new_domains = news.get("domains")
        target = str(news.get("wait_for") or WaitFor.NS_READY.value)
        changed: list[str] = []
        if is_unknown(new_domains) or not isinstance(new_domains, list):
            changed.append("domains")
        else:
            wanted = set(new_domains)
            unfinished = any(
                rec["status"] == DomainStatus.FAILED.value
                or not reached(DomainStatus(rec["status"]), target)
                for name, rec in records.items()
                if name in wanted
            )
            if wanted != set(records) or unfinished:
                changed.append("domains")
        if olds.get("verify_ns_trigger") != news.get("verify_ns_trigger"):
            changed.append("verify_ns_trigger")
        if olds.get("wait_for") != news.get("wait_for") and "domains" in changed:
            changed.append("wait_for")
        return dyn.DiffResult(
            changes=bool(changed), replaces=[], stables=["batch_id"], delete_before_replace=False
        )

    # create / update ----------------------------------------------------------------------
    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        rt = self._runtime()
        names: list[str] = list(props["domains"])
        import_id = props.get("import_batch_id")
        records: dict[str, dict[str, Any]] = {}
        batch_ids: list[str] = []
        if import_id:  # adopt an existing batch: its declared domains are not submitted again
            try:
                existing = rt.client.get_batch_status(import_id)
            except NotFoundError:
                raise InboxedError(
                    f"import_batch_id {import_id!r}: InboxedUp has no such batch"
                ) from None
            wanted = set(names)
            records = {d.domain: _record(d) for d in existing.domains() if d.domain in wanted}
            batch_ids.append(import_id)
        missing = [n for n in names if n not in records]
        if missing:
            submitted, records = self._submit(rt, missing, records)
            batch_ids += submitted
        batch_id = batch_ids[0]
        outs = self._settle(rt, props, batch_id, batch_ids, records)
        return dyn.CreateResult(id_=batch_id, outs=outs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        rt = self._runtime()
        records: dict[str, dict[str, Any]] = {
            name: dict(rec) for name, rec in (olds.get("records") or {}).items()
        }
        wanted: list[str] = list(news["domains"])
        wanted_set = set(wanted)
        for name in [n for n in records if n not in wanted_set]:
            self._remove(rt, records.pop(name))
        for name in [n for n in wanted if records.get(n, {}).get("status") == "FAILED"]:
            self._remove(rt, records.pop(name))
        to_add = [n for n in wanted if n not in records]
        batch_ids = list(olds.get("batch_ids") or [id_])
        if to_add:
            new_batches, records = self._submit(rt, to_add, records)
            batch_ids += new_batches
        verify_now = olds.get("verify_ns_trigger") != news.get("verify_ns_trigger")
        outs = self._settle(rt, news, id_, batch_ids, records, verify_now=verify_now)
        return dyn.UpdateResult(outs=outs)

    def _submit(
        self,
        rt: InboxedUpRuntime,
        names: Sequence[str],
        records: dict[str, dict[str, Any]],
    ) -> tuple[list[str], dict[str, dict[str, Any]]]:
        """Submits `names` (500 a request); adopts names the account already holds."""
        records = dict(records)
        batch_ids: list[str] = []
        for start in range(0, len(names), MAX_DOMAINS_PER_SUBMIT):
            chunk = names[start : start + MAX_DOMAINS_PER_SUBMIT]
            result = rt.client.submit_domains(chunk)
            batch_ids.append(result.batch_id)
            for d in result.domains:
                records[d.domain] = _record(d)
            for rejected in result.rejected:
                if rejected.existing_id is None:
                    raise InboxedError(
                        f"InboxedUp refused domain {rejected.domain!r}: {rejected.reason}"
                    )
                existing = rt.client.get_domain(rejected.existing_id)
                records[existing.domain] = _record(existing)
                if existing.batch_id:
                    batch_ids.append(existing.batch_id)
        return batch_ids, records

    def _settle(
        self,
        rt: InboxedUpRuntime,
        inputs: Mapping[str, Any],
        batch_id: str,
        batch_ids: Sequence[str],
        records: dict[str, dict[str, Any]],
        *,
        verify_now: bool = False,
    ) -> dict[str, Any]:
        """Waits for every wanted domain to reach the target; never raises once things exist.

        While waiting for ACTIVE, PENDING_NS domains are verified every verify interval;
        `verify_now` verifies them first (the `verify_ns_trigger` input changed).
        """
        target = str(inputs.get("wait_for") or WaitFor.NS_READY.value)
        timeout = float(inputs.get("wait_timeout_seconds") or 0)
        deadline = Deadline.after(timeout)
        wanted = set(inputs.get("domains") or [])
        last_error: str | None = None
        ns_missing: dict[str, dict[str, Any]] = {}
        if verify_now:
            ns_missing.update(self._verify_pending(rt, records, wanted))
        verify_every = rt.verify_ns_interval if target == WaitFor.ACTIVE.value else None
        for bid in dict.fromkeys(batch_ids):
            mine = {n for n, r in records.items() if r.get("batch_id") == bid and n in wanted}
            if not mine:
                continue

            def done(status: BatchStatus, mine: set[str] = mine) -> bool:
                seen = {d.domain: d for d in status.domains() if d.domain in mine}
                return all(reached(d.status, target) for d in seen.values())

            while True:
                left = deadline.remaining()
                slice_ = min(left, verify_every) if verify_every else left
                try:
                    status = rt.batch_poller.wait(bid, done, slice_, describe=_describe_batch)
                except WaitTimeoutError as exc:
                    try:
                        status = rt.client.get_batch_status(bid)
                    except InboxedError:
                        last_error = str(exc)
                        break
                    self._take(records, mine, status)
                    if verify_every:  # verify-NS promotes the domains whose NS are in place
                        ns_missing.update(self._verify_pending(rt, records, mine))
                    if all(
                        reached(DomainStatus(records[n]["status"]), target)
                        for n in mine
                        if n in records
                    ):
                        break
                    if deadline.expired():
                        last_error = str(exc)
                        break
                    continue
                except InboxedError as exc:
                    last_error = str(exc)
                    break
                self._take(records, mine, status)
                break
        _add_failure_reasons(rt, records)
        outs = _outputs(inputs, batch_id, batch_ids, records, last_error, ns_missing)
        if outs["failed_domains"] or outs["not_ready_domains"]:
            pulumi.log.warn(_incomplete_message(outs, target, timeout))
        return outs

    @staticmethod
    def _take(records: dict[str, dict[str, Any]], mine: set[str], status: BatchStatus) -> None:
        seen = {d.domain: d for d in status.domains()}
        for name in mine:
            if name in seen:
                records[name] = _record(seen[name])
            else:
                records.pop(name, None)  # removed outside Pulumi while we waited

    @staticmethod
    def _verify_pending(
        rt: InboxedUpRuntime, records: dict[str, dict[str, Any]], names: Iterable[str]
    ) -> dict[str, dict[str, Any]]:
        """Calls verify-NS for each PENDING_NS domain; returns the ones still missing."""
        missing: dict[str, dict[str, Any]] = {}
        for name in names:
            rec = records.get(name)
            if rec is None or rec["status"] != DomainStatus.PENDING_NS.value:
                continue
            try:
                result = rt.client.verify_domain_ns(str(rec["id"]))
            except InboxedError:
                continue
            rec.update(status=result.status.value, ns1=result.ns1, ns2=result.ns2)
            if not result.verified:
                missing[name] = {"expected": [result.ns1, result.ns2], "found": result.found}
        return missing

    def _remove(self, rt: InboxedUpRuntime, record: Mapping[str, Any]) -> None:
        with contextlib.suppress(NotFoundError):  # already gone is fine
            rt.client.remove_domain(str(record["id"]))

    # read / delete ------------------------------------------------------------------------
    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        rt = self._runtime()
        batch_ids: list[str] = list(props.get("batch_ids") or [id_])
        known: Mapping[str, Any] | None = props.get("records")
        records: dict[str, dict[str, Any]] = {}
        for bid in batch_ids:
            try:
                status = rt.client.get_batch_status(bid)
            except NotFoundError:
                if bid == id_:
                    return dyn.ReadResult(id_="", outs={})
                continue
            for d in status.domains():
                if known is None or d.domain in known:
                    records[d.domain] = _record(d)
        _add_failure_reasons(rt, records)
        declared = props.get("domains")
        if isinstance(declared, list) and known is None and set(declared) == set(records):
            order = list(declared)
        elif isinstance(declared, list):
            order = [n for n in declared if n in records]
            order += sorted(n for n in records if n not in set(order))
        else:
            order = sorted(records)
        inputs = {
            "domains": order,
            "wait_for": props.get("wait_for") or WaitFor.NS_READY.value,
            "wait_timeout_seconds": props.get("wait_timeout_seconds")
            if props.get("wait_timeout_seconds") is not None
            else DEFAULT_WAIT_TIMEOUT_SECONDS,
            "fail_on_domain_errors": props.get("fail_on_domain_errors")
            if props.get("fail_on_domain_errors") is not None
            else True,
            "import_batch_id": props.get("import_batch_id"),
            "verify_ns_trigger": props.get("verify_ns_trigger"),
        }
        outs = _outputs(inputs, id_, batch_ids, records, ns_missing=props.get("ns_missing"))
        return dyn.ReadResult(id_=id_, outs=outs, inputs=inputs)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        rt = self._runtime()
        for record in (props.get("records") or {}).values():
            self._remove(rt, record)


def _add_failure_reasons(rt: InboxedUpRuntime, records: dict[str, dict[str, Any]]) -> None:
    """Batch status carries no reason; a FAILED domain's own record does."""
    for name, rec in records.items():
        if rec["status"] == DomainStatus.FAILED.value and not rec.get("failure_reason"):
            with contextlib.suppress(InboxedError):
                records[name] = _record(rt.client.get_domain(str(rec["id"])))


def _describe_batch(status: BatchStatus | None) -> str:
    if status is None:
        return "no answer yet"
    return (
        f"{status.status}: {status.queued} queued, {status.pending_ns} pending NS, "
        f"{status.active} active, {status.failed} failed"
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
    return "; ".join(parts) + ". Run `pulumi up` again to retry the others."


class DomainBatchArgs:
    """Inputs of `DomainBatch`."""

    def __init__(
        self,
        domains: pulumi.Input[Sequence[pulumi.Input[str]]],
        wait_for: pulumi.Input[WaitFor | str] | None = None,
        wait_timeout_seconds: pulumi.Input[int] | None = None,
        fail_on_domain_errors: pulumi.Input[bool] | None = None,
        import_batch_id: pulumi.Input[str] | None = None,
        verify_ns_trigger: pulumi.Input[str | int] | None = None,
    ) -> None:
        """
        :param domains: the domain names (Unicode or A-labels; stored as A-labels).
        :param wait_for: `WaitFor.NS_READY` (default) or `WaitFor.ACTIVE`.
        :param wait_timeout_seconds: the bound on each wait (default 900, at most 86400).
        :param fail_on_domain_errors: report failed or late domains as an error of the
            program (default True); they are kept in the state either way.
        :param import_batch_id: adopt this existing batch instead of submitting its domains
            (Pulumi's `import_` option cannot reach a dynamic provider; this is the import).
        :param verify_ns_trigger: change this value to verify the nameservers of every
            PENDING_NS domain on the next `pulumi up` (`ns_missing` reports what is missing).
        """
        self.verify_ns_trigger = verify_ns_trigger
        self.import_batch_id = import_batch_id
        self.domains = domains
        self.wait_for = wait_for
        self.wait_timeout_seconds = wait_timeout_seconds
        self.fail_on_domain_errors = fail_on_domain_errors


class DomainBatch(dyn.Resource, module="inboxedup", name="DomainBatch"):
    """Domains submitted to InboxedUp together, with their status and nameserver pairs.

    Outputs: `batch_id`, `records` (per domain: id, status, batch_id, ns1, ns2, failure_reason),
    `statuses`, `nameservers` (domain -> [ns1, ns2] to set at the registrar),
    `failed_domains` (domain -> reason), `not_ready_domains`.
    """

    batch_id: pulumi.Output[str]
    batch_ids: pulumi.Output[list[str]]
    domains: pulumi.Output[list[str]]
    wait_for: pulumi.Output[str]
    wait_timeout_seconds: pulumi.Output[int]
    records: pulumi.Output[dict[str, dict[str, Any]]]
    statuses: pulumi.Output[dict[str, str]]
    nameservers: pulumi.Output[dict[str, list[str]]]
    failed_domains: pulumi.Output[dict[str, str]]
    not_ready_domains: pulumi.Output[list[str]]
    ns_missing: pulumi.Output[dict[str, dict[str, Any]]]
    """PENDING_NS domains whose nameservers verify-NS did not find: expected and found."""
    last_error: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        args: DomainBatchArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        wait_for = args.wait_for.value if isinstance(args.wait_for, WaitFor) else args.wait_for
        props: dict[str, Any] = {
            "domains": args.domains,
            "wait_for": wait_for,
            "wait_timeout_seconds": args.wait_timeout_seconds,
            "fail_on_domain_errors": args.fail_on_domain_errors,
            "import_batch_id": args.import_batch_id,
            "verify_ns_trigger": args.verify_ns_trigger,
            "ns_missing": None,
            "batch_id": None,
            "batch_ids": None,
            "records": None,
            "statuses": None,
            "nameservers": None,
            "failed_domains": None,
            "not_ready_domains": None,
            "last_error": None,
        }
        super().__init__(DomainBatchProvider(), resource_name, props, opts)
        program_domains.record(args.domains, self)
        if args.fail_on_domain_errors is not False:
            name = resource_name
            pulumi.Output.all(
                self.failed_domains, self.not_ready_domains, self.statuses, self.wait_for
            ).apply(lambda v: _report_incomplete(self, name, v))


def _report_incomplete(resource: pulumi.Resource, name: str, values: list[Any]) -> None:
    failed, not_ready, statuses, target = values
    if pulumi.runtime.is_dry_run() or not (failed or not_ready):
        return
    lines = [f"{d}: {reason}" for d, reason in sorted((failed or {}).items())]
    lines += [
        f"{d}: {(statuses or {}).get(d, 'missing')}, not {target} yet"
        for d in not_ready or []
        if d not in (failed or {})
    ]
    message = f"DomainBatch {name!r} is incomplete: " + "; ".join(lines)
    pulumi.log.error(message, resource=resource)
    raise pulumi.RunError(message)

"""`mailin.Domains`: domains bought (or transferred) into a Mailin.ai account.

Buying costs money and cannot be undone, so:
- preview checks each name (IDNA, the purchasable TLDs .com .co .ca .biz) and asks the API whether
  it is available; a name the account already holds is fine (it is adopted, not bought);
- create looks for every name in the account first and adopts what is there; it buys only the
  rest, in one request, then waits on the domain job. A create that was interrupted after the
  purchase request (the CLI or the provider killed mid-wait) and is run again finds the domains
  in the account and buys nothing twice;
- **delete removes the domains and all their mailboxes from Mailin.ai**, permanently. Protect the
  resource (`pulumi.ResourceOptions(protect=True)`) or keep the domains when it is deleted
  (`retain_on_delete=True`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

import pulumi
import pulumi.dynamic as dyn

from ..core.domains import check_domain_list
from ..core.errors import InboxedError, NotFoundError, WaitTimeoutError
from ..core.polling import Deadline
from ..core.provider_base import ConfiguredProvider, has_unknowns
from .endpoints import PURCHASABLE_TLDS
from .models import MailinDomain
from .runtime import MailinRuntime, runtime_for

DEFAULT_WAIT_TIMEOUT_SECONDS = 900
MAX_DOMAINS = 500
INPUT_KEYS = ("domains", "acquisition", "google", "inboxkit_uids", "wait_timeout_seconds")


class Acquisition(StrEnum):
    BUY = "buy"
    TRANSFER = "transfer"
    INBOXKIT = "inboxkit"
    """Transfer from Inboxkit (each domain needs its Inboxkit uid)."""


def _record(d: MailinDomain) -> dict[str, Any]:
    return {
        "id": d.id,
        "active": d.active,
        "name_servers": list(d.name_servers),
        "provider": d.domain_provider,
    }


def _outputs(
    inputs: Mapping[str, Any],
    records: Mapping[str, Mapping[str, Any]],
    job_ids: Sequence[str],
    transfer_name_servers: Mapping[str, list[str]] | None = None,
    last_error: str | None = None,
) -> dict[str, Any]:
    wanted = list(inputs.get("domains") or [])
    return {
        **{k: inputs.get(k) for k in INPUT_KEYS},
        "records": {n: dict(r) for n, r in records.items()},
        "domain_ids": {n: r["id"] for n, r in records.items()},
        "active": {n: bool(r["active"]) for n, r in records.items()},
        "name_servers": {n: list(r["name_servers"]) for n, r in records.items()},
        "transfer_name_servers": dict(transfer_name_servers or {}),
        "pending_domains": [n for n in wanted if not records.get(n, {}).get("active")],
        "job_ids": list(job_ids),
        "last_error": last_error,
    }


class DomainsProvider(ConfiguredProvider):
    def _runtime(self) -> MailinRuntime:
        return runtime_for(self.config)

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> dyn.CheckResult:
        inputs = dict(news)
        failures: list[dyn.CheckFailure] = []
        acquisition = news.get("acquisition") or Acquisition.BUY.value
        if acquisition not in {a.value for a in Acquisition}:
            failures.append(
                dyn.CheckFailure(
                    "acquisition", f"{acquisition!r} is not one of buy, transfer, inboxkit"
                )
            )
        inputs["acquisition"] = acquisition
        inputs["google"] = bool(news.get("google", False))
        if news.get("wait_timeout_seconds") is None:
            inputs["wait_timeout_seconds"] = DEFAULT_WAIT_TIMEOUT_SECONDS
        domains = news.get("domains")
        if has_unknowns(domains):
            return dyn.CheckResult(inputs, failures)
        if not isinstance(domains, list) or not domains:
            failures.append(dyn.CheckFailure("domains", "must be a non-empty list of names"))
            return dyn.CheckResult(inputs, failures)
        names, problems = check_domain_list(domains, max_count=MAX_DOMAINS)
        for p in problems:
            where = f"domains[{p.index}]" if p.index >= 0 else "domains"
            failures.append(dyn.CheckFailure(where, f"{p.domain!r} {p.reason}".strip()))
        if problems:
            return dyn.CheckResult(inputs, failures)
        inputs["domains"] = names
        if acquisition == Acquisition.BUY.value:
            for i, name in enumerate(names):
                tld = name.rsplit(".", 1)[1]
                if tld not in PURCHASABLE_TLDS:
                    allowed = ", ".join(f".{t}" for t in PURCHASABLE_TLDS)
                    failures.append(
                        dyn.CheckFailure(
                            f"domains[{i}]",
                            f"'{name}': .{tld} cannot be bought; allowed: {allowed}",
                        )
                    )
        if acquisition == Acquisition.INBOXKIT.value:
            uids = news.get("inboxkit_uids") or {}
            for i, name in enumerate(names):
                if not isinstance(uids, dict) or not uids.get(name):
                    failures.append(
                        dyn.CheckFailure(
                            f"domains[{i}]", f"'{name}' needs its uid in inboxkit_uids"
                        )
                    )
        if not failures and acquisition == Acquisition.BUY.value:
            known = set((olds.get("records") or {}) if olds else {})
            failures += self._check_available([n for n in names if n not in known], names)
        return dyn.CheckResult(inputs, failures)

    def _check_available(
        self, candidates: Sequence[str], names: Sequence[str]
    ) -> list[dyn.CheckFailure]:
        """Read-only: each name not in the account must be available for purchase."""
        failures: list[dyn.CheckFailure] = []
        if not candidates:
            return failures
        try:
            client = self._runtime().client
            held = {d.name for d in client.list_domains()}
            for name in candidates:
                if name in held:
                    continue  # adopted at create, never bought twice
                if not client.check_availability(name).available:
                    failures.append(
                        dyn.CheckFailure(
                            f"domains[{names.index(name)}]",
                            f"'{name}' is not available for purchase",
                        )
                    )
        except InboxedError as exc:
            failures.append(dyn.CheckFailure("domains", f"could not check availability: {exc}"))
        return failures

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        replaces = [k for k in ("acquisition", "google") if olds.get(k) != news.get(k)]
        records = olds.get("records") or {}
        wanted = news.get("domains")
        changed = has_unknowns(wanted) or set(wanted or []) != set(records)
        pending = any(not r.get("active") for r in records.values())
        return dyn.DiffResult(changes=bool(replaces or changed or pending), replaces=replaces)

    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        rt = self._runtime()
        outs = self._acquire(rt, props, {}, [])
        first = outs["domain_ids"].get(props["domains"][0])
        ident = str(first) if first is not None else ",".join(props["domains"])
        return dyn.CreateResult(id_=ident, outs=outs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        rt = self._runtime()
        records = {n: dict(r) for n, r in (olds.get("records") or {}).items()}
        wanted = set(news["domains"])
        for name in [n for n in records if n not in wanted]:
            with contextlib.suppress(NotFoundError):
                rt.client.delete_domain(int(records[name]["id"]))
            records.pop(name)
        outs = self._acquire(rt, news, records, list(olds.get("job_ids") or []))
        return dyn.UpdateResult(outs=outs)

    def _acquire(
        self,
        rt: MailinRuntime,
        inputs: Mapping[str, Any],
        records: dict[str, dict[str, Any]],
        job_ids: list[str],
    ) -> dict[str, Any]:
        names: list[str] = list(inputs["domains"])
        google = bool(inputs.get("google"))
        deadline = Deadline.after(float(inputs.get("wait_timeout_seconds") or 0))
        for name in names:  # adopt what the account holds: a resumed create buys nothing twice
            if name not in records:
                found = rt.client.find_domain(name, google=google)
                if found is not None:
                    records[name] = _record(found)
        missing = [n for n in names if n not in records]
        transfer_ns: dict[str, list[str]] = {}
        acquisition = inputs.get("acquisition") or Acquisition.BUY.value
        if missing and acquisition == Acquisition.BUY.value:
            job_ids.append(rt.client.buy_domains(missing, google=google))
        elif missing and acquisition == Acquisition.TRANSFER.value:
            for name in missing:
                accepted = rt.client.transfer_domain(name, google=google)
                transfer_ns[name] = list(accepted.name_servers)
        elif missing:
            uids: Mapping[str, str] = inputs.get("inboxkit_uids") or {}
            for name in missing:
                accepted = rt.client.transfer_inboxkit_domain(name, uids[name])
                transfer_ns[name] = list(accepted.name_servers)
        last_error = self._wait(rt, job_ids[-1:] if missing else [], deadline)
        for name in names:
            found = rt.client.find_domain(name, google=google)
            if found is not None:
                records[name] = _record(found)
        outs = _outputs(inputs, records, job_ids, transfer_ns, last_error)
        if outs["pending_domains"]:
            pulumi.log.warn(
                "Mailin.ai domains not active yet: "
                + ", ".join(outs["pending_domains"])
                + (f" ({last_error})" if last_error else "")
                + ". `pulumi refresh` or `pulumi up` later brings their status."
            )
        return outs

    @staticmethod
    def _wait(rt: MailinRuntime, job_ids: Sequence[str], deadline: Deadline) -> str | None:
        for job_id in job_ids:
            try:
                job = rt.domain_jobs.wait(
                    job_id,
                    lambda j: j.status not in ("pending", "processing", "in_progress"),
                    deadline.remaining(),
                    describe=lambda j: f"{j.status}: {j.report}" if j else "no answer yet",
                )
            except WaitTimeoutError as exc:
                return str(exc)
            except InboxedError as exc:
                return str(exc)
            if job.status != "completed":
                return f"domain job {job_id} ended {job.status}: {job.report}"
        return None

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        rt = self._runtime()
        records: dict[str, dict[str, Any]] = {}
        for name, rec in (props.get("records") or {}).items():
            try:
                records[name] = _record(rt.client.get_domain(int(rec["id"])))
            except NotFoundError:
                continue  # gone outside Pulumi: the next `pulumi up` acquires it again
        inputs = {k: props.get(k) for k in INPUT_KEYS}
        outs = _outputs(
            inputs,
            records,
            list(props.get("job_ids") or []),
            props.get("transfer_name_servers"),
        )
        return dyn.ReadResult(id_=id_, outs=outs)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        rt = self._runtime()
        for rec in (props.get("records") or {}).values():
            with contextlib.suppress(NotFoundError):
                rt.client.delete_domain(int(rec["id"]))


class DomainsArgs:
    def __init__(
        self,
        domains: pulumi.Input[Sequence[pulumi.Input[str]]],
        acquisition: pulumi.Input[Acquisition | str] | None = None,
        google: pulumi.Input[bool] | None = None,
        inboxkit_uids: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None,
        wait_timeout_seconds: pulumi.Input[int] | None = None,
    ) -> None:
        """
        :param domains: the names (IDNA checked; bought ones must end in .com .co .ca .biz).
        :param acquisition: `buy` (default), `transfer`, or `inboxkit` (transfer from Inboxkit).
        :param google: Google Workspace domains (the Google endpoints) instead of SMTP.
        :param inboxkit_uids: for `inboxkit`: domain -> its Inboxkit uid.
        :param wait_timeout_seconds: bound on waiting for the purchase job (default 900).
        """
        self.domains = domains
        self.acquisition = acquisition
        self.google = google
        self.inboxkit_uids = inboxkit_uids
        self.wait_timeout_seconds = wait_timeout_seconds


class Domains(dyn.Resource, module="mailin", name="Domains"):
    """Domains in a Mailin.ai account. Deleting it deletes the domains and their mailboxes."""

    domain_ids: pulumi.Output[dict[str, int]]
    active: pulumi.Output[dict[str, bool]]
    name_servers: pulumi.Output[dict[str, list[str]]]
    transfer_name_servers: pulumi.Output[dict[str, list[str]]]
    pending_domains: pulumi.Output[list[str]]
    records: pulumi.Output[dict[str, dict[str, Any]]]

    def __init__(
        self, resource_name: str, args: DomainsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        acquisition = (
            args.acquisition.value
            if isinstance(args.acquisition, Acquisition)
            else args.acquisition
        )
        props: dict[str, Any] = {
            "domains": args.domains,
            "acquisition": acquisition,
            "google": args.google,
            "inboxkit_uids": args.inboxkit_uids,
            "wait_timeout_seconds": args.wait_timeout_seconds,
            "records": None,
            "domain_ids": None,
            "active": None,
            "name_servers": None,
            "transfer_name_servers": None,
            "pending_domains": None,
            "job_ids": None,
            "last_error": None,
        }
        super().__init__(DomainsProvider(), resource_name, props, opts)

"""`mailin.Domains`: domains bought (or transferred) into a Mailin.ai account.

Buying costs money and cannot be undone, so:
- preview checks each name (its declaration: IDNA, no mixed-script look-alike unless listed in
  `allow_mixed_script`, the purchasable TLDs .com .co .ca .biz) and asks the API whether it is
  available (the account's lists and each name's availability are read once per provider process
  and shared by every resource's check, until the provider writes: `MailinRuntime.shared_*`);
  a name the account already holds in the list of the resource's kind (SMTP or Google) is fine
  (it is adopted, not bought), one held as the other kind fails by name. Names the stack holds
  for this resource (its previous inputs) are not asked about again, so a preview after the
  first `up` makes no availability call;
- create looks for every name in the account first and adopts what is there; it buys only the
  rest, in one request, then waits on the domain job, and (when buying) until every domain is
  active, bounded by `wait_timeout_seconds`. A create that was interrupted after the purchase
  request (the CLI or the provider killed mid-wait) and is run again finds the domains in the
  account, buys nothing twice and still waits for them;
- a purchase or transfer that fails half-way (a dropped connection, a timeout, a 5xx, Mailin.ai's
  310/313) is never simply sent again (`MailinRuntime.write_once`): the names are looked for in
  the account first, found ones are this run's own (made, not adopted), and only the others are
  sent again; a name refused as unavailable fails alone and the others are bought;
- the collection finishes what it can: names that could not be acquired are left out of the
  outputs and named in a `PartialFailure` (the completed ones are recorded), and the next `up`
  acquires only those; before buying a name it does not hold, it waits for its own last purchase
  jobs still running, so a name is never bought twice;
- Inboxkit transfers are looked up in the Inboxkit list as well as in the domain list;
- **delete removes the domains it made and all their mailboxes from Mailin.ai**, permanently, and
  reads each one back to confirm it is gone. Domains a create adopted (held by the account before
  the resource asked for them) stay in the account unless `destroy_adopted=True`; `adopted_domains`
  lists them. A purchase or transfer records its names first (`core.intents`): after a crash, the
  recovering create manages the names it finds with that record as acquired by this resource (not
  adopted; one log line), so destroy removes them. Protect the resource
  (`pulumi.ResourceOptions(protect=True)`) or keep every domain when it is deleted
  (`retain_on_delete=True`).
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, ClassVar

import pulumi.dynamic as dyn
from pydantic import StringConstraints, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from ..core import intents
from ..core.errors import InboxedError, NotFoundError, WaitTimeoutError
from ..core.lifecycle import (
    DESTROY_ADOPTED,
    confirm_deleted,
    destroy_adopted,
    log_kept_adopted,
    warn_grouped,
)
from ..core.partial_failure import PartialFailure
from ..core.polling import Deadline
from ..core.provider_base import ConfiguredProvider, Failures, Props, has_unknowns
from ..core.resource_spec import ResourceSpec
from ..core.schema import (
    DomainInputs,
    DomainName,
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
from .endpoints import PURCHASABLE_TLDS
from .errors import DomainsUnavailableError, LoginFailedError
from .models import MailinDomain, TransferAccepted
from .runtime import (
    API,
    MailinRuntime,
    account_wide,
    listed_reasons,
    not_tried,
    runtime_for,
)

DEFAULT_WAIT_TIMEOUT_SECONDS = 900
MAX_WAIT_TIMEOUT_SECONDS = 86_400
"""Our bound: a day. A wait holds one of the provider's threads."""
MAX_DOMAINS = 500
KIND = "Mailin.ai domains"
FIND_ONE_BY_ONE = 10
"""Up to this many names are looked up one by one after a failed purchase; more: one listing."""
EARLIER_JOBS_CHECKED = 3
"""How many of the resource's last purchase jobs are waited for before buying a missing name."""


class Acquisition(StrEnum):
    BUY = "buy"
    TRANSFER = "transfer"
    INBOXKIT = "inboxkit"
    """Transfer from Inboxkit (each domain needs its Inboxkit uid)."""


InboxkitUid = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _error(loc: tuple[str | int, ...], value: Any, kind: str, message: str) -> InitErrorDetails:
    return InitErrorDetails(type=PydanticCustomError(kind, message), loc=loc, input=value)


class DomainsInputs(DomainInputs):
    SUMMARY: ClassVar[str] = """
    Domains in a Mailin.ai account: bought (one request for many), transferred, or transferred
    from Inboxkit; SMTP domains, or Google Workspace ones with `google=True`. Preview checks the
    names, the purchasable TLDs and availability (read-only calls). Create adopts any name the
    account already holds and buys only the rest, then waits (bounded) until they are active.
    **Deleting it deletes the domains it made and their mailboxes**; domains it adopted stay
    unless `destroy_adopted=True`. Protect it (`protect=True` or `retain_on_delete=True`).
    """
    EXAMPLE: ClassVar[str] = """
    import pulumi
    from pulumi_inboxed.mailin import Domains, DomainsArgs

    domains = Domains(
        "sending-domains",
        DomainsArgs(domains=["acme-mail.com", "acme-send.co"], wait_timeout_seconds=600),
        opts=pulumi.ResourceOptions(protect=True),
    )
    pulumi.export("domain_ids", domains.domain_ids)
    """

    domains: DomainNames = arg(
        description=(
            "the names (IDNA 2008/UTS 46, normalized to A-labels; bought ones must end in "
            f".com .co .ca .biz; at most {MAX_DOMAINS}); removing one deletes it, adding one "
            "acquires it"
        ),
        min_length=1,
        max_length=MAX_DOMAINS,
    )
    acquisition: Acquisition = arg(
        Acquisition.BUY,
        description="`buy`, `transfer`, or `inboxkit` (transfer from Inboxkit)",
        replace=True,
        strict=False,
    )
    google: bool = arg(
        False,
        description="Google Workspace domains (the Google endpoints) instead of SMTP ones",
        replace=True,
    )
    inboxkit_uids: dict[DomainName, InboxkitUid] | None = arg(
        None, description="for `inboxkit`: domain -> its Inboxkit uid (every domain needs one)"
    )
    wait_timeout_seconds: WholeNumber = arg(
        DEFAULT_WAIT_TIMEOUT_SECONDS,
        description=(
            "bound, in seconds, on waiting for a purchase to finish and the domains to be "
            f"active (0 to {MAX_WAIT_TIMEOUT_SECONDS})"
        ),
        ge=0,
        le=MAX_WAIT_TIMEOUT_SECONDS,
    )

    @model_validator(mode="after")
    def _across_fields(self) -> DomainsInputs:
        errors: list[InitErrorDetails] = []
        if self.acquisition is Acquisition.INBOXKIT and self.google:
            errors.append(
                _error(
                    ("google",),
                    self.google,
                    "inboxkit_google",
                    "Inboxkit transfers are SMTP domains: drop google=True",
                )
            )
        if self.acquisition is Acquisition.BUY:
            allowed = ", ".join(f".{t}" for t in PURCHASABLE_TLDS)
            for index, name in enumerate(self.domains):
                tld = name.rsplit(".", 1)[-1]
                if tld not in PURCHASABLE_TLDS:
                    message = f".{tld} cannot be bought; allowed: {allowed}"
                    errors.append(_error(("domains", index), name, "tld", message))
        if self.acquisition is Acquisition.INBOXKIT:
            uids = self.inboxkit_uids or {}
            for index, name in enumerate(self.domains):
                if name not in uids:
                    message = "needs its uid in inboxkit_uids"
                    errors.append(_error(("domains", index), name, "inboxkit_uid", message))
        if errors:
            raise ValidationError.from_exception_data(type(self).__name__, errors)
        return self


class DomainsOutputs(ResourceOutputs):
    records: dict[str, dict[str, Any]] | None = out(
        description="per domain: its id, whether it is active, its nameservers and provider"
    )
    domain_ids: dict[str, int] | None = out(description="domain -> its Mailin.ai id")
    active: dict[str, bool] | None = out(description="domain -> whether it is active")
    name_servers: dict[str, list[str]] | None = out(description="domain -> its nameservers")
    transfer_name_servers: dict[str, list[str]] | None = out(
        description="for transfers: domain -> the nameservers to set at the current registrar"
    )
    pending_domains: list[str] | None = out(description="the declared domains not active yet")
    adopted_domains: list[str] | None = out(
        description=(
            "the domains the account held before this resource asked for them (kept on delete "
            "unless destroy_adopted)"
        )
    )
    job_ids: list[str] | None = out(description="the purchase jobs this resource started")
    last_error: str | None = out(description="why the last wait ended early, if it did")


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
    adopted: Collection[str],
    transfer_name_servers: Mapping[str, list[str]] | None = None,
    last_error: str | None = None,
) -> dict[str, Any]:
    wanted = list(inputs.get("domains") or [])
    outs = {**input_defaults(DomainsInputs)}
    outs.update({k: inputs[k] for k in DomainsInputs.input_names() if inputs.get(k) is not None})
    outs[DESTROY_ADOPTED] = destroy_adopted(inputs)
    return {
        **outs,
        "records": {n: dict(r) for n, r in records.items()},
        "domain_ids": {n: r["id"] for n, r in records.items()},
        "active": {n: bool(r["active"]) for n, r in records.items()},
        "name_servers": {n: list(r["name_servers"]) for n, r in records.items()},
        "transfer_name_servers": dict(transfer_name_servers or {}),
        "pending_domains": [n for n in wanted if not records.get(n, {}).get("active")],
        "adopted_domains": sorted(n for n in adopted if n in records),
        "job_ids": list(job_ids),
        "last_error": last_error,
    }


@dataclass(frozen=True)
class _Bought:
    job_id: str | None
    """The purchase's job; None when its reply was lost and the domains were found instead."""


def _shown(names: Sequence[str]) -> str:
    head = ", ".join(names[:5])
    more = f" and {len(names) - 5} more" if len(names) > 5 else ""
    return f"{len(names)} domain(s) ({head}{more})"


def _raise_if_failed(outs: Mapping[str, Any], failed: Mapping[str, str], ident: str) -> None:
    """A collection finishes what it can: the completed domains are in `outs` (recorded by the
    engine), and the failed ones, named with their reasons, are acquired by the next `up`."""
    if not failed:
        return
    reasons = [f"{name}: {reason}" for name, reason in failed.items()]
    raise PartialFailure(
        f"{KIND}: {len(failed)} of {len(failed) + len(outs.get('records') or {})} domain(s) "
        "failed (the others are done and recorded; the next `pulumi up` retries only these): "
        + listed_reasons(reasons),
        outs,
        reasons,
        id_=ident,
    )


def _of_kind(domain: MailinDomain, google: bool) -> bool:
    """False for a domain whose `provider_type` says it is the other kind (a list that shows
    every domain, Google ones included, is one reading of the page); True when it says none."""
    kind = (domain.provider_type or "").strip().lower()
    return not kind or (kind == "google") == google


def _same_kind(olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    defaults = input_defaults(DomainsInputs)
    return all(olds.get(k, defaults[k]) == news.get(k) for k in ("acquisition", "google"))


class DomainsProvider(ConfiguredProvider):
    def _runtime(self, props: Mapping[str, Any]) -> MailinRuntime:
        """The runtime of the resource's account (its inputs, or its outputs after create)."""
        return runtime_for(self.config, props.get("account"))

    # preview ------------------------------------------------------------------------------
    def check_further(self, olds: Props, news: Props, inputs: Props, so_far: Failures) -> Failures:
        """Domains to buy must be available (asked of the account, at preview)."""
        if so_far or has_unknowns(inputs) or inputs["acquisition"] != Acquisition.BUY.value:
            return []
        # The stack holds the previous inputs' names already (bought or adopted before): they
        # are not asked about again, so previews after the first `up` cost no calls.
        names: list[str] = inputs["domains"]
        held = olds.get("domains") if olds and _same_kind(olds, inputs) else None
        known = set(held) if isinstance(held, list) and not has_unknowns(held) else set()
        candidates = [n for n in names if n not in known]
        return self._check_available(
            self._runtime(inputs), candidates, names, google=inputs["google"] is True
        )

    def _check_available(
        self, rt: MailinRuntime, candidates: Sequence[str], names: Sequence[str], *, google: bool
    ) -> list[dyn.CheckFailure]:
        """Read-only: each name not in the account must be available for purchase.

        A name in the list of the resource's own kind is adopted at create; one held only as the
        other kind (an SMTP domain for a Google resource, or the reverse) cannot be, and fails.
        """
        failures: list[dyn.CheckFailure] = []
        if not candidates:
            return failures
        kind, other = ("Google", "SMTP") if google else ("SMTP", "Google")
        try:
            # Shared by every check of the provider process (one listing of each kind, one
            # availability call per name, whatever the number of resources), until a write.
            listed = rt.shared_domains(google=google)
            own = {d.name.lower() for d in listed if _of_kind(d, google)}
            pending = [n for n in candidates if n not in own]
            others = (
                {
                    d.name.lower()
                    for d in rt.shared_domains(google=not google)
                    if _of_kind(d, not google)
                }
                if pending
                else set()
            )
            for name in pending:
                where = f"domains[{names.index(name)}]"
                if name in others:
                    failures.append(
                        dyn.CheckFailure(
                            where,
                            f"'{name}' is already in the account as a {other} domain; this "
                            f"resource declares {kind} domains",
                        )
                    )
                elif not rt.shared_availability(name).available:
                    failures.append(
                        dyn.CheckFailure(where, f"'{name}' is not available for purchase")
                    )
        except LoginFailedError:
            raise  # the login's own error, not a failure of the availability check
        except InboxedError as exc:  # the account could not be read: its failure
            failures.append(dyn.CheckFailure("account", f"could not check availability: {exc}"))
        return failures

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        # The names compare with what the account holds (`records`): a domain removed outside
        # Pulumi (seen by refresh) is acquired again; the order of the list is no change.
        changed = changed_inputs(DomainsInputs, olds, news, ignore=("domains",))
        records = olds.get("records") or {}
        wanted = news.get("domains")
        names_changed = has_unknowns(wanted) or set(wanted or []) != set(records)
        # A purchase the create did not see finish: the next `up` waits for it. Transfers wait
        # on the user's nameserver change instead; `pulumi refresh` brings their status.
        buying = (olds.get("acquisition") or Acquisition.BUY.value) == Acquisition.BUY.value
        pending = buying and any(not r.get("active") for r in records.values())
        return dyn.DiffResult(
            changes=bool(changed or names_changed or pending),
            replaces=replaced_by(DomainsInputs, changed),
        )

    # create and update --------------------------------------------------------------------
    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        rt = self._runtime(props)
        failed: dict[str, str] = {}
        outs = self._acquire(rt, props, {}, [], set(), failed)
        first = outs["domain_ids"].get(props["domains"][0])
        ident = str(first) if first is not None else ",".join(props["domains"])
        _raise_if_failed(outs, failed, ident)
        return dyn.CreateResult(id_=ident, outs=outs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        """Also the next `up` after a partial failure: `olds` then hold the completed domains
        only, and only the others are acquired (the recorded ones are not bought again)."""
        rt = self._runtime(olds)
        records = {n: dict(r) for n, r in (olds.get("records") or {}).items()}
        adopted = set(olds.get("adopted_domains") or []) & set(records)
        wanted = set(news["domains"])
        removed = [n for n in records if n not in wanted]
        kept = [n for n in removed if n in adopted and not destroy_adopted(news)]
        failed: dict[str, str] = {}
        halt: InboxedError | None = None
        for name in removed:
            if name not in kept:
                if halt is not None:
                    failed[name] = f"not deleted: {not_tried(halt)}"
                    continue
                try:
                    self._delete_one(rt, olds, name, int(records[name]["id"]))
                except InboxedError as exc:  # still there: kept in the records, tried again
                    failed[name] = f"not deleted: {exc}"
                    halt = exc if account_wide(exc) else None
                    continue
            records.pop(name)
            adopted.discard(name)
        log_kept_adopted(KIND, kept)
        job_ids = list(olds.get("job_ids") or [])
        earlier_ns = olds.get("transfer_name_servers") or {}
        outs = self._acquire(rt, news, records, job_ids, adopted, failed, dict(earlier_ns))
        _raise_if_failed(outs, failed, id_)
        return dyn.UpdateResult(outs=outs)

    def _find(self, rt: MailinRuntime, name: str, inputs: Mapping[str, Any]) -> MailinDomain | None:
        """The account's domain called `name`, in the list(s) where its kind is listed."""
        google = bool(inputs.get("google"))
        found = rt.client.find_domain(name, google=google)
        if found is not None and not _of_kind(found, google):
            found = None
        if found is None and inputs.get("acquisition") == Acquisition.INBOXKIT.value:
            wanted = name.lower()
            found = next(
                (d for d in rt.client.list_inboxkit_domains(name) if d.name.lower() == wanted),
                None,
            )
        return found

    def _find_many(
        self, rt: MailinRuntime, names: Sequence[str], inputs: Mapping[str, Any]
    ) -> dict[str, MailinDomain]:
        """The account's domains among `names`, read fresh: one lookup a name for a few names,
        else one listing of the kind's list (fewer requests for a large purchase)."""
        if len(names) <= FIND_ONE_BY_ONE:
            found = {n: self._find(rt, n, inputs) for n in names}
            return {n: d for n, d in found.items() if d is not None}
        google = bool(inputs.get("google"))
        listed = [d for d in rt.client.list_domains(google=google) if _of_kind(d, google)]
        if inputs.get("acquisition") == Acquisition.INBOXKIT.value:
            listed += rt.client.list_inboxkit_domains()
        by_name = {d.name.lower(): d for d in listed}
        return {n: by_name[n.lower()] for n in names if n.lower() in by_name}

    def _acquire(
        self,
        rt: MailinRuntime,
        inputs: Mapping[str, Any],
        records: dict[str, dict[str, Any]],
        job_ids: list[str],
        adopted: set[str],
        failed: dict[str, str],
        transfer_ns: dict[str, list[str]] | None = None,
    ) -> dict[str, Any]:
        """Acquires every declared name not in `records` and records it; a name that could not
        be acquired is left out of the records, with its reason in `failed`."""
        names: list[str] = list(inputs["domains"])
        timeout = float(inputs.get("wait_timeout_seconds") or 0)
        deadline = Deadline.after(timeout)
        acquisition = inputs.get("acquisition") or Acquisition.BUY.value
        buying = acquisition == Acquisition.BUY.value
        own_ids: set[int] = set()
        if buying and job_ids and any(n not in records for n in names):
            # this resource's purchases still running may hold the missing names (a list may
            # show them only once done): wait for them, never buy a name twice
            own_ids = self._earlier_jobs(rt, job_ids, deadline)
        halt: InboxedError | None = None
        held: list[str] = []
        for name in names:  # adopt what the account holds: a resumed create buys nothing twice
            if name not in records and name not in failed:
                if halt is not None:
                    failed[name] = not_tried(halt)
                    continue
                try:
                    found = self._find(rt, name, inputs)
                except InboxedError as exc:
                    failed[name] = f"could not be looked up: {exc}"
                    halt = exc if account_wide(exc) else None
                    continue
                if found is not None:
                    records[name] = _record(found)
                    if found.id not in own_ids:  # not bought by this resource's own jobs
                        held.append(name)
        # unless this resource's interrupted run recorded it was about to acquire them
        # (`core.intents`): made by this stack, not adopted
        adopted.update(set(held) - intents.claim(API, rt.account, held, bound_seconds=timeout))
        missing = [n for n in names if n not in records and n not in failed]
        transfer_ns = dict(transfer_ns or {})
        transfer_ids: dict[str, int] = {}
        new_jobs: list[str] = []
        if missing and buying:
            new_jobs = self._buy(rt, inputs, missing, records, failed)
            job_ids.extend(new_jobs)
        elif missing:
            uids: Mapping[str, str] = inputs.get("inboxkit_uids") or {}
            for name in missing:
                if halt is not None:
                    failed[name] = f"not transferred: {not_tried(halt)}"
                    continue
                try:
                    accepted = self._transfer(rt, inputs, name, uids.get(name))
                except InboxedError as exc:
                    failed[name] = f"not transferred: {exc}"
                    halt = exc if account_wide(exc) else None
                    continue
                transfer_ns[name] = list(accepted.name_servers)
                if accepted.domain_id is not None:
                    transfer_ids[name] = accepted.domain_id
        last_error = self._wait(rt, new_jobs, deadline)
        # read back what this run acquired, and what was not active yet
        for name in names:
            if name in failed or (name in records and records[name].get("active")):
                continue
            if halt is not None:
                if name not in records:
                    failed[name] = f"acquired, but not read back: {not_tried(halt)}"
                continue
            try:
                found = self._find(rt, name, inputs)
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
                records[name] = _record(found)
            elif name not in records:
                failed[name] = f"not in the account after the {acquisition}" + (
                    f" ({last_error})" if last_error else ""
                )
        if buying and last_error is None:
            # Also when every name was adopted (a create interrupted after its purchase request
            # and run again): wait for them as the job would have been waited on.
            last_error = self._wait_active(rt, inputs, records, deadline, timeout)
        transfer_ns = {n: ns for n, ns in transfer_ns.items() if n in records}
        outs = _outputs(inputs, records, job_ids, adopted, transfer_ns, last_error)
        pending = [n for n in outs["pending_domains"] if n not in failed]
        warn_grouped(
            KIND,
            ("domain is not active yet", "domains are not active yet"),
            pending,
            (f"{last_error}; " if last_error else "")
            + "`pulumi refresh` or `pulumi up` later brings their status.",
        )
        return outs

    def _earlier_jobs(
        self, rt: MailinRuntime, job_ids: Sequence[str], deadline: Deadline
    ) -> set[int]:
        """Waits (bounded) for this resource's last purchase jobs that are still running, and
        returns the ids of the domains they bought (when the job lists them): found in the
        account, those are this resource's own, not adopted. An unknown job is skipped."""
        own: set[int] = set()
        for job_id in job_ids[-EARLIER_JOBS_CHECKED:]:
            try:
                job = rt.domain_jobs.wait(
                    job_id,
                    lambda j: j.status not in ("pending", "processing", "in_progress"),
                    deadline.remaining(),
                )
            except InboxedError:
                continue  # forgotten by the API, or still running at the deadline
            own.update(job.domain_ids)
        return own

    def _buy(
        self,
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
            found = self._find_many(rt, pending, inputs)
            for name, domain in found.items():
                records[name] = _record(domain)
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
        self, rt: MailinRuntime, inputs: Mapping[str, Any], name: str, uid: str | None
    ) -> TransferAccepted:
        """One transfer (`write_once`); a transfer found after a failed request is this run's
        own, and the nameservers it shows are the ones to set."""
        google = bool(inputs.get("google"))
        inboxkit = inputs.get("acquisition") == Acquisition.INBOXKIT.value

        def send() -> TransferAccepted:
            if inboxkit:
                return rt.client.transfer_inboxkit_domain(name, str(uid))
            return rt.client.transfer_domain(name, google=google)

        def find() -> TransferAccepted | None:
            found = self._find(rt, name, inputs)
            if found is None:
                return None
            return TransferAccepted(name_servers=list(found.name_servers), domain_id=found.id)

        kind = "Inboxkit transfer" if inboxkit else "transfer"
        recorded = rt.intent([name], "domain", "transferred")  # on disk before the transfer
        return rt.write_once(f"{kind} of {name}", send, find, intent=recorded)

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

    def _wait_active(
        self,
        rt: MailinRuntime,
        inputs: Mapping[str, Any],
        records: dict[str, dict[str, Any]],
        deadline: Deadline,
        timeout: float,
    ) -> str | None:
        """Polls the domains that are not active yet until they are, or the deadline."""
        while True:
            pending = [n for n in inputs["domains"] if n in records and not records[n]["active"]]
            if not pending:
                return None
            if deadline.expired():
                return f"not active within {timeout:g} s: {', '.join(pending)}"
            time.sleep(min(rt.poll_interval, max(deadline.remaining(), 0.01)))
            for name in pending:
                try:
                    found = self._find(rt, name, inputs)
                except InboxedError as exc:
                    return str(exc)
                if found is not None:
                    records[name] = _record(found)

    # refresh ------------------------------------------------------------------------------
    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        rt = self._runtime(props)
        records: dict[str, dict[str, Any]] = {}
        for name, rec in (props.get("records") or {}).items():
            found: MailinDomain | None
            try:
                found = rt.client.get_domain(int(rec["id"]))
            except NotFoundError:
                found = self._find(rt, name, props)  # the by-id path may differ: ask the lists
            if found is not None:
                records[name] = _record(found)
            # else gone outside Pulumi: the next `pulumi up` acquires it again
        outs = _outputs(
            props,
            records,
            list(props.get("job_ids") or []),
            props.get("adopted_domains") or [],
            props.get("transfer_name_servers"),
        )
        return dyn.ReadResult(id_=id_, outs=outs)

    # delete -------------------------------------------------------------------------------
    def _delete_one(
        self, rt: MailinRuntime, props: Mapping[str, Any], name: str, domain_id: int
    ) -> None:
        """Deletes the domain, then reads the lists until it is gone (a 404 alone is not)."""

        def exists() -> bool:
            found = self._find(rt, name, props)
            return found is not None and found.id == domain_id

        confirm_deleted(
            f"Mailin.ai domain '{name}' ({domain_id})",
            lambda: rt.client.delete_domain(domain_id),
            exists,
            settle_seconds=max(2.0, min(30.0, 4 * rt.poll_interval)),
            interval=min(0.5, rt.poll_interval),
        )

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        rt = self._runtime(props)
        records: Mapping[str, Mapping[str, Any]] = props.get("records") or {}
        adopted = set(props.get("adopted_domains") or []) & set(records)
        kept = set() if destroy_adopted(props) else adopted
        for name, rec in records.items():
            if name not in kept:
                self._delete_one(rt, props, name, int(rec["id"]))
        log_kept_adopted(KIND, kept)


SPEC = ResourceSpec(
    module="mailin",
    name="Domains",
    inputs=DomainsInputs,
    outputs=DomainsOutputs,
    provider=DomainsProvider,
    id_doc="the id of its first domain",
    gettable=False,  # a collection: one domain's id cannot bring back the others
    after_register=program_domains.record,  # its domains' account, for cross-account checks
)

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

from collections.abc import Collection, Mapping, Sequence
from enum import StrEnum
from typing import Annotated, Any, ClassVar

import pulumi.dynamic as dyn
from pydantic import StringConstraints, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from ..core.errors import InboxedError, NotFoundError
from ..core.lifecycle import (
    DESTROY_ADOPTED,
    destroy_adopted,
    log_kept_adopted,
    warn_grouped,
)
from ..core.partial_failure import PartialFailure
from ..core.provider_base import ConfiguredProvider, Failures, Props, has_unknowns
from ..core.reconcile import plan_entries
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
from .domain_acquire import (
    BUY,
    INBOXKIT,
    Holdings,
    acquire,
    delete_domain,
    domain_record,
    find_domain,
)
from .domain_acquire import of_kind as _of_kind
from .errors import LoginFailedError
from .models import MailinDomain
from .purchasable import purchase_problem
from .runtime import (
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


class Acquisition(StrEnum):
    BUY = BUY
    TRANSFER = "transfer"
    INBOXKIT = INBOXKIT
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
            for index, name in enumerate(self.domains):
                problem = purchase_problem(name)  # the one rule (`purchasable`)
                if problem is not None:
                    errors.append(_error(("domains", index), name, "purchase", problem))
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
        names_changed = (
            has_unknowns(wanted)
            or plan_entries(dict.fromkeys(records), dict.fromkeys(wanted or [])).has_changes
        )
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
        held = Holdings()
        outs = self._acquired(rt, props, held)
        first = outs["domain_ids"].get(props["domains"][0])
        ident = str(first) if first is not None else ",".join(props["domains"])
        _raise_if_failed(outs, held.failed, ident)
        return dyn.CreateResult(id_=ident, outs=outs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        """Also the next `up` after a partial failure: `olds` then hold the completed domains
        only, and only the others are acquired (the recorded ones are not bought again)."""
        rt = self._runtime(olds)
        records = {n: dict(r) for n, r in (olds.get("records") or {}).items()}
        adopted = set(olds.get("adopted_domains") or []) & set(records)
        removed = list(plan_entries(dict.fromkeys(records), dict.fromkeys(news["domains"])).remove)
        kept = [n for n in removed if n in adopted and not destroy_adopted(news)]
        failed: dict[str, str] = {}
        halt: InboxedError | None = None
        for name in removed:
            if name not in kept:
                if halt is not None:
                    failed[name] = f"not deleted: {not_tried(halt)}"
                    continue
                try:
                    delete_domain(rt, olds, name, int(records[name]["id"]))
                except InboxedError as exc:  # still there: kept in the records, tried again
                    failed[name] = f"not deleted: {exc}"
                    halt = exc if account_wide(exc) else None
                    continue
            records.pop(name)
            adopted.discard(name)
        log_kept_adopted(KIND, kept)
        job_ids = list(olds.get("job_ids") or [])
        earlier_ns = dict(olds.get("transfer_name_servers") or {})
        held = Holdings(records, job_ids, adopted, failed, earlier_ns)
        outs = self._acquired(rt, news, held)
        _raise_if_failed(outs, failed, id_)
        return dyn.UpdateResult(outs=outs)

    @staticmethod
    def _acquired(rt: MailinRuntime, inputs: Mapping[str, Any], held: Holdings) -> dict[str, Any]:
        """Acquires the declared names not in `held.records` (`domain_acquire.acquire`); returns
        the outputs, warning once about the domains not active yet."""
        last_error = acquire(rt, inputs, held)
        outs = _outputs(
            inputs, held.records, held.job_ids, held.adopted, held.transfer_ns, last_error
        )
        pending = [n for n in outs["pending_domains"] if n not in held.failed]
        warn_grouped(
            KIND,
            ("domain is not active yet", "domains are not active yet"),
            pending,
            (f"{last_error}; " if last_error else "")
            + "`pulumi refresh` or `pulumi up` later brings their status.",
        )
        return outs

    # refresh ------------------------------------------------------------------------------
    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        rt = self._runtime(props)
        records: dict[str, dict[str, Any]] = {}
        for name, rec in (props.get("records") or {}).items():
            found: MailinDomain | None
            try:
                found = rt.client.get_domain(int(rec["id"]))
            except NotFoundError:
                found = find_domain(rt, name, props)  # the by-id path may differ: ask the lists
            if found is not None:
                records[name] = domain_record(found)
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
    def delete(self, _id: str, props: dict[str, Any]) -> None:
        rt = self._runtime(props)
        records: Mapping[str, Mapping[str, Any]] = props.get("records") or {}
        adopted = set(props.get("adopted_domains") or []) & set(records)
        kept = set() if destroy_adopted(props) else adopted
        for name, rec in records.items():
            if name not in kept:
                delete_domain(rt, props, name, int(rec["id"]))
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

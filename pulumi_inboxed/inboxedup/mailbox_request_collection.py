"""`inboxedup.MailboxRequests`: many mailbox requests, on many domains, in one resource.

A stack of hundreds of domains with a few mailboxes each would need one MailboxRequest per domain
and type, and the engine's cost per resource (a checkpoint rewritten after every step) dominates
at that size. This resource holds them all: one entry per (domain, type), each with its
mailboxes, exactly the fields of a MailboxRequest.

- Preview checks every entry by its declared type and names it
  (`requests[3].mailboxes[1].username`); a (domain, type) given twice is refused at the second
  entry. The program sums every entry with the program's other MailboxRequest(s) per domain and
  type (`program_domains`), and check() counts the account's live requests, read once per
  provider process (the runtime's shared snapshot).
- The diff compares entries by (domain, type): only new or changed entries are requested. The API
  cannot change or cancel a request: a changed entry gets a new request and the old one stays in
  the account, and a removed entry leaves the state; both with a warning naming the request.
- Create and update wait (bounded by `wait_timeout_seconds`) for each entry's domain to be ACTIVE,
  all entries (and every other wait of the provider) sharing one account listing per poll
  interval, and request each entry as soon as its domain is ready, `parallel_requests` at once.
  A live request for exactly an entry's usernames is adopted instead (a retried `up`).
- Each request is made once (`mailbox_request.request_once`): a try that fails half-way is
  followed by a fresh look for the request it would have made, and sent again only if absent.
- An entry that cannot be requested does not stop the others: every other entry is requested and
  recorded (`PartialFailure`), `pulumi up` fails naming each failed entry, and the next
  `pulumi up` requests exactly those.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Annotated, Any, ClassVar

import pulumi
import pulumi.dynamic as dyn
from pydantic import (
    Field,
    model_validator,
)

from ..core.domains import DomainNameError, normalize_domain
from ..core.engine_log import handled_urn
from ..core.lifecycle import grouped_message, listed
from ..core.partial_failure import raise_if_unfinished
from ..core.polling import Deadline
from ..core.provider_base import ConfiguredProvider, Failures, has_unknowns, holds_any
from ..core.reconcile import plan_entries
from ..core.repeated_warnings import row_name, warn_repeated
from ..core.resource_spec import Opts, Props, ResourceSpec
from ..core.schema import (
    DomainInputs,
    DomainName,
    InputObject,
    ResourceOutputs,
    WholeNumber,
    arg,
    changed_inputs,
    out,
    replaced_by,
    unique_entries,
)
from . import program_domains
from .account_check import PlannedRequest, account_failures
from .mailbox_request import (
    DEFAULT_WAIT_TIMEOUT_SECONDS,
    MAX_WAIT_TIMEOUT_SECONDS,
    REQUEST_STAYS,
    Mailboxes,
    left_head,
    mailboxes_within_type_limit,
)
from .mailbox_request_sending import entry_usernames as _usernames
from .mailbox_request_sending import passwords, request_all
from .models import MailboxEntry, MailboxType
from .models import MailboxRequest as RequestInfo
from .program_domains import account_label
from .runtime import API, InboxedUpRuntime, account_of, runtime_for

IN_PROGRAM = "domains_in_program"
"""An output the program sets: the entries' domains a DomainBatch of the program declares."""
KIND = "MailboxRequests"
DEFAULT_PARALLEL_REQUESTS = 8


class MailboxRequestEntryInput(InputObject):
    """One entry: mailboxes of one type on one domain (what one MailboxRequest holds)."""

    domain: DomainName = Field(
        description="the domain: declared by a DomainBatch of this program, or ACTIVE"
    )
    type: Annotated[MailboxType, Field(strict=False)] = Field(
        description="microsoft, google, smtp or smtp_dedicated (`MailboxType`)"
    )
    mailboxes: Annotated[Mailboxes, Field(min_length=1)] = Field(
        description=(
            "the mailboxes, `MailboxArgs(first_name, last_name, username)`; no username twice"
        )
    )

    _within_the_type_limit = model_validator(mode="after")(mailboxes_within_type_limit)


def entry_key(domain: str, type_: str) -> str:
    """An entry's key in the outputs: `domain/type` (`acme.com/microsoft`)."""
    return f"{domain}/{type_}"


def _raw_key(raw: Any) -> str | None:
    if not isinstance(raw, Mapping):
        return None
    domain, type_ = raw.get("domain"), raw.get("type")
    if not isinstance(domain, str) or not isinstance(type_, str):
        return None
    try:
        return entry_key(normalize_domain(domain), type_.strip().lower())
    except DomainNameError:
        return None


Entries = Annotated[
    list[MailboxRequestEntryInput],
    Field(min_length=1),
    unique_entries(
        "requests",
        _raw_key,
        "duplicates requests[{first}] ({key}): give each domain and type once, with all its "
        "mailboxes",
    ),
]


class MailboxRequestsInputs(DomainInputs):
    SUMMARY: ClassVar[str] = """
    Many InboxedUp mailbox requests in one resource: one entry per domain and type, each with
    its mailboxes (what one MailboxRequest holds), for the stacks of hundreds of domains where
    one resource per request would spend most of `pulumi up` in the engine. Preview shows the
    changed entries and refuses more mailboxes than the type allows per domain, summed over every
    entry and every MailboxRequest(s) of the program and the account's live requests. Create
    waits (bounded) for each entry's domain to be ACTIVE, sharing one account listing per poll
    interval, and requests each entry as soon as its domain is ready; a live request for exactly
    an entry's usernames is adopted. The API cannot change or cancel a request: a changed entry
    gets a new request, and a changed or removed entry's old request stays in the account (with
    a warning naming it).
    """
    EXAMPLE: ClassVar[str] = """
    from pulumi_inboxed.inboxedup import (
        MailboxArgs, MailboxRequestEntryArgs, MailboxRequests, MailboxType,
    )

    MailboxRequests(
        "fleet-mailboxes",
        requests=[
            MailboxRequestEntryArgs(
                domain=name,  # declared by a DomainBatch of the program, or ACTIVE
                type=MailboxType.MICROSOFT,
                mailboxes=[MailboxArgs("John", "Smith", "john.smith")],
            )
            for name in ["acme-outreach.com", "acme-mail.co"]
        ],
    )
    """

    requests: Entries = arg(
        description=(
            "the entries, `MailboxRequestEntryArgs(domain, type, mailboxes)`; each domain and "
            "type once"
        )
    )
    wait_timeout_seconds: float = arg(
        DEFAULT_WAIT_TIMEOUT_SECONDS,
        description=(
            "the bound on the wait for the entries' domains to become ACTIVE, in seconds (0 to "
            f"{MAX_WAIT_TIMEOUT_SECONDS}; default {DEFAULT_WAIT_TIMEOUT_SECONDS})"
        ),
        ge=0,
        le=MAX_WAIT_TIMEOUT_SECONDS,
        allow_inf_nan=False,
    )
    parallel_requests: WholeNumber = arg(
        DEFAULT_PARALLEL_REQUESTS,
        description=(
            f"how many `POST /mailboxes` may be in flight at once (1 to 32; default "
            f"{DEFAULT_PARALLEL_REQUESTS})"
        ),
        ge=1,
        le=32,
    )


class MailboxRequestsOutputs(ResourceOutputs):
    request_ids: dict[str, str] | None = out(description="`domain/type` -> the request's id")
    statuses: dict[str, str] | None = out(
        description=(
            "`domain/type` -> PENDING, IN_PROGRESS, COMPLETED or FAILED (refresh brings the "
            "later one)"
        )
    )
    emails: dict[str, list[str]] | None = out(description="`domain/type` -> the addresses")
    credentials: dict[str, str] | None = out(
        description="address -> password, when the API returns them", secret=True
    )
    adopted_requests: list[str] | None = out(
        description="the entries (`domain/type`) whose create adopted a live request"
    )
    domains_in_program: list[str] | None = out(
        description="the entries' domains a DomainBatch of this program declares"
    )


def _entries(props: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The recorded or checked entries by key (`domain/type`)."""
    out: dict[str, dict[str, Any]] = {}
    for raw in props.get("requests") or []:
        if isinstance(raw, Mapping) and isinstance(raw.get("domain"), str):
            out[entry_key(str(raw["domain"]), str(raw["type"]))] = dict(raw)
    return out


def _content(entry: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """What an entry asks for, in a form that ignores the mailboxes' order."""
    return sorted(
        (str(m["username"]), str(m["first_name"]), str(m["last_name"]))
        for m in entry.get("mailboxes") or []
    )


def _requested_already(before: Mapping[str, Any], entry: Mapping[str, Any]) -> bool:
    """The entry is recorded as it is (nothing new to check or request)."""
    key = entry_key(str(entry["domain"]), str(entry["type"]))
    return key in before and _content(before[key]) == _content(entry)


def _adopted_by(entry: Mapping[str, Any]) -> Callable[[RequestInfo], bool]:
    """The live request for exactly the entry's usernames: its create would adopt it."""
    wanted = _usernames(entry["mailboxes"])
    return lambda request: _usernames(request.mailboxes) == wanted


def _mailbox_entries(entry: Mapping[str, Any]) -> list[MailboxEntry]:
    return [
        MailboxEntry(
            firstName=m["first_name"], lastName=m["last_name"], mailboxUsername=m["username"]
        )
        for m in entry["mailboxes"]
    ]


class MailboxRequestsProvider(ConfiguredProvider):
    packed_outputs = (
        "requests",
        "request_ids",
        "statuses",
        "emails",
        "credentials",
        "domains_in_program",
    )

    def _runtime(self, account: str | None = None) -> InboxedUpRuntime:
        """The runtime of `account` (None: the default account)."""
        return runtime_for(self.config, account)

    # check: the base's (the types, the account's name), then the account's listings ---------
    def check_further(self, olds: Props, news: Props, inputs: Props, so_far: Failures) -> Failures:
        """Records `domains_in_program` (set by the program) and, with every input known, checks
        the new and changed entries against the account (`account_check`)."""
        in_program = news.get(IN_PROGRAM)
        inputs[IN_PROGRAM] = [] if in_program is None else in_program
        if so_far or has_unknowns(
            [inputs.get("requests"), inputs[IN_PROGRAM], inputs.get("account")]
        ):
            return []
        before = _entries(olds) if olds else {}
        declared = {str(d) for d in inputs.get(IN_PROGRAM) or []}
        planned = [
            PlannedRequest(
                where=f"requests[{index}].",
                domain=str(entry["domain"]),
                type=str(entry["type"]),
                mailboxes=len(entry["mailboxes"]),
                declared=str(entry["domain"]) in declared,
                stands_for=_adopted_by(entry),
            )
            for index, entry in enumerate(inputs["requests"])
            if not _requested_already(before, entry)
        ]
        named = account_of(inputs)
        return account_failures(lambda: self._runtime(named).account, planned, named)

    # diff -------------------------------------------------------------------------------
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        """Entries compare by (domain, type): a reordered list is no change, and an update
        requests only the new and changed entries."""
        changed = changed_inputs(MailboxRequestsInputs, olds, news, ignore=("requests",))
        new = news.get("requests")
        entries_changed = has_unknowns(new) or {
            k: _content(e) for k, e in _entries(olds).items()
        } != {k: _content(e) for k, e in _entries(news).items()}
        return dyn.DiffResult(
            changes=bool(changed or entries_changed),
            replaces=replaced_by(MailboxRequestsInputs, changed),  # another account
            stables=[],
            delete_before_replace=False,
        )

    # create / update ----------------------------------------------------------------------
    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        id_ = f"mailbox-requests-{uuid.uuid4().hex[:12]}"
        outs = self._reconcile(id_, props, {}, account_of(props))
        return dyn.CreateResult(id_=id_, outs=outs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        # a change of account replaces: the update stays in the recorded account
        return dyn.UpdateResult(outs=self._reconcile(id_, news, olds, account_of(olds)))

    def _reconcile(
        self, id_: str, news: Mapping[str, Any], olds: Mapping[str, Any], account: str | None
    ) -> dict[str, Any]:
        """Requests the new and changed entries; keeps the unchanged ones as recorded.

        Entries that could not be requested (after their retries) do not stop the others: every
        other entry is requested, then `PartialFailure` records the requested ones (the failed
        entries left out of the outputs and of the recorded `requests`) and names each failed
        entry with its reason; the next `pulumi up` updates with those outputs as the olds, and
        so requests exactly the failed entries."""
        wanted, before = _entries(news), _entries(olds)
        ids: dict[str, str] = dict(olds.get("request_ids") or {})
        statuses: dict[str, str] = dict(olds.get("statuses") or {})
        emails: dict[str, list[str]] = dict(olds.get("emails") or {})
        credentials: dict[str, str] = dict(olds.get("credentials") or {})
        adopted = set(olds.get("adopted_requests") or [])
        plan = plan_entries(before, wanted, done=list(ids), compare=_content)
        todo = plan.to_send  # new, changed, and not requested last time
        _warn_left(ids, set(ids) - set(wanted), "its entry was removed from the program", account)
        _warn_left(
            ids, set(ids) & set(todo), "its entry changed, and a new request is made", account
        )
        for key in (set(ids) - set(wanted)) | (set(ids) & set(todo)):
            ids.pop(key, None)
            statuses.pop(key, None)
            adopted.discard(key)
            for address in emails.pop(key, []):
                credentials.pop(address, None)
        if todo:
            deadline = Deadline.after(float(news.get("wait_timeout_seconds") or 0))
            parallel = int(news.get("parallel_requests") or DEFAULT_PARALLEL_REQUESTS)
            rt = self._runtime(account)
            done, found_live, errors = request_all(rt, todo, deadline, parallel, news)
            for key, request in done.items():
                ids[key] = request.id
                statuses[key] = request.status.value
                emails[key] = [f"{m.mailbox_username}@{request.domain}" for m in request.mailboxes]
                credentials.update(passwords(request))
            adopted |= found_live
            if errors:
                outs = _reconciled(news, ids, statuses, emails, credentials, adopted, set(errors))
                _raise_if_unrequested(errors, len(todo), outs, id_)
        return _reconciled(news, ids, statuses, emails, credentials, adopted, set())

    # read / delete ------------------------------------------------------------------------
    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        """One listing of the account's requests, shared by every resource refreshed in this
        provider process: each entry's status (and credentials, when
        given) is brought up to date; an entry whose request is gone leaves the state, and the
        next `pulumi up` requests it again."""
        rt = self._runtime(account_of(props))
        by_id = {r.id: r for r in rt.account.requests()}  # one listing for every read
        ids = dict(props.get("request_ids") or {})
        entries = _entries(props)
        statuses: dict[str, str] = {}
        emails: dict[str, list[str]] = {}
        credentials: dict[str, str] = {}
        kept: dict[str, str] = {}
        for key, request_id in ids.items():
            request = by_id.get(request_id)
            if request is None or key not in entries:
                continue
            kept[key] = request_id
            statuses[key] = request.status.value
            emails[key] = [f"{m.mailbox_username}@{request.domain}" for m in request.mailboxes]
            credentials.update(passwords(request))
        recorded = dict(props.get("credentials") or {})
        for address in (a for addresses in emails.values() for a in addresses):
            if address not in credentials and address in recorded:
                credentials[address] = recorded[address]
        inputs = {
            **{
                k: props[k] for k in MailboxRequestsInputs.input_names() if props.get(k) is not None
            },
            "requests": [e for k, e in entries.items() if k in kept],
            IN_PROGRAM: props.get(IN_PROGRAM) or [],
        }
        outs = {
            **props,
            **inputs,
            "request_ids": kept,
            "statuses": statuses,
            "emails": emails,
            "credentials": credentials,
            "adopted_requests": sorted(set(props.get("adopted_requests") or []) & set(kept)),
        }
        return dyn.ReadResult(id_=id_, outs=outs, inputs=inputs)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        ids: dict[str, str] = dict(props.get("request_ids") or {})
        _warn_left(ids, set(ids), "the resource is destroyed", account_of(props))


def _reconciled(
    news: Mapping[str, Any],
    ids: Mapping[str, str],
    statuses: Mapping[str, str],
    emails: Mapping[str, list[str]],
    credentials: Mapping[str, str],
    adopted: set[str],
    failed: set[str],
) -> dict[str, Any]:
    """The outputs: the inputs, with the `failed` entries left out of `requests` (so that the
    next diff, check and update see them as new), and the requested entries' outputs."""
    outs = {k: news.get(k) for k in (*MailboxRequestsInputs.input_names(), IN_PROGRAM)}
    if failed:
        outs["requests"] = [
            raw
            for raw in news.get("requests") or []
            if not (
                isinstance(raw, Mapping)
                and entry_key(str(raw.get("domain")), str(raw.get("type"))) in failed
            )
        ]
    wanted = set(_entries(outs))
    return {
        **outs,
        "request_ids": dict(ids),
        "statuses": dict(statuses),
        "emails": dict(emails),
        "credentials": dict(credentials),
        "adopted_requests": sorted(adopted & wanted),
    }


def _raise_if_unrequested(
    errors: Mapping[str, str], asked: int, outs: Mapping[str, Any], id_: str
) -> None:
    """`PartialFailure` naming each entry that could not be requested, with the outputs of the
    others (requested and recorded)."""
    raise_if_unfinished(
        "MailboxRequests",
        errors,
        asked,
        outs,
        id_,
        noun="entries",
        done="requested",
        does="requests",
    )


def left_message(
    ids: Mapping[str, str], keys: set[str], why: str, account: str | None = None
) -> str:
    """The one warning about the requests of `keys` that stay in the account."""
    return grouped_message(
        f"InboxedUp has no endpoint to cancel or delete a mailbox request of "
        f"{account_label(account)}",
        ("request stays in the account", "requests stay in the account"),
        _left(ids, keys),
        f"{why}, so it is removed from the Pulumi state only (a request keeps its mailbox "
        "slots unless it failed).",
    )


def _left(ids: Mapping[str, str], keys: set[str]) -> list[str]:
    return [f"{ids[key]} ({key})" for key in sorted(keys)]


def _warn_left(
    ids: Mapping[str, str], keys: set[str], why: str, account: str | None = None
) -> None:
    """All the requests of `keys` (none: nothing) in the run's one line per account about
    requests left in the account (`core.repeated_warnings`, shared with `MailboxRequest`)."""
    items = _left(ids, keys)
    stay = "request stays" if len(items) == 1 else "requests stay"
    name = row_name(handled_urn())
    warn_repeated(
        (API, account, REQUEST_STAYS),
        [f"{ids[key]} ({name}: {key})" for key in sorted(keys)] if name else items,
        head=left_head(account),
        warning=left_message(ids, keys, why, account),
        later=f"{account_label(account)}: {len(items)} more mailbox {stay} in the account: "
        f"{listed(sorted(items))}; {why}, so removed from the Pulumi state only",
        noun="requests",
    )


def _before_register(name: str, props: Props, opts: Opts) -> Opts:
    """Sums every entry with the program's other mailbox requests of its type on its domain in
    its account (a RunError naming them when over the limit, or when the program declares an
    entry's domain only in another account's DomainBatch), and records which entries' domains a
    DomainBatch of the program declares in the resource's account (the resource then depends on
    those batches, and check() does not look for those domains in the account)."""
    requests = props.get("requests")
    account = props.get("account")
    if isinstance(requests, list):
        for entry in requests:
            if isinstance(entry, dict) and isinstance(entry.get("type"), Enum):
                entry["type"] = entry["type"].value
    later = _has_outputs(requests) or isinstance(account, pulumi.Output)
    if later:  # summed once known (a RunError then fails the program)
        pulumi.Output.all(requests, account).apply(lambda v: _declare(name, v[0], v[1]))
    else:
        _declare(name, requests, account)
    if requests is not None:
        # decided in an apply: once the program's body has run (an apply of known values runs
        # then, so a DomainBatch declared after this resource counts too), or once the domains,
        # other resources' outputs, are known
        props[IN_PROGRAM] = pulumi.Output.all(requests, account).apply(
            lambda v: _in_program(v[0], v[1])
        )
    if (
        isinstance(requests, list)
        and not isinstance(account, pulumi.Output)
        and all(isinstance(e, Mapping) and isinstance(e.get("domain"), str) for e in requests)
    ):
        # and the resource waits for those batches (a dependency known at preview)
        domains = sorted({str(e["domain"]) for e in requests})
        batches = pulumi.Output.from_input(domains).apply(
            lambda names: list(
                {
                    id(b): b
                    for d in names
                    if (b := program_domains.batch_declaring(d, account)) is not None
                }.values()
            )
        )
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=batches))
    return opts


def _has_outputs(value: Any) -> bool:
    return holds_any(value, lambda v: isinstance(v, pulumi.Output))


def _normal(domain: str) -> str:
    try:
        return normalize_domain(domain)
    except DomainNameError:
        return domain


def _in_program(entries: Any, account: Any) -> list[str]:
    if not isinstance(entries, list):
        return []
    names = {e.get("domain") for e in entries if isinstance(e, Mapping)}
    return sorted(
        _normal(d)
        for d in names
        if isinstance(d, str) and program_domains.batch_declaring(d, account) is not None
    )


def _declare(name: str, entries: Any, account: Any) -> None:
    if not isinstance(entries, list):
        return
    for index, entry in enumerate(entries):
        if isinstance(entry, Mapping):
            program_domains.declare_request(
                name,
                entry.get("domain"),
                entry.get("type"),
                entry.get("mailboxes"),
                kind=KIND,
                entry=f"requests[{index}]",
                account=account,
            )


SPEC = ResourceSpec(
    module="inboxedup",
    name="MailboxRequests",
    inputs=MailboxRequestsInputs,
    outputs=MailboxRequestsOutputs,
    provider=MailboxRequestsProvider,
    id_doc="an id of its own (the requests' ids are its outputs)",
    gettable=False,
    before_register=_before_register,
)

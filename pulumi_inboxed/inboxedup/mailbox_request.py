"""`inboxedup.MailboxRequest`: mailboxes requested on one domain, of one type.

InboxedUp fulfils requests by hand, typically within a day, so create returns once the request is
accepted (its status is an output, and `pulumi refresh` brings the later status). Set
`wait_for_completion=True` to wait, bounded by `wait_timeout_seconds`.

Preview rejects, naming the field: the declaration's rules (names, usernames, duplicates, the
type, the bounds, more mailboxes in one request than the type allows per domain), with no API
call; the program itself refuses requests of one type on one domain whose mailboxes together
exceed the limit (`program_domains`); and check() then reads the account (read-only, through the
runtime's shared snapshot: one `GET /domains` and one `GET /mailboxes` listing per provider
process, whatever the number of requests): the domain must be declared by a DomainBatch of this
program or ACTIVE in the account, and the account's pending, in-progress and completed requests of
that type on the domain count against the limit (failed ones free their slots).

The request is made once (`request_once`): a `POST /mailboxes` that fails half-way (a 5xx, a
timeout, a dropped connection) is followed by a fresh look for a live request for exactly these
usernames; found, it is this run's own (recorded as made, not adopted); not found, it is sent
again (`core.safe_write.write_once`).

The API has no endpoint to change or cancel a request: changing the domain, type or mailboxes
replaces the resource (preview says so), and delete only forgets the request (with a warning):
it stays in the account. All the requests a run leaves so in one account (`MailboxRequest`
resources and `MailboxRequests` entries) are one warning line of the summary, numbered, the last
number their count (`core.repeated_warnings`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, ClassVar

import pulumi
import pulumi.dynamic as dyn
from pydantic import (
    AfterValidator,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..core import intents
from ..core.engine_log import handled_urn
from ..core.errors import InboxedError, NotFoundError, WaitTimeoutError
from ..core.lifecycle import DESTROY_ADOPTED, warn
from ..core.polling import Deadline
from ..core.provider_base import ConfiguredProvider, Failures, has_unknowns
from ..core.repeated_warnings import row_name, warn_repeated
from ..core.resource_spec import Opts, Props, ResourceSpec
from ..core.schema import (
    DomainInputs,
    DomainName,
    InputObject,
    ResourceOutputs,
    arg,
    changed_inputs,
    input_defaults,
    out,
    replaced_by,
    unique_entries,
)
from . import mailbox_limit, program_domains
from .account_check import PlannedRequest, account_failures
from .mailbox_names import MAX_NAME_LENGTH as MAX_NAME_LENGTH
from .mailbox_names import USERNAME_RE as USERNAME_RE
from .mailbox_names import username_problem
from .models import (
    Domain,
    DomainStatus,
    MailboxEntry,
    MailboxRequestCreated,
    MailboxRequestStatus,
    MailboxType,
)
from .models import MailboxRequest as RequestInfo
from .program_domains import account_label
from .runtime import API, InboxedUpRuntime, account_of, runtime_for

DEFAULT_WAIT_TIMEOUT_SECONDS = 1800
MAX_WAIT_TIMEOUT_SECONDS = 7 * 24 * 3600
COUNTED = (
    MailboxRequestStatus.PENDING,
    MailboxRequestStatus.IN_PROGRESS,
    MailboxRequestStatus.COMPLETED,
)
REQUEST_STAYS = "a mailbox request stays"
"""The reason of the grouped warning about requests left in the account (both kinds)."""
IN_PROGRAM = "domain_in_program"
"""An output the program sets: True when a DomainBatch of the program declares the domain."""


def left_head(account: str | None) -> str:
    """The line that names every mailbox request left in `account` by a run, up to its list
    (`core.repeated_warnings`: `<head>: #1 req_a (mailboxes-0: a.com), #2 ...`)."""
    return (
        "InboxedUp has no endpoint to cancel or delete a mailbox request, so these stay in "
        f"{account_label(account)} (a request keeps its mailbox slots unless it failed), "
        "removed from the Pulumi state only"
    )


def _username(value: str) -> str:
    """The username as sent (trimmed, lower case), refused by the one rule
    (`mailbox_names.username_problem`)."""
    name = value.strip().lower()
    problem = username_problem(name)
    if problem is not None:
        raise ValueError(problem)
    return name


Username = Annotated[str, AfterValidator(_username)]
PersonName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NAME_LENGTH)
]


class MailboxInput(InputObject):
    """One mailbox: its owner's names and the part of the address before the @."""

    first_name: PersonName = Field(
        description=f"the owner's first name (1 to {MAX_NAME_LENGTH} characters)"
    )
    last_name: PersonName = Field(
        description=f"the owner's last name (1 to {MAX_NAME_LENGTH} characters)"
    )
    username: Username = Field(
        description=(
            "the part of the address before the @ (a-z, 0-9, '.', '_', '-'; stored in lower case)"
        )
    )


def _username_key(raw: Any) -> str | None:
    username = raw.get("username") if isinstance(raw, Mapping) else None
    if not isinstance(username, str) or not username.strip():
        return None
    return username.strip().lower()


Mailboxes = Annotated[
    list[MailboxInput],
    unique_entries("mailboxes", _username_key, "duplicates mailboxes[{first}]", at=("username",)),
]


def mailboxes_within_type_limit(model: Any) -> Any:
    """The validator `MailboxRequestInputs` and each `MailboxRequests` entry share (an "after"
    model validator): one request holds at most its type's per-domain limit, refused on
    `mailboxes` (`mailbox_limit.check_one_request`)."""
    try:
        mailbox_limit.check_one_request(model.type, model.mailboxes)
    except PydanticCustomError as error:
        raise ValidationError.from_exception_data(
            "mailboxes", [{"type": error, "loc": ("mailboxes",), "input": model.mailboxes}]
        ) from None
    return model


class MailboxRequestInputs(DomainInputs):
    SUMMARY: ClassVar[str] = """
    Mailboxes of one type requested on one InboxedUp domain. InboxedUp fulfils requests by
    hand, typically within a day: create waits (bounded) for the domain to be ACTIVE, requests,
    and returns once the request is accepted (`status` is an output; `pulumi refresh` brings the
    later one), unless `wait_for_completion`. Preview refuses more mailboxes than the type allows
    per domain (3 Microsoft, 3 Google, 5 SMTP, 10 SMTP Dedicated), summed over the program's
    requests and the account's live ones. The API cannot change or cancel a request: a change of
    domain, type or mailboxes replaces the resource, and delete leaves the request in the account
    (with a warning).
    """
    EXAMPLE: ClassVar[str] = """
    from pulumi_inboxed.inboxedup import MailboxArgs, MailboxRequest, MailboxType

    MailboxRequest(
        "sales-mailboxes",
        domain="acme-outreach.com",  # declared by a DomainBatch of the program, or ACTIVE
        type=MailboxType.MICROSOFT,
        mailboxes=[MailboxArgs("John", "Smith", "john.smith")],
    )
    """

    domain: DomainName = arg(
        description="the domain: declared by a DomainBatch of this program, or ACTIVE",
        replace=True,
    )
    type: MailboxType = arg(
        description="microsoft, google, smtp or smtp_dedicated (`MailboxType`)",
        replace=True,
        strict=False,
    )
    mailboxes: Annotated[Mailboxes, Field(min_length=1)] = arg(
        description=(
            "the mailboxes, `MailboxArgs(first_name, last_name, username)`; no username twice"
        ),
        replace=True,
    )
    wait_for_completion: bool = arg(
        False,
        description=(
            "wait for COMPLETED or FAILED (default False: return once accepted; `pulumi "
            "refresh` brings the later status)"
        ),
    )
    wait_timeout_seconds: float = arg(
        DEFAULT_WAIT_TIMEOUT_SECONDS,
        description=(
            "the bound on every wait, in seconds: for the domain to become ACTIVE and, when "
            f"asked, for completion (0 to {MAX_WAIT_TIMEOUT_SECONDS}; default "
            f"{DEFAULT_WAIT_TIMEOUT_SECONDS})"
        ),
        ge=0,
        le=MAX_WAIT_TIMEOUT_SECONDS,
        allow_inf_nan=False,
    )
    import_request_id: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] | None
    ) = arg(None, description="adopt this existing request instead of requesting again")

    _within_the_type_limit = model_validator(mode="after")(mailboxes_within_type_limit)


class MailboxRequestOutputs(ResourceOutputs):
    request_id: str | None = out(description="the request's id (the resource's id)")
    status: str | None = out(
        description="PENDING, IN_PROGRESS, COMPLETED or FAILED (refresh brings the later one)"
    )
    admin_notes: str | None = out(description="InboxedUp's notes on the request")
    domain_id: str | None = out(description="the domain's id")
    emails: list[str] | None = out(description="the requested addresses")
    credentials: dict[str, str] | None = out(
        description="address -> password, when the API returns them", secret=True
    )
    adopted: bool | None = out(
        description=(
            "True when create adopted a live request (a retried create, or `import_request_id`)"
        )
    )
    domain_in_program: bool | None = out(
        description="True when a DomainBatch of this program declares the domain"
    )


class MailboxRequestProvider(ConfiguredProvider):
    def _runtime(self, account: str | None = None) -> InboxedUpRuntime:
        """The runtime of `account` (None: the default account)."""
        return runtime_for(self.config, account)

    # check: the base's (the types, the account's name), then the account's listings ---------
    def check_further(self, olds: Props, news: Props, inputs: Props, so_far: Failures) -> Failures:
        """Records `domain_in_program` (set by the program) and, for a new or replacing request
        with every input known, checks it against the account (`account_check`)."""
        in_program = news.get(IN_PROGRAM)
        inputs[IN_PROGRAM] = False if in_program is None else in_program
        replacing = MailboxRequestInputs.replacing_inputs()
        unchanged = bool(olds) and not replaced_by(
            MailboxRequestInputs, changed_inputs(MailboxRequestInputs, olds, inputs)
        )
        if so_far or unchanged or has_unknowns([inputs.get(k) for k in (*replacing, IN_PROGRAM)]):
            return []
        own = olds.get("request_id") if olds else None
        planned = PlannedRequest(
            where="",
            domain=str(inputs["domain"]),
            type=str(inputs["type"]),
            mailboxes=len(inputs["mailboxes"]),
            declared=bool(inputs.get(IN_PROGRAM)),
            stands_for=lambda r: r.id == own,
        )
        named = account_of(inputs)
        return account_failures(lambda: self._runtime(named).account, [planned], named)

    # diff -------------------------------------------------------------------------------
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        changed = changed_inputs(MailboxRequestInputs, olds, news)
        replaces = replaced_by(MailboxRequestInputs, changed)
        unfinished = news.get("wait_for_completion") is True and olds.get("status") not in (
            MailboxRequestStatus.COMPLETED.value,
            MailboxRequestStatus.FAILED.value,
        )
        return dyn.DiffResult(
            changes=bool(changed or unfinished),
            replaces=replaces,
            stables=["request_id"] if not replaces else [],
            delete_before_replace=False,
        )

    # create / update ----------------------------------------------------------------------
    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        rt = self._runtime(account_of(props))
        domain, type_ = str(props["domain"]), MailboxType(props["type"])
        deadline = Deadline.after(float(props.get("wait_timeout_seconds") or 0))
        entries = [
            MailboxEntry(
                firstName=m["first_name"], lastName=m["last_name"], mailboxUsername=m["username"]
            )
            for m in props["mailboxes"]
        ]
        import_id = props.get("import_request_id")
        existing: RequestInfo | None
        if import_id:
            try:
                existing = rt.client.get_mailbox_request(str(import_id))
            except NotFoundError:
                raise InboxedError(
                    f"import_request_id {import_id!r}: InboxedUp has no such mailbox request"
                ) from None
        else:
            existing = self._existing_request(rt, domain, type_, entries)
        ours = (
            existing is not None
            and not import_id
            and bool(
                claim_requests(rt, {request_key(domain, type_.value, entries): existing}, props)
            )
        )  # requested by this resource's interrupted run: made, not adopted
        request = existing or self._submit(rt, domain, type_, entries, deadline)
        request = self._wait(rt, props, request, deadline)
        outs = _outputs(props, request, adopted=existing is not None and not ours)
        return dyn.CreateResult(id_=request.id, outs=outs)

    def _existing_request(
        self,
        rt: InboxedUpRuntime,
        domain: str,
        type_: MailboxType,
        entries: Sequence[MailboxEntry],
    ) -> RequestInfo | None:
        """A live request for exactly these usernames: a retried create adopts it."""
        return live_request(rt, domain, type_, entries)

    def _submit(
        self,
        rt: InboxedUpRuntime,
        domain: str,
        type_: MailboxType,
        entries: Sequence[MailboxEntry],
        deadline: Deadline,
    ) -> RequestInfo:
        def active(d: Domain | None) -> bool:
            return d is not None and d.status in (DomainStatus.ACTIVE, DomainStatus.FAILED)

        try:
            found = rt.domain_poller.wait(domain, active, deadline.remaining())
        except WaitTimeoutError:
            current = rt.client.find_domain(domain)
            state = current.status.value if current else "not in the account"
            raise InboxedError(
                f"domain {domain!r} is {state}; mailboxes need it ACTIVE and it did not become "
                "ACTIVE within wait_timeout_seconds. Nothing was requested."
            ) from None
        if found is not None and found.status is DomainStatus.FAILED:
            raise InboxedError(f"domain {domain!r} FAILED: {found.failure_reason or 'no reason'}")
        return request_once(rt, domain, type_, entries, found)

    def _wait(
        self,
        rt: InboxedUpRuntime,
        props: Mapping[str, Any],
        request: RequestInfo,
        deadline: Deadline,
    ) -> RequestInfo:
        if not props.get("wait_for_completion") or request.status not in COUNTED[:2]:
            return request
        try:
            return rt.mailbox_poller.wait(
                request.id,
                lambda r: r.status not in COUNTED[:2],
                deadline.remaining(),
                describe=lambda r: r.status.value if r else "no answer yet",
            )
        except WaitTimeoutError as exc:
            warn(f"mailbox request {request.id} on {request.domain}: {exc}")
            return rt.client.get_mailbox_request(request.id)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        rt = self._runtime(account_of(olds))  # a change of account replaces: never here
        request = rt.client.get_mailbox_request(id_)
        deadline = Deadline.after(float(news.get("wait_timeout_seconds") or 0))
        request = self._wait(rt, news, request, deadline)
        return dyn.UpdateResult(outs=_outputs(news, request, adopted=bool(olds.get("adopted"))))

    # read / delete ------------------------------------------------------------------------
    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        rt = self._runtime(account_of(props))
        try:
            request = rt.client.get_mailbox_request(id_)
        except NotFoundError:
            return dyn.ReadResult(id_="", outs={})
        inputs = {
            **input_defaults(MailboxRequestInputs),
            **{k: props[k] for k in MailboxRequestInputs.input_names() if props.get(k) is not None},
            "domain": request.domain,
            "type": request.mailbox_type.value,
            "mailboxes": [
                {
                    "first_name": m.first_name,
                    "last_name": m.last_name,
                    "username": m.mailbox_username,
                }
                for m in request.mailboxes
            ],
            IN_PROGRAM: props.get(IN_PROGRAM) is True,
            DESTROY_ADOPTED: props.get(DESTROY_ADOPTED) is True,
        }
        outs = _outputs(inputs, request, adopted=bool(props.get("adopted")))
        return dyn.ReadResult(id_=id_, outs=outs, inputs=inputs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Forgets the request, with a warning: one line per account for all the requests of
        the run (`core.repeated_warnings`)."""
        account = account_of(props)
        adopted = " (adopted by this resource: it existed before)" if props.get("adopted") else ""
        domain = props.get("domain")
        name = row_name(handled_urn())
        where = f"{name}: {domain}" if name else f"{domain}"
        item = f"{id_} ({where}{', adopted' if adopted else ''})"
        warn_repeated(
            (API, account, REQUEST_STAYS),
            [item],
            head=left_head(account),
            warning=f"InboxedUp has no endpoint to cancel or delete a mailbox request: request "
            f"{id_}{adopted} on {domain} stays in {account_label(account)} (and keeps its slots "
            "unless it failed); it is removed from the Pulumi state only.",
            later=f"{account_label(account)}: mailbox request {id_}{adopted} on {domain} stays "
            "in the account too, removed from the Pulumi state only",
            noun="requests",
        )


def live_request(
    rt: InboxedUpRuntime, domain: str, type_: MailboxType, entries: Sequence[MailboxEntry]
) -> RequestInfo | None:
    """The account's live (pending, in progress or completed) request of `type_` on `domain`
    for exactly these usernames, read fresh (a listing filtered by domain), or None."""
    wanted = sorted(e.mailbox_username.lower() for e in entries)
    for request in rt.client.iter_mailbox_requests(domain=domain):
        if (
            request.mailbox_type is type_
            and request.status in COUNTED
            and sorted(m.mailbox_username.lower() for m in request.mailboxes) == wanted
        ):
            return request
    return None


def request_once(
    rt: InboxedUpRuntime,
    domain: str,
    type_: MailboxType,
    entries: Sequence[MailboxEntry],
    found: Domain | None,
) -> RequestInfo:
    """`POST /mailboxes` for these mailboxes, made once: a try that fails half-way (a 5xx, a
    timeout, a dropped connection) is followed by a fresh look for a live request for exactly
    these usernames on the domain, which is then this run's own (the caller looked before
    writing, and it was not there); only when none is found is the request sent again
    (`core.safe_write.write_once`)."""

    def send() -> RequestInfo:
        created = rt.client.request_mailboxes(domain, type_, entries)
        return accepted_request(created, entries, found)

    def find() -> RequestInfo | None:
        request = live_request(rt, domain, type_, entries)
        if request is not None and request.domain_id is None and found is not None:
            request = request.model_copy(update={"domain_id": found.id})
        return request

    intent = intents.Intent(
        API,
        rt.account_name,
        (request_key(domain, type_.value, entries),),
        "mailbox request",
        "requested",
    )
    return rt.write_once(
        f"InboxedUp POST /mailboxes for {domain}/{type_.value}", send, find, intent=intent
    )


def request_key(domain: str, type_: str, entries: Sequence[MailboxEntry]) -> str:
    """A mailbox request's natural key for `core.intents`: `a.com/smtp/ann,bo` (usernames
    sorted, lower case), what `live_request` matches on."""
    usernames = sorted(e.mailbox_username.lower() for e in entries)
    return f"{domain.lower()}/{type_}/{','.join(usernames)}"


def claim_requests(
    rt: InboxedUpRuntime, found: Mapping[str, object], inputs: Mapping[str, Any]
) -> set[str]:
    """The keys (`request_key`) of the live requests `found` that this resource's interrupted
    run recorded it was about to make (`core.intents`): made by it, not adopted."""
    bound = inputs.get("wait_timeout_seconds")
    return intents.claim(API, rt.account_name, found, bound_seconds=float(bound) if bound else None)


def accepted_request(
    created: MailboxRequestCreated, entries: Sequence[MailboxEntry], domain: Domain | None
) -> RequestInfo:
    """The request as `POST /mailboxes` answered it (id, type, domain, status, mailboxes): no
    read-back of what the answer already gave; the domain's id comes from the wait's listing."""
    return RequestInfo.model_validate(
        {
            "id": created.request_id,
            "type": created.type,
            "domain": created.domain,
            "domainId": domain.id if domain is not None else None,
            "status": created.status,  # read as the listings are ("pending" is PENDING)
            "mailboxes": list(created.mailboxes or entries),
        }
    )


def _outputs(
    inputs: Mapping[str, Any], request: RequestInfo, *, adopted: bool = False
) -> dict[str, Any]:
    return {
        **{k: inputs.get(k) for k in (*MailboxRequestInputs.input_names(), IN_PROGRAM)},
        "adopted": adopted,
        "request_id": request.id,
        "status": request.status.value,
        "admin_notes": request.admin_notes,
        "domain_id": request.domain_id,
        "emails": [f"{m.mailbox_username}@{request.domain}" for m in request.mailboxes],
        "credentials": {
            f"{m.mailbox_username}@{request.domain}": m.password
            for m in request.mailboxes
            if m.password
        },
    }


def _before_register(name: str, props: Props, opts: Opts) -> Opts:
    """Sums this request with the program's others of its type on its domain in its account (a
    RunError naming them when over the limit, or when the program declares the domain only in
    another account's DomainBatch), and marks a domain a DomainBatch of the program declares in
    the request's account (the request then depends on the batch, and check() does not look for
    it in the account)."""
    account = props.get("account")
    program_domains.declare_request(
        name, props["domain"], props["type"], props["mailboxes"], account=account
    )
    domain = props["domain"]
    if domain is not None:
        # decided in an apply: once the program's body has run (an apply of known values runs
        # then, so a DomainBatch declared after this request counts too), or once the domain,
        # another resource's output, is known
        props[IN_PROGRAM] = pulumi.Output.all(domain, account).apply(
            lambda v: (
                isinstance(v[0], str) and program_domains.batch_declaring(v[0], v[1]) is not None
            )
        )
    if isinstance(domain, str) and not isinstance(account, pulumi.Output):
        # and the request waits for that batch (a dependency known at preview)
        batch = pulumi.Output.from_input(domain).apply(
            lambda d: program_domains.batch_declaring(d, account)
        )
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(depends_on=batch.apply(lambda b: [b] if b else []))
        )
    return opts


SPEC = ResourceSpec(
    module="inboxedup",
    name="MailboxRequest",
    inputs=MailboxRequestInputs,
    outputs=MailboxRequestOutputs,
    provider=MailboxRequestProvider,
    id_doc="its request id",
    before_register=_before_register,
)

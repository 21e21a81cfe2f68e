"""`inboxedup.MailboxRequest`: mailboxes requested on one domain, of one type.

InboxedUp fulfils requests by hand, typically within a day, so create returns once the request is
accepted (its status is an output, and `pulumi refresh` brings the later status). Set
`wait_for_completion=True` to wait, bounded by `wait_timeout_seconds`.

Preview (check) rejects, naming the field: invalid names or usernames, duplicate usernames, a type
other than microsoft/google/smtp/smtp_dedicated, more mailboxes than the type allows per domain
(3/3/5/10, counting the account's pending, in-progress and completed requests of that type on the
domain; failed ones free their slots), and a domain that is neither declared by a DomainBatch of
this program nor ACTIVE in the account. The account checks are read-only API calls.

The API has no endpoint to change or cancel a request: changing the domain, type or mailboxes
replaces the resource (preview says so), and delete only forgets the request (with a warning):
it stays in the account.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi.dynamic as dyn

from ..core.domains import DomainNameError, normalize_domain
from ..core.errors import InboxedError, NotFoundError, WaitTimeoutError
from ..core.lifecycle import DESTROY_ADOPTED
from ..core.polling import Deadline
from ..core.provider_base import ConfiguredProvider, has_unknowns, is_unknown
from . import program_domains
from .endpoints import MAILBOX_LIMITS
from .models import (
    Domain,
    DomainStatus,
    MailboxEntry,
    MailboxRequestStatus,
    MailboxType,
)
from .models import MailboxRequest as RequestInfo
from .runtime import InboxedUpRuntime, runtime_for

USERNAME_RE = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$")
MAX_NAME_LENGTH = 64
DEFAULT_WAIT_TIMEOUT_SECONDS = 1800
MAX_WAIT_TIMEOUT_SECONDS = 7 * 24 * 3600
TYPE_LABELS = {
    "microsoft": "Microsoft 365",
    "google": "Google Workspace",
    "smtp": "SMTP",
    "smtp_dedicated": "SMTP Dedicated",
}
REPLACE_KEYS = ("domain", "type", "mailboxes")
INPUT_KEYS = (
    *REPLACE_KEYS,
    "wait_for_completion",
    "wait_timeout_seconds",
    "import_request_id",
    "domain_in_program",
    DESTROY_ADOPTED,
)
COUNTED = (
    MailboxRequestStatus.PENDING,
    MailboxRequestStatus.IN_PROGRESS,
    MailboxRequestStatus.COMPLETED,
)


def check_mailboxes(mailboxes: Any) -> tuple[list[dict[str, str]], list[tuple[str, str]]]:
    """Normalizes the entries; returns (entries, [(property, reason)])."""
    failures: list[tuple[str, str]] = []
    if not isinstance(mailboxes, list) or not mailboxes:
        return [], [("mailboxes", "must be a non-empty list of mailboxes")]
    entries: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(mailboxes):
        where = f"mailboxes[{i}]"
        if not isinstance(raw, Mapping):
            failures.append((where, "must have first_name, last_name and username"))
            continue
        entry: dict[str, str] = {}
        for key in ("first_name", "last_name"):
            value = raw.get(key)
            if not isinstance(value, str) or not value.strip():
                failures.append((f"{where}.{key}", "is required and must not be blank"))
            elif len(value.strip()) > MAX_NAME_LENGTH:
                failures.append(
                    (f"{where}.{key}", f"is {len(value.strip())} characters; at most 64")
                )
            else:
                entry[key] = value.strip()
        username = raw.get("username")
        if not isinstance(username, str) or not username.strip():
            failures.append((f"{where}.username", "is required"))
        else:
            name = username.strip().lower()
            if "@" in name:
                failures.append(
                    (f"{where}.username", f"{username!r} must be the part before the @ only")
                )
            elif not USERNAME_RE.match(name) or ".." in name:
                failures.append(
                    (
                        f"{where}.username",
                        f"{username!r} is not a valid mailbox username: use 1 to 64 of a-z, 0-9,"
                        " '.', '_', '-', starting and ending with a letter or digit",
                    )
                )
            elif name in seen:
                failures.append(
                    (f"{where}.username", f"{username!r} duplicates mailboxes[{seen[name]}]")
                )
            else:
                seen[name] = i
                entry["username"] = name
        entries.append(entry)
    return entries, failures


class MailboxRequestProvider(ConfiguredProvider):
    def _runtime(self) -> InboxedUpRuntime:
        return runtime_for(self.config)

    # check ------------------------------------------------------------------------------
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> dyn.CheckResult:
        inputs = dict(news)
        failures: list[tuple[str, str]] = []

        domain = news.get("domain")
        if domain is None:
            failures.append(("domain", "is required"))
        elif isinstance(domain, str) and not is_unknown(domain):
            try:
                inputs["domain"] = normalize_domain(domain)
            except DomainNameError as exc:
                failures.append(("domain", f"{exc.domain!r} {exc.reason}"))

        type_ = news.get("type")
        if type_ is None:
            failures.append(("type", f"is required: one of {', '.join(MAILBOX_LIMITS)}"))
        elif isinstance(type_, str) and not is_unknown(type_):
            normalized = type_.strip().lower().replace(" ", "_").replace("-", "_")
            if normalized not in MAILBOX_LIMITS:
                failures.append(("type", f"{type_!r} is not one of {', '.join(MAILBOX_LIMITS)}"))
            else:
                inputs["type"] = normalized

        mailboxes = news.get("mailboxes")
        if not has_unknowns(mailboxes):
            entries, problems = check_mailboxes(mailboxes)
            failures += problems
            if not problems:
                inputs["mailboxes"] = entries
                limit = MAILBOX_LIMITS.get(str(inputs.get("type")))
                if limit is not None and len(entries) > limit:
                    failures.append(
                        (
                            "mailboxes",
                            f"{len(entries)} mailboxes: {TYPE_LABELS[str(inputs['type'])]} "
                            f"allows {limit} per domain",
                        )
                    )

        timeout = news.get("wait_timeout_seconds")
        if timeout is None:
            inputs["wait_timeout_seconds"] = DEFAULT_WAIT_TIMEOUT_SECONDS
        elif not is_unknown(timeout) and (
            isinstance(timeout, bool)
            or not isinstance(timeout, int | float)
            or not 0 <= timeout <= MAX_WAIT_TIMEOUT_SECONDS
        ):
            failures.append(
                ("wait_timeout_seconds", f"must be a number from 0 to {MAX_WAIT_TIMEOUT_SECONDS}")
            )
        if news.get("wait_for_completion") is None:
            inputs["wait_for_completion"] = False
        if news.get("domain_in_program") is None:
            inputs["domain_in_program"] = False
        if news.get(DESTROY_ADOPTED) is None:
            inputs[DESTROY_ADOPTED] = False

        unchanged = bool(olds) and all(olds.get(k) == inputs.get(k) for k in REPLACE_KEYS)
        if (
            not failures
            and not unchanged
            and not has_unknowns([inputs.get(k) for k in REPLACE_KEYS])
        ):
            failures += self._check_account(olds, inputs)
        return dyn.CheckResult(inputs, [dyn.CheckFailure(p, r) for p, r in failures])

    def _check_account(
        self, olds: Mapping[str, Any], inputs: Mapping[str, Any]
    ) -> list[tuple[str, str]]:
        """Read-only checks against the account: the domain's status and its used slots."""
        domain, type_ = str(inputs["domain"]), str(inputs["type"])
        try:
            rt = self._runtime()
            if not inputs.get("domain_in_program"):
                found = rt.client.find_domain(domain)
                if found is None:
                    return [
                        (
                            "domain",
                            f"{domain!r} is not in the InboxedUp account and no DomainBatch of "
                            "this program declares it",
                        )
                    ]
                if found.status is not DomainStatus.ACTIVE:
                    return [
                        (
                            "domain",
                            f"{domain!r} is {found.status.value} in the account; mailboxes need "
                            "an ACTIVE domain (or declare it in a DomainBatch of this program)",
                        )
                    ]
            own = olds.get("request_id") if olds else None
            used = sum(
                len(r.mailboxes)
                for r in rt.client.iter_mailbox_requests(domain=domain)
                if r.mailbox_type.value == type_ and r.status in COUNTED and r.id != own
            )
        except InboxedError as exc:
            return [("domain", f"could not check {domain!r} against the account: {exc}")]
        limit = MAILBOX_LIMITS[type_]
        adding = len(inputs["mailboxes"])
        if used + adding > limit:
            return [
                (
                    "mailboxes",
                    f"domain {domain!r}: {TYPE_LABELS[type_]} allows {limit} mailboxes per "
                    f"domain; the account has {used} pending, in progress or completed, and "
                    f"this request adds {adding}",
                )
            ]
        return []

    # diff -------------------------------------------------------------------------------
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        replaces = [k for k in REPLACE_KEYS if olds.get(k) != news.get(k)]
        waiting = [
            k for k in ("wait_for_completion", "wait_timeout_seconds") if olds.get(k) != news.get(k)
        ]
        if bool(olds.get(DESTROY_ADOPTED)) != bool(news.get(DESTROY_ADOPTED)):
            waiting.append(DESTROY_ADOPTED)
        unfinished = news.get("wait_for_completion") and olds.get("status") not in (
            MailboxRequestStatus.COMPLETED.value,
            MailboxRequestStatus.FAILED.value,
        )
        return dyn.DiffResult(
            changes=bool(replaces or waiting or unfinished),
            replaces=replaces,
            stables=["request_id"] if not replaces else [],
            delete_before_replace=False,
        )

    # create / update ----------------------------------------------------------------------
    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        rt = self._runtime()
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
        request = existing or self._submit(rt, domain, type_, entries, deadline)
        request = self._wait(rt, props, request, deadline)
        outs = _outputs(props, request, adopted=existing is not None)
        return dyn.CreateResult(id_=request.id, outs=outs)

    def _existing_request(
        self,
        rt: InboxedUpRuntime,
        domain: str,
        type_: MailboxType,
        entries: Sequence[MailboxEntry],
    ) -> RequestInfo | None:
        """A live request for exactly these usernames: a retried create adopts it."""
        wanted = sorted(e.mailbox_username for e in entries)
        for request in rt.client.iter_mailbox_requests(domain=domain):
            if (
                request.mailbox_type is type_
                and request.status in COUNTED
                and sorted(m.mailbox_username for m in request.mailboxes) == wanted
            ):
                return request
        return None

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
        created = rt.client.request_mailboxes(domain, type_, entries)
        return rt.client.get_mailbox_request(created.request_id)

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
            pulumi.log.warn(f"mailbox request {request.id} on {request.domain}: {exc}")
            return rt.client.get_mailbox_request(request.id)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        rt = self._runtime()
        request = rt.client.get_mailbox_request(id_)
        deadline = Deadline.after(float(news.get("wait_timeout_seconds") or 0))
        request = self._wait(rt, news, request, deadline)
        return dyn.UpdateResult(outs=_outputs(news, request, adopted=bool(olds.get("adopted"))))

    # read / delete ------------------------------------------------------------------------
    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        rt = self._runtime()
        try:
            request = rt.client.get_mailbox_request(id_)
        except NotFoundError:
            return dyn.ReadResult(id_="", outs={})
        inputs = {
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
            "wait_for_completion": bool(props.get("wait_for_completion", False)),
            "wait_timeout_seconds": props.get("wait_timeout_seconds")
            or DEFAULT_WAIT_TIMEOUT_SECONDS,
            "import_request_id": props.get("import_request_id"),
            "domain_in_program": bool(props.get("domain_in_program", False)),
            DESTROY_ADOPTED: props.get(DESTROY_ADOPTED) is True,
        }
        outs = _outputs(inputs, request, adopted=bool(props.get("adopted")))
        return dyn.ReadResult(id_=id_, outs=outs, inputs=inputs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        adopted = " (adopted by this resource: it existed before)" if props.get("adopted") else ""
        pulumi.log.warn(
            f"InboxedUp has no endpoint to cancel or delete a mailbox request: request {id_}"
            f"{adopted} on {props.get('domain')} stays in the account (and keeps its slots "
            "unless it failed); it is removed from the Pulumi state only."
        )


def _outputs(
    inputs: Mapping[str, Any], request: RequestInfo, *, adopted: bool = False
) -> dict[str, Any]:
    return {
        **{k: inputs.get(k) for k in INPUT_KEYS},
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


class MailboxArgs:
    """One mailbox: its owner's names and the part of the address before the @."""

    def __init__(
        self,
        first_name: pulumi.Input[str],
        last_name: pulumi.Input[str],
        username: pulumi.Input[str],
    ) -> None:
        self.first_name = first_name
        self.last_name = last_name
        self.username = username

    def to_input(self) -> dict[str, Any]:
        return {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "username": self.username,
        }


class MailboxRequestArgs:
    def __init__(
        self,
        domain: pulumi.Input[str],
        type: pulumi.Input[MailboxType | str],
        mailboxes: Sequence[MailboxArgs | Mapping[str, pulumi.Input[str]]],
        wait_for_completion: pulumi.Input[bool] | None = None,
        wait_timeout_seconds: pulumi.Input[int] | None = None,
        import_request_id: pulumi.Input[str] | None = None,
        destroy_adopted: pulumi.Input[bool] | None = None,
    ) -> None:
        """
        :param domain: the domain; declared by a DomainBatch of this program, or ACTIVE.
        :param type: microsoft, google, smtp or smtp_dedicated (`MailboxType`).
        :param mailboxes: `MailboxArgs(first_name, last_name, username)` entries.
        :param wait_for_completion: wait for COMPLETED or FAILED (default False: return once
            accepted; `pulumi refresh` brings the later status).
        :param wait_timeout_seconds: the bound on every wait: for the domain to become ACTIVE
            and, when asked, for completion (default 1800).
        :param import_request_id: adopt this existing request instead of requesting again.
        :param destroy_adopted: accepted as on every resource (default False). InboxedUp has
            no endpoint to cancel a request, so delete leaves every request in the account,
            made or adopted (`adopted` says which), and says so in its warning.
        """
        self.destroy_adopted = destroy_adopted
        self.domain = domain
        self.type = type
        self.mailboxes = mailboxes
        self.wait_for_completion = wait_for_completion
        self.wait_timeout_seconds = wait_timeout_seconds
        self.import_request_id = import_request_id


class MailboxRequest(dyn.Resource, module="inboxedup", name="MailboxRequest"):
    request_id: pulumi.Output[str]
    status: pulumi.Output[str]
    admin_notes: pulumi.Output[str | None]
    domain_id: pulumi.Output[str | None]
    emails: pulumi.Output[list[str]]
    credentials: pulumi.Output[dict[str, str]]
    """Secret: username@domain -> password, when the API returns them."""
    adopted: pulumi.Output[bool]
    """True when create adopted a live request (a retried create, or `import_request_id`)."""

    def __init__(
        self,
        resource_name: str,
        args: MailboxRequestArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        domain_in_program: pulumi.Input[bool] = False
        if isinstance(args.domain, str):
            batch = program_domains.batch_declaring(args.domain)
            if batch is not None:
                domain_in_program = True
                opts = pulumi.ResourceOptions.merge(
                    opts, pulumi.ResourceOptions(depends_on=[batch])
                )
        else:  # from another resource's output (a DomainBatch's, say): decided once it is known
            domain_output: Any = args.domain
            domain_in_program = pulumi.Output.from_input(domain_output).apply(
                lambda d: isinstance(d, str) and program_domains.batch_declaring(d) is not None
            )
        type_ = args.type.value if isinstance(args.type, MailboxType) else args.type
        props: dict[str, Any] = {
            "domain": args.domain,
            "type": type_,
            "mailboxes": [
                m.to_input() if isinstance(m, MailboxArgs) else dict(m) for m in args.mailboxes
            ],
            "wait_for_completion": args.wait_for_completion,
            "wait_timeout_seconds": args.wait_timeout_seconds,
            "import_request_id": args.import_request_id,
            "domain_in_program": domain_in_program,
            DESTROY_ADOPTED: args.destroy_adopted,
            "adopted": None,
            "request_id": None,
            "status": None,
            "admin_notes": None,
            "domain_id": None,
            "emails": None,
            "credentials": None,
        }
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(additional_secret_outputs=["credentials"])
        )
        super().__init__(MailboxRequestProvider(), resource_name, props, opts)

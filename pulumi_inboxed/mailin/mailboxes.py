"""`mailin.SmtpMailboxes` and `mailin.GoogleMailboxes`: mailboxes created in batches.

Each resource holds a set of mailboxes keyed by address. Create adopts addresses the account
already has, creates the rest with one request, and waits on the mailbox job (bounded by
`wait_timeout_seconds`). Names, passwords (SMTP), signatures and forwarding (Google) change in
place; adding or removing addresses creates or deletes only those.

Preview: an address on a domain that no `Domains` resource of the program declares in the
resource's account, and that the account does not hold as a domain of the kind (or a subdomain
of one), fails on its entry, naming the account and its config key (`core.domain_promise`). The
account's domain list is read once per provider process and account (`shared_domains`), and
not at all for declared domains, addresses accepted before, or values not known yet.

Faults: a create request (or a settings POST) that fails half-way is never simply sent again
(`MailinRuntime.write_once`): the addresses are looked for in the account's mailbox list, found
ones are this run's own (made, not adopted), and the request is sent again for the others only.
The collection finishes what it can: entries that failed (refused, never confirmed, settings not
set, not deleted) are named in a `PartialFailure`, the completed ones are recorded (a mailbox
whose settings failed with the settings it has), and the next `up` touches only the failed ones.

Adoption: an address the account had before the create is listed in `adopted_mailboxes` and is left
in the account when removed from the list or destroyed, unless `destroy_adopted=True`. A create
records the addresses it is about to create first (`core.intents`): after a crash, the recovering
create manages the ones it finds with that record as made by this resource (not adopted; one log
line), so destroy removes them. Every delete is verified by listing the address again. Refresh reads
names (and, for Google, signature and forwarding) back where the reply shows them; a mailbox leaves
the state only when the account's mailbox list confirms it is gone.

Secrets: passwords given as inputs are made secret in the program (so the state keeps them
encrypted, inputs and outputs alike); generated passwords, Google app passwords and TOTP secrets
are secret outputs.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

import pulumi
import pulumi.dynamic as dyn
from pydantic import AfterValidator, BeforeValidator, StringConstraints, ValidationError
from pydantic_core import PydanticCustomError

from ..core import intents
from ..core.domain_promise import account_phrase, undeclared_domain
from ..core.errors import InboxedError, NotFoundError, UnprocessableError, WaitTimeoutError
from ..core.lifecycle import (
    DESTROY_ADOPTED,
    confirm_deleted,
    destroy_adopted,
    log_kept_adopted,
    warn_grouped,
)
from ..core.partial_failure import PartialFailure
from ..core.polling import Deadline
from ..core.provider_base import ConfiguredProvider, has_unknowns
from ..core.resource_spec import BeforeRegister, Opts, Props, ResourceSpec
from ..core.schema import (
    DomainInputs,
    InputObject,
    ResourceOutputs,
    WholeNumber,
    arg,
    changed_inputs,
    input_defaults,
    out,
    replaced_by,
)
from . import program_domains
from .domains import _of_kind as of_kind
from .endpoints import MAILBOX_PASSWORD_LENGTH
from .errors import LoginFailedError
from .forwarding import MailAddress, normalize_email
from .models import MailinMailbox, NewGoogleMailbox, NewSmtpMailbox
from .runtime import (
    API,
    NAMESPACE,
    MailinRuntime,
    account_wide,
    listed_reasons,
    not_tried,
    runtime_for,
)

DEFAULT_WAIT_TIMEOUT_SECONDS = 900
MAX_WAIT_TIMEOUT_SECONDS = 86_400  # our bound: a day
MAX_NAME_LENGTH = 100
MAX_SIGNATURE_LENGTH = 10_000  # our bound: no page gives one
DELETE_SETTLE_SECONDS = 10.0
IN_PROGRAM = "domains_in_program"
"""Set by the program: the addresses' domains a `Domains` resource of it declares in the
resource's account (`program_domains.declared_in`). check() reads it and drops it."""
FIND_ONE_BY_ONE = 25
"""Up to this many addresses are looked up one by one after a failed create; more: one
listing of the account's mailboxes of the kind."""

Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NAME_LENGTH)
]
"""A display name: not blank, at most 100 characters, surrounding spaces dropped."""

Password = Annotated[
    str,
    StringConstraints(min_length=MAILBOX_PASSWORD_LENGTH[0], max_length=MAILBOX_PASSWORD_LENGTH[1]),
]
"""A mailbox password as the API takes it: 8 to 24 characters."""


def _empty_is_none(value: Any) -> Any:
    """An empty string (an unset config value) means "none", as it always did."""
    return None if value == "" else value


def _unique_usernames(mailboxes: list[Any]) -> list[Any]:
    """Every address once (after normalization); a duplicate is named at its entry."""
    first: dict[str, int] = {}
    errors: list[Any] = []
    for index, mailbox in enumerate(mailboxes):
        if mailbox.username in first:
            error = PydanticCustomError(
                "duplicate",
                "{name!r} duplicates mailboxes[{first}]",
                {"name": mailbox.username, "first": first[mailbox.username]},
            )
            errors.append({"type": error, "loc": (index, "username"), "input": mailbox.username})
        else:
            first[mailbox.username] = index
    if errors:
        raise ValidationError.from_exception_data("mailboxes", errors)
    return mailboxes


class SmtpMailboxInput(InputObject):
    """One SMTP mailbox: its address, display name and (optionally) password."""

    username: MailAddress = arg(description="the full address (`sales@acme-mail.com`)")
    name: Name = arg(description="the display name (changes in place)")
    password: Password | None = arg(
        None,
        description="8 to 24 characters (changes in place); Mailin.ai generates one when absent",
        secret=True,
    )


class GoogleMailboxInput(InputObject):
    """One Google Workspace mailbox: address, names, signature and forwarding."""

    username: MailAddress = arg(description="the full address (`john@acme-gw.biz`)")
    first_name: Name = arg(description="the first name (changes in place)")
    last_name: Name = arg(description="the last name (changes in place)")
    signature: Annotated[
        Annotated[str, StringConstraints(max_length=MAX_SIGNATURE_LENGTH)] | None,
        BeforeValidator(_empty_is_none),
    ] = arg(None, description="the signature (set, changed or removed in place)")
    forwarding_email: Annotated[MailAddress | None, BeforeValidator(_empty_is_none)] = arg(
        None, description="where the mailbox forwards its email (set, changed or removed)"
    )


WAIT_DOC = (
    f"bound of the wait on the mailbox job, in seconds (0 to {MAX_WAIT_TIMEOUT_SECONDS}; "
    f"default {DEFAULT_WAIT_TIMEOUT_SECONDS})"
)


class SmtpMailboxesInputs(DomainInputs):
    SUMMARY: ClassVar[str] = """
    Mailin.ai SMTP mailboxes, keyed by address. Create adopts the addresses the account has,
    creates the rest with one request and waits on the mailbox job; names and passwords change
    in place; adding or removing addresses creates or deletes only those. Adopted addresses
    (`adopted_mailboxes`) stay in the account when dropped from the list or destroyed, unless
    `destroy_adopted`. `passwords` (address -> password, given or generated) is secret.
    """
    EXAMPLE: ClassVar[str] = """
    from pulumi_inboxed.mailin import SmtpMailboxArgs, SmtpMailboxes

    SmtpMailboxes(
        "mailboxes",
        mailboxes=[SmtpMailboxArgs("sales@acme-mail.com", "Sales Team")],
        wait_timeout_seconds=300,
    )
    """

    mailboxes: Annotated[list[SmtpMailboxInput], AfterValidator(_unique_usernames)] = arg(
        description="the mailboxes, keyed by address (at least one)", min_length=1
    )
    wait_timeout_seconds: WholeNumber = arg(
        DEFAULT_WAIT_TIMEOUT_SECONDS, description=WAIT_DOC, ge=0, le=MAX_WAIT_TIMEOUT_SECONDS
    )


class GoogleMailboxesInputs(DomainInputs):
    SUMMARY: ClassVar[str] = """
    Mailin.ai Google Workspace mailboxes, keyed by address. Create adopts the addresses the
    account has, creates the rest with one request and waits on the mailbox job; names,
    signature and forwarding change in place. Adopted addresses (`adopted_mailboxes`) stay in
    the account when dropped from the list or destroyed, unless `destroy_adopted`.
    `credentials` (password, app password, TOTP secret per address) is secret.
    """
    EXAMPLE: ClassVar[str] = """
    from pulumi_inboxed.mailin import GoogleMailboxArgs, GoogleMailboxes

    GoogleMailboxes(
        "google-mailboxes",
        mailboxes=[GoogleMailboxArgs("john@acme-gw.biz", "John", "Doe", signature="John")],
    )
    """

    mailboxes: Annotated[list[GoogleMailboxInput], AfterValidator(_unique_usernames)] = arg(
        description="the mailboxes, keyed by address (at least one)", min_length=1
    )
    wait_timeout_seconds: WholeNumber = arg(
        DEFAULT_WAIT_TIMEOUT_SECONDS, description=WAIT_DOC, ge=0, le=MAX_WAIT_TIMEOUT_SECONDS
    )


class _MailboxesOutputs(ResourceOutputs):
    adopted_mailboxes: list[str] | None = out(
        description="addresses the account had before the create: kept on delete unless "
        "destroy_adopted"
    )
    records: dict[str, dict[str, Any]] | None = out(
        description="per address: the mailbox's id, domain id, name and whether it is active"
    )
    mailbox_ids: dict[str, int] | None = out(description="address -> Mailin.ai mailbox id")
    active: dict[str, bool] | None = out(description="address -> whether the mailbox is active")
    job_ids: list[str] | None = out(description="the mailbox jobs this resource submitted")
    last_error: str | None = out(description="why the last wait ended early, if it did")


class SmtpMailboxesOutputs(_MailboxesOutputs):
    passwords: dict[str, str] | None = out(
        description="address -> password (given or generated)", secret=True
    )


class GoogleMailboxesOutputs(_MailboxesOutputs):
    credentials: dict[str, dict[str, str | None]] | None = out(
        description="address -> password, app_password and totp_secret", secret=True
    )


def _comparable(entries: Any) -> dict[str, dict[str, Any]]:
    """Entries keyed by address, unset fields dropped (state from before `password: None` was
    recorded compares equal)."""
    return {m["username"]: {k: v for k, v in m.items() if v is not None} for m in entries or []}


class _MailboxesProvider(ConfiguredProvider):
    """Shared by both kinds: entries keyed by address, adopt, create by job, delete."""

    google = False
    kind = "Mailin.ai SMTP mailboxes"
    inputs: ClassVar[type[DomainInputs]] = SmtpMailboxesInputs

    def _runtime(self, props: Mapping[str, Any]) -> MailinRuntime:
        """The runtime of the resource's account (its inputs, or its outputs after create)."""
        return runtime_for(self.config, props.get("account"))

    # subclass hooks ---------------------------------------------------------------------
    def _submit(self, rt: MailinRuntime, entries: Sequence[Mapping[str, Any]]) -> str:
        raise NotImplementedError

    def _apply_changes(
        self, rt: MailinRuntime, mailbox_id: int, old: Mapping[str, Any], new: Mapping[str, Any]
    ) -> None:
        raise NotImplementedError

    def _extra_outputs(
        self, rt: MailinRuntime, records: Mapping[str, Mapping[str, Any]]
    ) -> dict[str, Any]:
        return {}

    def _shown(self, mailbox: MailinMailbox, entry: Mapping[str, Any]) -> dict[str, Any]:
        """`entry` with the settings the reply shows (refresh sees changes made elsewhere)."""
        return dict(entry)

    def _adopted_as(
        self, rt: MailinRuntime, mailbox: MailinMailbox, entry: Mapping[str, Any]
    ) -> dict[str, Any]:
        """An adopted mailbox's settings as they are, to bring them to `entry`'s."""
        return self._shown(mailbox, entry)

    # check / diff -------------------------------------------------------------------------
    program_hints = (IN_PROGRAM,)

    def check_further(
        self,
        olds: dict[str, Any],
        news: dict[str, Any],
        inputs: dict[str, Any],
        so_far: list[dyn.CheckFailure],
    ) -> list[dyn.CheckFailure]:
        """Each new address's domain is declared by the program or held by the account."""
        declared = news.get(IN_PROGRAM)  # the program's hint (`program_hints`): not an input
        if so_far or has_unknowns([inputs, declared]):
            return []
        return self._check_domains(olds, inputs, declared or [])

    def _check_domains(
        self, olds: Mapping[str, Any], inputs: Mapping[str, Any], declared: Sequence[Any]
    ) -> list[dyn.CheckFailure]:
        """Read-only, at preview: each new address's domain must be declared by a `Domains`
        resource of the program in the resource's account, or held by that account as a domain
        of the kind (or a subdomain of one). One shared listing per provider process and
        account (`MailinRuntime.shared_domains`), none when every domain is declared or was
        accepted before (the previous inputs' addresses)."""
        before = {m.get("username") for m in olds.get("mailboxes") or [] if isinstance(m, dict)}
        wanted: dict[str, int] = {}
        for index, entry in enumerate(inputs["mailboxes"]):
            domain = str(entry["username"]).rsplit("@", 1)[1]
            if entry["username"] not in before and domain not in set(declared):
                wanted.setdefault(domain, index)
        if not wanted:
            return []
        account = inputs.get("account") or None
        try:
            rt = self._runtime(inputs)
            listed = rt.shared_domains(google=self.google)
            held = {d.name.lower() for d in listed if of_kind(d, self.google)}
            missing = [d for d in wanted if not _held(d, held)]
            other = (
                {d.name.lower() for d in listed if not of_kind(d, self.google)}
                | {
                    d.name.lower()
                    for d in rt.shared_domains(google=not self.google)
                    if of_kind(d, not self.google)
                }
                if missing
                else set()
            )
        except LoginFailedError:
            raise  # the login's own error, naming the account and its keys
        except InboxedError as exc:  # the account could not be read: its failure
            return [dyn.CheckFailure("account", f"could not check the mailboxes' domains: {exc}")]
        kind, other_kind = ("Google", "SMTP") if self.google else ("SMTP", "Google")
        article, other_resource = (
            ("an", "SmtpMailboxes") if self.google else ("a", "GoogleMailboxes")
        )
        failures: list[dyn.CheckFailure] = []
        for domain in missing:
            where = f"mailboxes[{wanted[domain]}].username"
            if domain in other:
                reason = (
                    f"{domain!r} is {article} {other_kind} domain of "
                    f"{account_phrase(API, NAMESPACE, account)}; {kind} mailboxes need a "
                    f"{kind} domain ({other_resource} makes its mailboxes). Nothing was made."
                )
            else:
                reason = undeclared_domain(
                    API, NAMESPACE, account, domain, declared_by="Domains", kind=kind
                )
            failures.append(dyn.CheckFailure(where, reason))
        return failures

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        new_list = news.get("mailboxes")
        others = changed_inputs(self.inputs, olds, news, ignore=("mailboxes",))
        replaces = replaced_by(self.inputs, others)  # another account: made there anew
        if has_unknowns(new_list):
            return dyn.DiffResult(changes=True, replaces=replaces)
        new = _comparable(new_list)
        records = olds.get("records") or {}
        changed = (
            bool(replaces)
            or _comparable(olds.get("mailboxes")) != new
            or set(records) != set(new)
            or any(not r.get("active") for r in records.values())
            or DESTROY_ADOPTED in others
            or "allow_mixed_script" in others
        )
        return dyn.DiffResult(changes=changed, replaces=replaces)

    # create / update / read / delete ------------------------------------------------------
    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        rt = self._runtime(props)
        failed: dict[str, str] = {}
        outs = self._reconcile(rt, props, {}, [], set(), {}, failed)
        ident = str(props["mailboxes"][0]["username"])
        self._raise_if_failed(outs, failed, ident)
        return dyn.CreateResult(id_=ident, outs=outs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        """Also the next `up` after a partial failure: `olds` then hold the completed entries
        only (a changed entry whose change failed holds its settings as they are), so only the
        failed ones are created or changed."""
        rt = self._runtime(olds)
        records = {u: dict(r) for u, r in (olds.get("records") or {}).items()}
        old_entries = {m["username"]: m for m in olds.get("mailboxes") or []}
        wanted = {m["username"]: m for m in news["mailboxes"]}
        adopted = set(olds.get("adopted_mailboxes") or [])
        failed: dict[str, str] = {}
        dropped = {u: records.pop(u) for u in list(records) if u not in wanted}
        still_there = self._delete_records(rt, dropped, adopted, destroy_adopted(news))
        for username, error in still_there.items():  # kept: the next update deletes it again
            records[username] = dropped[username]
            failed[username] = f"not deleted: {error}"
        adopted -= set(dropped) - set(still_there)
        applied: dict[str, Mapping[str, Any]] = {}
        halt: InboxedError | None = None
        for username, entry in wanted.items():
            old = old_entries.get(username)
            if username in records and old is not None and old != entry:
                if halt is not None:
                    failed[username] = f"not changed: {not_tried(halt)}"
                    applied[username] = old
                    continue
                try:
                    self._apply_changes(rt, int(records[username]["id"]), old, entry)
                except InboxedError as exc:
                    failed[username] = f"not changed: {exc}"
                    applied[username] = old  # the next update applies the change again
                    halt = exc if account_wide(exc) else None
        outs = self._reconcile(
            rt, news, records, list(olds.get("job_ids") or []), adopted, applied, failed
        )
        self._raise_if_failed(outs, failed, id_)
        return dyn.UpdateResult(outs=outs)

    def _raise_if_failed(
        self, outs: Mapping[str, Any], failed: Mapping[str, str], ident: str
    ) -> None:
        """A collection finishes what it can: the completed entries are in `outs` (recorded by
        the engine), and the failed ones, named with their reasons, go to the next `up`."""
        if not failed:
            return
        reasons = [f"{username}: {reason}" for username, reason in failed.items()]
        total = len(set(failed) | {m["username"] for m in outs.get("mailboxes") or []})
        raise PartialFailure(
            f"{self.kind}: {len(failed)} of {total} mailbox(es) failed (the others are done "
            "and recorded; the next `pulumi up` retries only these): " + listed_reasons(reasons),
            outs,
            reasons,
            id_=ident,
        )

    def _delete_records(
        self,
        rt: MailinRuntime,
        records: Mapping[str, Mapping[str, Any]],
        adopted: Iterable[str],
        destroy_adopted_too: bool,
    ) -> dict[str, InboxedError]:
        """Deletes each mailbox (verified by listing it again); adopted ones stay unless asked.
        Every one is tried; those not deleted are returned with their errors."""
        kept = sorted(u for u in records if u in set(adopted) and not destroy_adopted_too)
        still_there: dict[str, InboxedError] = {}
        halt: InboxedError | None = None
        for username, rec in records.items():
            if username in kept:
                continue
            if halt is not None:  # the account's requests fail: not tried
                still_there[username] = halt
                continue
            mailbox_id = int(rec["id"])

            def delete(mailbox_id: int = mailbox_id) -> None:
                rt.client.delete_mailbox(mailbox_id)

            def exists(username: str = username, mailbox_id: int = mailbox_id) -> bool:
                found = self._find(rt, username)
                return found is not None and found.id == mailbox_id

            try:
                confirm_deleted(
                    f"{self.kind} entry {username!r} ({mailbox_id})",
                    delete,
                    exists,
                    settle_seconds=DELETE_SETTLE_SECONDS,
                )
            except InboxedError as exc:
                still_there[username] = exc
                halt = exc if account_wide(exc) else None
        log_kept_adopted(self.kind, kept)
        return still_there

    def _adopt(
        self,
        rt: MailinRuntime,
        entry: Mapping[str, Any],
        records: dict[str, dict[str, Any]],
        adopted: set[str],
        applied: dict[str, Mapping[str, Any]],
        failed: dict[str, str],
    ) -> InboxedError | None:
        """Records the account's mailbox of `entry`'s address, if it has one (it was there
        before: kept on delete by default), and brings it to `entry`'s settings. Returns the
        error of a failure, if one happened."""
        username = str(entry["username"])
        try:
            found = self._find(rt, username)
            if found is None:
                return None
            current = self._adopted_as(rt, found, entry)
        except InboxedError as exc:
            failed[username] = f"could not be looked up: {exc}"
            return exc  # not recorded: the next `up` looks again
        records[username] = _record(found)
        adopted.add(username)
        try:
            self._apply_changes(rt, found.id, current, entry)
        except InboxedError as exc:
            failed[username] = f"adopted, but its settings were not changed: {exc}"
            applied[username] = current
            return exc
        return None

    def _reconcile(
        self,
        rt: MailinRuntime,
        inputs: Mapping[str, Any],
        records: dict[str, dict[str, Any]],
        job_ids: list[str],
        adopted: set[str],
        applied: dict[str, Mapping[str, Any]],
        failed: dict[str, str],
    ) -> dict[str, Any]:
        """Creates or adopts every entry not in `records`, and returns the outputs: the
        entries done (`applied` holds those whose settings are not yet the wanted ones), the
        failed ones left out and named in `failed`."""
        entries = {m["username"]: m for m in inputs["mailboxes"]}
        timeout = float(inputs.get("wait_timeout_seconds") or 0)
        deadline = Deadline.after(timeout)
        halt: InboxedError | None = None
        held: set[str] = set()
        for username, entry in entries.items():  # adopt: a retried create never makes it twice
            if username not in records and username not in failed:
                if halt is not None:
                    failed[username] = not_tried(halt)
                    continue
                error = self._adopt(rt, entry, records, held, applied, failed)
                halt = error if error is not None and account_wide(error) else None
        # unless this resource's interrupted run recorded it was about to create them
        # (`core.intents`): made by this stack, not adopted
        adopted |= held - intents.claim(API, rt.account, sorted(held), bound_seconds=timeout)
        missing = [entries[u] for u in entries if u not in records and u not in failed]
        last_error: str | None = None
        if missing:
            new_jobs = self._submit_once(rt, missing, records, failed)
            job_ids.extend(new_jobs)
            for job_id in new_jobs:
                try:
                    job = rt.mailbox_jobs.wait(
                        job_id,
                        lambda j: j.status not in ("pending", "processing", "in_progress"),
                        deadline.remaining(),
                        describe=lambda j: f"{j.status}: {j.report}" if j else "no answer yet",
                    )
                    if job.status != "completed":
                        last_error = f"mailbox job {job_id} ended {job.status}: {job.report}"
                except (WaitTimeoutError, InboxedError) as exc:
                    last_error = str(exc)
            made = [str(e["username"]) for e in missing if e["username"] not in failed]
            waited = self._read_back(rt, made, records, failed, deadline, last_error)
            last_error = last_error or waited
            for entry in missing:
                username = entry["username"]
                if username in failed or username not in records:
                    continue
                if halt is not None:
                    failed[username] = f"created, its settings not set: {not_tried(halt)}"
                    applied[username] = self._created_as(entry)
                    continue
                try:
                    self._after_create(rt, int(records[username]["id"]), entry)
                except InboxedError as exc:
                    failed[username] = f"created, but its settings were not set: {exc}"
                    applied[username] = self._created_as(entry)
                    halt = exc if account_wide(exc) else None
        done = [dict(applied.get(u, entries[u])) for u in entries if u in records]
        outs = {
            "mailboxes": done,
            "wait_timeout_seconds": inputs.get("wait_timeout_seconds"),
            DESTROY_ADOPTED: inputs.get(DESTROY_ADOPTED) is True,
            "adopted_mailboxes": sorted(adopted & set(records)),
            "records": records,
            "mailbox_ids": {u: r["id"] for u, r in records.items()},
            "active": {u: bool(r["active"]) for u, r in records.items()},
            "job_ids": job_ids,
            "last_error": last_error,
            **self._extra_outputs(rt, records),
        }
        if inputs.get("account") is not None:  # read, update and delete use its account
            outs["account"] = inputs["account"]
        pending = [u for u in entries if u in records and not records[u].get("active")]
        warn_grouped(
            self.kind,
            ("mailbox is not active yet", "mailboxes are not active yet"),
            pending,
            (f"{last_error}; " if last_error else "")
            + "`pulumi refresh` or `pulumi up` later brings their status.",
        )
        return outs

    def _submit_once(
        self,
        rt: MailinRuntime,
        entries: Sequence[Mapping[str, Any]],
        records: dict[str, dict[str, Any]],
        failed: dict[str, str],
    ) -> list[str]:
        """Creates `entries` in one request (`write_once`: never twice); returns its job id
        (none when its reply was lost: the mailboxes are then found in the list, not by the
        job). Mailboxes found after a failed request are this run's own (recorded as made, not
        adopted); a request that took effect for some only is sent again for the others only.
        Entries the API refuses by name (a 422 naming `mailboxes.<n>`) fail, and the rest are
        created."""
        pending = list(entries)
        sent: list[Mapping[str, Any]] = []

        def send() -> _Submitted:
            sent[:] = pending
            return _Submitted(self._submit(rt, pending))

        def find() -> _Submitted | None:
            found = self._find_many(rt, [str(e["username"]) for e in pending])
            for username, mailbox in found.items():
                records[username] = _record(mailbox)
            pending[:] = [e for e in pending if e["username"] not in found]
            return None if pending else _Submitted(None)

        while pending:
            shown = ", ".join(str(e["username"]) for e in pending[:5])
            more = f" and {len(pending) - 5} more" if len(pending) > 5 else ""
            what = f"create of {len(pending)} mailbox(es) ({shown}{more})"
            # on disk before the create (`core.intents`)
            recorded = rt.intent([str(e["username"]) for e in pending], "mailbox", "created")
            try:
                submitted = rt.write_once(what, send, find, intent=recorded)
            except UnprocessableError as exc:
                # the record keeps only what was made: the rest is recorded anew if sent again
                intents.narrow(recorded, [u for u in recorded.keys if u in records])
                # the 422 names entries by their index in the request that was sent
                refused = {
                    str(sent[i]["username"]): _entry_reason(exc, i)
                    for i in _refused_entries(exc, len(sent))
                }
                left = [e for e in pending if e["username"] not in refused]
                if not refused or not left:
                    for entry in pending:
                        failed[entry["username"]] = f"not created: {exc}"
                    return []
                for entry in pending:  # the others can be created: create them
                    if entry["username"] in refused:
                        failed[entry["username"]] = f"refused: {refused[entry['username']]}"
                pending[:] = left
                continue
            except InboxedError as exc:
                for entry in pending:
                    failed[entry["username"]] = f"not created: {exc}"
                return []
            return [submitted.job_id] if submitted.job_id else []
        return []

    def _read_back(
        self,
        rt: MailinRuntime,
        made: Sequence[str],
        records: dict[str, dict[str, Any]],
        failed: dict[str, str],
        deadline: Deadline,
        job_error: str | None,
    ) -> str | None:
        """Reads the mailboxes just made until they are active (bounded by `deadline`; once
        when their job failed): by the objects, not the job, whose id a lost reply took with
        it. One never seen is named in `failed`. Returns why the wait ended early, if it did."""
        ended: str | None = None
        while True:
            todo = [u for u in made if u not in failed and not records.get(u, {}).get("active")]
            if not todo:
                break
            try:
                found = self._find_many(rt, todo)
            except InboxedError as exc:
                ended = f"could not be read back: {exc}"
                break
            for username, mailbox in found.items():
                records[username] = _record(mailbox)
            if job_error is not None or all(records.get(u, {}).get("active") for u in todo):
                break
            if deadline.expired():
                ended = "not active within the wait: " + ", ".join(
                    u for u in todo if not records.get(u, {}).get("active")
                )
                break
            time.sleep(min(rt.poll_interval, max(deadline.remaining(), 0.01)))
        why = job_error or ended
        for username in made:
            if username not in records and username not in failed:
                failed[username] = "not in the account after the mailbox create" + (
                    f" ({why})" if why else ""
                )
        return ended

    def _find_many(self, rt: MailinRuntime, usernames: Sequence[str]) -> dict[str, MailinMailbox]:
        """The account's mailboxes among `usernames`, read fresh: one lookup an address for a
        few, else one listing of the kind's list."""
        if len(usernames) <= FIND_ONE_BY_ONE:
            found = {u: self._find(rt, u) for u in usernames}
            return {u: m for u, m in found.items() if m is not None}
        by_name = {m.username.lower(): m for m in rt.client.list_mailboxes(google=self.google)}
        return {u: by_name[u] for u in usernames if u in by_name}

    def _created_as(self, entry: Mapping[str, Any]) -> dict[str, Any]:
        """The settings a create request gives (before `_after_create`)."""
        return dict(entry)

    def _after_create(self, rt: MailinRuntime, mailbox_id: int, entry: Mapping[str, Any]) -> None:
        """Settings that need the mailbox to exist first (Google: signature, forwarding)."""

    def _find(self, rt: MailinRuntime, username: str) -> MailinMailbox | None:
        matches = rt.client.list_mailboxes(username, google=self.google)
        return next((m for m in matches if m.username.lower() == username), None)

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        rt = self._runtime(props)
        records: dict[str, dict[str, Any]] = {}
        entries = {m["username"]: dict(m) for m in props.get("mailboxes") or []}
        for username, rec in (props.get("records") or {}).items():
            mailbox: MailinMailbox | None
            try:
                mailbox = rt.client.get_mailbox(int(rec["id"]))
            except NotFoundError:
                # `GET /mailboxes/{id}` is our guess of a path: only the list confirms a 404
                listed = self._find(rt, username)
                mailbox = listed if listed is not None and listed.id == int(rec["id"]) else None
            if mailbox is None:
                continue  # deleted outside Pulumi: the next `pulumi up` creates it again
            records[username] = _record(mailbox)
            if username in entries:
                entries[username] = self._shown(mailbox, entries[username])
        outs = {
            **input_defaults(self.inputs),
            **props,
            "mailboxes": [entries[m["username"]] for m in props.get("mailboxes") or []],
            "adopted_mailboxes": [u for u in props.get("adopted_mailboxes") or [] if u in records],
            "records": records,
            "mailbox_ids": {u: r["id"] for u, r in records.items()},
            "active": {u: bool(r["active"]) for u, r in records.items()},
            **self._extra_outputs(rt, records),
        }
        return dyn.ReadResult(id_=id_, outs=outs)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        """Deletes every mailbox it can; any left are named (the next destroy tries them)."""
        still_there = self._delete_records(
            self._runtime(props),
            props.get("records") or {},
            props.get("adopted_mailboxes") or [],
            destroy_adopted(props),
        )
        if len(still_there) == 1:
            raise next(iter(still_there.values()))
        if still_there:
            raise InboxedError(
                f"{self.kind}: {len(still_there)} mailbox(es) not deleted: "
                + "; ".join(f"{u}: {e}" for u, e in still_there.items())
            )


@dataclass(frozen=True)
class _Submitted:
    job_id: str | None
    """The create's mailbox job; None when its reply was lost and the mailboxes were found."""


_ENTRY_FIELD = re.compile(r"^mailboxes\.(\d+)\.")


def _refused_entries(exc: UnprocessableError, count: int) -> list[int]:
    """The indexes of the request's entries a 422 names (`errors` keyed `mailboxes.<n>.<field>`,
    Laravel's way)."""
    errors = exc.details.get("errors")
    if not isinstance(errors, Mapping):
        return []
    found = {int(m[1]) for key in errors if (m := _ENTRY_FIELD.match(str(key)))}
    return sorted(i for i in found if i < count)


def _entry_reason(exc: UnprocessableError, index: int) -> str:
    errors = exc.details.get("errors")
    messages: list[str] = []
    if isinstance(errors, Mapping):
        for key, value in errors.items():
            if str(key).startswith(f"mailboxes.{index}."):
                values = value if isinstance(value, list) else [value]
                messages.extend(str(v) for v in values)
    return "; ".join(messages) or exc.message


def _set(
    rt: MailinRuntime,
    what: str,
    mailbox_id: int,
    send: Callable[[], None],
    shown: Callable[[MailinMailbox], bool],
) -> None:
    """A POST that sets one setting of a mailbox (the same value twice is the same state):
    `write_once`, where a transient failure is followed by a read of the mailbox, and the
    request is sent again only when the mailbox does not show the setting (a read that fails
    or cannot show it: sent again, which changes nothing more)."""

    def sent() -> bool:
        send()
        return True

    def find() -> bool | None:
        try:
            return True if shown(rt.client.get_mailbox(mailbox_id)) else None
        except InboxedError:
            return None

    rt.write_once(f"{what} of mailbox {mailbox_id}", sent, find)


def _same_address(value: str | None, wanted: str | None) -> bool:
    value = (value or "").strip()
    if not value or not wanted:
        return not value and not wanted
    try:
        return normalize_email(value) == wanted
    except ValueError:
        return False


def _held(domain: str, held: set[str]) -> bool:
    """`domain`, or a domain it is a subdomain of, is in `held`."""
    labels = domain.split(".")
    return any(".".join(labels[i:]) in held for i in range(len(labels) - 1))


def _record(m: MailinMailbox) -> dict[str, Any]:
    return {"id": m.id, "domain_id": m.domain_id, "name": m.name, "active": m.active}


class SmtpMailboxesProvider(_MailboxesProvider):
    google = False
    inputs = SmtpMailboxesInputs

    def _submit(self, rt: MailinRuntime, entries: Sequence[Mapping[str, Any]]) -> str:
        return rt.client.create_smtp_mailboxes(
            [
                NewSmtpMailbox(username=e["username"], name=e["name"], password=e.get("password"))
                for e in entries
            ]
        )

    def _apply_changes(
        self, rt: MailinRuntime, mailbox_id: int, old: Mapping[str, Any], new: Mapping[str, Any]
    ) -> None:
        name, password = str(new.get("name")), new.get("password")
        if old.get("name") != new.get("name"):
            _set(
                rt,
                "name change",
                mailbox_id,
                lambda: rt.client.update_mailbox_name(mailbox_id, name),
                lambda m: (m.name or "").strip() == name,
            )
        if password and old.get("password") != password:
            _set(
                rt,
                "password change",
                mailbox_id,
                lambda: rt.client.update_mailbox_password(mailbox_id, str(password)),
                lambda m: m.password == password,
            )

    def _shown(self, mailbox: MailinMailbox, entry: Mapping[str, Any]) -> dict[str, Any]:
        shown = dict(entry)
        if "name" in mailbox.model_fields_set and mailbox.name and mailbox.name.strip():
            shown["name"] = mailbox.name.strip()
        return shown

    def _adopted_as(
        self, rt: MailinRuntime, mailbox: MailinMailbox, entry: Mapping[str, Any]
    ) -> dict[str, Any]:
        shown = self._shown(mailbox, entry)
        if entry.get("password"):  # a password the program gives is set, unless it is already
            current = rt.client.get_mailbox(mailbox.id).password
            shown["password"] = current if current == entry["password"] else None
        return shown

    def _extra_outputs(
        self, rt: MailinRuntime, records: Mapping[str, Mapping[str, Any]]
    ) -> dict[str, Any]:
        passwords: dict[str, str] = {}
        for username, rec in records.items():
            with contextlib.suppress(InboxedError):
                mailbox = rt.client.get_mailbox(int(rec["id"]))
                if mailbox.password:
                    passwords[username] = mailbox.password
        return {"passwords": passwords}


class GoogleMailboxesProvider(_MailboxesProvider):
    google = True
    kind = "Mailin.ai Google mailboxes"
    inputs = GoogleMailboxesInputs

    def _shown(self, mailbox: MailinMailbox, entry: Mapping[str, Any]) -> dict[str, Any]:
        shown = dict(entry)
        seen = mailbox.model_fields_set
        for field in ("first_name", "last_name"):
            value = getattr(mailbox, field)
            if field in seen and value and str(value).strip():
                shown[field] = str(value).strip()
        if "signature" in seen:
            shown["signature"] = mailbox.signature or None
        if "redirect_email" in seen:
            redirect = (mailbox.redirect_email or "").strip()
            try:
                shown["forwarding_email"] = normalize_email(redirect) if redirect else None
            except ValueError:
                shown["forwarding_email"] = redirect
        return shown

    def _submit(self, rt: MailinRuntime, entries: Sequence[Mapping[str, Any]]) -> str:
        return rt.client.create_google_mailboxes(
            [
                NewGoogleMailbox(
                    username=e["username"], first_name=e["first_name"], last_name=e["last_name"]
                )
                for e in entries
            ]
        )

    def _created_as(self, entry: Mapping[str, Any]) -> dict[str, Any]:
        return {**entry, "signature": None, "forwarding_email": None}

    def _after_create(self, rt: MailinRuntime, mailbox_id: int, entry: Mapping[str, Any]) -> None:
        self._apply_changes(
            rt, mailbox_id, {**entry, "signature": None, "forwarding_email": None}, entry
        )

    def _apply_changes(
        self, rt: MailinRuntime, mailbox_id: int, old: Mapping[str, Any], new: Mapping[str, Any]
    ) -> None:
        client = rt.client
        first, last = new.get("first_name"), new.get("last_name")
        if (old.get("first_name"), old.get("last_name")) != (first, last):
            full = f"{first} {last}"
            _set(
                rt,
                "name change",
                mailbox_id,
                lambda: client.update_mailbox_name(mailbox_id, full),
                lambda m: (m.first_name, m.last_name) == (first, last) or m.name == full,
            )
        signature = new.get("signature")
        if old.get("signature") != signature:
            if signature:
                _set(
                    rt,
                    "signature",
                    mailbox_id,
                    lambda: client.add_signature(mailbox_id, str(signature)),
                    lambda m: m.signature == signature,
                )
            else:
                client.delete_signature(mailbox_id)  # a DELETE: retried as idempotent
        before, after = old.get("forwarding_email"), new.get("forwarding_email")
        if before != after:

            def send_forwarding() -> None:
                if after and before:
                    client.update_forwarding(mailbox_id, str(after))
                elif after:
                    client.setup_forwarding(mailbox_id, str(after))
                else:
                    client.remove_forwarding(mailbox_id)

            _set(
                rt,
                "forwarding",
                mailbox_id,
                send_forwarding,
                lambda m: _same_address(m.redirect_email, after),
            )

    def _extra_outputs(
        self, rt: MailinRuntime, records: Mapping[str, Mapping[str, Any]]
    ) -> dict[str, Any]:
        credentials: dict[str, dict[str, str | None]] = {}
        for username, rec in records.items():
            with contextlib.suppress(InboxedError):
                found = rt.client.show_credentials(int(rec["id"]))
                credentials[username] = {
                    "password": found.password,
                    "app_password": found.app_password,
                    "totp_secret": found.secret,
                }
        return {"credentials": credentials}


def _same_account(kind: str) -> BeforeRegister:
    def check(name: str, props: Props, opts: Opts) -> Opts:
        """An address on a domain a `Domains` resource of the program holds in another account
        fails the program, naming the domain and both accounts (`program_domains`); the
        domains it declares in this account are marked (`IN_PROGRAM`: check() does not look
        for them in the account)."""
        domains = program_domains.mailbox_domains(props.get("mailboxes"))
        program_domains.check_domains(kind, name, domains, props.get("account"))
        program_domains.mark_declared(props, IN_PROGRAM, domains)
        return opts

    return check


def _smtp_before_register(name: str, props: Props, opts: Opts) -> Opts:
    return _secret_passwords(name, props, _same_account("SmtpMailboxes")(name, props, opts))


def _secret_passwords(_name: str, props: Props, opts: Opts) -> Opts:
    """Passwords become secret in the program, so the state never holds them in plaintext
    (a list given as one output is made secret whole)."""
    mailboxes = props.get("mailboxes")
    if isinstance(mailboxes, list):
        entries: list[Any] = []
        for m in mailboxes:
            if isinstance(m, Mapping) and m.get("password") is not None:
                m = {**m, "password": pulumi.Output.secret(m["password"])}
            entries.append(m)
        props["mailboxes"] = entries
    elif mailboxes is not None:
        props["mailboxes"] = pulumi.Output.secret(mailboxes)
    return opts


SPECS = (
    ResourceSpec(
        module="mailin",
        name="SmtpMailboxes",
        inputs=SmtpMailboxesInputs,
        outputs=SmtpMailboxesOutputs,
        provider=SmtpMailboxesProvider,
        gettable=False,  # keyed by many addresses: read needs the state's records
        before_register=_smtp_before_register,
    ),
    ResourceSpec(
        module="mailin",
        name="GoogleMailboxes",
        inputs=GoogleMailboxesInputs,
        outputs=GoogleMailboxesOutputs,
        provider=GoogleMailboxesProvider,
        gettable=False,
        before_register=_same_account("GoogleMailboxes"),
    ),
)

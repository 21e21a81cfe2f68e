"""How `mailin.SmtpMailboxes` and `mailin.GoogleMailboxes` create, adopt, wait for and delete
their mailboxes.

The kind's own requests (its create request, its settings, its extra outputs) are the
provider's hooks (`MailboxHooks`); everything else is shared: adopt the addresses the account
holds, create the rest in one request made once (`MailinRuntime.write_once`), wait on the
mailbox job, read the mailboxes back until active (`core.wait_for_targets`), and delete each one
verified by listing it again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..core import intents
from ..core.errors import InboxedError, NotFoundError, UnprocessableError, WaitTimeoutError
from ..core.lifecycle import DESTROY_ADOPTED, confirm_deleted, log_kept_adopted, warn_grouped
from ..core.partial_failure import PartialFailure
from ..core.polling import Deadline
from ..core.wait_for_targets import wait_for_targets
from .models import MailinMailbox
from .runtime import API, MailinRuntime, account_wide, finished_job, listed_reasons, not_tried

FIND_ONE_BY_ONE = 25
"""Up to this many addresses are looked up one by one after a failed create; more: one
listing of the account's mailboxes of the kind."""


@dataclass
class MailboxHoldings:
    """What a mailbox collection holds and has started; `reconcile_mailboxes` updates it in
    place."""

    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    job_ids: list[str] = field(default_factory=list)
    adopted: set[str] = field(default_factory=set)
    applied: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    """The entries whose settings are not yet the wanted ones, as they are."""
    failed: dict[str, str] = field(default_factory=dict)
    """The entries that could not be made (or changed, or deleted), with their reasons."""


class MailboxHooks(Protocol):
    """What a kind of mailboxes (SMTP, Google) does its own way: the provider class."""

    @property
    def google(self) -> bool: ...

    @property
    def kind(self) -> str: ...

    def _submit(self, rt: MailinRuntime, entries: Sequence[Mapping[str, Any]]) -> str: ...

    def _apply_changes(
        self, rt: MailinRuntime, mailbox_id: int, old: Mapping[str, Any], new: Mapping[str, Any]
    ) -> None: ...

    def _extra_outputs(
        self, rt: MailinRuntime, records: Mapping[str, Mapping[str, Any]]
    ) -> dict[str, Any]: ...

    def _adopted_as(
        self, rt: MailinRuntime, mailbox: MailinMailbox, entry: Mapping[str, Any]
    ) -> dict[str, Any]: ...

    def _shown(self, mailbox: MailinMailbox, entry: Mapping[str, Any]) -> dict[str, Any]: ...

    def _created_as(self, entry: Mapping[str, Any]) -> dict[str, Any]: ...

    def _after_create(
        self, rt: MailinRuntime, mailbox_id: int, entry: Mapping[str, Any]
    ) -> None: ...


def mailbox_record(m: MailinMailbox) -> dict[str, Any]:
    return {"id": m.id, "domain_id": m.domain_id, "name": m.name, "active": m.active}


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


def delete_mailboxes(
    kind: MailboxHooks,
    rt: MailinRuntime,
    records: Mapping[str, Mapping[str, Any]],
    adopted: Iterable[str],
    destroy_adopted_too: bool,
    settle_seconds: float,
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
            found = find_mailbox(rt, username, google=kind.google)
            return found is not None and found.id == mailbox_id

        try:
            confirm_deleted(
                f"{kind.kind} entry {username!r} ({mailbox_id})",
                delete,
                exists,
                settle_seconds=settle_seconds,
            )
        except InboxedError as exc:
            still_there[username] = exc
            halt = exc if account_wide(exc) else None
    log_kept_adopted(kind.kind, kept)
    return still_there


def _adopt(
    kind: MailboxHooks, rt: MailinRuntime, entry: Mapping[str, Any], holdings: MailboxHoldings
) -> tuple[bool, InboxedError | None]:
    """Records the account's mailbox of `entry`'s address, if it has one (it was there
    before: kept on delete by default), and brings it to `entry`'s settings. Returns whether
    it was found and recorded, and the error of a failure, if one happened."""
    records, applied, failed = holdings.records, holdings.applied, holdings.failed
    username = str(entry["username"])
    try:
        found = find_mailbox(rt, username, google=kind.google)
        if found is None:
            return False, None
        current = kind._adopted_as(rt, found, entry)
    except InboxedError as exc:
        failed[username] = f"could not be looked up: {exc}"
        return False, exc  # not recorded: the next `up` looks again
    records[username] = mailbox_record(found)
    try:
        kind._apply_changes(rt, found.id, current, entry)
    except InboxedError as exc:
        failed[username] = f"adopted, but its settings were not changed: {exc}"
        applied[username] = current
        return True, exc
    return True, None


def reconcile_mailboxes(
    kind: MailboxHooks, rt: MailinRuntime, inputs: Mapping[str, Any], holdings: MailboxHoldings
) -> dict[str, Any]:
    """Creates or adopts every entry not in the records, and returns the outputs: the
    entries done (`applied` holds those whose settings are not yet the wanted ones), the
    failed ones left out and named in `failed`."""
    records, job_ids, adopted = holdings.records, holdings.job_ids, holdings.adopted
    applied, failed = holdings.applied, holdings.failed
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
            found, error = _adopt(kind, rt, entry, holdings)
            if found:
                held.add(username)
            halt = error if error is not None and account_wide(error) else None
    # unless this resource's interrupted run recorded it was about to create them
    # (`core.intents`): made by this stack, not adopted
    adopted |= held - intents.claim(API, rt.account, sorted(held), bound_seconds=timeout)
    missing = [entries[u] for u in entries if u not in records and u not in failed]
    last_error: str | None = None
    if missing:
        new_jobs = _submit_once(kind, rt, missing, records, failed)
        job_ids.extend(new_jobs)
        for job_id in new_jobs:
            try:
                job = finished_job(rt.mailbox_jobs, job_id, deadline)
                if job.status != "completed":
                    last_error = f"mailbox job {job_id} ended {job.status}: {job.report}"
            except (WaitTimeoutError, InboxedError) as exc:
                last_error = str(exc)
        made = [str(e["username"]) for e in missing if e["username"] not in failed]
        waited = _read_back(rt, kind.google, made, records, failed, deadline, last_error)
        last_error = last_error or waited
        for entry in missing:
            username = entry["username"]
            if username in failed or username not in records:
                continue
            if halt is not None:
                failed[username] = f"created, its settings not set: {not_tried(halt)}"
                applied[username] = kind._created_as(entry)
                continue
            try:
                kind._after_create(rt, int(records[username]["id"]), entry)
            except InboxedError as exc:
                failed[username] = f"created, but its settings were not set: {exc}"
                applied[username] = kind._created_as(entry)
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
        **kind._extra_outputs(rt, records),
    }
    if inputs.get("account") is not None:  # read, update and delete use its account
        outs["account"] = inputs["account"]
    pending = [u for u in entries if u in records and not records[u].get("active")]
    warn_grouped(
        kind.kind,
        ("mailbox is not active yet", "mailboxes are not active yet"),
        pending,
        (f"{last_error}; " if last_error else "")
        + "`pulumi refresh` or `pulumi up` later brings their status.",
    )
    return outs


def _submit_once(
    kind: MailboxHooks,
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
        return _Submitted(kind._submit(rt, pending))

    def find() -> _Submitted | None:
        found = find_mailboxes(rt, [str(e["username"]) for e in pending], google=kind.google)
        for username, mailbox in found.items():
            records[username] = mailbox_record(mailbox)
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
    rt: MailinRuntime,
    google: bool,
    made: Sequence[str],
    records: dict[str, dict[str, Any]],
    failed: dict[str, str],
    deadline: Deadline,
    job_error: str | None,
) -> str | None:
    """Reads the mailboxes just made until they are active (bounded by `deadline`; once
    when their job failed): by the objects, not the job, whose id a lost reply took with
    it. One never seen is named in `failed`. Returns why the wait ended early, if it did."""

    def read(usernames: list[str]) -> dict[str, dict[str, Any]]:
        for username, mailbox in find_mailboxes(rt, usernames, google=google).items():
            records[username] = mailbox_record(mailbox)
        return {u: records[u] for u in usernames if u in records}

    outcome = wait_for_targets(
        [u for u in made if u not in failed and not records.get(u, {}).get("active")],
        read,
        reached=lambda record: bool(record.get("active")),
        until=deadline.at if job_error is None else 0.0,  # a failed job: read once
        interval=rt.poll_interval,
        stop_errors=(InboxedError,),
    )
    ended: str | None = None
    if outcome.read_error is not None:
        ended = f"could not be read back: {outcome.read_error}"
    elif outcome.timed_out and job_error is None:
        ended = "not active within the wait: " + ", ".join(outcome.timed_out)
    why = job_error or ended
    for username in made:
        if username not in records and username not in failed:
            failed[username] = "not in the account after the mailbox create" + (
                f" ({why})" if why else ""
            )
    return ended


def find_mailboxes(
    rt: MailinRuntime, usernames: Sequence[str], *, google: bool
) -> dict[str, MailinMailbox]:
    """The account's mailboxes among `usernames`, read fresh: one lookup an address for a
    few, else one listing of the kind's list."""
    if len(usernames) <= FIND_ONE_BY_ONE:
        found = {u: find_mailbox(rt, u, google=google) for u in usernames}
        return {u: m for u, m in found.items() if m is not None}
    by_name = {m.username.lower(): m for m in rt.client.list_mailboxes(google=google)}
    return {u: by_name[u] for u in usernames if u in by_name}


def find_mailbox(rt: MailinRuntime, username: str, *, google: bool) -> MailinMailbox | None:
    matches = rt.client.list_mailboxes(username, google=google)
    return next((m for m in matches if m.username.lower() == username), None)


def apply_changes(
    kind: MailboxHooks,
    rt: MailinRuntime,
    changed: Mapping[str, Mapping[str, Any]],
    old_entries: Mapping[str, Mapping[str, Any]],
    records: Mapping[str, Mapping[str, Any]],
    failed: dict[str, str],
) -> dict[str, Mapping[str, Any]]:
    """Brings each recorded mailbox of `changed` (username -> wanted entry) from its old entry
    to the wanted one; returns the entries whose change failed, with their old settings (the
    next update applies the change again), each named in `failed`."""
    applied: dict[str, Mapping[str, Any]] = {}
    halt: InboxedError | None = None
    for username, entry in changed.items():
        old = old_entries[username]
        if halt is not None:
            failed[username] = f"not changed: {not_tried(halt)}"
            applied[username] = old
            continue
        try:
            kind._apply_changes(rt, int(records[username]["id"]), old, entry)
        except InboxedError as exc:
            failed[username] = f"not changed: {exc}"
            applied[username] = old  # the next update applies the change again
            halt = exc if account_wide(exc) else None
    return applied


def read_mailboxes(
    kind: MailboxHooks, rt: MailinRuntime, props: Mapping[str, Any]
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """`pulumi refresh`: the records of the mailboxes still in the account, and the entries with
    the settings the replies show. A mailbox leaves the records only when the account's list
    confirms it is gone (`GET /mailboxes/{id}` is our guess of a path)."""
    records: dict[str, dict[str, Any]] = {}
    entries = {m["username"]: dict(m) for m in props.get("mailboxes") or []}
    for username, rec in (props.get("records") or {}).items():
        mailbox: MailinMailbox | None
        try:
            mailbox = rt.client.get_mailbox(int(rec["id"]))
        except NotFoundError:
            # `GET /mailboxes/{id}` is our guess of a path: only the list confirms a 404
            listed = find_mailbox(rt, username, google=kind.google)
            mailbox = listed if listed is not None and listed.id == int(rec["id"]) else None
        if mailbox is None:
            continue  # deleted outside Pulumi: the next `pulumi up` creates it again
        records[username] = mailbox_record(mailbox)
        if username in entries:
            entries[username] = kind._shown(mailbox, entries[username])
    return records, entries


def raise_if_failed(
    kind: str, outs: Mapping[str, Any], failed: Mapping[str, str], ident: str
) -> None:
    """A collection finishes what it can: the completed entries are in `outs` (recorded by
    the engine), and the failed ones, named with their reasons, go to the next `up`."""
    if not failed:
        return
    reasons = [f"{username}: {reason}" for username, reason in failed.items()]
    total = len(set(failed) | {m["username"] for m in outs.get("mailboxes") or []})
    raise PartialFailure(
        f"{kind}: {len(failed)} of {total} mailbox(es) failed (the others are done "
        "and recorded; the next `pulumi up` retries only these): " + listed_reasons(reasons),
        outs,
        reasons,
        id_=ident,
    )

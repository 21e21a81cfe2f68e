"""`mailin.SmtpMailboxes` and `mailin.GoogleMailboxes`: mailboxes created in batches.

Each resource holds a set of mailboxes keyed by address. Create adopts addresses the account
already has, creates the rest with one request, and waits on the mailbox job (bounded by
`wait_timeout_seconds`). Names, passwords (SMTP), signatures and forwarding (Google) change in
place; adding or removing addresses creates or deletes only those.

Adoption: an address the account had before the create (or a retried create: it cannot be told
apart) is listed in `adopted_mailboxes` and is left in the account when removed from the list or
destroyed, unless `destroy_adopted=True`. Every delete is verified by listing the address again.
Refresh reads names (and, for Google, signature and forwarding) back where the reply shows them;
a mailbox leaves the state only when the account's mailbox list confirms it is gone.

Secrets: passwords given as inputs are made secret in the program (so the state keeps them
encrypted, inputs and outputs alike); generated passwords, Google app passwords and TOTP secrets
are secret outputs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pulumi
import pulumi.dynamic as dyn

from ..core.errors import InboxedError, NotFoundError, WaitTimeoutError
from ..core.lifecycle import DESTROY_ADOPTED, confirm_deleted, destroy_adopted, log_kept_adopted
from ..core.polling import Deadline
from ..core.provider_base import ConfiguredProvider, has_unknowns, is_unknown
from .endpoints import MAILBOX_PASSWORD_LENGTH
from .forwarding import normalize_email
from .models import MailinMailbox, NewGoogleMailbox, NewSmtpMailbox
from .runtime import MailinRuntime, runtime_for

DEFAULT_WAIT_TIMEOUT_SECONDS = 900
MAX_NAME_LENGTH = 100
DELETE_SETTLE_SECONDS = 10.0


def _check_name(where: str, value: Any, failures: list[dyn.CheckFailure]) -> str:
    if not isinstance(value, str) or not value.strip():
        failures.append(dyn.CheckFailure(where, "is required and must not be blank"))
        return ""
    if len(value.strip()) > MAX_NAME_LENGTH:
        failures.append(dyn.CheckFailure(where, f"is longer than {MAX_NAME_LENGTH} characters"))
    return value.strip()


class _MailboxesProvider(ConfiguredProvider):
    """Shared by both kinds: entries keyed by address, adopt, create by job, delete."""

    google = False
    kind = "Mailin.ai SMTP mailboxes"
    fields: tuple[str, ...] = ()

    def _runtime(self) -> MailinRuntime:
        return runtime_for(self.config)

    # subclass hooks ---------------------------------------------------------------------
    def _check_entry(
        self, where: str, raw: Mapping[str, Any], failures: list[dyn.CheckFailure]
    ) -> dict[str, Any]:
        raise NotImplementedError

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
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> dyn.CheckResult:
        inputs = dict(news)
        failures: list[dyn.CheckFailure] = []
        if not is_unknown(news.get(DESTROY_ADOPTED)):
            inputs[DESTROY_ADOPTED] = news.get(DESTROY_ADOPTED) is True
        if news.get("wait_timeout_seconds") is None:
            inputs["wait_timeout_seconds"] = DEFAULT_WAIT_TIMEOUT_SECONDS
        mailboxes = news.get("mailboxes")
        if has_unknowns(mailboxes):
            return dyn.CheckResult(inputs, failures)
        if not isinstance(mailboxes, list) or not mailboxes:
            failures.append(dyn.CheckFailure("mailboxes", "must be a non-empty list"))
            return dyn.CheckResult(inputs, failures)
        entries: list[dict[str, Any]] = []
        seen: dict[str, int] = {}
        for i, raw in enumerate(mailboxes):
            where = f"mailboxes[{i}]"
            if not isinstance(raw, Mapping):
                failures.append(dyn.CheckFailure(where, "must be a mailbox"))
                continue
            try:
                username = normalize_email(str(raw.get("username") or ""))
            except ValueError as exc:
                failures.append(dyn.CheckFailure(f"{where}.username", str(exc)))
                continue
            if username in seen:
                failures.append(
                    dyn.CheckFailure(
                        f"{where}.username", f"{username!r} duplicates mailboxes[{seen[username]}]"
                    )
                )
                continue
            seen[username] = i
            entries.append({"username": username, **self._check_entry(where, raw, failures)})
        if not failures:
            inputs["mailboxes"] = entries
        return dyn.CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        old = {m["username"]: m for m in olds.get("mailboxes") or []}
        new_list = news.get("mailboxes")
        if has_unknowns(new_list):
            return dyn.DiffResult(changes=True, replaces=[])
        new = {m["username"]: m for m in new_list or []}
        records = olds.get("records") or {}
        changed = (
            old != new
            or set(records) != set(new)
            or any(not r.get("active") for r in records.values())
            or bool(olds.get(DESTROY_ADOPTED)) != bool(news.get(DESTROY_ADOPTED))
        )
        return dyn.DiffResult(changes=changed, replaces=[])

    # create / update / read / delete ------------------------------------------------------
    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        rt = self._runtime()
        outs = self._reconcile(rt, props, {}, [], set())
        return dyn.CreateResult(id_=str(props["mailboxes"][0]["username"]), outs=outs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        rt = self._runtime()
        records = {u: dict(r) for u, r in (olds.get("records") or {}).items()}
        old_entries = {m["username"]: m for m in olds.get("mailboxes") or []}
        wanted = {m["username"]: m for m in news["mailboxes"]}
        adopted = set(olds.get("adopted_mailboxes") or [])
        dropped = {u: records.pop(u) for u in list(records) if u not in wanted}
        self._delete_records(rt, dropped, adopted, destroy_adopted(news))
        adopted -= set(dropped)
        for username, entry in wanted.items():
            if username in records and username in old_entries and old_entries[username] != entry:
                self._apply_changes(rt, int(records[username]["id"]), old_entries[username], entry)
        outs = self._reconcile(rt, news, records, list(olds.get("job_ids") or []), adopted)
        return dyn.UpdateResult(outs=outs)

    def _delete_records(
        self,
        rt: MailinRuntime,
        records: Mapping[str, Mapping[str, Any]],
        adopted: Iterable[str],
        destroy_adopted_too: bool,
    ) -> None:
        """Deletes each mailbox (verified by listing it again); adopted ones stay unless asked."""
        kept = sorted(u for u in records if u in set(adopted) and not destroy_adopted_too)
        for username, rec in records.items():
            if username in kept:
                continue
            mailbox_id = int(rec["id"])

            def delete(mailbox_id: int = mailbox_id) -> None:
                rt.client.delete_mailbox(mailbox_id)

            def exists(username: str = username, mailbox_id: int = mailbox_id) -> bool:
                found = self._find(rt, username)
                return found is not None and found.id == mailbox_id

            confirm_deleted(
                f"{self.kind} entry {username!r} ({mailbox_id})",
                delete,
                exists,
                settle_seconds=DELETE_SETTLE_SECONDS,
            )
        log_kept_adopted(self.kind, kept)

    def _reconcile(
        self,
        rt: MailinRuntime,
        inputs: Mapping[str, Any],
        records: dict[str, dict[str, Any]],
        job_ids: list[str],
        adopted: set[str],
    ) -> dict[str, Any]:
        entries = {m["username"]: m for m in inputs["mailboxes"]}
        deadline = Deadline.after(float(inputs.get("wait_timeout_seconds") or 0))
        for username in entries:  # adopt: a retried create never creates a mailbox twice
            if username not in records:
                found = self._find(rt, username)
                if found is not None:
                    records[username] = _record(found)
                    adopted.add(username)  # it was there before: kept on delete by default
                    entry = entries[username]  # and it takes the settings the program gives
                    self._apply_changes(rt, found.id, self._adopted_as(rt, found, entry), entry)
        missing = [entries[u] for u in entries if u not in records]
        last_error: str | None = None
        if missing:
            job_id = self._submit(rt, missing)
            job_ids.append(job_id)
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
            for entry in missing:
                found = self._find(rt, entry["username"])
                if found is not None:
                    records[entry["username"]] = _record(found)
                    self._after_create(rt, found.id, entry)
        outs = {
            "mailboxes": list(entries.values()),
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
        pending = [u for u in entries if not records.get(u, {}).get("active")]
        if pending:
            pulumi.log.warn(
                f"Mailin.ai mailboxes not active yet: {', '.join(pending)}"
                + (f" ({last_error})" if last_error else "")
            )
        return outs

    def _after_create(self, rt: MailinRuntime, mailbox_id: int, entry: Mapping[str, Any]) -> None:
        """Settings that need the mailbox to exist first (Google: signature, forwarding)."""

    def _find(self, rt: MailinRuntime, username: str) -> MailinMailbox | None:
        matches = rt.client.list_mailboxes(username, google=self.google)
        return next((m for m in matches if m.username.lower() == username), None)

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        rt = self._runtime()
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
        self._delete_records(
            self._runtime(),
            props.get("records") or {},
            props.get("adopted_mailboxes") or [],
            destroy_adopted(props),
        )


def _record(m: MailinMailbox) -> dict[str, Any]:
    return {"id": m.id, "domain_id": m.domain_id, "name": m.name, "active": m.active}


class SmtpMailboxesProvider(_MailboxesProvider):
    google = False

    def _check_entry(
        self, where: str, raw: Mapping[str, Any], failures: list[dyn.CheckFailure]
    ) -> dict[str, Any]:
        entry: dict[str, Any] = {"name": _check_name(f"{where}.name", raw.get("name"), failures)}
        password = raw.get("password")
        if password is not None:
            low, high = MAILBOX_PASSWORD_LENGTH
            if not isinstance(password, str) or not low <= len(password) <= high:
                length = len(password) if isinstance(password, str) else 0
                failures.append(
                    dyn.CheckFailure(
                        f"{where}.password",
                        f"must be {low} to {high} characters (it is {length})",
                    )
                )
            entry["password"] = password
        return entry

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
        if old.get("name") != new.get("name"):
            rt.client.update_mailbox_name(mailbox_id, str(new["name"]))
        if new.get("password") and old.get("password") != new.get("password"):
            rt.client.update_mailbox_password(mailbox_id, str(new["password"]))

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

    def _check_entry(
        self, where: str, raw: Mapping[str, Any], failures: list[dyn.CheckFailure]
    ) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "first_name": _check_name(f"{where}.first_name", raw.get("first_name"), failures),
            "last_name": _check_name(f"{where}.last_name", raw.get("last_name"), failures),
            "signature": raw.get("signature") or None,
            "forwarding_email": None,
        }
        forwarding = raw.get("forwarding_email")
        if forwarding:
            try:
                entry["forwarding_email"] = normalize_email(str(forwarding))
            except ValueError as exc:
                failures.append(dyn.CheckFailure(f"{where}.forwarding_email", str(exc)))
        return entry

    def _submit(self, rt: MailinRuntime, entries: Sequence[Mapping[str, Any]]) -> str:
        return rt.client.create_google_mailboxes(
            [
                NewGoogleMailbox(
                    username=e["username"], first_name=e["first_name"], last_name=e["last_name"]
                )
                for e in entries
            ]
        )

    def _after_create(self, rt: MailinRuntime, mailbox_id: int, entry: Mapping[str, Any]) -> None:
        self._apply_changes(
            rt, mailbox_id, {**entry, "signature": None, "forwarding_email": None}, entry
        )

    def _apply_changes(
        self, rt: MailinRuntime, mailbox_id: int, old: Mapping[str, Any], new: Mapping[str, Any]
    ) -> None:
        if (old.get("first_name"), old.get("last_name")) != (
            new.get("first_name"),
            new.get("last_name"),
        ):
            rt.client.update_mailbox_name(mailbox_id, f"{new['first_name']} {new['last_name']}")
        if old.get("signature") != new.get("signature"):
            if new.get("signature"):
                rt.client.add_signature(mailbox_id, str(new["signature"]))
            else:
                rt.client.delete_signature(mailbox_id)
        before, after = old.get("forwarding_email"), new.get("forwarding_email")
        if before != after:
            if after and before:
                rt.client.update_forwarding(mailbox_id, str(after))
            elif after:
                rt.client.setup_forwarding(mailbox_id, str(after))
            else:
                rt.client.remove_forwarding(mailbox_id)

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


def _secret_passwords(mailboxes: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Passwords become secret in the program, so the state never holds them in plaintext."""
    out: list[dict[str, Any]] = []
    for m in mailboxes:
        entry = dict(m)
        if entry.get("password") is not None:
            entry["password"] = pulumi.Output.secret(entry["password"])
        out.append(entry)
    return out


class SmtpMailboxArgs:
    def __init__(
        self,
        username: pulumi.Input[str],
        name: pulumi.Input[str],
        password: pulumi.Input[str] | None = None,
    ) -> None:
        """`username` is the full address; `password` 8-24 characters, generated when absent."""
        self.username, self.name, self.password = username, name, password

    def to_input(self) -> dict[str, Any]:
        return {"username": self.username, "name": self.name, "password": self.password}


class GoogleMailboxArgs:
    def __init__(
        self,
        username: pulumi.Input[str],
        first_name: pulumi.Input[str],
        last_name: pulumi.Input[str],
        signature: pulumi.Input[str] | None = None,
        forwarding_email: pulumi.Input[str] | None = None,
    ) -> None:
        self.username, self.first_name, self.last_name = username, first_name, last_name
        self.signature, self.forwarding_email = signature, forwarding_email

    def to_input(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "signature": self.signature,
            "forwarding_email": self.forwarding_email,
        }


class SmtpMailboxes(dyn.Resource, module="mailin", name="SmtpMailboxes"):
    """SMTP mailboxes. `passwords` (address -> password, given or generated) is secret.

    :param mailboxes: the mailboxes, keyed by address; names and passwords change in place.
    :param wait_timeout_seconds: bound of the wait on the mailbox job (default 900).
    :param destroy_adopted: delete, on destroy (or when removed from `mailboxes`), addresses
        this resource adopted (ones the account had before) as well; default False: they stay.
    """

    mailbox_ids: pulumi.Output[dict[str, int]]
    active: pulumi.Output[dict[str, bool]]
    passwords: pulumi.Output[dict[str, str]]
    adopted_mailboxes: pulumi.Output[list[str]]
    """Addresses the account had before the create: kept on delete unless destroy_adopted."""

    def __init__(
        self,
        resource_name: str,
        mailboxes: Sequence[SmtpMailboxArgs],
        wait_timeout_seconds: pulumi.Input[int] | None = None,
        opts: pulumi.ResourceOptions | None = None,
        *,
        destroy_adopted: pulumi.Input[bool] = False,
    ) -> None:
        props = {
            "mailboxes": _secret_passwords([m.to_input() for m in mailboxes]),
            "wait_timeout_seconds": wait_timeout_seconds,
            DESTROY_ADOPTED: destroy_adopted,
            "adopted_mailboxes": None,
            "records": None,
            "mailbox_ids": None,
            "active": None,
            "passwords": None,
            "job_ids": None,
            "last_error": None,
        }
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(additional_secret_outputs=["passwords"])
        )
        super().__init__(SmtpMailboxesProvider(), resource_name, props, opts)


class GoogleMailboxes(dyn.Resource, module="mailin", name="GoogleMailboxes"):
    """Google Workspace mailboxes. `credentials` (password, app password, TOTP secret) is secret.

    :param mailboxes: the mailboxes, keyed by address; names, signature and forwarding change
        in place.
    :param wait_timeout_seconds: bound of the wait on the mailbox job (default 900).
    :param destroy_adopted: delete, on destroy (or when removed from `mailboxes`), addresses
        this resource adopted (ones the account had before) as well; default False: they stay.
    """

    mailbox_ids: pulumi.Output[dict[str, int]]
    active: pulumi.Output[dict[str, bool]]
    credentials: pulumi.Output[dict[str, dict[str, str | None]]]
    adopted_mailboxes: pulumi.Output[list[str]]
    """Addresses the account had before the create: kept on delete unless destroy_adopted."""

    def __init__(
        self,
        resource_name: str,
        mailboxes: Sequence[GoogleMailboxArgs],
        wait_timeout_seconds: pulumi.Input[int] | None = None,
        opts: pulumi.ResourceOptions | None = None,
        *,
        destroy_adopted: pulumi.Input[bool] = False,
    ) -> None:
        props = {
            "mailboxes": [m.to_input() for m in mailboxes],
            "wait_timeout_seconds": wait_timeout_seconds,
            DESTROY_ADOPTED: destroy_adopted,
            "adopted_mailboxes": None,
            "records": None,
            "mailbox_ids": None,
            "active": None,
            "credentials": None,
            "job_ids": None,
            "last_error": None,
        }
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(additional_secret_outputs=["credentials"])
        )
        super().__init__(GoogleMailboxesProvider(), resource_name, props, opts)

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
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any, ClassVar

import pulumi
import pulumi.dynamic as dyn
from pydantic import AfterValidator, BeforeValidator, StringConstraints, ValidationError
from pydantic_core import PydanticCustomError

from ..core.errors import InboxedError
from ..core.lifecycle import (
    DESTROY_ADOPTED,
    destroy_adopted,
)
from ..core.provider_base import ConfiguredProvider, has_unknowns
from ..core.reconcile import plan_entries
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
from .endpoints import MAILBOX_PASSWORD_LENGTH
from .endpoints import MAX_SIGNATURE_LENGTH as MAX_SIGNATURE_LENGTH
from .forwarding import MailAddress, normalize_email
from .mailbox_collection import (
    MailboxHoldings,
    apply_changes,
    delete_mailboxes,
    raise_if_failed,
    read_mailboxes,
    reconcile_mailboxes,
)
from .mailbox_domains import domain_failures
from .models import MailinMailbox, NewGoogleMailbox, NewSmtpMailbox
from .runtime import (
    MailinRuntime,
    runtime_for,
)

DEFAULT_WAIT_TIMEOUT_SECONDS = 900
MAX_WAIT_TIMEOUT_SECONDS = 86_400  # our bound: a day
MAX_NAME_LENGTH = 100
DELETE_SETTLE_SECONDS = 10.0
IN_PROGRAM = "domains_in_program"
"""Set by the program: the addresses' domains a `Domains` resource of it declares in the
resource's account (`program_domains.declared_in`). check() reads it and drops it."""

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
        return domain_failures(
            lambda: self._runtime(inputs), self.google, olds, inputs, declared or []
        )

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
        holdings = MailboxHoldings()
        outs = reconcile_mailboxes(self, rt, props, holdings)
        ident = str(props["mailboxes"][0]["username"])
        raise_if_failed(self.kind, outs, holdings.failed, ident)
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
        plan = plan_entries(old_entries, wanted, done=list(records))
        dropped = {u: records.pop(u) for u in list(records) if u in plan.remove}
        still_there = delete_mailboxes(
            self, rt, dropped, adopted, destroy_adopted(news), DELETE_SETTLE_SECONDS
        )
        for username, error in still_there.items():  # kept: the next update deletes it again
            records[username] = dropped[username]
            failed[username] = f"not deleted: {error}"
        adopted -= set(dropped) - set(still_there)
        changed = {u: c.entry for u, c in plan.change.items() if u in old_entries}
        applied = apply_changes(self, rt, changed, old_entries, records, failed)
        job_ids = list(olds.get("job_ids") or [])
        holdings = MailboxHoldings(records, job_ids, adopted, applied, failed)
        outs = reconcile_mailboxes(self, rt, news, holdings)
        raise_if_failed(self.kind, outs, failed, id_)
        return dyn.UpdateResult(outs=outs)

    def _created_as(self, entry: Mapping[str, Any]) -> dict[str, Any]:
        """The settings a create request gives (before `_after_create`)."""
        return dict(entry)

    def _after_create(self, rt: MailinRuntime, mailbox_id: int, entry: Mapping[str, Any]) -> None:
        """Settings that need the mailbox to exist first (Google: signature, forwarding)."""

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        rt = self._runtime(props)
        records, entries = read_mailboxes(self, rt, props)
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
        still_there = delete_mailboxes(
            self,
            self._runtime(props),
            props.get("records") or {},
            props.get("adopted_mailboxes") or [],
            destroy_adopted(props),
            DELETE_SETTLE_SECONDS,
        )
        if len(still_there) == 1:
            raise next(iter(still_there.values()))
        if still_there:
            raise InboxedError(
                f"{self.kind}: {len(still_there)} mailbox(es) not deleted: "
                + "; ".join(f"{u}: {e}" for u, e in still_there.items())
            )


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

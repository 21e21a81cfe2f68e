"""`mailin.AzureOrder`: a Microsoft (Azure) mailbox order on one domain.

- Auto mode: Mailin.ai generates 100 mailboxes from `full_names`. Manual mode: exactly 100
  mailboxes, each address on the order's domain; preview names the count or the first offending
  entry. Purchase (the domain must end in .com .co .biz .ca) or transfer.
- Create places the order (or adopts the account's order for that domain, never ordering twice)
  and waits, bounded by `wait_timeout_seconds`, for the order to be ready and its nameservers
  generated. Outputs: `status`, `nameservers`, `mailboxes` (passwords secret), and the inbox
  provider's `upload_status` summary, which `pulumi refresh` updates.
- The inbox provider is set and removed in place through its endpoints; the master (redirect)
  domain is set or changed in place. Mailin.ai has no way to remove a master domain (the page's
  one endpoint takes a domain): removing it from the program warns and records it in
  `master_domain_left`, and the order keeps forwarding there until it is changed in Mailin.ai.
  Changing `reupload_trigger` triggers a re-upload. Any other change replaces the order.
- Delete removes the order and its domain, and reads the order list back to confirm it. An order
  the create adopted (the account held an order for the domain before the create placed one:
  one ordered by hand, or by a create that was interrupted) is left in the account unless
  `destroy_adopted=True`; the output `adopted` says which.

Safe retry (`core.safe_write.write_once`): every write here is a POST, which the HTTP layer does
not send twice after a failure that may have acted (5xx, read timeout, dropped connection).
- The order (a purchase: one order per domain): after such a failure the account's order list is
  read back; an order for the domain there is the one this create placed (the create looked
  first, and there was none), recorded as made, not adopted. Not there: sent again.
- Setting the inbox provider, removing it, setting the master domain: each sets a value, and is
  confirmed the same way (the order list shows `provider_id`, and `forward_to` where the API
  gives it); where the list cannot tell, sending the same value again is harmless.
- The re-upload: the list cannot tell whether a trigger took effect; a second trigger restarts
  the same upload of the same mailboxes (nothing is bought or made twice), so it is sent again.
- The delete (the page's GET) and every read are retried by the HTTP layer.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Self

import pulumi.dynamic as dyn
from pydantic import (
    AfterValidator,
    BeforeValidator,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..core import intents
from ..core.domains import normalize_domain
from ..core.errors import InboxedError, NotFoundError, UnprocessableError, WaitTimeoutError
from ..core.lifecycle import warn
from ..core.provider_base import Failures, Props, has_unknowns
from ..core.resource_spec import ResourceSpec
from ..core.safe_write import write_once
from ..core.schema import (
    DomainInputs,
    DomainName,
    EmailAddress,
    InputObject,
    ResourceOutputs,
    WholeNumber,
    arg,
    changed_inputs,
    field_path,
    input_defaults,
    out,
    replaced_by,
)
from ..core.single_object import SingleObjectProvider
from . import endpoints as ep
from .client import MailinClient
from .microsoft_models import AzureNameservers, AzureOrderInfo
from .purchasable import purchase_problem
from .runtime import MailinRuntime, runtime_for

DEFAULT_WAIT_TIMEOUT_SECONDS = 1800
MAX_WAIT_TIMEOUT_SECONDS = 86400  # our bound: a day; `pulumi refresh` brings a later status
MAX_ID = 2**53  # ids are JSON numbers
DELETE_SETTLE_SECONDS = 10.0  # how long a deleted order may still be listed
READY = "ready"
STATE_KEYS = ("adopted", "master_domain_left")  # outputs kept from one operation to the next


class AzureMailboxMode(StrEnum):
    """How an Azure order's mailboxes are named."""

    AUTO = "auto"
    """Mailin.ai generates 100 mailboxes from `full_names`."""
    MANUAL = "manual"
    """The program lists exactly 100 mailboxes on the order's domain."""


def _mailbox_address(value: str) -> str:
    """Mailbox providers, Mailin.ai among them, treat the local part case-insensitively; the
    domain in A-labels, as the order's `domain`."""
    local, _, domain = value.rpartition("@")
    return f"{local.lower()}@{normalize_domain(domain)}"


def _blank_is_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
MailboxAddress = Annotated[EmailAddress, AfterValidator(_mailbox_address)]


class AzureMailboxInput(InputObject):
    """One mailbox of a manual Azure order."""

    name: Text = arg(description="the mailbox's display name")
    email: MailboxAddress = arg(description="the mailbox's address, on the order's domain")


class AzureOrderInputs(DomainInputs):
    SUMMARY: ClassVar[str] = """
    A Mailin.ai Microsoft (Azure) mailbox order on one domain: auto mode (Mailin.ai generates 100
    mailboxes from `full_names`) or manual mode (exactly 100 mailboxes on the order's domain,
    checked at preview), purchase (.com .co .biz .ca) or transfer (`is_purchase=False`). Create
    places the order, or adopts the account's order for the domain (never ordering twice), and
    waits, bounded by `wait_timeout_seconds`, for it to be ready and its nameservers generated.
    The inbox provider and the master domain change in place (Mailin.ai cannot remove a master
    domain: removing it warns and records it in `master_domain_left`); changing
    `reupload_trigger` re-uploads the mailboxes; any other change replaces the order. Delete
    removes the order and its domain, verified; an adopted order stays unless
    `destroy_adopted=True`.
    """
    EXAMPLE: ClassVar[str] = """
    import pulumi
    from pulumi_inboxed.mailin import AzureMailboxArgs, AzureOrder, InboxProvider

    smartlead = InboxProvider("smartlead", name="SmartLead", provider="smartlead",
                              api_key=pulumi.Config().require_secret("smartleadKey"),
                              oauth_url="https://smartlead.example.com/oauth")
    order = AzureOrder(
        "azure",
        domain="acme-azure.com",
        mailbox_mode="manual",
        mailboxes=[AzureMailboxArgs(f"User {i}", f"user{i}@acme-azure.com") for i in range(100)],
        inbox_provider_id=smartlead.provider_id,
        wait_timeout_seconds=1800,
    )
    pulumi.export("nameservers", order.nameservers)
    """

    domain: DomainName = arg(description="the order's domain", replace=True)
    mailbox_mode: AzureMailboxMode = arg(
        description="auto (names generated from full_names) or manual (exactly 100 mailboxes)",
        replace=True,
        strict=False,
    )
    full_names: list[Text] | None = arg(
        None,
        description="auto mode: the full names Mailin.ai generates mailboxes from",
        replace=True,
    )
    mailboxes: list[AzureMailboxInput] | None = arg(
        None,
        description=f"manual mode: exactly {ep.AZURE_MANUAL_MAILBOXES} mailboxes on the domain",
        replace=True,
    )
    is_purchase: bool = arg(
        True,
        description="True: buy the domain (.com .co .biz .ca); False: transfer it",
        replace=True,
    )
    inbox_provider_id: WholeNumber | None = arg(
        None, description="the inbox provider the mailboxes are uploaded to", ge=1, le=MAX_ID
    )
    domain_registrar_id: WholeNumber | None = arg(
        None, description="the registrar account the domain is at", replace=True, ge=1, le=MAX_ID
    )
    master_domain: Annotated[DomainName | None, BeforeValidator(_blank_is_none)] = arg(
        None, description="the master (redirect) domain the order forwards to"
    )
    reupload_trigger: str | None = arg(
        None, description="change it to re-upload the mailboxes to the inbox provider"
    )
    wait_timeout_seconds: WholeNumber = arg(
        DEFAULT_WAIT_TIMEOUT_SECONDS,
        description=(
            "how long create waits for the order to be ready and its nameservers generated "
            f"(at most {MAX_WAIT_TIMEOUT_SECONDS}); a late order is recorded with a warning"
        ),
        ge=0,
        le=MAX_WAIT_TIMEOUT_SECONDS,
    )

    @model_validator(mode="after")
    def _order_rules(self) -> Self:
        errors: list[Any] = [
            {"type": PydanticCustomError("order", reason), "loc": loc, "input": value}
            for loc, reason, value in _order_rules(self.model_dump(mode="json"))
        ]
        if errors:
            raise ValidationError.from_exception_data("AzureOrderInputs", errors)
        return self


class AzureOrderOutputs(ResourceOutputs):
    order_id: int | None = out(description="the order's id in Mailin.ai")
    status: str | None = out(description="the order's status (ready once its mailboxes exist)")
    nameservers: list[str] | None = out(
        description="the nameservers to set at the registrar (once the order is ready)"
    )
    order_mailboxes: list[dict[str, Any]] | None = out(
        description="the order's mailboxes, with their passwords", secret=True
    )
    upload_status: dict[str, int] | None = out(
        description=(
            "the upload to the inbox provider: total, uploaded, already_exists_other_account, "
            "pending, failed (None while no inbox provider is set); refresh updates it"
        )
    )
    adopted: bool | None = out(
        description=(
            "True when the account held an order for the domain before the create placed one "
            "(destroy then leaves it unless destroy_adopted)"
        )
    )
    master_domain_left: str | None = out(
        description="a master domain removed from the program, which Mailin.ai still forwards to"
    )


Rule = tuple[tuple[str | int, ...], str, Any]


def _order_rules(values: Mapping[str, Any]) -> list[Rule]:
    """The rules across inputs, on normalized values: (location, reason, value) per failure.
    Waits while one of the inputs they read is not known yet."""
    keys = ("domain", "mailbox_mode", "full_names", "mailboxes", "is_purchase")
    if has_unknowns([values.get(k) for k in keys]):
        return []
    failures: list[Rule] = []
    domain = str(values["domain"])
    if values.get("is_purchase", True) and purchase_problem(domain) is not None:
        reason = (
            f"'{domain}' cannot be bought: give <name>.com, .co, .biz or .ca "
            "(or is_purchase=False to transfer)"
        )
        failures.append((("domain",), reason, domain))
    names, mailboxes = values.get("full_names"), values.get("mailboxes")
    if values.get("mailbox_mode") == AzureMailboxMode.AUTO.value:
        if not names:
            failures.append((("full_names",), "auto mode needs at least one full name", names))
        if mailboxes:
            failures.append((("mailboxes",), "is for manual mode only", mailboxes))
        return failures
    if names:
        failures.append((("full_names",), "is for auto mode only", names))
    if mailboxes is None:
        reason = f"manual mode needs a list of {ep.AZURE_MANUAL_MAILBOXES} mailboxes"
        return [*failures, (("mailboxes",), reason, mailboxes)]
    if len(mailboxes) != ep.AZURE_MANUAL_MAILBOXES:
        reason = (
            f"has {len(mailboxes)} mailboxes; manual mode needs exactly {ep.AZURE_MANUAL_MAILBOXES}"
        )
        return [*failures, (("mailboxes",), reason, mailboxes)]
    seen: set[str] = set()
    for index, entry in enumerate(mailboxes):
        email = str(entry["email"])
        if email.rsplit("@", 1)[1] != domain:
            failures.append((("mailboxes", index, "email"), f"is not on {domain}", email))
        elif email in seen:
            failures.append((("mailboxes", index, "email"), "appears twice", email))
        seen.add(email)
    return failures


class AzureOrderProvider(SingleObjectProvider):
    what = "Mailin.ai Azure order"
    settle_seconds = DELETE_SETTLE_SECONDS

    def _runtime(self, props: Mapping[str, Any]) -> MailinRuntime:
        """The runtime of the resource's account (its inputs, or its outputs after create)."""
        return runtime_for(self.config, props.get("account"))

    def _client(self, props: Mapping[str, Any]) -> MailinClient:
        return self._runtime(props).client

    def check_further(self, olds: Props, news: Props, inputs: Props, so_far: Failures) -> Failures:
        """While another input is not known yet (an inbox provider's id), the rules across the
        order's own inputs are checked all the same (with every input known, the types do)."""
        if not has_unknowns(inputs) or any(f.property != "account" for f in so_far):
            return []
        return [dyn.CheckFailure(field_path(loc), why) for loc, why, _ in _order_rules(inputs)]

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        # wait_timeout_seconds only bounds a create's wait: changing it changes nothing.
        changed = changed_inputs(AzureOrderInputs, olds, news, ignore=("wait_timeout_seconds",))
        replaces = replaced_by(AzureOrderInputs, changed)
        return dyn.DiffResult(
            changes=bool(changed),
            replaces=replaces,
            # One order per domain: the old one must go before the same domain is ordered again.
            delete_before_replace="domain" not in replaces,
        )

    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        client = self._client(props)
        domain = str(props["domain"])
        order = client.find_azure_order(domain)  # a retried create adopts it
        # unless this resource's interrupted run placed it (`core.intents`): made, not adopted
        account = _account(props)
        adopted = order is not None and not intents.claim(
            API, account, [domain], bound_seconds=_wait_bound(props)
        )
        if order is None:
            order = self._place_order(client, domain, _order_body(props), account)
        wanted = props.get("inbox_provider_id")
        if wanted is not None and order.provider_id != int(wanted):  # an adopted order
            self._set_inbox_provider(client, order.id, int(wanted))
        if props.get("master_domain") and order.forward_to != props["master_domain"]:
            self._set_master_domain(client, order.id, str(props["master_domain"]))
        ns = self._wait_ready(order.id, props)
        state = {**props, "adopted": adopted, "master_domain_left": None}
        return dyn.CreateResult(id_=str(order.id), outs=_outputs(client, order.id, state, ns))

    def _place_order(
        self, client: MailinClient, domain: str, body: Mapping[str, Any], account: str | None
    ) -> AzureOrderInfo:
        """Places the order, once: the answer carries no id, so the order is read from the list;
        after a transient failure, an order for the domain in the list is this create's."""

        def send() -> AzureOrderInfo:
            client.add_azure_order(body)
            placed = client.find_azure_order(domain)
            if placed is None:
                raise InboxedError(
                    f"Mailin.ai accepted the Azure order for {domain!r} but lists none"
                )
            return placed

        return write_once(
            f"Mailin.ai Azure order for {domain}",
            send,
            lambda: client.find_azure_order(domain),
            policy=self.write_policy,
            intent=intents.Intent(API, account, (domain,), "Azure order", "ordered"),
        )

    # the writes that set a value (`set_once`: after a transient failure, the order list says
    # whether it is set, and it is sent again only when it is not) -------------------------
    def _set_inbox_provider(self, client: MailinClient, order_id: int, provider_id: int) -> None:
        self.set_once(
            f"Mailin.ai Azure order {order_id}: set inbox provider {provider_id}",
            lambda: client.set_azure_inbox_provider(order_id, provider_id),
            lambda: _order_shows(client, order_id, provider_id=provider_id),
        )

    def _remove_inbox_provider(self, client: MailinClient, order_id: int) -> None:
        def send() -> None:
            with contextlib.suppress(UnprocessableError):  # none set: nothing to remove
                client.remove_azure_inbox_provider(order_id)

        self.set_once(
            f"Mailin.ai Azure order {order_id}: remove inbox provider",
            send,
            lambda: _order_shows(client, order_id, provider_id=None),
        )

    def _set_master_domain(self, client: MailinClient, order_id: int, domain: str) -> None:
        """Where the list does not show `forward_to`, setting it again is harmless."""
        self.set_once(
            f"Mailin.ai Azure order {order_id}: set master domain {domain}",
            lambda: client.set_azure_master_domain(order_id, domain),
            lambda: _order_shows(client, order_id, forward_to=domain),
        )

    def _trigger_reupload(self, client: MailinClient, order_id: int) -> None:
        """Nothing the API shows tells whether a lost trigger took effect; a second one restarts
        the same upload (nothing bought or made twice): sent again."""
        self.set_once(
            f"Mailin.ai Azure order {order_id}: re-upload",
            lambda: client.trigger_azure_reupload(order_id),
            lambda: False,
        )

    def _wait_ready(self, order_id: int, inputs: Mapping[str, Any]) -> AzureNameservers:
        """Waits (bounded by wait_timeout_seconds) for "ready" and the nameservers; on timeout
        warns and returns what it saw: the resource is recorded, refresh brings the rest."""
        timeout = float(inputs.get("wait_timeout_seconds") or 0)
        poller = self._runtime(inputs).azure_orders
        try:
            return poller.wait(
                order_id,
                lambda ns: ns.status == READY and bool(ns.nameservers),
                timeout,
                describe=lambda ns: ns.status if ns else "no answer yet",
            )
        except WaitTimeoutError:
            ns = self._client(inputs).get_azure_nameservers(order_id)
            warn(
                f"Azure order {order_id} for {inputs['domain']} is {ns.status!r}, not ready "
                f"within wait_timeout_seconds ({timeout:g} s); `pulumi refresh` brings its "
                "status and nameservers later."
            )
            return ns

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        client = self._client(olds)
        order_id = int(id_)
        if olds.get("inbox_provider_id") != news.get("inbox_provider_id"):
            if news.get("inbox_provider_id") is None:
                self._remove_inbox_provider(client, order_id)
            else:
                self._set_inbox_provider(client, order_id, int(news["inbox_provider_id"]))
        left = olds.get("master_domain_left")
        if olds.get("master_domain") != news.get("master_domain"):
            if news.get("master_domain"):
                self._set_master_domain(client, order_id, str(news["master_domain"]))
                left = None
            else:
                left = olds.get("master_domain") or left
                warn(
                    f"Azure order {order_id} ({news.get('domain')}): Mailin.ai has no way to "
                    f"remove a master domain, so the order still forwards to {left!r}; "
                    "set another master_domain, or change it in Mailin.ai."
                )
        trigger = news.get("reupload_trigger")
        if olds.get("reupload_trigger") != trigger and trigger not in (None, ""):
            self._trigger_reupload(client, order_id)
        ns = client.get_azure_nameservers(order_id)
        state = {**news, "adopted": olds.get("adopted") is True, "master_domain_left": left}
        return dyn.UpdateResult(outs=_outputs(client, order_id, state, ns))

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        client = self._client(props)
        order_id = int(id_)
        try:
            ns = client.get_azure_nameservers(order_id)
        except NotFoundError:
            return dyn.ReadResult(id_="", outs={})
        order = client.get_azure_order(order_id)
        if order is None:
            return dyn.ReadResult(id_="", outs={})
        known = {k: v for k, v in props.items() if v is not None}
        inputs = {**input_defaults(AzureOrderInputs), **known}
        inputs.setdefault("domain", order.domain)  # `get` reads an order by id alone
        inputs.setdefault("mailbox_mode", order.mailbox_mode)
        inputs["inbox_provider_id"] = order.provider_id  # drift: set or removed elsewhere
        # Only when the API shows it; a master domain the program removed (and the API cannot)
        # is not drift.
        left = props.get("master_domain_left")
        if "forward_to" in order.model_fields_set and not (
            props.get("master_domain") is None and left and order.forward_to == left
        ):
            inputs["master_domain"] = order.forward_to
            if order.forward_to != left:
                inputs["master_domain_left"] = None
        return dyn.ReadResult(id_=id_, outs=_outputs(client, order_id, inputs, ns))

    # delete (`SingleObjectProvider.delete`: verified, an adopted order kept) ----------------
    def object_name(self, id_: str, props: Props) -> str:
        return f"{props.get('domain')} (order {int(id_)})"

    def remove_object(self, id_: str, props: Props) -> None:
        self._client(props).delete_azure_order(int(id_))

    def object_exists(self, id_: str, props: Props) -> bool:
        return self._client(props).get_azure_order(int(id_)) is not None


_UNSET: Any = object()


def _order_shows(
    client: MailinClient, order_id: int, *, provider_id: Any = _UNSET, forward_to: Any = _UNSET
) -> bool:
    """The order list shows the order with this inbox provider (None: none) or this master
    domain; False where it does not show the order, or does not show `forward_to` at all."""
    order = client.get_azure_order(order_id)
    if order is None:
        return False
    if provider_id is not _UNSET and order.provider_id != provider_id:
        return False
    if forward_to is not _UNSET:
        return "forward_to" in order.model_fields_set and order.forward_to == forward_to
    return True


API = "Mailin.ai"


def _account(props: Mapping[str, Any]) -> str | None:
    account = props.get("account")
    return account if isinstance(account, str) and account else None


def _wait_bound(props: Mapping[str, Any]) -> float | None:
    value = props.get("wait_timeout_seconds")
    return float(value) if isinstance(value, int | float) else None


def _order_body(props: Mapping[str, Any]) -> dict[str, Any]:
    """The add-order request of the inputs."""
    body: dict[str, Any] = {
        "mailbox_mode": props["mailbox_mode"],
        "domain": str(props["domain"]),
        "is_purchase": 1 if props.get("is_purchase") else 0,
    }
    if props["mailbox_mode"] == "auto":
        body["full_name"] = list(props["full_names"])
    else:
        body["mailboxes"] = [{"name": m["name"], "email": m["email"]} for m in props["mailboxes"]]
    if props.get("inbox_provider_id") is not None:
        body["provider_id"] = int(props["inbox_provider_id"])
    if props.get("domain_registrar_id") is not None:
        body["domain_registrar_id"] = int(props["domain_registrar_id"])
    return body


def _outputs(
    client: MailinClient, order_id: int, inputs: Mapping[str, Any], ns: AzureNameservers
) -> dict[str, Any]:
    """The outputs: inputs echoed, status, nameservers, mailboxes (secret) and upload summary
    (None while no inbox provider is set)."""
    status = client.get_azure_order_status(order_id)
    mailboxes = [m.model_dump() for m in client.get_azure_mailboxes(order_id)]
    upload: dict[str, int] | None = None
    if inputs.get("inbox_provider_id") is not None:
        try:
            upload = client.get_azure_upload_status(order_id).model_dump()
        except UnprocessableError:  # Mailin.ai: no inbox provider set (yet)
            upload = None
    echoed = {k: inputs.get(k) for k in (*AzureOrderInputs.input_names(), *STATE_KEYS)}
    if echoed.get("account") is None:  # recorded only when set (a stack from before it)
        echoed.pop("account", None)
    return {
        **echoed,
        "order_id": order_id,
        "status": status,
        "nameservers": list(ns.nameservers) if ns.status == READY else [],
        "order_mailboxes": mailboxes,
        "upload_status": upload,
    }


SPEC = ResourceSpec(
    module="mailin",
    name="AzureOrder",
    inputs=AzureOrderInputs,
    outputs=AzureOrderOutputs,
    provider=AzureOrderProvider,
    id_doc="its order id",
)

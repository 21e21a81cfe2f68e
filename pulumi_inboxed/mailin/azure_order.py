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
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi.dynamic as dyn

from ..core.domains import DomainNameError, normalize_domain
from ..core.errors import InboxedError, NotFoundError, UnprocessableError, WaitTimeoutError
from ..core.lifecycle import DESTROY_ADOPTED, confirm_deleted, destroy_adopted, keep_if_adopted
from ..core.provider_base import ConfiguredProvider, as_whole_number, has_unknowns, is_unknown
from . import endpoints as ep
from .client import MailinClient
from .forwarding import normalize_email
from .microsoft_models import AzureNameservers
from .runtime import runtime_for

DEFAULT_WAIT_TIMEOUT_SECONDS = 1800
DELETE_SETTLE_SECONDS = 10.0  # how long a deleted order may still be listed
READY = "ready"
REPLACE_KEYS = (
    "domain",
    "mailbox_mode",
    "full_names",
    "mailboxes",
    "is_purchase",
    "domain_registrar_id",
)
IN_PLACE_KEYS = ("inbox_provider_id", "master_domain", "reupload_trigger")
STATE_KEYS = ("adopted", "master_domain_left")  # outputs kept from one operation to the next


class AzureOrderProvider(ConfiguredProvider):
    def _client(self) -> MailinClient:
        return runtime_for(self.config).client

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> dyn.CheckResult:
        inputs = dict(news)
        failures: list[dyn.CheckFailure] = []
        timeout = news.get("wait_timeout_seconds")
        if timeout is None:
            inputs["wait_timeout_seconds"] = DEFAULT_WAIT_TIMEOUT_SECONDS
        elif not is_unknown(timeout) and (
            isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout < 0
        ):
            failures.append(
                dyn.CheckFailure("wait_timeout_seconds", "must be a number of seconds, 0 or more")
            )
        inputs["is_purchase"] = bool(news.get("is_purchase", True))
        flag = news.get(DESTROY_ADOPTED)
        inputs[DESTROY_ADOPTED] = flag if is_unknown(flag) else flag is True
        for key in ("inbox_provider_id", "domain_registrar_id"):
            value = news.get(key)
            if value is None or is_unknown(value):
                continue
            number = as_whole_number(value)
            if number is None:
                failures.append(dyn.CheckFailure(key, f"{value!r} is not an id"))
            else:
                inputs[key] = number
        master = news.get("master_domain")
        if isinstance(master, str) and master.strip():
            try:
                inputs["master_domain"] = normalize_domain(master)
            except DomainNameError as exc:
                failures.append(dyn.CheckFailure("master_domain", f"{exc.domain!r} {exc.reason}"))
        elif isinstance(master, str):
            inputs["master_domain"] = None
        if has_unknowns([news.get("domain"), news.get("mailboxes"), news.get("full_names")]):
            return dyn.CheckResult(inputs, failures)
        try:
            domain = normalize_domain(str(news.get("domain") or ""))
            inputs["domain"] = domain
        except DomainNameError as exc:
            failures.append(dyn.CheckFailure("domain", f"{exc.domain!r} {exc.reason}"))
            return dyn.CheckResult(inputs, failures)
        tld = domain.rsplit(".", 1)[1]
        if inputs["is_purchase"] and (tld not in ep.PURCHASABLE_TLDS or domain.count(".") != 1):
            failures.append(
                dyn.CheckFailure(
                    "domain",
                    f"'{domain}' cannot be bought: give <name>.com, .co, .biz or .ca "
                    "(or is_purchase=False to transfer)",
                )
            )
        mode = news.get("mailbox_mode")
        if mode == "auto":
            names = news.get("full_names")
            if (
                not isinstance(names, list)
                or not names
                or not all(isinstance(n, str) and n.strip() for n in names)
            ):
                failures.append(
                    dyn.CheckFailure("full_names", "auto mode needs at least one full name")
                )
            else:
                inputs["full_names"] = [n.strip() for n in names]
            if news.get("mailboxes"):
                failures.append(dyn.CheckFailure("mailboxes", "is for manual mode only"))
        elif mode == "manual":
            failures += _check_manual(domain, news.get("mailboxes"), inputs)
            if news.get("full_names"):
                failures.append(dyn.CheckFailure("full_names", "is for auto mode only"))
        else:
            failures.append(dyn.CheckFailure("mailbox_mode", f"{mode!r} is not auto or manual"))
        return dyn.CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        replaces = [k for k in REPLACE_KEYS if olds.get(k) != news.get(k)]
        in_place = [k for k in IN_PLACE_KEYS if olds.get(k) != news.get(k)]
        if is_unknown(news.get(DESTROY_ADOPTED)) or destroy_adopted(olds) != destroy_adopted(news):
            in_place.append(DESTROY_ADOPTED)  # state only: no API call
        return dyn.DiffResult(
            changes=bool(replaces or in_place),
            replaces=replaces,
            # One order per domain: the old one must go before the same domain is ordered again.
            delete_before_replace="domain" not in replaces,
        )

    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        client = self._client()
        domain = str(props["domain"])
        order = client.find_azure_order(domain)  # a retried create adopts it
        adopted = order is not None
        if order is None:
            body: dict[str, Any] = {
                "mailbox_mode": props["mailbox_mode"],
                "domain": domain,
                "is_purchase": 1 if props.get("is_purchase") else 0,
            }
            if props["mailbox_mode"] == "auto":
                body["full_name"] = list(props["full_names"])
            else:
                body["mailboxes"] = [
                    {"name": m["name"], "email": m["email"]} for m in props["mailboxes"]
                ]
            if props.get("inbox_provider_id") is not None:
                body["provider_id"] = int(props["inbox_provider_id"])
            if props.get("domain_registrar_id") is not None:
                body["domain_registrar_id"] = int(props["domain_registrar_id"])
            client.add_azure_order(body)
            order = client.find_azure_order(domain)
        if order is None:
            raise InboxedError(f"Mailin.ai accepted the Azure order for {domain!r} but lists none")
        wanted = props.get("inbox_provider_id")
        if wanted is not None and order.provider_id != int(wanted):  # an adopted order
            client.set_azure_inbox_provider(order.id, int(wanted))
        if props.get("master_domain"):
            client.set_azure_master_domain(order.id, str(props["master_domain"]))
        ns = self._wait_ready(order.id, props)
        state = {**props, "adopted": adopted, "master_domain_left": None}
        return dyn.CreateResult(id_=str(order.id), outs=_outputs(client, order.id, state, ns))

    def _wait_ready(self, order_id: int, inputs: Mapping[str, Any]) -> AzureNameservers:
        """Waits (bounded by wait_timeout_seconds) for "ready" and the nameservers; on timeout
        warns and returns what it saw: the resource is recorded, refresh brings the rest."""
        timeout = float(inputs.get("wait_timeout_seconds") or 0)
        poller = runtime_for(self.config).azure_orders
        try:
            return poller.wait(
                order_id,
                lambda ns: ns.status == READY and bool(ns.nameservers),
                timeout,
                describe=lambda ns: ns.status if ns else "no answer yet",
            )
        except WaitTimeoutError:
            ns = self._client().get_azure_nameservers(order_id)
            pulumi.log.warn(
                f"Azure order {order_id} for {inputs['domain']} is {ns.status!r}, not ready "
                f"within wait_timeout_seconds ({timeout:g} s); `pulumi refresh` brings its "
                "status and nameservers later."
            )
            return ns

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        client = self._client()
        order_id = int(id_)
        if olds.get("inbox_provider_id") != news.get("inbox_provider_id"):
            if news.get("inbox_provider_id") is None:
                with contextlib.suppress(UnprocessableError):  # none set: nothing to remove
                    client.remove_azure_inbox_provider(order_id)
            else:
                client.set_azure_inbox_provider(order_id, int(news["inbox_provider_id"]))
        left = olds.get("master_domain_left")
        if olds.get("master_domain") != news.get("master_domain"):
            if news.get("master_domain"):
                client.set_azure_master_domain(order_id, str(news["master_domain"]))
                left = None
            else:
                left = olds.get("master_domain") or left
                pulumi.log.warn(
                    f"Azure order {order_id} ({news.get('domain')}): Mailin.ai has no way to "
                    f"remove a master domain, so the order still forwards to {left!r}; "
                    "set another master_domain, or change it in Mailin.ai."
                )
        trigger = news.get("reupload_trigger")
        if olds.get("reupload_trigger") != trigger and trigger not in (None, ""):
            client.trigger_azure_reupload(order_id)
        ns = client.get_azure_nameservers(order_id)
        state = {**news, "adopted": olds.get("adopted") is True, "master_domain_left": left}
        return dyn.UpdateResult(outs=_outputs(client, order_id, state, ns))

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        client = self._client()
        order_id = int(id_)
        try:
            ns = client.get_azure_nameservers(order_id)
        except NotFoundError:
            return dyn.ReadResult(id_="", outs={})
        order = client.get_azure_order(order_id)
        if order is None:
            return dyn.ReadResult(id_="", outs={})
        inputs = dict(props)
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

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        order_id = int(id_)
        name = f"{props.get('domain')} (order {order_id})"
        if keep_if_adopted(props, "Mailin.ai Azure order", name):
            return
        client = self._client()
        confirm_deleted(
            f"Mailin.ai Azure order {name}",
            lambda: client.delete_azure_order(order_id),
            lambda: client.get_azure_order(order_id) is not None,
            settle_seconds=DELETE_SETTLE_SECONDS,
        )


def _check_manual(domain: str, mailboxes: Any, inputs: dict[str, Any]) -> list[dyn.CheckFailure]:
    if not isinstance(mailboxes, list):
        return [dyn.CheckFailure("mailboxes", "manual mode needs a list of 100 mailboxes")]
    if len(mailboxes) != ep.AZURE_MANUAL_MAILBOXES:
        return [
            dyn.CheckFailure(
                "mailboxes",
                f"has {len(mailboxes)} mailboxes; manual mode needs exactly "
                f"{ep.AZURE_MANUAL_MAILBOXES}",
            )
        ]
    normalized: list[dict[str, str]] = []
    seen: set[str] = set()
    for i, entry in enumerate(mailboxes):
        where = f"mailboxes[{i}]"
        if not isinstance(entry, Mapping) or not str(entry.get("name") or "").strip():
            return [dyn.CheckFailure(f"{where}.name", "is required")]
        try:
            email = normalize_email(str(entry.get("email") or ""))
        except ValueError as exc:
            return [dyn.CheckFailure(f"{where}.email", str(exc))]
        if email.rsplit("@", 1)[1] != domain:
            return [dyn.CheckFailure(f"{where}.email", f"{email!r} is not on {domain}")]
        if email in seen:
            return [dyn.CheckFailure(f"{where}.email", f"{email!r} appears twice")]
        seen.add(email)
        normalized.append({"name": str(entry["name"]).strip(), "email": email})
    inputs["mailboxes"] = normalized
    return []


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
    keys = (*REPLACE_KEYS, *IN_PLACE_KEYS, *STATE_KEYS, DESTROY_ADOPTED, "wait_timeout_seconds")
    return {
        **{k: inputs.get(k) for k in keys},
        "order_id": order_id,
        "status": status,
        "nameservers": list(ns.nameservers) if ns.status == READY else [],
        "order_mailboxes": mailboxes,
        "upload_status": upload,
    }


class AzureMailboxArgs:
    def __init__(self, name: str, email: str) -> None:
        self.name, self.email = name, email


class AzureOrder(dyn.Resource, module="mailin", name="AzureOrder"):
    """A Mailin.ai Microsoft order; `order_mailboxes` (with passwords) is secret."""

    order_id: pulumi.Output[int]
    status: pulumi.Output[str]
    nameservers: pulumi.Output[list[str]]
    order_mailboxes: pulumi.Output[list[dict[str, Any]]]
    upload_status: pulumi.Output[dict[str, int] | None]
    adopted: pulumi.Output[bool]
    master_domain_left: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        domain: pulumi.Input[str],
        mailbox_mode: str,
        full_names: list[str] | None = None,
        mailboxes: list[AzureMailboxArgs] | None = None,
        is_purchase: bool = True,
        inbox_provider_id: pulumi.Input[int] | None = None,
        domain_registrar_id: pulumi.Input[int] | None = None,
        master_domain: pulumi.Input[str] | None = None,
        reupload_trigger: pulumi.Input[str] | None = None,
        wait_timeout_seconds: int | None = None,
        opts: pulumi.ResourceOptions | None = None,
        destroy_adopted: pulumi.Input[bool] = False,
    ) -> None:
        """
        :param destroy_adopted: delete, on destroy, an order this resource adopted (the account
            held an order for the domain before the create placed one) as well as one it
            placed; default False: an adopted order, and its domain, stay in the account.
        """
        props = {
            "domain": domain,
            "mailbox_mode": mailbox_mode,
            "full_names": full_names,
            "mailboxes": [{"name": m.name, "email": m.email} for m in mailboxes or []] or None,
            "is_purchase": is_purchase,
            "inbox_provider_id": inbox_provider_id,
            "domain_registrar_id": domain_registrar_id,
            "master_domain": master_domain,
            "reupload_trigger": reupload_trigger,
            "wait_timeout_seconds": wait_timeout_seconds,
            DESTROY_ADOPTED: destroy_adopted,
            "order_id": None,
            "status": None,
            "nameservers": None,
            "order_mailboxes": None,
            "upload_status": None,
            "adopted": None,
            "master_domain_left": None,
        }
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(additional_secret_outputs=["order_mailboxes"])
        )
        super().__init__(AzureOrderProvider(), resource_name, props, opts)

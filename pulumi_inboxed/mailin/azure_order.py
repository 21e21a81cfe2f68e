"""`mailin.AzureOrder`: a Microsoft (Azure) mailbox order on one domain.

- Auto mode: Mailin.ai generates 100 mailboxes from `full_names`. Manual mode: exactly 100
  mailboxes, each address on the order's domain; preview names the count or the first offending
  entry. Purchase (the domain must end in .com .co .biz .ca) or transfer.
- Create places the order (or adopts the account's order for that domain, never ordering twice)
  and waits, bounded by `wait_timeout_seconds`, for the order to be ready and its nameservers
  generated. Outputs: `status`, `nameservers`, `mailboxes` (passwords secret), and the inbox
  provider's `upload_status` summary, which `pulumi refresh` updates.
- The master (redirect) domain and the inbox provider are set and removed in place through their
  endpoints; changing `reupload_trigger` triggers a re-upload. Any other change replaces the order.
- Delete removes the order and its domain.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi.dynamic as dyn

from ..core.domains import DomainNameError, normalize_domain
from ..core.errors import InboxedError, NotFoundError, UnprocessableError, WaitTimeoutError
from ..core.provider_base import ConfiguredProvider, as_whole_number, has_unknowns, is_unknown
from . import endpoints as ep
from .client import MailinClient
from .forwarding import normalize_email
from .microsoft_models import AzureNameservers
from .runtime import runtime_for

DEFAULT_WAIT_TIMEOUT_SECONDS = 1800
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
        return dyn.CreateResult(id_=str(order.id), outs=_outputs(client, order.id, props, ns))

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
        if olds.get("master_domain") != news.get("master_domain"):
            if news.get("master_domain"):
                client.set_azure_master_domain(order_id, str(news["master_domain"]))
            else:
                client.remove_azure_master_domain(order_id)
        trigger = news.get("reupload_trigger")
        if olds.get("reupload_trigger") != trigger and trigger not in (None, ""):
            client.trigger_azure_reupload(order_id)
        ns = client.get_azure_nameservers(order_id)
        return dyn.UpdateResult(outs=_outputs(client, order_id, news, ns))

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
        if "forward_to" in order.model_fields_set:  # only when the API shows it
            inputs["master_domain"] = order.forward_to
        return dyn.ReadResult(id_=id_, outs=_outputs(client, order_id, inputs, ns))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        with contextlib.suppress(NotFoundError):
            self._client().delete_azure_order(int(id_))


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
    keys = (*REPLACE_KEYS, *IN_PLACE_KEYS, "wait_timeout_seconds")
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
    ) -> None:
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
            "order_id": None,
            "status": None,
            "nameservers": None,
            "order_mailboxes": None,
            "upload_status": None,
        }
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(additional_secret_outputs=["order_mailboxes"])
        )
        super().__init__(AzureOrderProvider(), resource_name, props, opts)

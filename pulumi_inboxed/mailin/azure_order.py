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
import time
from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi.dynamic as dyn

from ..core.domains import DomainNameError, normalize_domain
from ..core.errors import InboxedError, NotFoundError
from ..core.polling import Deadline
from ..core.provider_base import ConfiguredProvider, as_whole_number, has_unknowns
from . import endpoints as ep
from .client import MailinClient
from .forwarding import normalize_email
from .runtime import runtime_for

DEFAULT_WAIT_TIMEOUT_SECONDS = 1800
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
        if news.get("wait_timeout_seconds") is None:
            inputs["wait_timeout_seconds"] = DEFAULT_WAIT_TIMEOUT_SECONDS
        inputs["is_purchase"] = bool(news.get("is_purchase", True))
        if has_unknowns([news.get("domain"), news.get("mailboxes"), news.get("full_names")]):
            return dyn.CheckResult(inputs, failures)
        try:
            domain = normalize_domain(str(news.get("domain") or ""))
            inputs["domain"] = domain
        except DomainNameError as exc:
            failures.append(dyn.CheckFailure("domain", f"{exc.domain!r} {exc.reason}"))
            return dyn.CheckResult(inputs, failures)
        tld = domain.rsplit(".", 1)[1]
        if inputs["is_purchase"] and tld not in ep.PURCHASABLE_TLDS:
            failures.append(
                dyn.CheckFailure(
                    "domain", f"'{domain}': .{tld} cannot be bought (.com .co .biz .ca)"
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
        elif mode == "manual":
            failures += _check_manual(domain, news.get("mailboxes"), inputs)
        else:
            failures.append(dyn.CheckFailure("mailbox_mode", f"{mode!r} is not auto or manual"))
        for key in ("inbox_provider_id", "domain_registrar_id"):
            value = news.get(key)
            if value is not None and as_whole_number(value) is None:
                failures.append(dyn.CheckFailure(key, "must be an id"))
            elif value is not None:
                inputs[key] = as_whole_number(value)
        return dyn.CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        replaces = [k for k in REPLACE_KEYS if olds.get(k) != news.get(k)]
        in_place = [k for k in IN_PLACE_KEYS if olds.get(k) != news.get(k)]
        return dyn.DiffResult(changes=bool(replaces or in_place), replaces=replaces)

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
        if props.get("master_domain"):
            client.set_azure_master_domain(order.id, str(props["master_domain"]))
        outs = self._settle(client, order.id, props, wait=True)
        return dyn.CreateResult(id_=str(order.id), outs=outs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        client = self._client()
        order_id = int(id_)
        if olds.get("inbox_provider_id") != news.get("inbox_provider_id"):
            if news.get("inbox_provider_id") is None:
                client.remove_azure_inbox_provider(order_id)
            else:
                client.set_azure_inbox_provider(order_id, int(news["inbox_provider_id"]))
        if olds.get("master_domain") != news.get("master_domain"):
            # The page has no "remove master domain": an empty one is our way to clear it.
            client.set_azure_master_domain(order_id, str(news.get("master_domain") or ""))
        if olds.get("reupload_trigger") != news.get("reupload_trigger"):
            client.trigger_azure_reupload(order_id)
        return dyn.UpdateResult(outs=self._settle(client, order_id, news, wait=False))

    def _settle(
        self, client: MailinClient, order_id: int, inputs: Mapping[str, Any], *, wait: bool
    ) -> dict[str, Any]:
        deadline = Deadline.after(float(inputs.get("wait_timeout_seconds") or 0) if wait else 0)
        interval = runtime_for(self.config).poll_interval
        status = client.get_azure_order_status(order_id)
        ns = client.get_azure_nameservers(order_id)
        while (status != "ready" or not ns.nameservers) and not deadline.expired():
            time.sleep(min(interval, deadline.remaining()))
            status = client.get_azure_order_status(order_id)
            ns = client.get_azure_nameservers(order_id)
        if wait and status != "ready":
            pulumi.log.warn(
                f"Azure order {order_id} for {inputs['domain']} is {status!r}, not ready within "
                "wait_timeout_seconds; `pulumi refresh` brings its status later."
            )
        return _outputs(client, order_id, inputs, status, ns.nameservers)

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        client = self._client()
        try:
            status = client.get_azure_order_status(int(id_))
            ns = client.get_azure_nameservers(int(id_))
        except NotFoundError:
            return dyn.ReadResult(id_="", outs={})
        return dyn.ReadResult(
            id_=id_, outs=_outputs(client, int(id_), props, status, ns.nameservers)
        )

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
    client: MailinClient,
    order_id: int,
    inputs: Mapping[str, Any],
    status: str,
    nameservers: list[str],
) -> dict[str, Any]:
    try:
        mailboxes = [m.model_dump() for m in client.get_azure_mailboxes(order_id)]
    except InboxedError:
        mailboxes = []
    try:
        upload = client.get_azure_upload_status(order_id).model_dump()
    except InboxedError:
        upload = None
    keys = (*REPLACE_KEYS, *IN_PLACE_KEYS, "wait_timeout_seconds")
    return {
        **{k: inputs.get(k) for k in keys},
        "order_id": order_id,
        "status": status,
        "nameservers": nameservers,
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

"""`mailin.DomainForwarding` and `mailin.EmailForwarding`: set, change, remove.

Both are keyed by the domain id (a change of domain replaces); the target changes in place;
delete removes the forwarding. Refresh reads the target back from the domain.
"""

from __future__ import annotations

import contextlib
from typing import Any

import pulumi
import pulumi.dynamic as dyn

from ..core.domains import DomainNameError, normalize_domain
from ..core.errors import NotFoundError
from ..core.provider_base import ConfiguredProvider, as_whole_number, is_unknown
from .client import MailinClient
from .models import MailinDomain
from .runtime import runtime_for


class _ForwardingProvider(ConfiguredProvider):
    """What both kinds share; subclasses say how to set, remove and read the target."""

    target_label = "forward_to"

    def _client(self) -> MailinClient:
        return runtime_for(self.config).client

    def _set(self, client: MailinClient, domain_id: int, target: str) -> None:
        raise NotImplementedError

    def _remove(self, client: MailinClient, domain_id: int) -> None:
        raise NotImplementedError

    def _current(self, domain: MailinDomain) -> str | None:
        raise NotImplementedError

    def _normalize(self, target: str) -> str:
        raise NotImplementedError

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> dyn.CheckResult:
        inputs = dict(news)
        failures: list[dyn.CheckFailure] = []
        domain_id = news.get("domain_id")
        if not is_unknown(domain_id):
            number = as_whole_number(domain_id)
            if number is None:
                failures.append(dyn.CheckFailure("domain_id", "must be a Mailin.ai domain id"))
            else:
                inputs["domain_id"] = number
        target = news.get("forward_to")
        if not is_unknown(target):
            try:
                inputs["forward_to"] = self._normalize(str(target or ""))
            except ValueError as exc:
                failures.append(dyn.CheckFailure("forward_to", str(exc)))
        return dyn.CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        replaces = ["domain_id"] if olds.get("domain_id") != news.get("domain_id") else []
        changed = replaces or olds.get("forward_to") != news.get("forward_to")
        return dyn.DiffResult(changes=bool(changed), replaces=replaces)

    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        domain_id = int(props["domain_id"])
        self._set(self._client(), domain_id, str(props["forward_to"]))
        return dyn.CreateResult(id_=str(domain_id), outs={**props, "domain_id": domain_id})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        domain_id = int(news["domain_id"])
        self._set(self._client(), domain_id, str(news["forward_to"]))
        return dyn.UpdateResult(outs={**news, "domain_id": domain_id})

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        try:
            domain = self._client().get_domain(int(id_))
        except NotFoundError:
            return dyn.ReadResult(id_="", outs={})
        current = self._current(domain)
        if current is None:
            return dyn.ReadResult(id_="", outs={})  # removed outside Pulumi
        outs = {"domain_id": int(id_), "forward_to": current}
        return dyn.ReadResult(id_=id_, outs=outs, inputs=dict(outs))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        with contextlib.suppress(NotFoundError):
            self._remove(self._client(), int(id_))


class DomainForwardingProvider(_ForwardingProvider):
    def _set(self, client: MailinClient, domain_id: int, target: str) -> None:
        client.forward_domain(domain_id, target)

    def _remove(self, client: MailinClient, domain_id: int) -> None:
        client.remove_domain_forwarding(domain_id)

    def _current(self, domain: MailinDomain) -> str | None:
        return domain.forward_to

    def _normalize(self, target: str) -> str:
        try:
            return normalize_domain(target)
        except DomainNameError as exc:
            raise ValueError(f"{exc.domain!r} {exc.reason}") from None


class EmailForwardingProvider(_ForwardingProvider):
    def _set(self, client: MailinClient, domain_id: int, target: str) -> None:
        client.forward_email(domain_id, target)

    def _remove(self, client: MailinClient, domain_id: int) -> None:
        client.remove_email_forwarding(domain_id)

    def _current(self, domain: MailinDomain) -> str | None:
        return domain.email_forward_to

    def _normalize(self, target: str) -> str:
        return normalize_email(target)


def normalize_email(address: str) -> str:
    local, at, domain = address.strip().rpartition("@")
    if not at or not local or any(c.isspace() for c in local):
        raise ValueError(f"{address!r} is not an email address")
    try:  # mailbox providers, Mailin.ai among them, treat the local part case-insensitively
        return f"{local.lower()}@{normalize_domain(domain)}"
    except DomainNameError as exc:
        raise ValueError(f"{address!r}: its domain {exc.reason}") from None


class DomainForwarding(dyn.Resource, module="mailin", name="DomainForwarding"):
    """Forwards a Mailin.ai domain to another domain."""

    domain_id: pulumi.Output[int]
    forward_to: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        domain_id: pulumi.Input[int],
        forward_to: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {"domain_id": domain_id, "forward_to": forward_to}
        super().__init__(DomainForwardingProvider(), resource_name, props, opts)


class EmailForwarding(dyn.Resource, module="mailin", name="EmailForwarding"):
    """Forwards the email of a Mailin.ai domain to an address."""

    domain_id: pulumi.Output[int]
    forward_to: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        domain_id: pulumi.Input[int],
        forward_to: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {"domain_id": domain_id, "forward_to": forward_to}
        super().__init__(EmailForwardingProvider(), resource_name, props, opts)

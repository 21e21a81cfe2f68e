"""`mailin.Subdomain`: `<subdomain>.<domain>` under an active Mailin.ai domain.

Any change replaces it (the API has no update); delete removes the subdomain's domain entry.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

import pulumi
import pulumi.dynamic as dyn

from ..core.domains import DomainNameError, normalize_domain
from ..core.errors import InboxedError, NotFoundError
from ..core.provider_base import ConfiguredProvider, is_unknown
from .runtime import MailinRuntime, runtime_for

LABEL_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


class SubdomainProvider(ConfiguredProvider):
    def _runtime(self) -> MailinRuntime:
        return runtime_for(self.config)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> dyn.CheckResult:
        inputs = dict(news)
        failures: list[dyn.CheckFailure] = []
        sub = news.get("subdomain")
        if not is_unknown(sub):
            label = str(sub or "").strip().lower()
            if not LABEL_RE.match(label):
                failures.append(
                    dyn.CheckFailure(
                        "subdomain", f"{sub!r} is not one DNS label (a-z, 0-9, '-', 1-63)"
                    )
                )
            inputs["subdomain"] = label
        domain = news.get("domain")
        if not is_unknown(domain):
            try:
                inputs["domain"] = normalize_domain(str(domain or ""))
            except DomainNameError as exc:
                failures.append(dyn.CheckFailure("domain", f"{exc.domain!r} {exc.reason}"))
        return dyn.CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        replaces = [k for k in ("subdomain", "domain") if olds.get(k) != news.get(k)]
        return dyn.DiffResult(changes=bool(replaces), replaces=replaces)

    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        client = self._runtime().client
        fqdn = f"{props['subdomain']}.{props['domain']}"
        existing = client.find_domain(fqdn)
        if existing is None:
            client.add_subdomain(str(props["subdomain"]), str(props["domain"]))
            existing = client.find_domain(fqdn)
        if existing is None:
            raise InboxedError(f"Mailin.ai accepted subdomain {fqdn!r} but does not list it")
        outs = {**props, "fqdn": fqdn, "domain_id": existing.id, "active": existing.active}
        return dyn.CreateResult(id_=str(existing.id), outs=outs)

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        try:
            domain = self._runtime().client.get_domain(int(id_))
        except NotFoundError:
            return dyn.ReadResult(id_="", outs={})
        return dyn.ReadResult(
            id_=id_, outs={**props, "domain_id": domain.id, "active": domain.active}
        )

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        with contextlib.suppress(NotFoundError):
            self._runtime().client.delete_domain(int(id_))


class Subdomain(dyn.Resource, module="mailin", name="Subdomain"):
    fqdn: pulumi.Output[str]
    domain_id: pulumi.Output[int]
    active: pulumi.Output[bool]

    def __init__(
        self,
        resource_name: str,
        subdomain: pulumi.Input[str],
        domain: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "subdomain": subdomain,
            "domain": domain,
            "fqdn": None,
            "domain_id": None,
            "active": None,
        }
        super().__init__(SubdomainProvider(), resource_name, props, opts)

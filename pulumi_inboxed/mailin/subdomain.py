"""`mailin.Subdomain`: `<subdomain>.<domain>` under an active Mailin.ai domain.

Any change of name replaces it (the API has no update). Create adopts a subdomain the account
already has (`adopted` output); delete removes the subdomain's domain entry, verified by reading
the account's domain list, and leaves an adopted one unless `destroy_adopted=True`. Refresh
drops the resource only when the account's domain lists confirm the subdomain is gone.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pulumi
import pulumi.dynamic as dyn

from ..core.domains import DomainNameError, normalize_domain
from ..core.errors import InboxedError
from ..core.lifecycle import DESTROY_ADOPTED, confirm_deleted, keep_if_adopted
from ..core.provider_base import ConfiguredProvider, is_unknown
from .forwarding import find_domain_anywhere
from .runtime import MailinRuntime, runtime_for

LABEL_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
LISTED_WITHIN_SECONDS = 30.0
"""How long create waits for an accepted subdomain to appear in the domain list."""
DELETE_SETTLE_SECONDS = 10.0


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
        flag = news.get(DESTROY_ADOPTED)
        if not is_unknown(flag):
            inputs[DESTROY_ADOPTED] = flag is True
        return dyn.CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        replaces = [k for k in ("subdomain", "domain") if olds.get(k) != news.get(k)]
        flag_changed = bool(olds.get(DESTROY_ADOPTED)) != bool(news.get(DESTROY_ADOPTED))
        return dyn.DiffResult(changes=bool(replaces) or flag_changed, replaces=replaces)

    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        client = self._runtime().client
        fqdn = f"{props['subdomain']}.{props['domain']}"
        existing = find_domain_anywhere(client, fqdn)
        adopted = existing is not None
        if existing is None:
            client.add_subdomain(str(props["subdomain"]), str(props["domain"]))
            deadline = time.monotonic() + LISTED_WITHIN_SECONDS
            while existing is None and time.monotonic() < deadline:
                existing = find_domain_anywhere(client, fqdn)
                if existing is None:
                    time.sleep(self._runtime().poll_interval)
        if existing is None:
            raise InboxedError(
                f"Mailin.ai accepted subdomain {fqdn!r} (POST /domains/add/subdomain) but does "
                f"not list it within {LISTED_WITHIN_SECONDS:g} s"
            )
        outs = {
            **props,
            DESTROY_ADOPTED: props.get(DESTROY_ADOPTED) is True,
            "fqdn": fqdn,
            "domain_id": existing.id,
            "active": existing.active,
            "adopted": adopted,
        }
        return dyn.CreateResult(id_=str(existing.id), outs=outs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        """Only `destroy_adopted` changes in place (a name change replaces)."""
        return dyn.UpdateResult(outs={**olds, DESTROY_ADOPTED: news.get(DESTROY_ADOPTED) is True})

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        fqdn = props.get("fqdn") or f"{props.get('subdomain')}.{props.get('domain')}"
        found = find_domain_anywhere(self._runtime().client, str(fqdn))
        if found is None or str(found.id) != id_:
            return dyn.ReadResult(id_="", outs={})  # the account's lists confirm it is gone
        return dyn.ReadResult(
            id_=id_, outs={**props, "domain_id": found.id, "active": found.active}
        )

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        client = self._runtime().client
        fqdn = str(props.get("fqdn") or f"{props.get('subdomain')}.{props.get('domain')}")
        if keep_if_adopted(props, "Mailin.ai subdomain", fqdn):
            return

        def exists() -> bool:
            found = find_domain_anywhere(client, fqdn)
            return found is not None and str(found.id) == id_

        confirm_deleted(
            f"Mailin.ai subdomain {fqdn!r} ({id_})",
            lambda: client.delete_domain(int(id_)),
            exists,
            settle_seconds=DELETE_SETTLE_SECONDS,
        )


class Subdomain(dyn.Resource, module="mailin", name="Subdomain"):
    """`<subdomain>.<domain>` under an active Mailin.ai domain.

    :param subdomain: one DNS label (a change replaces).
    :param domain: the parent domain, active in the account (a change replaces).
    :param destroy_adopted: delete, on destroy, a subdomain this resource adopted (one the
        account had before the create) as well; default False: an adopted subdomain stays.
    """

    fqdn: pulumi.Output[str]
    domain_id: pulumi.Output[int]
    active: pulumi.Output[bool]
    adopted: pulumi.Output[bool]
    """True when the subdomain existed before the create (it is then kept on destroy)."""

    def __init__(
        self,
        resource_name: str,
        subdomain: pulumi.Input[str],
        domain: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
        *,
        destroy_adopted: pulumi.Input[bool] = False,
    ) -> None:
        props = {
            "subdomain": subdomain,
            "domain": domain,
            DESTROY_ADOPTED: destroy_adopted,
            "fqdn": None,
            "domain_id": None,
            "active": None,
            "adopted": None,
        }
        super().__init__(SubdomainProvider(), resource_name, props, opts)

"""`mailin.Subdomain`: `<subdomain>.<domain>` under an active Mailin.ai domain.

Any change of name replaces it (the API has no update). Create adopts a subdomain the account
already has (`adopted` output), unless this resource's interrupted run recorded it was about to
create it (`core.intents`: managed as created); delete removes the subdomain's domain entry,
verified by reading the account's domain list, and leaves an adopted one unless
`destroy_adopted=True`. Refresh drops the resource only when the account's domain lists confirm the
subdomain is gone.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar

import pulumi.dynamic as dyn
from pydantic import AfterValidator

from ..core import intents
from ..core.dns_names import LABEL_RE as LABEL_RE
from ..core.dns_names import is_dns_label
from ..core.errors import InboxedError, NotFoundError
from ..core.lifecycle import DESTROY_ADOPTED
from ..core.resource_spec import Opts, Props, ResourceSpec
from ..core.schema import (
    ALLOW_MIXED_SCRIPT,
    DomainInputs,
    DomainName,
    ResourceOutputs,
    arg,
    input_defaults,
    out,
)
from ..core.single_object import SingleObjectProvider
from . import program_domains
from .forwarding import find_domain_anywhere
from .models import MailinDomain
from .runtime import API, MailinRuntime, runtime_for

LISTED_WITHIN_SECONDS = 30.0
"""How long create waits for an accepted subdomain to appear in the domain list."""
DELETE_SETTLE_SECONDS = 10.0


def _label(value: str) -> str:
    """The label as sent (trimmed, lower case), refused by the one rule
    (`core.dns_names.is_dns_label`)."""
    label = value.strip().lower()
    if not is_dns_label(label):
        raise ValueError("is not one DNS label (a-z, 0-9, '-' inside; 1 to 63 characters)")
    return label


Label = Annotated[str, AfterValidator(_label)]
"""One DNS label: a-z, 0-9 and '-' (not first or last), 1 to 63 characters."""


class SubdomainInputs(DomainInputs):
    SUMMARY: ClassVar[str] = """
    `<subdomain>.<domain>` under an active Mailin.ai domain. Any change of name replaces it (the
    API has no update). Create adopts a subdomain the account already has (`adopted`); delete
    removes it, verified by reading the account's domain lists, and leaves an adopted one unless
    `destroy_adopted=True`.
    """
    EXAMPLE: ClassVar[str] = """
    import pulumi
    from pulumi_inboxed.mailin import Domains, Subdomain

    domains = Domains("domains", domains=["acme-mail.com"])
    sales = Subdomain(
        "sales",
        subdomain="sales",
        domain="acme-mail.com",
        opts=pulumi.ResourceOptions(depends_on=[domains]),
    )
    pulumi.export("fqdn", sales.fqdn)
    """

    subdomain: Label = arg(
        description="one DNS label (a-z, 0-9, '-'; 1 to 63 characters)", replace=True
    )
    domain: DomainName = arg(description="the parent domain, active in the account", replace=True)


class SubdomainOutputs(ResourceOutputs):
    fqdn: str | None = out(description="`<subdomain>.<domain>`")
    domain_id: int | None = out(description="the subdomain's id in Mailin.ai's domain list")
    active: bool | None = out(description="whether Mailin.ai shows the subdomain active")
    adopted: bool | None = out(
        description=(
            "True when the subdomain existed before the create (it is then kept on destroy "
            "unless destroy_adopted)"
        )
    )


class SubdomainProvider(SingleObjectProvider):
    what = "Mailin.ai subdomain"
    settle_seconds = DELETE_SETTLE_SECONDS

    def _runtime(self, props: Mapping[str, Any]) -> MailinRuntime:
        """The runtime of the resource's account (its inputs, or its outputs after create)."""
        return runtime_for(self.config, props.get("account"))

    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        rt = self._runtime(props)
        client = rt.client
        fqdn = f"{props['subdomain']}.{props['domain']}"
        existing = find_domain_anywhere(client, fqdn)
        # adopted, unless this resource's interrupted run recorded it was about to create it
        # (`core.intents`): made by this stack
        adopted = existing is not None and not intents.claim(API, rt.account, [fqdn])
        if existing is None:
            # `write_once`: a subdomain found after a failed request is this run's own (made,
            # not adopted); it is sent again only when it is not there
            def send() -> MailinDomain | None:
                client.add_subdomain(str(props["subdomain"]), str(props["domain"]))
                return None  # accepted: it is looked for in the lists below

            existing = rt.write_once(
                f"POST /domains/add/subdomain for {fqdn}",
                send,
                lambda: find_domain_anywhere(client, fqdn),
                intent=rt.intent([fqdn], "subdomain", "created"),  # on disk before the create
            )
            deadline = time.monotonic() + LISTED_WITHIN_SECONDS
            while existing is None and time.monotonic() < deadline:
                existing = find_domain_anywhere(client, fqdn)
                if existing is None:
                    time.sleep(rt.poll_interval)
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
        """Only `destroy_adopted` and `allow_mixed_script` change in place (a name change
        replaces)."""
        outs = {
            **olds,
            DESTROY_ADOPTED: news.get(DESTROY_ADOPTED) is True,
            ALLOW_MIXED_SCRIPT: list(news.get(ALLOW_MIXED_SCRIPT) or []),
        }
        return dyn.UpdateResult(outs=outs)

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        client = self._runtime(props).client
        if not props.get("fqdn") and not props.get("subdomain"):
            return self._read_by_id(id_, props)  # `Subdomain.get(name, id)`: the id alone
        found = find_domain_anywhere(client, _fqdn(props))
        if found is None or str(found.id) != id_:
            return dyn.ReadResult(id_="", outs={})  # the account's lists confirm it is gone
        outs = {**input_defaults(SubdomainInputs), **props}
        return dyn.ReadResult(id_=id_, outs={**outs, "domain_id": found.id, "active": found.active})

    def _read_by_id(self, id_: str, props: Mapping[str, Any]) -> dyn.ReadResult:
        try:
            found = self._runtime(props).client.get_domain(int(id_))
        except (NotFoundError, ValueError):
            return dyn.ReadResult(id_="", outs={})
        parent = found.main_domain or found.name.split(".", 1)[-1]
        label = found.name.removesuffix(f".{parent}")
        outs = {
            **input_defaults(SubdomainInputs),
            "subdomain": label,
            "domain": parent,
            "fqdn": found.name,
            "domain_id": found.id,
            "active": found.active,
            "adopted": None,
        }
        if props.get("account") is not None:
            outs["account"] = props["account"]
        return dyn.ReadResult(id_=id_, outs=outs)

    # delete (`SingleObjectProvider.delete`: verified, an adopted subdomain kept) ------------
    def object_name(self, id_: str, props: Props) -> str:
        return f"{_fqdn(props)!r} ({id_})"

    def remove_object(self, id_: str, props: Props) -> None:
        self._runtime(props).client.delete_domain(int(id_))

    def object_exists(self, id_: str, props: Props) -> bool:
        found = find_domain_anywhere(self._runtime(props).client, _fqdn(props))
        return found is not None and str(found.id) == id_


def _fqdn(props: Mapping[str, Any]) -> str:
    return str(props.get("fqdn") or f"{props.get('subdomain')}.{props.get('domain')}")


def _same_account(name: str, props: Props, opts: Opts) -> Opts:
    """A parent domain a `Domains` resource of the program holds in another account fails the
    program, naming both (`program_domains`)."""
    program_domains.check_domains("Subdomain", name, props.get("domain"), props.get("account"))
    return opts


SPEC = ResourceSpec(
    module="mailin",
    name="Subdomain",
    inputs=SubdomainInputs,
    outputs=SubdomainOutputs,
    provider=SubdomainProvider,
    id_doc="its `domain_id`",
    before_register=_same_account,
)

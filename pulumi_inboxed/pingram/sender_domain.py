"""`pingram.SenderDomain`: a sender domain added to Pingram, with its verification status.

Create adds the domain (which starts verification) and, with `start_verification=True`, asks for
it explicitly; refresh brings the statuses (SUCCESS, PENDING, FAILED, TEMPORARY_FAILURE,
NOT_STARTED) and the mail-from status. The DKIM private key is a secret output. A change of domain
replaces; delete removes it from Pingram.
"""

from __future__ import annotations

import contextlib
from typing import Any

import pulumi
import pulumi.dynamic as dyn

from ..core.domains import DomainNameError, normalize_domain
from ..core.errors import InboxedError
from ..core.provider_base import ConfiguredProvider, is_unknown
from .client import PingramClient
from .errors import PingramNotFoundError
from .models import SenderDomain as SenderDomainInfo
from .runtime import client_for


def _outputs(props: dict[str, Any], found: SenderDomainInfo) -> dict[str, Any]:
    return {
        "domain": props["domain"],
        "start_verification": props.get("start_verification", False),
        "status": found.status.value,
        "mail_from_status": found.mail_from_domain_status,
        "verification_tokens": list(found.verification_tokens),
        "selector": found.selector,
        "private_dkim_key": found.private_dkim_key,
        "last_sync": found.last_sync,
        "created_at": found.created_at,
    }


class SenderDomainProvider(ConfiguredProvider):
    def _client(self) -> PingramClient:
        return client_for(self.config)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> dyn.CheckResult:
        inputs = dict(news)
        failures: list[dyn.CheckFailure] = []
        domain = news.get("domain")
        if not is_unknown(domain):
            raw = str(domain or "")
            if "@" in raw:
                failures.append(
                    dyn.CheckFailure("domain", f"{raw!r}: give the domain only, not an address")
                )
            else:
                try:
                    inputs["domain"] = normalize_domain(raw)
                except DomainNameError as exc:
                    failures.append(dyn.CheckFailure("domain", f"{exc.domain!r} {exc.reason}"))
        inputs["start_verification"] = bool(news.get("start_verification", False))
        return dyn.CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        replaces = ["domain"] if olds.get("domain") != news.get("domain") else []
        changed = replaces or olds.get("start_verification") != news.get("start_verification")
        return dyn.DiffResult(changes=bool(changed), replaces=replaces)

    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        client = self._client()
        sender = str(props["domain"])
        found = client.get_domain(sender)  # a retried create adopts it
        if found is None:
            added = client.add_domain(sender)
            found = next((d for d in added if d.sender == sender), None)
        if props.get("start_verification"):
            started = client.start_verification(sender)
            found = next((d for d in started if d.sender == sender), found)
        if found is None:
            raise InboxedError(f"Pingram accepted sender domain {sender!r} but does not list it")
        return dyn.CreateResult(id_=sender, outs=_outputs(props, found))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        client = self._client()
        found = client.get_domain(id_)
        if news.get("start_verification") and not olds.get("start_verification"):
            started = client.start_verification(id_)
            found = next((d for d in started if d.sender == id_), found)
        if found is None:
            raise InboxedError(f"sender domain {id_!r} is no longer in Pingram")
        return dyn.UpdateResult(outs=_outputs(news, found))

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        found = self._client().get_domain(id_)
        if found is None:
            return dyn.ReadResult(id_="", outs={})
        return dyn.ReadResult(id_=id_, outs=_outputs({**props, "domain": id_}, found))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        with contextlib.suppress(PingramNotFoundError):
            self._client().delete_domain(id_)


class SenderDomain(dyn.Resource, module="pingram", name="SenderDomain"):
    """A Pingram sender domain; `private_dkim_key` is secret."""

    status: pulumi.Output[str]
    mail_from_status: pulumi.Output[str | None]
    verification_tokens: pulumi.Output[list[str]]
    selector: pulumi.Output[str]
    private_dkim_key: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        domain: pulumi.Input[str],
        start_verification: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "domain": domain,
            "start_verification": start_verification,
            "status": None,
            "mail_from_status": None,
            "verification_tokens": None,
            "selector": None,
            "private_dkim_key": None,
            "last_sync": None,
            "created_at": None,
        }
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(additional_secret_outputs=["private_dkim_key"])
        )
        super().__init__(SenderDomainProvider(), resource_name, props, opts)

"""`pingram.SenderDomain`: a sender domain added to Pingram, with its verification status.

Create adds the domain (which starts verification) and, with `start_verification=True`, asks for
it explicitly; refresh brings the statuses (SUCCESS, PENDING, FAILED, TEMPORARY_FAILURE,
NOT_STARTED) and the mail-from status. The DKIM private key is a secret output. A change of domain
replaces.

A domain the account already held when create ran is adopted (output `adopted=True`; a retried
create cannot tell its own earlier add from someone else's, so it adopts too): delete leaves an
adopted domain in Pingram, and says so, unless `destroy_adopted=True`. Delete is verified: the
domain is read back after the delete call, and a 404 counts as gone only when the list agrees.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi.dynamic as dyn

from ..core.domains import DomainNameError, normalize_domain
from ..core.errors import InboxedError
from ..core.lifecycle import DESTROY_ADOPTED, confirm_deleted, destroy_adopted, keep_if_adopted
from ..core.provider_base import ConfiguredProvider, is_unknown
from .client import PingramClient
from .models import SenderDomain as SenderDomainInfo
from .runtime import client_for

DELETE_SETTLE_SECONDS = 10.0
"""How long a deleted sender domain may still be listed before the delete counts as failed."""


def _outputs(props: dict[str, Any], found: SenderDomainInfo, adopted: bool) -> dict[str, Any]:
    return {
        "domain": props["domain"],
        "start_verification": props.get("start_verification", False),
        DESTROY_ADOPTED: destroy_adopted(props),
        "adopted": adopted,
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
        inputs[DESTROY_ADOPTED] = destroy_adopted(news)
        return dyn.CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        replaces = ["domain"] if olds.get("domain") != news.get("domain") else []
        changed = replaces or any(
            bool(olds.get(k)) != bool(news.get(k)) for k in ("start_verification", DESTROY_ADOPTED)
        )
        return dyn.DiffResult(changes=bool(changed), replaces=replaces)

    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        client = self._client()
        sender = str(props["domain"])
        found = client.get_domain(sender)  # held already (or a retried create): adopted
        adopted = found is not None
        if found is None:
            added = client.add_domain(sender)
            found = _pick(added, sender) or client.get_domain(sender)
        if props.get("start_verification"):
            started = client.start_verification(sender)
            found = _pick(started, sender) or found
        if found is None:
            raise InboxedError(
                f"Pingram accepted sender domain {sender!r} (POST /domains) but GET /domains "
                "does not list it"
            )
        return dyn.CreateResult(id_=sender, outs=_outputs(props, found, adopted))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        client = self._client()
        found = client.get_domain(id_)
        if news.get("start_verification") and not olds.get("start_verification"):
            started = client.start_verification(id_)
            found = _pick(started, id_) or found
        if found is None:
            raise InboxedError(f"Pingram sender domain {id_!r} is no longer in GET /domains")
        return dyn.UpdateResult(outs=_outputs(news, found, olds.get("adopted") is True))

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        found = self._client().get_domain(id_)
        if found is None:
            return dyn.ReadResult(id_="", outs={})
        adopted = props.get("adopted") is True
        return dyn.ReadResult(id_=id_, outs=_outputs({**props, "domain": id_}, found, adopted))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        if keep_if_adopted(props, "Pingram sender domain", id_):
            return
        client = self._client()
        confirm_deleted(
            f"Pingram sender domain {id_!r}",
            lambda: client.delete_domain(id_),
            lambda: client.get_domain(id_) is not None,
            settle_seconds=DELETE_SETTLE_SECONDS,
        )


def _pick(domains: list[SenderDomainInfo] | None, sender: str) -> SenderDomainInfo | None:
    return next((d for d in domains or [] if d.sender == sender), None)


class SenderDomain(dyn.Resource, module="pingram", name="SenderDomain"):
    """A Pingram sender domain; `private_dkim_key` is secret."""

    domain: pulumi.Output[str]
    adopted: pulumi.Output[bool]
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
        destroy_adopted: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """A Pingram sender domain.

        :param domain: the domain (not an address); a change replaces the resource.
        :param start_verification: also ask Pingram to start verification explicitly.
        :param destroy_adopted: delete the domain on destroy even when this resource adopted it
            (the account held it before create ran); default False: an adopted domain stays in
            Pingram, and the delete says so. Output `adopted` tells which.
        """
        props = {
            "domain": domain,
            "start_verification": start_verification,
            DESTROY_ADOPTED: destroy_adopted,
            "adopted": None,
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

"""`pingram.SenderDomain`: a sender domain added to Pingram, with its verification status.

Create adds the domain (which starts verification) and, with `start_verification=True`, asks for
it explicitly; refresh brings the statuses (SUCCESS, PENDING, FAILED, TEMPORARY_FAILURE,
NOT_STARTED) and the mail-from status. The DKIM private key is a secret output. A change of domain
replaces.

A domain the account already held when create ran is adopted (output `adopted=True`). An add
that failed transiently is never simply sent again: the listing is read first, and the domain
found there is this create's own (recorded as made, not adopted); only when it is not there is the
add sent again (`core.safe_write.write_once`): delete leaves an
adopted domain in Pingram, and says so, unless `destroy_adopted=True`. Delete is verified: the
domain is read back after the delete call, and a 404 counts as gone only when the list agrees.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar

import pulumi.dynamic as dyn
from pydantic import BeforeValidator

from ..core import intents
from ..core.errors import InboxedError
from ..core.lifecycle import DESTROY_ADOPTED, destroy_adopted
from ..core.resource_spec import Props, ResourceSpec
from ..core.schema import (
    UNSET_LEFT_OUT,
    DomainInputs,
    DomainName,
    ResourceOutputs,
    arg,
    input_defaults,
    out,
)
from ..core.single_object import SingleObjectProvider
from .client import PROVIDER, PingramClient
from .models import SenderDomain as SenderDomainInfo
from .runtime import client_for

DELETE_SETTLE_SECONDS = 10.0
"""How long a deleted sender domain may still be listed before the delete counts as failed."""


def _not_an_address(value: Any) -> Any:
    if isinstance(value, str) and "@" in value:
        raise ValueError("give the domain only, not an address")
    return value


SenderName = Annotated[DomainName, BeforeValidator(_not_an_address)]


class SenderDomainInputs(DomainInputs):
    SUMMARY: ClassVar[str] = """
    A Pingram sender domain. Create adds it (which starts verification) and, with
    `start_verification=True`, asks for verification explicitly; the statuses (SUCCESS, PENDING,
    FAILED, TEMPORARY_FAILURE, NOT_STARTED) and the mail-from status are outputs that
    `pulumi refresh` brings up to date; the DKIM private key is a secret output. A domain the
    account held already is adopted (`adopted`) and stays on destroy unless
    `destroy_adopted=True`. A change of domain replaces the resource.
    """
    EXAMPLE: ClassVar[str] = """
    import pulumi
    from pulumi_inboxed.pingram import SenderDomain

    sender = SenderDomain("sender", domain="news.acme-mail.com", start_verification=True)
    pulumi.export("verification_tokens", sender.verification_tokens)
    """

    domain: SenderName = arg(
        description="the domain (not an address; IDNA names are sent in A-label form)",
        replace=True,
    )
    start_verification: bool = arg(
        False, description="also ask Pingram to start verification explicitly"
    )


class SenderDomainOutputs(ResourceOutputs):
    adopted: bool | None = out(
        description="the account held the domain before create ran; it stays on destroy "
        "unless destroy_adopted"
    )
    status: str | None = out(
        description="SUCCESS, PENDING, FAILED, TEMPORARY_FAILURE or NOT_STARTED"
    )
    mail_from_status: str | None = out(description="the mail-from domain's status")
    verification_tokens: list[str] | None = out(description="the DNS verification tokens")
    selector: str | None = out(description="the DKIM selector")
    private_dkim_key: str | None = out(description="the DKIM private key", secret=True)
    last_sync: str | None = out(description="when Pingram last checked the domain")
    created_at: str | None = out(description="when the domain was added")


def _outputs(props: dict[str, Any], found: SenderDomainInfo, adopted: bool) -> dict[str, Any]:
    given = {k: v for k, v in props.items() if v is not None}
    inputs = {**input_defaults(SenderDomainInputs), **given}
    return {
        **{
            k: inputs.get(k)
            for k in SenderDomainInputs.input_names()
            if k not in UNSET_LEFT_OUT or inputs.get(k) is not None
        },
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


def account_of(props: Mapping[str, Any]) -> str | None:
    """The account (`pingram:accounts.<name>`) the inputs or outputs name; None: default."""
    account = props.get("account")
    return account if isinstance(account, str) and account else None


class SenderDomainProvider(SingleObjectProvider):
    what = "Pingram sender domain"
    settle_seconds = DELETE_SETTLE_SECONDS

    def _client(self, props: Mapping[str, Any]) -> PingramClient:
        """The client of the account `props` (inputs or recorded outputs) name."""
        return client_for(self.config, account_of(props))

    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        client = self._client(props)
        sender = str(props["domain"])
        found = client.get_domain(sender)  # held already: adopted
        # unless this resource's interrupted run added it (`core.intents`): made, not adopted
        adopted = found is not None and not intents.claim(PROVIDER, account_of(props), [sender])
        if found is None:
            found = client.add_domain_once(sender, account=account_of(props))  # never twice
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
        client = self._client(news)  # a new account replaces: olds and news name the same one
        found = client.get_domain(id_)
        if news.get("start_verification") and not olds.get("start_verification"):
            started = client.start_verification(id_)
            found = _pick(started, id_) or found
        if found is None:
            raise InboxedError(f"Pingram sender domain {id_!r} is no longer in GET /domains")
        return dyn.UpdateResult(outs=_outputs(news, found, olds.get("adopted") is True))

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        found = self._client(props).get_domain(id_)
        if found is None:
            return dyn.ReadResult(id_="", outs={})
        adopted = props.get("adopted") is True
        return dyn.ReadResult(id_=id_, outs=_outputs({**props, "domain": id_}, found, adopted))

    # delete (`SingleObjectProvider.delete`: verified, an adopted domain kept) ---------------
    def remove_object(self, id_: str, props: Props) -> None:
        self._client(props).delete_domain(id_)

    def object_exists(self, id_: str, props: Props) -> bool:
        return self._client(props).get_domain(id_) is not None


def _pick(domains: list[SenderDomainInfo] | None, sender: str) -> SenderDomainInfo | None:
    return next((d for d in domains or [] if d.sender == sender), None)


SPEC = ResourceSpec(
    module="pingram",
    name="SenderDomain",
    inputs=SenderDomainInputs,
    outputs=SenderDomainOutputs,
    provider=SenderDomainProvider,
    id_doc="its domain name",
)

"""`mailin.DomainForwarding` and `mailin.EmailForwarding`: set, change, remove.

Both are keyed by the domain id (a change of domain replaces); the target changes in place.

- **Refresh** reads the target back from the domain. No page shows how a domain reports its
  forwarding (`forward_to` / `email_forward_to` are our reading, docs/mailin-api.md): a reply
  without the field leaves the state as it is. Only a confirmed absence removes the resource
  from the state: the domain is gone (its 404 confirmed by the account's domain lists), or the
  reply shows the field empty.
- **Adoption**: a forwarding the domain had before the create (to any target) was adopted. On
  delete it is left in place, pointing where it pointed before, unless `destroy_adopted=True`;
  but one this resource's interrupted run set on a domain without forwarding (its record in
  `core.intents`) is managed as created, and delete removes it.
- **Delete is verified**: after the removal call the domain is read back; a 404 on the removal
  counts only when the read agrees.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Final

import pulumi.dynamic as dyn
from pydantic import AfterValidator, BeforeValidator, TypeAdapter, ValidationError

from ..core import intents
from ..core.errors import NotFoundError
from ..core.lifecycle import (
    DESTROY_ADOPTED,
    DeleteNotConfirmedError,
    confirm_deleted,
    destroy_adopted,
    log_kept_adopted,
)
from ..core.resource_spec import BeforeRegister, Opts, Props, ResourceSpec
from ..core.schema import (
    DomainInputs,
    DomainName,
    EmailAddress,
    ResourceOutputs,
    WholeNumber,
    arg,
    input_defaults,
    out,
)
from ..core.single_object import SingleObjectProvider
from . import program_domains
from .client import MailinClient
from .models import MailinDomain
from .runtime import API, runtime_for

MAX_ID = 2**53 - 1
"""The largest whole number Pulumi (which sends numbers as floats) carries exactly."""


def _lower_local_part(address: str) -> str:
    """Mailbox providers, Mailin.ai among them, treat the local part case-insensitively."""
    local, _, domain = address.rpartition("@")
    return f"{local.lower()}@{domain}"


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


MailAddress = Annotated[EmailAddress, BeforeValidator(_strip), AfterValidator(_lower_local_part)]
"""An email address (`email-validator`, the mixed-script rule on its domain), local part lower
case: how forwarding targets and mailbox addresses are compared and recorded."""

_ADDRESS: TypeAdapter[str] = TypeAdapter(MailAddress)


def normalize_email(address: str) -> str:
    """`address` as `MailAddress` records it; ValueError naming the reason otherwise."""
    try:
        return _ADDRESS.validate_python(address.strip(), strict=True)
    except ValidationError as exc:
        reason = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        raise ValueError(f"{address!r} {reason}") from None


_DOMAIN: TypeAdapter[str] = TypeAdapter(DomainName)


class DomainForwardingInputs(DomainInputs):
    SUMMARY: ClassVar[str] = """
    Forwards a Mailin.ai domain to another domain. A change of domain replaces the resource;
    the target changes in place. Refresh reads the target back where the domain's reply shows
    it. A forwarding the domain had before (to any target) is adopted: on delete it is left in
    place, pointing where it pointed before, unless `destroy_adopted`.
    """
    EXAMPLE: ClassVar[str] = """
    from pulumi_inboxed.mailin import DomainForwarding, Domains

    domains = Domains("domains", domains=["acme-mail.com"])
    DomainForwarding(
        "forwarding",
        domain_id=domains.domain_ids.apply(lambda ids: ids["acme-mail.com"]),
        forward_to="acme.com",
    )
    """

    domain_id: WholeNumber = arg(
        description="the Mailin.ai id of the domain to forward", replace=True, ge=1, le=MAX_ID
    )
    forward_to: DomainName = arg(description="the domain it forwards to (changes in place)")


class EmailForwardingInputs(DomainInputs):
    SUMMARY: ClassVar[str] = """
    Forwards the email of a Mailin.ai domain to an address. A change of domain replaces the
    resource; the address changes in place. Refresh reads the address back where the domain's
    reply shows it. A forwarding the domain had before (to any address) is adopted: on delete it
    is left in place, pointing where it pointed before, unless `destroy_adopted`.
    """
    EXAMPLE: ClassVar[str] = """
    from pulumi_inboxed.mailin import EmailForwarding, Subdomain

    sales = Subdomain("sales", subdomain="sales", domain="acme-mail.com")
    EmailForwarding("email-forwarding", domain_id=sales.domain_id, forward_to="desk@acme.com")
    """

    domain_id: WholeNumber = arg(
        description="the Mailin.ai id of the domain", replace=True, ge=1, le=MAX_ID
    )
    forward_to: MailAddress = arg(
        description="the address its email goes to (changes in place; local part lower-cased)"
    )


class ForwardingOutputs(ResourceOutputs):
    adopted: bool | None = out(
        description="True when the domain already forwarded (to any target) before the create"
    )
    previous_forward_to: str | None = out(
        description="the target found at create; delete points the forwarding back to it"
    )


class _NotShown:
    """The domain's reply has no forwarding field: the target is unknown, not removed."""

    def __repr__(self) -> str:
        return "NOT_SHOWN"


NOT_SHOWN: Final = _NotShown()
DELETE_SETTLE_SECONDS = 10.0


def lookup_domain(client: MailinClient, domain_id: int) -> MailinDomain | None:
    """The account's domain `domain_id`, or None only when its absence is confirmed.

    `GET /domains/{id}` is a path no page shows: its 404 may mean a wrong path, so a 404 is
    checked against the account's domain lists (SMTP and Google), whose paths the page shows.
    """
    try:
        return client.get_domain(domain_id)
    except NotFoundError:
        pass
    for google in (False, True):
        for domain in client.list_domains(google=google):
            if domain.id == domain_id:
                return domain
    return None


def find_domain_anywhere(client: MailinClient, name: str) -> MailinDomain | None:
    """The domain called `name` in the SMTP or the Google list (both paths the page shows)."""
    return client.find_domain(name) or client.find_domain(name, google=True)


@dataclass(frozen=True)
class _ForwardingCalls:
    """The client calls that set and remove one kind's target."""

    point: Callable[[MailinClient, int, str], None]
    unpoint: Callable[[MailinClient, int], None]


class _ForwardingProvider(SingleObjectProvider):
    """What both kinds share; subclasses say how to set, remove and read the target. The diff
    is `SingleObjectProvider`'s; the delete is this kind's own: an adopted forwarding is put
    back where it pointed before the create."""

    what = "Mailin.ai forwarding"
    inputs: ClassVar[type[DomainInputs]] = DomainInputs
    field = "forward_to"
    """The domain reply's field (models.MailinDomain) that shows this kind's target."""
    calls: ClassVar[_ForwardingCalls]

    def _client(self, props: Mapping[str, Any]) -> MailinClient:
        """The client of the resource's account (its inputs, or its outputs after create)."""
        return runtime_for(self.config, props.get("account")).client

    def _point(
        self,
        props: Mapping[str, Any],
        domain_id: int,
        target: str,
        intent: intents.Intent | None = None,
    ) -> None:
        """Sets the target (a POST that sets one field: the same value twice is the same
        state). `write_once`: after a transient failure the domain is read, and the request is
        sent again only when the domain does not show the target (a reply that does not show
        forwarding at all cannot confirm it: sent again, which changes nothing more)."""
        rt = runtime_for(self.config, props.get("account"))

        def send() -> bool:
            self.calls.point(rt.client, domain_id, target)
            return True

        def find() -> bool | None:
            _found, current = self._observe(rt.client, domain_id)
            return True if current == target else None

        rt.write_once(f"{self.what} of domain {domain_id} to {target!r}", send, find, intent=intent)

    def _unpoint(self, props: Mapping[str, Any], domain_id: int) -> None:
        """Removes the target (`write_once`: after a transient failure, sent again only when
        the domain still shows a forwarding, or cannot show it); `delete` verifies it."""
        rt = runtime_for(self.config, props.get("account"))

        def send() -> bool:
            self.calls.unpoint(rt.client, domain_id)
            return True

        def find() -> bool | None:
            found, current = self._observe(rt.client, domain_id)
            return True if not found or current is None else None

        rt.write_once(f"removal of the {self.what} of domain {domain_id}", send, find)

    def _normalize(self, target: str) -> str:
        raise NotImplementedError

    def _current(self, domain: MailinDomain) -> str | _NotShown | None:
        """The target the reply shows; None when it shows none; NOT_SHOWN without the field."""
        if self.field not in domain.model_fields_set:
            return NOT_SHOWN
        value = getattr(domain, self.field)
        if not value or not str(value).strip():
            return None
        try:
            return self._normalize(str(value))
        except ValueError:
            return str(value).strip()

    def _observe(self, client: MailinClient, domain_id: int) -> tuple[bool, str | _NotShown | None]:
        """(the domain exists, its current target)."""
        domain = lookup_domain(client, domain_id)
        if domain is None:
            return False, None
        return True, self._current(domain)

    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        rt = runtime_for(self.config, props.get("account"))
        domain_id = int(props["domain_id"])
        target = str(props["forward_to"])
        _found, before = self._observe(rt.client, domain_id)
        key = f"the {self.what.removeprefix('Mailin.ai ')} of domain {domain_id} to {target}"
        # already forwarding there: adopted without a write, unless this resource's interrupted
        # run set it (`core.intents`): made by this stack, removed on delete
        mine = before == target and bool(intents.claim(API, rt.account, [key]))
        if before != target:
            # recorded over no forwarding only: a target this write replaces could not be put
            # back by the run after a crash, which then adopts it as before
            recorded = None if isinstance(before, str) else rt.intent([key], "forwarding", "set")
            self._point(props, domain_id, target, intent=recorded)
        previous = before if isinstance(before, str) and not mine else None
        outs = {
            **props,
            "domain_id": domain_id,
            DESTROY_ADOPTED: props.get(DESTROY_ADOPTED) is True,
            "adopted": previous is not None,
            "previous_forward_to": previous,
        }
        return dyn.CreateResult(id_=str(domain_id), outs=outs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        domain_id = int(news["domain_id"])
        if olds.get("forward_to") != news.get("forward_to"):
            self._point(olds, domain_id, str(news["forward_to"]))
        outs = {
            **news,
            "domain_id": domain_id,
            DESTROY_ADOPTED: news.get(DESTROY_ADOPTED) is True,
            "adopted": bool(olds.get("adopted")),
            "previous_forward_to": olds.get("previous_forward_to"),
        }
        return dyn.UpdateResult(outs=outs)

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        domain_id = int(id_)
        found, current = self._observe(self._client(props), domain_id)
        if not found or current is None:
            return dyn.ReadResult(id_="", outs={})  # confirmed: no domain, or no forwarding
        outs = {**props, "domain_id": domain_id}
        if isinstance(current, str):
            outs["forward_to"] = current
        # NOT_SHOWN: the reply says nothing about forwarding; the state stays as it was
        inputs = input_defaults(self.inputs)
        inputs.update({k: outs[k] for k in self.inputs.input_names() if outs.get(k) is not None})
        inputs[DESTROY_ADOPTED] = props.get(DESTROY_ADOPTED) is True
        return dyn.ReadResult(id_=id_, outs=outs, inputs=inputs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        client = self._client(props)
        domain_id = int(id_)
        target = props.get("forward_to")
        what = f"{self.what} of domain {domain_id} to {target!r}"
        if props.get("adopted") and not destroy_adopted(props):
            previous = props.get("previous_forward_to")
            if previous and previous != target:
                self._point(props, domain_id, str(previous))  # as it was before the create
            log_kept_adopted(self.what, [f"domain {domain_id} forwarding to {previous}"])
            return
        not_found: list[NotFoundError] = []

        def remove() -> None:
            try:
                self._unpoint(props, domain_id)
            except NotFoundError as exc:
                not_found.append(exc)
                raise

        def exists() -> bool:
            found, current = self._observe(client, domain_id)
            if not found:
                return False  # the domain is gone, and its forwarding with it
            if isinstance(current, _NotShown):
                if not_found:  # a 404 alone is no proof, and the reply cannot confirm it
                    exc = not_found[0]
                    raise DeleteNotConfirmedError(
                        f"{what}: the removal answered 404 ({exc.method} {exc.path}: "
                        f"{exc.message}) and the domain's reply does not show its forwarding, "
                        "so the removal cannot be confirmed; the removal path may be wrong for "
                        "your account (docs/mailin-api.md)"
                    )
                return False  # the removal succeeded; the reply has nothing to check against
            return current is not None

        confirm_deleted(what, remove, exists, settle_seconds=DELETE_SETTLE_SECONDS)


class DomainForwardingProvider(_ForwardingProvider):
    what = "Mailin.ai domain forwarding"
    inputs = DomainForwardingInputs
    field = "forward_to"

    calls = _ForwardingCalls(
        point=lambda client, domain_id, target: client.forward_domain(domain_id, target),
        unpoint=lambda client, domain_id: client.remove_domain_forwarding(domain_id),
    )

    def _normalize(self, target: str) -> str:
        try:
            return _DOMAIN.validate_python(target.strip(), strict=True)
        except ValidationError as exc:
            raise ValueError(f"{target!r}: {exc.errors()[0]['msg']}") from None


class EmailForwardingProvider(_ForwardingProvider):
    what = "Mailin.ai email forwarding"
    inputs = EmailForwardingInputs
    field = "email_forward_to"

    calls = _ForwardingCalls(
        point=lambda client, domain_id, target: client.forward_email(domain_id, target),
        unpoint=lambda client, domain_id: client.remove_email_forwarding(domain_id),
    )

    def _normalize(self, target: str) -> str:
        return normalize_email(target)


def _same_account(kind: str) -> BeforeRegister:
    def check(name: str, props: Props, opts: Opts) -> Opts:
        """A domain id of a `Domains` resource of the program in another account fails the
        program, naming the domain and both accounts (`program_domains`)."""
        program_domains.check_domain_id(kind, name, props.get("domain_id"), props.get("account"))
        return opts

    return check


SPECS = (
    ResourceSpec(
        module="mailin",
        name="DomainForwarding",
        inputs=DomainForwardingInputs,
        outputs=ForwardingOutputs,
        provider=DomainForwardingProvider,
        id_doc="the Mailin.ai id of its domain",
        before_register=_same_account("DomainForwarding"),
    ),
    ResourceSpec(
        module="mailin",
        name="EmailForwarding",
        inputs=EmailForwardingInputs,
        outputs=ForwardingOutputs,
        provider=EmailForwardingProvider,
        id_doc="the Mailin.ai id of its domain",
        before_register=_same_account("EmailForwarding"),
    ),
)


__all__ = [
    "SPECS",
    "DomainForwardingInputs",
    "DomainForwardingProvider",
    "EmailForwardingInputs",
    "EmailForwardingProvider",
    "MailAddress",
    "find_domain_anywhere",
    "lookup_domain",
    "normalize_email",
]

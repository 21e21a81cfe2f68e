"""`mailin.DomainForwarding` and `mailin.EmailForwarding`: set, change, remove.

Both are keyed by the domain id (a change of domain replaces); the target changes in place.

- **Refresh** reads the target back from the domain. No page shows how a domain reports its
  forwarding (`forward_to` / `email_forward_to` are our reading, docs/mailin-api.md): a reply
  without the field leaves the state as it is. Only a confirmed absence removes the resource
  from the state: the domain is gone (its 404 confirmed by the account's domain lists), or the
  reply shows the field empty.
- **Adoption**: a forwarding the domain had before the create (to any target) was adopted. On
  delete it is left in place, pointing where it pointed before, unless `destroy_adopted=True`.
- **Delete is verified**: after the removal call the domain is read back; a 404 on the removal
  counts only when the read agrees.
"""

from __future__ import annotations

from typing import Any, Final

import pulumi
import pulumi.dynamic as dyn

from ..core.domains import DomainNameError, normalize_domain
from ..core.errors import NotFoundError
from ..core.lifecycle import (
    DESTROY_ADOPTED,
    DeleteNotConfirmedError,
    confirm_deleted,
    destroy_adopted,
    log_kept_adopted,
)
from ..core.provider_base import ConfiguredProvider, as_whole_number, is_unknown
from .client import MailinClient
from .models import MailinDomain
from .runtime import runtime_for


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


class _ForwardingProvider(ConfiguredProvider):
    """What both kinds share; subclasses say how to set, remove and read the target."""

    kind = "Mailin.ai forwarding"
    field = "forward_to"
    """The domain reply's field (models.MailinDomain) that shows this kind's target."""

    def _client(self) -> MailinClient:
        return runtime_for(self.config).client

    def _set(self, client: MailinClient, domain_id: int, target: str) -> None:
        raise NotImplementedError

    def _remove(self, client: MailinClient, domain_id: int) -> None:
        raise NotImplementedError

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
        flag = news.get(DESTROY_ADOPTED)
        if not is_unknown(flag):
            inputs[DESTROY_ADOPTED] = flag is True
        return dyn.CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        replaces = ["domain_id"] if olds.get("domain_id") != news.get("domain_id") else []
        changed = (
            replaces
            or olds.get("forward_to") != news.get("forward_to")
            or bool(olds.get(DESTROY_ADOPTED)) != bool(news.get(DESTROY_ADOPTED))
        )
        return dyn.DiffResult(changes=bool(changed), replaces=replaces)

    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        client = self._client()
        domain_id = int(props["domain_id"])
        _found, before = self._observe(client, domain_id)
        self._set(client, domain_id, str(props["forward_to"]))
        previous = before if isinstance(before, str) else None
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
            self._set(self._client(), domain_id, str(news["forward_to"]))
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
        found, current = self._observe(self._client(), domain_id)
        if not found or current is None:
            return dyn.ReadResult(id_="", outs={})  # confirmed: no domain, or no forwarding
        outs = {**props, "domain_id": domain_id}
        if isinstance(current, str):
            outs["forward_to"] = current
        # NOT_SHOWN: the reply says nothing about forwarding; the state stays as it was
        inputs = {
            "domain_id": domain_id,
            "forward_to": outs.get("forward_to"),
            DESTROY_ADOPTED: props.get(DESTROY_ADOPTED) is True,
        }
        return dyn.ReadResult(id_=id_, outs=outs, inputs=inputs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        client = self._client()
        domain_id = int(id_)
        target = props.get("forward_to")
        what = f"{self.kind} of domain {domain_id} to {target!r}"
        if props.get("adopted") and not destroy_adopted(props):
            previous = props.get("previous_forward_to")
            if previous and previous != target:
                self._set(client, domain_id, str(previous))  # as it was before the create
            log_kept_adopted(self.kind, [f"domain {domain_id} forwarding to {previous}"])
            return
        not_found: list[NotFoundError] = []

        def remove() -> None:
            try:
                self._remove(client, domain_id)
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
    kind = "Mailin.ai domain forwarding"
    field = "forward_to"

    def _set(self, client: MailinClient, domain_id: int, target: str) -> None:
        client.forward_domain(domain_id, target)

    def _remove(self, client: MailinClient, domain_id: int) -> None:
        client.remove_domain_forwarding(domain_id)

    def _normalize(self, target: str) -> str:
        try:
            return normalize_domain(target)
        except DomainNameError as exc:
            raise ValueError(f"{exc.domain!r} {exc.reason}") from None


class EmailForwardingProvider(_ForwardingProvider):
    kind = "Mailin.ai email forwarding"
    field = "email_forward_to"

    def _set(self, client: MailinClient, domain_id: int, target: str) -> None:
        client.forward_email(domain_id, target)

    def _remove(self, client: MailinClient, domain_id: int) -> None:
        client.remove_email_forwarding(domain_id)

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


def _forwarding_props(
    domain_id: pulumi.Input[int], forward_to: pulumi.Input[str], destroy: pulumi.Input[bool]
) -> dict[str, Any]:
    return {
        "domain_id": domain_id,
        "forward_to": forward_to,
        DESTROY_ADOPTED: destroy,
        "adopted": None,
        "previous_forward_to": None,
    }


class DomainForwarding(dyn.Resource, module="mailin", name="DomainForwarding"):
    """Forwards a Mailin.ai domain to another domain.

    :param domain_id: the Mailin.ai id of the domain to forward (a change replaces).
    :param forward_to: the domain it forwards to (changes in place).
    :param destroy_adopted: remove, on destroy, a forwarding this resource adopted too (default
        False). A forwarding the domain had before this resource set it (to any target) counts
        as adopted: on delete it is left in place, pointing where it pointed before.
    """

    domain_id: pulumi.Output[int]
    forward_to: pulumi.Output[str]
    adopted: pulumi.Output[bool]
    """True when the domain already forwarded (to any target) before the create."""
    previous_forward_to: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        domain_id: pulumi.Input[int],
        forward_to: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
        *,
        destroy_adopted: pulumi.Input[bool] = False,
    ) -> None:
        props = _forwarding_props(domain_id, forward_to, destroy_adopted)
        super().__init__(DomainForwardingProvider(), resource_name, props, opts)


class EmailForwarding(dyn.Resource, module="mailin", name="EmailForwarding"):
    """Forwards the email of a Mailin.ai domain to an address.

    :param domain_id: the Mailin.ai id of the domain (a change replaces).
    :param forward_to: the address its email goes to (changes in place).
    :param destroy_adopted: remove, on destroy, a forwarding this resource adopted too (default
        False). A forwarding the domain had before this resource set it (to any target) counts
        as adopted: on delete it is left in place, pointing where it pointed before.
    """

    domain_id: pulumi.Output[int]
    forward_to: pulumi.Output[str]
    adopted: pulumi.Output[bool]
    """True when the domain's email already forwarded (anywhere) before the create."""
    previous_forward_to: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        domain_id: pulumi.Input[int],
        forward_to: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
        *,
        destroy_adopted: pulumi.Input[bool] = False,
    ) -> None:
        props = _forwarding_props(domain_id, forward_to, destroy_adopted)
        super().__init__(EmailForwardingProvider(), resource_name, props, opts)


__all__ = [
    "DomainForwarding",
    "EmailForwarding",
    "find_domain_anywhere",
    "lookup_domain",
    "normalize_email",
]

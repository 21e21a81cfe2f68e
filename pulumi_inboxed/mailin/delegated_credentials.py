"""`mailin.InboxProvider` and `mailin.DomainRegistrar`: credentials Mailin.ai uses on your behalf.

Created, updated in place and deleted through their endpoints. Each provider's required fields are
checked at preview (the page says "if required" without saying when: `ep.PROVIDER_REQUIRED_FIELDS`
is our reading, one line per provider to correct). API keys, secret keys and passwords are secret
inputs, so the state keeps them encrypted; they are never read back from the API (its list
answers show them in plaintext) and never appear in outputs unencrypted.

A create adopts the account's entry of the same provider and name (a retried create, or one made
by hand), setting it to the declared fields; the output `adopted` says so, and delete leaves an
adopted entry in the account unless `destroy_adopted=True`. Deletes are verified by reading the
list back.

The add (a POST) is sent through `core.safe_write.write_once`: after a transient failure (5xx, a
read timeout, a dropped connection) the account's list is read back, and an entry of the same
provider and name there is the one this create added (it looked first, and there was none):
recorded as made, not adopted. Not there: the add is sent again, never twice for one entry. The
updates (PUT) and deletes (DELETE) set or remove a value, harmless to repeat: the HTTP layer
retries them itself.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Annotated, Any, ClassVar, Self
from urllib.parse import urlparse

import pulumi.dynamic as dyn
from pydantic import AfterValidator, BaseModel, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from ..core import intents
from ..core.lifecycle import DESTROY_ADOPTED
from ..core.provider_base import Failures, Props, has_unknowns, is_unknown
from ..core.resource_spec import ResourceSpec
from ..core.safe_write import write_once
from ..core.schema import (
    ResourceInputs,
    ResourceOutputs,
    arg,
    input_defaults,
    out,
)
from ..core.single_object import SingleObjectProvider
from . import endpoints as ep
from .client import MailinClient
from .runtime import runtime_for

DELETE_SETTLE_SECONDS = 10.0  # how long a deleted entry may still be listed

# Our reading of "if required", per provider (shared with the sandbox: one line to correct each).
REQUIRED: dict[str, tuple[str, ...]] = ep.PROVIDER_REQUIRED_FIELDS


class InboxProviderKind(StrEnum):
    """The inbox providers Mailin.ai uploads mailboxes to."""

    REACHINBOX = "reachinbox"
    PLUSVIBE = "plusvibe"
    INSTANTLY = "instantly"
    MANYREACH = "manyreach"
    SMARTLEAD = "smartlead"


class RegistrarKind(StrEnum):
    """The registrars Mailin.ai manages domains at."""

    PORKBUN = "porkbun"
    NAMECHEAP = "namecheap"
    GODADDY = "godaddy"
    SPACESHIP = "spaceship"


def _non_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


def _blank_is_absent(value: str | None) -> str | None:
    """A blank credential field is absent, as the API treats it."""
    return value if value is not None and value.strip() else None


def _ip_address(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        raise ValueError("is not an IP address") from None


def _http_url(value: str | None) -> str | None:
    if value is None:
        return None
    parsed = urlparse(value.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValueError("is not an http(s) URL")
    return value.strip()


Name = Annotated[str, AfterValidator(_non_blank)]
Credential = Annotated[str | None, AfterValidator(_blank_is_absent)]
IpAddress = Annotated[str | None, AfterValidator(_blank_is_absent), AfterValidator(_ip_address)]
HttpUrl = Annotated[str | None, AfterValidator(_blank_is_absent), AfterValidator(_http_url)]

NAME_DOC = "the entry's display name in Mailin.ai (the API cannot rename: a change replaces it)"


def _missing_required(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(field, reason) for each field the provider kind needs and the inputs lack; a value not
    known yet counts as given."""
    kind = values.get("provider")
    kind = kind.value if isinstance(kind, Enum) else kind
    if not isinstance(kind, str) or kind not in REQUIRED:
        return []
    return [
        (field, f"is required for {kind}")
        for field in REQUIRED[kind]
        if not is_unknown(values.get(field)) and not values.get(field)
    ]


def _raise_missing(model: str, values: Mapping[str, Any]) -> None:
    missing = _missing_required(values)
    if missing:
        errors: list[Any] = [
            {"type": PydanticCustomError("required_for", reason), "loc": (field,), "input": None}
            for field, reason in missing
        ]
        raise ValidationError.from_exception_data(model, errors)


class InboxProviderInputs(ResourceInputs):
    SUMMARY: ClassVar[str] = """
    An inbox provider account in Mailin.ai (reachinbox, plusvibe, instantly, manyreach,
    smartlead), which Azure orders upload their mailboxes to. Preview checks each provider's
    required fields. Keys and passwords are secret and never read back from the API. Changes are
    made in place, except the name (the API cannot rename), which replaces the entry. Create adopts
    the account's entry of the same provider and name (set to the declared fields), so a retried
    create never adds it twice; an adopted entry stays on destroy unless `destroy_adopted=True`.
    """
    EXAMPLE: ClassVar[str] = """
    import pulumi
    from pulumi_inboxed.mailin import InboxProvider

    config = pulumi.Config()
    smartlead = InboxProvider(
        "smartlead",
        name="SmartLead",
        provider="smartlead",
        api_key=config.require_secret("smartleadKey"),
        oauth_url="https://smartlead.example.com/oauth",
    )
    pulumi.export("provider_id", smartlead.provider_id)
    """

    name: Name = arg(description=NAME_DOC, replace=True)
    provider: InboxProviderKind = arg(
        description="the inbox provider (reachinbox, plusvibe, instantly, manyreach, smartlead)",
        strict=False,
    )
    api_key: Credential = arg(None, description="the provider's API key", secret=True)
    oauth_url: HttpUrl = arg(None, description="an http(s) OAuth URL (smartlead needs one)")
    username: Credential = arg(None, description="the account's user name, where needed")
    password: Credential = arg(None, description="the account's password", secret=True)
    workspace_id: Credential = arg(None, description="the workspace id (plusvibe needs one)")

    @model_validator(mode="after")
    def _required_fields(self) -> Self:
        _raise_missing("InboxProviderInputs", self.__dict__)
        return self


class DomainRegistrarInputs(ResourceInputs):
    SUMMARY: ClassVar[str] = """
    A registrar account in Mailin.ai (porkbun, namecheap, godaddy, spaceship), which domain
    purchases and Azure orders use. Namecheap needs Mailin.ai's servers on its API whitelist
    (65.109.237.170 and 44.206.212.194, as the page says). Preview checks each registrar's
    required fields. Keys are secret and never read back from the API. Changes are made in place,
    except the name, which replaces the entry. Create adopts the account's entry of the same
    registrar and name; an adopted entry stays on destroy unless `destroy_adopted=True`.
    """
    EXAMPLE: ClassVar[str] = """
    import pulumi
    from pulumi_inboxed.mailin import DomainRegistrar

    config = pulumi.Config()
    porkbun = DomainRegistrar(
        "porkbun",
        name="Porkbun",
        provider="porkbun",
        api_key=config.require_secret("registrarKey"),
        secret_api_key=config.require_secret("registrarSecret"),
    )
    pulumi.export("registrar_id", porkbun.registrar_id)
    """

    name: Name = arg(description=NAME_DOC, replace=True)
    provider: RegistrarKind = arg(
        description="the registrar (porkbun, namecheap, godaddy, spaceship)", strict=False
    )
    api_key: Credential = arg(None, description="the registrar's API key", secret=True)
    secret_api_key: Credential = arg(
        None,
        description="the registrar's secret API key (porkbun, godaddy, spaceship)",
        secret=True,
    )
    api_user: Credential = arg(None, description="the API user (namecheap)")
    username: Credential = arg(None, description="the account's user name (namecheap)")
    whitelisted_ip: IpAddress = arg(
        None, description="the IP address whitelisted at the registrar (namecheap)"
    )
    customer_id: Credential = arg(None, description="the customer id (godaddy reseller accounts)")

    @model_validator(mode="after")
    def _required_fields(self) -> Self:
        _raise_missing("DomainRegistrarInputs", self.__dict__)
        return self


ADOPTED_DOC = (
    "True when create found the account's entry of this provider and name and took it over "
    "instead of adding one (destroy then leaves it unless destroy_adopted)"
)


class InboxProviderOutputs(ResourceOutputs):
    provider_id: int | None = out(description="the inbox provider's id in Mailin.ai")
    adopted: bool | None = out(description=ADOPTED_DOC)


class DomainRegistrarOutputs(ResourceOutputs):
    registrar_id: int | None = out(description="the registrar's id in Mailin.ai")
    adopted: bool | None = out(description=ADOPTED_DOC)


API = "Mailin.ai"


def _account(props: Mapping[str, Any]) -> str | None:
    account = props.get("account")
    return account if isinstance(account, str) and account else None


def _entry_key(props: Mapping[str, Any]) -> str:
    """An entry's natural key for `core.intents`: its provider and display name."""
    return f"{props.get('provider')}/{props.get('name')}"


@dataclass(frozen=True)
class _EntryCalls:
    """The client calls that add, update, delete and list one of the account's lists."""

    add: Callable[[MailinClient, Mapping[str, Any]], int]
    update: Callable[[MailinClient, int, Mapping[str, Any]], None]
    delete: Callable[[MailinClient, int], None]
    listed: Callable[[MailinClient], Sequence[BaseModel]]


class _AccountProvider(SingleObjectProvider):
    """An entry of one of the account's lists: subclasses say how to add, update, delete and
    list it (`calls`); `SingleObjectProvider` diffs and deletes it (verified)."""

    inputs: ClassVar[type[ResourceInputs]]
    label: ClassVar[str] = ""
    calls: ClassVar[_EntryCalls]
    settle_seconds = DELETE_SETTLE_SECONDS

    @classmethod
    def fields(cls) -> tuple[str, ...]:
        """The entry's fields as the API takes them (every input but destroy_adopted and the
        account, which say where and how, not what)."""
        return tuple(n for n in cls.inputs.input_names() if n not in (DESTROY_ADOPTED, "account"))

    @classmethod
    def secret_fields(cls) -> tuple[str, ...]:
        return cls.inputs.secret_inputs()

    def _client(self, props: Mapping[str, Any]) -> MailinClient:
        """The client of the resource's account (its inputs, or its outputs after create)."""
        return runtime_for(self.config, props.get("account")).client

    def _add(self, client: MailinClient, body: Mapping[str, Any]) -> int:
        return self.calls.add(client, body)

    def _update(self, client: MailinClient, id_: int, body: Mapping[str, Any]) -> None:
        self.calls.update(client, id_, body)

    def _delete(self, client: MailinClient, id_: int) -> None:
        self.calls.delete(client, id_)

    def _list(self, client: MailinClient) -> list[Mapping[str, Any]]:
        return [entry.model_dump() for entry in self.calls.listed(client)]

    def _exists(self, client: MailinClient, id_: int) -> Mapping[str, Any] | None:
        return next((a for a in self._list(client) if a.get("id") == id_), None)

    def _adoptable(self, client: MailinClient, provider: str, name: str) -> int | None:
        """The id of the account's entry of this provider and name, if there is one."""
        found = (
            a.get("id")
            for a in self._list(client)
            if a.get("provider") == provider and a.get("name") == name
        )
        return next(found, None)

    def _add_once(
        self, client: MailinClient, body: Mapping[str, Any], account: str | None = None
    ) -> int:
        """Adds the entry, once: after a transient failure, an entry of this provider and name
        in the list (read fresh) is the one this add made (the create found none before it).
        The add's intent is recorded first (`core.intents`)."""
        provider, name = str(body["provider"]), str(body["name"])
        return write_once(
            f"{self.what} add of {name!r} ({provider})",
            lambda: self._add(client, body),
            lambda: self._adoptable(client, provider, name),
            policy=self.write_policy,
            intent=intents.Intent(
                API, account, (_entry_key(body),), self.what.removeprefix("Mailin.ai "), "added"
            ),
        )

    def check_further(self, olds: Props, news: Props, inputs: Props, so_far: Failures) -> Failures:
        """While another input is not known yet, the provider's required fields are checked as
        soon as the kind is known (with every input known, the types check them)."""
        if not has_unknowns(inputs) or any(f.property != "account" for f in so_far):
            return []
        return [dyn.CheckFailure(f, r) for f, r in _missing_required(inputs)]

    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        client = self._client(props)
        fields = self.fields()
        # A retried create (or an entry made by hand) of the same provider and name is adopted
        # and set to the declared fields, never added twice.
        adopted = self._adoptable(client, str(props["provider"]), str(props["name"]))
        # unless this resource's interrupted run added it (`core.intents`): made, not adopted
        mine = adopted is not None and bool(
            intents.claim(API, _account(props), [_entry_key(props)])
        )
        if adopted is not None:
            body = {k: props.get(k) for k in fields if k != "name"}
            shown = self._exists(client, adopted) or {}
            # Already as declared (every field the API shows): adopted without a write.
            if any((shown.get(k) or None) != (v or None) for k, v in body.items() if k in shown):
                self._update(client, adopted, body)
            new_id = adopted
        else:
            body = {k: v for k, v in props.items() if k in fields and v is not None}
            new_id = self._add_once(client, body, _account(props))
        outs = {**props, f"{self.label}_id": new_id, "adopted": adopted is not None and not mine}
        return dyn.CreateResult(id_=str(new_id), outs=outs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        fields = self.fields()
        if any(olds.get(k) != news.get(k) for k in fields):
            # Every field but the name, absent ones as null so that a removed field is cleared.
            body = {k: news.get(k) for k in fields if k != "name"}
            self._update(self._client(olds), int(id_), body)
        adopted = olds.get("adopted") is True
        return dyn.UpdateResult(outs={**news, f"{self.label}_id": int(id_), "adopted": adopted})

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        found = self._exists(self._client(props), int(id_))
        if found is None:
            return dyn.ReadResult(id_="", outs={})
        # Refresh the non-secret fields only: the API shows keys in plaintext, and the state
        # keeps the (secret) values the program gave.
        secret = self.secret_fields()
        visible = {k: found.get(k) or None for k in self.fields() if k not in secret}
        known = {k: v for k, v in props.items() if v is not None}
        # A field set elsewhere is drift even when the program never set it: the next
        # `pulumi up` clears it.
        outs = {**input_defaults(self.inputs), **known, **visible}
        outs[f"{self.label}_id"] = int(id_)
        return dyn.ReadResult(id_=id_, outs=outs)

    # delete (`SingleObjectProvider.delete`: verified, an adopted entry kept) ----------------
    def object_name(self, id_: str, props: Props) -> str:
        return f"{props.get('name')!r} ({props.get('provider')}, id {id_})"

    def remove_object(self, id_: str, props: Props) -> None:
        self._delete(self._client(props), int(id_))

    def object_exists(self, id_: str, props: Props) -> bool:
        return self._exists(self._client(props), int(id_)) is not None


class InboxProviderProvider(_AccountProvider):
    inputs = InboxProviderInputs
    label = "provider"
    what = "Mailin.ai inbox provider"
    calls = _EntryCalls(
        add=lambda client, body: client.add_inbox_provider(body),
        update=lambda client, id_, body: client.update_inbox_provider(id_, body),
        delete=lambda client, id_: client.delete_inbox_provider(id_),
        listed=lambda client: client.list_inbox_providers(),
    )


class DomainRegistrarProvider(_AccountProvider):
    inputs = DomainRegistrarInputs
    label = "registrar"
    what = "Mailin.ai registrar"
    calls = _EntryCalls(
        add=lambda client, body: client.add_domain_registrar(body),
        update=lambda client, id_, body: client.update_domain_registrar(id_, body),
        delete=lambda client, id_: client.delete_domain_registrar(id_),
        listed=lambda client: client.list_domain_registrars(),
    )


SPECS = (
    ResourceSpec(
        module="mailin",
        name="InboxProvider",
        inputs=InboxProviderInputs,
        outputs=InboxProviderOutputs,
        provider=InboxProviderProvider,
        id_doc="its inbox provider id",
    ),
    ResourceSpec(
        module="mailin",
        name="DomainRegistrar",
        inputs=DomainRegistrarInputs,
        outputs=DomainRegistrarOutputs,
        provider=DomainRegistrarProvider,
        id_doc="its registrar id",
    ),
)
"""`InboxProvider` and `DomainRegistrar`."""

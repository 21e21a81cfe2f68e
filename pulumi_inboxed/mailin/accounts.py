"""`mailin.InboxProvider` and `mailin.DomainRegistrar`: credentials Mailin.ai uses on your behalf.

Created, updated in place and deleted through their endpoints. Each provider's required fields are
checked at preview (the page says "if required" without saying when: the table `REQUIRED` below is
our reading, one line per provider to correct). API keys, secret keys and passwords are made secret
in the program, so the state keeps them encrypted; they are never read back from the API (its
list answers show them in plaintext) and never appear in outputs unencrypted.

A create adopts the account's entry of the same provider and name (a retried create, or one made
by hand), setting it to the declared fields; the output `adopted` says so, and delete leaves an
adopted entry in the account unless `destroy_adopted=True`. Deletes are verified by reading the
list back.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlparse

import pulumi
import pulumi.dynamic as dyn

from ..core.lifecycle import DESTROY_ADOPTED, confirm_deleted, destroy_adopted, keep_if_adopted
from ..core.provider_base import ConfiguredProvider, has_unknowns, is_unknown
from . import endpoints as ep
from .client import MailinClient
from .runtime import runtime_for

SECRET_FIELDS = ("api_key", "secret_api_key", "password")
DELETE_SETTLE_SECONDS = 10.0  # how long a deleted entry may still be listed

INBOX_PROVIDER_FIELDS = ("name", "provider", *ep.INBOX_PROVIDER_FIELDS)
REGISTRAR_FIELDS = ("name", "provider", *ep.REGISTRAR_FIELDS)

# Our reading of "if required", per provider (shared with the sandbox: one line to correct each).
REQUIRED: dict[str, tuple[str, ...]] = ep.PROVIDER_REQUIRED_FIELDS


class _AccountProvider(ConfiguredProvider):
    kinds: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    label = ""

    def _client(self) -> MailinClient:
        return runtime_for(self.config).client

    def _add(self, client: MailinClient, body: Mapping[str, Any]) -> int:
        raise NotImplementedError

    def _update(self, client: MailinClient, id_: int, body: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def _delete(self, client: MailinClient, id_: int) -> None:
        raise NotImplementedError

    def _list(self, client: MailinClient) -> list[Mapping[str, Any]]:
        raise NotImplementedError

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

    @property
    def what(self) -> str:
        return "Mailin.ai inbox provider" if self.label == "provider" else "Mailin.ai registrar"

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> dyn.CheckResult:
        inputs = {k: news.get(k) for k in self.fields}
        flag = news.get(DESTROY_ADOPTED)
        inputs[DESTROY_ADOPTED] = flag if is_unknown(flag) else flag is True
        failures: list[dyn.CheckFailure] = []
        if has_unknowns(news):
            return dyn.CheckResult(inputs, failures)
        for key in self.fields:
            value = news.get(key)
            if value is not None and not isinstance(value, str):
                failures.append(dyn.CheckFailure(key, "must be a string"))
            elif isinstance(value, str) and not value.strip():
                inputs[key] = None  # blank is absent, as the API treats it
        if not news.get("name"):
            failures.append(dyn.CheckFailure("name", "is required"))
        kind = news.get("provider")
        if kind not in self.kinds:
            failures.append(
                dyn.CheckFailure("provider", f"{kind!r} is not one of {', '.join(self.kinds)}")
            )
        else:
            for field in REQUIRED[str(kind)]:
                if not inputs.get(field):
                    failures.append(dyn.CheckFailure(field, f"is required for {kind}"))
        ip = inputs.get("whitelisted_ip")
        if isinstance(ip, str):
            try:
                ipaddress.ip_address(ip.strip())
            except ValueError:
                failures.append(dyn.CheckFailure("whitelisted_ip", f"{ip!r} is not an IP address"))
        url = inputs.get("oauth_url")
        if isinstance(url, str):
            parsed = urlparse(url.strip())
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                failures.append(dyn.CheckFailure("oauth_url", f"{url!r} is not an http(s) URL"))
        return dyn.CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        changed = [k for k in self.fields if olds.get(k) != news.get(k)]
        if is_unknown(news.get(DESTROY_ADOPTED)) or destroy_adopted(olds) != destroy_adopted(news):
            changed.append(DESTROY_ADOPTED)  # state only: no API call
        # The page's update endpoints take every field but the display name.
        replaces = ["name"] if "name" in changed else []
        return dyn.DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        client = self._client()
        # A retried create (or an entry made by hand) of the same provider and name is adopted
        # and set to the declared fields, never added twice.
        adopted = self._adoptable(client, str(props["provider"]), str(props["name"]))
        if adopted is not None:
            self._update(client, adopted, {k: props.get(k) for k in self.fields if k != "name"})
            new_id = adopted
        else:
            body = {k: v for k, v in props.items() if k in self.fields and v is not None}
            new_id = self._add(client, body)
        outs = {**props, f"{self.label}_id": new_id, "adopted": adopted is not None}
        return dyn.CreateResult(id_=str(new_id), outs=outs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        if any(olds.get(k) != news.get(k) for k in self.fields):
            # Every field but the name, absent ones as null so that a removed field is cleared.
            body = {k: news.get(k) for k in self.fields if k != "name"}
            self._update(self._client(), int(id_), body)
        adopted = olds.get("adopted") is True
        return dyn.UpdateResult(outs={**news, f"{self.label}_id": int(id_), "adopted": adopted})

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        found = self._exists(self._client(), int(id_))
        if found is None:
            return dyn.ReadResult(id_="", outs={})
        # Refresh the non-secret fields only: the API shows keys in plaintext, and the state
        # keeps the (secret) values the program gave.
        visible = {k: found.get(k) or None for k in self.fields if k not in SECRET_FIELDS}
        # A field set elsewhere is drift even when the program never set it (the state has no
        # key for an unset input): the next `pulumi up` clears it.
        outs = {**props, **{k: v for k, v in visible.items() if k in props or v is not None}}
        return dyn.ReadResult(id_=id_, outs=outs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        name = f"{props.get('name')!r} ({props.get('provider')}, id {id_})"
        if keep_if_adopted(props, self.what, name):
            return
        client = self._client()
        confirm_deleted(
            f"{self.what} {name}",
            lambda: self._delete(client, int(id_)),
            lambda: self._exists(client, int(id_)) is not None,
            settle_seconds=DELETE_SETTLE_SECONDS,
        )


class InboxProviderProvider(_AccountProvider):
    kinds = ep.INBOX_PROVIDERS
    fields = INBOX_PROVIDER_FIELDS
    label = "provider"

    def _add(self, client: MailinClient, body: Mapping[str, Any]) -> int:
        return client.add_inbox_provider(body)

    def _update(self, client: MailinClient, id_: int, body: Mapping[str, Any]) -> None:
        client.update_inbox_provider(id_, body)

    def _delete(self, client: MailinClient, id_: int) -> None:
        client.delete_inbox_provider(id_)

    def _list(self, client: MailinClient) -> list[Mapping[str, Any]]:
        return [p.model_dump() for p in client.list_inbox_providers()]


class DomainRegistrarProvider(_AccountProvider):
    kinds = ep.REGISTRARS
    fields = REGISTRAR_FIELDS
    label = "registrar"

    def _add(self, client: MailinClient, body: Mapping[str, Any]) -> int:
        return client.add_domain_registrar(body)

    def _update(self, client: MailinClient, id_: int, body: Mapping[str, Any]) -> None:
        client.update_domain_registrar(id_, body)

    def _delete(self, client: MailinClient, id_: int) -> None:
        client.delete_domain_registrar(id_)

    def _list(self, client: MailinClient) -> list[Mapping[str, Any]]:
        return [r.model_dump() for r in client.list_domain_registrars()]


def _props(fields: Sequence[str], values: Mapping[str, Any], label: str) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for key in fields:
        value = values.get(key)
        props[key] = pulumi.Output.secret(value) if key in SECRET_FIELDS and value else value
    props[DESTROY_ADOPTED] = values.get(DESTROY_ADOPTED, False)
    props[f"{label}_id"] = None
    props["adopted"] = None
    return props


def _secret_opts(opts: pulumi.ResourceOptions | None) -> pulumi.ResourceOptions:
    """Keys and passwords are secret outputs too, whatever the engine does with inputs."""
    secret = pulumi.ResourceOptions(additional_secret_outputs=list(SECRET_FIELDS))
    return pulumi.ResourceOptions.merge(opts, secret)


class InboxProvider(dyn.Resource, module="mailin", name="InboxProvider"):
    """An inbox provider account (reachinbox, plusvibe, instantly, manyreach, smartlead).

    :param destroy_adopted: delete, on destroy, an entry this resource adopted (one that existed
        before it asked for it) as well as one it made; default False: an adopted entry stays.
    Outputs: `provider_id`, and `adopted` (True when create found the account's entry of this
    provider and name and took it over instead of adding one).
    """

    provider_id: pulumi.Output[int]
    adopted: pulumi.Output[bool]

    def __init__(
        self,
        resource_name: str,
        name: pulumi.Input[str],
        provider: pulumi.Input[str],
        api_key: pulumi.Input[str] | None = None,
        oauth_url: pulumi.Input[str] | None = None,
        username: pulumi.Input[str] | None = None,
        password: pulumi.Input[str] | None = None,
        workspace_id: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
        destroy_adopted: pulumi.Input[bool] = False,
    ) -> None:
        values = {
            DESTROY_ADOPTED: destroy_adopted,
            "name": name,
            "provider": provider,
            "api_key": api_key,
            "oauth_url": oauth_url,
            "username": username,
            "password": password,
            "workspace_id": workspace_id,
        }
        props = _props(INBOX_PROVIDER_FIELDS, values, "provider")
        super().__init__(InboxProviderProvider(), resource_name, props, _secret_opts(opts))


class DomainRegistrar(dyn.Resource, module="mailin", name="DomainRegistrar"):
    """A registrar account (porkbun, namecheap, godaddy, spaceship).

    Namecheap needs Mailin.ai's servers on its API whitelist (`ep.NAMECHEAP_WHITELIST_IPS`:
    65.109.237.170 and 44.206.212.194, as the page says).

    :param destroy_adopted: delete, on destroy, an entry this resource adopted (one that existed
        before it asked for it) as well as one it made; default False: an adopted entry stays.
    Outputs: `registrar_id`, and `adopted` (True when create found the account's entry of this
    provider and name and took it over instead of adding one).
    """

    registrar_id: pulumi.Output[int]
    adopted: pulumi.Output[bool]

    def __init__(
        self,
        resource_name: str,
        name: pulumi.Input[str],
        provider: pulumi.Input[str],
        api_key: pulumi.Input[str] | None = None,
        secret_api_key: pulumi.Input[str] | None = None,
        api_user: pulumi.Input[str] | None = None,
        username: pulumi.Input[str] | None = None,
        whitelisted_ip: pulumi.Input[str] | None = None,
        customer_id: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
        destroy_adopted: pulumi.Input[bool] = False,
    ) -> None:
        values = {
            DESTROY_ADOPTED: destroy_adopted,
            "name": name,
            "provider": provider,
            "api_key": api_key,
            "secret_api_key": secret_api_key,
            "api_user": api_user,
            "username": username,
            "whitelisted_ip": whitelisted_ip,
            "customer_id": customer_id,
        }
        props = _props(REGISTRAR_FIELDS, values, "registrar")
        super().__init__(DomainRegistrarProvider(), resource_name, props, _secret_opts(opts))

"""The settings and the one client per account of an API that one API key authenticates
(MailChannels Inbound, Pingram), read when the provider runs.

`KeyedClients(namespace, provider, endpoints, client_class)` holds what each such API's runtime
module would otherwise copy: the settings `<api>:apiKey` (env `<API>_API_KEY`, secret),
`<api>:baseUrl` (env `<API>_BASE_URL`, default the endpoints module's `DEFAULT_BASE_URL`),
`<api>:endpoints`, `<api>:accounts` and the three request limits; and `client_for(config,
account)`, one client per account name and settings in the process.

Every setting is read through `AccountConfig(<api>, ...)`: the default account (`account=None`)
is the plain `<api>:apiKey` / `baseUrl` / `endpoints`; a named account takes its API key only
from `<api>:accounts.<name>.apiKey` (never the default key or its variable), its base URL from
its entry or the plain setting, and its endpoint overrides merged over the plain ones.

The account's pace (`core.request_limits`): `<api>:maxConcurrentRequests`,
`<api>:requestsPerSecond` and `<api>:requestTimeoutSeconds` (a named account's
`<api>:accounts.<name>.<key>` first). ONE `RequestLimiter` per account (`limiter_for`), shared by
every client made for it (a rotated key makes a new client, never a second pace).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType
from typing import Any, Generic, Protocol, TypeVar

from .accounts import (
    AccountConfig,
    KeyedAccount,
    Registry,
    accounts_setting,
    credential_hint,
    keyed_account,
)
from .config import ConfigSource, Setting
from .endpoints_config import EndpointTable, endpoint_setting
from .errors import CredentialHint
from .http import RetryPolicy
from .request_limits import RequestLimiter, RequestLimits, limit_settings, read_limits
from .request_limits import limiter_for as _limiter_for

C = TypeVar("C")
C_co = TypeVar("C_co", covariant=True)


class KeyedClientClass(Protocol[C_co]):
    """How a keyed API's client is made (`MailChannelsClient`, `PingramClient`)."""

    def __call__(
        self,
        base_url: str,
        api_key: str,
        *,
        endpoints: EndpointTable | None = ...,
        retry: RetryPolicy | None = ...,
        limiter: RequestLimiter | None = ...,
        credential: CredentialHint | None = ...,
    ) -> C_co: ...


class KeyedClients(Generic[C]):
    """One keyed API's settings and its clients, one per account and settings."""

    def __init__(
        self,
        namespace: str,
        provider: str,
        endpoints: ModuleType,
        client_class: KeyedClientClass[C],
    ) -> None:
        self.namespace = namespace
        """The API's config namespace (`mailchannels`)."""
        self.provider = provider
        """The API's name in messages (`MailChannels`)."""
        self.endpoints = endpoints
        """The API's endpoints module (its table and `DEFAULT_BASE_URL`)."""
        self.client_class = client_class
        """What makes a client (tests replace it with one over a fake transport)."""
        env = namespace.upper()
        self.api_key = Setting(namespace, "apiKey", f"{env}_API_KEY", secret=True)
        self.base_url = Setting(
            namespace, "baseUrl", f"{env}_BASE_URL", default=endpoints.DEFAULT_BASE_URL
        )
        self.endpoints_setting = endpoint_setting(namespace)
        self.accounts = accounts_setting(namespace)
        self.limits = limit_settings(namespace)
        self.clients: Registry[C] = Registry()
        """One client per account name and settings (`client_key`)."""

    def settings(
        self,
    ) -> tuple[str, Setting, Setting, Setting, Setting, tuple[Setting, Setting, Setting]]:
        """The namespace and the settings, in the order the runtime modules name them:
        `NAMESPACE, API_KEY, BASE_URL, ENDPOINTS, ACCOUNTS, LIMITS`."""
        return (
            self.namespace,
            self.api_key,
            self.base_url,
            self.endpoints_setting,
            self.accounts,
            self.limits,
        )

    def client_key(
        self, config: ConfigSource | Mapping[str, Any] | None, account: str | None = None
    ) -> KeyedAccount:
        """The key of the account's client: its name and settings (`ConfigError` naming a
        missing or bad one)."""
        return keyed_account(
            self.namespace, self.api_key, self.base_url, self.endpoints, config, account
        )

    def limits_for(
        self, config: ConfigSource | Mapping[str, Any] | None, account: str | None = None
    ) -> RequestLimits:
        """The account's request limits (`ConfigError` naming the key of a bad value)."""
        return read_limits(self.namespace, AccountConfig(self.namespace, config, account))

    def limiter_for(self, account: str | None, limits: RequestLimits) -> RequestLimiter:
        """The account's one `RequestLimiter` in this process."""
        return _limiter_for(self.namespace, account, limits)

    def client_for(
        self, config: ConfigSource | Mapping[str, Any] | None, account: str | None = None
    ) -> C:
        """The account's client, made once per process (per account name and settings), paced
        by the account's one limiter."""
        key = self.client_key(config, account)
        name, base_url, secret, table = key
        limits = self.limits_for(config, account)

        def make() -> C:
            return self.client_class(
                base_url,
                secret,
                endpoints=table,
                retry=RetryPolicy(request_timeout=limits.timeout),
                limiter=self.limiter_for(name, limits),
                credential=credential_hint(self.provider, name, self.api_key),
            )

        return self.clients.get(key, make)


__all__ = ["KeyedClientClass", "KeyedClients"]

"""MailChannels Inbound settings and one client per account (read when the provider runs).

`client_for(config, account)` reads every setting through `AccountConfig("mailchannels", ...)`:
the default account (`account=None`) is the plain `mailchannels:apiKey` / `baseUrl` /
`endpoints`; a named account takes its API key only from `mailchannels:accounts.<name>.apiKey`
(never the default key or its variable), its base URL from its entry or the plain setting, and
its endpoint overrides merged over the plain ones. One client per account and settings.

The account's pace (`core.request_limits`): `mailchannels:maxConcurrentRequests`,
`mailchannels:requestsPerSecond` and `mailchannels:requestTimeoutSeconds` (a named account's
`mailchannels:accounts.<name>.<key>` first). ONE `RequestLimiter` per account, shared by every
client made for it (a rotated key makes a new client, never a second pace for the account).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core.accounts import (
    AccountConfig,
    KeyedAccount,
    Registry,
    accounts_setting,
    credential_hint,
    keyed_account,
)
from ..core.config import ConfigSource, Setting
from ..core.endpoints_config import endpoint_setting
from ..core.http import RetryPolicy
from ..core.request_limits import RequestLimiter, RequestLimits, limit_settings, read_limits
from . import endpoints as ep
from .client import PROVIDER, MailChannelsClient

NAMESPACE = "mailchannels"
API_KEY = Setting(NAMESPACE, "apiKey", "MAILCHANNELS_API_KEY", secret=True)
BASE_URL = Setting(NAMESPACE, "baseUrl", "MAILCHANNELS_BASE_URL", default=ep.DEFAULT_BASE_URL)
ENDPOINTS = endpoint_setting(NAMESPACE)
ACCOUNTS = accounts_setting(NAMESPACE)
LIMITS = limit_settings(NAMESPACE)

_clients: Registry[MailChannelsClient] = Registry()
_limiters: Registry[RequestLimiter] = Registry()
"""One pace per account: keyed by the account's name (and its limits), not by its key."""


def client_key(
    config: ConfigSource | Mapping[str, Any] | None, account: str | None = None
) -> KeyedAccount:
    """The key of the account's client: its name and settings (`ConfigError` naming a missing
    or bad one)."""
    return keyed_account(NAMESPACE, API_KEY, BASE_URL, ep, config, account)


def limits_for(
    config: ConfigSource | Mapping[str, Any] | None, account: str | None = None
) -> RequestLimits:
    """The account's request limits (`ConfigError` naming the key of a bad value)."""
    return read_limits(NAMESPACE, AccountConfig(NAMESPACE, config, account))


def limiter_for(account: str | None, limits: RequestLimits) -> RequestLimiter:
    """The account's one `RequestLimiter` in this process."""
    return _limiters.get((account, limits), lambda: RequestLimiter(limits))


def client_for(
    config: ConfigSource | Mapping[str, Any] | None, account: str | None = None
) -> MailChannelsClient:
    """The account's client, made once per process (per account name and settings), paced by
    the account's one limiter."""
    key = client_key(config, account)
    name, base_url, secret, table = key
    limits = limits_for(config, account)

    def make() -> MailChannelsClient:
        return MailChannelsClient(
            base_url,
            secret,
            endpoints=table,
            retry=RetryPolicy(request_timeout=limits.timeout),
            limiter=limiter_for(name, limits),
            credential=credential_hint(PROVIDER, name, API_KEY),
        )

    return _clients.get(key, make)

"""Pingram settings and one client per account (read when the provider runs).

`client_for(config, account)` reads every setting through `AccountConfig("pingram", ...)`:
the default account (`account=None`) is the plain `pingram:apiKey` / `baseUrl` /
`endpoints`; a named account takes its API key only from `pingram:accounts.<name>.apiKey`
(never the default key or its variable), its base URL from its entry or the plain setting, and
its endpoint overrides merged over the plain ones. One client per account and settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core.accounts import KeyedAccount, Registry, accounts_setting, keyed_account
from ..core.config import ConfigSource, Setting
from ..core.endpoints_config import endpoint_setting
from . import endpoints as ep
from .client import PingramClient

NAMESPACE = "pingram"
API_KEY = Setting(NAMESPACE, "apiKey", "PINGRAM_API_KEY", secret=True)
BASE_URL = Setting(NAMESPACE, "baseUrl", "PINGRAM_BASE_URL", default=ep.DEFAULT_BASE_URL)
ENDPOINTS = endpoint_setting(NAMESPACE)
ACCOUNTS = accounts_setting(NAMESPACE)

_clients: Registry[PingramClient] = Registry()


def client_key(
    config: ConfigSource | Mapping[str, Any] | None, account: str | None = None
) -> KeyedAccount:
    """The key of the account's client: its name and settings (`ConfigError` naming a missing
    or bad one)."""
    return keyed_account(NAMESPACE, API_KEY, BASE_URL, ep, config, account)


def client_for(
    config: ConfigSource | Mapping[str, Any] | None, account: str | None = None
) -> PingramClient:
    """The account's client, made once per process (per account name and settings)."""
    key = client_key(config, account)
    _name, base_url, secret, table = key
    return _clients.get(key, lambda: PingramClient(base_url, secret, endpoints=table))

"""What the doctor needs of one API: its table, its checks, and a client built the way its
runtime builds one (the same settings, account view and endpoint overrides), on a transport the
doctor chooses (the recorder)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import httpx

from ..core.accounts import AccountConfig, keyed_account
from ..core.api_client import ApiClient
from ..core.config import Setting
from ..core.http import RetryPolicy
from .probe import Ids, Probe

Config = Mapping[str, Any] | None
RETRY = RetryPolicy(attempts=3, initial_wait=0.5, max_wait=5.0, request_timeout=30.0)
"""Few retries: the doctor reports what an endpoint answers, it does not wait it out."""


class NotTried(Exception):
    """A read the doctor cannot make in this account (no id to read, no login made)."""


@dataclass
class Connection:
    client: ApiClient
    secrets: tuple[str, ...]
    """The account's credentials, redacted wherever they appear (they never should)."""
    credentials: str
    """The config key(s) holding the credentials (what a 401 names)."""
    base_url: str = "the base URL"
    """The config key of the base URL (what an unreachable API names)."""


Connect = Callable[[Config, str | None, httpx.BaseTransport], Connection]
Replay = Callable[[httpx.BaseTransport], ApiClient]


def keyed_connect(
    namespace: str,
    api_key: Setting,
    base_url: Setting,
    endpoints: ModuleType,
    client: Callable[..., ApiClient],
) -> Connect:
    """How the doctor connects to an API keyed by one API key (MailChannels Inbound, Pingram):
    the account's key, base URL and endpoint overrides read as its runtime reads them."""

    def connect(config: Config, account: str | None, transport: httpx.BaseTransport) -> Connection:
        _name, url, key, table = keyed_account(
            namespace, api_key, base_url, endpoints, config, account
        )
        made = client(url, key, retry=RETRY, transport=transport, endpoints=table)
        view = AccountConfig(namespace, config, account)
        return Connection(made, (key,), view.key_of(api_key), view.key_of(base_url))

    return connect


def token_replay(client: Callable[..., ApiClient]) -> Replay:
    """A client of an API that takes one token (any), for recorded replies."""

    def replay(transport: httpx.BaseTransport) -> ApiClient:
        return client("http://replay.invalid", "replay", retry=RETRY, transport=transport)

    return replay


@dataclass(frozen=True)
class ApiChecks:
    namespace: str
    title: str
    module: ModuleType
    """The API's `endpoints.py` (which paths a public page confirms)."""
    probes: tuple[Probe, ...]
    connect: Connect
    replay: Replay
    """A client for recorded replies (`tests/fixtures/replies`), any credentials."""
    replay_ids: Ids
    doc: str
    """The `docs/` page of the API's paths and reply shapes."""


__all__ = [
    "RETRY",
    "ApiChecks",
    "Config",
    "Connect",
    "Connection",
    "NotTried",
    "Replay",
    "keyed_connect",
    "token_replay",
]

"""Pingram settings and one client per account (`core.keyed_clients`).

The settings (`pingram:apiKey`, `baseUrl`, `endpoints`, `accounts`, the request limits) and
`client_for(config, account)` are the shared ones of an API that one key authenticates (see
`core.keyed_clients`); this module names them for Pingram and keeps its old names importable.
"""

from __future__ import annotations

from ..core.keyed_clients import KeyedClients
from . import endpoints as ep
from .client import PROVIDER, PingramClient

CLIENTS: KeyedClients[PingramClient] = KeyedClients("pingram", PROVIDER, ep, PingramClient)
"""The account clients (tests replace its `client_class` and `clients`)."""

# the names this module always had
NAMESPACE, API_KEY, BASE_URL, ENDPOINTS, ACCOUNTS, LIMITS = CLIENTS.settings()
client_key, limits_for = CLIENTS.client_key, CLIENTS.limits_for
limiter_for, client_for = CLIENTS.limiter_for, CLIENTS.client_for

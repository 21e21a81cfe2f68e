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

NAMESPACE = CLIENTS.namespace
API_KEY = CLIENTS.api_key
BASE_URL = CLIENTS.base_url
ENDPOINTS = CLIENTS.endpoints_setting
ACCOUNTS = CLIENTS.accounts
LIMITS = CLIENTS.limits

client_key = CLIENTS.client_key
limits_for = CLIENTS.limits_for
limiter_for = CLIENTS.limiter_for
client_for = CLIENTS.client_for

__all__ = [
    "ACCOUNTS",
    "API_KEY",
    "BASE_URL",
    "CLIENTS",
    "ENDPOINTS",
    "LIMITS",
    "NAMESPACE",
    "PingramClient",
    "client_for",
    "client_key",
    "limiter_for",
    "limits_for",
]

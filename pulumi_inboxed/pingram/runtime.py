"""Pingram settings and the shared client (read when the provider runs)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from ..core.config import ConfigSource, Setting, require
from ..core.endpoints_config import EndpointTable, endpoint_setting, endpoint_table
from . import endpoints as ep
from .client import PingramClient

API_KEY = Setting("pingram", "apiKey", "PINGRAM_API_KEY", secret=True)
BASE_URL = Setting("pingram", "baseUrl", "PINGRAM_BASE_URL", default=ep.DEFAULT_BASE_URL)
ENDPOINTS = endpoint_setting("pingram")

_lock = threading.Lock()
_clients: dict[tuple[str, str, EndpointTable], PingramClient] = {}


def client_for(config: ConfigSource | Mapping[str, Any] | None) -> PingramClient:
    base_url, secret = require(BASE_URL, config), require(API_KEY, config)
    key = (base_url, secret, endpoint_table("pingram", ep, config))
    with _lock:
        if key not in _clients:
            _clients[key] = PingramClient(base_url, secret, endpoints=key[2])
        return _clients[key]

"""MailChannels Inbound settings and the shared client (read when the provider runs)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from ..core.config import ConfigSource, Setting, require
from ..core.endpoints_config import EndpointTable, endpoint_setting, endpoint_table
from . import endpoints as ep
from .client import MailChannelsClient

API_KEY = Setting("mailchannels", "apiKey", "MAILCHANNELS_API_KEY", secret=True)
BASE_URL = Setting("mailchannels", "baseUrl", "MAILCHANNELS_BASE_URL", default=ep.DEFAULT_BASE_URL)
ENDPOINTS = endpoint_setting("mailchannels")

_lock = threading.Lock()
_clients: dict[tuple[str, str, EndpointTable], MailChannelsClient] = {}


def client_for(config: ConfigSource | Mapping[str, Any] | None) -> MailChannelsClient:
    base_url, secret = require(BASE_URL, config), require(API_KEY, config)
    key = (base_url, secret, endpoint_table("mailchannels", ep, config))
    with _lock:
        if key not in _clients:
            _clients[key] = MailChannelsClient(base_url, secret, endpoints=key[2])
        return _clients[key]

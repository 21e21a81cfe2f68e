"""What the InboxedUp resources share at run time: settings, one client, one batch poller.

Built from stack config inside the dynamic provider (`configure()`), or from the environment in a
plain Python script. Held in a process-wide registry, never on a pickled provider.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from ..core.config import ConfigSource, Setting, read_float, require
from ..core.polling import SharedPoller
from . import endpoints as ep
from .client import InboxedUpClient
from .models import BatchStatus, Domain, MailboxRequest

API_TOKEN = Setting("inboxedup", "apiToken", "INBOXEDUP_API_TOKEN", secret=True)
BASE_URL = Setting("inboxedup", "baseUrl", "INBOXEDUP_BASE_URL", default=ep.DEFAULT_BASE_URL)
POLL_INTERVAL = Setting(
    "inboxedup", "pollIntervalSeconds", "INBOXEDUP_POLL_INTERVAL_SECONDS", default="5"
)
VERIFY_NS_INTERVAL = Setting(
    "inboxedup", "verifyNsIntervalSeconds", "INBOXEDUP_VERIFY_NS_INTERVAL_SECONDS", default="60"
)


class InboxedUpRuntime:
    def __init__(
        self, base_url: str, token: str, poll_interval: float, verify_ns_interval: float = 60.0
    ) -> None:
        self.base_url = base_url
        self._token = token
        self.poll_interval = poll_interval
        self.verify_ns_interval = verify_ns_interval

    def __repr__(self) -> str:  # never show the token
        return f"InboxedUpRuntime(base_url={self.base_url!r})"

    @cached_property
    def client(self) -> InboxedUpClient:
        return InboxedUpClient(self.base_url, self._token)

    @cached_property
    def batch_poller(self) -> SharedPoller[str, BatchStatus]:
        return SharedPoller("InboxedUp batch", self.client.get_batch_status, self.poll_interval)

    @cached_property
    def mailbox_poller(self) -> SharedPoller[str, MailboxRequest]:
        return SharedPoller(
            "InboxedUp mailbox request", self.client.get_mailbox_request, self.poll_interval
        )

    @cached_property
    def domain_poller(self) -> SharedPoller[str, Domain | None]:
        """Keyed by domain name; None while the account has no such domain."""
        return SharedPoller("InboxedUp domain", self.client.find_domain, self.poll_interval)


_lock = threading.Lock()
_runtimes: dict[tuple[str, str, float, float], InboxedUpRuntime] = {}


def runtime_for(config: ConfigSource | Mapping[str, Any] | None) -> InboxedUpRuntime:
    """The shared runtime for these settings; raises `ConfigError` naming a missing setting."""
    base_url = require(BASE_URL, config)
    token = require(API_TOKEN, config)
    interval = read_float(POLL_INTERVAL, config, minimum=0.05)
    verify_every = read_float(VERIFY_NS_INTERVAL, config, minimum=0.1)
    key = (base_url, token, interval, verify_every)
    with _lock:
        runtime = _runtimes.get(key)
        if runtime is None:
            runtime = _runtimes[key] = InboxedUpRuntime(base_url, token, interval, verify_every)
        return runtime

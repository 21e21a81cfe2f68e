"""What the Mailin.ai resources share at run time: settings, one client, the job pollers.

Credentials: a token (`mailin:apiToken`), or an email and password (`mailin:email`,
`mailin:password`) that log in once and keep the token; both secret, read when the provider runs.
One client per set of credentials and base URL in a process: every resource and call of a
provider process shares its one login, and the token that login made is revoked at exit.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from ..core.config import ConfigSource, Setting, read, read_float, require
from ..core.errors import ConfigError
from ..core.polling import SharedPoller
from . import endpoints as ep
from .client import MailinClient
from .microsoft_models import AzureNameservers
from .models import DomainJob, MailboxJob

API_TOKEN = Setting("mailin", "apiToken", "MAILIN_API_TOKEN", secret=True)
EMAIL = Setting("mailin", "email", "MAILIN_EMAIL")
PASSWORD = Setting("mailin", "password", "MAILIN_PASSWORD", secret=True)
DEVICE_NAME = Setting("mailin", "deviceName", "MAILIN_DEVICE_NAME", default="pulumi-inboxed")
BASE_URL = Setting("mailin", "baseUrl", "MAILIN_BASE_URL", default=ep.DEFAULT_BASE_URL)
POLL_INTERVAL = Setting(
    "mailin", "pollIntervalSeconds", "MAILIN_POLL_INTERVAL_SECONDS", default="5"
)


class MailinRuntime:
    def __init__(self, client: MailinClient, poll_interval: float) -> None:
        self.client = client
        self.poll_interval = poll_interval

    def __repr__(self) -> str:
        return "MailinRuntime()"

    @cached_property
    def domain_jobs(self) -> SharedPoller[str, DomainJob]:
        return SharedPoller("Mailin.ai domain job", self.client.get_domain_job, self.poll_interval)

    @cached_property
    def mailbox_jobs(self) -> SharedPoller[str, MailboxJob]:
        return SharedPoller(
            "Mailin.ai mailbox job", self.client.get_mailbox_job, self.poll_interval
        )

    @cached_property
    def azure_orders(self) -> SharedPoller[int, AzureNameservers]:
        """An Azure order's status and nameservers (one call: the nameservers answer has both)."""
        return SharedPoller(
            "Mailin.ai Azure order", self.client.get_azure_nameservers, self.poll_interval
        )


_lock = threading.Lock()
_runtimes: dict[tuple[str, ...], MailinRuntime] = {}
_clients: dict[tuple[str, ...], MailinClient] = {}


def runtime_for(config: ConfigSource | Mapping[str, Any] | None) -> MailinRuntime:
    base_url = require(BASE_URL, config)
    token = read(API_TOKEN, config)
    email = read(EMAIL, config)
    password = read(PASSWORD, config)
    if not token and not (email and password):
        raise ConfigError(
            "Mailin.ai credentials are not set: set mailin:apiToken, or mailin:email and "
            f"mailin:password ({API_TOKEN.how_to_set()}; {PASSWORD.how_to_set()})"
        )
    device = require(DEVICE_NAME, config)
    interval = read_float(POLL_INTERVAL, config, minimum=0.05)
    login = (base_url, token or "", email or "", password or "", device)
    key = (*login, str(interval))
    with _lock:
        runtime = _runtimes.get(key)
        if runtime is None:
            client = _clients.get(login)
            if client is None:
                client = _clients[login] = MailinClient(
                    base_url, token=token, email=email, password=password, device_name=device
                )
            runtime = _runtimes[key] = MailinRuntime(client, interval)
        return runtime

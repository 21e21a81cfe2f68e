"""What the Mailin.ai resources share at run time: settings, one client, the job pollers.

Credentials: a token (`mailin:apiToken`), or an email and password (`mailin:email`,
`mailin:password`) that log in once and keep the token; both secret, read when the provider runs.
One client per set of credentials and base URL in a process: every resource and call of a
provider process shares its one login, and the token that login made is revoked at exit.

Read-only account checks at preview are shared (`MailinRuntime.shared_domains`,
`shared_availability`): every resource's `check()` in a provider process reads one snapshot,
so a preview of any number of resources makes one listing per list endpoint and asks about
each name's availability once. The snapshot is dropped as soon as the runtime's client makes a
write (anything but a GET, login and logout aside), so a check after a create sees the account
as the create left it; and after `SHARED_READS_MAX_AGE_SECONDS` in any case.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any, TypeVar

from ..core.config import ConfigSource, Setting, read, read_float, require
from ..core.endpoints_config import endpoint_setting, endpoint_table
from ..core.errors import ConfigError
from ..core.polling import SharedPoller
from . import endpoints as ep
from .client import MailinClient
from .microsoft_models import AzureNameservers
from .models import Availability, DomainJob, MailboxJob, MailinDomain

API_TOKEN = Setting("mailin", "apiToken", "MAILIN_API_TOKEN", secret=True)
EMAIL = Setting("mailin", "email", "MAILIN_EMAIL")
PASSWORD = Setting("mailin", "password", "MAILIN_PASSWORD", secret=True)
DEVICE_NAME = Setting("mailin", "deviceName", "MAILIN_DEVICE_NAME", default="pulumi-inboxed")
BASE_URL = Setting("mailin", "baseUrl", "MAILIN_BASE_URL", default=ep.DEFAULT_BASE_URL)
ENDPOINTS = endpoint_setting("mailin")
POLL_INTERVAL = Setting(
    "mailin", "pollIntervalSeconds", "MAILIN_POLL_INTERVAL_SECONDS", default="5"
)
SHARED_READS_MAX_AGE_SECONDS = 300.0
"""Our bound on how old a shared preview read may be, writes aside (a run is one process)."""
T = TypeVar("T")


class WatchedClient(MailinClient):
    """The runtime's client: counts its writes, so shared reads know when they are stale."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._writes = 0
        self._writes_lock = threading.Lock()

    @property
    def writes(self) -> int:
        """How many requests other than GET this client has sent (or begun to send)."""
        return self._writes

    def _call(self, endpoint: ep.Endpoint, **kwargs: Any) -> Any:
        endpoint = self.endpoints.resolve(endpoint)  # the method sent decides what is a write
        if endpoint.method != "GET":
            with self._writes_lock:
                self._writes += 1
        try:
            return super()._call(endpoint, **kwargs)
        finally:
            if endpoint.method != "GET":
                with self._writes_lock:  # a read that ran beside the write is stale too
                    self._writes += 1


class _Pending:
    """One shared read being made: the threads that ask meanwhile wait for its answer."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None


class SharedReads:
    """Read-only answers shared by every check of a provider process, until the next write.

    Each key is read once (threads asking at the same time wait for the one read); a failed
    read is not kept, so the next check tries again.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._entries: dict[tuple[Any, ...], _Pending] = {}
        self._writes: int | None = None
        self._since = 0.0

    def drop(self) -> None:
        with self._lock:
            self._entries.clear()
            self._writes = None

    def get(self, key: tuple[Any, ...], writes: int, read: Callable[[], T]) -> T:
        with self._lock:
            now = self._clock()
            if writes != self._writes or now - self._since > SHARED_READS_MAX_AGE_SECONDS:
                self._entries.clear()
                self._writes, self._since = writes, now
            entry = self._entries.get(key)
            owner = entry is None
            if entry is None:
                entry = self._entries[key] = _Pending()
        if owner:
            try:
                entry.value = read()
            except BaseException as exc:
                entry.error = exc
                with self._lock:
                    if self._entries.get(key) is entry:
                        del self._entries[key]
            finally:
                entry.done.set()
        else:
            entry.done.wait()
        if entry.error is not None:
            raise entry.error
        value: T = entry.value
        return value


class MailinRuntime:
    def __init__(self, client: MailinClient, poll_interval: float) -> None:
        self.client = client
        self.poll_interval = poll_interval
        self.shared = SharedReads()

    def _shared(self, key: tuple[Any, ...], read: Callable[[], T]) -> T:
        client = self.client
        if not isinstance(client, WatchedClient):  # its writes cannot be seen: nothing shared
            return read()
        return self.shared.get((id(client), *key), client.writes, read)

    def shared_domains(self, *, google: bool) -> list[MailinDomain]:
        """The account's SMTP (or Google) domain list, for read-only checks at preview: one
        listing per provider process until the runtime writes. Not for creates: they read."""
        client = self.client
        return list(self._shared(("domains", google), lambda: client.list_domains(google=google)))

    def shared_availability(self, name: str) -> Availability:
        """Whether `name` can be bought (the API asks one name a request): asked once per name
        per provider process until the runtime writes."""
        client = self.client
        key = name.strip().lower()
        return self._shared(("available", key), lambda: client.check_availability(name))

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
_runtimes: dict[tuple[object, ...], MailinRuntime] = {}
_clients: dict[tuple[object, ...], MailinClient] = {}


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
    endpoints = endpoint_table("mailin", ep, config)
    login = (base_url, token or "", email or "", password or "", device, endpoints)
    key = (*login, str(interval))
    with _lock:
        runtime = _runtimes.get(key)
        if runtime is None:
            client = _clients.get(login)
            if client is None:
                client = _clients[login] = WatchedClient(
                    base_url,
                    token=token,
                    email=email,
                    password=password,
                    device_name=device,
                    endpoints=endpoints,
                )
            runtime = _runtimes[key] = MailinRuntime(client, interval)
        return runtime


def drop_shared_reads() -> None:
    """Forgets every runtime's shared reads (a new provider process starts without them)."""
    with _lock:
        runtimes = list(_runtimes.values())
    for runtime in runtimes:
        runtime.shared.drop()

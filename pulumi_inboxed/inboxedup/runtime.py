"""What the InboxedUp resources share at run time: settings, one client, the pollers, and the
read-only account snapshot the previews share.

Built from stack config inside the dynamic provider (`configure()`), or from the environment in a
plain Python script. Held in a process-wide registry, never on a pickled provider.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any, Generic, TypeVar

from ..core.config import ConfigSource, Setting, read_float, require
from ..core.endpoints_config import EndpointTable, endpoint_setting, endpoint_table
from ..core.polling import SharedPoller
from . import endpoints as ep
from .client import InboxedUpClient
from .models import BatchStatus, Domain, MailboxRequest

API_TOKEN = Setting("inboxedup", "apiToken", "INBOXEDUP_API_TOKEN", secret=True)
BASE_URL = Setting("inboxedup", "baseUrl", "INBOXEDUP_BASE_URL", default=ep.DEFAULT_BASE_URL)
ENDPOINTS = endpoint_setting("inboxedup")
POLL_INTERVAL = Setting(
    "inboxedup", "pollIntervalSeconds", "INBOXEDUP_POLL_INTERVAL_SECONDS", default="5"
)
ALL_DOMAINS = "*"
"""The one key of `domain_listing_poller`: every waiter shares the one listing."""

T = TypeVar("T")


class _CachedListing(Generic[T]):
    """One listing of the account, fetched once and shared by every caller until the client
    makes a write (then the next caller fetches it again). Callers arriving while it is being
    fetched wait for that fetch instead of making their own."""

    def __init__(self, client: InboxedUpClient, fetch: Callable[[], T]) -> None:
        self._client = client
        self._fetch = fetch
        self._lock = threading.Lock()
        self._value: T | None = None
        self._at_writes = -1
        self.fetches = 0

    def get(self) -> T:
        with self._lock:
            if self._value is None or self._at_writes != self._client.writes:
                writes = self._client.writes
                self._value = self._fetch()
                self._at_writes = writes
                self.fetches += 1
            return self._value

    def forget(self) -> None:
        with self._lock:
            self._value = None


class AccountSnapshot:
    """The account's domains and mailbox requests, each listed at most once per provider process
    for every read-only check (`check()` at preview, a refresh's reads, a create's search for a
    request to adopt), whatever the number of resources asking; dropped when this runtime's
    client makes a write (a create, a submit, a removal), so it never misses what this process
    made. A provider process lives for one `pulumi` command."""

    def __init__(self, client: InboxedUpClient) -> None:
        self._domains: _CachedListing[dict[str, Domain]] = _CachedListing(
            client, lambda: {d.domain.lower(): d for d in client.iter_domains()}
        )
        self._requests: _CachedListing[list[MailboxRequest]] = _CachedListing(
            client, lambda: list(client.iter_mailbox_requests())
        )

    def domain(self, name: str) -> Domain | None:
        """The account's domain called `name` (lower-cased A-label), or None."""
        return self._domains.get().get(name.lower())

    def requests(self) -> list[MailboxRequest]:
        """Every mailbox request of the account, any status."""
        return list(self._requests.get())

    def requests_on(self, name: str) -> list[MailboxRequest]:
        """The account's mailbox requests on domain `name`, any status."""
        wanted = name.lower()
        return [r for r in self._requests.get() if r.domain.lower() == wanted]

    def forget(self) -> None:
        """Drops both listings (tests that change the account outside this client)."""
        self._domains.forget()
        self._requests.forget()


VERIFY_NS_INTERVAL = Setting(
    "inboxedup", "verifyNsIntervalSeconds", "INBOXEDUP_VERIFY_NS_INTERVAL_SECONDS", default="60"
)


class InboxedUpRuntime:
    def __init__(
        self,
        base_url: str,
        token: str,
        poll_interval: float,
        verify_ns_interval: float = 60.0,
        endpoints: EndpointTable | None = None,
    ) -> None:
        self.base_url = base_url
        self.endpoints = endpoints or EndpointTable("inboxedup")
        self._token = token
        self.poll_interval = poll_interval
        self.verify_ns_interval = verify_ns_interval

    def __repr__(self) -> str:  # never show the token
        return f"InboxedUpRuntime(base_url={self.base_url!r})"

    @cached_property
    def client(self) -> InboxedUpClient:
        return InboxedUpClient(self.base_url, self._token, endpoints=self.endpoints)

    @cached_property
    def batch_poller(self) -> SharedPoller[str, BatchStatus]:
        return SharedPoller("InboxedUp batch", self.client.get_batch_status, self.poll_interval)

    @cached_property
    def mailbox_poller(self) -> SharedPoller[str, MailboxRequest]:
        return SharedPoller(
            "InboxedUp mailbox request", self.client.get_mailbox_request, self.poll_interval
        )

    @cached_property
    def account(self) -> AccountSnapshot:
        """The read-only listings every preview check shares (see `AccountSnapshot`)."""
        return AccountSnapshot(self.client)

    @cached_property
    def domain_listing_poller(self) -> SharedPoller[str, dict[str, Domain]]:
        """Every domain of the account by (lower-cased) name, keyed by `ALL_DOMAINS`: all the
        waits for domains to become ACTIVE share one listing per interval, whatever their
        number."""
        return SharedPoller(
            "InboxedUp domains", lambda _key: self.domains_by_name(), self.poll_interval
        )

    def domains_by_name(self) -> dict[str, Domain]:
        """Every domain of the account by (lower-cased) name: one listing, paged."""
        return {d.domain.lower(): d for d in self.client.iter_domains()}

    @cached_property
    def domain_poller(self) -> SharedPoller[str, Domain | None]:
        """Keyed by domain name; None while the account has no such domain."""
        return SharedPoller("InboxedUp domain", self.client.find_domain, self.poll_interval)


_lock = threading.Lock()
_runtimes: dict[tuple[str, str, float, float, EndpointTable], InboxedUpRuntime] = {}


def runtime_for(config: ConfigSource | Mapping[str, Any] | None) -> InboxedUpRuntime:
    """The shared runtime for these settings; raises `ConfigError` naming a missing setting."""
    base_url = require(BASE_URL, config)
    token = require(API_TOKEN, config)
    interval = read_float(POLL_INTERVAL, config, minimum=0.05)
    verify_every = read_float(VERIFY_NS_INTERVAL, config, minimum=0.1)
    endpoints = endpoint_table("inboxedup", ep, config)
    key = (base_url, token, interval, verify_every, endpoints)
    with _lock:
        runtime = _runtimes.get(key)
        if runtime is None:
            runtime = _runtimes[key] = InboxedUpRuntime(
                base_url, token, interval, verify_every, endpoints
            )
        return runtime

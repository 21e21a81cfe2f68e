"""What the InboxedUp resources share at run time, per account: settings, one client, the
pollers, and the read-only account snapshot the previews share.

Built from stack config inside the dynamic provider (`configure()`), or from the environment in a
plain Python script, for the default account (the plain `inboxedup:*` settings) or a named one
(`inboxedup:accounts.<name>`, `core.accounts`). Held in a process-wide registry keyed by account
name and settings, never on a pickled provider nor in the state.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any

from ..core.accounts import (
    AccountConfig,
    Registry,
    accounts_setting,
    credential_hint,
    require_own_credential,
)
from ..core.api_client import SharedReads
from ..core.config import ConfigSource, Setting, read_float, require
from ..core.endpoints_config import EndpointTable, endpoint_setting, endpoint_table
from ..core.http import RetryPolicy
from ..core.polling import SharedPoller
from ..core.request_limits import (
    DEFAULT_LIMITS,
    RequestLimiter,
    RequestLimits,
    limit_settings,
    limiter_for,
    read_limits,
)
from ..core.safe_write import WritesOnce
from . import endpoints as ep
from .client import PROVIDER, InboxedUpClient
from .models import BatchStatus, Domain, MailboxRequest

API = "InboxedUp"
"""The API's name in messages."""
NAMESPACE = "inboxedup"
API_TOKEN = Setting("inboxedup", "apiToken", "INBOXEDUP_API_TOKEN", secret=True)
BASE_URL = Setting("inboxedup", "baseUrl", "INBOXEDUP_BASE_URL", default=ep.DEFAULT_BASE_URL)
ENDPOINTS = endpoint_setting("inboxedup")
ACCOUNTS = accounts_setting("inboxedup")
"""`inboxedup:accounts`: named accounts, each with its own `apiToken` (`core.accounts`)."""
require_own_credential(API_TOKEN)  # preview refuses a named account without its own token
POLL_INTERVAL = Setting(
    "inboxedup", "pollIntervalSeconds", "INBOXEDUP_POLL_INTERVAL_SECONDS", default="5"
)
MAX_CONCURRENT_REQUESTS, REQUESTS_PER_SECOND, REQUEST_TIMEOUT = limit_settings(NAMESPACE)
"""`inboxedup:maxConcurrentRequests`, `inboxedup:requestsPerSecond`,
`inboxedup:requestTimeoutSeconds`: the account's pace (`core.request_limits`); a named account's
own `inboxedup:accounts.<name>.<key>` first."""
ALL_DOMAINS = "*"
"""The one key of `domain_listing_poller`: every waiter shares the one listing."""


class AccountSnapshot:
    """The account's domains and mailbox requests, each listed at most once per provider process
    for every read-only check (`check()` at preview, a refresh's reads, a create's search for a
    request to adopt), whatever the number of resources asking; dropped when this runtime's
    client makes a write (a create, a submit, a removal), so it never misses what this process
    made (`core.api_client.SharedReads` keyed on the client's write count). A provider process
    lives for one `pulumi` command. Each account has its own (its runtime's)."""

    def __init__(self, client: InboxedUpClient) -> None:
        self._client = client
        self._reads = SharedReads()

    def _domains(self) -> dict[str, Domain]:
        client = self._client
        return self._reads.get(
            "domains",
            client.writes,
            lambda: {d.domain.lower(): d for d in client.iter_domains()},
        )

    def _requests(self) -> list[MailboxRequest]:
        client = self._client
        return self._reads.get(
            "requests", client.writes, lambda: list(client.iter_mailbox_requests())
        )

    @property
    def fetches(self) -> int:
        """How many listings were made (not answered from what was shared)."""
        return self._reads.reads

    def domain(self, name: str) -> Domain | None:
        """The account's domain called `name` (lower-cased A-label), or None."""
        return self._domains().get(name.lower())

    def requests(self) -> list[MailboxRequest]:
        """Every mailbox request of the account, any status."""
        return list(self._requests())

    def requests_on(self, name: str) -> list[MailboxRequest]:
        """The account's mailbox requests on domain `name`, any status."""
        wanted = name.lower()
        return [r for r in self._requests() if r.domain.lower() == wanted]

    def forget(self) -> None:
        """Drops both listings (tests that change the account outside this client)."""
        self._reads.drop()


VERIFY_NS_INTERVAL = Setting(
    "inboxedup", "verifyNsIntervalSeconds", "INBOXEDUP_VERIFY_NS_INTERVAL_SECONDS", default="60"
)


class InboxedUpRuntime(WritesOnce):
    def __init__(
        self,
        base_url: str,
        token: str,
        poll_interval: float,
        verify_ns_interval: float = 60.0,
        endpoints: EndpointTable | None = None,
        account: str | None = None,
        limits: RequestLimits | None = None,
    ) -> None:
        self.account_name = account
        """The account's name under `inboxedup:accounts` (None: the default account)."""
        self.base_url = base_url
        self.endpoints = endpoints or EndpointTable("inboxedup")
        self._token = token
        self.poll_interval = poll_interval
        self.verify_ns_interval = verify_ns_interval
        self.limits = limits or DEFAULT_LIMITS[NAMESPACE]
        """The account's pace: every request of this runtime's client waits for its slot."""
        self.limiter: RequestLimiter = limiter_for(NAMESPACE, account, self.limits)
        """The account's one limiter (`core.request_limits.limiter_for`): shared by every
        runtime of the account, whatever its token."""
        self.sleep: Callable[[float], None] = time.sleep
        """The wait between the tries of a write (`WritesOnce`; tests pass one that does not
        wait)."""

    def __repr__(self) -> str:  # never show the token
        return f"InboxedUpRuntime(account={self.account_name!r}, base_url={self.base_url!r})"

    @cached_property
    def client(self) -> InboxedUpClient:
        return InboxedUpClient(
            self.base_url,
            self._token,
            endpoints=self.endpoints,
            retry=RetryPolicy(request_timeout=self.limits.timeout),
            limiter=self.limiter,
            credential=credential_hint(PROVIDER, self.account_name, API_TOKEN),
        )

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


_runtimes: Registry[InboxedUpRuntime] = Registry()
"""One runtime per account and settings: each account has its own client, pollers, snapshot."""


def runtime_for(
    config: ConfigSource | Mapping[str, Any] | None, account: str | None = None
) -> InboxedUpRuntime:
    """The shared runtime of `account` (None: the default account, the plain settings) for
    these settings; raises `ConfigError` naming a missing setting or an unknown account.

    A named account's token comes only from `inboxedup:accounts.<name>.apiToken` (or the
    `INBOXEDUP_ACCOUNTS` variable), never from `inboxedup:apiToken`; its base URL, poll
    intervals, endpoint overrides and request limits fall back to the plain settings. A bad
    value fails naming the key to fix."""
    if isinstance(config, AccountConfig) and account is None:
        view = config  # already one account's view
    else:
        view = AccountConfig(NAMESPACE, config, account)
    base_url = require(BASE_URL, view)
    token = require(API_TOKEN, view)
    interval = read_float(POLL_INTERVAL, view, minimum=0.05)
    verify_every = read_float(VERIFY_NS_INTERVAL, view, minimum=0.1)
    endpoints = endpoint_table(NAMESPACE, ep, view)
    limits = read_limits(NAMESPACE, view)
    key = (view.account, base_url, token, interval, verify_every, endpoints, limits)
    return _runtimes.get(
        key,
        lambda: InboxedUpRuntime(
            base_url,
            token,
            interval,
            verify_every,
            endpoints,
            account=view.account,
            limits=limits,
        ),
    )


def account_of(props: Mapping[str, Any]) -> str | None:
    """The account named by a resource's inputs or outputs (None: the default account)."""
    value = props.get("account")
    return value if isinstance(value, str) and value else None

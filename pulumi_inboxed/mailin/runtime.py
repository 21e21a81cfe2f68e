"""What the Mailin.ai resources share at run time: settings, one client per account, pollers.

Credentials: a token (`mailin:apiToken`), or an email and password (`mailin:email`,
`mailin:password`) that log in once and keep the token; read when the provider runs. A named
account (`account=` on every resource and function) reads its own from the structured stack
config map `mailin:accounts.<name>` (`core.accounts.AccountConfig`): never the default account's
credentials nor the MAILIN_* variables; its base URL, device name and poll interval fall back to
the plain settings, and its `endpoints` entries merge over `mailin:endpoints`.
One client per account and settings in a process (`core.accounts.Registry`): every resource and
call of a provider process for that account shares its one login, pollers and shared reads, and
the token that login made is revoked at exit.

Read-only account checks at preview are shared (`MailinRuntime.shared_domains`,
`shared_availability`): every resource's `check()` in a provider process reads one snapshot per
account, so a preview of any number of resources makes one listing per list endpoint and asks
about each name's availability once. The snapshot is dropped as soon as the runtime's client
makes a write (anything but a GET, login and logout aside: `ApiClient.writes`), so a check after
a create sees the account as the create left it; and after `SHARED_READS_MAX_AGE_SECONDS` in any
case.

Pace (`core.request_limits`): each account reads `mailin:maxConcurrentRequests`,
`mailin:requestsPerSecond` and `mailin:requestTimeoutSeconds` (a named account's
`mailin:accounts.<name>.<key>` first); its ONE `RequestLimiter` is shared by every HTTP client of
the account (the authenticated one, the login's and the logout's), and the timeout bounds each
request. A value that is not a positive number fails naming the key.

Writes that may have acted when they failed (purchases, creates: POSTs) go through
`MailinRuntime.write_once` (`core.safe_write`): after a transient failure it reads back what the
write would have made and re-sends only what is not there. Mailin.ai's own 310 ("error
communicating with another API. You may try again") and 313 ("an error occurred mid-process; some
parts may be incomplete") count as transient there.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from typing import Any, TypeVar

from ..core.accounts import (
    AccountConfig,
    Registry,
    accounts_setting,
    credential_hint,
)
from ..core.api_client import SHARED_READS_MAX_AGE_SECONDS, SharedReads
from ..core.config import ConfigSource, Setting, read, read_float, require
from ..core.endpoints_config import endpoint_setting, endpoint_table
from ..core.engine_watch import EngineGoneError
from ..core.errors import (
    ApiError,
    AuthenticationError,
    ConfigError,
    CredentialHint,
    PermissionDeniedError,
    RateLimitedError,
    TransportError,
)
from ..core.http import RetryPolicy
from ..core.intents import Intent
from ..core.polling import Deadline, SharedPoller
from ..core.request_limits import limiter_for, read_limits
from ..core.safe_write import WritesOnce
from . import endpoints as ep
from .client import PROVIDER, MailinClient
from .errors import LoginFailedError
from .microsoft_models import AzureNameservers
from .models import Availability, DomainJob, Job, MailboxJob, MailinDomain

NAMESPACE = "mailin"
API_TOKEN = Setting("mailin", "apiToken", "MAILIN_API_TOKEN", secret=True)
EMAIL = Setting("mailin", "email", "MAILIN_EMAIL", is_credential=True)
PASSWORD = Setting("mailin", "password", "MAILIN_PASSWORD", secret=True)
DEVICE_NAME = Setting("mailin", "deviceName", "MAILIN_DEVICE_NAME", default="pulumi-inboxed")
BASE_URL = Setting("mailin", "baseUrl", "MAILIN_BASE_URL", default=ep.DEFAULT_BASE_URL)
ENDPOINTS = endpoint_setting("mailin")
ACCOUNTS = accounts_setting("mailin")
POLL_INTERVAL = Setting(
    "mailin", "pollIntervalSeconds", "MAILIN_POLL_INTERVAL_SECONDS", default="5"
)
T = TypeVar("T")
API = PROVIDER
"""How intent records (`core.intents`) name Mailin.ai."""

__all__ = [
    "ACCOUNTS",
    "API",
    "API_TOKEN",
    "BASE_URL",
    "DEVICE_NAME",
    "EMAIL",
    "ENDPOINTS",
    "PASSWORD",
    "POLL_INTERVAL",
    "RUNNING_JOB_STATUSES",
    "SHARED_READS_MAX_AGE_SECONDS",
    "MailinRuntime",
    "account_wide",
    "credential_of",
    "drop_shared_reads",
    "finished_job",
    "listed_reasons",
    "not_tried",
    "runtime_for",
]


class MailinRuntime(WritesOnce):
    """One account's client, poll interval, job pollers and shared preview reads."""

    def __init__(
        self, client: MailinClient, poll_interval: float, account: str | None = None
    ) -> None:
        self.client = client
        self.poll_interval = poll_interval
        self.account = account
        self.shared = SharedReads()
        self.sleep: Callable[[float], None] = time.sleep
        """The wait between sends of a write (`WritesOnce`; tests pass one that does not wait)."""

    def write_label(self, what: str) -> str:
        """`what` names the write ("POST /domains/buy for a.com"); the account is added."""
        label = PROVIDER if self.account is None else f"{PROVIDER} account {self.account!r}"
        return f"{label} {what}"

    def intent(self, keys: Sequence[str], what: str, verb: str) -> Intent:
        """What a write of this account is about to make (`core.intents`): `keys` of kind
        `what` ("domain", "mailbox"), `verb` ("bought", "created") for the next run's line."""
        return Intent(API, self.account, tuple(keys), what, verb)

    def _shared(self, key: tuple[Any, ...], read: Callable[[], T]) -> T:
        client = self.client
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
        return f"MailinRuntime(account={self.account!r})"

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


RUNNING_JOB_STATUSES = ("pending", "processing", "in_progress")
"""A Mailin.ai purchase or creation job in one of these has not finished."""
J = TypeVar("J", bound=Job)


def finished_job(jobs: SharedPoller[str, J], job_id: str, deadline: Deadline) -> J:
    """Job `job_id` once it has finished (whatever its outcome), polled through `jobs` (the
    account's shared poller) until `deadline`: else `WaitTimeoutError` with its last status."""
    return jobs.wait(
        job_id,
        lambda j: j.status not in RUNNING_JOB_STATUSES,
        deadline.remaining(),
        describe=lambda j: f"{j.status}: {j.report}" if j else "no answer yet",
    )


def account_wide(exc: BaseException) -> bool:
    """A failure about the account, not one entry (the API unreachable or failing after every
    retry, the login refused, rate limits, the engine gone): a collection does not try its
    remaining entries after it (they fail with it, with no request), so a run against an API
    that is down ends in seconds, not one timeout per entry."""
    if isinstance(exc, EngineGoneError | LoginFailedError | TransportError):
        return True
    if isinstance(exc, AuthenticationError | PermissionDeniedError | RateLimitedError):
        return True
    return isinstance(exc, ApiError) and exc.status >= 500


def not_tried(exc: BaseException) -> str:
    """The reason of an entry not tried after `exc` (`account_wide`)."""
    return f"not tried after a failure of the account's requests: {exc}"


def listed_reasons(reasons: list[str], shown: int = 10) -> str:
    """The first reasons of a partial failure, for its message (the engine shows every one of
    them beside the message)."""
    more = f"; and {len(reasons) - shown} more" if len(reasons) > shown else ""
    return "; ".join(reasons[:shown]) + more


_runtimes: Registry[MailinRuntime] = Registry()
_clients: Registry[MailinClient] = Registry()


def _no_credentials(view: AccountConfig) -> ConfigError:
    if view.account is None:
        return ConfigError(
            "Mailin.ai credentials are not set: set mailin:apiToken, or mailin:email and "
            f"mailin:password ({API_TOKEN.how_to_set()}; {PASSWORD.how_to_set()})"
        )
    return ConfigError(
        f"Mailin.ai account {view.account!r} has no credentials: set "
        f"{view.key_of(API_TOKEN)}, or {view.key_of(EMAIL)} and {view.key_of(PASSWORD)} "
        f"({view.how_to_set(API_TOKEN)}); a named account never uses the default account's "
        "mailin:apiToken, mailin:email, mailin:password or MAILIN_* variables"
    )


def credential_of(view: AccountConfig, token: str | None) -> CredentialHint:
    """What a refusal (401, 403) of `view`'s account names: its token's key
    (`mailin:apiToken`, `mailin:accounts.<name>.apiToken`), or, for a login, the email and
    password keys. Never a value."""
    if token:
        return credential_hint(PROVIDER, view.account, API_TOKEN)
    keys = f"{view.key_of(EMAIL)} and {view.key_of(PASSWORD)}"
    how = f"{view.how_to_set(EMAIL)}, and {view.how_to_set(PASSWORD)}"
    return CredentialHint(PROVIDER, view.account, keys, how, "login (email and password)")


def runtime_for(
    config: ConfigSource | Mapping[str, Any] | None, account: str | None = None
) -> MailinRuntime:
    """The runtime of `account` (None: the default account of the plain settings), made once
    per process for the account and its settings. A named account not in `mailin:accounts`, or
    one without credentials, is a `ConfigError` naming the key to set."""
    view = AccountConfig(NAMESPACE, config, account)
    base_url = require(BASE_URL, view)
    token = read(API_TOKEN, view)
    email = read(EMAIL, view)
    password = read(PASSWORD, view)
    if not token and not (email and password):
        raise _no_credentials(view)
    device = require(DEVICE_NAME, view)
    interval = read_float(POLL_INTERVAL, view, minimum=0.05)
    endpoints = endpoint_table(NAMESPACE, ep, view)
    limits = read_limits(NAMESPACE, view)
    login = (
        view.account,
        base_url,
        token or "",
        email or "",
        password or "",
        device,
        endpoints,
        limits,
    )

    def make_client() -> MailinClient:
        # the account's one limiter: every HTTP client of the account shares it
        return MailinClient(
            base_url,
            token=token,
            email=email,
            password=password,
            device_name=device,
            endpoints=endpoints,
            account=view.account,
            retry=RetryPolicy(request_timeout=limits.timeout),
            limiter=limiter_for(NAMESPACE, view.account, limits),
            credential=credential_of(view, token),
        )

    def make_runtime() -> MailinRuntime:
        return MailinRuntime(_clients.get(login, make_client), interval, view.account)

    return _runtimes.get((*login, str(interval)), make_runtime)


def drop_shared_reads() -> None:
    """Forgets every runtime's shared reads (a new provider process starts without them)."""
    for runtime in _runtimes.values():
        runtime.shared.drop()

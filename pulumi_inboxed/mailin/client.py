"""Typed Mailin.ai client: token or email/password login, 210/31x codes, Laravel pagination.

Login (email and password): one per client, shared by every thread and call, retried on
transient failures (5xx, 310, connection errors: a login changes nothing twice). The token a
login made is revoked when the process exits (`revoke_created_tokens`, registered with `atexit`),
so a run leaves no live token behind; a configured `mailin:apiToken` is never revoked.
"""

from __future__ import annotations

import atexit
import logging
import threading
import weakref
from collections.abc import Sequence
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from ..core.endpoints_config import EndpointTable
from ..core.errors import (
    ApiError,
    AuthenticationError,
    ConfigError,
    NotFoundError,
    TransportError,
    UnprocessableError,
)
from ..core.http import HttpClient, ParsedError, RetryPolicy
from . import endpoints as ep
from .errors import CUSTOM_STATUS_ERRORS, DomainsUnavailableError, LoginFailedError
from .models import (
    Availability,
    DomainJob,
    LoginResult,
    MailboxCredentials,
    MailboxJob,
    MailinDomain,
    MailinMailbox,
    NewGoogleMailbox,
    NewSmtpMailbox,
    Page,
    RateLimit,
    Server,
    Totp,
    TransferAccepted,
    User,
)
from .verification_calls import VerificationCalls

PROVIDER = "Mailin.ai"
# Transient answers, retried for idempotent calls and for the login: 310 is Mailin.ai's own
# "error communicating with another API. You may try again."
RETRYABLE_STATUSES = frozenset({310, 500, 502, 503, 504})
LOGOUT_TIMEOUT_SECONDS = 5.0
log = logging.getLogger("pulumi_inboxed.mailin")
PER_PAGE = 100  # our choice: the page gives only the default (15); larger pages, fewer requests
M = TypeVar("M", bound=BaseModel)


def parse_error(response: httpx.Response) -> ParsedError:
    """Laravel's `{"message", "errors": {...}}`, or `{"message", "unavailable": ...}`."""
    try:
        body = response.json()
    except ValueError:
        return (response.text[:500] or response.reason_phrase, None, {})
    if not isinstance(body, dict):
        return (str(body)[:500], None, {})
    details = {k: body[k] for k in ("errors", "unavailable") if k in body}
    return (str(body.get("message") or response.reason_phrase), None, details)


class MailinClient(VerificationCalls):
    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        email: str | None = None,
        password: str | None = None,
        device_name: str = "pulumi-inboxed",
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        endpoints: EndpointTable | None = None,
    ) -> None:
        self.endpoints = endpoints or EndpointTable("mailin")
        """The endpoint table, overrides from `mailin:endpoints` applied."""
        if not token and not (email and password):
            raise ConfigError("Mailin.ai needs an API token, or an email and a password to log in")
        self._base_url = base_url
        self._token = token
        self._email = email
        self._password = password
        self._device = device_name
        self._user_id: int | None = None
        # One login at a time: threads that find no token (or a rejected one) wait for it.
        self._login_lock = threading.Lock()
        self._logout_lock = threading.Lock()
        common: dict[str, Any] = {
            "provider": PROVIDER,
            "base_url": base_url,
            "retry": retry,
            "error_parser": parse_error,
            "transport": transport,
            "extra_errors": CUSTOM_STATUS_ERRORS,
            "retryable_statuses": RETRYABLE_STATUSES,
        }
        self._anonymous = HttpClient(headers={}, **common)
        # The token is a header of this one client, replaced in place after a login: a client is
        # never closed under a request another thread is sending.
        self._http = HttpClient(headers=self._auth_header(token), **common)
        # Logout at exit: quick, one retry at most (the engine waits 5 s for the process).
        self._logout = HttpClient(
            headers={}, **{**common, "retry": RetryPolicy(2, 0.1, 0.5, LOGOUT_TIMEOUT_SECONDS)}
        )
        # Tokens this client's logins made (not a configured one): revoked at exit.
        self._created: list[str] = []

    @staticmethod
    def _auth_header(token: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"} if token else {}

    def __repr__(self) -> str:
        return f"MailinClient(base_url={self._base_url!r})"

    def close(self) -> None:
        """Revokes the tokens this client's logins made, then closes its connections."""
        self.revoke_created_tokens()
        self._anonymous.close()
        self._http.close()
        self._logout.close()

    # authentication ----------------------------------------------------------------------
    def login(self) -> str:
        """Logs in with the email and password; keeps and returns the token."""
        with self._login_lock:
            return self._login()

    def _login(self) -> str:
        """`login()` for a caller that holds `_login_lock`.

        Retried on 5xx, 310 and connection failures (`safe_to_retry`: a second login only makes
        a second token, which is revoked at exit like the first). Any failure is a
        `LoginFailedError` naming the login, never the password."""
        if not (self._email and self._password):
            raise ConfigError("Mailin.ai login needs an email and a password")
        login = self.endpoints.resolve(ep.LOGIN)
        try:
            response = self._anonymous.request(
                login.method,
                login.path,
                json={
                    "email": self._email,
                    "password": self._password,
                    "device_name": self._device,
                },
                safe_to_retry=True,
            )
            result = LoginResult.model_validate(response.json())
        except ApiError as exc:
            raise LoginFailedError.from_api(exc) from None
        except TransportError as exc:
            raise LoginFailedError(
                f"{exc} (logging in with mailin:email and mailin:password)"
            ) from None
        except ValueError:  # not JSON, or no token in it (pydantic's error quotes the body)
            raise LoginFailedError(
                f"{PROVIDER}: {login.method} {login.path} answered without a token "
                '(expected {"user_id": ..., "token": ...})'
            ) from None
        self._token, self._user_id = result.token, result.user_id
        for name, value in self._auth_header(result.token).items():
            self._http.set_header(name, value)
        if not self._created:
            _LOGGED_IN.add(self)
        self._created.append(result.token)
        return result.token

    def revoke_created_tokens(self) -> int:
        """Revokes (`ep.LOGOUT`) every token this client's logins made; returns how many the API
        revoked. Best effort, one retry at most: an API without the endpoint (404, 405) or an
        unreachable one leaves the token to expire. A configured token is never revoked."""
        with self._login_lock:
            created, self._created = self._created, []
            if self._token in created:
                self._token = None
        revoked = 0
        logout = self.endpoints.resolve(ep.LOGOUT)
        with self._logout_lock:  # the logout client's header is this token's for one call
            for token in created:
                self._logout.set_header("Authorization", f"Bearer {token}")
                try:
                    self._logout.request(logout.method, logout.path, safe_to_retry=True)
                except (ApiError, TransportError) as exc:
                    log.debug("Mailin.ai logout failed: %s", type(exc).__name__)
                    continue
                finally:
                    self._logout.set_header("Authorization", "")
                revoked += 1
        return revoked

    def _relogin(self, rejected: str | None) -> None:
        """Logs in again unless another thread already replaced the `rejected` token."""
        with self._login_lock:
            if self._token == rejected:
                self._login()

    @property
    def user_id(self) -> int | None:
        return self._user_id

    def _authed(self) -> HttpClient:
        if self._token is None:
            self._relogin(None)
        return self._http

    def _call(
        self,
        endpoint: ep.Endpoint,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        data: dict[str, Any] | None = None,
        files: dict[str, Any] | None = None,
        raw: bool = False,
        **path: object,
    ) -> Any:
        endpoint = self.endpoints.resolve(endpoint)
        url = endpoint.format(**path)
        body = {"params": params, "json": json, "data": data, "files": files}
        http = self._authed()
        used = self._token
        try:
            response = http.request(endpoint.method, url, **body)
        except AuthenticationError:
            if not (self._email and self._password):
                raise
            self._relogin(used)  # the token expired or was revoked: once more with a fresh one
            response = http.request(endpoint.method, url, **body)
        if raw:
            return response
        return response.json() if response.content else None

    def _fetch(self, url: str) -> httpx.Response:
        """GET an absolute URL the API gave (a download link), without the bearer token."""
        return self._anonymous.request("GET", url)

    def _pages(
        self, endpoint: ep.Endpoint, model: type[M], params: dict[str, Any] | None = None
    ) -> list[M]:
        items: list[M] = []
        page = 1
        while True:
            query = {**(params or {}), "page": page, "per_page": PER_PAGE}
            data = Page[dict[str, Any]].model_validate(self._call(endpoint, params=query))
            items += [model.model_validate(item) for item in data.data]
            if page >= data.last_page or not data.next_page_url or not data.data:
                return items
            page += 1

    def __enter__(self) -> MailinClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # user and servers ---------------------------------------------------------------------
    def get_user(self, user_id: int | None = None) -> User:
        if user_id is None:
            if self._user_id is None and self._email and self._password:
                self.login()
            if self._user_id is None:
                raise ConfigError("the user id is known only after logging in with email/password")
            user_id = self._user_id
        return User.model_validate(self._call(ep.GET_USER, user_id=user_id))

    def list_servers(self) -> list[Server]:
        data = self._call(ep.LIST_SERVERS)
        items = data.get("data", []) if isinstance(data, dict) else data
        return [Server.model_validate(s) for s in items or []]

    def get_server(self, server_id: int) -> Server:
        return Server.model_validate(self._call(ep.GET_SERVER, server_id=server_id))

    # domains ------------------------------------------------------------------------------
    def list_domains(self, name: str | None = None, *, google: bool = False) -> list[MailinDomain]:
        endpoint = ep.LIST_GOOGLE_DOMAINS if google else ep.LIST_DOMAINS
        return self._pages(endpoint, MailinDomain, {"name": name} if name else None)

    def list_inboxkit_domains(self, name: str | None = None) -> list[MailinDomain]:
        params = {"name": name} if name else None
        return self._pages(ep.LIST_INBOXKIT_DOMAINS, MailinDomain, params)

    def get_domain(self, domain_id: int) -> MailinDomain:
        return MailinDomain.model_validate(self._call(ep.GET_DOMAIN, domain_id=domain_id))

    def find_domain(self, name: str, *, google: bool = False) -> MailinDomain | None:
        """The domain called exactly `name` (the list's `name` filter is a wildcard)."""
        wanted = name.lower()
        return next(
            (d for d in self.list_domains(name, google=google) if d.name.lower() == wanted), None
        )

    def check_availability(self, name: str) -> Availability:
        try:
            data = self._call(ep.CHECK_DOMAIN_AVAILABILITY, params={"domain_name": name})
        except NotFoundError as exc:  # the page: 404 means unavailable
            return Availability(available=False, message=exc.message)
        return Availability.model_validate(data)

    def buy_domains(self, names: Sequence[str], *, google: bool = False) -> str:
        """Buys the domains (one request); returns the domain job's uuid."""
        if not names:
            raise ValueError("buy at least one domain")
        try:
            if len(names) == 1:
                endpoint = ep.BUY_GOOGLE_DOMAIN if google else ep.BUY_DOMAIN
                data = self._call(endpoint, json={"domain_name": names[0]})
            else:
                endpoint = ep.BUY_GOOGLE_DOMAINS if google else ep.BUY_DOMAINS
                data = self._call(endpoint, json={"domain_names": list(names)})
        except UnprocessableError as exc:
            if "unavailable" in exc.details:
                raise DomainsUnavailableError(
                    exc.provider,
                    exc.status,
                    exc.message,
                    details=exc.details,
                    method=exc.method,
                    path=exc.path,
                ) from None
            raise
        return str(data["uuid"])

    def transfer_domain(self, name: str, *, google: bool = False) -> TransferAccepted:
        endpoint = ep.TRANSFER_GOOGLE_DOMAIN if google else ep.TRANSFER_DOMAIN
        return TransferAccepted.model_validate(self._call(endpoint, json={"domain_name": name}))

    def transfer_inboxkit_domain(self, name: str, uid: str) -> TransferAccepted:
        data = self._call(ep.TRANSFER_INBOXKIT_DOMAIN, json={"domain_name": name, "uid": uid})
        return TransferAccepted.model_validate(data)

    def get_domain_job(self, job_id: str) -> DomainJob:
        return DomainJob.model_validate(self._call(ep.DOMAIN_JOB_STATUS, job_id=job_id))

    def delete_domain(self, domain_id: int) -> None:
        """Deletes the domain AND all its mailboxes, permanently."""
        self._call(ep.DELETE_DOMAIN, domain_id=domain_id)

    def get_domain_rate_limit(self, domain_id: int) -> RateLimit:
        return RateLimit.model_validate(self._call(ep.DOMAIN_RATE_LIMIT, domain_id=domain_id))

    def add_subdomain(self, subdomain: str, domain: str) -> None:
        self._call(ep.ADD_SUBDOMAIN, json={"subdomain": subdomain, "domain": domain})

    def forward_domain(self, domain_id: int, forward_to: str) -> None:
        self._call(ep.FORWARD_DOMAIN, json={"domain_id": domain_id, "forward_to": forward_to})

    def remove_domain_forwarding(self, domain_id: int) -> None:
        self._call(ep.REMOVE_DOMAIN_FORWARDING, json={"domain_id": domain_id})

    def forward_email(self, domain_id: int, forward_to: str) -> None:
        self._call(ep.FORWARD_EMAIL, json={"domain_id": domain_id, "forward_to": forward_to})

    def remove_email_forwarding(self, domain_id: int) -> None:
        self._call(ep.REMOVE_EMAIL_FORWARDING, json={"domain_id": domain_id})

    # mailboxes ----------------------------------------------------------------------------
    def list_mailboxes(
        self, name: str | None = None, *, google: bool = False
    ) -> list[MailinMailbox]:
        endpoint = ep.LIST_GOOGLE_MAILBOXES if google else ep.LIST_MAILBOXES
        return self._pages(endpoint, MailinMailbox, {"name": name} if name else None)

    def get_mailbox(self, mailbox_id: int) -> MailinMailbox:
        return MailinMailbox.model_validate(self._call(ep.GET_MAILBOX, mailbox_id=mailbox_id))

    def create_smtp_mailboxes(self, mailboxes: Sequence[NewSmtpMailbox]) -> str:
        body = {"mailboxes": [m.model_dump(exclude_none=True) for m in mailboxes]}
        return str(self._call(ep.CREATE_MAILBOXES, json=body)["uuid"])

    def create_google_mailboxes(self, mailboxes: Sequence[NewGoogleMailbox]) -> str:
        body = {"mailboxes": [m.model_dump() for m in mailboxes]}
        return str(self._call(ep.CREATE_GOOGLE_MAILBOXES, json=body)["uuid"])

    def get_mailbox_job(self, job_id: str) -> MailboxJob:
        return MailboxJob.model_validate(self._call(ep.MAILBOX_JOB_STATUS, job_id=job_id))

    def update_mailbox_name(self, mailbox_id: int, name: str) -> None:
        self._call(ep.UPDATE_MAILBOX_NAME, json={"name": name}, mailbox_id=mailbox_id)

    def update_mailbox_password(self, mailbox_id: int, password: str) -> None:
        self._call(ep.UPDATE_MAILBOX_PASSWORD, json={"password": password}, mailbox_id=mailbox_id)

    def delete_mailbox(self, mailbox_id: int) -> None:
        self._call(ep.DELETE_MAILBOX, mailbox_id=mailbox_id)

    def get_mailbox_rate_limit(self, mailbox_id: int) -> RateLimit:
        return RateLimit.model_validate(self._call(ep.MAILBOX_RATE_LIMIT, mailbox_id=mailbox_id))

    def generate_totp(self, mailbox_id: int) -> Totp:
        return Totp.model_validate(self._call(ep.GENERATE_MAILBOX_TOTP, mailbox_id=mailbox_id))

    def show_credentials(self, mailbox_id: int) -> MailboxCredentials:
        data = self._call(ep.SHOW_MAILBOX_CREDENTIALS, mailbox_id=mailbox_id)
        return MailboxCredentials.model_validate(data)

    def add_signature(self, mailbox_id: int, signature: str) -> None:
        self._call(ep.ADD_MAILBOX_SIGNATURE, json={"signature": signature}, mailbox_id=mailbox_id)

    def delete_signature(self, mailbox_id: int) -> None:
        self._call(ep.DELETE_MAILBOX_SIGNATURE, mailbox_id=mailbox_id)

    def setup_forwarding(self, mailbox_id: int, forwarding_email: str) -> None:
        body = {"forwarding_email": forwarding_email}
        self._call(ep.SETUP_MAILBOX_FORWARDING, json=body, mailbox_id=mailbox_id)

    def update_forwarding(self, mailbox_id: int, forwarding_email: str) -> None:
        body = {"forwarding_email": forwarding_email}
        self._call(ep.UPDATE_MAILBOX_FORWARDING, json=body, mailbox_id=mailbox_id)

    def remove_forwarding(self, mailbox_id: int) -> None:
        self._call(ep.REMOVE_MAILBOX_FORWARDING, mailbox_id=mailbox_id)


# Clients that logged in, so their tokens are revoked when the process exits (the provider
# process ends on the engine's SIGINT after every preview, up, refresh or destroy).
_LOGGED_IN: weakref.WeakSet[MailinClient] = weakref.WeakSet()


@atexit.register
def revoke_tokens_at_exit() -> None:
    for client in list(_LOGGED_IN):
        client.revoke_created_tokens()

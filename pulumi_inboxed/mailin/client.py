"""Typed Mailin.ai client on the shared base (`core.api_client.ApiClient`): token or
email/password login, 210/31x codes, Laravel pagination (`pages_linked`), and every call of the
API (user and servers, domains, mailboxes, email verification and credits, the Microsoft section:
inbox providers, domain registrars, Azure orders) in one class.

Login (email and password): one per client, shared by every thread and call, retried on
transient failures (5xx, 310, connection errors: a login changes nothing twice). The token a
login made is revoked when the process exits (`revoke_created_tokens`, registered with `atexit`),
so a run leaves no live token behind; a configured `mailin:apiToken` is never revoked. The
runtime holds one client per account (`runtime.runtime_for`), so each account has its own login.
"""

from __future__ import annotations

import atexit
import logging
import threading
import weakref
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from ..core.api_client import ApiClient, pages_linked
from ..core.endpoints_config import EndpointTable
from ..core.errors import (
    ApiError,
    AuthenticationError,
    ConfigError,
    CredentialHint,
    NotFoundError,
    TransportError,
    UnprocessableError,
)
from ..core.http import HttpClient, ParsedError, RetryPolicy, parse_json_error
from ..core.replies import ReplyShapeError, list_in, parse_model
from ..core.request_limits import RequestLimiter
from . import endpoints as ep
from .errors import (
    CUSTOM_STATUS_ERRORS,
    DomainsUnavailableError,
    LoginFailedError,
    credits_error,
)
from .microsoft_models import (
    AzureMailbox,
    AzureNameservers,
    AzureOrderInfo,
    BulkTask,
    CreditEntry,
    DomainRegistrarInfo,
    InboxProviderInfo,
    SingleVerification,
    UploadStatusSummary,
)
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

    def read(body: dict[str, Any]) -> ParsedError:
        details: dict[str, Any] = {k: body[k] for k in ("errors", "unavailable") if k in body}
        return (str(body.get("message") or response.reason_phrase), None, details)

    return parse_json_error(response, read)


class MailinClient(ApiClient):
    """One Mailin.ai account's client: the shared base (one call path through the account's
    endpoint table, write counting) plus the login and the API's calls."""

    PROVIDER = PROVIDER
    DOC = "docs/mailin-api.md"

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
        account: str | None = None,
        limiter: RequestLimiter | None = None,
        credential: CredentialHint | None = None,
    ) -> None:
        """`account`: the named account this client serves (None: the default account), for
        messages naming where its login is set. `limiter`: the account's pace, shared by every
        HTTP client of the account (this one's three: calls, login, logout). `credential`:
        what a refused call (401, 403) names, the API, the account and the key of its token
        or login (`runtime.credential_of`), never the value; a login's own refusal is a
        `LoginFailedError` naming the email and password keys."""
        if not token and not (email and password):
            raise ConfigError("Mailin.ai needs an API token, or an email and a password to log in")
        common: dict[str, Any] = {
            "provider": PROVIDER,
            "base_url": base_url,
            "retry": retry,
            "error_parser": parse_error,
            "transport": transport,
            "extra_errors": CUSTOM_STATUS_ERRORS,
            "retryable_statuses": RETRYABLE_STATUSES,
            "limiter": limiter,
        }
        # The token is a header of this one client, replaced in place after a login: a client is
        # never closed under a request another thread is sending.
        super().__init__(
            HttpClient(headers=self._auth_header(token), credential=credential, **common),
            endpoints or EndpointTable("mailin"),
        )
        self._base_url = base_url
        self._token = token
        self._email = email
        self._password = password
        self._device = device_name
        self._login_keys = (
            "mailin:email and mailin:password"
            if account is None
            else f"mailin:accounts.{account}.email and mailin:accounts.{account}.password"
        )
        self._user_id: int | None = None
        # One login at a time: threads that find no token (or a rejected one) wait for it.
        self._login_lock = threading.Lock()
        self._logout_lock = threading.Lock()
        self._anonymous = HttpClient(headers={}, **common)
        # Logout at exit: quick, one retry at most (the engine waits 5 s for the process).
        logout_timeout = min(LOGOUT_TIMEOUT_SECONDS, (retry or RetryPolicy()).request_timeout)
        self._logout = HttpClient(
            headers={}, **{**common, "retry": RetryPolicy(2, 0.1, 0.5, logout_timeout)}
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
        self.http.close()
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
            response = self.send(
                ep.LOGIN,
                json={
                    "email": self._email,
                    "password": self._password,
                    "device_name": self._device,
                },
                safe_to_retry=True,
                http=self._anonymous,
            )
            result = self._parse(ep.LOGIN, LoginResult, self.json_of(response, ep.LOGIN))
        except ApiError as exc:
            raise LoginFailedError.from_api(exc, self._login_keys) from None
        except TransportError as exc:
            raise LoginFailedError(f"{exc} (logging in with {self._login_keys})") from None
        except ReplyShapeError as exc:  # not JSON, or no token in it: named, never quoted
            raise LoginFailedError(
                f"{PROVIDER}: {login.method} {login.path} answered without a token "
                f'(expected {{"user_id": ..., "token": ...}}; the reply has no {exc.missing}, '
                f"see {self.DOC})"
            ) from None
        self._token, self._user_id = result.token, result.user_id
        for name, value in self._auth_header(result.token).items():
            self.http.set_header(name, value)
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
        with self._logout_lock:  # the logout client's header is this token's for one call
            for token in created:
                self._logout.set_header("Authorization", f"Bearer {token}")
                try:
                    self.send(ep.LOGOUT, safe_to_retry=True, http=self._logout)
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
        return self.http

    def _call(
        self,
        endpoint: ep.Endpoint,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        files: Mapping[str, Any] | None = None,
        **path: object,
    ) -> Any:
        """One authenticated call (`ApiClient.send`), its JSON body; a rejected token of a login
        is replaced once by a fresh login and the call sent again."""
        body: dict[str, Any] = {"params": params, "json": json, "data": data, "files": files}
        http = self._authed()
        used = self._token
        try:
            response = self.send(endpoint, path=path, http=http, **body)
        except AuthenticationError:
            if not (self._email and self._password):
                raise
            self._relogin(used)  # the token expired or was revoked: once more with a fresh one
            response = self.send(endpoint, path=path, http=http, **body)
        return self.json_of(response, endpoint)

    # reading replies (`core.replies`): a reply of the wrong shape is a `ReplyShapeError` naming
    # the path this account calls, the field and docs/mailin-api.md, never a value of the reply
    def _parse(self, endpoint: ep.Endpoint, model: type[M], data: Any) -> M:
        return parse_model(
            model, data, provider=PROVIDER, endpoint=self.where(endpoint), doc=self.DOC
        )

    def _items(self, endpoint: ep.Endpoint, data: Any, names: Sequence[str]) -> list[Any]:
        """The items of a list reply that is not a Laravel page (`list_in`: the list itself, or
        under one of `names` or a generic key). No reply, or an object giving nothing under
        `names` or `data`, is no items."""
        if data is None:
            return []
        try:
            return list_in(
                data, names, provider=PROVIDER, endpoint=self.where(endpoint), doc=self.DOC
            )
        except ReplyShapeError:
            if isinstance(data, Mapping) and not any(data.get(n) for n in (*names, "data")):
                return []
            raise

    def _field(self, endpoint: ep.Endpoint, data: Any, name: str) -> Any:
        """The reply's `name` (a job's uuid, a new object's id), which must be there."""
        if isinstance(data, Mapping) and data.get(name) is not None:
            return data[name]
        raise ReplyShapeError(PROVIDER, self.where(endpoint), f"`{name}`", self.DOC)

    def _int_field(self, endpoint: ep.Endpoint, data: Any, name: str) -> int:
        value = self._field(endpoint, data, name)
        try:
            return int(value)
        except (TypeError, ValueError):
            missing = f"`{name}` as a number"
            raise ReplyShapeError(PROVIDER, self.where(endpoint), missing, self.DOC) from None

    def _fetch(self, url: str) -> httpx.Response:
        """GET an absolute URL the API gave (a download link), without the bearer token."""
        return self._anonymous.request("GET", url)

    def _pages(
        self, endpoint: ep.Endpoint, model: type[M], params: Mapping[str, Any] | None = None
    ) -> list[M]:
        def fetch(number: int) -> tuple[list[M], int | None, str | None]:
            query = {**(params or {}), "page": number, "per_page": PER_PAGE}
            reply = self._call(endpoint, params=query)
            data = self._parse(endpoint, Page[dict[str, Any]], reply)
            items = [self._parse(endpoint, model, item) for item in data.data]
            return items, data.last_page, data.next_page_url

        return list(pages_linked(fetch))

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
        return self._parse(ep.GET_USER, User, self._call(ep.GET_USER, user_id=user_id))

    def list_servers(self) -> list[Server]:
        items = self._items(ep.LIST_SERVERS, self._call(ep.LIST_SERVERS), ("servers",))
        return [self._parse(ep.LIST_SERVERS, Server, s) for s in items]

    def get_server(self, server_id: int) -> Server:
        return self._parse(ep.GET_SERVER, Server, self._call(ep.GET_SERVER, server_id=server_id))

    # domains ------------------------------------------------------------------------------
    def list_domains(self, name: str | None = None, *, google: bool = False) -> list[MailinDomain]:
        endpoint = ep.LIST_GOOGLE_DOMAINS if google else ep.LIST_DOMAINS
        return self._pages(endpoint, MailinDomain, {"name": name} if name else None)

    def list_inboxkit_domains(self, name: str | None = None) -> list[MailinDomain]:
        params = {"name": name} if name else None
        return self._pages(ep.LIST_INBOXKIT_DOMAINS, MailinDomain, params)

    def get_domain(self, domain_id: int) -> MailinDomain:
        return self._parse(
            ep.GET_DOMAIN, MailinDomain, self._call(ep.GET_DOMAIN, domain_id=domain_id)
        )

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
        return self._parse(ep.CHECK_DOMAIN_AVAILABILITY, Availability, data)

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
                raise exc.as_class(DomainsUnavailableError) from None
            raise
        return str(self._field(endpoint, data, "uuid"))

    def transfer_domain(self, name: str, *, google: bool = False) -> TransferAccepted:
        endpoint = ep.TRANSFER_GOOGLE_DOMAIN if google else ep.TRANSFER_DOMAIN
        data = self._call(endpoint, json={"domain_name": name})
        return self._parse(endpoint, TransferAccepted, data)

    def transfer_inboxkit_domain(self, name: str, uid: str) -> TransferAccepted:
        data = self._call(ep.TRANSFER_INBOXKIT_DOMAIN, json={"domain_name": name, "uid": uid})
        return self._parse(ep.TRANSFER_INBOXKIT_DOMAIN, TransferAccepted, data)

    def get_domain_job(self, job_id: str) -> DomainJob:
        return self._parse(
            ep.DOMAIN_JOB_STATUS, DomainJob, self._call(ep.DOMAIN_JOB_STATUS, job_id=job_id)
        )

    def delete_domain(self, domain_id: int) -> None:
        """Deletes the domain AND all its mailboxes, permanently."""
        self._call(ep.DELETE_DOMAIN, domain_id=domain_id)

    def get_domain_rate_limit(self, domain_id: int) -> RateLimit:
        return self._parse(
            ep.DOMAIN_RATE_LIMIT, RateLimit, self._call(ep.DOMAIN_RATE_LIMIT, domain_id=domain_id)
        )

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
        return self._parse(
            ep.GET_MAILBOX, MailinMailbox, self._call(ep.GET_MAILBOX, mailbox_id=mailbox_id)
        )

    def create_smtp_mailboxes(self, mailboxes: Sequence[NewSmtpMailbox]) -> str:
        body = {"mailboxes": [m.model_dump(exclude_none=True) for m in mailboxes]}
        data = self._call(ep.CREATE_MAILBOXES, json=body)
        return str(self._field(ep.CREATE_MAILBOXES, data, "uuid"))

    def create_google_mailboxes(self, mailboxes: Sequence[NewGoogleMailbox]) -> str:
        body = {"mailboxes": [m.model_dump() for m in mailboxes]}
        data = self._call(ep.CREATE_GOOGLE_MAILBOXES, json=body)
        return str(self._field(ep.CREATE_GOOGLE_MAILBOXES, data, "uuid"))

    def get_mailbox_job(self, job_id: str) -> MailboxJob:
        return self._parse(
            ep.MAILBOX_JOB_STATUS, MailboxJob, self._call(ep.MAILBOX_JOB_STATUS, job_id=job_id)
        )

    def update_mailbox_name(self, mailbox_id: int, name: str) -> None:
        self._call(ep.UPDATE_MAILBOX_NAME, json={"name": name}, mailbox_id=mailbox_id)

    def update_mailbox_password(self, mailbox_id: int, password: str) -> None:
        self._call(ep.UPDATE_MAILBOX_PASSWORD, json={"password": password}, mailbox_id=mailbox_id)

    def delete_mailbox(self, mailbox_id: int) -> None:
        self._call(ep.DELETE_MAILBOX, mailbox_id=mailbox_id)

    def get_mailbox_rate_limit(self, mailbox_id: int) -> RateLimit:
        return self._parse(
            ep.MAILBOX_RATE_LIMIT,
            RateLimit,
            self._call(ep.MAILBOX_RATE_LIMIT, mailbox_id=mailbox_id),
        )

    def generate_totp(self, mailbox_id: int) -> Totp:
        return self._parse(
            ep.GENERATE_MAILBOX_TOTP,
            Totp,
            self._call(ep.GENERATE_MAILBOX_TOTP, mailbox_id=mailbox_id),
        )

    def show_credentials(self, mailbox_id: int) -> MailboxCredentials:
        data = self._call(ep.SHOW_MAILBOX_CREDENTIALS, mailbox_id=mailbox_id)
        return self._parse(ep.SHOW_MAILBOX_CREDENTIALS, MailboxCredentials, data)

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

    # email verification and credits -------------------------------------------------------
    def get_credits(self) -> int:
        return self._int_field(ep.GET_CREDITS, self._call(ep.GET_CREDITS), "total_credits")

    def credit_history(self) -> list[CreditEntry]:
        return self._pages(ep.CREDIT_HISTORY, CreditEntry)

    def _start(self, endpoint: ep.Endpoint, **kw: Any) -> Any:
        """A verification request; Mailin.ai's "You need N credits" 422 becomes
        `InsufficientCreditsError`."""
        try:
            return self._call(endpoint, **kw)
        except UnprocessableError as exc:
            refused = credits_error(exc)
            if refused is not None:
                raise refused from None
            raise

    def verify_single_email(self, email: str, type_: str = "standard") -> SingleVerification:
        data = self._start(ep.VERIFY_SINGLE_EMAIL, json={"email": email, "type": type_})
        return self._parse(ep.VERIFY_SINGLE_EMAIL, SingleVerification, data)

    def get_single_email(self, task_id: str) -> SingleVerification:
        data = self._call(ep.GET_SINGLE_EMAIL, params={"task_id": task_id})
        return self._parse(ep.GET_SINGLE_EMAIL, SingleVerification, data)

    def verify_bulk_emails(self, emails: Sequence[str], type_: str = "standard") -> str:
        """Up to 500 addresses in one request (the page's limit); returns the task id."""
        if not 1 <= len(emails) <= ep.MAX_BULK_EMAILS:
            raise ValueError(f"1 to {ep.MAX_BULK_EMAILS} addresses a request, got {len(emails)}")
        form = {"emails": ",".join(emails), "type": type_}
        data = self._start(ep.VERIFY_BULK_EMAILS, data=form)
        return str(self._field(ep.VERIFY_BULK_EMAILS, data, "task_id"))

    def verify_bulk_file(self, filename: str, content: bytes, type_: str = "standard") -> str:
        """A CSV or XLSX of at most 25 MB; returns the task id."""
        if len(content) > ep.MAX_BULK_FILE_BYTES:
            raise ValueError(f"{filename} is {len(content)} bytes; at most 25 MB")
        files = {"file": (filename, content)}
        data = self._start(ep.VERIFY_BULK_FILE, data={"type": type_}, files=files)
        return str(self._field(ep.VERIFY_BULK_FILE, data, "task_id"))

    def get_bulk_task(self, task_id: str) -> BulkTask:
        """The task; `status` "pending" while the API says it is still running, "failed" when
        it could not be processed (credits refunded, `reason` says why)."""
        data = self._call(ep.GET_BULK_TASK, params={"task_id": task_id})
        if isinstance(data, dict) and "status" not in data:
            message = str(data.get("message", ""))
            status = "failed" if "refund" in message.lower() or "reason" in data else "pending"
            data = {**data, "status": status, "task_id": task_id}
        return self._parse(ep.GET_BULK_TASK, BulkTask, data)

    def download_url(self, task_id: str, download_type: str) -> str:
        """The link to a finished bulk task's results (a form, as the page's example sends)."""
        form = {"task_id": task_id, "download_type": download_type}
        data = self._call(ep.DOWNLOAD_VERIFIED_EMAILS, data=form)
        return str(self._field(ep.DOWNLOAD_VERIFIED_EMAILS, data, "download_url"))

    def download_verified_emails(self, task_id: str, download_type: str) -> bytes:
        """The results file itself: fetched from `download_url` without the API token (the link
        is a storage link; the token is never sent to a host the answer named)."""
        response = self._fetch(self.download_url(task_id, download_type))
        content: bytes = response.content
        return content

    # inbox providers --------------------------------------------------------------------
    def add_inbox_provider(self, fields: Mapping[str, Any]) -> int:
        data = self._call(ep.ADD_INBOX_PROVIDER, json=dict(fields))
        return self._int_field(ep.ADD_INBOX_PROVIDER, data, "provider_id")

    def list_inbox_providers(self) -> list[InboxProviderInfo]:
        return self._pages(ep.LIST_INBOX_PROVIDERS, InboxProviderInfo)

    def update_inbox_provider(self, provider_id: int, fields: Mapping[str, Any]) -> None:
        self._call(ep.UPDATE_INBOX_PROVIDER, json=dict(fields), provider_id=provider_id)

    def delete_inbox_provider(self, provider_id: int) -> None:
        self._call(ep.DELETE_INBOX_PROVIDER, provider_id=provider_id)

    # domain registrars ------------------------------------------------------------------
    def add_domain_registrar(self, fields: Mapping[str, Any]) -> int:
        data = self._call(ep.ADD_DOMAIN_REGISTRAR, json=dict(fields))
        return self._int_field(ep.ADD_DOMAIN_REGISTRAR, data, "id")

    def list_domain_registrars(self) -> list[DomainRegistrarInfo]:
        return self._pages(ep.LIST_DOMAIN_REGISTRARS, DomainRegistrarInfo)

    def update_domain_registrar(self, registrar_id: int, fields: Mapping[str, Any]) -> None:
        self._call(ep.UPDATE_DOMAIN_REGISTRAR, json=dict(fields), registrar_id=registrar_id)

    def delete_domain_registrar(self, registrar_id: int) -> None:
        self._call(ep.DELETE_DOMAIN_REGISTRAR, registrar_id=registrar_id)

    # Azure orders ------------------------------------------------------------------------
    def add_azure_order(self, body: Mapping[str, Any]) -> None:
        """The page's answer carries no id: `find_azure_order(domain)` finds the order."""
        self._call(ep.ADD_AZURE_ORDER, json=dict(body))

    def list_azure_orders(self) -> list[AzureOrderInfo]:
        return self._pages(ep.LIST_AZURE_ORDERS, AzureOrderInfo)

    def find_azure_order(self, domain: str) -> AzureOrderInfo | None:
        wanted = domain.lower()
        return next((o for o in self.list_azure_orders() if o.domain.lower() == wanted), None)

    def get_azure_order_status(self, order_id: int) -> str:
        data = self._call(ep.AZURE_ORDER_STATUS, order_id=order_id)
        inner = data.get("data", data) if isinstance(data, dict) else {}
        return str(inner.get("status", "")).lower()

    def get_azure_nameservers(self, order_id: int) -> AzureNameservers:
        data = self._call(ep.AZURE_ORDER_NAMESERVERS, order_id=order_id)
        return self._parse(ep.AZURE_ORDER_NAMESERVERS, AzureNameservers, data)

    def get_azure_mailboxes(self, order_id: int) -> list[AzureMailbox]:
        data = self._call(ep.AZURE_ORDER_MAILBOXES, order_id=order_id)
        items = self._items(ep.AZURE_ORDER_MAILBOXES, data, ("mailboxes",))
        return [self._parse(ep.AZURE_ORDER_MAILBOXES, AzureMailbox, m) for m in items]

    def delete_azure_order(self, order_id: int) -> None:
        """Deletes the order and its domain."""
        self._call(ep.DELETE_AZURE_ORDER, order_id=order_id)

    def get_azure_order(self, order_id: int) -> AzureOrderInfo | None:
        """The order of that id, from the list (the page has no single-order endpoint)."""
        return next((o for o in self.list_azure_orders() if o.id == order_id), None)

    def set_azure_master_domain(self, order_id: int, forward_to: str) -> None:
        """Sets the master (redirect) domain. The page has no way to remove one: its one
        parameter, ``forward_to``, is a domain (`AzureOrder` keeps a removed one, and says so)."""
        self._call(ep.SET_AZURE_MASTER_DOMAIN, json={"forward_to": forward_to}, order_id=order_id)

    def set_azure_inbox_provider(self, order_id: int, provider_id: int) -> None:
        body = {"provider_id": provider_id}
        self._call(ep.SET_AZURE_INBOX_PROVIDER, json=body, order_id=order_id)

    def remove_azure_inbox_provider(self, order_id: int) -> None:
        self._call(ep.REMOVE_AZURE_INBOX_PROVIDER, order_id=order_id)

    def trigger_azure_reupload(self, order_id: int) -> None:
        self._call(ep.TRIGGER_AZURE_REUPLOAD, order_id=order_id)

    def get_azure_upload_status(self, order_id: int) -> UploadStatusSummary:
        data = self._call(ep.AZURE_UPLOAD_STATUS, order_id=order_id)
        inner = data.get("upload_status_summary", data) if isinstance(data, Mapping) else data
        return self._parse(ep.AZURE_UPLOAD_STATUS, UploadStatusSummary, inner)


# Clients that logged in, so their tokens are revoked when the process exits (the provider
# process ends on the engine's SIGINT after every preview, up, refresh or destroy).
_LOGGED_IN: weakref.WeakSet[MailinClient] = weakref.WeakSet()


@atexit.register
def revoke_tokens_at_exit() -> None:
    for client in list(_LOGGED_IN):
        client.revoke_created_tokens()

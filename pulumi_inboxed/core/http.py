"""The HTTP layer every provider client stands on: timeouts, auth, retries with backoff.

Retries use `tenacity`. What is retried:
- 429 and connection failures that happened before the request was sent (`ConnectError`,
  `ConnectTimeout`, `PoolTimeout`): always, because the API did not act on the request;
- 5xx, read timeouts and dropped connections: only for idempotent methods (GET, PUT, DELETE, HEAD),
  because a POST that failed half-way may have bought something. Such a write fails here, and
  `core.safe_write.write_once` checks what it did before sending it again.
A `Retry-After` header (seconds) is honoured, capped by `RetryPolicy.max_wait`.

Every request waits for a slot of its account's `RequestLimiter` (`core.request_limits`), and
none starts once the engine is gone (`core.engine_watch`); a wait between tries ends at once
when it goes.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import tenacity

from .engine_watch import check_engine
from .errors import (
    ApiError,
    CredentialHint,
    RateLimitedError,
    TransportError,
    error_class_for,
)
from .request_limits import RequestLimiter, sleep_unless_engine_gone

log = logging.getLogger("pulumi_inboxed.http")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRYABLE_SERVER_STATUSES = frozenset({500, 502, 503, 504})

ParsedError = tuple[str, str | None, dict[str, Any]]
"""(message, code, details) read from an error response body."""

ErrorParser = Callable[[httpx.Response], ParsedError]


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6
    initial_wait: float = 0.5
    max_wait: float = 30.0
    request_timeout: float = 30.0


def parse_retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None  # HTTP-date form: fall back to backoff
    return max(seconds, 0.0)


def parse_json_error(
    response: httpx.Response, read: Callable[[dict[str, Any]], ParsedError | None]
) -> ParsedError:
    """An error page whose body is a JSON object, read by the API's `read` (None: no field it
    knows); any other body is shown as it came, cut to 500 characters."""
    try:
        body = response.json()
    except ValueError:
        return (response.text[:500] or response.reason_phrase, None, {})
    read_back = read(body) if isinstance(body, dict) else None
    return read_back if read_back is not None else (str(body)[:500], None, {})


def default_error_parser(response: httpx.Response) -> ParsedError:
    def read(body: dict[str, Any]) -> ParsedError:
        message = body.get("message") or body.get("error") or response.reason_phrase
        code = body.get("code")
        return (str(message), str(code) if code is not None else None, {})

    return parse_json_error(response, read)


class _RetryableTransport(Exception):
    def __init__(self, error: TransportError) -> None:
        self.error = error


class HttpClient:
    """A thin, typed wrapper around `httpx.Client` shared by the provider clients."""

    def __init__(
        self,
        *,
        provider: str,
        base_url: str,
        headers: Mapping[str, str],
        retry: RetryPolicy | None = None,
        error_parser: ErrorParser = default_error_parser,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] | None = None,
        extra_errors: Mapping[int, type[ApiError]] | None = None,
        retryable_statuses: frozenset[int] = RETRYABLE_SERVER_STATUSES,
        rate_limit_statuses: frozenset[int] = frozenset({429}),
        limiter: RequestLimiter | None = None,
        credential: CredentialHint | None = None,
    ) -> None:
        """
        :param extra_errors: statuses (below 400 or not) that are errors of their own for this
            API (Mailin.ai's 310-313; MailChannels' 503 rate limit), with their error class.
        :param retryable_statuses: error statuses retried for idempotent methods.
        :param rate_limit_statuses: statuses meaning "refused, not processed: come back later",
            retried for every method (429; MailChannels answers 503).
        :param limiter: the account's pace (shared by every client of the account); None: no
            pace but the API's own.
        :param credential: whose credential the headers carry and where it is set: a 401 or
            403 names the account and the config key (never the value).
        """
        self.provider = provider
        self.retry = retry or RetryPolicy()
        self._error_parser = error_parser
        self._sleep = sleep
        self._extra_errors = dict(extra_errors or {})
        self._retryable = retryable_statuses
        self._rate_limited = rate_limit_statuses
        self.limiter = limiter
        self.credential = credential
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"Accept": "application/json", "User-Agent": "pulumi-inboxed", **headers},
            timeout=self.retry.request_timeout,
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    def set_header(self, name: str, value: str) -> None:
        """Sets a header of every later request (a refreshed token), without a new client, so
        requests other threads are sending on this client are not cut off."""
        self._client.headers[name] = value

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        files: Mapping[str, Any] | None = None,
        safe_to_retry: bool | None = None,
    ) -> httpx.Response:
        """Sends one request with retries; returns the 2xx/3xx response or raises `ApiError`.

        `data`/`files` send a form (multipart when there are files) instead of JSON.
        `safe_to_retry=True` retries a POST like an idempotent call (a login, a read-only
        search): only for requests that change nothing, or change nothing twice.
        """
        idempotent = (
            safe_to_retry if safe_to_retry is not None else method.upper() in IDEMPOTENT_METHODS
        )

        def should_retry(state: tenacity.RetryCallState) -> bool:
            if state.outcome is None or not state.outcome.failed:
                return False
            exc = state.outcome.exception()
            if isinstance(exc, RateLimitedError) or (
                isinstance(exc, ApiError) and exc.status in self._rate_limited
            ):
                return True
            if isinstance(exc, ApiError) and exc.status in self._retryable:
                return idempotent
            return isinstance(exc, _RetryableTransport)

        def wait(state: tenacity.RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            backoff = min(
                self.retry.max_wait,
                self.retry.initial_wait * 2 ** (state.attempt_number - 1),
            )
            if isinstance(exc, ApiError) and exc.retry_after is not None:
                return min(exc.retry_after, self.retry.max_wait)
            jitter: float = 0.5 + random.random() / 2
            return float(backoff * jitter)

        retrying = tenacity.Retrying(
            retry=should_retry,
            wait=wait,
            stop=tenacity.stop_after_attempt(self.retry.attempts),
            reraise=True,
            sleep=self._sleep or sleep_unless_engine_gone,
        )
        body = {"json": json, "data": data, "files": files}
        try:
            return retrying(self._send_once, method, path, params, body, idempotent)
        except _RetryableTransport as wrapped:
            raise wrapped.error from None

    def _send_once(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None,
        body: Mapping[str, Any],
        idempotent: bool,
    ) -> httpx.Response:
        check_engine()
        try:
            if self.limiter is None:
                response = self._client.request(method, path, params=params, **body)
            else:
                with self.limiter.slot():
                    check_engine()
                    response = self._client.request(method, path, params=params, **body)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            # never sent: no connection was made (or none was free in the client's pool)
            raise _RetryableTransport(
                TransportError(self.provider, method, path, type(exc).__name__)
            ) from None
        except httpx.TransportError as exc:
            error = TransportError(self.provider, method, path, type(exc).__name__)
            if idempotent:
                raise _RetryableTransport(error) from None
            raise error from None
        log.debug("%s %s %s -> %s", self.provider, method, path, response.status_code)
        if response.status_code >= 400 or response.status_code in self._extra_errors:
            raise self._error(response, method, path)
        return response

    def _error(self, response: httpx.Response, method: str, path: str) -> ApiError:
        message, code, details = self._error_parser(response)
        cls = self._extra_errors.get(response.status_code) or error_class_for(response.status_code)
        error = cls(
            self.provider,
            response.status_code,
            message,
            code=code,
            details=details,
            method=method,
            path=path,
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
        )
        if self.credential is not None and response.status_code in (401, 403):
            error.name_credential(self.credential)
        return error

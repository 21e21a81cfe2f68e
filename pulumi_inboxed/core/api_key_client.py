"""`ApiKeyClient`: an `ApiClient` of one API key whose non-idempotent writes are sent safely
(`core.safe_write.WritesOnce`); each API says how the key is sent and how its errors read."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import ClassVar

import httpx

from .api_client import ApiClient
from .endpoints_config import EndpointTable
from .errors import ApiError, CredentialHint
from .http import RETRYABLE_SERVER_STATUSES, HttpClient, ParsedError, RetryPolicy
from .request_limits import RequestLimiter, sleep_unless_engine_gone
from .safe_write import DEFAULT_WRITE_POLICY, WritePolicy, WritesOnce


class ApiKeyClient(ApiClient, WritesOnce):
    """One API key's client: the shared call path (`ApiClient`) over an `HttpClient` built from
    the class's settings below, plus `write_once` with the client's policy and wait."""

    NAMESPACE: ClassVar[str]
    """The API's config namespace (`<namespace>:endpoints` holds the account's overrides)."""
    EXTRA_ERRORS: ClassVar[Mapping[int, type[ApiError]]] = {}
    RETRYABLE_STATUSES: ClassVar[frozenset[int]] = RETRYABLE_SERVER_STATUSES
    RATE_LIMIT_STATUSES: ClassVar[frozenset[int]] = frozenset({429})

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        endpoints: EndpointTable | None = None,
        limiter: RequestLimiter | None = None,
        credential: CredentialHint | None = None,
        write_policy: WritePolicy = DEFAULT_WRITE_POLICY,
        sleep: Callable[[float], None] = sleep_unless_engine_gone,
    ) -> None:
        """
        :param limiter: the account's pace (its runtime's one limiter for the account).
        :param credential: the account and the key's config key, named by a 401 or 403.
        :param write_policy: how often a write that failed transiently is checked and re-sent
            (`core.safe_write.write_once`).
        :param sleep: how the client waits between tries: cut short once the engine is gone
            (`core.request_limits.sleep_unless_engine_gone`), as every other client's; a no-op
            in unit tests.
        """
        self.write_policy = write_policy
        self.sleep = sleep
        http = HttpClient(
            provider=self.PROVIDER,
            base_url=base_url,
            headers=self.auth_headers(api_key),
            retry=retry,
            error_parser=self.parse_error,
            transport=transport,
            sleep=sleep,
            limiter=limiter,
            credential=credential,
            extra_errors=self.EXTRA_ERRORS,
            retryable_statuses=self.RETRYABLE_STATUSES,
            rate_limit_statuses=self.RATE_LIMIT_STATUSES,
        )
        super().__init__(http, endpoints or EndpointTable(self.NAMESPACE))

    @staticmethod
    def auth_headers(api_key: str) -> dict[str, str]:
        """The headers that carry the key on every request."""
        raise NotImplementedError

    @staticmethod
    def parse_error(response: httpx.Response) -> ParsedError:
        """The API's error page read as (message, code, details)."""
        raise NotImplementedError


__all__ = ["ApiKeyClient"]

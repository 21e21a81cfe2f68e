"""Typed Pingram client for sender domains (Bearer API key)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from ..core.http import HttpClient, ParsedError, RetryPolicy
from . import endpoints as ep
from .errors import BY_STATUS
from .models import SenderDomain

PROVIDER = "Pingram"


def parse_error(response: httpx.Response) -> ParsedError:
    """Reads the standard error response; `details` keeps trackingId, fix, provider(Code)."""
    try:
        body = response.json()
    except ValueError:
        return (response.text[:500] or response.reason_phrase, None, {})
    if not isinstance(body, dict):
        return (str(body)[:500], None, {})
    raw_error = body.get("error")
    error: dict[str, Any] = raw_error if isinstance(raw_error, dict) else {}
    details = {
        "trackingId": body.get("trackingId"),
        "fix": error.get("fix"),
        "provider": error.get("provider"),
        "providerCode": error.get("providerCode"),
    }
    message = error.get("message") or body.get("message") or response.reason_phrase
    code = error.get("code")
    return (str(message), str(code) if code else None, {k: v for k, v in details.items() if v})


class PingramClient:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._http = HttpClient(
            provider=PROVIDER,
            base_url=base_url,
            headers={"Authorization": f"Bearer {api_key}"},
            retry=retry,
            error_parser=parse_error,
            transport=transport,
            extra_errors=dict(BY_STATUS),
            retryable_statuses=frozenset({500, 503, 504}),  # 502 is the provider's own failure
        )

    def close(self) -> None:
        self._http.close()

    def _call(self, endpoint: ep.Endpoint, *, json: Any = None, **path: str) -> Any:
        quoted = {k: quote(v, safe="") for k, v in path.items()}
        response = self._http.request(endpoint.method, endpoint.format(**quoted), json=json)
        return response.json() if response.content else None

    def list_domains(self) -> list[SenderDomain]:
        return [SenderDomain.model_validate(d) for d in self._call(ep.LIST_DOMAINS) or []]

    def get_domain(self, sender: str) -> SenderDomain | None:
        return next((d for d in self.list_domains() if d.sender == sender), None)

    def add_domain(self, sender: str) -> list[SenderDomain]:
        """Adds a sender domain (the domain only, not an address) and starts verification."""
        data = self._call(ep.ADD_DOMAIN, json={"sender": sender})
        return [SenderDomain.model_validate(d) for d in data or []]

    def start_verification(self, sender: str) -> list[SenderDomain]:
        data = self._call(ep.START_VERIFICATION, sender=sender)
        return [SenderDomain.model_validate(d) for d in data or []]

    def delete_domain(self, sender: str) -> None:
        self._call(ep.DELETE_DOMAIN, sender=sender)

"""Typed Pingram client for sender domains (Bearer API key)."""

from __future__ import annotations

from typing import Any, TypeVar

import httpx

from ..core.api_key_client import ApiKeyClient
from ..core.http import ParsedError, parse_json_error
from ..core.intents import Intent
from ..core.replies import ReplyShapeError, list_in, parse_model, unwrap
from . import endpoints as ep
from .errors import (
    ALREADY_EXISTS,
    BY_STATUS,
    PingramBadRequestError,
    PingramConflictError,
)
from .models import SenderDomain

T = TypeVar("T")
PROVIDER = "Pingram"
DOC = "docs/mailchannels-pingram-api.md (Pingram)"
LIST_NAMES = ("domains", "senders")


def parse_error(response: httpx.Response) -> ParsedError:
    """Reads the standard error response; `details` keeps trackingId, fix, provider(Code)."""

    def read(body: dict[str, Any]) -> ParsedError:
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
        found = {k: v for k, v in details.items() if v}
        return (str(message), str(code) if code else None, found)

    return parse_json_error(response, read)


class PingramClient(ApiKeyClient):
    """One Pingram API key's client (`core.api_client.ApiClient`: one call path, the endpoint
    overrides of its account, write counting); the sender in a path is percent-encoded."""

    PROVIDER = PROVIDER
    DOC = DOC

    NAMESPACE = "pingram"
    """`pingram:endpoints` holds the account's endpoint overrides (`self.endpoints`)."""
    EXTRA_ERRORS = BY_STATUS
    RETRYABLE_STATUSES = frozenset({500, 502, 503, 504})
    """Retried for idempotent calls (a GET, a DELETE): 502 too, a gateway's or the upstream
    provider's (SES throttling or unavailable), which passes as the others do. `write_once` takes
    every 502 as transient as well, so a write it refused is looked for, then sent again, a
    bounded number of times."""
    parse_error = staticmethod(parse_error)

    @staticmethod
    def auth_headers(api_key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {api_key}"}

    def _call(self, endpoint: ep.Endpoint, *, json: Any = None, **path: str) -> Any:
        return self.call_json(endpoint, path=path, quote_path=True, json=json)

    def _senders(self, body: Any, endpoint: ep.Endpoint) -> list[SenderDomain]:
        """Sender domains in a reply: the bare array the page shows, or the same list under
        `domains`/`senders`/`data`, or one sender object. Fails with `ReplyShapeError` naming
        the endpoint and the fields (never a value: these objects carry DKIM private keys)."""
        where = self.where(endpoint)
        inner = unwrap(body)
        if isinstance(inner, dict) and "sender" in inner:
            items: list[Any] = [inner]
        else:
            items = list_in(body, LIST_NAMES, provider=PROVIDER, endpoint=where, doc=DOC)
        return [
            parse_model(SenderDomain, item, provider=PROVIDER, endpoint=where, doc=DOC)
            for item in items
        ]

    def _senders_or_none(self, body: Any, endpoint: ep.Endpoint) -> list[SenderDomain] | None:
        """For replies whose shape is our choice (add, start verification): None when they hold
        no readable list, so the caller reads `GET /domains` (whose shape the page shows)."""
        if body is None:
            return None
        try:
            return self._senders(body, endpoint)
        except ReplyShapeError:
            return None

    def list_domains(self) -> list[SenderDomain]:
        return self._senders(self._call(ep.LIST_DOMAINS) or [], ep.LIST_DOMAINS)

    def get_domain(self, sender: str) -> SenderDomain | None:
        return next((d for d in self.list_domains() if d.sender == sender), None)

    def add_domain(self, sender: str) -> list[SenderDomain] | None:
        """Adds a sender domain (the domain only, not an address) and starts verification.

        The reply's shape is no page's (the SDK types it as the whole list): the domains it holds,
        or None when it holds no readable list."""
        data = self._call(ep.ADD_DOMAIN, json={"sender": sender})
        return self._senders_or_none(data, ep.ADD_DOMAIN)

    def add_domain_once(self, sender: str, *, account: str | None = None) -> SenderDomain | None:
        """`add_domain`, never twice: after a transient failure (a 5xx, a gateway's 502, a
        timeout, a dropped connection) `GET /domains` is read first, and the domain listed there
        took effect; only when it is not there is the add sent again. A re-send refused because
        the domain exists (409, or 400 `DOMAIN_ALREADY_EXISTS`) reads the listing once more.
        The caller looked before adding: what is found is its own. Returns the domain as the
        reply or the listing shows it (None when neither does). The add's intent is recorded
        first, under `account` (`core.intents`)."""

        sends: list[int] = []

        def send() -> list[SenderDomain]:
            sends.append(1)
            try:
                return [d for d in self.add_domain(sender) or [] if d.sender == sender]
            except PingramBadRequestError as exc:
                if exc.code != ALREADY_EXISTS or len(sends) == 1:
                    raise
                # an earlier send of ours may have taken effect: write_once looks once more
                raise exc.as_class(PingramConflictError) from None

        def find() -> list[SenderDomain] | None:
            listed = self.get_domain(sender)
            return None if listed is None else [listed]

        added = self.write_once(
            f"{PROVIDER} {self.where(ep.ADD_DOMAIN)} for {sender}",
            send,
            find,
            intent=Intent(PROVIDER, account, (sender,), "sender domain", "added"),
        )
        return next(iter(added), None) or self.get_domain(sender)

    def start_verification(self, sender: str) -> list[SenderDomain] | None:
        """Starts verification; the domains the reply holds, or None (as `add_domain`).

        Repeating it is harmless: it makes nothing and buys nothing (at most the check of the
        DNS records starts over), so a send that failed transiently is simply sent again
        (`core.safe_write.write_once` with nothing to look for, `self.write_policy` tries)."""

        def send() -> list[list[SenderDomain] | None]:
            data = self._call(ep.START_VERIFICATION, sender=sender)
            return [self._senders_or_none(data, ep.START_VERIFICATION)]

        (started,) = self.write_once(
            f"{PROVIDER} {self.where(ep.START_VERIFICATION)} for {sender}", send, lambda: None
        )
        return started

    def delete_domain(self, sender: str) -> None:
        self._call(ep.DELETE_DOMAIN, sender=sender)

"""Typed MailChannels Inbound client: `X-API-Key` auth, batch provisioning, 503 = rate limit."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar, TypeVar

import httpx
from pydantic import BaseModel

from ..core.api_client import pages_offset
from ..core.api_key_client import ApiKeyClient
from ..core.errors import ApiError, RateLimitedError
from ..core.http import ParsedError, parse_json_error
from ..core.replies import list_in, parse_model, unwrap
from . import endpoints as ep
from .models import BatchResult, InboundDomain, Subscription

PROVIDER = "MailChannels"
M = TypeVar("M", bound=BaseModel)
DOC = "docs/mailchannels-pingram-api.md (MailChannels Inbound)"
PAGE_SIZE = 1000  # our choice: the list call's default is 10
MAX_FILTER_QUERY_CHARS = 6000  # our choice: keeps a filtered list's URL under common 8 KB limits


def parse_error(response: httpx.Response) -> ParsedError:
    """`{"code": 0, "message": "...", "errors": ["..."]}` on every error page.

    The message carries the `errors` list too (a 403 says there which limit was hit); `code` is
    kept when it says more than the HTTP status.
    """

    def read(body: dict[str, Any]) -> ParsedError:
        errors = body.get("errors")
        details = {"errors": errors} if isinstance(errors, list) else {}
        message = str(body.get("message") or response.reason_phrase)
        if isinstance(errors, list) and errors:
            message += " (" + "; ".join(str(e) for e in errors[:20]) + ")"
        code = body.get("code")
        same = code in (None, 0, "", response.status_code, str(response.status_code))
        return (message, None if same else str(code), details)

    return parse_json_error(response, read)


def filter_chunks(names: Sequence[str]) -> Iterator[list[str]]:
    """`names` in chunks of at most 5000 whose `domains=` query stays short enough for a URL."""
    chunk: list[str] = []
    size = 0
    for name in names:
        cost = len(ep.Q_LIST_DOMAINS) + len(name) + 2
        if chunk and (len(chunk) >= ep.MAX_LIST_FILTER or size + cost > MAX_FILTER_QUERY_CHARS):
            yield chunk
            chunk, size = [], 0
        chunk.append(name)
        size += cost
    if chunk:
        yield chunk


class MailChannelsClient(ApiKeyClient):
    """One MailChannels Inbound API key's client (`core.api_client.ApiClient`: one call path,
    the endpoint overrides of its account, write counting)."""

    PROVIDER = PROVIDER
    DOC = DOC

    NAMESPACE = "mailchannels"
    """`mailchannels:endpoints` holds the account's endpoint overrides (`self.endpoints`)."""
    EXTRA_ERRORS: ClassVar[Mapping[int, type[ApiError]]] = {ep.RATE_LIMIT_STATUS: RateLimitedError}
    RATE_LIMIT_STATUSES = frozenset({429, ep.RATE_LIMIT_STATUS})
    parse_error = staticmethod(parse_error)

    @staticmethod
    def auth_headers(api_key: str) -> dict[str, str]:
        return {ep.API_KEY_HEADER: api_key}

    def _models(self, model: type[M], items: Sequence[Any], endpoint: ep.Endpoint) -> list[M]:
        where = self.where(endpoint)
        return [
            parse_model(model, item, provider=PROVIDER, endpoint=where, doc=DOC) for item in items
        ]

    def _list(self, body: Any, names: Sequence[str], endpoint: ep.Endpoint) -> list[Any]:
        """The list in a list reply: bare, under one of `names`, or in a `data` envelope."""
        if body is None:
            return []
        where = self.where(endpoint)
        return list_in(body, names, provider=PROVIDER, endpoint=where, doc=DOC)

    def list_subscriptions(self) -> list[Subscription]:
        body = self.call_json(ep.LIST_SUBSCRIPTIONS)
        items = self._list(body, ("subscriptions",), ep.LIST_SUBSCRIPTIONS)
        return self._models(Subscription, items, ep.LIST_SUBSCRIPTIONS)

    def provision_domains(
        self,
        domains: Sequence[InboundDomain],
        *,
        subscription_handle: str,
        associate_key: bool = False,
        overwrite: bool = False,
    ) -> BatchResult:
        """One `POST /domains/batch` of at most 1000 domains: a partial result by design.

        A 403 (over the subscription's limit, or not your subscription) provisions nothing and
        raises `PermissionDeniedError`.
        """
        if not 1 <= len(domains) <= ep.MAX_DOMAINS_PER_BATCH:
            raise ValueError(
                f"1 to {ep.MAX_DOMAINS_PER_BATCH} domains a request, got {len(domains)}"
            )
        params: dict[str, str] = {ep.Q_SUBSCRIPTION: subscription_handle}
        if associate_key:
            params[ep.Q_ASSOCIATE_KEY] = "true"
        if overwrite:
            params[ep.Q_OVERWRITE] = "true"
        body = {"domains": [d.body() for d in domains]}
        reply = unwrap(self.call_json(ep.PROVISION_DOMAINS, params=params, json=body))
        where = self.where(ep.PROVISION_DOMAINS)
        return parse_model(BatchResult, reply, provider=PROVIDER, endpoint=where, doc=DOC)

    def provision_domain(
        self, domain: InboundDomain, *, associate_key: bool = False, overwrite: bool = False
    ) -> InboundDomain:
        """`POST /domains`: one domain (its `subscriptionHandle` in the body), sent safely.

        200 (already provisioned) and 201 (provisioned) both return the domain; 400, 403 and 409
        raise `BadRequestError`, `PermissionDeniedError` and `ConflictError`. A send that failed
        transiently (a 5xx, a timeout, a dropped connection, the 503 rate limit once the HTTP
        layer's own tries are spent) is checked first (a filtered `GET /domains`): the domain
        listed means it took effect and the listed domain is returned; else it is sent again
        (`core.safe_write.write_once`, `self.write_policy`). A domain is never provisioned twice.
        With `overwrite` the listing cannot tell (the domain was there before): the overwrite,
        which sets the same values again, is simply re-sent.
        """
        params: dict[str, str] = {}
        if associate_key:
            params[ep.Q_ASSOCIATE_KEY] = "true"
        if overwrite:
            params[ep.Q_OVERWRITE] = "true"
        body = domain.model_dump(by_alias=True, exclude_none=True)

        def send() -> InboundDomain:
            data = unwrap(self.call_json(ep.PROVISION_DOMAIN, params=params, json=body))
            if not data:
                return domain
            (one,) = self._models(InboundDomain, [data], ep.PROVISION_DOMAIN)
            return one

        def find() -> InboundDomain | None:
            if overwrite:
                return None
            listed = self.list_domains([domain.domain])
            return next((d for d in listed if d.domain == domain.domain), None)

        return self.write_once(
            f"{PROVIDER} {self.where(ep.PROVISION_DOMAIN)} for {domain.domain}", send, find
        )

    def list_domains(self, names: Sequence[str] | None = None) -> list[InboundDomain]:
        """Domains of this API key (every page), or just `names` (repeated `domains=` queries,
        at most 5000 names and about 6000 characters a request)."""
        if names:
            found: list[InboundDomain] = []
            for chunk in filter_chunks(names):
                params = {ep.Q_LIST_DOMAINS: chunk, ep.Q_LIMIT: len(chunk)}
                found += self._domains(self.call_json(ep.LIST_DOMAINS, params=params))
            return found
        return list(self._iter_domains())

    def _iter_domains(self) -> Iterator[InboundDomain]:
        def page(offset: int) -> list[InboundDomain]:
            params = {ep.Q_LIMIT: PAGE_SIZE, ep.Q_OFFSET: offset}
            return self._domains(self.call_json(ep.LIST_DOMAINS, params=params))

        return pages_offset(page, PAGE_SIZE)

    def _domains(self, body: Any) -> list[InboundDomain]:
        """`{"domains": [...]}` as the page shows; a bare list or a `data` envelope also read."""
        items = self._list(body, ("domains",), ep.LIST_DOMAINS)
        return self._models(InboundDomain, items, ep.LIST_DOMAINS)

    def remove_domain(self, domain: str) -> None:
        self.send(ep.REMOVE_DOMAIN, path={"domain": domain})


__all__ = ["MailChannelsClient"]

"""Typed InboxedUp client: one method per endpoint in `endpoints.py`, pydantic models out."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from ..core.api_client import pages_numbered
from ..core.api_key_client import ApiKeyClient
from ..core.http import ParsedError, parse_json_error
from ..core.replies import ReplyShapeError, first_field, list_in, page_numbers, parse_model, unwrap
from . import endpoints as ep
from .models import (
    Account,
    BatchStatus,
    Domain,
    DomainPage,
    DomainStatus,
    MailboxEntry,
    MailboxRequest,
    MailboxRequestCreated,
    MailboxRequestPage,
    MailboxType,
    RejectedDomain,
    SubmitDomainsResult,
    Subscription,
    VerifyNsResult,
)

PROVIDER = "InboxedUp"
MAX_DOMAINS_PER_SUBMIT = 500  # our choice, see docs/inboxedup-api.md
PAGE_LIMIT = 500


def parse_error(response: httpx.Response) -> ParsedError:
    """Reads `{"success": false, "error": {"code", "message", "details"}}`, or whatever came."""

    def read(body: dict[str, Any]) -> ParsedError | None:
        err = body.get("error")
        if isinstance(err, dict):
            details = err.get("details")
            return (
                str(err.get("message") or response.reason_phrase),
                str(err["code"]) if err.get("code") is not None else None,
                details if isinstance(details, dict) else {},
            )
        if isinstance(err, str):
            return (err, None, {})
        if isinstance(body.get("message"), str):
            return (body["message"], None, {})
        return None

    return parse_json_error(response, read)


class InboxedUpClient(ApiKeyClient):
    """One InboxedUp account's client (its token): the calls of `endpoints.py` on the shared
    `core.api_key_client.ApiKeyClient` base (one call path, write counting, numbered paging)."""

    PROVIDER = PROVIDER
    DOC = "docs/inboxedup-api.md"

    NAMESPACE = "inboxedup"
    """`inboxedup:endpoints` holds the account's endpoint overrides (`self.endpoints`)."""
    parse_error = staticmethod(parse_error)

    def __init__(self, base_url: str, token: str, **options: Any) -> None:
        """`token`: the account's API token (the name this constructor's keyword always had);
        `options`: the keywords of `ApiKeyClient` (retry, transport, endpoints, limiter, ...)."""
        super().__init__(base_url, token, **options)

    @staticmethod
    def auth_headers(api_key: str) -> dict[str, str]:
        """The token, sent as a bearer token."""
        return {"Authorization": f"Bearer {api_key}"}

    def _page(
        self,
        endpoint: ep.Endpoint,
        model: type[M],
        names: Sequence[str],
        page: int,
        limit: int,
        filters: Mapping[str, str | None],
    ) -> tuple[list[M], int, int, int | None]:
        """One numbered page of a list endpoint, the `filters` given sent as query parameters:
        its items (the list under one of `names`, each a `model`, named `<names[0]>[i]` in
        errors), the page and page size the reply says (else those asked) and the total."""
        params: dict[str, Any] = {"page": page, "limit": limit}
        params.update((key, value) for key, value in filters.items() if value)
        body = self.call_json(endpoint, params=params)
        at = self._at(endpoint)
        items = [
            _parse(model, item, at, f"{names[0]}[{i}]")
            for i, item in enumerate(_items(body, names, at))
        ]
        got_page, got_limit, total = page_numbers(body)
        return items, got_page or page, got_limit or limit, total

    def _at(self, endpoint: ep.Endpoint) -> ep.Endpoint:
        """The endpoint this account calls (its override, if any): what reply errors name."""
        return self.endpoints.resolve(endpoint)

    def _data(self, endpoint: ep.Endpoint, **kwargs: Any) -> Any:
        """The body with the documented `{"success": true, "data": X}` envelope taken off."""
        body = self.call_json(endpoint, **kwargs)
        if isinstance(body, dict) and "data" in body:
            return body["data"]
        return body

    def _idempotent_write(self, endpoint: ep.Endpoint, **kwargs: Any) -> Any:
        """`_data` for a write that is harmless to repeat: retried like a read (5xx, timeouts,
        dropped connections), and counted as a write (a read shared before it is stale)."""
        self._count_write()
        try:
            return self._data(endpoint, safe_to_retry=True, **kwargs)
        finally:
            self._count_write()

    # Account
    def get_account(self) -> Account:
        return _parse(Account, self._data(ep.ACCOUNT), self._at(ep.ACCOUNT))

    # Domains
    def submit_domains(self, domains: Sequence[str]) -> SubmitDomainsResult:
        """Submits the names; reads the batch id on the envelope or on each domain, the accepted
        domains under `domains` (or a similar key) and the refused ones under `rejected`."""
        if not 1 <= len(domains) <= MAX_DOMAINS_PER_SUBMIT:
            raise ValueError(f"submit 1 to {MAX_DOMAINS_PER_SUBMIT} domains, got {len(domains)}")
        body = self.call_json(ep.SUBMIT_DOMAINS, json={"domains": list(domains)})
        return read_submit_reply(body, self._at(ep.SUBMIT_DOMAINS))

    def get_batch_status(self, batch_id: str) -> BatchStatus:
        data = self._data(ep.BATCH_STATUS, path={"batch_id": batch_id})
        return _parse(BatchStatus, data, self._at(ep.BATCH_STATUS))

    def get_domain(self, domain_id: str) -> Domain:
        data = self._data(ep.GET_DOMAIN, path={"domain_id": domain_id})
        return _parse(Domain, _one(data, ("domain",)), self._at(ep.GET_DOMAIN))

    def remove_domain(self, domain_id: str) -> None:
        self.send(ep.REMOVE_DOMAIN, path={"domain_id": domain_id})

    def verify_domain_ns(self, domain_id: str) -> VerifyNsResult:
        """Asks the API to verify the nameservers; reads `verified` (or a similar flag, or an
        ACTIVE status) and the nameservers it found. A reply with neither fails by name."""
        # Verify-NS only checks the nameservers (and makes a PENDING_NS domain ACTIVE when they
        # are in place): sent twice, it changes nothing more, so a 5xx or a dropped connection
        # is retried like a read (it still counts as a write: a shared listing is stale after).
        reply = self._idempotent_write(ep.VERIFY_DOMAIN_NS, path={"domain_id": domain_id})
        data = _one(reply, ("domain",))
        verified = first_field(data, VERIFIED_KEYS)
        raw_status = first_field(data, ("status", "domainStatus"))
        status: DomainStatus | None = None
        if isinstance(raw_status, str):
            with contextlib.suppress(ValueError):
                status = DomainStatus(raw_status.strip().upper().replace(" ", "_"))
        if not isinstance(verified, bool):
            if isinstance(verified, str) and verified.lower() in ("true", "false"):
                verified = verified.lower() == "true"
            elif status is not None:
                verified = status is DomainStatus.ACTIVE
            else:
                wanted = " or ".join(f"`{k}`" for k in (*VERIFIED_KEYS, "status"))
                raise ReplyShapeError(PROVIDER, _name(self._at(ep.VERIFY_DOMAIN_NS)), wanted, DOC)
        found = first_field(data, ("found", "nameservers", "currentNameservers", "current_ns"))
        return VerifyNsResult(
            status=status,
            ns1=_str_or_none(first_field(data, ("ns1", "expectedNs1"))),
            ns2=_str_or_none(first_field(data, ("ns2", "expectedNs2"))),
            verified=verified,
            found=[str(n) for n in found] if isinstance(found, list) else [],
        )

    def list_domains_page(
        self,
        *,
        page: int = 1,
        limit: int = PAGE_LIMIT,
        status: str | None = None,
        batch_id: str | None = None,
        domain: str | None = None,
    ) -> DomainPage:
        filters = {"status": status, "batchId": batch_id, "domain": domain}
        domains, got_page, got_limit, total = self._page(
            ep.LIST_DOMAINS, Domain, ("domains",), page, limit, filters
        )
        return DomainPage(domains=domains, page=got_page, limit=got_limit, total=total)

    def iter_domains(
        self,
        *,
        status: str | None = None,
        batch_id: str | None = None,
        domain: str | None = None,
    ) -> Iterator[Domain]:
        """Every domain matching the filters, page by page. The filters are applied here too,
        so an API that ignores one of them still yields only what was asked for."""

        def fetch(n: int) -> tuple[list[Domain], int, int | None]:
            result = self.list_domains_page(page=n, status=status, batch_id=batch_id, domain=domain)
            return result.domains, result.limit, result.total

        pages = pages_numbered(fetch, key=lambda d: d.id)
        for d in pages:
            if status and d.status.value != status:
                continue
            if batch_id and d.batch_id and d.batch_id != batch_id:
                continue
            if domain and d.domain.lower() != domain.lower():
                continue
            yield d

    def find_domain(self, name: str) -> Domain | None:
        """The account's domain called `name` (a listing filtered by name), or None."""
        return next(iter(self.iter_domains(domain=name)), None)

    def find_domains(self, names: Sequence[str]) -> dict[str, Domain]:
        """The account's domains among `names`, by name (one listing, paged)."""
        wanted = set(names)
        return {d.domain: d for d in self.iter_domains() if d.domain in wanted}

    # Mailboxes
    def request_mailboxes(
        self, domain: str, type_: MailboxType, mailboxes: Sequence[MailboxEntry]
    ) -> MailboxRequestCreated:
        body = {
            "domain": domain,
            "type": type_.value,
            "mailboxes": [
                {
                    "firstName": m.first_name,
                    "lastName": m.last_name,
                    "mailboxUsername": m.mailbox_username,
                }
                for m in mailboxes
            ],
        }
        data = self._data(ep.REQUEST_MAILBOXES, json=body)
        return _parse(MailboxRequestCreated, data, self._at(ep.REQUEST_MAILBOXES))

    def get_mailbox_request(self, request_id: str) -> MailboxRequest:
        data = self._data(ep.GET_MAILBOX_REQUEST, path={"request_id": request_id})
        return _parse(MailboxRequest, _one(data, ("request",)), self._at(ep.GET_MAILBOX_REQUEST))

    def list_mailbox_requests_page(
        self,
        *,
        page: int = 1,
        limit: int = PAGE_LIMIT,
        domain: str | None = None,
        status: str | None = None,
    ) -> MailboxRequestPage:
        requests, got_page, got_limit, total = self._page(
            ep.LIST_MAILBOX_REQUESTS,
            MailboxRequest,
            ("requests", "mailboxRequests"),
            page,
            limit,
            {"domain": domain, "status": status},
        )
        return MailboxRequestPage(requests=requests, page=got_page, limit=got_limit, total=total)

    def iter_mailbox_requests(
        self, *, domain: str | None = None, status: str | None = None
    ) -> Iterator[MailboxRequest]:
        """Every request matching the filters (applied here too), page by page."""

        def fetch(n: int) -> tuple[list[MailboxRequest], int, int | None]:
            result = self.list_mailbox_requests_page(page=n, domain=domain, status=status)
            return result.requests, result.limit, result.total

        pages = pages_numbered(fetch, key=lambda r: r.id)
        for r in pages:
            if domain and r.domain.lower() != domain.lower():
                continue
            if status and r.status.value != status:
                continue
            yield r

    # Subscriptions
    def list_subscriptions(self) -> list[Subscription]:
        items = _items(
            self.call_json(ep.LIST_SUBSCRIPTIONS),
            ("subscriptions",),
            self._at(ep.LIST_SUBSCRIPTIONS),
        )
        return [
            _parse(Subscription, item, self._at(ep.LIST_SUBSCRIPTIONS), f"subscriptions[{i}]")
            for i, item in enumerate(items)
        ]

    def update_subscription_notes(self, subscription_id: str, notes: str) -> Subscription:
        # Sets the notes to a value: sent twice, the notes are the same, so it is retried like
        # a read after a 5xx or a dropped connection.
        data = self._idempotent_write(
            ep.UPDATE_SUBSCRIPTION_NOTES,
            json={"notes": notes},
            path={"subscription_id": subscription_id},
        )
        return _parse(
            Subscription, _one(data, ("subscription",)), self._at(ep.UPDATE_SUBSCRIPTION_NOTES)
        )


DOC = "docs/inboxedup-api.md"
VERIFIED_KEYS = ("verified", "nsVerified", "ns_verified", "isVerified", "propagated", "valid")

M = TypeVar("M", bound=BaseModel)


def _name(endpoint: ep.Endpoint) -> str:
    return f"{endpoint.method} {endpoint.path}"


def _parse(model: type[M], data: Any, endpoint: ep.Endpoint, where: str = "") -> M:
    name = _name(endpoint) + (f" ({where})" if where else "")
    return parse_model(model, data, provider=PROVIDER, endpoint=name, doc=DOC)


def _items(body: Any, names: Sequence[str], endpoint: ep.Endpoint) -> list[Any]:
    """The items of a list reply (`list_in`); an empty reply or empty `data` is no items."""
    if body is None or unwrap(body) in (None, {}):
        return []
    return list_in(body, names, provider=PROVIDER, endpoint=_name(endpoint), doc=DOC)


def _one(data: Any, names: Sequence[str]) -> Any:
    """An object given as it is, or wrapped once under its own name (`{"domain": {...}}`)."""
    if isinstance(data, dict) and len(data) == 1:
        for name in names:
            inner = data.get(name)
            if isinstance(inner, dict):
                return inner
    return data


def _str_or_none(value: Any) -> str | None:
    return str(value) if value is not None else None


def _first_list(holders: Sequence[Mapping[str, Any]], keys: Sequence[str]) -> list[Any]:
    """The list under the first of `keys` that holds one, in the first holder that has one."""
    for holder in holders:
        for key in keys:
            found = holder.get(key)
            if isinstance(found, list):
                return found
    return []


def read_submit_reply(body: Any, endpoint: ep.Endpoint = ep.SUBMIT_DOMAINS) -> SubmitDomainsResult:
    """The reply of `POST /domains`, whose shape no page shows (see docs/inboxedup-api.md).

    The batch id may be on the envelope (`batchId`, `batch_id`, `id`; beside `data` or inside it)
    or on each domain; accepted domains under `domains` (or `accepted`, `created`, `items`) or
    the list itself; refused ones under `rejected` (or `duplicates`, `existing`, `skipped`), as
    objects or bare names. Domains without a batch id get the envelope's.
    """
    where = _name(endpoint)
    holders = [h for h in (body, unwrap(body)) if isinstance(h, dict)]
    if isinstance(body, dict) and isinstance(body.get("data"), dict):
        holders.append(body["data"])
    batch_id: Any = None
    for holder in holders:
        batch_id = batch_id or first_field(holder, ("batchId", "batch_id", "batch"))
    if isinstance(batch_id, dict):
        batch_id = first_field(batch_id, ("id", "batchId"))
    accepted: list[Any] = []
    rejected_raw: list[Any] = []
    data = unwrap(body)
    if isinstance(data, list):
        accepted = data
    else:
        accepted = _first_list(holders, ("domains", "accepted", "created", "items", "submitted"))
        rejected_raw = _first_list(
            holders, ("rejected", "duplicates", "existing", "skipped", "refused")
        )
    domains = [_parse(Domain, item, endpoint, f"domains[{i}]") for i, item in enumerate(accepted)]
    item_batches = {d.batch_id for d in domains if d.batch_id}
    if batch_id is None and len(item_batches) == 1:
        batch_id = next(iter(item_batches))
    if batch_id is None:
        raise ReplyShapeError(
            PROVIDER, where, "batch id (`batchId` on the reply or on each domain)", DOC
        )
    domains = [
        d if d.batch_id else d.model_copy(update={"batch_id": str(batch_id)}) for d in domains
    ]
    rejected: list[RejectedDomain] = []
    for i, item in enumerate(rejected_raw):
        if isinstance(item, str):
            rejected.append(RejectedDomain(domain=item, reason="already in account"))
            continue
        if isinstance(item, dict):
            name = first_field(item, ("domain", "name", "domainName"))
            reason = first_field(item, ("reason", "message", "error")) or "refused"
            existing = first_field(item, ("existingId", "existing_id", "domainId", "id"))
            if isinstance(name, str):
                rejected.append(
                    RejectedDomain(
                        domain=name,
                        reason=str(reason),
                        existingId=str(existing) if existing is not None else None,
                    )
                )
                continue
        raise ReplyShapeError(PROVIDER, where, f"domain name in rejected[{i}]", DOC)
    return SubmitDomainsResult(batchId=str(batch_id), domains=domains, rejected=rejected)

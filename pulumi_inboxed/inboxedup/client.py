"""Typed InboxedUp client: one method per endpoint in `endpoints.py`, pydantic models out."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import httpx

from ..core.http import HttpClient, ParsedError, RetryPolicy
from . import endpoints as ep
from .models import (
    Account,
    BatchStatus,
    Domain,
    DomainPage,
    MailboxEntry,
    MailboxRequest,
    MailboxRequestCreated,
    MailboxRequestPage,
    MailboxType,
    SubmitDomainsResult,
    Subscription,
    VerifyNsResult,
)

PROVIDER = "InboxedUp"
MAX_DOMAINS_PER_SUBMIT = 500  # our choice, see docs/inboxedup-api.md
PAGE_LIMIT = 500


def parse_error(response: httpx.Response) -> ParsedError:
    """Reads `{"success": false, "error": {"code", "message", "details"}}`, or whatever came."""
    try:
        body = response.json()
    except ValueError:
        return (response.text[:500] or response.reason_phrase, None, {})
    if isinstance(body, dict):
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
    return (str(body)[:500], None, {})


class InboxedUpClient:
    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._http = HttpClient(
            provider=PROVIDER,
            base_url=base_url,
            headers={"Authorization": f"Bearer {token}"},
            retry=retry,
            error_parser=parse_error,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def _call(
        self,
        endpoint: ep.Endpoint,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        **path: str,
    ) -> Any:
        response = self._http.request(
            endpoint.method, endpoint.format(**path), params=params, json=json
        )
        if not response.content:
            return None
        body = response.json()
        if isinstance(body, dict) and "data" in body:
            return body["data"]
        return body

    # Account
    def get_account(self) -> Account:
        return Account.model_validate(self._call(ep.ACCOUNT))

    # Domains
    def submit_domains(self, domains: Sequence[str]) -> SubmitDomainsResult:
        if not 1 <= len(domains) <= MAX_DOMAINS_PER_SUBMIT:
            raise ValueError(f"submit 1 to {MAX_DOMAINS_PER_SUBMIT} domains, got {len(domains)}")
        data = self._call(ep.SUBMIT_DOMAINS, json={"domains": list(domains)})
        return SubmitDomainsResult.model_validate(data)

    def get_batch_status(self, batch_id: str) -> BatchStatus:
        return BatchStatus.model_validate(self._call(ep.BATCH_STATUS, batch_id=batch_id))

    def get_domain(self, domain_id: str) -> Domain:
        return Domain.model_validate(self._call(ep.GET_DOMAIN, domain_id=domain_id))

    def remove_domain(self, domain_id: str) -> None:
        self._call(ep.REMOVE_DOMAIN, domain_id=domain_id)

    def verify_domain_ns(self, domain_id: str) -> VerifyNsResult:
        return VerifyNsResult.model_validate(self._call(ep.VERIFY_DOMAIN_NS, domain_id=domain_id))

    def list_domains_page(
        self,
        *,
        page: int = 1,
        limit: int = PAGE_LIMIT,
        status: str | None = None,
        batch_id: str | None = None,
        domain: str | None = None,
    ) -> DomainPage:
        params: dict[str, Any] = {"page": page, "limit": limit}
        if status:
            params["status"] = status
        if batch_id:
            params["batchId"] = batch_id
        if domain:
            params["domain"] = domain
        return DomainPage.model_validate(self._call(ep.LIST_DOMAINS, params=params))

    def iter_domains(
        self,
        *,
        status: str | None = None,
        batch_id: str | None = None,
        domain: str | None = None,
    ) -> Iterator[Domain]:
        page = 1
        while True:
            result = self.list_domains_page(
                page=page, status=status, batch_id=batch_id, domain=domain
            )
            yield from result.domains
            if not result.domains or page * result.limit >= result.total:
                return
            page += 1

    def find_domain(self, name: str) -> Domain | None:
        """The account's domain called `name` (one filtered listing), or None."""
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
        return MailboxRequestCreated.model_validate(self._call(ep.REQUEST_MAILBOXES, json=body))

    def get_mailbox_request(self, request_id: str) -> MailboxRequest:
        data = self._call(ep.GET_MAILBOX_REQUEST, request_id=request_id)
        return MailboxRequest.model_validate(data)

    def list_mailbox_requests_page(
        self,
        *,
        page: int = 1,
        limit: int = PAGE_LIMIT,
        domain: str | None = None,
        status: str | None = None,
    ) -> MailboxRequestPage:
        params: dict[str, Any] = {"page": page, "limit": limit}
        if domain:
            params["domain"] = domain
        if status:
            params["status"] = status
        data = self._call(ep.LIST_MAILBOX_REQUESTS, params=params)
        return MailboxRequestPage.model_validate(data)

    def iter_mailbox_requests(
        self, *, domain: str | None = None, status: str | None = None
    ) -> Iterator[MailboxRequest]:
        page = 1
        while True:
            result = self.list_mailbox_requests_page(page=page, domain=domain, status=status)
            yield from result.requests
            if not result.requests or page * result.limit >= result.total:
                return
            page += 1

    # Subscriptions
    def list_subscriptions(self) -> list[Subscription]:
        data = self._call(ep.LIST_SUBSCRIPTIONS)
        items = data.get("subscriptions", []) if isinstance(data, dict) else data
        return [Subscription.model_validate(item) for item in items]

    def update_subscription_notes(self, subscription_id: str, notes: str) -> Subscription:
        data = self._call(
            ep.UPDATE_SUBSCRIPTION_NOTES, json={"notes": notes}, subscription_id=subscription_id
        )
        return Subscription.model_validate(data)

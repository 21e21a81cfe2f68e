"""InboxedUp's checks: the account, subscriptions, one page of domains and of mailbox requests
(one item each), a domain, its batch and a request by the ids those pages gave."""

from __future__ import annotations

import httpx

from ..core.accounts import AccountConfig
from ..core.config import require
from ..core.endpoints_config import endpoint_table
from ..inboxedup import endpoints as ep
from ..inboxedup import runtime as rt
from ..inboxedup.client import InboxedUpClient
from .api import RETRY, ApiChecks, Config, Connection, NotTried, token_replay
from .probe import Ids, Probe, by_id


def connect(config: Config, account: str | None, transport: httpx.BaseTransport) -> Connection:
    view = AccountConfig(rt.NAMESPACE, config, account)
    token = require(rt.API_TOKEN, view)
    client = InboxedUpClient(
        require(rt.BASE_URL, view),
        token,
        retry=RETRY,
        transport=transport,
        endpoints=endpoint_table(rt.NAMESPACE, ep, view),
    )
    return Connection(client, (token,), view.key_of(rt.API_TOKEN), view.key_of(rt.BASE_URL))


replay = token_replay(InboxedUpClient)


def _account(c: InboxedUpClient, ids: Ids) -> object:
    return c.get_account()


def _subscriptions(c: InboxedUpClient, ids: Ids) -> object:
    subs = c.list_subscriptions()
    if subs:
        ids["subscription_id"] = subs[0].id
    return subs


def _domains(c: InboxedUpClient, ids: Ids) -> object:
    page = c.list_domains_page(page=1, limit=1)
    for domain in page.domains[:1]:
        ids["domain_id"] = domain.id
        if domain.batch_id:
            ids["batch_id"] = domain.batch_id
    return page.domains


def _batch(c: InboxedUpClient, ids: Ids) -> object:
    if "batch_id" not in ids:
        raise NotTried("the domain listed shows no batch id")
    return c.get_batch_status(ids["batch_id"])


def _requests(c: InboxedUpClient, ids: Ids) -> object:
    page = c.list_mailbox_requests_page(page=1, limit=1)
    for request in page.requests[:1]:
        ids["request_id"] = request.id
    return page


PROBES = (
    Probe(ep.ACCOUNT, _account),
    Probe(ep.LIST_SUBSCRIPTIONS, _subscriptions),
    Probe(ep.UPDATE_SUBSCRIPTION_NOTES),
    Probe(ep.SUBMIT_DOMAINS),
    Probe(ep.LIST_DOMAINS, _domains, expect=("batch_id",)),
    by_id(ep.GET_DOMAIN, InboxedUpClient.get_domain, "domain_id"),
    Probe(ep.REMOVE_DOMAIN),
    Probe(ep.VERIFY_DOMAIN_NS),
    Probe(ep.BATCH_STATUS, _batch, ("domain_id",)),
    Probe(ep.REQUEST_MAILBOXES),
    Probe(ep.LIST_MAILBOX_REQUESTS, _requests),
    by_id(ep.GET_MAILBOX_REQUEST, InboxedUpClient.get_mailbox_request, "request_id"),
)

CHECKS = ApiChecks(
    rt.NAMESPACE,
    "InboxedUp",
    ep,
    PROBES,
    connect,
    replay,
    {"subscription_id": "sub_1", "domain_id": "dom_1", "batch_id": "batch_1", "request_id": "mr_1"},
    "docs/inboxedup-api.md",
)

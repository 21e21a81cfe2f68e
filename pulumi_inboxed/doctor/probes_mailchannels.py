"""MailChannels Inbound's checks: the subscriptions and one page of domains (one domain)."""

from __future__ import annotations

import httpx

from ..core.accounts import AccountConfig, keyed_account
from ..mailchannels import endpoints as ep
from ..mailchannels import runtime as rt
from ..mailchannels.client import MailChannelsClient
from .api import RETRY, ApiChecks, Config, Connection
from .probe import Ids, Probe


def connect(config: Config, account: str | None, transport: httpx.BaseTransport) -> Connection:
    _name, base_url, key, table = keyed_account(
        rt.NAMESPACE, rt.API_KEY, rt.BASE_URL, ep, config, account
    )
    client = MailChannelsClient(base_url, key, retry=RETRY, transport=transport, endpoints=table)
    view = AccountConfig(rt.NAMESPACE, config, account)
    return Connection(client, (key,), view.key_of(rt.API_KEY), view.key_of(rt.BASE_URL))


def replay(transport: httpx.BaseTransport) -> MailChannelsClient:
    return MailChannelsClient("http://replay.invalid", "replay", retry=RETRY, transport=transport)


def _subscriptions(c: MailChannelsClient, ids: Ids) -> object:
    return c.list_subscriptions()


def _domains(c: MailChannelsClient, ids: Ids) -> object:
    # The first page, one domain, read by the client's own reader (`list_domains` pages on).
    body = c.call_json(ep.LIST_DOMAINS, params={ep.Q_LIMIT: 1, ep.Q_OFFSET: 0})
    return c._domains(body)


PROBES = (
    Probe(ep.LIST_SUBSCRIPTIONS, _subscriptions),
    Probe(ep.PROVISION_DOMAIN),
    Probe(ep.PROVISION_DOMAINS),
    Probe(ep.LIST_DOMAINS, _domains),
    Probe(ep.REMOVE_DOMAIN),
)

CHECKS = ApiChecks(
    rt.NAMESPACE,
    "MailChannels Inbound",
    ep,
    PROBES,
    connect,
    replay,
    {},
    "docs/mailchannels-pingram-api.md",
)

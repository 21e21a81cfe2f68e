"""MailChannels Inbound's checks: the subscriptions and one page of domains (one domain)."""

from __future__ import annotations

from ..mailchannels import endpoints as ep
from ..mailchannels import runtime as rt
from ..mailchannels.client import MailChannelsClient
from .api import ApiChecks, keyed_connect, token_replay
from .probe import Ids, Probe

connect = keyed_connect(rt.NAMESPACE, rt.API_KEY, rt.BASE_URL, ep, MailChannelsClient)
replay = token_replay(MailChannelsClient)


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

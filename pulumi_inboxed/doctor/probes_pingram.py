"""Pingram's checks: the sender domains (one listing; the API does not page it)."""

from __future__ import annotations

import httpx

from ..core.accounts import AccountConfig, keyed_account
from ..pingram import endpoints as ep
from ..pingram import runtime as rt
from ..pingram.client import PingramClient
from .api import RETRY, ApiChecks, Config, Connection
from .probe import Ids, Probe


def connect(config: Config, account: str | None, transport: httpx.BaseTransport) -> Connection:
    _name, base_url, key, table = keyed_account(
        rt.NAMESPACE, rt.API_KEY, rt.BASE_URL, ep, config, account
    )
    client = PingramClient(base_url, key, retry=RETRY, transport=transport, endpoints=table)
    view = AccountConfig(rt.NAMESPACE, config, account)
    return Connection(client, (key,), view.key_of(rt.API_KEY), view.key_of(rt.BASE_URL))


def replay(transport: httpx.BaseTransport) -> PingramClient:
    return PingramClient("http://replay.invalid", "replay", retry=RETRY, transport=transport)


def _domains(c: PingramClient, ids: Ids) -> object:
    return c.list_domains()


PROBES = (
    Probe(ep.LIST_DOMAINS, _domains),
    Probe(ep.ADD_DOMAIN),
    Probe(ep.START_VERIFICATION),
    Probe(ep.DELETE_DOMAIN),
)

CHECKS = ApiChecks(
    rt.NAMESPACE, "Pingram", ep, PROBES, connect, replay, {}, "docs/mailchannels-pingram-api.md"
)

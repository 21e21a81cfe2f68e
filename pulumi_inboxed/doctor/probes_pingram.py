"""Pingram's checks: the sender domains (one listing; the API does not page it)."""

from __future__ import annotations

from ..pingram import endpoints as ep
from ..pingram import runtime as rt
from ..pingram.client import PingramClient
from .api import ApiChecks, keyed_connect, token_replay
from .probe import Ids, Probe

connect = keyed_connect(rt.NAMESPACE, rt.API_KEY, rt.BASE_URL, ep, PingramClient)
replay = token_replay(PingramClient)


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

"""The doctor knows every endpoint of every table: 90, each a read it makes, a read it cannot make
without a write, or a write it lists."""

from __future__ import annotations

from pulumi_inboxed.core.endpoints_config import EndpointTable
from pulumi_inboxed.doctor.run import APIS


def test_every_endpoint_has_exactly_one_check() -> None:
    total = unconfirmed = 0
    for api, checks in APIS.items():
        endpoints = [p.endpoint for p in checks.probes]
        assert sorted(endpoints, key=repr) == sorted(checks.module.ALL, key=repr), api
        assert len(set(endpoints)) == len(endpoints)
        total += len(endpoints)
        unconfirmed += sum(1 for e in endpoints if not e.confirmed)
    assert (total, unconfirmed) == (90, 24)


def test_keys_of_the_default_and_of_a_named_account() -> None:
    from pulumi_inboxed.mailin import endpoints as ep

    assert EndpointTable("mailin").key_of(ep.LIST_DOMAINS) == "mailin:endpoints.list_domains"
    named = EndpointTable("mailin", account="client-a")
    assert named.key_of(ep.LOGOUT) == "mailin:accounts.client-a.endpoints.logout"

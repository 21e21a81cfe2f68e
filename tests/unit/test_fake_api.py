"""`tests/unit/fake_api.FakeApi` routes every endpoint of each API's table to itself: no two
endpoints of a table are confused, path parameters come back as given, overridden paths route
as the default endpoint, and a path outside the table is refused."""

from __future__ import annotations

import re
from types import ModuleType

import httpx
import pytest

from pulumi_inboxed.core.endpoints_config import endpoint_names
from pulumi_inboxed.inboxedup import endpoints as iu_ep
from pulumi_inboxed.mailchannels import endpoints as mc_ep
from pulumi_inboxed.mailin import endpoints as mi_ep
from pulumi_inboxed.pingram import endpoints as pg_ep

from .fake_api import FakeApi

TABLES = {"inboxedup": iu_ep, "mailin": mi_ep, "mailchannels": mc_ep, "pingram": pg_ep}


@pytest.mark.parametrize("api", sorted(TABLES))
def test_every_endpoint_of_a_table_routes_to_itself(api: str) -> None:
    table: ModuleType = TABLES[api]
    fake = FakeApi(table, base_path="/v1")
    for name, endpoint in endpoint_names(table).items():
        params = {p: f"{p}-7" for p in re.findall(r"\{(\w+)\}", endpoint.path)}
        url = "https://api.test/v1" + endpoint.format(**params)
        call = fake.route(httpx.Request(endpoint.method, url))
        assert call is not None, name
        assert (call.endpoint, call.name, call.params) == (endpoint, name, params), name


def test_handlers_answer_overrides_route_and_strangers_are_refused() -> None:
    fake = FakeApi(pg_ep, overrides={pg_ep.LIST_DOMAINS: "GET /s"})
    fake.on(pg_ep.DELETE_DOMAIN, lambda call: httpx.Response(200, json=call.params))
    client = httpx.Client(transport=fake.transport(), base_url="https://pg.test")
    assert client.delete("/domains/a.com").json() == {"sender": "a.com"}
    assert client.get("/s").status_code == 501  # LIST_DOMAINS, which this fake does not answer
    assert client.get("/nowhere").status_code == 404
    assert [c.endpoint for c in fake.calls] == [pg_ep.DELETE_DOMAIN, pg_ep.LIST_DOMAINS]
    assert len(fake.calls_to(pg_ep.DELETE_DOMAIN, sender="a.com")) == 1
    assert fake.calls_to(pg_ep.DELETE_DOMAIN, sender="b.com") == []
    with pytest.raises(KeyError, match="not in the table"):
        fake.on(iu_ep.ACCOUNT, lambda call: httpx.Response(200))

"""Endpoints overridden by `<api>:endpoints` (or `<API>_ENDPOINTS`): parsing, errors naming the
key, the four clients calling the overridden path, and the runtimes and functions built from
config against the sandbox (which keeps serving the defaults)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from pulumi_inboxed.core.endpoints_config import (
    EndpointTable,
    endpoint_names,
    endpoint_table,
)
from pulumi_inboxed.core.errors import ConfigError, NotFoundError
from pulumi_inboxed.inboxedup import endpoints as iu_ep
from pulumi_inboxed.inboxedup import functions as iu_functions
from pulumi_inboxed.inboxedup import runtime as iu_runtime
from pulumi_inboxed.inboxedup.client import InboxedUpClient
from pulumi_inboxed.mailchannels import endpoints as mc_ep
from pulumi_inboxed.mailchannels import runtime as mc_runtime
from pulumi_inboxed.mailchannels.client import MailChannelsClient
from pulumi_inboxed.mailin import endpoints as ml_ep
from pulumi_inboxed.mailin import runtime as ml_runtime
from pulumi_inboxed.mailin.client import MailinClient
from pulumi_inboxed.pingram import endpoints as pg_ep
from pulumi_inboxed.pingram import runtime as pg_runtime
from pulumi_inboxed.pingram.client import PingramClient
from pulumi_inboxed.sandbox import SandboxProcess

from ..conftest import UNIT_TOKEN, stack_config

# The endpoint names moved from the README to docs/configuration.md.
ENDPOINT_DOC = Path(__file__).resolve().parents[3] / "docs" / "configuration.md"
TABLES: dict[str, ModuleType] = {
    "inboxedup": iu_ep,
    "mailin": ml_ep,
    "mailchannels": mc_ep,
    "pingram": pg_ep,
}


@pytest.fixture(autouse=True)
def _no_endpoint_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for api in TABLES:
        monkeypatch.delenv(f"{api.upper()}_ENDPOINTS", raising=False)


@pytest.mark.parametrize("api", sorted(TABLES))
def test_every_endpoint_has_a_name_the_lower_cased_constant(api: str) -> None:
    names = endpoint_names(TABLES[api])
    all_endpoints: tuple[Any, ...] = TABLES[api].ALL
    assert sorted(names.values(), key=repr) == sorted(all_endpoints, key=repr)
    for name, endpoint in names.items():
        assert getattr(TABLES[api], name.upper()) is endpoint


def test_an_override_replaces_method_and_path_and_keeps_the_rest() -> None:
    config = {"inboxedup:endpoints": {"verify_domain_ns": "post /domains/{domain_id}/verify"}}
    table = endpoint_table("inboxedup", iu_ep, config)
    got = table.resolve(iu_ep.VERIFY_DOMAIN_NS)
    assert (got.method, got.path, got.doc) == (
        "POST",
        "/domains/{domain_id}/verify",
        iu_ep.VERIFY_DOMAIN_NS.doc,
    )
    assert got.format(domain_id="d1") == "/domains/d1/verify"
    assert table.resolve(iu_ep.GET_DOMAIN) is iu_ep.GET_DOMAIN  # the others untouched


def test_the_structured_value_arrives_as_json_text_too() -> None:
    config = {"mailin:endpoints": json.dumps({"LOGIN": "POST /login"})}
    table = endpoint_table("mailin", ml_ep, config)
    assert table.resolve(ml_ep.LOGIN).path == "/login"


def test_the_environment_is_read_when_the_config_has_no_map(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PINGRAM_ENDPOINTS", json.dumps({"list_domains": "GET /senders"}))
    assert endpoint_table("pingram", pg_ep, {}).resolve(pg_ep.LIST_DOMAINS).path == "/senders"
    monkeypatch.setenv("PINGRAM_ENDPOINTS", json.dumps({"list_domain": "GET /senders"}))
    with pytest.raises(ConfigError, match=r"PINGRAM_ENDPOINTS\.list_domain: no such pingram"):
        endpoint_table("pingram", pg_ep, None)


def test_no_map_is_the_module_table() -> None:
    assert endpoint_table("mailchannels", mc_ep, {}) == EndpointTable("mailchannels")
    assert endpoint_table("mailchannels", mc_ep, None).resolve(mc_ep.LIST_DOMAINS) is (
        mc_ep.LIST_DOMAINS
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("verify_domain", "POST /x", r"inboxedup:endpoints\.verify_domain: no such inboxedup "),
        ("account", "FETCH /account", r"inboxedup:endpoints\.account: 'FETCH' is not an HTTP"),
        ("account", "/account", r'inboxedup:endpoints\.account must be "METHOD /path"'),
        ("account", "GET account", r"inboxedup:endpoints\.account: the path must start with '/'"),
        (
            "get_domain",
            "GET /domains/{id}",
            r"inboxedup:endpoints\.get_domain: the path's placeholders must be the original's "
            r"\(/domains/\{domain_id\}: \{domain_id\}\), got \{id\}",
        ),
        ("get_domain", "GET /domains", r"inboxedup:endpoints\.get_domain: the path's placeh"),
        ("account", "GET /account/{extra}", r"inboxedup:endpoints\.account: the path's placeh"),
        ("account", 5, r'inboxedup:endpoints\.account must be "METHOD /path"'),
    ],
)
def test_a_bad_override_is_a_config_error_naming_the_key(
    name: str, value: object, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        endpoint_table("inboxedup", iu_ep, {"inboxedup:endpoints": {name: value}})


def test_a_value_that_is_no_map_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="inboxedup:endpoints must be a map"):
        endpoint_table("inboxedup", iu_ep, {"inboxedup:endpoints": "not json"})
    with pytest.raises(ConfigError, match="inboxedup:endpoints must be a map"):
        endpoint_table("inboxedup", iu_ep, {"inboxedup:endpoints": "[1]"})


@pytest.mark.parametrize(
    ("make", "config"),
    [
        (lambda c: iu_runtime.runtime_for(c), "inboxedup"),
        (lambda c: ml_runtime.runtime_for(c), "mailin"),
        (lambda c: mc_runtime.client_for(c), "mailchannels"),
        (lambda c: pg_runtime.client_for(c), "pingram"),
    ],
)
def test_every_runtime_rejects_a_bad_override_when_it_is_built(
    make: Callable[[dict[str, Any]], object], config: str
) -> None:
    settings = {
        f"{config}:baseUrl": "https://api.example",
        f"{config}:apiToken": "t",
        f"{config}:apiKey": "k",
        f"{config}:endpoints": {"nope": "GET /x"},
    }
    with pytest.raises(ConfigError, match=rf"{config}:endpoints\.nope: no such {config}"):
        make(settings)


# The four clients send the overridden method and path ---------------------------------------


def _recording() -> tuple[list[str], httpx.MockTransport]:
    seen: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url.path}")
        if request.url.path.endswith("/login"):
            return httpx.Response(200, json={"user_id": 1, "token": "tk"})
        return httpx.Response(200, json=[])

    return seen, httpx.MockTransport(handle)


def test_inboxedup_client_calls_the_overridden_path() -> None:
    seen, transport = _recording()
    table = endpoint_table(
        "inboxedup",
        iu_ep,
        {"inboxedup:endpoints": {"remove_domain": "POST /domains/{domain_id}/rm"}},
    )
    client = InboxedUpClient("https://api.example/v1", "t", transport=transport, endpoints=table)
    client.remove_domain("d7")
    assert seen == ["POST /v1/domains/d7/rm"]
    assert client.writes == 2  # one write, counted begun and finished (core.api_client)


def test_mailchannels_client_calls_the_overridden_path() -> None:
    seen, transport = _recording()
    table = endpoint_table(
        "mailchannels", mc_ep, {"mailchannels:endpoints": {"remove_domain": "DELETE /d/{domain}"}}
    )
    client = MailChannelsClient("https://api.example/in", "k", transport=transport, endpoints=table)
    client.remove_domain("a.com")
    assert seen == ["DELETE /in/d/a.com"]


def test_pingram_client_calls_the_overridden_path() -> None:
    seen, transport = _recording()
    config = {"pingram:endpoints": {"list_domains": "GET /senders"}}
    table = endpoint_table("pingram", pg_ep, config)
    client = PingramClient("https://api.example", "k", transport=transport, endpoints=table)
    assert client.list_domains() == []
    assert seen == ["GET /senders"]


def test_mailin_client_logs_in_and_calls_at_the_overridden_paths() -> None:
    seen, transport = _recording()
    overrides = {"login": "POST /v2/login", "delete_mailbox": "POST /mailboxes/{mailbox_id}/del"}
    table = endpoint_table("mailin", ml_ep, {"mailin:endpoints": overrides})
    client = MailinClient(
        "https://api.example/p",
        email="e@x.com",
        password="pw",
        transport=transport,
        endpoints=table,
    )
    client.delete_mailbox(9)
    assert seen == ["POST /p/v2/login", "POST /p/mailboxes/9/del"]


# Runtimes and functions from config, against the sandbox ------------------------------------


def test_an_override_the_sandbox_does_not_serve_is_a_404_naming_the_overridden_path(
    unit_sandbox: SandboxProcess,
) -> None:
    config: dict[str, Any] = {
        **stack_config(unit_sandbox),
        "inboxedup:endpoints": {"account": "GET /account-overview"},
    }
    client = iu_runtime.runtime_for(config).client
    with pytest.raises(NotFoundError, match="GET /account-overview"):
        client.get_account()

    back = {**config, "inboxedup:endpoints": json.dumps({"account": "GET /account"})}
    account = iu_runtime.runtime_for(back).client.get_account()
    assert account.customer.email


def test_the_plain_functions_read_the_override_from_the_environment(
    unit_sandbox: SandboxProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INBOXEDUP_BASE_URL", unit_sandbox.url)
    monkeypatch.setenv("INBOXEDUP_API_TOKEN", UNIT_TOKEN)
    monkeypatch.setenv("INBOXEDUP_ENDPOINTS", json.dumps({"account": "GET /who-am-i"}))
    with pytest.raises(NotFoundError, match="GET /who-am-i"):
        iu_functions.get_account()
    monkeypatch.setenv("INBOXEDUP_ENDPOINTS", json.dumps({"account": "GET /account"}))
    assert iu_functions.get_account().customer.email


def test_the_output_functions_read_the_endpoints_setting() -> None:
    from pulumi_inboxed.inboxedup.functions import _SETTINGS as IU
    from pulumi_inboxed.mailchannels import functions as mc_functions
    from pulumi_inboxed.mailin.functions import _SETTINGS as ML

    assert iu_runtime.ENDPOINTS in IU and ml_runtime.ENDPOINTS in ML
    assert "ENDPOINTS" in vars(mc_functions)


def test_mailin_runtime_with_an_override_gets_its_own_client(
    unit_sandbox: SandboxProcess,
) -> None:
    config: dict[str, Any] = stack_config(unit_sandbox)
    plain = ml_runtime.runtime_for(config).client
    moved = ml_runtime.runtime_for(
        {**config, "mailin:endpoints": {"list_servers": "GET /all-servers"}}
    ).client
    assert plain is not moved
    with pytest.raises(NotFoundError, match="GET /all-servers"):
        moved.list_servers()


# docs/configuration.md -----------------------------------------------------------------------


def test_the_docs_list_every_endpoint_name_per_api() -> None:
    text = ENDPOINT_DOC.read_text()
    section = text.split("## Endpoints by config", 1)[1].split("\n## ", 1)[0]
    for api, module in TABLES.items():
        match = re.search(rf"^- `{api}`: (.+)$", section, re.MULTILINE)
        assert match, f"docs/configuration.md's endpoint section has no line for {api}"
        listed = re.findall(r"`([a-z_0-9]+)`", match.group(1))
        assert sorted(listed) == sorted(endpoint_names(module)), api

"""Shared unit-test fixtures: one sandbox per session, and `preview_check`, which pushes a
resource's inputs through the dynamic provider host's own Check path, as `pulumi preview` does.

`preview_check(provider_class, inputs)` serializes the inputs the way the engine sends them
(with the pickled provider), calls `pulumi.dynamic`'s servicer `Check` after `Configure` with a
stack config pointing every API at the sandbox, and returns the failures, any abort message (what
the CLI would print for a crash), and the number of requests the sandbox saw meanwhile.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import sys
import types
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi.dynamic as dyn
import pytest
from google.protobuf import struct_pb2
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2

import pulumi_inboxed
from pulumi_inboxed.core import request_limits
from pulumi_inboxed.core.accounts import Registry
from pulumi_inboxed.sandbox import SandboxProcess

UNIT_TOKEN = "iu_unit_token_0123456789"


@pytest.fixture(autouse=True)
def _no_repeated_warnings_yet() -> None:
    """Each test starts as a new provider process does: its first warning of a kind is a
    warning, not a counted info line (`core.repeated_warnings`)."""
    from pulumi_inboxed.core import repeated_warnings

    repeated_warnings.reset()


@pytest.fixture(autouse=True)
def _outputs_as_values() -> Iterator[None]:
    """Handlers called directly take and give values; a test that `configure()`s a provider
    (which packs outputs from then on, as the provider process does) leaves no trace."""
    from pulumi_inboxed.core import packed_outputs

    yield
    packed_outputs.uninstall()


@pytest.fixture(autouse=True)
def fresh_limiters(monkeypatch: pytest.MonkeyPatch) -> request_limits.LimiterRegistry:
    """Each test starts with no account limiter (`core.request_limits.LIMITERS`), as a fresh
    provider process does: no test inherits another's pace or its waits."""
    fresh = request_limits.LimiterRegistry()
    monkeypatch.setattr(request_limits, "LIMITERS", fresh)
    return fresh


@pytest.fixture(scope="session")
def unit_sandbox() -> Iterator[SandboxProcess]:
    with SandboxProcess(tokens=[UNIT_TOKEN], lifetime=1800) as process:
        yield process


def stack_config(sandbox: SandboxProcess) -> dict[str, str]:
    """The stack config a program against the sandbox has, every API's settings."""
    return {
        "inboxedup:baseUrl": sandbox.url,
        "inboxedup:apiToken": UNIT_TOKEN,
        "inboxedup:pollIntervalSeconds": "0.2",
        "mailin:baseUrl": sandbox.mailin_url,
        "mailin:apiToken": "mailin-sandbox-token",
        "mailin:pollIntervalSeconds": "0.2",
        "mailchannels:baseUrl": sandbox.mailchannels_url,
        "mailchannels:apiKey": "mc-sandbox-key",
        "pingram:baseUrl": sandbox.pingram_url,
        "pingram:apiKey": "pingram_sk_sandbox",
    }


@pytest.fixture(scope="session")
def mailin_sandbox() -> Iterator[SandboxProcess]:
    """A sandbox for Mailin.ai handler tests that create objects: its jobs finish in 0.2 s."""
    with SandboxProcess(extra_args=["--mailin-job-seconds", "0.2"], lifetime=1800) as process:
        yield process


MailinProvider = Callable[[type[dyn.ResourceProvider]], Any]


@pytest.fixture
def mailin_provider(mailin_sandbox: SandboxProcess) -> MailinProvider:
    """`mailin_provider(DomainsProvider)`: the provider configured as `configure()` would,
    against `mailin_sandbox` (token auth, polling every 0.1 s)."""

    def configured(kind: type[dyn.ResourceProvider]) -> Any:
        provider = kind()
        provider._config = {  # type: ignore[attr-defined]
            "mailin:baseUrl": mailin_sandbox.mailin_url,
            "mailin:apiToken": "mailin-sandbox-token",
            "mailin:pollIntervalSeconds": "0.1",
        }
        return provider

    return configured


MailinHandler = Callable[[Any], Any]
"""An `httpx.MockTransport` handler: httpx.Request -> httpx.Response."""


def fake_mailin_api(provider: Any, handler: MailinHandler) -> Any:
    """Configures `provider` for a Mailin.ai API answered by `handler` (for reply shapes no page
    shows: the HTTP is faked, not the code), with no retries."""
    import uuid

    import httpx

    from pulumi_inboxed.core.http import RetryPolicy
    from pulumi_inboxed.mailin import MailinClient
    from pulumi_inboxed.mailin.runtime import runtime_for

    base = f"http://mailin-{uuid.uuid4().hex[:8]}.test/api/v1/public"
    config = {"mailin:baseUrl": base, "mailin:apiToken": "t", "mailin:pollIntervalSeconds": "0.05"}
    runtime = runtime_for(config)
    runtime.client = MailinClient(
        base,
        token="t",
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(attempts=1, initial_wait=0.0, max_wait=0.0),
    )
    provider._config = config
    return provider


def mailin_page(items: list[dict[str, Any]]) -> dict[str, Any]:
    """A one-page Mailin.ai list reply."""
    return {"current_page": 1, "last_page": 1, "next_page_url": None, "data": items}


def settle(condition: Callable[[], bool], what: str = "the sandbox") -> None:
    """Waits (up to 5 s) until `condition()` holds."""
    import time

    for _ in range(100):
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what} did not settle")


def mailin_bought(sandbox: SandboxProcess, name: str, *, google: bool = False) -> int:
    """Buys `name` in the sandbox's Mailin.ai account, outside Pulumi; returns its id."""
    from pulumi_inboxed.mailin import MailinClient

    client = MailinClient(sandbox.mailin_url, token="mailin-sandbox-token")
    job = client.buy_domains([name], google=google)
    settle(lambda: client.get_domain_job(job).status == "completed")
    found = client.find_domain(name, google=google)
    assert found is not None
    return found.id


@pytest.fixture(scope="session")
def inbound_sandbox() -> Iterator[SandboxProcess]:
    """A sandbox for the MailChannels Inbound and Pingram handler tests (`inbound_fresh`)."""
    with SandboxProcess(lifetime=1800) as process:
        yield process


@pytest.fixture
def inbound_fresh(inbound_sandbox: SandboxProcess) -> SandboxProcess:
    """`inbound_sandbox` emptied, with room for 5000 MailChannels domains, `error-` names failing
    with 500 in a batch, and Pingram verification taking 0.3 s."""
    inbound_sandbox.control.reset()
    inbound_sandbox.control.update_settings(
        mailchannels_domain_limit=5000,
        mailchannels_error_pattern="^error-",
        pingram_verify_seconds=0.3,
    )
    return inbound_sandbox


def inbound_configured(provider: Any, sandbox: SandboxProcess) -> Any:
    """A MailChannels or Pingram provider configured as `configure()` would, against `sandbox`."""
    provider._config = {
        "mailchannels:baseUrl": sandbox.mailchannels_url,
        "mailchannels:apiKey": "mc-sandbox-key",
        "pingram:baseUrl": sandbox.pingram_url,
        "pingram:apiKey": "pingram_sk_sandbox",
    }
    return provider


MICROSOFT_CREDITS = 30
"""Verification credits the Microsoft sandbox starts with (and has again after a reset)."""


@pytest.fixture(scope="session")
def microsoft_sandbox() -> Iterator[SandboxProcess]:
    """A sandbox for the Mailin.ai Microsoft and verification tests: Azure orders ready in
    0.3 s, uploads that move only when a test finishes them, verifications done in 0.2 s."""
    args = ["--mailin-azure-seconds", "0.3", "--mailin-verify-seconds", "0.2"]
    args += ["--mailin-upload-seconds", "100000", "--mailin-credits", str(MICROSOFT_CREDITS)]
    with SandboxProcess(extra_args=args, lifetime=1800) as process:
        yield process


@pytest.fixture
def microsoft_client(microsoft_sandbox: SandboxProcess) -> Any:
    """A MailinClient on `microsoft_sandbox`, wiped first."""
    from pulumi_inboxed.mailin import MailinClient

    microsoft_sandbox.control.reset()
    return MailinClient(microsoft_sandbox.mailin_url, token="mailin-sandbox-token")


@pytest.fixture
def microsoft_provider(
    microsoft_sandbox: SandboxProcess,
) -> Callable[[type[dyn.ResourceProvider]], Any]:
    """`microsoft_provider(AzureOrderProvider)`: the provider configured against
    `microsoft_sandbox` (token auth, polling every 0.1 s)."""

    def configured(kind: type[dyn.ResourceProvider]) -> Any:
        provider = kind()
        provider._config = {  # type: ignore[attr-defined]
            "mailin:baseUrl": microsoft_sandbox.mailin_url,
            "mailin:apiToken": "mailin-sandbox-token",
            "mailin:pollIntervalSeconds": "0.1",
        }
        return provider

    return configured


INBOUND_FAKE_CONFIG = {
    "mailchannels:baseUrl": "https://mc.fake/inbound/v1",
    "mailchannels:apiKey": "mc-sandbox-key",
    "pingram:baseUrl": "https://pg.fake",
    "pingram:apiKey": "pingram_sk_sandbox",
}
"""The config of a MailChannels or Pingram provider whose HTTP `inbound_faked` answers."""

InboundHandler = Callable[[Any], Any]
"""An `httpx.MockTransport` handler: httpx.Request -> httpx.Response."""


@pytest.fixture
def inbound_faked(monkeypatch: pytest.MonkeyPatch) -> Callable[[InboundHandler], None]:
    """`inbound_faked(handler)` puts MailChannels and Pingram clients over `httpx.MockTransport`
    into the runtimes' shared-client caches for `INBOUND_FAKE_CONFIG` (the provider code runs
    unchanged; only its HTTP is fake), and shortens the deletes' settle time."""
    import httpx

    from pulumi_inboxed.mailchannels import MailChannelsClient, inbound_domains
    from pulumi_inboxed.mailchannels import runtime as mc_runtime
    from pulumi_inboxed.pingram import PingramClient, sender_domain
    from pulumi_inboxed.pingram import runtime as pg_runtime

    c = INBOUND_FAKE_CONFIG

    def install(handler: InboundHandler) -> None:
        transport = httpx.MockTransport(handler)
        mc = (c["mailchannels:baseUrl"], c["mailchannels:apiKey"])
        pg = (c["pingram:baseUrl"], c["pingram:apiKey"])
        mc_client = MailChannelsClient(*mc, transport=transport)
        pg_client = PingramClient(*pg, transport=transport)
        monkeypatch.setattr(mc_runtime.CLIENTS, "clients", Registry())
        monkeypatch.setattr(pg_runtime.CLIENTS, "clients", Registry())
        mc_runtime.CLIENTS.clients.get(mc_runtime.client_key(c), lambda: mc_client)
        pg_runtime.CLIENTS.clients.get(pg_runtime.client_key(c), lambda: pg_client)

    monkeypatch.setattr(inbound_domains, "DELETE_SETTLE_SECONDS", 0.2)
    monkeypatch.setattr(sender_domain, "DELETE_SETTLE_SECONDS", 0.2)
    return install


@dataclass
class CheckOutcome:
    failures: dict[str, str]
    """property path -> reason, the path read back from the engine's answer (a failure the
    engine cannot print on its property comes on the resource as `path: reason`,
    `core.check_failures`)."""
    aborted: str | None
    """The message a crash of the handler would print (None when Check returned)."""
    requests: int
    """Requests the sandbox saw during the check."""
    answered: tuple[tuple[str, str], ...] = ()
    """(property, reason) exactly as the engine receives them."""


def _path_of(prop: str, reason: str) -> tuple[str, str]:
    """The failure's path and reason from the engine's answer (see `CheckOutcome.failures`)."""
    path, sep, rest = reason.partition(": ")
    if prop or not sep or " " in path:
        return prop, reason
    return path, rest


class _Aborted(Exception):
    pass


class _Context:
    def __init__(self) -> None:
        self.details: str | None = None

    def abort(self, _code: Any, details: str) -> None:
        self.details = details
        raise _Aborted(details)


def _serialize(props: Mapping[str, Any]) -> struct_pb2.Struct:
    loop = asyncio.new_event_loop()
    try:
        result: struct_pb2.Struct = loop.run_until_complete(
            rpc.serialize_properties(dict(props), {})
        )
        return result
    finally:
        loop.close()


def _servicer_module() -> types.ModuleType:
    """`pulumi.dynamic.__main__` (the provider host's servicer) without starting its server:
    the module ends by calling `main()`, so its source is run without that last line."""
    name = "pulumi.dynamic.__main__"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.origin is not None
    source = Path(spec.origin).read_text().rstrip()
    assert source.endswith("\nmain()"), "pulumi.dynamic.__main__ changed: update this fixture"
    module = types.ModuleType(name)
    module.__file__ = spec.origin
    exec(compile(source.removesuffix("main()"), spec.origin, "exec"), module.__dict__)
    sys.modules[name] = module
    return module


PreviewCheck = Callable[[type[dyn.ResourceProvider], Mapping[str, Any]], CheckOutcome]


@pytest.fixture(scope="session")
def preview_check(unit_sandbox: SandboxProcess) -> PreviewCheck:
    servicer_module = _servicer_module()
    from pulumi.dynamic.dynamic import serialize_provider

    servicer = servicer_module.DynamicResourceProviderServicer()
    servicer.Configure(
        provider_pb2.ConfigureRequest(args=_serialize(stack_config(unit_sandbox))), _Context()
    )

    def check(
        provider_class: type[dyn.ResourceProvider], inputs: Mapping[str, Any]
    ) -> CheckOutcome:
        news = {**inputs, "__provider": serialize_provider(provider_class())}
        request = provider_pb2.CheckRequest(
            urn="urn:pulumi:unit::project::pulumi-python:dynamic:Resource::r",
            olds=_serialize({}),
            news=_serialize(news),
        )
        context = _Context()
        before = unit_sandbox.control.total_requests()
        answered: tuple[tuple[str, str], ...] = ()
        try:
            response = servicer.Check(request, context)
            answered = tuple((f.property, f.reason) for f in response.failures)
        except _Aborted:
            pass
        after = unit_sandbox.control.total_requests()
        failures = dict(_path_of(prop, reason) for prop, reason in answered)
        return CheckOutcome(failures, context.details, after - before, answered)

    return check


@dataclass(frozen=True)
class BadInput:
    """One row of a resource's bad-input table.

    :param case: a short name for the row (the test id).
    :param inputs: the whole inputs of the resource (a valid base with the bad value in).
    :param field: the property path the failure must name (`mailboxes[2].username`).
    :param reason: a piece of text the reason must hold.
    """

    case: str
    inputs: Mapping[str, Any]
    field: str
    reason: str = ""


def assert_rejected_at_preview(outcome: CheckOutcome, bad: BadInput) -> None:
    """Preview fails naming the field and the reason, with no API call and no crash."""
    assert outcome.aborted is None, f"{bad.case}: the check crashed: {outcome.aborted}"
    assert bad.field in outcome.failures, f"{bad.case}: {outcome.failures}"
    assert bad.reason in outcome.failures[bad.field], f"{bad.case}: {outcome.failures}"
    assert outcome.requests == 0, f"{bad.case}: preview made {outcome.requests} API calls"
    assert "Traceback" not in " ".join(outcome.failures.values())


def package_files_holding(text: str) -> list[str]:
    """The package's modules (relative to `pulumi_inboxed/`) whose source holds `text`: where a
    rule is written out (a rule's tests assert it is written in one module only)."""
    package = Path(pulumi_inboxed.__file__).resolve().parent
    return [
        str(path.relative_to(package))
        for path in sorted(package.rglob("*.py"))
        if text in path.read_text(encoding="utf-8")
    ]

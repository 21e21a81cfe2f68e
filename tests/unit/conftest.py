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

from pulumi_inboxed.sandbox import SandboxProcess

UNIT_TOKEN = "iu_unit_token_0123456789"


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


@dataclass
class CheckOutcome:
    failures: dict[str, str]
    """property path -> reason, as the CLI prints them."""
    aborted: str | None
    """The message a crash of the handler would print (None when Check returned)."""
    requests: int
    """Requests the sandbox saw during the check."""


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
        failures: dict[str, str] = {}
        try:
            response = servicer.Check(request, context)
            failures = {f.property: f.reason for f in response.failures}
        except _Aborted:
            pass
        after = unit_sandbox.control.total_requests()
        return CheckOutcome(failures, context.details, after - before)

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


_BAD_INPUT_RESULTS: dict[str, bool] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and "bad_input" in report.keywords:
        _BAD_INPUT_RESULTS[report.nodeid] = report.passed


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _BAD_INPUT_RESULTS:
        passed = sum(_BAD_INPUT_RESULTS.values())
        terminalreporter.section("bad inputs")
        terminalreporter.write_line(
            f"rejected at preview naming the field, with no API call: "
            f"{passed} / {len(_BAD_INPUT_RESULTS)}"
        )

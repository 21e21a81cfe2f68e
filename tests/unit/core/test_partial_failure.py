"""core.partial_failure through the real `pulumi.dynamic` provider host, over real gRPC.

`pulumi.dynamic.__main__`'s servicer is served by a grpc server on 127.0.0.1, registered before
any provider is loaded (as `main()` does), and called through a grpc channel the way the engine
calls it: Configure, then Check (which loads the provider, whose `configure` installs the
wrapping), then Create or Update. The client must see status UNKNOWN with the
`grpc-status-details-bin` trailing metadata whose `google.rpc.Status` carries an
`ErrorResourceInitFailed` with the completed outputs and the reasons: that is what the engine
reads to record the outputs and fail the step.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import subprocess
import sys
import types
from collections.abc import Iterator, Mapping
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
import pulumi.dynamic as dyn
import pytest
from google.protobuf import struct_pb2
from google.rpc import status_pb2
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from pulumi_inboxed.core.errors import InboxedError
from pulumi_inboxed.core.partial_failure import PartialFailure
from pulumi_inboxed.core.provider_base import ConfiguredProvider

URN = "urn:pulumi:unit::project::pulumi-python:dynamic:Resource::collection"
REPO = Path(__file__).resolve().parents[3]

COMPLETED = {
    "domains": {"a.example": {"id": 11.0, "status": "active"}},
    "count": 1.0,
}
REASONS = ["b.example: InboxedUp POST /domains: HTTP 503", "c.example: ReadTimeout"]


class CollectionProvider(ConfiguredProvider):
    """Completes some entries and fails the others when its `mode` input says so."""

    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        mode = props.get("mode")
        if mode == "partial":
            raise PartialFailure("2 of 3 domains failed", COMPLETED, REASONS, id_="coll-1")
        if mode == "plain":
            raise InboxedError("InboxedUp POST /domains failed: HTTP 400")
        return dyn.CreateResult("coll-1", {"domains": {}, "count": 0.0})

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        if news.get("mode") == "partial":
            raise PartialFailure("1 of 2 domains failed", COMPLETED, REASONS[:1])
        if news.get("mode") == "plain":
            raise InboxedError("InboxedUp PUT /domains failed: HTTP 400")
        return dyn.UpdateResult({"domains": {}, "count": 0.0})


def _struct(props: Mapping[str, Any]) -> struct_pb2.Struct:
    loop = asyncio.new_event_loop()
    try:
        result: struct_pb2.Struct = loop.run_until_complete(
            rpc.serialize_properties(dict(props), {})
        )
        return result
    finally:
        loop.close()


PROVIDER = serialize_provider(CollectionProvider())
"""The `__provider` input, as `pulumi.dynamic` makes it (dill, base64)."""


def _servicer_module() -> types.ModuleType:
    """`pulumi.dynamic.__main__` without starting its server: the module ends by calling
    `main()`, so its source is run without that last line (shared with tests/unit/conftest)."""
    name = "pulumi.dynamic.__main__"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.origin is not None
    source = Path(spec.origin).read_text().rstrip()
    assert source.endswith("\nmain()"), "pulumi.dynamic.__main__ changed: update this test"
    module = types.ModuleType(name)
    module.__file__ = spec.origin
    exec(compile(source.removesuffix("main()"), spec.origin, "exec"), module.__dict__)
    sys.modules[name] = module
    return module


@pytest.fixture(scope="module")
def host() -> Iterator[provider_pb2_grpc.ResourceProviderStub]:
    """The provider host's servicer on a grpc server (registered before any provider is loaded,
    as the real host does), configured and with the provider loaded by a Check."""
    module = _servicer_module()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(
        module.DynamicResourceProviderServicer(), server
    )
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    stub = provider_pb2_grpc.ResourceProviderStub(channel)
    try:
        stub.Configure(provider_pb2.ConfigureRequest(args=_struct({})), timeout=30)
        _check(stub)
        yield stub
    finally:
        channel.close()
        server.stop(0)


def _check(stub: provider_pb2_grpc.ResourceProviderStub) -> None:
    news = _struct({"mode": "ok", "__provider": PROVIDER})
    stub.Check(provider_pb2.CheckRequest(urn=URN, olds=_struct({}), news=news), timeout=30)


def _init_failure(error: grpc.RpcError) -> provider_pb2.ErrorResourceInitFailed | None:
    """The `ErrorResourceInitFailed` the engine would read from the call's trailing metadata."""
    assert isinstance(error, grpc.Call)
    trailing = dict(error.trailing_metadata() or ())
    raw = trailing.get("grpc-status-details-bin")
    if raw is None:
        return None
    assert isinstance(raw, bytes)
    status = status_pb2.Status.FromString(raw)
    assert status.code == grpc.StatusCode.UNKNOWN.value[0]
    assert len(status.details) == 1
    detail = provider_pb2.ErrorResourceInitFailed()
    assert status.details[0].Unpack(detail)
    return detail


def _create(stub: provider_pb2_grpc.ResourceProviderStub, mode: str) -> grpc.RpcError:
    props = _struct({"mode": mode, "__provider": PROVIDER})
    with pytest.raises(grpc.RpcError) as raised:
        stub.Create(provider_pb2.CreateRequest(urn=URN, properties=props), timeout=30)
    assert isinstance(raised.value, grpc.Call)
    assert raised.value.code() == grpc.StatusCode.UNKNOWN
    return raised.value


def _update(stub: provider_pb2_grpc.ResourceProviderStub, mode: str) -> grpc.RpcError:
    olds = _struct({"mode": "ok", "domains": {}, "count": 0.0, "__provider": PROVIDER})
    news = _struct({"mode": mode, "__provider": PROVIDER})
    request = provider_pb2.UpdateRequest(id="coll-7", urn=URN, olds=olds, news=news)
    with pytest.raises(grpc.RpcError) as raised:
        stub.Update(request, timeout=30)
    assert isinstance(raised.value, grpc.Call)
    assert raised.value.code() == grpc.StatusCode.UNKNOWN
    return raised.value


def test_a_partial_create_reaches_the_engine_as_an_init_failure_with_its_outputs(
    host: provider_pb2_grpc.ResourceProviderStub,
) -> None:
    error = _create(host, "partial")
    detail = _init_failure(error)
    assert detail is not None, "no grpc-status-details-bin: the engine would record nothing"
    assert detail.id == "coll-1"
    outs = rpc.deserialize_properties(detail.properties)
    assert outs == {**COMPLETED, "__provider": PROVIDER}
    assert list(detail.reasons) == ["2 of 3 domains failed", *REASONS]
    assert "2 of 3 domains failed" in (error.details() or "")


def test_a_partial_update_keeps_the_resource_id_and_records_the_completed_entries(
    host: provider_pb2_grpc.ResourceProviderStub,
) -> None:
    detail = _init_failure(_update(host, "partial"))
    assert detail is not None
    assert detail.id == "coll-7"
    assert rpc.deserialize_properties(detail.properties) == {**COMPLETED, "__provider": PROVIDER}
    assert list(detail.reasons) == ["1 of 2 domains failed", REASONS[0]]


@pytest.mark.parametrize("call", [_create, _update], ids=["create", "update"])
def test_any_other_error_stays_a_plain_error(
    host: provider_pb2_grpc.ResourceProviderStub, call: Any
) -> None:
    error = call(host, "plain")
    assert _init_failure(error) is None
    assert "HTTP 400" in (error.details() or "")


def test_a_create_that_succeeds_is_answered_as_before(
    host: provider_pb2_grpc.ResourceProviderStub,
) -> None:
    props = _struct({"mode": "ok", "__provider": PROVIDER})
    reply = host.Create(provider_pb2.CreateRequest(urn=URN, properties=props), timeout=30)
    assert reply.id == "coll-1"
    assert rpc.deserialize_properties(reply.properties)["count"] == 0.0


def test_the_real_provider_host_process_answers_a_partial_failure(tmp_path: Path) -> None:
    """`python -m pulumi.dynamic`, as the engine starts it: the servicer is `__main__` there."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), *sys.path])}
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "pulumi.dynamic"],
        stdout=subprocess.PIPE,
        stderr=(tmp_path / "stderr").open("wb"),
        cwd=REPO,
        env=env,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline().decode().strip())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = provider_pb2_grpc.ResourceProviderStub(channel)
            stub.Configure(provider_pb2.ConfigureRequest(args=_struct({})), timeout=60)
            _check(stub)
            detail = _init_failure(_create(stub, "partial"))
            assert detail is not None, (tmp_path / "stderr").read_text()[-2000:]
            assert rpc.deserialize_properties(detail.properties) == {
                **COMPLETED,
                "__provider": PROVIDER,
            }
            assert list(detail.reasons) == ["2 of 3 domains failed", *REASONS]
    finally:
        process.kill()
        process.wait(timeout=30)

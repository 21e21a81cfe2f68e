"""`core.partial_failure.install()` reaches the handlers the gRPC server already holds.

The dynamic-provider host registers the servicer's bound methods when it starts, before any
`configure()`: a wrapper set on the class afterwards would never be called. This fakes the host's
module the way `pulumi.dynamic.__main__` is built (a decorator that aborts with the traceback,
methods bound before `install()`) and checks that a `PartialFailure` reaches the engine as an
`ErrorResourceInitFailed` with its outputs and reasons."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import Any

import pytest
from google.protobuf import struct_pb2
from google.rpc import status_pb2
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2

from pulumi_inboxed.core import intents, partial_failure
from pulumi_inboxed.core.partial_failure import PartialFailure


class Aborted(Exception):
    pass


class FakeContext:
    def __init__(self) -> None:
        self.trailing: tuple[tuple[str, bytes], ...] = ()
        self.aborts: list[tuple[Any, str]] = []

    def set_trailing_metadata(self, metadata: tuple[tuple[str, bytes], ...]) -> None:
        self.trailing = metadata

    def abort(self, code: Any, details: str) -> None:
        self.aborts.append((code, details))
        raise Aborted()


def host_module() -> types.ModuleType:
    """A stand-in for `pulumi.dynamic.__main__`: the same decorator, the same handler names."""
    module = types.ModuleType("pulumi.dynamic.__main__")

    def _abort_with_traceback(fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(self: Any, request: Any, context: Any) -> Any:
            try:
                return fn(self, request, context)
            except Exception:
                context.abort("UNKNOWN", "traceback")

        return wrapper

    class DynamicResourceProviderServicer:
        @_abort_with_traceback
        def Create(self, request: Any, context: Any) -> Any:
            raise PartialFailure("2 of 3 done", {"done": ["a", "b"]}, ["c: 409 taken"], id_="x")

        @_abort_with_traceback
        def Update(self, request: Any, context: Any) -> Any:
            raise ValueError("not partial")

        @_abort_with_traceback
        def Delete(self, request: Any, context: Any) -> Any:
            return intents.current_urn()  # the row a delete's warnings land on

        @_abort_with_traceback
        def Read(self, request: Any, context: Any) -> Any:
            return intents.current_urn()

    module.DynamicResourceProviderServicer = DynamicResourceProviderServicer  # type: ignore[attr-defined]
    return module


def request_with_provider() -> Any:
    properties = struct_pb2.Struct()
    properties.update({"__provider": "pickled"})
    return types.SimpleNamespace(properties=properties, news=properties, id="x")


def test_a_handler_bound_before_install_reports_the_partial_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = host_module()
    monkeypatch.setitem(sys.modules, "pulumi.dynamic.__main__", module)
    servicer = module.DynamicResourceProviderServicer()
    create = servicer.Create  # what the gRPC server holds, taken at start
    assert partial_failure.install()
    assert partial_failure.install()  # idempotent
    context = FakeContext()
    with pytest.raises(Aborted):
        create(request_with_provider(), context)
    ((key, value),) = context.trailing
    assert key == "grpc-status-details-bin"
    status = status_pb2.Status.FromString(value)
    detail = provider_pb2.ErrorResourceInitFailed()
    assert status.details[0].Unpack(detail)
    assert detail.id == "x"
    assert list(detail.reasons) == ["2 of 3 done", "c: 409 taken"]
    outs = rpc.deserialize_properties(detail.properties)
    assert outs["done"] == ["a", "b"] and outs["__provider"] == "pickled"

    other = FakeContext()  # any other error is untouched
    with pytest.raises(Aborted):
        servicer.Update(request_with_provider(), other)
    assert other.trailing == () and other.aborts == [("UNKNOWN", "traceback")]


def test_delete_and_read_bound_before_install_know_their_resource(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A delete's messages land on its resource's row (`core.engine_log`): the wrapped Delete
    and Read set the URN that `intents.current_urn()` gives, and nothing after."""
    module = host_module()
    monkeypatch.setitem(sys.modules, "pulumi.dynamic.__main__", module)
    servicer = module.DynamicResourceProviderServicer()
    delete, read = servicer.Delete, servicer.Read
    assert delete(types.SimpleNamespace(urn="urn:pulumi:dev::p::t::a"), FakeContext()) == ""
    assert partial_failure.install()
    assert delete(types.SimpleNamespace(urn="urn:pulumi:dev::p::t::a"), FakeContext()) == (
        "urn:pulumi:dev::p::t::a"
    )
    assert read(types.SimpleNamespace(urn="urn:pulumi:dev::p::t::b"), FakeContext()) == (
        "urn:pulumi:dev::p::t::b"
    )
    assert intents.current_urn() == ""

"""What the engine is told a diff changed (`core.engine_diff`), through the real provider host.

The host (`pulumi.dynamic.__main__`) drops everything of a provider's `DiffResult` but `changes`
and `replaces`; the CLI then lists every recorded input that differs, outputs the program sets
among them (`[diff: ~domains_in_program,requests]`, issue 21). These tests run the host's own
`Diff` handler for every kind of the registry and read its answer.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

import pulumi.dynamic as dyn
import pytest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime.proto import provider_pb2

from pulumi_inboxed import kinds
from pulumi_inboxed.core import engine_diff
from pulumi_inboxed.core.lifecycle import DESTROY_ADOPTED
from pulumi_inboxed.inboxedup.mailbox_request_collection import MailboxRequestsProvider

from ..conftest import _Context, _serialize, _servicer_module

KINDS = kinds.all_kinds()
SOME = provider_pb2.DiffResponse.DIFF_SOME
NONE = provider_pb2.DiffResponse.DIFF_NONE
UPDATE = provider_pb2.PropertyDiff.UPDATE


def provider_of(kind: kinds.Kind) -> type[dyn.ResourceProvider]:
    module = importlib.import_module(kind.module)
    specs = getattr(module, "SPECS", None) or (module.SPEC,)
    (spec,) = [s for s in specs if s.name == kind.name]
    provider: type[dyn.ResourceProvider] = spec.provider
    return provider


def outputs_of(kind: kinds.Kind) -> tuple[str, ...]:
    module = importlib.import_module(kind.module)
    specs = getattr(module, "SPECS", None) or (module.SPEC,)
    (spec,) = [s for s in specs if s.name == kind.name]
    names: tuple[str, ...] = spec.outputs.output_names()
    return names


@pytest.fixture(scope="module")
def host() -> Iterator[Any]:
    """The provider host's servicer, configured with an empty stack config (a diff calls no
    API), with a provider cache of its own: the providers it configures are not the ones other
    tests' host uses."""
    module = _servicer_module()
    cache = module._PROVIDER_CACHE
    module._PROVIDER_CACHE = {}
    try:
        servicer = module.DynamicResourceProviderServicer()
        servicer.Configure(provider_pb2.ConfigureRequest(args=_serialize({})), _Context())
        yield servicer
    finally:
        module._PROVIDER_CACHE = cache


def host_diff(
    host: Any,
    provider: type[dyn.ResourceProvider],
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
) -> Any:
    pickled = serialize_provider(provider())
    request = provider_pb2.DiffRequest(
        id="the-id",
        urn="urn:pulumi:unit::project::pulumi-python:dynamic:Resource::r",
        olds=_serialize({**olds, "__provider": pickled}),
        news=_serialize({**news, "__provider": pickled}),
    )
    return host.Diff(request, _Context())


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.token)
def test_a_diff_tells_the_engine_only_the_inputs_that_changed(host: Any, kind: kinds.Kind) -> None:
    """An input changed (`destroy_adopted`, on every kind) beside values the program sets that
    are not inputs (every output name, `domains_in_program` among them): the engine is told the
    input alone, as the changed keys and as the detailed diff."""
    assert DESTROY_ADOPTED in kind.inputs
    olds = {DESTROY_ADOPTED: False}
    news = {DESTROY_ADOPTED: True, **{name: ["moved.example"] for name in outputs_of(kind)}}
    response = host_diff(host, provider_of(kind), olds, news)
    assert response.changes == SOME
    assert list(response.diffs) == [DESTROY_ADOPTED]
    assert set(response.diffs) <= set(kind.inputs)
    assert response.hasDetailedDiff
    assert dict(response.detailedDiff) == {
        DESTROY_ADOPTED: provider_pb2.PropertyDiff(kind=UPDATE, inputDiff=True)
    }


def test_mailbox_requests_list_requests_not_domains_in_program(host: Any) -> None:
    """The preview of issue 21: a new entry on a domain a new DomainBatch declares."""
    kind = kinds.kind("inboxedup:MailboxRequests")
    entry = {
        "domain": "a.com",
        "type": "smtp",
        "mailboxes": [{"first_name": "A", "last_name": "B", "username": "ab"}],
    }
    olds = {"requests": [entry], "domains_in_program": ["a.com"]}
    news = {
        "requests": [entry, {**entry, "domain": "b.com"}],
        "domains_in_program": ["a.com", "b.com"],
    }
    response = host_diff(host, provider_of(kind), olds, news)
    assert response.changes == SOME
    assert list(response.diffs) == ["requests"]
    assert list(response.detailedDiff) == ["requests"]


def test_a_replacing_input_is_told_as_a_replacement(host: Any) -> None:
    kind = kinds.kind("inboxedup:MailboxRequests")
    entry = {"domain": "a.com", "type": "smtp", "mailboxes": []}
    olds = {"requests": [entry], "account": "client-a"}
    news = {"requests": [entry], "account": "client-b"}
    response = host_diff(host, provider_of(kind), olds, news)
    assert list(response.replaces) == ["account"]
    assert dict(response.detailedDiff) == {
        "account": provider_pb2.PropertyDiff(
            kind=provider_pb2.PropertyDiff.UPDATE_REPLACE, inputDiff=True
        )
    }


def test_no_change_adds_nothing(host: Any) -> None:
    kind = kinds.kind("inboxedup:MailboxRequests")
    olds = {"requests": [], "domains_in_program": ["a.com"]}
    news = {"requests": [], "domains_in_program": ["a.com", "b.com"]}
    response = host_diff(host, provider_of(kind), olds, news)
    assert response.changes == NONE
    assert not response.diffs and not response.hasDetailedDiff


# refresh ------------------------------------------------------------------------------------


ENTRY = {"domain": "a.com", "type": "smtp", "mailboxes": []}
RECORDED = {
    "requests": [ENTRY],
    "statuses": {"a.com/smtp": "PENDING", "b.com/smtp": "PENDING", "c.com/smtp": "FAILED"},
}
MOVED = {
    **RECORDED,
    "statuses": {"a.com/smtp": "COMPLETED", "b.com/smtp": "COMPLETED", "c.com/smtp": "FAILED"},
}


class ReadsGiven(MailboxRequestsProvider):
    """MailboxRequests whose read returns the state `ReadsGiven.state` (no API)."""

    state: ClassVar[dict[str, Any]] = {}

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        return dyn.ReadResult(id_=id_, outs=dict(self.state), inputs={"requests": [ENTRY]})


def host_read(host: Any, provider: type[dyn.ResourceProvider], props: Mapping[str, Any]) -> Any:
    request = provider_pb2.ReadRequest(
        id="the-id",
        urn="urn:pulumi:unit::project::pulumi-python:dynamic:Resource::r",
        properties=_serialize({**props, "__provider": serialize_provider(provider())}),
    )
    return host.Read(request, _Context())


def test_a_refresh_reports_the_statuses_that_moved_and_a_later_diff_does_not(
    host: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refresh calls `Read` then `Diff(olds=refreshed state, news=recorded inputs)`: the
    statuses that moved make that diff a change with `statuses` as its output key, and one line
    names them; the next diff of the same resource (a `pulumi up` in the same process) compares
    inputs only."""
    monkeypatch.setattr(ReadsGiven, "state", MOVED)
    host_read(host, ReadsGiven, RECORDED)
    assert capsys.readouterr().err == (
        "MailboxRequests 'r': 2 statuses moved: "
        "a.com/smtp PENDING -> COMPLETED, b.com/smtp PENDING -> COMPLETED\n"
    )
    response = host_diff(host, ReadsGiven, MOVED, {"requests": [ENTRY]})
    assert response.changes == SOME
    assert list(response.diffs) == ["statuses"]
    assert dict(response.detailedDiff) == {
        "statuses": provider_pb2.PropertyDiff(kind=UPDATE, inputDiff=False)
    }
    again = host_diff(host, ReadsGiven, MOVED, {"requests": [ENTRY]})
    assert again.changes == NONE and not again.diffs


def test_a_refresh_where_nothing_moved_is_no_change(
    host: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ReadsGiven, "state", RECORDED)
    host_read(host, ReadsGiven, RECORDED)
    assert capsys.readouterr().err == ""
    assert host_diff(host, ReadsGiven, RECORDED, {"requests": [ENTRY]}).changes == NONE


def test_a_read_outside_the_host_leaves_no_note(host: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test (or any caller but the host's `Read`) reading a resource, then diffing it: the
    diff compares inputs only."""
    monkeypatch.setattr(ReadsGiven, "state", MOVED)
    provider = ReadsGiven()
    provider.read("the-id", dict(RECORDED))
    assert not provider.diff("the-id", MOVED, {"requests": [ENTRY]}).changes
    assert host_diff(host, ReadsGiven, MOVED, {"requests": [ENTRY]}).changes == NONE


def test_a_note_is_taken_only_by_the_diff_of_the_state_read(
    host: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ReadsGiven, "state", MOVED)
    host_read(host, ReadsGiven, RECORDED)
    other = {**MOVED, "statuses": {"a.com/smtp": "FAILED"}}
    assert host_diff(host, ReadsGiven, other, {"requests": [ENTRY]}).changes == NONE


def test_status_lines() -> None:
    assert engine_diff.statuses_line(
        "DomainBatch", "b-1", {"status": "PENDING_NS"}, {"status": "ACTIVE"}
    ) == ("DomainBatch b-1: status moved: PENDING_NS -> ACTIVE")
    many_before = {"statuses": {f"d{i}.com": "PENDING_NS" for i in range(8)}}
    many_after = {"statuses": {f"d{i}.com": "ACTIVE" for i in range(8)}}
    line = engine_diff.statuses_line("DomainBatch", "b-1", many_before, many_after)
    assert line.startswith("DomainBatch b-1: 8 statuses moved: d0.com PENDING_NS -> ACTIVE, ")
    assert line.endswith(" and 3 more")
    assert engine_diff.statuses_line("DomainBatch", "b-1", many_after, many_after) == ""


def test_every_kind_is_declared_to_the_diff_reporting() -> None:
    for kind in KINDS:
        provider = provider_of(kind)
        models = engine_diff.models_of(provider)
        assert models is not None and models[0] == kind.name
        assert getattr(provider.diff, engine_diff.WRAPPED, False), kind.token
        assert getattr(provider.read, engine_diff.WRAPPED, False), kind.token

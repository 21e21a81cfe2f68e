"""Per-entry outputs recorded as one JSON text each (`core.packed_outputs`, issue 19): the
state a collection writes, read back by its handlers, by programs and by tools."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, ClassVar

import pulumi
import pulumi.dynamic as dyn
import pytest

from pulumi_inboxed import kinds
from pulumi_inboxed.core import packed_outputs
from pulumi_inboxed.core.packed_outputs import pack, unpack, unpack_value
from pulumi_inboxed.core.provider_base import ConfiguredProvider
from pulumi_inboxed.core.resource_spec import unpack_attributes
from pulumi_inboxed.policy.model import Resource


def test_pack_and_unpack_round_trip_and_read_state_written_before() -> None:
    outs = {"statuses": {"a.com": "ACTIVE"}, "domains": ["a.com"], "batch_id": "b1", "n": 3}
    packed = pack(outs, ("statuses", "domains", "batch_id", "missing"))
    assert packed["statuses"] == '{"a.com":"ACTIVE"}' and packed["domains"] == '["a.com"]'
    assert packed["batch_id"] == "b1" and packed["n"] == 3  # only dicts and lists are packed
    assert unpack(packed, ("statuses", "domains", "batch_id")) == outs
    # state written before outputs were packed, and values not known yet, read as they are
    assert unpack(outs, ("statuses", "domains")) == outs
    assert unpack_value(None) is None and unpack_value("{not json") == "{not json"


class _Collection(ConfiguredProvider):
    """A provider whose handlers record what they were given."""

    packed_outputs = ("entries", "statuses")
    seen: ClassVar[list[dict[str, Any]]] = []

    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        return dyn.CreateResult("c1", {**props, "statuses": {e: "DONE" for e in props["entries"]}})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        self.seen.append(olds)
        return dyn.UpdateResult({**news, "statuses": dict(olds["statuses"])})

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        self.seen.append(props)
        return dyn.ReadResult(id_, dict(props))

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        self.seen.append(olds)
        return dyn.DiffResult(changes=olds["entries"] != news["entries"])

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        self.seen.append(props)


@pytest.fixture
def installed() -> Iterator[None]:
    packed_outputs.install()
    _Collection.seen = []
    yield
    packed_outputs.uninstall()


def test_in_the_provider_process_outputs_are_recorded_packed_and_handlers_see_values(
    installed: None,
) -> None:
    provider = _Collection()
    created = provider.create({"entries": ["a", "b"]})
    assert created.outs == {"entries": '["a","b"]', "statuses": '{"a":"DONE","b":"DONE"}'}
    recorded = dict(created.outs)
    assert provider.diff("c1", recorded, {"entries": ["a", "b"]}).changes is False
    assert provider.diff("c1", recorded, {"entries": ["a"]}).changes is True
    updated = provider.update("c1", recorded, {"entries": ["a"]})
    assert updated.outs == {"entries": '["a"]', "statuses": '{"a":"DONE","b":"DONE"}'}
    read = provider.read("c1", recorded)
    assert read.outs == recorded
    provider.delete("c1", recorded)
    # every handler was given values, never the texts the state holds
    assert all(s["entries"] == ["a", "b"] for s in _Collection.seen), _Collection.seen
    # and state written before (values) is read the same
    assert provider.diff("c1", {"entries": ["a", "b"], "statuses": {}}, {"entries": ["a", "b"]})
    assert _Collection.seen[-1]["entries"] == ["a", "b"]


def test_called_directly_handlers_take_and_give_values() -> None:
    created = _Collection().create({"entries": ["a"]})
    assert created.outs == {"entries": ["a"], "statuses": {"a": "DONE"}}


def test_each_kind_packs_only_outputs_and_inputs_it_declares() -> None:
    packing = {k.token: k.packed_outputs for k in kinds.all_kinds() if k.packed_outputs}
    assert set(packing) == {"inboxedup:DomainBatch", "inboxedup:MailboxRequests"}, packing
    from pulumi_inboxed.codegen import SPEC_MODULES, specs_of

    for api in SPEC_MODULES:
        for _, spec in specs_of(api):
            declared = {*spec.inputs.input_names(), *spec.outputs.output_names()}
            unknown = set(getattr(spec.provider, "packed_outputs", ())) - declared
            assert not unknown, (spec.name, unknown)


def test_tools_and_policies_read_packed_outputs_as_values() -> None:
    token = kinds.kind("inboxedup:DomainBatch").type_token
    recorded = {"statuses": '{"a.com":"ACTIVE"}', "batch_id": "b1"}
    assert kinds.unpacked_outputs(token, recorded)["statuses"] == {"a.com": "ACTIVE"}
    assert kinds.unpacked_outputs("aws:s3/bucket:Bucket", recorded) == recorded
    resource = Resource(type=token, name="b", urn="urn:b", props=recorded)
    assert resource.get("statuses") == {"a.com": "ACTIVE"} and resource.get("batch_id") == "b1"


@pulumi.runtime.test
def test_a_program_reads_a_packed_output_as_its_value() -> Any:
    class Holder(pulumi.CustomResource):
        pass

    pulumi.runtime.set_mocks(_RecordedPacked(), preview=False)
    holder = Holder("t:index:Holder", "h", {"statuses": None, "name": None})
    unpack_attributes(holder, ("statuses",))

    def check(values: list[Any]) -> None:
        statuses, name = values
        assert statuses == {"a.com": "ACTIVE"} and name == "kept"

    return pulumi.Output.all(holder.statuses, holder.name).apply(check)  # type: ignore[attr-defined]


class _RecordedPacked(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return "h1", {"statuses": json.dumps({"a.com": "ACTIVE"}), "name": "kept"}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any]]:
        return {}, []

"""`core.single_object.SingleObjectProvider`: the diff, the verified delete and `set_once` that
the small kinds share, on an in-memory API (no HTTP: the base calls only the kind's hooks)."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from pulumi_inboxed.core import errors
from pulumi_inboxed.core.lifecycle import DeleteNotConfirmedError
from pulumi_inboxed.core.resource_spec import ResourceSpec
from pulumi_inboxed.core.safe_write import WritePolicy
from pulumi_inboxed.core.schema import ResourceInputs, ResourceOutputs, arg
from pulumi_inboxed.core.single_object import SingleObjectProvider

FAST = WritePolicy(attempts=3, initial_wait=0.0, max_wait=0.0)


class _ThingInputs(ResourceInputs):
    name: str = arg(description="the thing's name", replace=True)
    colour: str = arg("red", description="its colour")


class _ThingOutputs(ResourceOutputs):
    pass


class _ThingProvider(SingleObjectProvider):
    what = "Demo thing"
    settle_seconds = 0.05
    write_policy = FAST
    listed: ClassVar[set[str]] = set()
    removals: ClassVar[list[str]] = []
    stays_listed: ClassVar[bool] = False

    def remove_object(self, id_: str, props: dict[str, Any]) -> None:
        self.removals.append(id_)
        if not self.stays_listed:
            self.listed.discard(id_)

    def object_exists(self, id_: str, props: dict[str, Any]) -> bool:
        return id_ in self.listed


ResourceSpec("demo", "Thing", _ThingInputs, _ThingOutputs, _ThingProvider)


@pytest.fixture(autouse=True)
def _fresh() -> None:
    _ThingProvider.listed = {"t1"}
    _ThingProvider.removals = []
    _ThingProvider.stays_listed = False


def test_diff_updates_in_place_unless_a_replacing_input_changed() -> None:
    provider = _ThingProvider()
    olds = {"name": "a", "colour": "red"}
    assert provider.diff("t1", olds, {**olds}).changes is False
    colour = provider.diff("t1", olds, {"name": "a", "colour": "blue"})
    assert colour.changes and not colour.replaces
    assert provider.diff("t1", olds, {"name": "b", "colour": "red"}).replaces == ["name"]


def test_delete_removes_and_reads_back_until_gone() -> None:
    _ThingProvider().delete("t1", {"name": "a", "adopted": False})
    assert _ThingProvider.removals == ["t1"] and not _ThingProvider.listed


def test_delete_keeps_an_adopted_object_unless_destroy_adopted() -> None:
    _ThingProvider().delete("t1", {"name": "a", "adopted": True})
    assert _ThingProvider.removals == [] and _ThingProvider.listed == {"t1"}
    _ThingProvider().delete("t1", {"name": "a", "adopted": True, "destroy_adopted": True})
    assert _ThingProvider.removals == ["t1"]


def test_a_delete_the_read_does_not_confirm_fails_naming_the_object() -> None:
    _ThingProvider.stays_listed = True
    with pytest.raises(DeleteNotConfirmedError, match="Demo thing 't1'"):
        _ThingProvider().delete("t1", {"name": "a"})


@pytest.mark.parametrize(("took_effect", "sends"), [(True, 1), (False, 2)])
def test_set_once_sends_again_only_when_the_read_does_not_show_the_value(
    took_effect: bool, sends: int
) -> None:
    sent: list[int] = []

    def send() -> None:
        sent.append(1)
        if len(sent) == 1:  # the first try fails half-way: it may have acted
            raise errors.TransportError("Demo", "POST", "/things/t1/colour", "RemoteProtocolError")

    _ThingProvider().set_once("Demo thing 't1': colour blue", send, lambda: took_effect)
    assert len(sent) == sends

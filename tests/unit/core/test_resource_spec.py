"""core.resource_spec: registration at the scale of an agency's stack (no dynamic-resource cap)."""

from __future__ import annotations

import pickle
from typing import Any

import pulumi

from pulumi_inboxed.inboxedup import SubscriptionNotes

COUNT = 3000


class _Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"{args.name}_id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any]]:
        return {}, []


@pulumi.runtime.test
def test_a_program_registers_3000_resources_without_recursion_error() -> Any:
    """`pulumi.dynamic` nests a pickler wrapper per registration and never undoes it: without
    the restore, about 985 registrations end in RecursionError."""
    pulumi.runtime.set_mocks(_Mocks(), preview=True)
    pickler: Any = pickle._Pickler  # type: ignore[attr-defined]
    before = pickler._batch_setitems
    made = [
        SubscriptionNotes(f"notes-{i}", subscription_id=f"sub_{i}", notes="n") for i in range(COUNT)
    ]
    assert pickler._batch_setitems is before  # nothing left nested behind
    return pulumi.Output.all(made[0].notes, made[-1].subscription_id).apply(
        lambda values: values == ["n", f"sub_{COUNT - 1}"] or None
    )

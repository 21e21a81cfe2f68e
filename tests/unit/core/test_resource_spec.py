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


class _Recorder(_Mocks):
    def __init__(self) -> None:
        self.reads: dict[str, dict[str, Any]] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        if args.resource_id:  # a read (`Kind.get`)
            self.reads[args.name] = dict(args.inputs)
        return super().new_resource(args)


@pulumi.runtime.test
def test_get_reads_from_the_named_account_or_the_default_one() -> Any:
    """`Kind.get(name, id, account=...)` hands the account to the provider's `read()` among the
    props (the engine passes a user-driven read only its inputs)."""
    from pulumi_inboxed.inboxedup import DomainBatch
    from pulumi_inboxed.pingram import SenderDomain

    mocks = _Recorder()
    pulumi.runtime.set_mocks(mocks, preview=False)
    named = SenderDomain.get("named", "news.example.com", account="client-a")
    plain = DomainBatch.get("plain", "batch_1")

    def check(_: Any) -> bool:
        assert mocks.reads["named"]["account"] == "client-a"
        assert mocks.reads["plain"].get("account") is None
        return True

    return pulumi.Output.all(named.urn, plain.urn).apply(check)

"""`inboxedup.SubscriptionNotes`: the notes of one subscription, managed in place.

Keyed by subscription id (a change of id replaces the resource). Create remembers the notes it
found and delete puts them back, so removing the resource undoes what it did.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi.dynamic as dyn

from ..core.errors import InboxedError
from ..core.lifecycle import DESTROY_ADOPTED
from ..core.provider_base import ConfiguredProvider, is_unknown
from .models import Subscription
from .runtime import InboxedUpRuntime, runtime_for

MAX_NOTES_LENGTH = 2000  # our bound: no page gives one


def _find(rt: InboxedUpRuntime, subscription_id: str) -> Subscription | None:
    return next((s for s in rt.client.list_subscriptions() if s.id == subscription_id), None)


def _outputs(
    subscription_id: str, sub: Subscription, original: str | None, destroy: Any = False
) -> dict[str, Any]:
    return {
        "subscription_id": subscription_id,
        DESTROY_ADOPTED: destroy is True,
        "notes": sub.notes or "",
        "original_notes": original,
        "type": sub.type,
        "quantity": sub.quantity,
        "status": sub.status,
        "adopted": True,
    }


class SubscriptionNotesProvider(ConfiguredProvider):
    def _runtime(self) -> InboxedUpRuntime:
        return runtime_for(self.config)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> dyn.CheckResult:
        failures: list[dyn.CheckFailure] = []
        inputs = dict(news)
        sub_id = news.get("subscription_id")
        if is_unknown(sub_id):
            pass  # from another resource's output: known at `up`
        elif not isinstance(sub_id, str) or not sub_id.strip():
            failures.append(dyn.CheckFailure("subscription_id", "is required"))
        notes = news.get("notes")
        if is_unknown(notes):
            pass
        elif not isinstance(notes, str):
            failures.append(dyn.CheckFailure("notes", "must be a string"))
        elif len(notes) > MAX_NOTES_LENGTH:
            failures.append(
                dyn.CheckFailure("notes", f"is {len(notes)} characters; at most {MAX_NOTES_LENGTH}")
            )
        if news.get(DESTROY_ADOPTED) is None:
            inputs[DESTROY_ADOPTED] = False
        return dyn.CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        replaces = (
            ["subscription_id"]
            if olds.get("subscription_id") != news.get("subscription_id")
            else []
        )
        changed = (
            replaces
            or olds.get("notes") != news.get("notes")
            or bool(olds.get(DESTROY_ADOPTED)) != bool(news.get(DESTROY_ADOPTED))
        )
        return dyn.DiffResult(changes=bool(changed), replaces=replaces)

    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        rt = self._runtime()
        sub_id = str(props["subscription_id"])
        before = _find(rt, sub_id)
        if before is None:
            raise InboxedError(f"subscription {sub_id!r} is not among the account's subscriptions")
        after = rt.client.update_subscription_notes(sub_id, str(props["notes"]))
        outs = _outputs(sub_id, after, before.notes or "", props.get(DESTROY_ADOPTED))
        return dyn.CreateResult(id_=sub_id, outs=outs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        after = self._runtime().client.update_subscription_notes(id_, str(news["notes"]))
        outs = _outputs(id_, after, olds.get("original_notes"), news.get(DESTROY_ADOPTED))
        return dyn.UpdateResult(outs=outs)

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        sub = _find(self._runtime(), id_)
        if sub is None:
            return dyn.ReadResult(id_="", outs={})
        keep = props.get(DESTROY_ADOPTED) is True
        outs = _outputs(id_, sub, props.get("original_notes"), keep)
        inputs = {"subscription_id": id_, "notes": sub.notes or "", DESTROY_ADOPTED: keep}
        return dyn.ReadResult(id_=id_, outs=outs, inputs=inputs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        rt = self._runtime()
        if _find(rt, id_) is not None:
            rt.client.update_subscription_notes(id_, str(props.get("original_notes") or ""))


class SubscriptionNotes(dyn.Resource, module="inboxedup", name="SubscriptionNotes"):
    """The notes of an InboxedUp subscription (`list_subscriptions()` gives the ids)."""

    subscription_id: pulumi.Output[str]
    notes: pulumi.Output[str]
    original_notes: pulumi.Output[str | None]
    type: pulumi.Output[str]
    quantity: pulumi.Output[int]
    status: pulumi.Output[str]
    adopted: pulumi.Output[bool]
    """Always True: the subscription existed before; delete restores its notes, never deletes."""

    def __init__(
        self,
        resource_name: str,
        subscription_id: pulumi.Input[str],
        notes: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
        destroy_adopted: pulumi.Input[bool] | None = None,
    ) -> None:
        """
        :param subscription_id: the subscription (it exists already: this resource adopts it).
        :param notes: the notes to set.
        :param destroy_adopted: accepted as on every resource; a subscription is never deleted
            (the API cannot), so destroy only puts back the notes found at create either way.
        """
        props = {
            "subscription_id": subscription_id,
            "notes": notes,
            DESTROY_ADOPTED: destroy_adopted,
            "adopted": None,
            "original_notes": None,
            "type": None,
            "quantity": None,
            "status": None,
        }
        super().__init__(SubscriptionNotesProvider(), resource_name, props, opts)

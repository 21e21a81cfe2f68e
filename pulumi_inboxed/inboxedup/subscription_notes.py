"""`inboxedup.SubscriptionNotes`: the notes of one subscription, managed in place.

Keyed by subscription id (a change of id replaces the resource). Create remembers the notes it
found and delete puts them back, so removing the resource undoes what it did.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

import pulumi.dynamic as dyn
from pydantic import StringConstraints

from ..core.errors import InboxedError
from ..core.lifecycle import DESTROY_ADOPTED
from ..core.resource_spec import ResourceSpec
from ..core.schema import ResourceInputs, ResourceOutputs, arg, out
from ..core.single_object import SingleObjectProvider
from .endpoints import MAX_NOTES_LENGTH as MAX_NOTES_LENGTH
from .models import Subscription
from .runtime import InboxedUpRuntime, account_of, runtime_for


class SubscriptionNotesInputs(ResourceInputs):
    SUMMARY: ClassVar[str] = """
    The notes of an InboxedUp subscription, managed in place (`list_subscriptions()` gives the
    ids). Create remembers the notes it found and delete puts them back: the subscription itself
    existed before and is never deleted.
    """
    EXAMPLE: ClassVar[str] = """
    from pulumi_inboxed.inboxedup import SubscriptionNotes, list_subscriptions_output

    subscription_id = list_subscriptions_output().apply(lambda subs: subs[0].id)
    SubscriptionNotes("notes", subscription_id=subscription_id, notes="managed by Pulumi")
    """

    subscription_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] = arg(
        description="the subscription (it exists already: this resource adopts it)",
        replace=True,
    )
    notes: str = arg(
        description=f"the notes to set (at most {MAX_NOTES_LENGTH} characters)",
        max_length=MAX_NOTES_LENGTH,
    )


class SubscriptionNotesOutputs(ResourceOutputs):
    original_notes: str | None = out(description="the notes found at create; delete restores them")
    type: str | None = out(description="the subscription's type")
    quantity: int | None = out(description="the subscription's quantity")
    status: str | None = out(description="the subscription's status")
    adopted: bool | None = out(
        description="always True: the subscription existed before; delete restores its notes"
    )


def _find(rt: InboxedUpRuntime, subscription_id: str) -> Subscription | None:
    return next((s for s in rt.client.list_subscriptions() if s.id == subscription_id), None)


def _outputs(
    subscription_id: str,
    sub: Subscription,
    original: str | None,
    destroy: Any = False,
    account: str | None = None,
) -> dict[str, Any]:
    return {
        **({"account": account} if account else {}),  # read and delete use its account
        "subscription_id": subscription_id,
        DESTROY_ADOPTED: destroy is True,
        "notes": sub.notes or "",
        "original_notes": original,
        "type": sub.type,
        "quantity": sub.quantity,
        "status": sub.status,
        "adopted": True,
    }


class SubscriptionNotesProvider(SingleObjectProvider):
    """The subscription existed before and stays: delete puts its notes back (no verified
    delete), and `diff` is the base's."""

    def _runtime(self, account: str | None = None) -> InboxedUpRuntime:
        """The runtime of `account` (None: the default account)."""
        return runtime_for(self.config, account)

    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        account = account_of(props)
        rt = self._runtime(account)
        sub_id = str(props["subscription_id"])
        before = _find(rt, sub_id)
        if before is None:
            raise InboxedError(f"subscription {sub_id!r} is not among the account's subscriptions")
        after = rt.client.update_subscription_notes(sub_id, str(props["notes"]))
        outs = _outputs(sub_id, after, before.notes or "", props.get(DESTROY_ADOPTED), account)
        return dyn.CreateResult(id_=sub_id, outs=outs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        account = account_of(olds)  # a change of account replaces: never here
        after = self._runtime(account).client.update_subscription_notes(id_, str(news["notes"]))
        original = olds.get("original_notes")
        outs = _outputs(id_, after, original, news.get(DESTROY_ADOPTED), account)
        return dyn.UpdateResult(outs=outs)

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        account = account_of(props)
        sub = _find(self._runtime(account), id_)
        if sub is None:
            return dyn.ReadResult(id_="", outs={})
        keep = props.get(DESTROY_ADOPTED) is True
        outs = _outputs(id_, sub, props.get("original_notes"), keep, account)
        inputs = {
            "subscription_id": id_,
            "notes": sub.notes or "",
            DESTROY_ADOPTED: keep,
            **({"account": account} if account else {}),
        }
        return dyn.ReadResult(id_=id_, outs=outs, inputs=inputs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        rt = self._runtime(account_of(props))
        if _find(rt, id_) is not None:
            rt.client.update_subscription_notes(id_, str(props.get("original_notes") or ""))


SPEC = ResourceSpec(
    module="inboxedup",
    name="SubscriptionNotes",
    inputs=SubscriptionNotesInputs,
    outputs=SubscriptionNotesOutputs,
    provider=SubscriptionNotesProvider,
    id_doc="its subscription id",
)

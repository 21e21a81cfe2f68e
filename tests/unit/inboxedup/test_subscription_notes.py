"""inboxedup.SubscriptionNotes: its declaration, checked at preview."""

from __future__ import annotations

import pytest
from pulumi.output import Unknown

from pulumi_inboxed.inboxedup.subscription_notes import SubscriptionNotesProvider

from ..conftest import BadInput, PreviewCheck, assert_rejected_at_preview

GOOD = {"subscription_id": "sub_1", "notes": "managed by Pulumi"}

BAD_INPUTS = [
    BadInput("id-number", {**GOOD, "subscription_id": 12}, "subscription_id", "valid string"),
    BadInput("id-blank", {**GOOD, "subscription_id": "  "}, "subscription_id", "at least 1"),
    BadInput("notes-missing", {"subscription_id": "sub_1"}, "notes", "is required"),
    BadInput("notes-number", {**GOOD, "notes": 5}, "notes", "valid string"),
    BadInput("notes-too-long", {**GOOD, "notes": "x" * 2001}, "notes", "at most 2000"),
    BadInput("destroy-adopted-string", {**GOOD, "destroy_adopted": "no"}, "destroy_adopted"),
    BadInput("not-an-input", {**GOOD, "note": "typo"}, "note", "is not an input"),
]


@pytest.mark.bad_input
@pytest.mark.parametrize("bad", BAD_INPUTS, ids=lambda b: b.case)
def test_bad_input_is_rejected_at_preview(preview_check: PreviewCheck, bad: BadInput) -> None:
    assert_rejected_at_preview(preview_check(SubscriptionNotesProvider, bad.inputs), bad)


def test_good_input_passes_with_no_api_call(preview_check: PreviewCheck) -> None:
    outcome = preview_check(SubscriptionNotesProvider, GOOD)
    assert outcome.failures == {} and outcome.aborted is None and outcome.requests == 0


def test_unknown_values_pass() -> None:
    unknown = Unknown()  # type: ignore[no-untyped-call]
    result = SubscriptionNotesProvider().check({}, {"subscription_id": unknown, "notes": "n"})
    assert result.failures == []
    assert result.inputs["destroy_adopted"] is False
    result = SubscriptionNotesProvider().check({}, {"subscription_id": "sub_1", "notes": unknown})
    assert result.failures == []

"""core.reconcile: the plan of a collection update, from plain data (no HTTP, no Pulumi)."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_inboxed.core.reconcile import EntryChange, changed_fields, plan_entries

A = {"domain": "a.com", "port": 25}
A2 = {"domain": "a.com", "port": 2525}
B = {"domain": "b.com", "port": 25}
C = {"domain": "c.com", "port": 25}

CASES: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any], dict[str, list[str]]]] = [
    # id, old, new, options, expected keys per bucket
    ("nothing recorded: all added", {}, {"a": A, "b": B}, {}, {"add": ["a", "b"]}),
    ("same entries: unchanged", {"a": A}, {"a": A}, {}, {"unchanged": ["a"]}),
    ("one field differs: changed", {"a": A}, {"a": A2}, {}, {"change": ["a"]}),
    (
        "dropped entry: removed",
        {"a": A, "b": B},
        {"a": A},
        {},
        {"unchanged": ["a"], "remove": ["b"]},
    ),
    (
        "recorded but not done (partial failure): retried",
        {"a": A, "b": B},
        {"a": A, "b": B},
        {"done": ["a"]},
        {"unchanged": ["a"], "retry": ["b"]},
    ),
    (
        "left out of the outputs after a partial failure: added again",
        {"a": A},
        {"a": A, "b": B},
        {"done": ["a"]},
        {"unchanged": ["a"], "add": ["b"]},
    ),
    (
        "named as failed: retried even though recorded",
        {"a": A, "b": B},
        {"a": A, "b": B},
        {"failed": ["b"]},
        {"unchanged": ["a"], "retry": ["b"]},
    ),
    (
        "done but not recorded: changed (nothing to compare with)",
        {"a": A},
        {"a": A, "c": C},
        {"done": ["a", "c"]},
        {"unchanged": ["a"], "change": ["c"]},
    ),
    (
        "done, not recorded, not wanted: removed",
        {"a": A},
        {"a": A},
        {"done": ["a", "c"]},
        {"unchanged": ["a"], "remove": ["c"]},
    ),
    (
        "compare ignores a field: unchanged",
        {"a": A},
        {"a": A2},
        {"compare": lambda e: {"domain": e["domain"]}},
        {"unchanged": ["a"]},
    ),
    (
        "entries without fields (names only)",
        {"a": None, "b": None},
        {"b": None, "c": None},
        {},
        {"unchanged": ["b"], "add": ["c"], "remove": ["a"]},
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "options", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_plan_entries(
    old: dict[str, Any],
    new: dict[str, Any],
    options: dict[str, Any],
    expected: dict[str, list[str]],
) -> None:
    plan = plan_entries(old, new, **options)
    buckets = ("add", "change", "remove", "retry", "unchanged")
    got = {b: list(getattr(plan, b)) for b in buckets}
    assert got == {b: expected.get(b, []) for b in buckets}
    assert plan.has_changes == any(expected.get(b) for b in buckets[:4])


def test_a_change_names_the_fields_that_differ() -> None:
    plan = plan_entries({"a": A}, {"a": A2})
    assert plan.change == {"a": EntryChange(A2, ("port",))}
    assert changed_fields([1], [2]) == ()


def test_to_send_keeps_the_order_of_the_new_entries() -> None:
    old = {"a": A, "b": B}
    new = {"c": C, "b": B, "a": A2, "d": C}
    plan = plan_entries(old, new, done=["a"])
    assert list(plan.to_send) == ["c", "b", "a", "d"]
    assert plan.order == ("c", "b", "a", "d")


def test_remove_keeps_the_recorded_order() -> None:
    plan = plan_entries({"z": A, "a": B, "m": C}, {}, done=["z", "q", "a", "m"])
    assert list(plan.remove) == ["z", "a", "m", "q"]
    assert plan.remove["q"] is None

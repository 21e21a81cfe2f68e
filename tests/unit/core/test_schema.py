"""core.schema and the generated SDK: strict checks at preview, both constructor forms, `get`,
and generated files that match their declarations."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import pulumi
import pytest
from pulumi.output import UNKNOWN

from pulumi_inboxed import codegen
from pulumi_inboxed.core.schema import (
    InputObject,
    ResourceInputs,
    WholeNumber,
    arg,
    changed_inputs,
    check_inputs,
    input_defaults,
    replaced_by,
)


class Mode(StrEnum):
    FAST = "fast"
    SLOW = "slow"


class Entry(InputObject):
    username: str = arg(description="u", min_length=1)
    first_name: str = arg(description="f")


class Example(ResourceInputs):
    names: list[str] = arg(description="n", min_length=1)
    mode: Mode = arg(Mode.FAST, description="m", strict=False)
    seconds: WholeNumber = arg(900, description="s", ge=0, le=86400)
    key: str | None = arg(None, description="k", secret=True, replace=True)
    entries: list[Entry] = arg(default_factory=list, description="e")
    flag: bool = arg(False, description="b")


def failures(news: dict[str, Any]) -> dict[str, str]:
    _inputs, found = check_inputs(Example, news)
    return {f.property: f.reason for f in found}


def test_good_inputs_are_normalized_with_defaults() -> None:
    inputs, found = check_inputs(Example, {"names": ["a"], "seconds": 5.0, "batch_id": None})
    assert found == []
    assert inputs == {
        "names": ["a"],
        "mode": "fast",
        "seconds": 5,
        "key": None,
        "entries": [],
        "flag": False,
        "destroy_adopted": False,
    }


@pytest.mark.parametrize(
    ("news", "path", "reason"),
    [
        ({"flag": "false"}, "flag", "valid boolean"),
        ({"destroy_adopted": "yes"}, "destroy_adopted", "valid boolean"),
        ({"mode": "medium"}, "mode", "'fast' or 'slow'"),
        ({"seconds": "abc"}, "seconds", "valid integer"),
        ({"seconds": -1}, "seconds", "greater than or equal to 0"),
        ({"seconds": 1e12}, "seconds", "less than or equal to 86400"),
        ({"seconds": 2.5}, "seconds", "valid integer"),
        ({"names": [123]}, "names[0]", "valid string"),
        ({"names": []}, "names", "at least 1 item"),
        ({"entries": [{"name": "x"}]}, "entries[0].username", "is required"),
        ({"entries": [{"username": "", "first_name": "a"}]}, "entries[0].username", "at least 1"),
        ({"entries": [{"username": 5, "first_name": "a"}]}, "entries[0].username", "string"),
        ({"entries": "x"}, "entries", "valid list"),
    ],
)
def test_bad_inputs_name_the_field_path_and_the_reason(
    news: dict[str, Any], path: str, reason: str
) -> None:
    found = failures({"names": ["a"], **news})
    assert path in found, found
    assert reason in found[path]


def test_a_secret_input_is_never_shown_in_its_failure() -> None:
    found = failures({"names": ["a"], "key": 1234567})
    assert "1234567" not in found["key"]


def test_unknown_values_pass_and_the_rest_is_still_checked() -> None:
    inputs, found = check_inputs(
        Example,
        {
            "names": UNKNOWN,
            "seconds": 5.0,
            "entries": [{"username": UNKNOWN, "first_name": "a"}, {"username": 5}],
        },
    )
    assert {f.property for f in found} == {"entries[1].username", "entries[1].first_name"}
    assert inputs["names"] is UNKNOWN
    assert inputs["seconds"] == 5


def test_defaults_changes_and_replacements_come_from_the_declaration() -> None:
    assert input_defaults(Example)["seconds"] == 900
    assert "names" not in input_defaults(Example)
    changed = changed_inputs(
        Example, {"names": ["a"], "seconds": 900.0}, {"names": ["a"], "key": "k"}
    )
    assert changed == ["key"]
    assert replaced_by(Example, changed) == ["key"]
    assert changed_inputs(Example, {"names": ["a"]}, {"names": UNKNOWN}) == ["names"]


def test_generated_files_match_their_declarations() -> None:
    assert codegen.main(["--check"]) == 0, "run `python -m pulumi_inboxed.codegen`"


class _Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return (args.inputs.get("subscription_id") or args.name) + "_id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any]]:
        return {}, []


@pulumi.runtime.test
def test_both_constructor_forms_register_the_same_inputs() -> Any:
    pulumi.runtime.set_mocks(_Mocks(), preview=False)
    from pulumi_inboxed.inboxedup import SubscriptionNotes, SubscriptionNotesArgs

    by_args = SubscriptionNotes("a", SubscriptionNotesArgs(subscription_id="sub_1", notes="n"))
    by_keywords = SubscriptionNotes("b", subscription_id="sub_1", notes="n")

    def check(values: list[Any]) -> None:
        assert values[0] == values[1] == "n"
        assert values[2] == values[3] == "sub_1"

    return pulumi.Output.all(
        by_args.notes, by_keywords.notes, by_args.subscription_id, by_keywords.subscription_id
    ).apply(check)


def test_a_wrong_constructor_call_says_how_to_call_it() -> None:
    from pulumi_inboxed.core.resource_spec import resource_args_opts
    from pulumi_inboxed.inboxedup import SubscriptionNotesArgs

    with pytest.raises(TypeError, match="takes its inputs as keywords or a SubscriptionNotesArgs"):
        resource_args_opts(SubscriptionNotesArgs, ("sub_1", "notes"), {})
    with pytest.raises(TypeError, match="unknown input 'note'; did you mean 'notes'\\?"):
        resource_args_opts(SubscriptionNotesArgs, (), {"subscription_id": "s", "note": "n"})


def test_every_resource_declares_a_summary_an_example_and_documents_every_field() -> None:
    for api in codegen.SPEC_MODULES:
        for _module, spec in codegen.specs_of(api):
            assert spec.inputs.SUMMARY.strip(), f"{spec.name}: no SUMMARY"
            assert spec.name in spec.inputs.EXAMPLE, f"{spec.name}: no EXAMPLE using it"
            for model in (spec.inputs, spec.outputs):
                undocumented = [n for n, f in model.model_fields.items() if not f.description]
                assert not undocumented, f"{spec.name}: no description for {undocumented}"

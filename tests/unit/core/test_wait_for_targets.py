"""core.wait_for_targets: reached / failed / timed out per key, without a clock."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest

from pulumi_inboxed.core.errors import InboxedError, ServerError
from pulumi_inboxed.core.wait_for_targets import wait_for_targets


class FakeClock:
    """A clock that moves only when the wait sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def statuses(
    script: dict[str, list[str]], reads: list[list[str]]
) -> Callable[[list[str]], Mapping[str, str]]:
    """A `read` that answers, per key, the next status of its script (the last one repeats);
    a key with an empty script is never found."""

    def read(keys: list[str]) -> Mapping[str, str]:
        reads.append(list(keys))
        out: dict[str, str] = {}
        for k in keys:
            if script.get(k):
                out[k] = script[k].pop(0) if len(script[k]) > 1 else script[k][0]
        return out

    return read


def test_each_key_is_read_until_it_reaches_its_target_or_fails() -> None:
    clock, reads = FakeClock(), list[list[str]]()
    script = {"a": ["QUEUED", "ACTIVE"], "b": ["QUEUED", "QUEUED", "FAILED"], "c": ["ACTIVE"]}
    outcome = wait_for_targets(
        ["a", "b", "c"],
        statuses(script, reads),
        reached=lambda s: s == "ACTIVE",
        failed=lambda s: s == "FAILED",
        until=100,
        interval=5,
        sleep=clock.sleep,
        clock=clock,
    )
    assert outcome.reached == {"a": "ACTIVE", "c": "ACTIVE"}
    assert outcome.failed == {"b": "FAILED"}
    assert outcome.timed_out == {} and outcome.complete
    assert reads == [["a", "b", "c"], ["a", "b"], ["b"]]  # only pending keys, all in one read
    assert clock.sleeps == [5, 5]


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ({"a": ["QUEUED"]}, {"a": "QUEUED"}),  # last value seen
        ({"a": []}, {"a": None}),  # never seen
    ],
)
def test_a_key_pending_at_the_bound_times_out_with_its_last_value(
    script: dict[str, list[str]], expected: dict[str, str | None]
) -> None:
    clock, reads = FakeClock(), list[list[str]]()
    outcome = wait_for_targets(
        ["a"],
        statuses(script, reads),
        reached=lambda s: s == "ACTIVE",
        until=12,
        interval=5,
        sleep=clock.sleep,
        clock=clock,
    )
    assert outcome.timed_out == expected and not outcome.complete
    assert clock.sleeps == [5, 5, 2]  # the last pause is cut to the bound
    assert len(reads) == 4


def test_an_expired_bound_still_reads_once() -> None:
    clock, reads = FakeClock(), list[list[str]]()
    outcome = wait_for_targets(
        ["a"],
        statuses({"a": ["ACTIVE"]}, reads),
        reached=lambda s: s == "ACTIVE",
        until=0,
        interval=5,
        sleep=clock.sleep,
        clock=clock,
    )
    assert outcome.reached == {"a": "ACTIVE"} and reads == [["a"]] and clock.sleeps == []


def test_values_in_hand_are_sorted_first_and_the_first_read_waits_an_interval() -> None:
    clock, reads = FakeClock(), list[list[str]]()
    outcome = wait_for_targets(
        ["a", "b"],
        statuses({"b": ["ACTIVE"]}, reads),
        reached=lambda s: s == "ACTIVE",
        seen={"a": "ACTIVE", "b": "QUEUED"},
        until=100,
        interval=3,
        sleep=clock.sleep,
        clock=clock,
    )
    assert outcome.reached == {"a": "ACTIVE", "b": "ACTIVE"}
    assert reads == [["b"]] and clock.sleeps == [3]


def test_no_keys_no_read() -> None:
    outcome = wait_for_targets(
        [], lambda keys: pytest.fail("read"), reached=bool, until=10, interval=1
    )
    assert outcome.complete and outcome.reads == 0


def test_a_retried_read_error_is_kept_until_a_read_succeeds() -> None:
    clock = FakeClock()
    answers: list[Exception | dict[str, str]] = [
        ServerError("T", 500, "boom"),
        {"a": "QUEUED"},
        ServerError("T", 500, "late"),
    ]

    def read(keys: list[str]) -> Mapping[str, str]:
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    outcome = wait_for_targets(
        ["a"],
        read,
        reached=lambda s: s == "ACTIVE",
        until=10,
        interval=4,
        retry_errors=(InboxedError,),
        sleep=clock.sleep,
        clock=clock,
    )
    assert outcome.timed_out == {"a": "QUEUED"}
    assert isinstance(outcome.read_error, ServerError) and "late" in str(outcome.read_error)


def test_a_stop_error_ends_the_wait_at_once() -> None:
    clock = FakeClock()

    def read(keys: list[str]) -> Mapping[str, str]:
        raise ServerError("T", 500, "down")

    outcome = wait_for_targets(
        ["a", "b"],
        read,
        reached=bool,
        until=100,
        interval=4,
        stop_errors=(InboxedError,),
        sleep=clock.sleep,
        clock=clock,
    )
    assert outcome.timed_out == {"a": None, "b": None}
    assert isinstance(outcome.read_error, ServerError) and clock.sleeps == []


def test_an_unexpected_error_is_raised() -> None:
    def read(keys: list[str]) -> Mapping[str, str]:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        wait_for_targets(
            ["a"], read, reached=bool, until=1, interval=1, retry_errors=(InboxedError,)
        )


def test_each_key_is_handed_over_as_soon_as_it_settles() -> None:
    clock, reads = FakeClock(), list[list[str]]()
    handed: list[tuple[str, str, int]] = []
    script = {"a": ["QUEUED", "ACTIVE"], "b": ["FAILED"]}
    wait_for_targets(
        ["a", "b"],
        statuses(script, reads),
        reached=lambda s: s == "ACTIVE",
        failed=lambda s: s == "FAILED",
        on_settled=lambda key, value: handed.append((key, value, len(reads))),
        until=100,
        interval=1,
        sleep=clock.sleep,
        clock=clock,
    )
    assert handed == [("b", "FAILED", 1), ("a", "ACTIVE", 2)]

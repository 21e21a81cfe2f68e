"""core.safe_write: a write that may have acted is looked for before it is sent again.

Each test drives `write_once` over a fake API that keeps what the write made (`made`), so every
test can assert how many objects exist at the end, not only what was called.
"""

from __future__ import annotations

import random

import pytest

from pulumi_inboxed.core import errors
from pulumi_inboxed.core.engine_watch import ENGINE_GONE, EngineGoneError
from pulumi_inboxed.core.safe_write import (
    WriteNotConfirmedError,
    WritePolicy,
    backoff_seconds,
    is_transient,
    write_once,
)

POLICY = WritePolicy(attempts=4, initial_wait=1.0, max_wait=8.0)
WHAT = "mailbox smtp@a.example"


def server_error(status: int = 503, retry_after: float | None = None) -> errors.ApiError:
    return errors.error_class_for(status)(
        "InboxedUp",
        status,
        "down (the API's own text)",
        method="POST",
        path="/mailboxes",
        retry_after=retry_after,
    )


def dropped() -> errors.TransportError:
    return errors.TransportError("InboxedUp", "POST", "/mailboxes", "RemoteProtocolError")


class FakeApi:
    """A write endpoint scripted per send: ("ok" | "lost" | exception), and what exists."""

    def __init__(self, *script: str | Exception, find_fails: list[Exception] | None = None):
        self.script = list(script)
        self.made: list[str] = []
        self.sends = 0
        self.finds = 0
        self.find_fails = list(find_fails or [])
        self.log: list[str] = []

    def send(self) -> str:
        self.sends += 1
        self.log.append("send")
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        made = f"mbx-{len(self.made) + 1}"
        self.made.append(made)
        if step == "lost":  # it acted, but the reply never came back
            raise dropped()
        return made

    def find(self) -> str | None:
        self.finds += 1
        self.log.append("find")
        if self.find_fails:
            raise self.find_fails.pop(0)
        return self.made[-1] if self.made else None


def run(api: FakeApi, sleeps: list[float] | None = None, policy: WritePolicy = POLICY) -> str:
    waits = sleeps if sleeps is not None else []
    return write_once(WHAT, api.send, api.find, policy=policy, sleep=waits.append)


def test_the_first_send_succeeds_and_nothing_is_looked_for() -> None:
    api = FakeApi("ok")
    assert run(api) == "mbx-1"
    assert api.log == ["send"]


def test_a_lost_reply_is_found_and_not_sent_again() -> None:
    api = FakeApi("lost")
    assert run(api) == "mbx-1"
    assert api.log == ["send", "find"]
    assert api.made == ["mbx-1"]


def test_a_write_that_failed_before_acting_is_sent_again() -> None:
    api = FakeApi(server_error(500), "ok")
    sleeps: list[float] = []
    assert run(api, sleeps) == "mbx-1"
    assert api.log == ["send", "find", "send"]
    assert api.made == ["mbx-1"] and len(sleeps) == 1


def test_three_failures_then_success_make_exactly_one() -> None:
    api = FakeApi(dropped(), server_error(502), server_error(429), "ok")
    assert run(api) == "mbx-1"
    assert api.log == ["send", "find"] * 3 + ["send"]
    assert api.made == ["mbx-1"]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
def test_a_refusal_ends_at_once_without_looking(status: int) -> None:
    api = FakeApi(server_error(status))
    with pytest.raises(errors.ApiError) as raised:
        run(api)
    assert raised.value.status == status
    assert api.log == ["send"]


def test_a_conflict_on_a_resend_asks_find_and_returns_what_an_earlier_try_made() -> None:
    calls: list[str] = []

    def send() -> str:
        calls.append("send")
        raise server_error(504 if calls.count("send") == 1 else 409)

    def find() -> str | None:  # the first try acted late: the first look-up missed it
        calls.append("find")
        return "mbx-late" if calls.count("find") > 1 else None

    assert write_once(WHAT, send, find, policy=POLICY, sleep=lambda _s: None) == "mbx-late"
    assert calls == ["send", "find", "send", "find"]


def test_a_conflict_on_a_resend_that_nothing_explains_is_raised() -> None:
    api = FakeApi(server_error(500), server_error(409))
    with pytest.raises(errors.ConflictError):
        run(api)
    assert api.log == ["send", "find", "send", "find"]


def test_when_every_try_fails_find_is_asked_a_last_time_then_the_error_names_the_write() -> None:
    api = FakeApi(*[server_error(503) for _ in range(4)])
    sleeps: list[float] = []
    with pytest.raises(WriteNotConfirmedError) as raised:
        run(api, sleeps)
    assert api.sends == 4
    assert api.log[-1] == "find" and api.finds == 4  # after tries 1-3, and a last time
    assert len(sleeps) == 4
    message = str(raised.value)
    assert message.startswith(f"InboxedUp {WHAT}: failed 4 times and did not take effect (")
    for part in ("InboxedUp", "POST /mailboxes", WHAT, "4 times", "HTTP 503"):
        assert message.count(part) == 1, (part, message)
    assert message.count("down (the API's own text)") == 1
    assert "Traceback" not in message
    assert isinstance(raised.value, errors.TransportError)


def test_the_last_look_finds_a_write_that_took_effect_late() -> None:
    api = FakeApi(server_error(503), server_error(503), server_error(503), "lost")
    assert run(api) == "mbx-1"
    assert api.made == ["mbx-1"] and api.log[-2:] == ["send", "find"]


def test_the_error_does_not_repeat_what_the_caller_already_named() -> None:
    api = FakeApi(dropped(), dropped())
    with pytest.raises(WriteNotConfirmedError) as raised:
        write_once(
            "InboxedUp POST /mailboxes for smtp@a.example",
            api.send,
            api.find,
            policy=WritePolicy(attempts=2),
            sleep=lambda _s: None,
        )
    message = str(raised.value)
    assert message.count("InboxedUp") == 1 and message.count("POST /mailboxes") == 1
    assert message.count("smtp@a.example") == 1 and "RemoteProtocolError" in message


def test_a_look_up_that_fails_transiently_is_a_failed_try_and_nothing_is_sent_blind() -> None:
    api = FakeApi("lost", find_fails=[server_error(502)])
    assert run(api) == "mbx-1"
    assert api.log == ["send", "find", "find"]
    assert api.made == ["mbx-1"]


def test_retry_after_is_honoured_and_capped() -> None:
    api = FakeApi(server_error(429, retry_after=3), server_error(503, retry_after=3600), "ok")
    sleeps: list[float] = []
    run(api, sleeps)
    assert sleeps == [3.0, 8.0]


def test_backoff_grows_and_stays_within_its_jitter_bounds() -> None:
    policy = WritePolicy(attempts=10, initial_wait=0.5, max_wait=30.0)
    random.seed(7)
    for attempt in range(1, 9):
        base = min(30.0, 0.5 * 2 ** (attempt - 1))
        waits = [backoff_seconds(attempt, dropped(), policy) for _ in range(200)]
        assert all(base / 2 <= w <= base for w in waits), (attempt, min(waits), max(waits))
        assert max(waits) - min(waits) > base / 4  # jittered, not a fixed wait
    first = [backoff_seconds(1, None, policy) for _ in range(50)]
    fourth = [backoff_seconds(4, None, policy) for _ in range(50)]
    assert max(first) < min(fourth)


def test_transient_is_what_may_succeed_later() -> None:
    assert is_transient(dropped())
    for status in (429, 500, 502, 503, 504):
        assert is_transient(server_error(status))
    for status in (400, 401, 403, 404, 409, 422):
        assert not is_transient(server_error(status))
    assert not is_transient(EngineGoneError("gone"))
    assert not is_transient(ValueError("a defect"))


def test_a_gone_engine_is_not_retried() -> None:
    api = FakeApi(EngineGoneError("the engine is gone"), "ok")
    with pytest.raises(EngineGoneError):
        run(api)
    assert api.log == ["send"]


def test_nothing_more_is_sent_once_the_engine_goes_during_the_backoff() -> None:
    api = FakeApi(server_error(503), "ok")

    def engine_goes(_seconds: float) -> None:
        ENGINE_GONE.set()

    try:
        with pytest.raises(EngineGoneError):
            write_once(WHAT, api.send, api.find, policy=POLICY, sleep=engine_goes)
    finally:
        ENGINE_GONE.clear()
    assert api.log == ["send"]


def test_the_default_wait_ends_at_once_when_the_engine_goes() -> None:
    """No clock: a one-hour Retry-After would hang the test if the wait ignored the engine."""
    api = FakeApi(server_error(429, retry_after=3600), "ok")
    ENGINE_GONE.set()
    try:
        with pytest.raises(EngineGoneError):
            write_once(WHAT, api.send, api.find, policy=WritePolicy(max_wait=3600))
    finally:
        ENGINE_GONE.clear()
    assert api.log == ["send"]

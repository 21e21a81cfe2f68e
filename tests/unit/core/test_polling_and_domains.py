"""core.polling (shared poller, deadlines) and core.domains (IDNA normalization)."""

from __future__ import annotations

import threading
import time

import pytest

from pulumi_inboxed.core.domains import DomainNameError, check_domain_list, normalize_domain
from pulumi_inboxed.core.errors import NotFoundError, WaitTimeoutError
from pulumi_inboxed.core.polling import SharedPoller


def test_waiters_on_one_key_share_each_fetch() -> None:
    fetches: list[str] = []
    started = time.monotonic()

    def fetch(key: str) -> float:
        fetches.append(key)
        return time.monotonic() - started

    poller: SharedPoller[str, float] = SharedPoller("t", fetch, interval=0.05)
    results: list[float] = []

    def waiter() -> None:
        results.append(poller.wait("batch-1", lambda v: v >= 0.3, timeout=5))

    threads = [threading.Thread(target=waiter) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 8
    # 8 waiters over ~0.3 s at 0.05 s: one fetch per interval, not one per waiter per interval
    assert len(fetches) < 20, fetches


def test_different_keys_are_polled_concurrently_by_one_thread() -> None:
    t0 = time.monotonic()
    poller: SharedPoller[int, float] = SharedPoller(
        "t", lambda k: time.monotonic() - t0, interval=0.02
    )
    done: list[int] = []

    def waiter(k: int) -> None:
        poller.wait(k, lambda v: v >= 0.2, timeout=5)
        done.append(k)

    threads = [threading.Thread(target=waiter, args=(k,)) for k in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(done) == list(range(12))


def test_wait_times_out_with_last_seen_value() -> None:
    poller: SharedPoller[str, str] = SharedPoller("batch", lambda k: "QUEUED", interval=0.01)
    with pytest.raises(WaitTimeoutError) as info:
        poller.wait("b1", lambda v: v == "ACTIVE", timeout=0.1, describe=lambda v: f"<{v}>")
    assert "b1" in str(info.value)
    assert "<QUEUED>" in str(info.value)


def test_fetch_errors_reach_the_waiter() -> None:
    def fetch(key: str) -> str:
        raise NotFoundError("Test", 404, "no such batch")

    poller: SharedPoller[str, str] = SharedPoller("batch", fetch, interval=0.01)
    with pytest.raises(NotFoundError):
        poller.wait("gone", lambda v: True, timeout=2)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Example.COM", "example.com"),
        ("example.com.", "example.com"),
        ("  bücher.example ", "xn--bcher-kva.example"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),
    ],
)
def test_normalize_domain(raw: str, expected: str) -> None:
    assert normalize_domain(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("localhost", "at least two labels"),
        ("a..com", "empty label"),
        ("-bad.com", "hyphen"),
        ("under_score.com", "not a valid IDNA name"),
        ("a" * 64 + ".com", "64 characters; at most 63"),
        (("a" * 60 + ".") * 5 + "com", "at most 253"),
        ("1.2.3.4", "numeric TLD"),
        ("has space.com", "white space"),
    ],
)
def test_bad_domains_name_the_reason(raw: str, reason: str) -> None:
    with pytest.raises(DomainNameError) as info:
        normalize_domain(raw)
    assert reason.lower() in str(info.value).lower()
    assert info.value.domain == raw


def test_duplicates_are_found_after_normalization() -> None:
    names, problems = check_domain_list(["a.com", "b.com", "A.COM."])
    assert names == ["a.com", "b.com"]
    assert len(problems) == 1
    assert problems[0].index == 2
    assert "duplicate of entry 0" in problems[0].reason

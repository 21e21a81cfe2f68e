"""The provider's thread pool is wide enough by default that one busy account's waiting calls
never hold up another account's call (issue 19: fifty accounts share the provider fairly).

The pool is the one `python -m pulumi.dynamic` serves gRPC calls from; here a real
`ThreadPoolExecutor(max_workers=4)` stands in for it, in a process that says it is the
dynamic-provider process (what `in_dynamic_provider_process` looks at)."""

from __future__ import annotations

import sys
import threading
import types
from concurrent.futures import ThreadPoolExecutor

import pytest

from pulumi_inboxed.core import provider_threads
from pulumi_inboxed.core.config import read

BOUND = 60.0  # a safety net only: every wait below ends on an event


@pytest.fixture
def provider_process(monkeypatch: pytest.MonkeyPatch) -> None:
    main = types.ModuleType("__main__")
    main.__spec__ = types.SimpleNamespace(name="pulumi.dynamic.__main__")  # type: ignore[assignment]
    monkeypatch.setitem(sys.modules, "__main__", main)
    monkeypatch.setattr(provider_threads, "_widened", None)


def test_a_busy_account_does_not_hold_up_another(provider_process: None) -> None:
    default = read(provider_threads.PROVIDER_THREADS, {})
    assert default is not None and default.isdigit()
    pool = ThreadPoolExecutor(max_workers=4)  # Pulumi's own pool size
    try:
        # The first call configures the provider, which widens the pool it runs on.
        assert pool.submit(provider_threads.widen_provider_thread_pool, int(default)).result(
            BOUND
        ) == int(default)

        release = threading.Event()
        busy_started = threading.Semaphore(0)

        def busy_account_wait() -> None:  # e.g. client-a's collections waiting for ACTIVE
            busy_started.release()
            release.wait(BOUND)

        busy = [pool.submit(busy_account_wait) for _ in range(100)]
        for _ in busy:  # every one of client-a's 100 calls has a thread
            assert busy_started.acquire(timeout=BOUND)
        other = pool.submit(lambda: "client-b's create ran")
        # client-b's call runs while all of client-a's still wait.
        assert other.result(BOUND) == "client-b's create ran"
        assert not any(f.done() for f in busy)
        release.set()
        for f in busy:
            f.result(BOUND)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)

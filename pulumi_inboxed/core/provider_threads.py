"""Lets more than 4 provider calls wait at once in the dynamic-provider process.

`python -m pulumi.dynamic` serves every Check/Diff/Create/Read/Update/Delete from one
`ThreadPoolExecutor(max_workers=4)` (see docs/pulumi-runtime.md). A create that waits minutes on
an asynchronous status holds one of those 4 threads, so 12 such creates take 3 rounds, and every
preview diff queues behind them. The waits themselves cost nothing here (they sleep on a shared
poller's condition, see `core.polling`), so the pool is widened to `workers` threads the first
time a provider is configured.

This touches the executor's private `_max_workers`; it is done only inside the dynamic-provider
process, only on the pool that runs the current thread, and if the SDK's internals change it
does nothing and says so (the provider still works, with 4 threads). The setting is
`inboxed:providerThreads` (env INBOXED_PROVIDER_THREADS), default 256; 4 turns it off.

Why 256: a thread is made only when a call finds none idle, and a waiting one sleeps, so a large
bound costs nothing until it is used. What it buys is fairness between accounts: below the bound
every call the engine sends starts at once, so fifty accounts' resources never queue behind one
busy account's waits; the engine's `pulumi up --parallel` is then the only bound on the run.
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from .config import Setting

log = logging.getLogger("pulumi_inboxed.provider_threads")

PROVIDER_THREADS = Setting("inboxed", "providerThreads", "INBOXED_PROVIDER_THREADS", default="256")

_lock = threading.Lock()
_widened: int | None = None


def in_dynamic_provider_process() -> bool:
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    return getattr(spec, "name", None) == "pulumi.dynamic.__main__"


def _executor_of_current_thread() -> ThreadPoolExecutor | None:
    current = threading.current_thread()
    for obj in gc.get_objects():
        if isinstance(obj, ThreadPoolExecutor) and current in getattr(obj, "_threads", ()):
            return obj
    return None


def widen_provider_thread_pool(workers: int) -> int | None:
    """Raises the serving pool to `workers` threads; returns the size in force, or None."""
    global _widened
    with _lock:
        if _widened is not None:
            return _widened
        if not in_dynamic_provider_process():
            return None
        executor = _executor_of_current_thread()
        current = getattr(executor, "_max_workers", None)
        if executor is None or not isinstance(current, int):
            log.warning("could not find the provider's thread pool; it keeps its 4 threads")
            return None
        if workers > current:
            executor._max_workers = workers
        _widened = max(workers, current)
        return _widened

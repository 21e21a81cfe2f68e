"""Stops every API call of this process once the Pulumi engine that started it is gone.

When `pulumi up` is killed with SIGKILL (the OOM killer, a CI timeout, `kill -9`), the provider
process and the language host live on. Without this they would go on calling the APIs, and race
the user's next `up` through the same check-then-create. `ENGINE_GONE` is set the moment the
engine is found gone: `core.http.HttpClient` refuses to start any request after that
(`EngineGoneError`), and the process exits within seconds.

How the engine is found gone (`EngineWatch`, a daemon thread started by `start_watch()`):
- its gRPC address no longer accepts TCP connections (probed every `PROBE_INTERVAL_SECONDS`).
  The dynamic provider (`python -u -m pulumi.dynamic ... <engine address>`) gets the address as
  its last argument; a program gets it as `--engine` (and `--monitor`) of
  `pulumi-language-python-exec`. A killed process's listening socket is closed by the kernel, so
  the next connection is refused: this is the sign to trust;
- or the parent process changed (`os.getppid()`): the engine, or the shell wrapper the plugin
  script runs python from, ended. A wrapper may outlive the engine, so this alone is not enough.
A process no engine started (a script, a test) has no address: no watch runs there.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import socket
import sys
import threading
import time
from collections.abc import Callable, Sequence

from .errors import InboxedError

log = logging.getLogger(__name__)

ENGINE_GONE = threading.Event()
"""Set once the engine that started this process is gone: no request may start after it."""

PROBE_INTERVAL_SECONDS = 0.5
"""How often the watch checks the engine."""

CONNECT_TIMEOUT_SECONDS = 1.0
"""A probe that neither connects nor is refused within this proves nothing (a busy engine)."""

EXIT_GRACE_SECONDS = 0.5
"""After `ENGINE_GONE` is set, requests already on the wire may end before the process exits."""

EXIT_CODE = 1

_ADDRESS = re.compile(r"^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$")


class EngineGoneError(InboxedError):
    """A request was not sent because the Pulumi engine that asked for it is gone."""


def check_engine() -> None:
    """Raises `EngineGoneError` once the engine is gone (called before every request)."""
    if ENGINE_GONE.is_set():
        raise EngineGoneError(
            "the Pulumi engine that started this provider is gone (the `pulumi` command was "
            "killed): no request is sent; run `pulumi up` again to finish"
        )


def provider_engine_address(argv: Sequence[str]) -> str | None:
    """The engine's address in a dynamic provider's `sys.argv`: the engine passes it last, after
    any `--tracing ENDPOINT`, `--logtostderr` or `-v=N` flags."""
    args = list(argv[1:])
    for index in range(len(args) - 1, -1, -1):
        if _ADDRESS.match(args[index]) and (index == 0 or args[index - 1] != "--tracing"):
            return args[index]
    return None


def program_engine_address(argv: Sequence[str]) -> str | None:
    """The engine's address in a program's original command line (`sys.orig_argv`): the
    `--engine` (else `--monitor`) option of `pulumi-language-python-exec`."""
    for flag in ("--engine", "--monitor"):
        for index, arg in enumerate(argv):
            if arg == flag and index + 1 < len(argv):
                value = argv[index + 1]
            elif arg.startswith(flag + "="):
                value = arg.partition("=")[2]
            else:
                continue
            if _ADDRESS.match(value):
                return value
    return None


def engine_address() -> str | None:
    """Where the engine that started this process listens; None when no engine started it."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if getattr(spec, "name", None) == "pulumi.dynamic.__main__":
        return provider_engine_address(sys.argv)
    return program_engine_address(sys.orig_argv)


def accepts_connections(address: str, timeout: float = CONNECT_TIMEOUT_SECONDS) -> bool | None:
    """True if `address` accepts a TCP connection, False if refused (nothing listens there any
    more), None if the probe proved nothing (it timed out)."""
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout):
            return True
    except TimeoutError:
        return None
    except OSError:
        return False


class EngineWatch:
    """Probes the engine every `interval` seconds; once it is gone, sets `ENGINE_GONE`, logs one
    line, and calls `exit(EXIT_CODE)` after `grace` seconds (`os._exit`: handler threads that
    hold the process must not keep it alive)."""

    def __init__(
        self,
        address: str,
        *,
        parent_pid: int | None = None,
        interval: float = PROBE_INTERVAL_SECONDS,
        grace: float = EXIT_GRACE_SECONDS,
        exit: Callable[[int], object] = os._exit,
    ) -> None:
        self.address = address
        self.parent_pid = parent_pid
        self.interval = interval
        self.grace = grace
        self._exit = exit
        self._stopped = threading.Event()
        self._seen = False
        self._first: str | None = None
        self._thread = threading.Thread(target=self._run, name="inboxed-engine-watch", daemon=True)

    def start(self) -> None:
        """Probes once before returning (so the engine is seen listening before anything else
        happens), then goes on in a daemon thread."""
        self._first = self.gone()
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()

    def gone(self) -> str | None:
        """Why the engine is gone, or None while it is (or may be) there.

        A refused connection counts only once the address was seen accepting one: an address
        read wrongly from the command line must never stop a working provider.
        """
        if self.parent_pid is not None and os.getppid() != self.parent_pid:
            return f"its parent process {self.parent_pid} ended"
        reachable = accepts_connections(self.address)
        if reachable:
            self._seen = True
        elif reachable is False and self._seen:
            return f"the engine at {self.address} no longer accepts connections"
        return None

    def _run(self) -> None:
        reason = self._first
        while reason is None:
            if self._stopped.wait(self.interval):
                return
            reason = self.gone()
        ENGINE_GONE.set()
        with contextlib.suppress(Exception):  # stderr may be a pipe nobody reads any more
            log.warning(
                "pulumi_inboxed: the Pulumi engine is gone (%s): no request is started any "
                "more; process %d exits",
                reason,
                os.getpid(),
            )
        if self.grace > 0:
            time.sleep(self.grace)
        self._exit(EXIT_CODE)


_lock = threading.Lock()
_watch: EngineWatch | None = None


def start_watch(address: str | None = None) -> bool:
    """Starts watching the engine that started this process (once per process; later calls do
    nothing). Does nothing where no engine started the process. True if a watch runs."""
    global _watch
    with _lock:
        if _watch is not None:
            return True
        address = address or engine_address()
        if address is None:
            return False
        _watch = EngineWatch(address, parent_pid=os.getppid())
        _watch.start()
        return True

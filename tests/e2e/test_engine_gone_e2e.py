"""A `pulumi up` killed with SIGKILL leaves its provider process behind: it notices that its
engine is gone, sends no request any more, and exits within seconds (issue 19)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pulumi_inboxed.core.engine_watch import (
    accepts_connections,
    program_engine_address,
    provider_engine_address,
)
from pulumi_inboxed.sandbox import SandboxProcess

from .conftest import StackFactory, alive, process_tree

pytestmark = pytest.mark.e2e

EXIT_BOUND = 10.0
"""The provider exits well within this after the kill (it probes every 0.5 s)."""


@pytest.fixture(scope="module")
def sandbox(api_token: str) -> Iterator[SandboxProcess]:
    """Domains stay QUEUED for ten minutes: the provider's create polls until it is stopped."""
    with SandboxProcess(
        queued_seconds=600, pending_ns_seconds=600, tokens=[api_token], lifetime=600
    ) as process:
        yield process


def argv(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")[:-1]
    except OSError:
        return []


def cmdline(pid: int) -> str:
    return " ".join(argv(pid))


def wait_until(condition: Callable[[], bool], bound: float, what: str) -> float:
    """Polls `condition()` until it holds; returns how long it took; fails past `bound`."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > bound:
            pytest.fail(f"{what} did not happen within {bound} s")
        time.sleep(0.05)
    return time.monotonic() - start


def at(moment: float) -> None:
    while (left := moment - time.monotonic()) > 0:
        time.sleep(min(left, 0.1))


def pgid(pid: int) -> int:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return -1


def test_the_provider_of_a_killed_up_stops_calling_the_api_and_exits(
    make_stack: StackFactory, sandbox: SandboxProcess
) -> None:
    stack = make_stack(demo__domains="gone-a.com,gone-b.com,gone-c.com")
    sandbox.control.reset_stats()
    command = [str(stack.cli.bin_dir / "pulumi"), "up", "--yes", "--non-interactive"]
    proc = subprocess.Popen(
        [*command, "--stack", stack.name],
        cwd=stack.project_dir,
        env=stack.cli.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, as a CI job or a shell runs it
    )
    tree: list[int] = []
    try:
        wait_until(
            lambda: sandbox.control.stats().get("POST /domains", 0) >= 1 or proc.poll() is not None,
            180,
            "the batch's first write",
        )
        assert proc.poll() is None, "pulumi up ended before it could be killed"
        tree = process_tree(proc.pid)
        providers = [pid for pid in tree if "pulumi.dynamic" in cmdline(pid)]
        assert len(providers) == 1, [cmdline(pid) for pid in tree]
        # Where the watches read the engine's address (the provider's last argument; the
        # program's `--engine`): a new Pulumi release that moves it fails here.
        provider_args = argv(providers[0])
        engine = provider_engine_address(provider_args[provider_args.index("pulumi.dynamic") :])
        assert engine is not None and accepts_connections(engine), provider_args
        programs = [pid for pid in tree if "pulumi-language-python-exec" in cmdline(pid)]
        assert len(programs) == 1, [cmdline(pid) for pid in tree]
        program_engine = program_engine_address(argv(programs[0]))
        assert program_engine is not None and accepts_connections(program_engine)
        print(f"\nengine address: {engine} (provider), {program_engine} (program)")
        # The engine starts each plugin in a process group of its own: killing the CLI's group
        # (a CI timeout, `kill -9 -PGID`) kills the CLI alone, as `kill -9 <pid>` does.
        assert pgid(providers[0]) != proc.pid
        os.killpg(proc.pid, signal.SIGKILL)
        killed_at = time.monotonic()
        at_kill = sandbox.control.total_requests()
        proc.wait(timeout=30)

        took = wait_until(lambda: not alive(providers[0]), EXIT_BOUND, "the provider's exit")
        after_exit = sandbox.control.total_requests()
        at(killed_at + 2)
        at_two = sandbox.control.total_requests()
        at(killed_at + 5)
        at_five = sandbox.control.total_requests()
        print(
            f"\nthe provider exited {took:.2f} s after the kill; API requests after the kill: "
            f"{after_exit - at_kill} until it exited, {at_five - at_two} from +2 s to +5 s"
        )
        left = [cmdline(pid)[:60] for pid in tree if pid != proc.pid and alive(pid)]
        print(f"still running 5 s after the kill: {left}")
        assert at_five == at_two, "an API request reached the sandbox 2 s or more after the kill"
    finally:
        for pid in [proc.pid, *tree]:  # the language host and anything else left behind
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        proc.wait(timeout=30)
        with contextlib.suppress(Exception):
            stack.cancel()

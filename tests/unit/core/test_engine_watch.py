"""The engine watch: a process whose engine stopped listening sets ENGINE_GONE and exits, and no
request starts after that."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator

import httpx
import pytest

from pulumi_inboxed.core import engine_watch
from pulumi_inboxed.core.engine_watch import (
    ENGINE_GONE,
    EXIT_CODE,
    EngineGoneError,
    EngineWatch,
    accepts_connections,
    program_engine_address,
    provider_engine_address,
)
from pulumi_inboxed.core.http import HttpClient, RetryPolicy
from pulumi_inboxed.core.request_limits import RequestLimiter, RequestLimits

BOUND = 30.0  # generous: the watch probes every few milliseconds here


@pytest.fixture(autouse=True)
def engine_back() -> Iterator[None]:
    ENGINE_GONE.clear()
    yield
    ENGINE_GONE.clear()


@pytest.fixture
def engine() -> Iterator[socket.socket]:
    """A listening socket on 127.0.0.1 standing in for the engine's gRPC server."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    yield listener
    listener.close()


def address(listener: socket.socket) -> str:
    host, port = listener.getsockname()
    return f"{host}:{port}"


def test_the_provider_reads_the_engine_address_its_last_argument() -> None:
    main = "/venv/lib/python3.11/site-packages/pulumi/dynamic/__main__.py"
    assert provider_engine_address([main, "127.0.0.1:40123"]) == "127.0.0.1:40123"
    traced = [main, "--tracing", "localhost:9411", "--logtostderr", "-v=9", "127.0.0.1:5"]
    assert provider_engine_address(traced) == "127.0.0.1:5"
    assert provider_engine_address([main, "--tracing", "localhost:9411"]) is None
    assert provider_engine_address([main]) is None


def test_the_program_reads_the_engine_address_from_the_exec_scripts_options() -> None:
    argv = ["python", "-u", "/bin/pulumi-language-python-exec", "--monitor", "127.0.0.1:7"]
    assert program_engine_address(argv) == "127.0.0.1:7"
    argv += ["--engine", "127.0.0.1:8", "--project", "demo", "."]
    assert program_engine_address(argv) == "127.0.0.1:8"
    assert program_engine_address(["python", "--engine=[::1]:9"]) == "[::1]:9"
    assert program_engine_address(["python", "-m", "pytest", "tests/unit", "-x"]) is None


def test_no_watch_starts_in_a_process_no_engine_started() -> None:
    assert engine_watch.engine_address() is None
    assert engine_watch.start_watch() is False
    assert engine_watch._watch is None


def test_a_probe_tells_a_listening_engine_from_a_closed_one(engine: socket.socket) -> None:
    where = address(engine)
    watch = EngineWatch(where)
    assert accepts_connections(where) is True
    assert watch.gone() is None
    engine.close()
    assert accepts_connections(where) is False
    reason = watch.gone()
    assert reason is not None and where in reason


def test_an_address_never_seen_listening_never_counts_as_gone(engine: socket.socket) -> None:
    where = address(engine)
    engine.close()
    watch = EngineWatch(where)
    assert watch.gone() is None  # a misread address must not stop a working provider
    assert watch.gone() is None


def test_a_changed_parent_counts_as_gone(engine: socket.socket) -> None:
    watch = EngineWatch(address(engine), parent_pid=os.getppid() + 1)
    reason = watch.gone()
    assert reason is not None and "parent" in reason


def test_the_watch_sets_engine_gone_and_exits_once_the_engine_closes(
    engine: socket.socket,
) -> None:
    exited = threading.Event()
    codes: list[int] = []

    def fake_exit(code: int) -> None:
        codes.append(code)
        exited.set()

    watch = EngineWatch(address(engine), interval=0.005, grace=0, exit=fake_exit)
    watch.start()
    try:
        assert not ENGINE_GONE.wait(0.1), "the engine still listens"
        assert not exited.is_set()
        engine.close()
        assert ENGINE_GONE.wait(BOUND)
        assert exited.wait(BOUND)
        assert codes == [EXIT_CODE]
    finally:
        watch.stop()


PROGRAM = """
import sys, threading
from pulumi_inboxed.core.engine_watch import start_watch
assert start_watch() and start_watch()
print("watching", flush=True)
threading.Event().wait()
"""


def test_a_program_started_with_an_engine_address_exits_once_it_is_gone(
    engine: socket.socket,
) -> None:
    """A real process, as the language host starts a program (`--engine ADDRESS`), and its real
    `os._exit`."""
    program = subprocess.Popen(
        [sys.executable, "-c", PROGRAM, "--engine", address(engine)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert program.stdout is not None
        assert program.stdout.readline() == "watching\n"
        assert program.poll() is None
        engine.close()
        assert program.wait(timeout=BOUND) == EXIT_CODE
        assert program.stderr is not None
        lines = program.stderr.read().splitlines()
        assert len(lines) == 1 and "the Pulumi engine is gone" in lines[0], lines
    finally:
        program.kill()
        program.wait()


def _client(transport: httpx.MockTransport, limiter: RequestLimiter | None) -> HttpClient:
    return HttpClient(
        provider="Test",
        base_url="https://api.test",
        headers={"Authorization": "Bearer tok"},
        retry=RetryPolicy(attempts=3, initial_wait=0.01, max_wait=0.01),
        transport=transport,
        sleep=lambda _: None,
        limiter=limiter,
    )


@pytest.mark.parametrize("limited", [False, True])
@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_no_request_starts_once_the_engine_is_gone(method: str, limited: bool) -> None:
    sent: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={})

    limiter = RequestLimiter(RequestLimits()) if limited else None
    client = _client(httpx.MockTransport(handle), limiter)
    client.request(method, "/things")
    assert len(sent) == 1
    ENGINE_GONE.set()
    with pytest.raises(EngineGoneError, match=r"engine .* is gone"):
        client.request(method, "/things")
    assert len(sent) == 1

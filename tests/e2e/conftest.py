"""End-to-end fixtures: the real pulumi CLI (built by scripts/ensure-pulumi.sh when absent),
a sandbox on 127.0.0.1, and a fresh stack per test on a file:// backend."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pulumi_inboxed.local_stack import LocalStack, PulumiCLI
from pulumi_inboxed.sandbox import SandboxProcess

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def pulumi_bin() -> Path:
    configured = os.environ.get("INBOXED_PULUMI_BIN")
    if configured:
        return Path(configured)
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "ensure-pulumi.sh")],
        capture_output=True,
        text=True,
        check=False,
        timeout=3000,
    )
    assert result.returncode == 0, f"ensure-pulumi.sh failed:\n{result.stderr[-4000:]}"
    return Path(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def api_token() -> str:
    """A fresh token per run, so a leak check looks for a value that cannot be there by chance."""
    return "iu_" + secrets.token_hex(20)


@pytest.fixture(scope="module")
def sandbox(api_token: str) -> Iterator[SandboxProcess]:
    with SandboxProcess(
        queued_seconds=0.6, pending_ns_seconds=1.5, tokens=[api_token], lifetime=1800
    ) as process:
        yield process


@pytest.fixture(scope="module")
def cli(pulumi_bin: Path, tmp_path_factory: pytest.TempPathFactory) -> PulumiCLI:
    """One CLI home and backend per test file: its transcript (which tests search for secrets)
    holds that file's commands only, whatever ran before it in the same worker process."""
    base = tmp_path_factory.mktemp("pulumi")
    return PulumiCLI(home=base / "home", backend_dir=base / "state", bin_dir=pulumi_bin)


StackFactory = Callable[..., LocalStack]


@pytest.fixture
def make_stack(
    cli: PulumiCLI,
    sandbox: SandboxProcess,
    api_token: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> Iterator[StackFactory]:
    made: list[LocalStack] = []

    def factory(example: str = "domain-batch", **config: str) -> LocalStack:
        project = tmp_path / f"{example}-{len(made)}"
        shutil.copytree(EXAMPLES / example, project)
        name = f"t{len(made)}-{request.node.name[:40]}".replace("[", "-").replace("]", "")
        stack = LocalStack(cli, project, name).init()
        stack.set_config("inboxedup:baseUrl", sandbox.url)
        stack.set_config("inboxedup:apiToken", api_token, secret=True)
        stack.set_config("inboxedup:pollIntervalSeconds", "0.2")
        for key, value in config.items():
            stack.set_config(key.replace("__", ":"), value)
        made.append(stack)
        return stack

    yield factory
    for stack in made:  # leave nothing behind in the sandbox
        stack.destroy(check=False)


def assert_no_secret(text: str, secret: str) -> None:
    assert secret not in text, "a secret appears in plaintext"


def process_tree(root: int) -> list[int]:
    """`root` and every process descended from it, read from /proc (parents before children)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command name may hold spaces and parentheses: fields start after the last ")"
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie, dead but not yet reaped, counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return state[state.rindex(")") + 2] != "Z"


def kill_tree(root: int) -> list[int]:
    """SIGKILLs `root` and all its descendants, whatever process group each made for itself
    (the CLI's language host and provider plugins start their own); returns the pids killed."""
    tree = process_tree(root)
    for pid in tree:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return tree


def interrupt_up(stack: LocalStack, reached: Callable[[], bool], what: str, *extra: str) -> None:
    """Starts `pulumi up` (with `extra` arguments) and kills it (the CLI, the language host and
    the provider) as soon as `reached()` holds; fails when `up` ends first, `what` never happens
    within 180 s, or any process of the run outlives the kill."""
    command = [str(stack.cli.bin_dir / "pulumi"), "up", "--yes", "--non-interactive"]
    command += ["--stack", stack.name, *extra]
    proc = subprocess.Popen(
        command,
        cwd=stack.project_dir,
        env=stack.cli.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    killed: list[int] = []
    try:
        deadline = time.monotonic() + 180
        while not reached():
            assert proc.poll() is None, "pulumi up ended before it could be interrupted"
            if time.monotonic() > deadline:
                pytest.fail(f"{what} never happened")
            time.sleep(0.1)
    finally:
        killed = kill_tree(proc.pid)
        proc.wait(timeout=30)
    assert len(killed) >= 3, f"expected the CLI, its language host and provider; killed {killed}"
    end = time.monotonic() + 10
    while any(alive(pid) for pid in killed[1:]) and time.monotonic() < end:
        time.sleep(0.1)
    survivors = [pid for pid in killed[1:] if alive(pid)]
    assert not survivors, f"processes of the interrupted run survived: {survivors}"

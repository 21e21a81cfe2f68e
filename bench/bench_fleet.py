"""Benchmark: a fleet of D InboxedUp domains and M mailboxes in one stack, two ways, one run.

The same fleet (D domains in DomainBatches of `--batch-size`, M mailboxes spread over them) is
declared as collections (one `MailboxRequests` per batch, an entry per domain) and as one
resource per object (one `MailboxRequest` per domain), each against a fresh sandbox whose domains
are ready (ACTIVE) T seconds after they are submitted: T is the APIs' critical path. For each form
it prints the wall time of `pulumi preview`, `pulumi up` alone (`--skip-preview`: the preview a
user's `up` runs first is the row before it, so up with its preview is the two added), a
no-change `pulumi preview`, `pulumi refresh` and `pulumi destroy`; up / T; the API calls of
each command (per route) against the minimum the APIs allow; and the peak RSS of the CLI's
process tree (the CLI, language host, program and provider processes, sampled from /proc every
0.2 s; the sandbox is not counted).

Minimum calls of `up`: one submit and one status read per batch, one POST /mailboxes per domain
and type, and one account listing of domains and one of mailboxes (at the API's largest page,
500). Everything else (polls while waiting, listings repeated per resource) is overhead.

    .venv/bin/python bench/bench_fleet.py                       # 1000 domains, 3000 mailboxes
    .venv/bin/python bench/bench_fleet.py --domains 100 --mailboxes 300   # quick

The one-per-object form runs with PULUMI_SKIP_CHECKPOINTS=1 (state written once, at the end:
no crash safety) unless `--object-checkpoints`: with a checkpoint per step, 1000 resources take
minutes in the engine alone. `--forms collection` runs one form.

Needs the pulumi CLI (INBOXED_PULUMI_BIN or PATH; scripts/ensure-pulumi.sh prints one).
Not a test: it asserts nothing, it measures.
"""

from __future__ import annotations

import argparse
import math
import os
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi_inboxed.local_stack import LocalStack, PulumiCLI
from pulumi_inboxed.sandbox import SandboxProcess

HERE = Path(__file__).resolve().parent
PROGRAM = HERE / "fleet_program"
API_PAGE = 500  # the largest page the list endpoints give
PHASES = ("preview", "up", "preview (no change)", "refresh", "destroy")


# peak RSS of the CLI's process tree ------------------------------------------------------------
def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command line) of every process /proc shows."""
    found: dict[int, tuple[int, str]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
            cmdline = Path(entry.path, "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        found[int(entry.name)] = (int(fields[1]), cmdline)
    return found


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kib(root: int) -> int:
    """The summed RSS of `root`'s descendants, leaving out the sandbox and its children."""
    procs = _processes()
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in procs.items():
        children.setdefault(parent, []).append(pid)
    total, todo = 0, list(children.get(root, []))
    while todo:
        pid = todo.pop()
        if "pulumi_inboxed.sandbox" in procs[pid][1]:
            continue
        total += _rss_kib(pid)
        todo += children.get(pid, [])
    return total


class PeakRss:
    """Samples the process tree under this process every `interval` seconds."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, tree_rss_kib(me))

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# one form --------------------------------------------------------------------------------------
@dataclass
class Phase:
    seconds: float
    calls: dict[str, int]
    peak_mib: float

    @property
    def total(self) -> int:
        return sum(self.calls.values())


@dataclass
class FormResult:
    form: str
    resources: int
    skip_checkpoints: bool
    phases: dict[str, Phase] = field(default_factory=dict)


def _diff(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    return {k: n - before.get(k, 0) for k, n in after.items() if n != before.get(k, 0)}


@contextmanager
def _phase(result: FormResult, name: str, sandbox: SandboxProcess) -> Iterator[None]:
    before = sandbox.control.stats()
    started = time.monotonic()
    with PeakRss() as rss:
        yield
    seconds = time.monotonic() - started
    calls = _diff(sandbox.control.stats(), before)
    result.phases[name] = Phase(seconds, calls, rss.peak / 1024)
    print(
        f"  {name:<20} {seconds:7.1f} s  {sum(calls.values()):6d} calls  "
        f"peak RSS {rss.peak / 1024:7.0f} MiB"
    )


def run_form(args: argparse.Namespace, work: Path, form: str) -> FormResult:
    token = "bench_" + secrets.token_hex(8)
    run = secrets.token_hex(3)
    batches = math.ceil(args.domains / args.batch_size)
    per_object = form == "objects"
    skip = per_object and not args.object_checkpoints
    requests = min(args.domains, args.mailboxes)
    resources = batches + (requests if per_object else batches)
    result = FormResult(form, resources, skip)
    print(
        f"\n{form}: {batches} DomainBatches + "
        + (f"{requests} MailboxRequest" if per_object else f"{batches} MailboxRequests")
        + f" ({resources} resources)"
        + ("; PULUMI_SKIP_CHECKPOINTS=1 (no crash safety)" if skip else "")
    )
    with SandboxProcess(
        work / f"sandbox-{run}.db",
        queued_seconds=args.ready_seconds,
        pending_ns_seconds=0,
        tokens=[token],
        lifetime=4 * 3600,
    ) as sandbox:
        project = work / f"program-{run}"
        shutil.copytree(PROGRAM, project)
        extra_env = {"PULUMI_SKIP_CHECKPOINTS": "1"} if skip else {}
        cli = PulumiCLI(home=work / "home", backend_dir=work / "state", extra_env=extra_env)
        stack = LocalStack(cli, project, f"fleet-{form}-{run}").init()
        for key, value in {
            "inboxedup:baseUrl": sandbox.url,
            "inboxedup:pollIntervalSeconds": str(args.poll_seconds),
            "inboxed:providerThreads": str(args.threads),
            "bench:form": form,
            "bench:domains": str(args.domains),
            "bench:mailboxes": str(args.mailboxes),
            "bench:batchSize": str(args.batch_size),
            "bench:run": run,
        }.items():
            stack.set_config(key, value)
        stack.set_config("inboxedup:apiToken", token, secret=True)
        parallel = ["--parallel", str(args.parallel)] if args.parallel else []
        steps: list[tuple[str, Callable[[], Any]]] = [
            ("preview", lambda: stack.preview(*parallel)),
            # timed alone: its own preview is the "preview" phase just before
            ("up", lambda: stack.up("--skip-preview", *parallel)),
            ("preview (no change)", lambda: stack.preview(*parallel)),
            ("refresh", lambda: stack.refresh(*parallel)),
            ("destroy", lambda: stack.destroy(*parallel)),
        ]
        for name, step in steps:
            with _phase(result, name, sandbox):
                step()
            if args.verbose:
                for route, n in sorted(result.phases[name].calls.items()):
                    print(f"      {route}: {n}")
    return result


def minimum_up_calls(args: argparse.Namespace) -> int:
    domains, mailboxes, size = int(args.domains), int(args.mailboxes), int(args.batch_size)
    requests = min(domains, mailboxes)
    listings = math.ceil(domains / API_PAGE) + math.ceil(requests / API_PAGE)
    return 2 * math.ceil(domains / size) + requests + listings


def report(args: argparse.Namespace, results: list[FormResult]) -> None:
    minimum = minimum_up_calls(args)
    print(
        f"\nfleet: {args.domains} domains, {args.mailboxes} mailboxes; domains ready after "
        f"T = {args.ready_seconds:g} s (the critical path); minimum API calls of up: {minimum}"
    )
    header = f"{'form':<12}{'resources':>10}" + "".join(f"{p:>21}" for p in PHASES)
    print(header)
    for r in results:
        cells = "".join(f"{r.phases[p].seconds:>12.1f} s/{r.phases[p].total:>5d}c" for p in PHASES)
        print(f"{r.form:<12}{r.resources:>10}{cells}")
    for r in results:
        up = r.phases["up"]
        peak = max(p.peak_mib for p in r.phases.values())
        previews = {route: n for route, n in r.phases["preview"].calls.items() if n}
        with_preview = up.seconds + r.phases["preview"].seconds
        print(
            f"{r.form}: up / T = {up.seconds / args.ready_seconds:.2f} "
            f"(with its preview {with_preview / args.ready_seconds:.2f}); up calls "
            f"{up.total} = {up.total / minimum:.2f} x the minimum; peak RSS {peak:.0f} MiB"
            + ("; PULUMI_SKIP_CHECKPOINTS=1" if r.skip_checkpoints else "")
        )
        print(f"  preview calls: {previews or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domains", type=int, default=1000)
    parser.add_argument("--mailboxes", type=int, default=3000)
    parser.add_argument("--batch-size", type=int, default=100, help="domains per DomainBatch")
    parser.add_argument("--ready-seconds", type=float, default=10.0, help="T")
    parser.add_argument("--poll-seconds", type=float, default=1.0, help="inboxedup poll interval")
    parser.add_argument("--threads", type=int, default=32, help="inboxed:providerThreads")
    parser.add_argument(
        "--parallel",
        type=int,
        default=32,
        help=(
            "pulumi --parallel (default 32: the engine's own default, 4 x CPU cores, is 8 on 2 "
            "cores, and 10 batches then wait in two rounds, 2T)"
        ),
    )
    parser.add_argument(
        "--forms",
        choices=["both", "collection", "objects"],
        default="both",
        help="which form(s) to run (default both, collections first)",
    )
    parser.add_argument(
        "--object-checkpoints",
        action="store_true",
        help="run the one-per-object form with a checkpoint per step (slow at this size)",
    )
    parser.add_argument("--verbose", action="store_true", help="calls per route per command")
    args = parser.parse_args()
    forms = ["collection", "objects"] if args.forms == "both" else [args.forms]
    work = Path(tempfile.mkdtemp(prefix="inboxed-fleet-"))
    try:
        results = [run_form(args, work, form) for form in forms]
        report(args, results)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

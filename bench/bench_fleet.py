"""Benchmark: a fleet of D InboxedUp domains and M mailboxes in one stack, two ways, one run.

The same fleet (D domains in DomainBatches of `--batch-size`, M mailboxes spread over them) is
declared as collections (one `MailboxRequests` per batch, an entry per domain) and as one
resource per object (one `MailboxRequest` per domain), each against a fresh sandbox whose domains
are ready (ACTIVE) T seconds after they are submitted: T is the APIs' critical path. For each form
it prints the wall time of `pulumi preview`, `pulumi up` alone (`--skip-preview`: the preview a
user's `up` runs first is the row before it, so up with its preview is the two added), a
no-change preview (`pulumi preview --expect-no-changes`: it fails when anything would change),
`pulumi refresh` and `pulumi destroy`; up / T; the API calls of each command (per route) against
the minimum the APIs allow; and the peak RSS of the CLI's process tree (the CLI, language host,
program and provider processes, sampled from /proc every 0.2 s; the sandbox is not counted).

`--accounts N` splits the fleet over N InboxedUp accounts of the sandbox (contiguous shares of
the domains, each share in its own batches): each is its own `account=` in the program, with its
token set by `pulumi config set --path --secret 'inboxedup:accounts.acct-<i>.apiToken'`, and its
own account in the sandbox (`--accounts-file`). `--fault-rate P` adds one fault rule over every
API request of every account: each is faulted with probability P (seeded: `--fault-seed`), with a
kind chosen among 429, 500, 503, a reset before or after the request is processed, and a reply
held past the client's timeout (`inboxedup:requestTimeoutSeconds`, `--request-timeout`) before or
after. A command that fails is reported, not fatal; `up` (and `destroy`) is run again, up to
`--max-runs` times, and the report says whether up converged in one run.

Minimum calls of `up`: one submit and one status read per batch, one POST /mailboxes per domain
and type, and, per account, one listing of domains and one of mailboxes (at the API's largest
page, 500). Everything else (polls while waiting, listings repeated per resource, retries after
faults) is overhead.

    .venv/bin/python bench/bench_fleet.py                       # 1000 domains, 3000 mailboxes
    .venv/bin/python bench/bench_fleet.py --domains 100 --mailboxes 300   # quick
    .venv/bin/python bench/bench_fleet.py --forms collection --domains 200 --mailboxes 600 \
        --accounts 5 --fault-rate 0.01

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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi_inboxed.local_stack import LocalStack, PulumiCLI, PulumiCommandError
from pulumi_inboxed.sandbox import SandboxProcess
from pulumi_inboxed.sandbox.faults import ConnectionFaultKind

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


def role_of(cmdline: str) -> str:
    """Which part of a pulumi run a process is: the CLI, the language host, the program, the
    dynamic provider, or another (a plugin script's shell)."""
    if "pulumi.dynamic" in cmdline or "pulumi-resource-pulumi-python" in cmdline:
        return "provider"
    if "pulumi-language-python-exec" in cmdline:
        return "program"
    first = cmdline.split(" ", 1)[0]
    if first.endswith("pulumi-language-python"):
        return "language host"
    if first.endswith("/pulumi") or first == "pulumi":
        return "cli"
    return "other"


def tree_rss_by_role(root: int) -> dict[str, int]:
    """The RSS (KiB) of `root`'s descendants summed per `role_of`, leaving out the sandbox."""
    procs = _processes()
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in procs.items():
        children.setdefault(parent, []).append(pid)
    roles: dict[str, int] = {}
    todo = list(children.get(root, []))
    while todo:
        pid = todo.pop()
        if "pulumi_inboxed.sandbox" in procs[pid][1]:
            continue
        role = role_of(procs[pid][1])
        roles[role] = roles.get(role, 0) + _rss_kib(pid)
        todo += children.get(pid, [])
    return roles


def tree_rss_kib(root: int) -> int:
    """The summed RSS of `root`'s descendants, leaving out the sandbox and its children."""
    return sum(tree_rss_by_role(root).values())


class PeakRss:
    """Samples the process tree under this process every `interval` seconds."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.peak = 0
        self.at_peak: dict[str, int] = {}
        """RSS (KiB) per role (`role_of`) when the sum was at its peak."""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.wait(self.interval):
            roles = tree_rss_by_role(me)
            if sum(roles.values()) > self.peak:
                self.peak, self.at_peak = sum(roles.values()), roles

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# one form --------------------------------------------------------------------------------------
# The kinds a `--fault-rate` rule spreads its faults over (sandbox/faults.py).
FAULT_KINDS: tuple[int | ConnectionFaultKind, ...] = (
    429,
    500,
    503,
    "reset_before",
    "reset_after",
    "timeout_before",
    "timeout_after",
)


@dataclass
class Phase:
    seconds: float
    calls: dict[str, int]
    peak_mib: float
    ok: bool = True
    faults: dict[str, int] = field(default_factory=dict)
    run_seconds: list[float] = field(default_factory=list)  # each run's wall time

    @property
    def runs(self) -> int:
        return len(self.run_seconds)

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


def _failure_tail(error: PulumiCommandError, lines: int = 12) -> str:
    """The last lines of a failed command's output that say why (the diagnostics)."""
    kept = [line for line in error.output.splitlines() if line.strip()]
    return "\n".join("      | " + line for line in kept[-lines:])


def run_phase(
    result: FormResult,
    name: str,
    sandbox: SandboxProcess,
    step: Callable[[], Any],
    runs: int = 1,
) -> Phase:
    """Time `step` (run again after a failure, up to `runs` times, all counted in one phase)."""
    before, faults_before = sandbox.control.stats(), sandbox.control.faults_injected()
    started = time.monotonic()
    ok, run_seconds = False, []
    with PeakRss() as rss:
        while not ok and len(run_seconds) < runs:
            run_started = time.monotonic()
            try:
                step()
                ok = True
            except PulumiCommandError as error:
                attempt = len(run_seconds) + 1
                print(f"  {name}: run {attempt} failed:\n{_failure_tail(error)}")
            run_seconds.append(time.monotonic() - run_started)
    seconds = time.monotonic() - started
    calls = _diff(sandbox.control.stats(), before)
    faults = _diff(sandbox.control.faults_injected(), faults_before)
    phase = Phase(seconds, calls, rss.peak / 1024, ok, faults, run_seconds)
    result.phases[name] = phase
    print(
        f"  {name:<20} {seconds:7.1f} s  {sum(calls.values()):6d} calls  "
        f"peak RSS {rss.peak / 1024:7.0f} MiB  {'ok' if ok else 'FAILED'}"
        + f" ({', '.join(f'{r} {k / 1024:.0f}' for r, k in sorted(rss.at_peak.items()) if k)})"
        + (
            f" after {len(run_seconds)} runs ({', '.join(f'{t:.1f}' for t in run_seconds)} s)"
            if len(run_seconds) > 1
            else ""
        )
        + (f"  faults {sum(faults.values())} {faults}" if faults else "")
    )
    return phase


def account_names(count: int) -> list[str]:
    """The named accounts of `--accounts` (the program's `acct-<i>`); none for one account."""
    return [f"acct-{a:03d}" for a in range(count)] if count > 1 else []


def run_form(args: argparse.Namespace, work: Path, form: str) -> FormResult:
    run = secrets.token_hex(3)
    names = account_names(args.accounts)
    tokens = {name: f"bench_{secrets.token_hex(8)}" for name in names or ["default"]}
    batches = sum(math.ceil(share / args.batch_size) for share in account_shares(args))
    per_object = form == "objects"
    skip = per_object and not args.object_checkpoints
    requests = min(args.domains, args.mailboxes)
    resources = batches + (requests if per_object else batches)
    result = FormResult(form, resources, skip)
    print(
        f"\n{form}: {batches} DomainBatches + "
        + (f"{requests} MailboxRequest" if per_object else f"{batches} MailboxRequests")
        + f" ({resources} resources) in {max(len(names), 1)} account(s)"
        + (f"; {args.fault_rate:.1%} of API requests faulted" if args.fault_rate else "")
        + ("; PULUMI_SKIP_CHECKPOINTS=1 (no crash safety)" if skip else "")
    )
    sandbox_accounts = {name: {"inboxedup_tokens": [tokens[name]]} for name in names}
    with SandboxProcess(
        work / f"sandbox-{run}.db",
        queued_seconds=args.ready_seconds,
        pending_ns_seconds=0,
        tokens=[tokens.get("default", f"bench_{secrets.token_hex(8)}")],
        accounts=sandbox_accounts or None,
        lifetime=4 * 3600,
        extra_args=(
            ["--keep-alive-seconds", f"{args.sandbox_keep_alive:g}"]
            if args.sandbox_keep_alive
            else []
        ),
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
            "bench:accounts": str(args.accounts),
            "bench:run": run,
        }.items():
            stack.set_config(key, value)
        if names:
            for name in names:  # through stdin, so no token is on a command line
                key = f"inboxedup:accounts.{name}.apiToken"
                args_ = ("config", "set", "--path", key, "--secret", "--non-interactive")
                cli.run(*args_, "--stack", stack.name, cwd=project, stdin=tokens[name])
        else:
            stack.set_config("inboxedup:apiToken", tokens["default"], secret=True)
        if args.fault_rate:
            stack.set_config("inboxedup:requestTimeoutSeconds", f"{args.request_timeout:g}")
            sandbox.control.add_fault(
                kinds=FAULT_KINDS,
                rate=args.fault_rate,
                seed=args.fault_seed,
                # a held reply outlasts the client's wait by a second, then is dropped
                hold_seconds=args.request_timeout + 1.0,
            )
        parallel = ["--parallel", str(args.parallel)] if args.parallel else []
        steps: list[tuple[str, Callable[[], Any], int]] = [
            ("preview", lambda: stack.preview(*parallel), 1),
            # timed alone: its own preview is the "preview" phase just before
            ("up", lambda: stack.up("--skip-preview", *parallel), args.max_runs),
            (
                "preview (no change)",
                lambda: stack.preview("--expect-no-changes", *parallel),
                1,
            ),
            ("refresh", lambda: stack.refresh(*parallel), 1),
            ("destroy", lambda: stack.destroy(*parallel), args.max_runs),
        ]
        for name, step, runs in steps:
            run_phase(result, name, sandbox, step, runs)
            if args.verbose:
                for route, n in sorted(result.phases[name].calls.items()):
                    print(f"      {route}: {n}")
    return result


def account_shares(args: argparse.Namespace) -> list[int]:
    """Domains per account, as the program splits them (contiguous shares)."""
    count, domains = max(int(args.accounts), 1), int(args.domains)
    return [(a + 1) * domains // count - a * domains // count for a in range(count)]


def minimum_up_calls(args: argparse.Namespace) -> int:
    """Per account: one submit and one status read per batch, one POST /mailboxes per domain
    with mailboxes, one listing of its domains and one of its mailbox requests (pages of 500)."""
    size, mailboxes, total, start = int(args.batch_size), int(args.mailboxes), 0, 0
    for share in account_shares(args):
        # the program gives domain d mailboxes when d < M (every domain has some when M >= D)
        requests = max(0, min(start + share, mailboxes) - start)
        listings = math.ceil(share / API_PAGE) + math.ceil(requests / API_PAGE)
        total += 2 * math.ceil(share / size) + requests + listings
        start += share
    return total


def report(args: argparse.Namespace, results: list[FormResult]) -> None:
    minimum = minimum_up_calls(args)
    print(
        f"\nfleet: {args.domains} domains, {args.mailboxes} mailboxes, "
        f"{max(args.accounts, 1)} account(s)"
        + (f", {args.fault_rate:.1%} of API requests faulted" if args.fault_rate else "")
        + f"; domains ready after T = {args.ready_seconds:g} s (the critical path); minimum API "
        f"calls of up: {minimum}"
    )
    header = f"{'form':<12}{'resources':>10}" + "".join(f"{p:>23}" for p in PHASES)
    print(header)
    for r in results:
        cells = "".join(
            f"{r.phases[p].seconds:>12.1f} s/{r.phases[p].total:>5d}c"
            + ("  " if r.phases[p].ok else " !")
            for p in PHASES
        )
        print(f"{r.form:<12}{r.resources:>10}{cells}")
    print("  (! : the command failed; s: wall seconds, c: API calls)")
    for r in results:
        up = r.phases["up"]
        peak = max(p.peak_mib for p in r.phases.values())
        previews = {route: n for route, n in r.phases["preview"].calls.items() if n}
        with_preview = up.seconds + r.phases["preview"].seconds
        converged = (
            "up converged in one run"
            if up.ok and up.runs == 1
            else f"up converged in {up.runs} runs"
            if up.ok
            else f"up did NOT converge in {up.runs} runs"
        )
        faults = sum(sum(p.faults.values()) for p in r.phases.values())
        print(
            f"{r.form}: {converged}; up / T = {up.seconds / args.ready_seconds:.2f} "
            f"(with its preview {with_preview / args.ready_seconds:.2f}); up calls "
            f"{up.total} = {up.total / minimum:.2f} x the minimum; peak RSS {peak:.0f} MiB"
            + ("; PULUMI_SKIP_CHECKPOINTS=1" if r.skip_checkpoints else "")
        )
        no_change = r.phases["preview (no change)"]
        print(
            f"  no-change preview: {'no changes' if no_change.ok else 'FAILED (changes or error)'}"
            + f"; faults injected in all commands: {faults}"
        )
        print(f"  preview calls: {previews or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domains", type=int, default=1000)
    parser.add_argument("--mailboxes", type=int, default=3000)
    parser.add_argument("--batch-size", type=int, default=100, help="domains per DomainBatch")
    parser.add_argument("--ready-seconds", type=float, default=10.0, help="T")
    parser.add_argument("--poll-seconds", type=float, default=1.0, help="inboxedup poll interval")
    parser.add_argument("--threads", type=int, default=256, help="inboxed:providerThreads")
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
    parser.add_argument(
        "--accounts", type=int, default=1, help="InboxedUp accounts the fleet is split over"
    )
    parser.add_argument(
        "--fault-rate",
        type=float,
        default=0.0,
        help="fault this share of all API requests (0..1; statuses, resets, held replies)",
    )
    parser.add_argument("--fault-seed", type=int, default=19, help="seed of the fault rule")
    parser.add_argument(
        "--request-timeout",
        type=float,
        default=10.0,
        help="with --fault-rate: inboxedup:requestTimeoutSeconds (held replies outlast it by 1 s)",
    )
    parser.add_argument(
        "--max-runs", type=int, default=3, help="runs of up (and destroy) until one succeeds"
    )
    parser.add_argument(
        "--sandbox-keep-alive",
        type=float,
        help="the sandbox's --keep-alive-seconds (default its own, 120; 5 was uvicorn's)",
    )
    parser.add_argument("--verbose", action="store_true", help="calls per route per command")
    args = parser.parse_args()
    if args.accounts < 1 or not 0.0 <= args.fault_rate <= 1.0 or args.max_runs < 1:
        parser.error("--accounts and --max-runs must be 1 or more, --fault-rate from 0 to 1")
    forms = ["collection", "objects"] if args.forms == "both" else [args.forms]
    work = Path(tempfile.mkdtemp(prefix="inboxed-fleet-"))
    try:
        results = [run_form(args, work, form) for form in forms]
        report(args, results)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Benchmark: `pulumi up` of N DomainBatches whose domains each take T seconds to be ready.

Prints wall time / T. With Pulumi's 4 provider threads and a wait that holds a thread, 12 batches
take about 3 rounds (ratio ~3); the aim is under 2. `--threads 4` runs the same with the pool
left as Pulumi makes it, for comparison. The engine itself runs at most `--parallel` steps at once
(default 4 x CPU cores), so on a 2-core machine 12 batches need `--parallel 12` or more to all
wait at once.

    .venv/bin/python bench/bench_domain_batches.py --ready-seconds 20 --threads 32 --threads 4 \
        --parallel 16

Needs the pulumi CLI (INBOXED_PULUMI_BIN or PATH; scripts/ensure-pulumi.sh prints one).
Not a test: it asserts nothing, it measures.
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from pulumi_inboxed.local_stack import LocalStack, PulumiCLI
from pulumi_inboxed.sandbox import SandboxProcess

HERE = Path(__file__).resolve().parent


def run_once(
    work: Path, batches: int, per_batch: int, ready: float, threads: int, parallel: int | None
) -> float:
    token = "bench_" + secrets.token_hex(8)
    run = secrets.token_hex(3)
    with SandboxProcess(
        work / f"sandbox-{run}.db", queued_seconds=ready, pending_ns_seconds=3600, tokens=[token]
    ) as sandbox:
        project = work / f"program-{run}"
        shutil.copytree(HERE / "program", project)
        cli = PulumiCLI(home=work / "home", backend_dir=work / "state")
        stack = LocalStack(cli, project, f"bench-{run}").init()
        stack.set_config("inboxedup:baseUrl", sandbox.url)
        stack.set_config("inboxedup:apiToken", token, secret=True)
        stack.set_config("inboxedup:pollIntervalSeconds", "0.5")
        stack.set_config("inboxed:providerThreads", str(threads))
        stack.set_config("bench:batches", str(batches))
        stack.set_config("bench:domainsPerBatch", str(per_batch))
        stack.set_config("bench:run", run)
        stack.preview()  # warm the plugin and Python caches outside the timed run
        started = time.monotonic()
        stack.up(*(["--parallel", str(parallel)] if parallel else []))
        wall = time.monotonic() - started
        stats = sandbox.control.stats()
        print(
            f"  threads={threads} parallel={parallel or 'default'}: up took {wall:.1f} s; "
            + "requests: "
            + ", ".join(f"{k} x{v}" for k, v in sorted(stats.items()))
        )
        stack.destroy()
        return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=12)
    parser.add_argument("--domains-per-batch", type=int, default=3)
    parser.add_argument("--ready-seconds", type=float, default=20.0, help="T")
    parser.add_argument(
        "--threads", type=int, action="append", help="provider threads (repeatable; default 32)"
    )
    parser.add_argument(
        "--parallel",
        type=int,
        default=None,
        help="pulumi up --parallel (the engine's default is 4 x CPU cores: 8 on 2 cores)",
    )
    args = parser.parse_args()
    threads = args.threads or [32]
    work = Path(tempfile.mkdtemp(prefix="inboxed-bench-"))
    print(
        f"bench: {args.batches} DomainBatches x {args.domains_per_batch} domains, "
        f"ready after T = {args.ready_seconds:g} s"
    )
    try:
        for n in threads:
            wall = run_once(
                work, args.batches, args.domains_per_batch, args.ready_seconds, n, args.parallel
            )
            print(f"bench: providerThreads={n}: wall / T = {wall / args.ready_seconds:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

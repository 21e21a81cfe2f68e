"""Benchmark: `pulumi up` of N Mailin.ai AzureOrders, each ready T seconds after it is placed.

Every create places its order and then waits for "ready" and the nameservers on the shared
Azure-order poller (`runtime_for(config).azure_orders`): the waits overlap, so with the widened
provider thread pool (`inboxed:providerThreads`, default 256) the ideal is about T. With 4 threads
(Pulumi's own pool) each wait holds one of them: about ceil(N/4) x T. Prints each run's wall
time, wall / T, the sandbox's requests per route and the nameserver/status polls per order.
The engine runs at most `--parallel` steps at once (its default is 4 x CPU cores), so the runs
pass `--parallel` (default: N) for all N creates to be able to wait at once.

    .venv/bin/python bench/bench_azure_orders.py                      # 12 orders, T = 5 s
    .venv/bin/python bench/bench_azure_orders.py --count 24 --mailin-azure-seconds 10

Needs the pulumi CLI (INBOXED_PULUMI_BIN or PATH; scripts/ensure-pulumi.sh prints one).
Not a test: it asserts nothing, it measures.
"""

from __future__ import annotations

import argparse
import math
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from pulumi_inboxed.core.endpoint import Endpoint
from pulumi_inboxed.local_stack import LocalStack, PulumiCLI
from pulumi_inboxed.mailin import endpoints as ep
from pulumi_inboxed.sandbox import SandboxProcess
from pulumi_inboxed.sandbox.mailin.common import MAILIN_PREFIX

HERE = Path(__file__).resolve().parent
TOKEN = "mailin-sandbox-token"  # the sandbox's default Mailin.ai token
POLL_INTERVAL = 0.5


def route(endpoint: Endpoint) -> str:
    """The sandbox's request-counter key of an endpoint."""
    return f"{endpoint.method} {MAILIN_PREFIX}{endpoint.path}"


def run_once(work: Path, count: int, ready: float, threads: int, parallel: int) -> float:
    run = secrets.token_hex(3)
    with SandboxProcess(
        work / f"sandbox-{run}.db",
        extra_args=["--mailin-azure-seconds", str(ready)],
        lifetime=3600,
    ) as sandbox:
        project = work / f"azure-{run}"
        shutil.copytree(HERE / "azure_program", project)
        cli = PulumiCLI(home=work / "home", backend_dir=work / "state")
        stack = LocalStack(cli, project, f"bench-{run}").init()
        stack.set_config("mailin:baseUrl", sandbox.mailin_url)
        stack.set_config("mailin:apiToken", TOKEN, secret=True)
        stack.set_config("mailin:pollIntervalSeconds", str(POLL_INTERVAL))
        stack.set_config("inboxed:providerThreads", str(threads))
        stack.set_config("bench:orders", str(count))
        stack.set_config("bench:run", run)
        stack.preview()  # warm the plugin and Python caches outside the timed run
        sandbox.control.reset_stats()
        started = time.monotonic()
        stack.up("--parallel", str(parallel))
        wall = time.monotonic() - started
        stats = sandbox.control.stats()
        polls = stats.get(route(ep.AZURE_ORDER_NAMESERVERS), 0)
        status = stats.get(route(ep.AZURE_ORDER_STATUS), 0)
        print(
            f"  providerThreads={threads} parallel={parallel}: up took {wall:.1f} s "
            f"(wall / T = {wall / ready:.2f}); per order: {polls / count:.1f} nameserver polls, "
            f"{status / count:.1f} status reads"
        )
        print("    requests: " + ", ".join(f"{k} x{v}" for k, v in sorted(stats.items())))
        stack.destroy()
        return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=12, help="N: Azure orders in the program")
    parser.add_argument(
        "--mailin-azure-seconds", type=float, default=5.0, help="T: placed -> ready"
    )
    parser.add_argument(
        "--threads",
        type=int,
        action="append",
        help="provider threads (repeatable; default 32 and 4)",
    )
    parser.add_argument(
        "--parallel", type=int, default=None, help="pulumi up --parallel (default: N)"
    )
    args = parser.parse_args()
    count, ready = args.count, args.mailin_azure_seconds
    parallel = args.parallel or count
    work = Path(tempfile.mkdtemp(prefix="inboxed-bench-azure-"))
    print(
        f"bench: {count} AzureOrders, ready T = {ready:g} s after being placed; "
        f"poll interval {POLL_INTERVAL:g} s; ideal ~T = {ready:g} s, "
        f"4 threads ~ceil(N/4) x T = {math.ceil(count / 4) * ready:g} s"
    )
    try:
        for threads in args.threads or [32, 4]:
            run_once(work, count, ready, threads, parallel)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

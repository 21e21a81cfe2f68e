"""Benchmark: one `mailchannels.InboundDomains` of N domains through the real CLI and the sandbox.

For each N (default 1500 and 5000): `pulumi up` (create), a `pulumi preview` that has nothing to
change, `pulumi refresh` (every domain read back), a `pulumi preview` after it, and
`pulumi destroy`; prints the wall time of each and the sandbox's requests per route.

    .venv/bin/python bench/bench_inbound_domains.py                   # 1500 and 5000
    .venv/bin/python bench/bench_inbound_domains.py --count 200 --count 1000

Needs the pulumi CLI (INBOXED_PULUMI_BIN or PATH; scripts/ensure-pulumi.sh prints one).
Not a test: it asserts nothing, it measures.
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from pulumi_inboxed.local_stack import LocalStack, PulumiCLI
from pulumi_inboxed.sandbox import SandboxProcess

ROOT = Path(__file__).resolve().parents[1]
MC_KEY = "mc-sandbox-key"


def pulumi(stack: LocalStack, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return stack.cli.run(*args, "--stack", stack.name, cwd=stack.project_dir, check=check)


def run_once(work: Path, count: int) -> None:
    run = secrets.token_hex(3)
    with SandboxProcess(work / f"sandbox-{run}.db", lifetime=3600) as sandbox:
        sandbox.control.update_settings(mailchannels_domain_limit=max(count, 5000))
        project = work / f"inbound-{run}"
        shutil.copytree(ROOT / "examples" / "inbound", project)
        cli = PulumiCLI(home=work / "home", backend_dir=work / "state")
        stack = LocalStack(cli, project, f"bench-{run}").init()
        stack.set_config("mailchannels:baseUrl", sandbox.mailchannels_url)
        stack.set_config("mailchannels:apiKey", MC_KEY, secret=True)
        stack.set_config("demo:count", str(count))

        def step(label: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
            sandbox.control.reset_stats()
            started = time.monotonic()
            result = pulumi(stack, *args, "--non-interactive", check=check)
            wall = time.monotonic() - started
            stats = sandbox.control.stats()
            requests = ", ".join(f"{k} x{v}" for k, v in sorted(stats.items())) or "none"
            print(f"  {label:<56} {wall:7.1f} s   requests: {requests}")
            return result

        print(f"bench: InboundDomains of {count} domains")
        step("preview (to create)", "preview")
        step(
            "up (create, timed alone: its preview is the step before)",
            "up",
            "--yes",
            "--skip-preview",
        )
        size = len(stack.export())
        nothing = step("preview (no change)", "preview", "--expect-no-changes", check=False)
        step("refresh (with its preview)", "refresh", "--yes")
        after = step("preview after refresh", "preview", "--expect-no-changes", check=False)
        step("destroy (with its preview)", "destroy", "--yes")
        print(
            f"  state export {size / 1e6:.2f} MB; previews without changes: "
            f"{'yes' if nothing.returncode == 0 else 'NO'} before refresh, "
            f"{'yes' if after.returncode == 0 else 'NO'} after"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--count", type=int, action="append", help="domains (repeatable; default 1500 and 5000)"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="inboxed-bench-inbound-"))
    try:
        for count in args.count or [1500, 5000]:
            run_once(work, count)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Runs examples/domain-batch with the real pulumi CLI against a sandbox, then cleans up.

Run through `bash scripts/demo.sh`, which installs what this needs first.
"""

from __future__ import annotations

import argparse
import json
import secrets
import shutil
import tempfile
from pathlib import Path

from pulumi_inboxed.local_stack import LocalStack, PulumiCLI
from pulumi_inboxed.sandbox import SandboxProcess

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", action="store_true", help="keep the stack and sandbox state")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="inboxed-demo-"))
    token = "demo_" + secrets.token_hex(16)  # the sandbox accepts it; stored as a secret
    print(f"demo: working in {work}")
    with SandboxProcess(
        work / "sandbox.db", queued_seconds=2, pending_ns_seconds=20, tokens=[token]
    ) as sandbox:
        print(f"demo: sandbox listening on {sandbox.url}")
        project = work / "project"
        shutil.copytree(ROOT / "examples" / "domain-batch", project)
        cli = PulumiCLI(home=work / "pulumi-home", backend_dir=work / "state", stream=True)
        stack = LocalStack(cli, project, "demo").init()
        stack.set_config("inboxedup:baseUrl", sandbox.url)
        stack.set_config("inboxedup:apiToken", token, secret=True)
        stack.set_config("inboxedup:pollIntervalSeconds", "0.5")

        print("\ndemo: pulumi preview (makes no API call)")
        stack.preview()
        print("\ndemo: pulumi up")
        stack.up()
        cli.stream = False
        outputs = stack.outputs()
        print("\ndemo: stack outputs")
        print(json.dumps(outputs, indent=2))
        print(f"\ndemo: sandbox saw {sandbox.control.stats()}")
        if token in stack.export():
            raise SystemExit("demo: the token appears in the state; this is a bug")
        if not args.keep:
            cli.stream = True
            print("\ndemo: pulumi destroy")
            stack.destroy()
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    print("\ndemo: done")


if __name__ == "__main__":
    main()

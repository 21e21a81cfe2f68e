"""`inboxed adopted`: what a stack adopted rather than made, and so will leave on destroy.

    inboxed adopted                      # the current stack of the project in this folder
    inboxed adopted --stack prod --cwd ./infra

It reads the stack's state (`pulumi stack export`, run in `--cwd`) and lists, per resource, the
objects its create found already in the account: the `adopted` output of a one-object resource
(its id), and every `adopted_<entries>` output of a collection (`adopted_domains`,
`adopted_requests`, ...). `pulumi destroy` leaves these in the account unless the resource has
`destroy_adopted=True`. Nothing is called but the pulumi CLI; no secret is read or printed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .arguments import subcommand

DESCRIPTION = __doc__


def add_parser(commands: Any) -> argparse.ArgumentParser:
    """Adds `adopted` to the `inboxed` command's subparsers."""
    adopted = subcommand(
        commands,
        "adopted",
        "list what a stack adopted (destroy leaves it in the accounts)",
        DESCRIPTION,
    )
    adopted.add_argument("--stack", help="the stack (default: the project's current stack)")
    adopted.add_argument("--cwd", type=Path, default=Path.cwd(), help="the project folder")
    adopted.add_argument("--pulumi", default="pulumi", help="the pulumi CLI to read the state with")
    adopted.add_argument("--json", action="store_true", help="print the list as JSON")
    return adopted


def adopted_objects(deployment: Mapping[str, Any]) -> dict[str, list[str]]:
    """Resource URN -> the objects it adopted, from a `pulumi stack export` document."""
    found: dict[str, list[str]] = {}
    resources = (deployment.get("deployment") or {}).get("resources") or []
    for resource in resources:
        if not isinstance(resource, Mapping):
            continue
        outputs = resource.get("outputs") or {}
        if not isinstance(outputs, Mapping):
            continue
        names: list[str] = []
        if outputs.get("adopted") is True:
            names.append(str(resource.get("id") or ""))
        for key, value in sorted(outputs.items()):
            if key.startswith("adopted_") and isinstance(value, list):
                names += [str(item) for item in value if isinstance(item, str | int)]
        if names:
            found[str(resource.get("urn") or "")] = names
    return found


def run(args: argparse.Namespace) -> int:
    command = [args.pulumi, "stack", "export"]
    if args.stack:
        command += ["--stack", args.stack]
    try:
        result = subprocess.run(
            command, cwd=args.cwd, capture_output=True, text=True, check=False, timeout=300
        )
    except OSError as exc:
        print(f"inboxed adopted: could not run {args.pulumi!r}: {exc}", file=sys.stderr)
        return 1
    if result.returncode != 0:
        print(
            f"inboxed adopted: `{' '.join(command)}` failed in {args.cwd}: "
            f"{result.stderr.strip()[-500:]}",
            file=sys.stderr,
        )
        return 1
    found = adopted_objects(json.loads(result.stdout or "{}"))
    if args.json:
        print(json.dumps(found, indent=2, sort_keys=True))
        return 0
    if not found:
        print("Nothing adopted: destroy removes everything this stack holds.")
        return 0
    total = sum(len(names) for names in found.values())
    print(f"{total} adopted object(s), left in the accounts by `pulumi destroy`:")
    for urn, names in found.items():
        kind = urn.split("::")[-2].removeprefix("pulumi-python:dynamic/")
        print(f"  {urn.rsplit('::', 1)[-1]} ({kind}): {', '.join(names)}")
    print("Set destroy_adopted=True on a resource to delete its adopted objects too.")
    return 0

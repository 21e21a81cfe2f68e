"""`inboxed doctor`: the subcommand's arguments and its run.

    inboxed doctor --all
    inboxed doctor --inboxedup client-a --mailin default --stack prod --cwd ./infra
    inboxed doctor --all --json
    inboxed doctor --all --record ./replies

Accounts are chosen as `inboxed adopt` chooses them (`adopt.cli.selected`: `--<api> NAME`,
`default`, `--all`), with settings from the environment or `--stack NAME [--cwd DIR]`. Exits 1
when anything the programs need is ✗ (or an account cannot be checked), else 0.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from ..adopt.arguments import add_account_arguments, add_stack_arguments, subcommand
from ..core.errors import ConfigError
from .recorder import save
from .render import as_json, table
from .run import APIS, AccountReport, check_account


def add_parser(commands: Any) -> argparse.ArgumentParser:
    """Adds `doctor` to the `inboxed` command's subparsers."""
    doctor = subcommand(
        commands,
        "doctor",
        "check, read-only, that this package understands each account's API",
        __doc__,
    )
    add_account_arguments(
        doctor,
        APIS,
        "check",
        "every named account of every API and each default account with credentials",
    )
    add_stack_arguments(doctor)
    doctor.add_argument("--json", action="store_true", help="print the report as JSON")
    doctor.add_argument(
        "--record",
        type=Path,
        metavar="DIR",
        help="save every reply read, secrets and addresses redacted, for a bug report",
    )
    return doctor


def run(
    args: argparse.Namespace,
    error: Callable[[str], Any],
    transport: httpx.BaseTransport | None = None,
) -> int:
    """Runs the doctor for the parsed `args` (`error`: the parser's usage error)."""
    from ..adopt.cli import selected
    from ..adopt.connect import stack_config

    if args.cwd is not None and not args.stack:
        error("--cwd needs --stack")
    try:
        config = (
            stack_config(args.stack, args.cwd or Path.cwd(), args.pulumi) if args.stack else None
        )
        chosen = selected(args, config)
    except ConfigError as exc:
        print(f"inboxed doctor: {exc}", file=sys.stderr)
        return 1
    if not chosen:
        error("name at least one account (--inboxedup NAME, --mailin default, ...) or --all")
    reports: list[AccountReport] = []
    for api, account in chosen:
        label = api if account is None else f"{api} {account}"
        print(f"inboxed doctor: checking {label} ...", file=sys.stderr)
        reports.append(check_account(api, config, account, transport))
    print(as_json(reports) if args.json else table(reports), end="")
    if args.record is not None:
        written = [p for r in reports for p in save(r.exchanges, args.record, r.redactor)]
        print(
            f"inboxed doctor: saved {len(written)} replies in {args.record} (secrets, tokens, "
            "passwords, keys and addresses redacted: read them before you attach them)",
            file=sys.stderr,
        )
    return 1 if any(r.failed for r in reports) else 0


__all__ = ["add_parser", "run"]

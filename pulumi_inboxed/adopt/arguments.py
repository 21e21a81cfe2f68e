"""The arguments the `inboxed` subcommands share: a subcommand with its module's docstring, the
accounts to work on (`--<api> NAME`, `--all`) and whose settings (`--stack`, `--cwd`,
`--pulumi`)."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path
from typing import Any

DEFAULT = "default"
"""The account name that means an API's default account."""


def subcommand(
    commands: Any, name: str, help: str, description: str | None
) -> argparse.ArgumentParser:
    """Adds `name` to the `inboxed` command's subparsers, its description printed as written."""
    made: argparse.ArgumentParser = commands.add_parser(
        name,
        help=help,
        description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return made


def add_account_arguments(
    parser: argparse.ArgumentParser, apis: Iterable[str], verb: str, all_help: str
) -> None:
    """`--<api> ACCOUNT` (repeatable, `default` for the default account) per API, and `--all`."""
    for api in apis:
        parser.add_argument(
            f"--{api}",
            action="append",
            default=[],
            metavar="ACCOUNT",
            help=f"a {api} account to {verb} ('{DEFAULT}': the default account); repeatable",
        )
    parser.add_argument("--all", action="store_true", help=all_help)


def add_stack_arguments(parser: argparse.ArgumentParser) -> None:
    """`--stack NAME [--cwd DIR] [--pulumi CLI]`: settings read from a stack's config."""
    parser.add_argument("--stack", help="read settings from this stack's config")
    parser.add_argument("--cwd", type=Path, help="the project folder of --stack")
    parser.add_argument("--pulumi", default="pulumi", help="the pulumi CLI to read --stack with")


__all__ = ["DEFAULT", "add_account_arguments", "add_stack_arguments", "subcommand"]

"""Where the `inboxed-guardrails` policy pack is installed, for `pulumi --policy-pack`.

The pack (PulumiPolicy.yaml and a two-line `__main__.py`) is package data of `pulumi_inboxed`, so
a `pip install "pulumi-inboxed[policy]"` user has it without the repository:

    pulumi preview --policy-pack "$(inboxed-policy-pack)"

`inboxed-policy-pack` (the console script, `main` here) prints the folder; `path()` returns it.
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["main", "path"]

PACK_FILE = "PulumiPolicy.yaml"


def path() -> Path:
    """The installed pack's folder (the one holding PulumiPolicy.yaml)."""
    return Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    """Print the pack's folder; fail if the installed package lost its PulumiPolicy.yaml."""
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("-h", "--help"):
        print(
            "usage: inboxed-policy-pack\n\n"
            "Prints the folder of the inboxed-guardrails policy pack installed with\n"
            'pulumi-inboxed, for: pulumi preview --policy-pack "$(inboxed-policy-pack)"'
        )
        return 0
    folder = path()
    if not (folder / PACK_FILE).is_file():
        print(f"inboxed-policy-pack: {PACK_FILE} missing in {folder}", file=sys.stderr)
        return 1
    print(folder)
    return 0

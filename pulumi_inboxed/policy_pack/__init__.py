"""Where the `inboxed-guardrails` policy pack is installed, for `pulumi --policy-pack`.

The pack (PulumiPolicy.yaml and a two-line `__main__.py`) is package data of `pulumi_inboxed`, so
a `pip install "pulumi-inboxed[policy]"` user has it without the repository:

    pulumi preview --policy-pack "$(inboxed-policy-pack)"

`inboxed-policy-pack` (the console script, `main` here) prints the folder; `path()` returns it.
Without `pulumi-policy` installed it prints the one command that installs it and fails, instead
of printing a folder Pulumi would then fail to start.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

__all__ = ["main", "path"]

PACK_FILE = "PulumiPolicy.yaml"
POLICY_SDK = "pulumi_policy"
MISSING_SDK = (
    "inboxed-policy-pack: pulumi-policy is not installed in this Python ({python}); "
    "install it with: pip install 'pulumi-inboxed[policy]'"
)


def path() -> Path:
    """The installed pack's folder (the one holding PulumiPolicy.yaml)."""
    return Path(__file__).resolve().parent


def has_policy_sdk() -> bool:
    """Whether this Python can import `pulumi_policy`, which the pack runs on."""
    return importlib.util.find_spec(POLICY_SDK) is not None


def main(argv: list[str] | None = None) -> int:
    """Print the pack's folder; fail with the command to run if `pulumi-policy` is missing, or if
    the installed package lost its PulumiPolicy.yaml."""
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("-h", "--help"):
        print(
            "usage: inboxed-policy-pack\n\n"
            "Prints the folder of the inboxed-guardrails policy pack installed with\n"
            'pulumi-inboxed, for: pulumi preview --policy-pack "$(inboxed-policy-pack)"'
        )
        return 0
    if not has_policy_sdk():
        print(MISSING_SDK.format(python=sys.executable), file=sys.stderr)
        return 1
    folder = path()
    if not (folder / PACK_FILE).is_file():
        print(f"inboxed-policy-pack: {PACK_FILE} missing in {folder}", file=sys.stderr)
        return 1
    print(folder)
    return 0

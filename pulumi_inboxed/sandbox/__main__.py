"""``python -m pulumi_inboxed.sandbox``: see ``cli.py``."""

from __future__ import annotations

import sys

from pulumi_inboxed.sandbox.cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())

"""`inboxed doctor`: checks, read-only, that this package understands each account's API.

For each account it calls every read endpoint once (the smallest page, ids from the listings),
reads each reply with the package's own readers and models, and reports per endpoint the path
called (its override included), the status and a verdict naming the config key or the docs page
that fixes what differs. Writes are listed, never sent. `--record DIR` saves the replies with
secrets redacted (`recorder`). Modules: `probe` (what a check is), `probes_<api>` (each API's
checks), `run` (one account's run), `recorder` (replies and redaction), `render` (table, JSON),
`cli` (the subcommand).
"""

from __future__ import annotations

from .probe import Row
from .run import AccountReport, check_account

__all__ = ["AccountReport", "Row", "check_account"]

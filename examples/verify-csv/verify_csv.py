"""Verify a CSV of addresses with Mailin.ai from plain Python and print the summary.

    MAILIN_BASE_URL=... MAILIN_API_TOKEN=... python examples/verify-csv/verify_csv.py emails.csv

Fails before starting, saying how many credits are needed and how many are left, when the
account cannot pay for the whole file.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pulumi_inboxed.mailin.verification import (
    InsufficientCreditsError,
    addresses_in_csv,
    verify_emails,
)


def main(path: str, timeout: float = 900) -> int:
    addresses = addresses_in_csv(Path(path).read_text(encoding="utf-8"))
    print(f"verifying {len(addresses)} addresses from {path}")
    try:
        summary = verify_emails(addresses, timeout=timeout, poll_interval=0.5)
    except InsufficientCreditsError as exc:
        print(f"not started: {exc}")
        return 2
    print(f"tasks: {', '.join(summary.task_ids)}")
    print(f"total: {summary.total}")
    for result, count in sorted(summary.counts.items()):
        print(f"  {result}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

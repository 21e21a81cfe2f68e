"""The report as a table (one block per account) or as JSON (the same data)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from .probe import FAILED, OK, SKIPPED, WARNING, WRITE
from .run import AccountReport

HEADERS = ("", "endpoint", "path called", "status", "verdict")


def table(reports: Sequence[AccountReport]) -> str:
    blocks: list[str] = []
    for report in reports:
        lines = [f"== {report.label} " + "=" * max(0, 60 - len(report.label))]
        if report.error is not None:
            lines.append(f"✗ could not check this account: {report.error}")
            blocks.append("\n".join(lines))
            continue
        cells = [
            (r.mark, r.endpoint, r.called(), str(r.status or ""), r.verdict) for r in report.rows
        ]
        widths = [max(len(c[i]) for c in [HEADERS, *cells]) for i in range(4)]
        for cell in [HEADERS, *cells]:
            lines.append(
                "  ".join(text.ljust(width) for text, width in zip(cell, widths, strict=False))
                + "  "
                + cell[4]
            )
        lines.append(summary(report))
        blocks.append("\n".join(lines))
    failed = [r.label for r in reports if r.failed]
    end = (
        f"✗ {len(failed)} account(s) need attention: {', '.join(failed)}"
        if failed
        else f"✓ every account's reads answered as this package reads them ({len(reports)})"
    )
    return "\n\n".join(blocks) + "\n\n" + end + "\n"


def summary(report: AccountReport) -> str:
    counts = {k: sum(1 for r in report.rows if r.outcome == k) for k in (OK, FAILED, WARNING)}
    writes = sum(1 for r in report.rows if r.outcome == WRITE)
    skipped = sum(1 for r in report.rows if r.outcome == SKIPPED)
    unconfirmed = sum(1 for r in report.rows if r.outcome == WRITE and not r.confirmed)
    return (
        f"{report.label}: {counts[OK]} ✓, {counts[FAILED]} ✗, {counts[WARNING]} warning(s); "
        f"{skipped} read(s) not tried; {writes} write(s) not tried ({unconfirmed} of them on a "
        "path no public page shows)"
    )


def as_json(reports: Sequence[AccountReport]) -> str:
    data = {
        "ok": not any(r.failed for r in reports),
        "accounts": [r.as_dict() for r in reports],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


__all__ = ["as_json", "summary", "table"]

"""Run-wide reports, kept here so that they hold whether the suite runs in one process or in
several (`pytest -n N`, as scripts/test.sh runs it): this file is loaded by the controlling
process, which sees every test's report, and before any worker starts, so the workers inherit
the acceptance log's path from the environment.
"""

from __future__ import annotations

import os
import tempfile

import pytest

from tests.e2e import acceptance

# Each acceptance-cycle step that passes is logged per resource kind (tests/e2e/acceptance.py)
# and shown as a table at the end of the run.
if not os.environ.get("INBOXED_ACCEPTANCE_LOG"):
    os.environ["INBOXED_ACCEPTANCE_LOG"] = tempfile.mkstemp(suffix=".acceptance.jsonl")[1]

_BAD_INPUT_RESULTS: dict[str, bool] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and "bad_input" in report.keywords:
        _BAD_INPUT_RESULTS[report.nodeid] = report.passed


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _BAD_INPUT_RESULTS:
        passed = sum(_BAD_INPUT_RESULTS.values())
        terminalreporter.section("bad inputs")
        terminalreporter.write_line(
            f"rejected at preview naming the field, with no API call: "
            f"{passed} / {len(_BAD_INPUT_RESULTS)}"
        )
    path = os.environ["INBOXED_ACCEPTANCE_LOG"]
    if os.path.exists(path) and os.path.getsize(path):
        terminalreporter.section("acceptance cycle: kind x step (- = not run, or failed)")
        terminalreporter.write_line(acceptance.matrix(path))

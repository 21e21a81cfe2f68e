#!/usr/bin/env bash
# The test command: sets up everything on a fresh machine, then lint, types, and every test
# (unit tests, and end-to-end tests that drive the real pulumi CLI against the sandbox).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="$(bash scripts/venv.sh test | tail -n 1)"
if [ -z "${INBOXED_PULUMI_BIN:-}" ]; then  # a CLI the user names is used as it is
  INBOXED_PULUMI_BIN="$(bash scripts/ensure-pulumi.sh | tail -n 1)"
fi
export INBOXED_PULUMI_BIN
echo "== ruff"
"$PY" -m ruff check pulumi_inboxed tests examples scripts bench
"$PY" -m ruff format --check pulumi_inboxed tests examples scripts bench
echo "== mypy --strict"
"$PY" -m mypy
echo "== pytest"
# Test files run in parallel worker processes (the end-to-end tests spend much of their time
# waiting on the CLI and the sandbox's timers); INBOXED_TEST_WORKERS=1 runs them in one process.
WORKERS="${INBOXED_TEST_WORKERS:-3}"
if [ "$WORKERS" -gt 1 ]; then
  set -- -n "$WORKERS" --dist loadfile "$@"
fi
"$PY" -m pytest -ra --durations=25 "$@"

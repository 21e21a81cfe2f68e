#!/usr/bin/env bash
# The demo: on a fresh machine, installs what it needs, starts the sandbox on 127.0.0.1, runs a
# real `pulumi up` of examples/domain-batch on a file:// backend, prints the outputs, destroys
# the stack and stops the sandbox. No account, no network beyond the package registries.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="$(bash scripts/venv.sh sandbox | tail -n 1)"
export INBOXED_PULUMI_BIN="$(bash scripts/ensure-pulumi.sh | tail -n 1)"
exec "$PY" scripts/demo.py "$@"

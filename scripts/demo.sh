#!/usr/bin/env bash
# The demo: on a fresh machine, installs what it needs (a .venv with the sandbox and the policy
# pack; the Pulumi CLI unless INBOXED_PULUMI_BIN names one), starts the sandbox on 127.0.0.1 and
# runs examples/agency through the real pulumi CLI on a file:// backend: policy pack, up, a
# change, drift found by refresh, destroy, and a table of what each account saw. No account, no
# network beyond the package registries (none once installed).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${INBOXED_VENV:-$ROOT/.venv}"
# The venv is installed editable: once it has the package, the sandbox and the policy pack's SDK,
# there is nothing to install again.
if "$VENV/bin/python" -c 'import pulumi_inboxed, pulumi_policy, fastapi, uvicorn' 2>/dev/null; then
  PY="$VENV/bin/python"
else
  PY="$(bash scripts/venv.sh sandbox,policy | tail -n 1)"
fi
if [ -z "${INBOXED_PULUMI_BIN:-}" ]; then
  INBOXED_PULUMI_BIN="$(bash scripts/ensure-pulumi.sh | tail -n 1)"
fi
export INBOXED_PULUMI_BIN
exec "$PY" scripts/demo.py "$@"

#!/usr/bin/env bash
# Creates .venv (once) and installs the package with the extras given ("sandbox", "test", ...).
# Prints the venv's python as the last line of stdout.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${INBOXED_VENV:-$ROOT/.venv}"
EXTRAS="${1:-sandbox}"
if [ ! -x "$VENV/bin/python" ]; then
  echo "venv: creating $VENV" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip >&2
fi
echo "venv: installing pulumi-inboxed[$EXTRAS]" >&2
"$VENV/bin/python" -m pip install -q -e "$ROOT[$EXTRAS]" >&2
echo "$VENV/bin/python"

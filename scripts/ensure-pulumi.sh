#!/usr/bin/env bash
# Makes the Pulumi CLI and its Python plugins available, and prints the folder that holds them
# as the last line of stdout (progress goes to stderr).
#
# 1. A `pulumi` already on PATH, at least MIN_VERSION, with `pulumi-language-python` beside it or
#    on PATH, is used as it is (set INBOXED_BUILD_PULUMI=1 to build anyway).
# 2. Otherwise it builds `pulumi` and `pulumi-language-python` from the Go module proxy at one
#    pinned version (tools/pulumi-build/go.mod) into .tools/pulumi-<version>/bin, git-ignored,
#    with the SDK's three Python plugin scripts. Built once; later runs reuse it.
#    Pulumi's own language host module is tried first; where the proxy does not serve it, the
#    small language host in tools/pulumi-build/langhost (ours) is built instead.
set -euo pipefail

PINNED_VERSION="3.274.1"
MIN_VERSION="3.200.0"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${INBOXED_TOOLS_DIR:-$ROOT/.tools}"
BIN="$TOOLS/pulumi-$PINNED_VERSION/bin"
SDK_MOD="github.com/pulumi/pulumi/sdk/v3"
PKG_MOD="github.com/pulumi/pulumi/pkg/v3"
LANGHOST_MOD="github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3"

log() { echo "ensure-pulumi: $*" >&2; }

version_ge() { # version_ge A B: A >= B
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

if [ "${INBOXED_BUILD_PULUMI:-0}" != "1" ] && command -v pulumi >/dev/null 2>&1; then
  existing="$(pulumi version 2>/dev/null | sed 's/^v//')"
  dir="$(dirname "$(command -v pulumi)")"
  if [ -n "$existing" ] && version_ge "$existing" "$MIN_VERSION" &&
     { [ -x "$dir/pulumi-language-python" ] || command -v pulumi-language-python >/dev/null 2>&1; }; then
    log "using pulumi $existing from $dir (set INBOXED_BUILD_PULUMI=1 to build $PINNED_VERSION instead)"
    echo "$dir"
    exit 0
  fi
  log "pulumi on PATH (${existing:-unknown version}) is older than $MIN_VERSION or lacks pulumi-language-python; building $PINNED_VERSION"
fi

# What the build is made from: a change to any of these (a fix to our language host, a new pin)
# rebuilds, so an older build in .tools/ is never used by mistake.
BUILD="$ROOT/tools/pulumi-build"
STAMP="$(cat "$BUILD/go.mod" "$BUILD/go.sum" "$BUILD"/langhost/*.go "$ROOT/scripts/ensure-pulumi.sh" |
  sha256sum | cut -d' ' -f1)"

if [ -x "$BIN/pulumi" ] && [ -x "$BIN/pulumi-language-python" ] &&
   [ "$(cat "$BIN/.complete" 2>/dev/null)" = "$STAMP" ]; then
  log "using $BIN (built before)"
  echo "$BIN"
  exit 0
fi

command -v go >/dev/null 2>&1 || { log "Go is needed to build the Pulumi CLI and was not found"; exit 1; }
mkdir -p "$BIN"
LDFLAGS="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PINNED_VERSION"

log "building pulumi v$PINNED_VERSION from the Go module proxy (a few minutes the first time)"
(cd "$BUILD" && go build -ldflags "$LDFLAGS" -o "$BIN/pulumi.new" "$PKG_MOD/cmd/pulumi")
mv -f "$BIN/pulumi.new" "$BIN/pulumi"

log "building pulumi-language-python"
official="$(mktemp -d)"
trap 'rm -rf "$official"' EXIT
cat >"$official/go.mod" <<EOF
module inboxed.local/langhost-official

go 1.26

require (
	$LANGHOST_MOD v$PINNED_VERSION
	$PKG_MOD v$PINNED_VERSION
	$SDK_MOD v$PINNED_VERSION
)

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
EOF
if (cd "$official" && go mod download "$LANGHOST_MOD" >/dev/null 2>&1 &&
    GOFLAGS=-mod=mod go build -o "$BIN/pulumi-language-python.new" "$LANGHOST_MOD" 2>/dev/null); then
  log "built Pulumi's own language host v$PINNED_VERSION"
else
  log "the proxy does not serve $LANGHOST_MOD@v$PINNED_VERSION; building tools/pulumi-build/langhost instead"
  (cd "$BUILD" && go build -o "$BIN/pulumi-language-python.new" ./langhost)
fi
mv -f "$BIN/pulumi-language-python.new" "$BIN/pulumi-language-python"

log "installing the Python plugin scripts from $SDK_MOD@v$PINNED_VERSION"
sdk_dir="$(cd "$BUILD" && go list -m -f '{{.Dir}}' "$SDK_MOD")"
install -m 0755 "$sdk_dir/python/cmd/pulumi-language-python-exec" "$BIN/"
install -m 0755 "$sdk_dir/python/dist/pulumi-resource-pulumi-python" "$BIN/"
# The SDK module no longer ships the policy analyzer shim; it is one line, and only used when no
# language host is found.
cat >"$BIN/pulumi-analyzer-policy-python" <<'EOF'
#!/bin/sh
exec "${PULUMI_PYTHON_CMD:-python3}" -u -m pulumi_policy "$@"
EOF
chmod 0755 "$BIN/pulumi-analyzer-policy-python"
echo "$STAMP" >"$BIN/.complete"
log "ready: $("$BIN/pulumi" version) in $BIN"
echo "$BIN"

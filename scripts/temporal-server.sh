#!/usr/bin/env bash
# Prints the absolute path of a folder holding the production Temporal server on stdout (one line);
# progress goes to stderr. The folder has `bin/temporal-server` (go.temporal.io/server/cmd/server),
# `bin/temporal-sql-tool` (cmd/tools/sql) and `schema/` (the SQL schemas those binaries expect),
# built once from the Go module proxy into .tools/temporal-server/<version>/ (git-ignored). A later
# run is instant and needs no network. The dev server of `npm start` is the CLI's (temporal-cli.sh);
# this is the server a deployment runs (docker-compose.yml's temporalio/server image), for the
# benchmarks that measure it (scripts/lib/temporal-production-server.ts).
#
# Usage: bash scripts/temporal-server.sh
set -euo pipefail

SERVER_VERSION=v1.32.2
LOCK_WAIT_SECONDS=1200 # the build takes ~4 min on a 2-CPU machine, longer under load

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
install_dir="$repo_root/.tools/temporal-server/$SERVER_VERSION"
bin_dir="$install_dir/bin"

say() { echo "temporal-server: $*" >&2; }

fail() {
  say "$1"
  exit 1
}

is_installed() {
  [[ -x "$bin_dir/temporal-server" && -x "$bin_dir/temporal-sql-tool" && -d "$install_dir/schema/postgresql/v12" ]]
}

found() {
  say "using $install_dir (Temporal server $SERVER_VERSION)"
  echo "$install_dir"
  exit 0
}

is_installed && found

go_bin="$(command -v go || true)"
[[ -z "$go_bin" && -x /usr/local/go/bin/go ]] && go_bin=/usr/local/go/bin/go
[[ -n "$go_bin" ]] || fail "go is not on PATH (nor at /usr/local/go/bin/go); the server is built from the Go module proxy (install Go 1.22+, it fetches the toolchain the module asks for)"

# Concurrent first runs (two benchmarks) build once; the others wait and reuse it.
mkdir -p "$install_dir"
exec 9>"$install_dir/.lock"
flock -w "$LOCK_WAIT_SECONDS" 9 || fail "gave up after ${LOCK_WAIT_SECONDS}s waiting for another build holding $install_dir/.lock"
is_installed && found

# Built aside, then renamed: an interrupted build never leaves a half-installed folder that looks whole.
partial="$install_dir/partial"
rm -rf "$partial" "$bin_dir" "$install_dir/schema"
mkdir -p "$partial/bin"
say "building go.temporal.io/server $SERVER_VERSION (server and temporal-sql-tool) into ${install_dir#"$repo_root/"}; takes minutes"
# GOTOOLCHAIN=auto: the module needs a newer Go than many machines have; go fetches that toolchain itself.
GOTOOLCHAIN=auto GOBIN="$partial/bin" "$go_bin" install \
  "go.temporal.io/server/cmd/server@$SERVER_VERSION" "go.temporal.io/server/cmd/tools/sql@$SERVER_VERSION" >&2 ||
  fail "go install of go.temporal.io/server@$SERVER_VERSION failed (output above); is the Go module proxy reachable (GOPROXY=$("$go_bin" env GOPROXY))?"
mv "$partial/bin/server" "$partial/bin/temporal-server"
mv "$partial/bin/sql" "$partial/bin/temporal-sql-tool"

module_dir="$(GOTOOLCHAIN=auto "$go_bin" env GOMODCACHE)/go.temporal.io/server@$SERVER_VERSION"
[[ -d "$module_dir/schema/postgresql/v12" ]] || fail "the build finished but $module_dir/schema/postgresql/v12 is missing"
cp -R "$module_dir/schema" "$partial/schema"
chmod -R u+w "$partial/schema" # the module cache is read-only; a later rm -rf must work

mv "$partial/bin" "$bin_dir"
mv "$partial/schema" "$install_dir/schema"
rmdir "$partial"
found

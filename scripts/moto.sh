#!/usr/bin/env bash
# Prints the absolute path of a moto_server executable on stdout (one line); logs go to stderr.
# Installs a pinned moto into .tools/moto/venv (git-ignored) on first use, so the secret-store
# tests run against a local AWS Secrets Manager on any machine that reaches PyPI. A moto that
# happens to be installed on the machine is deliberately ignored: a fresh CI machine has none.
#
# Usage: bash scripts/moto.sh
set -euo pipefail

MOTO_VERSION=5.2.1      # the version docs/api-contracts.md section 10 was verified against
LOCK_WAIT_SECONDS=600   # a first install on a slow mirror can take minutes

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
tools_dir="$repo_root/.tools/moto"
venv_dir="$tools_dir/venv"
moto_server="$venv_dir/bin/moto_server"
# Written only after a complete install, and names the pin: bumping MOTO_VERSION reinstalls.
installed_marker="$tools_dir/installed-version"
# moto's "server" extra pulls every service's dependencies (cfn-lint, sympy, docker, ...);
# Secrets Manager needs only its own extra plus the Flask app that moto_server runs.
requirements=("moto[secretsmanager]==$MOTO_VERSION" "flask" "flask-cors")

say() { echo "moto: $*" >&2; }

is_installed() {
  [[ -x "$moto_server" && "$(cat "$installed_marker" 2>/dev/null || true)" == "$MOTO_VERSION" ]]
}

# Fast path without the lock: the marker is written last, so seeing it means the install is whole.
if is_installed; then
  echo "$moto_server"
  exit 0
fi

# Concurrent first runs (parallel test processes) install once; the others wait and reuse it.
mkdir -p "$tools_dir"
exec 9>"$tools_dir/.lock"
flock -w "$LOCK_WAIT_SECONDS" 9 || { say "gave up after ${LOCK_WAIT_SECONDS}s waiting for $tools_dir/.lock"; exit 1; }

if is_installed; then
  echo "$moto_server"
  exit 0
fi

command -v python3 >/dev/null 2>&1 || { say "python3 is not on PATH; moto needs Python 3.9 or newer"; exit 1; }

say "installing moto $MOTO_VERSION into $venv_dir"
rm -f "$installed_marker"
rm -rf "$venv_dir" # a half-finished venv from an interrupted run is never reused
python3 -m venv "$venv_dir" >&2 || { say "python3 -m venv failed (Debian/Ubuntu: apt-get install python3-venv)"; exit 1; }
# pip chatter must never reach stdout, which carries only the path.
PIP_REQUIRE_VIRTUALENV=true "$venv_dir/bin/python" -m pip install \
  --no-input --disable-pip-version-check --timeout 60 --retries 3 "${requirements[@]}" >&2
"$venv_dir/bin/python" -c 'import moto.server, moto.secretsmanager' \
  || { say "moto installed but cannot be imported"; exit 1; }
echo "$MOTO_VERSION" >"$installed_marker"

say "installed moto $MOTO_VERSION"
echo "$moto_server"

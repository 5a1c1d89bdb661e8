#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (.ci/run calls this script).
# Sets up what is missing first (scripts/setup.sh), then: formatting, lints, the dependency
# boundary check, the UI's type check and unit tests, every Rust test of the workspace (the
# desktop shell included), the web UI end to end in Chromium, the real mlflow client against
# `cairn serve`, the Python wheel installed into a fresh venv, and the desktop app's .deb:
# inspected, then a smoke and native drag-and-drop test of its packaged binary under Xvfb.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n== %s\n' "$*" >&2; }
log_dir="$(mktemp -d)"
servers_dir="$(mktemp -d)"
cleanup() {
    scripts/test-postgres.sh stop "$servers_dir/postgres" >/dev/null 2>&1 || true
    rm -rf "$log_dir" "$servers_dir"
}
trap cleanup EXIT

step "set-up"
scripts/setup.sh

step "ui: build (the desktop shell embeds ui/dist)"
(cd ui && npm run --silent build)

step "rustfmt"
cargo fmt --all --check

step "clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "dependency boundaries"
scripts/check-boundaries.sh

step "ui: type check and unit tests"
scripts/test-ui.sh 2>&1 | tee "$log_dir/ui.log"

step "test servers: PostgreSQL"
# One throwaway cluster for the whole run; each test makes a database of its own on it.
pg_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
CAIRN_TEST_POSTGRES_URL="$(scripts/test-postgres.sh start "$servers_dir/postgres" "$pg_port")"
export CAIRN_TEST_POSTGRES_URL
echo "PostgreSQL at $CAIRN_TEST_POSTGRES_URL" >&2

step "rust tests"
cargo test --workspace --locked --lib --bins --tests 2>&1 | tee "$log_dir/rust.log"

step "web UI end to end in Chromium"
scripts/test-e2e.sh 2>&1 | tee "$log_dir/e2e.log"

step "mlflow client against cairn serve"
scripts/test-mlflow-compat.sh 2>&1 | tee "$log_dir/mlflow.log"

step "Python wheel: installed into a fresh venv, the mlflow client against its cairn serve"
# About 10 s: packs the debug binary the Rust tests built (no second compile).
scripts/test-wheel.sh

step "desktop .deb: built, inspected, and its binaries through the smoke and drag-and-drop test"
# Builds both binaries (as the smoke test did) and packs them in about 5 s; the Xvfb smoke and
# drag-and-drop test then runs on the binaries extracted from the package.
scripts/test-deb.sh --build

step "all tests passed"
# One plain total for whoever reads the end of the log.
rust_passed=$(grep -oE 'test result: ok\. [0-9]+ passed' "$log_dir/rust.log" | awk '{s += $4} END {print s + 0}')
ui_passed=$(grep -oE 'Tests +[0-9]+ passed' "$log_dir/ui.log" | awk '{s += $2} END {print s + 0}')
e2e_passed=$(grep -oE 'Tests +[0-9]+ passed' "$log_dir/e2e.log" | awk '{s += $2} END {print s + 0}')
mlflow_passed=$(grep -oE '^[0-9]+ passed' "$log_dir/mlflow.log" | awk '{s += $1} END {print s + 0}')
echo "summary: $((rust_passed + ui_passed + e2e_passed + ${mlflow_passed:-0} + 1)) passed, 0 failed"

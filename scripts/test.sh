#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (.ci/run calls this script).
# Sets up what is missing first (scripts/setup.sh), then: formatting, lints, the dependency
# boundary check, the UI's type check and unit tests, every Rust test of the workspace (the
# desktop shell included), and a smoke test of the real desktop binary under Xvfb.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n== %s\n' "$*" >&2; }

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
scripts/test-ui.sh

step "rust tests"
cargo test --workspace --locked

step "mlflow client against cairn serve"
scripts/test-mlflow-compat.sh

step "desktop smoke test"
scripts/test-desktop-smoke.sh

step "all tests passed"

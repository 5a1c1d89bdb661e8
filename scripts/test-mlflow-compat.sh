#!/usr/bin/env bash
# Runs the real mlflow Python client (tests/mlflow-compat/, pinned in requirements.txt) against a
# real `cairn serve`. Keeps a venv in .venv/ and reinstalls only when requirements.txt changes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

requirements=tests/mlflow-compat/requirements.txt
stamp=.venv/.requirements.sha256
wanted="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [[ ! -x .venv/bin/python ]]; then
    python3 -m venv .venv
fi
if [[ ! -f $stamp || "$(cat "$stamp")" != "$wanted" ]]; then
    .venv/bin/pip install --quiet --disable-pip-version-check -r "$requirements"
    echo "$wanted" > "$stamp"
fi

cargo build --quiet -p cairn-cli
target_dir="${CARGO_TARGET_DIR:-target}"
export CAIRN_BIN="$(cd "$target_dir/debug" && pwd)/cairn"
# The mlflow client must not read a user's own tracking settings.
unset MLFLOW_TRACKING_URI MLFLOW_TRACKING_TOKEN MLFLOW_TRACKING_USERNAME MLFLOW_TRACKING_PASSWORD
export MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR=false
.venv/bin/python -m pytest -q -p no:cacheprovider tests/mlflow-compat "$@"

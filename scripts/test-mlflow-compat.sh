#!/usr/bin/env bash
# Runs the real mlflow Python client (tests/mlflow-compat/, pinned in requirements.txt) against a
# real `cairn serve`, with the venv scripts/mlflow-venv.sh keeps in .venv/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/mlflow-venv.sh

cargo build --quiet -p cairn-cli
target_dir="${CARGO_TARGET_DIR:-target}"
export CAIRN_BIN="$(cd "$target_dir/debug" && pwd)/cairn"
# The mlflow client must not read a user's own tracking settings.
unset MLFLOW_TRACKING_URI MLFLOW_TRACKING_TOKEN MLFLOW_TRACKING_USERNAME MLFLOW_TRACKING_PASSWORD
export MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR=false
echo "mlflow client against cairn serve on a store file" >&2
.venv/bin/python -m pytest -q -p no:cacheprovider tests/mlflow-compat "$@"
# The same tests against the team backend, when the test command started a PostgreSQL server
# (CAIRN_TEST_POSTGRES_URL, see scripts/test.sh). `cairn run` keeps its own store files.
if [[ -n "${CAIRN_TEST_POSTGRES_URL:-}" ]]; then
    echo "mlflow client against cairn serve on PostgreSQL" >&2
    CAIRN_COMPAT_POSTGRES="$CAIRN_TEST_POSTGRES_URL" .venv/bin/python -m pytest -q -p no:cacheprovider \
        tests/mlflow-compat --ignore=tests/mlflow-compat/test_cairn_run.py "$@"
fi

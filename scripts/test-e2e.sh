#!/usr/bin/env bash
# End-to-end tests of the web UI: real headless Chromium (Debian's /usr/bin/chromium, driven by
# playwright-core) against a real `cairn serve` on a store seeded from tests/fixtures/real and
# `cairn demo`, and (team.e2e.ts) a team server on PostgreSQL and SeaweedFS S3 that the test
# starts with scripts/test-postgres.sh and scripts/test-s3.sh. Screenshots are kept in
# $CAIRN_E2E_ARTIFACTS (default tests/artifacts/e2e).
#
#     scripts/test-e2e.sh [--no-build] [vitest filter...]
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build=1
if [[ ${1:-} == --no-build ]]; then
    build=0
    shift
fi

"$repo_root/scripts/setup.sh" --no-apt
# Some tests log through the real mlflow client.
"$repo_root/scripts/mlflow-venv.sh"
if [[ $build == 1 ]]; then
    (cd "$repo_root/ui" && npm run --silent build -- --logLevel warn)
    (cd "$repo_root" && cargo build --quiet --locked -p cairn-cli)
fi
if [[ ! -x ${CHROMIUM:-/usr/bin/chromium} ]]; then
    echo "test-e2e: no Chromium at ${CHROMIUM:-/usr/bin/chromium}; run scripts/setup.sh" >&2
    exit 1
fi

cd "$repo_root/ui"
[[ -t 1 ]] || export NO_COLOR=1
npm run --silent e2e -- "$@"

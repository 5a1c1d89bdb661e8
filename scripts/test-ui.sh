#!/usr/bin/env bash
# The UI's own checks: type check (svelte-check, warnings are errors) and unit tests (vitest).
# Installs the UI's npm dependencies first when they are missing or out of date.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$repo_root/scripts/setup.sh" --no-apt

cd "$repo_root/ui"
# Plain output in logs (vitest colours its output even when it is not writing to a terminal).
[[ -t 1 ]] || export NO_COLOR=1
echo "== ui: svelte-check" >&2
npm run --silent check
echo "== ui: vitest" >&2
npm run --silent test

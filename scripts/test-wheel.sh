#!/usr/bin/env bash
# The Python wheel as a user gets it: packs target/debug/cairn (scripts/build-wheel.sh
# --no-build; the suite has built it), installs the wheel into a fresh venv with nothing but the
# venv and the system on the PATH (no cargo, no node, no ui/dist), and from a temp folder starts
# the installed `cairn serve`: the real mlflow client (.venv, scripts/mlflow-venv.sh) logs a run
# and reads it back, and `/` serves the index built into the binary.
#
#     scripts/test-wheel.sh [--build]     # --build: build the binary first
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

fail() { echo "wheel test: FAIL: $*" >&2; exit 1; }
pack=(--no-build)
[[ ${1:-} == --build ]] && pack=()

work="$(mktemp -d)"
server_pid=""
cleanup() {
    [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

scripts/mlflow-venv.sh
wheel="$(scripts/build-wheel.sh "${pack[@]}" --out "$work/dist" | tail -1)"
[[ -f $wheel ]] || fail "no wheel was built"
case "$(basename "$wheel")" in
    cairn_tracking-*-py3-none-manylinux_2_*_x86_64.whl) ;;
    *) fail "unexpected wheel name: $(basename "$wheel")" ;;
esac
echo "wheel: $(basename "$wheel") ($(du -m "$wheel" | cut -f1) MB)" >&2

# A fresh venv; from here on nothing of the build is on the PATH.
python3 -m venv "$work/venv"
clean_path="$work/venv/bin:/usr/bin:/bin"
in_venv() { env -i PATH="$clean_path" HOME="$work/home" LANG=C.UTF-8 "$@"; }
mkdir -p "$work/home" "$work/run"
in_venv pip install --quiet --disable-pip-version-check --no-index --no-deps "$wheel"
cairn="$(in_venv sh -c 'command -v cairn')" || fail "cairn is not on the venv's PATH"
[[ $cairn == "$work/venv/bin/cairn" ]] || fail "cairn found at $cairn, not in the venv"
in_venv sh -c '! command -v cargo' >/dev/null || fail "cargo is on the clean PATH"
version="$(in_venv cairn --version)"
[[ $version == "cairn "*"(commit "* ]] || fail "cairn --version said: $version"

# Serve from a folder with no ui/dist, on a free port.
(cd "$work/run" && exec env -i PATH="$clean_path" HOME="$work/home" \
    cairn --store "$work/run/cairn.db" serve --port 0 2>"$work/serve.log") &
server_pid=$!
for _ in $(seq 1 300); do
    url="$(grep -oE 'listening on http://[0-9.:]+' "$work/serve.log" | head -1 | sed 's/listening on //')" || true
    [[ -n ${url:-} ]] && break
    kill -0 "$server_pid" 2>/dev/null || fail "cairn serve exited: $(cat "$work/serve.log")"
    sleep 0.1
done
[[ -n ${url:-} ]] || fail "cairn serve never said where it listens: $(cat "$work/serve.log")"

MLFLOW_TRACKING_URI="$url" .venv/bin/python - "$url" "$repo_root/ui/dist/index.html" <<'PY'
import sys
import urllib.request

import mlflow

url, index_file = sys.argv[1], sys.argv[2]
mlflow.set_experiment("wheel-check")
with mlflow.start_run(run_name="from-the-wheel") as run:
    mlflow.log_param("packaged", "wheel")
    for step, loss in enumerate([0.9, 0.5, 0.25]):
        mlflow.log_metric("loss", loss, step=step)
got = mlflow.MlflowClient().get_run(run.info.run_id)
assert got.data.params == {"packaged": "wheel"}, got.data.params
assert got.data.metrics == {"loss": 0.25}, got.data.metrics
history = mlflow.MlflowClient().get_metric_history(run.info.run_id, "loss")
assert [point.value for point in history] == [0.9, 0.5, 0.25], history
with urllib.request.urlopen(url + "/") as reply:
    served = reply.read()
    assert reply.headers["Cache-Control"] == "no-cache", reply.headers
with open(index_file, "rb") as built:
    assert served == built.read(), "GET / is not the built UI's index.html"
print(f"wheel test: mlflow logged and read back run {run.info.run_id}; / served the embedded index")
PY
echo "wheel test: passed" >&2

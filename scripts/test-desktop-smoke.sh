#!/usr/bin/env bash
# Smoke test of the desktop app: builds it, starts it on a virtual X screen (Xvfb) against a
# fresh store seeded by `cairn demo`, waits for the window, and checks a screenshot shows the runs
# table (scripts/screenshot-check.py). Exits non-zero with a message saying what failed.
#
#     scripts/test-desktop-smoke.sh [--no-build]
#
# The screenshot is kept at $CAIRN_SMOKE_ARTIFACTS/desktop-smoke.png
# (default tests/artifacts/desktop-smoke.png), and the app's output next to it.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build=1
for arg in "$@"; do
    case "$arg" in
        --no-build) build=0 ;;
        *) echo "test-desktop-smoke.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

fail() {
    echo "desktop smoke test: FAIL: $*" >&2
    exit 1
}

artifacts="${CAIRN_SMOKE_ARTIFACTS:-$repo_root/tests/artifacts}"
mkdir -p "$artifacts"
screenshot_png="$artifacts/desktop-smoke.png"
app_log="$artifacts/desktop-smoke.log"
rm -f "$screenshot_png" "$app_log"

"$repo_root/scripts/setup.sh"

target_dir="${CARGO_TARGET_DIR:-$repo_root/target}"
if [[ $build == 1 ]]; then
    echo "smoke: building the UI and the app" >&2
    (cd "$repo_root/ui" && npm run --silent build -- --logLevel warn)
    (cd "$repo_root" && cargo build --quiet -p cairn-cli -p cairn-desktop)
fi
for binary in cairn cairn-desktop; do
    [[ -x "$target_dir/debug/$binary" ]] || fail "$target_dir/debug/$binary is missing; build it first"
done

work_dir="$(mktemp -d -t cairn-smoke.XXXXXX)"
xvfb_pid=""
app_pid=""
cleanup() {
    local status=$?
    # Stop only what this script started.
    if [[ -n $app_pid ]]; then kill "$app_pid" 2>/dev/null || true; wait "$app_pid" 2>/dev/null || true; fi
    if [[ -n $xvfb_pid ]]; then kill "$xvfb_pid" 2>/dev/null || true; wait "$xvfb_pid" 2>/dev/null || true; fi
    rm -rf "$work_dir"
    exit "$status"
}
trap cleanup EXIT

# A store of our own: never the user's.
export CAIRN_STORE="$work_dir/store/cairn.db"
mkdir -p "$(dirname "$CAIRN_STORE")"
"$target_dir/debug/cairn" demo >"$work_dir/demo.log" 2>&1 ||
    fail "cairn demo could not seed $CAIRN_STORE: $(cat "$work_dir/demo.log")"

# A virtual screen a little larger than the 1280x800 window; Xvfb picks a free display number.
exec 3>"$work_dir/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp -noreset >"$work_dir/xvfb.log" 2>&1 &
xvfb_pid=$!
exec 3>&-
for _ in $(seq 50); do
    [[ -s "$work_dir/display" ]] && break
    kill -0 "$xvfb_pid" 2>/dev/null || fail "Xvfb did not start: $(cat "$work_dir/xvfb.log")"
    sleep 0.1
done
[[ -s "$work_dir/display" ]] || fail "Xvfb did not report a display number"
export DISPLAY=":$(head -n1 "$work_dir/display")"

# Software rendering: there is no GPU under Xvfb.
export GDK_BACKEND=x11 LIBGL_ALWAYS_SOFTWARE=1 NO_AT_BRIDGE=1
export WEBKIT_DISABLE_DMABUF_RENDERER=1 WEBKIT_DISABLE_COMPOSITING_MODE=1
# A home of its own too, so WebKit's caches and storage stay out of the user's data directory.
app_home="$work_dir/home"
mkdir -p "$app_home"
HOME="$app_home" XDG_DATA_HOME="$app_home/.local/share" XDG_CACHE_HOME="$app_home/.cache" \
    XDG_CONFIG_HOME="$app_home/.config" XDG_STATE_HOME="$app_home/.local/state" \
    "$target_dir/debug/cairn-desktop" >"$app_log" 2>&1 &
app_pid=$!

echo "smoke: waiting for the Cairn window on $DISPLAY" >&2
window_up=0
for _ in $(seq 60); do
    kill -0 "$app_pid" 2>/dev/null || fail "cairn-desktop exited early; its output is in $app_log:
$(tail -n 20 "$app_log")"
    if xwininfo -root -tree 2>/dev/null | grep -q '"Cairn"'; then
        window_up=1
        break
    fi
    sleep 0.5
done
[[ $window_up == 1 ]] || fail "no window titled Cairn appeared within 30 s (output in $app_log)"

# The window is up; give the web view time to load the runs, checking each second.
echo "smoke: window is up, waiting for the runs table" >&2
for _ in $(seq 30); do
    sleep 1
    xwd -root -silent >"$work_dir/screen.xwd" || fail "xwd could not take a screenshot of $DISPLAY"
    python3 "$repo_root/scripts/screenshot-check.py" "$work_dir/screen.xwd" --quiet 2>/dev/null && break
done
# Once more, to save the PNG and print what the check saw.
python3 "$repo_root/scripts/screenshot-check.py" "$work_dir/screen.xwd" --png "$screenshot_png" ||
    fail "the window does not show the runs table after 30 s; see $screenshot_png and $app_log"

echo "desktop smoke test: ok (screenshot: $screenshot_png)"

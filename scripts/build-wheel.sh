#!/usr/bin/env bash
# Builds the Python wheel `cairn-tracking`: the `cairn` binary, with the web UI built into it,
# as a manylinux x86_64 wheel (`pip install` puts `cairn` on the PATH; no Rust, Node or Python
# package needed at run time).
#
#     scripts/build-wheel.sh [--release] [--no-build] [--out DIR]
#
# Builds the UI when ui/dist is missing, then `cargo build -p cairn-cli --locked` (debug by
# default, as the test suite uses it; releases use --release), and packs the binary, stripped of
# its debug symbols, with scripts/pack-wheel.py (standard-library Python: METADATA from README.md,
# WHEEL, RECORD with sha256). --no-build packs the binary already in target/ (the suite builds it
# once). The wheel goes to DIR (default target/wheels); its path is printed last.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

profile=debug
build=1
out_dir="$repo_root/target/wheels"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --release) profile=release ;;
        --no-build) build=0 ;;
        --out) out_dir="$2"; shift ;;
        *) echo "build-wheel.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done

target_dir="${CARGO_TARGET_DIR:-$repo_root/target}"
binary="$target_dir/$profile/cairn"
if [[ $build == 1 ]]; then
    if [[ ! -f ui/dist/index.html ]]; then
        echo "build-wheel: building the UI" >&2
        (cd ui && npm ci --silent && npm run --silent build)
    fi
    flags=(--locked -p cairn-cli)
    [[ $profile == release ]] && flags+=(--release)
    cargo build --quiet "${flags[@]}"
fi
[[ -x $binary ]] || { echo "build-wheel: $binary is missing; build it first" >&2; exit 1; }

version="$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)"
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
# Debug symbols are most of a debug binary's size and no use to a user.
strip --strip-debug -o "$staging/cairn" "$binary"
python3 scripts/pack-wheel.py "$staging/cairn" "$version" README.md "$out_dir"

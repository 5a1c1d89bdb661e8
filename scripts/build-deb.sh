#!/usr/bin/env bash
# Builds the Debian package of the desktop app with Tauri's bundler (`tauri bundle --bundles
# deb`, the npm @tauri-apps/cli of ui/): /usr/bin/cairn-desktop with its desktop entry and icons,
# and the `cairn` command as /usr/bin/cairn, depending on libwebkit2gtk-4.1-0 and libgtk-3-0.
#
#     scripts/build-deb.sh [--release] [--no-build] [--out DIR]
#
# Builds the UI when ui/dist is missing and both binaries (`cargo build --locked -p cairn-cli -p
# cairn-desktop`; debug by default as the test suite uses it, --release for a release), strips
# their debug symbols into a staging target folder, and bundles from there (no second compile).
# --no-build packages the binaries already in target/. Offline only the .deb is possible: the
# bundler's AppImage step downloads its tools (linuxdeploy) at build time.
# The package goes to DIR (default target/debian); its path is printed last.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

profile=debug
build=1
out_dir="$repo_root/target/debian"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --release) profile=release ;;
        --no-build) build=0 ;;
        --out) out_dir="$2"; shift ;;
        *) echo "build-deb.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done

target_dir="${CARGO_TARGET_DIR:-$repo_root/target}"
if [[ $build == 1 ]]; then
    if [[ ! -f ui/dist/index.html ]]; then
        echo "build-deb: building the UI" >&2
        (cd ui && npm ci --silent && npm run --silent build)
    fi
    flags=(--locked -p cairn-cli -p cairn-desktop)
    [[ $profile == release ]] && flags+=(--release)
    cargo build --quiet "${flags[@]}"
fi
[[ -d ui/node_modules/@tauri-apps/cli ]] || (cd ui && npm ci --silent)

staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
mkdir -p "$staging/$profile"
for binary in cairn cairn-desktop; do
    [[ -x $target_dir/$profile/$binary ]] || { echo "build-deb: $target_dir/$profile/$binary is missing; build it first" >&2; exit 1; }
    # Debug symbols are most of a debug binary's size and no use to a user.
    strip --strip-debug -o "$staging/$profile/$binary" "$target_dir/$profile/$binary"
done
# The bundler takes the app from CARGO_TARGET_DIR/PROFILE: the stripped copies.
bundle_flags=(--bundles deb --ci)
[[ $profile == debug ]] && bundle_flags+=(--debug)
config="{\"bundle\": {\"active\": true, \"linux\": {\"deb\": {\"files\": {\"/usr/bin/cairn\": \"$staging/$profile/cairn\"}}}}}"
(cd src-tauri && CARGO_TARGET_DIR="$staging" ../ui/node_modules/.bin/tauri bundle "${bundle_flags[@]}" \
    --config "$config" >&2)
# (--config merges into src-tauri/tauri.conf.json, which keeps the depends, descriptions and icons.)
mkdir -p "$out_dir"
deb="$(find "$staging/$profile/bundle/deb" -maxdepth 1 -name '*.deb' | head -1)"
[[ -n $deb ]] || { echo "build-deb: the bundler made no .deb" >&2; exit 1; }
cp "$deb" "$out_dir/"
echo "$out_dir/$(basename "$deb")"

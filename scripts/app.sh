#!/usr/bin/env bash
# Builds and launches the Cairn desktop app, the way the README says:
#
#     scripts/app.sh [--release] [--store PATH]
#
# Sets up the machine (scripts/setup.sh), builds the UI (ui/dist), builds the `cairn` CLI and
# the desktop shell, seeds the store with demo data when it is empty, then starts the app.
# The store is PATH when given, else $CAIRN_STORE, else the store remembered by `cairn store use`
# or Settings → Store, else Cairn's data directory.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
profile=debug
cargo_profile_args=()
app_args=()
while (($# > 0)); do
    case "$1" in
        --release)
            profile=release
            cargo_profile_args=(--release)
            ;;
        --store)
            [[ $# -ge 2 ]] || { echo "app.sh: --store needs a path" >&2; exit 2; }
            export CAIRN_STORE="$2"
            shift
            ;;
        --store=*) export CAIRN_STORE="${1#--store=}" ;;
        -h | --help)
            sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *) app_args+=("$1") ;;
    esac
    shift
done

"$repo_root/scripts/setup.sh"

echo "app: building the UI" >&2
(cd "$repo_root/ui" && npm run --silent build -- --logLevel warn)

echo "app: building cairn and cairn-desktop ($profile)" >&2
cd "$repo_root"
cargo build --quiet "${cargo_profile_args[@]}" -p cairn-cli -p cairn-desktop

target_dir="${CARGO_TARGET_DIR:-$repo_root/target}"
"$target_dir/$profile/cairn" demo --if-empty

echo "app: starting Cairn" >&2
exec "$target_dir/$profile/cairn-desktop" "${app_args[@]}"

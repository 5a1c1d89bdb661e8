#!/usr/bin/env bash
# The Debian package of the desktop app as a user gets it: packages the debug binaries already
# built (scripts/build-deb.sh --no-build), checks its control data and contents with dpkg-deb
# (Depends on WebKitGTK 4.1 and GTK 3, /usr/bin/cairn-desktop and /usr/bin/cairn, the desktop
# entry and its icons), extracts it, and runs the packaged binaries through the Xvfb smoke and
# drag-and-drop test (scripts/test-desktop-smoke.sh --bin-dir).
#
#     scripts/test-deb.sh [--build] [--no-smoke]
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

fail() { echo "deb test: FAIL: $*" >&2; exit 1; }
pack=(--no-build)
smoke=1
for arg in "$@"; do
    case "$arg" in
        --build) pack=() ;;
        --no-smoke) smoke=0 ;;
        *) echo "test-deb.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

deb="$(scripts/build-deb.sh "${pack[@]}" --out "$work/dist" | tail -1)"
[[ -f $deb ]] || fail "no .deb was built"
echo "deb: $(basename "$deb") ($(du -m "$deb" | cut -f1) MB)" >&2

depends="$(dpkg-deb -f "$deb" Depends)"
for needed in libwebkit2gtk-4.1-0 libgtk-3-0; do
    [[ ", $depends," == *", $needed,"* ]] || fail "Depends ($depends) lacks $needed"
done
[[ "$(dpkg-deb -f "$deb" Package)" == cairn ]] || fail "the package is not named cairn"
[[ "$(dpkg-deb -f "$deb" Architecture)" == amd64 ]] || fail "the package is not amd64"
contents="$(dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's#^\./##')"
for path in usr/bin/cairn-desktop usr/bin/cairn usr/share/applications/Cairn.desktop \
    usr/share/icons/hicolor/32x32/apps/cairn-desktop.png \
    usr/share/icons/hicolor/128x128/apps/cairn-desktop.png \
    usr/share/icons/hicolor/512x512/apps/cairn-desktop.png; do
    grep -qx "$path" <<<"$contents" || fail "the package lacks $path"
done

dpkg-deb -x "$deb" "$work/root"
entry="$work/root/usr/share/applications/Cairn.desktop"
grep -qx 'Exec=cairn-desktop' "$entry" || fail "the desktop entry does not run cairn-desktop: $(cat "$entry")"
grep -qx 'Icon=cairn-desktop' "$entry" || fail "the desktop entry names no icon: $(cat "$entry")"
grep -qx 'Type=Application' "$entry" || fail "the desktop entry is not an application"
version="$("$work/root/usr/bin/cairn" --version)"
[[ $version == "cairn "*"(commit "* ]] || fail "the packaged cairn --version said: $version"
echo "deb test: control data, contents and desktop entry are right" >&2

if [[ $smoke == 1 ]]; then
    scripts/test-desktop-smoke.sh --bin-dir "$work/root/usr/bin"
fi
echo "deb test: passed" >&2

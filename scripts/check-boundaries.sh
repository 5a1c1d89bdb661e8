#!/usr/bin/env bash
# Fails when a core crate depends, even indirectly, on a GUI or HTTP framework.
# cairn-core, cairn-app and cairn-chart are shared by the desktop shell, the server and the CLI: they must stay
# free of Tauri, web servers and HTTP clients.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

forbidden='^(tauri|tauri-[a-z-]+|wry|tao|webkit2gtk|gtk|axum|axum-[a-z-]+|hyper|hyper-[a-z-]+|tower|tower-http|actix-web|warp|rocket|reqwest|ureq|tokio|font-kit|yeslogic-fontconfig-sys|servo-fontconfig) v'
status=0
for crate in cairn-core cairn-app cairn-local cairn-index cairn-chart cairn-provenance; do
    offenders="$(cargo tree --quiet -p "$crate" -e normal,build --prefix none --no-dedupe \
        | grep -E "$forbidden" | sort -u || true)"
    if [[ -n $offenders ]]; then
        echo "boundary violation: $crate depends on:" >&2
        echo "$offenders" | sed 's/^/  /' >&2
        echo "  (core crates know nothing of GUIs or HTTP; move that code to src-tauri/ or the server crate)" >&2
        status=1
    fi
done
[[ $status == 0 ]] && echo "boundaries: cairn-core, cairn-app, cairn-local, cairn-index, cairn-chart and cairn-provenance are free of GUI and HTTP frameworks"

# The trust boundary (SECURITY.md): what an HTTP caller reaches is cairn-app's store commands.
# The local shell's capabilities (host paths, the indexer, "open in folder", the store choice)
# live in cairn-local and cairn-index, which neither cairn-server nor cairn-app may link.
for crate in cairn-server cairn-app; do
    offenders="$(cargo tree --quiet -p "$crate" -e normal,build --prefix none --no-dedupe \
        | grep -E '^(cairn-local|cairn-index) v' | sort -u || true)"
    if [[ -n $offenders ]]; then
        echo "trust boundary violation: $crate depends on:" >&2
        echo "$offenders" | sed 's/^/  /' >&2
        echo "  (HTTP callers must not reach host paths; local-shell operations belong in cairn-local)" >&2
        status=1
    fi
done
[[ $status == 0 ]] && echo "boundaries: cairn-server and cairn-app reach neither cairn-local nor the indexer"
exit $status

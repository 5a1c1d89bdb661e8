#!/usr/bin/env bash
# Fails when a crate crosses one of the boundaries ARCHITECTURE.md names: a core crate depending,
# even indirectly, on a GUI or HTTP framework; an HTTP-facing crate reaching host-path operations;
# a shell naming SQLite (rusqlite) instead of going through cairn-core's store.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

forbidden='^(tauri|tauri-[a-z-]+|wry|tao|webkit2gtk|gtk|axum|axum-[a-z-]+|hyper|hyper-[a-z-]+|tower|tower-http|actix-web|warp|rocket|reqwest|ureq|tokio|font-kit|yeslogic-fontconfig-sys|servo-fontconfig) v'
status=0
# The PostgreSQL store's client (`postgres`, over `tokio-postgres`) drives a runtime of its own
# inside the store's synchronous calls: no async or HTTP type reaches the store's interface, so
# what it pulls in is not counted (nor what its TLS connector, tokio-postgres-rustls, adds).
for crate in cairn-core cairn-app cairn-local cairn-index cairn-chart cairn-provenance cairn-drift cairn-monitor; do
    # `--prune` refuses a package that is not in the crate's tree: prune only what is there.
    tree="$(cargo tree --quiet -p "$crate" -e normal,build --prefix none)"
    prune=()
    for client in postgres tokio-postgres tokio-postgres-rustls; do
        grep -q "^$client v" <<<"$tree" && prune+=(--prune "$client")
    done
    offenders="$(cargo tree --quiet -p "$crate" -e normal,build --prefix none --no-dedupe \
        "${prune[@]}" | grep -E "$forbidden" | sort -u)" || true
    if [[ -n $offenders ]]; then
        echo "boundary violation: $crate depends on:" >&2
        echo "$offenders" | sed 's/^/  /' >&2
        echo "  (core crates know nothing of GUIs or HTTP; move that code to src-tauri/ or the server crate)" >&2
        status=1
    fi
done
[[ $status == 0 ]] && echo "boundaries: cairn-core, cairn-app, cairn-local, cairn-index, cairn-chart, cairn-provenance, cairn-drift and cairn-monitor are free of GUI and HTTP frameworks"

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

# The store boundary: SQLite is cairn-core's business (and cairn-index's, which reads MLflow's own
# mlflow.db). The shells see `StoreError::Busy`/`Full`/`Corrupt`/`Backend`, never rusqlite, so a
# second backend changes nothing above the core. Only direct dependencies count: the shells
# reach rusqlite through cairn-core (and the CLI through cairn-index), as they must.
for crate in cairn-server cairn-app cairn-local cairn-cli; do
    offenders="$(cargo tree --quiet -p "$crate" -e normal,build --prefix none --depth 1 \
        | grep -E '^(rusqlite|libsqlite3-sys) v' | sort -u || true)"
    if [[ -n $offenders ]]; then
        echo "store boundary violation: $crate depends directly on:" >&2
        echo "$offenders" | sed 's/^/  /' >&2
        echo "  (match on cairn_core::StoreError's kinds instead; SQLite stays behind the Store trait)" >&2
        status=1
    fi
done
[[ $status == 0 ]] && echo "boundaries: cairn-server, cairn-app, cairn-local and cairn-cli do not depend on rusqlite"
exit $status

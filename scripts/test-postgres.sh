#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests, on loopback with fsync off.
#   scripts/test-postgres.sh start DIR PORT   initialises and starts it in DIR (created), prints
#                                             its admin URL (user cairn, database postgres)
#   scripts/test-postgres.sh restart DIR      restarts it (fast: open sessions are cut off)
#   scripts/test-postgres.sh stop DIR         stops it and removes DIR
# As root the server runs as the `postgres` user (PostgreSQL refuses to run as root).
set -euo pipefail

pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [[ -z "$pgbin" ]]; then
    echo "test-postgres: PostgreSQL is not installed (Debian: apt-get install postgresql)" >&2
    exit 2
fi
as_owner() {
    if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
start)
    dir="$2" port="$3"
    mkdir -p "$dir"
    if [[ "$(id -u)" == 0 ]]; then
        chown postgres: "$dir"
        # the server must be able to reach DIR: let others through its parent (a temp dir)
        chmod o+x "$(dirname "$dir")"
    fi
    as_owner "$pgbin/initdb" -D "$dir/data" -U cairn -A trust -E UTF8 --no-sync >"$dir/initdb.log"
    as_owner "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off \
            -c full_page_writes=off -c max_connections=300" start >/dev/null
    echo "postgresql://cairn@127.0.0.1:$port/postgres"
    ;;
restart)
    # A fast restart: sessions are cut off, as when an operator restarts the server.
    as_owner "$pgbin/pg_ctl" -D "$2/data" -l "$2/server.log" -m fast -w -t 30 restart >/dev/null
    ;;
stop)
    dir="$2"
    if [[ -d "$dir/data" ]]; then
        as_owner "$pgbin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start DIR PORT | restart DIR | stop DIR" >&2
    exit 2
    ;;
esac

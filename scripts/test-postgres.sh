#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests, on loopback with fsync off.
#   scripts/test-postgres.sh start DIR PORT [--tls]
#                                             initialises and starts it in DIR (created), prints
#                                             its admin URL (user cairn, database postgres); with
#                                             --tls it takes TCP connections over TLS only, with
#                                             a certificate for "localhost" signed by a CA made
#                                             for it (DIR/tls/ca.pem)
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
    tls_options=""
    if [[ "${4:-}" == --tls ]]; then
        tls="$dir/tls"
        mkdir -p "$tls"
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Cairn test CA" \
            -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
            -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
        printf 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n' >"$tls/server.ext"
        openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" \
            -CAcreateserial -days 2 -extfile "$tls/server.ext" -out "$tls/server.pem" 2>/dev/null
        chmod 600 "$tls/server.key"
        [[ "$(id -u)" == 0 ]] && chown -R postgres: "$tls"
        chmod 644 "$tls/ca.pem"
        printf 'local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostnossl all all 127.0.0.1/32 reject\n' \
            | as_owner tee "$dir/data/pg_hba.conf" >/dev/null
        tls_options="-c ssl=on -c ssl_cert_file=$tls/server.pem -c ssl_key_file=$tls/server.key"
    fi
    as_owner "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off \
            -c full_page_writes=off -c max_connections=300 $tls_options" start >/dev/null
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
    echo "usage: $0 start DIR PORT [--tls] | restart DIR | stop DIR" >&2
    exit 2
    ;;
esac

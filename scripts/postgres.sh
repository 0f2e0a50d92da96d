#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback for the MLflow-on-PostgreSQL tests, from Debian's
# `postgresql` package (installed here with apt-get when missing; that needs root or sudo).
#
#   scripts/postgres.sh start <DIR> <PORT>   # prints the SQLAlchemy URI of database `mlflow`
#   scripts/postgres.sh stop  <DIR>
#
# PostgreSQL refuses to run as root: when run as root, the cluster belongs to the `postgres`
# user the package creates. Authentication is `trust` on 127.0.0.1 only (test data).
set -euo pipefail

cmd="${1:-}" dir="${2:-}"
[[ -n "$cmd" && -n "$dir" ]] || { echo "usage: $0 start <DIR> <PORT> | stop <DIR>" >&2; exit 2; }
die() { echo "postgres.sh: $*" >&2; exit 1; }

bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

as_owner() { # run a PostgreSQL program as the cluster's owner
    if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install() {
    [[ -n "$(bin_dir)" && -x "$(bin_dir)/postgres" ]] && return 0
    echo "postgres.sh: installing Debian's postgresql package" >&2
    local sudo=()
    [[ "$(id -u)" == 0 ]] || sudo=(sudo -n)
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 \
        || die "apt-get update failed"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2 \
        || die "cannot install postgresql (needs root or passwordless sudo)"
    [[ -x "$(bin_dir)/postgres" ]] || die "postgresql installed but no server binary under /usr/lib/postgresql"
}

case "$cmd" in
stop)
    [[ -d "$dir/pgdata" ]] || exit 0
    bin="$(bin_dir)"
    [[ -n "$bin" ]] || exit 0
    as_owner "$bin/pg_ctl" -D "$dir/pgdata" -m fast -w stop >/dev/null 2>&1 || true
    ;;
start)
    port="${3:?port}"
    install
    bin="$(bin_dir)"
    rm -rf "$dir"
    mkdir -p "$dir/pgdata" "$dir/socket"
    dir="$(cd "$dir" && pwd)"
    if [[ "$(id -u)" == 0 ]]; then
        id postgres >/dev/null 2>&1 || die "no 'postgres' user to own the cluster"
        chown -R postgres: "$dir"
    fi
    as_owner "$bin/initdb" -D "$dir/pgdata" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    as_owner "$bin/pg_ctl" -D "$dir/pgdata" -l "$dir/postgres.log" -w -t 60 \
        -o "-p $port -k $dir/socket -c listen_addresses=127.0.0.1" start >/dev/null \
        || { tail -20 "$dir/postgres.log" >&2; die "PostgreSQL did not start"; }
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres mlflow \
        || die "cannot create the mlflow database"
    echo "postgresql+psycopg://postgres@127.0.0.1:$port/mlflow"
    ;;
*) echo "usage: $0 start <DIR> <PORT> | stop <DIR>" >&2; exit 2 ;;
esac

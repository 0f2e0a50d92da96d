#!/usr/bin/env bash
# Start/stop the other MLflow servers tollgate is tested on (tests/compat_servers.rs):
#   - the last MLflow 2 (2.22) and the first MLflow 3 (3.0), each from its own venv
#     (<repo>/.venv-mlflow-<release>, pinned in scripts/requirements-mlflow-<release>.txt), on SQLite;
#   - the pinned MLflow of the main venv (3.17) on PostgreSQL, as production teams run it
#     (a throwaway cluster on loopback: scripts/postgres.sh).
#
#   scripts/compat-servers.sh start <DIR>   # prints TOLLGATE_COMPAT_SERVERS='<label>=<url> ...'
#   scripts/compat-servers.sh stop  <DIR>
#
# The servers are empty: the tests create what they need through the REST API.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
main_venv="${TOLLGATE_VENV:-$repo/.venv}"
# release:store
servers=(2.22:sqlite 3.0:sqlite 3.17:postgresql)

cmd="${1:-}" dir="${2:-}"
[[ -n "$cmd" && -n "$dir" ]] || { echo "usage: $0 start|stop <DIR>" >&2; exit 2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

stop_all() {
    local s
    for s in "${servers[@]}"; do
        "$here/mlflow-server.sh" stop "$dir/${s/:/-}" >/dev/null 2>&1 || true
    done
    if [[ -f "$dir/postgres.dir" ]]; then
        local pg
        pg="$(cat "$dir/postgres.dir")"
        "$here/postgres.sh" stop "$pg" >/dev/null 2>&1 || true
        [[ "$pg" == /tmp/tollgate-pg.* ]] && rm -rf "$pg"
        rm -f "$dir/postgres.dir"
    fi
}

case "$cmd" in
stop) stop_all ;;
start)
    mkdir -p "$dir"
    list=()
    for s in "${servers[@]}"; do
        release="${s%%:*}" store="${s##*:}" data="$dir/${s/:/-}"
        if [[ "$release" == 3.17 ]]; then
            venv="$main_venv"
            TOLLGATE_VENV="$venv" "$here/venv.sh" >&2
        else
            venv="$repo/.venv-mlflow-$release"
            TOLLGATE_VENV="$venv" TOLLGATE_REQUIREMENTS="$here/requirements-mlflow-$release.txt" "$here/venv.sh" >&2
        fi
        rm -rf "$data"
        store_uri=""
        if [[ "$store" == postgresql ]]; then
            # The cluster lives outside the checkout: its owner, the postgres user, may not be
            # able to enter a clone under /root.
            pg="$(mktemp -d /tmp/tollgate-pg.XXXXXX)"
            echo "$pg" > "$dir/postgres.dir"
            store_uri="$("$here/postgres.sh" start "$pg" "$(free_port)")"
        fi
        port="$(free_port)"
        TOLLGATE_VENV="$venv" TOLLGATE_BACKEND_STORE_URI="$store_uri" \
            "$here/mlflow-server.sh" start "$data" "$port" >&2
        version="$(curl -s --max-time 5 "http://127.0.0.1:$port/version")"
        [[ "$version" == "$release".* ]] || { echo "compat-servers.sh: expected MLflow $release.x, the server says '$version'" >&2; exit 1; }
        label="$version"
        [[ "$store" == sqlite ]] || label="$version+$store"
        list+=("$label=http://127.0.0.1:$port")
    done
    echo "TOLLGATE_COMPAT_SERVERS='${list[*]}'"
    ;;
*) echo "usage: $0 start|stop <DIR>" >&2; exit 2 ;;
esac

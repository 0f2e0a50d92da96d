#!/usr/bin/env bash
# Start/stop the other MLflow releases tollgate is tested on: the last MLflow 2 (2.22) and the
# first MLflow 3 (3.0), each from its own venv (<repo>/.venv-mlflow-<release>, pinned in
# scripts/requirements-mlflow-<release>.txt), each on SQLite in its own data directory.
#
#   scripts/compat-servers.sh start <DIR>   # prints TOLLGATE_COMPAT_SERVERS='<release>=<url> ...'
#   scripts/compat-servers.sh stop  <DIR>
#
# The servers are empty: tests/compat_servers.rs creates what it needs through the REST API.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
releases=(2.22 3.0)

cmd="${1:-}" dir="${2:-}"
[[ -n "$cmd" && -n "$dir" ]] || { echo "usage: $0 start|stop <DIR>" >&2; exit 2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

case "$cmd" in
stop)
    for r in "${releases[@]}"; do
        "$here/mlflow-server.sh" stop "$dir/$r" >/dev/null 2>&1 || true
    done
    ;;
start)
    mkdir -p "$dir"
    list=()
    for r in "${releases[@]}"; do
        venv="$repo/.venv-mlflow-$r"
        TOLLGATE_VENV="$venv" TOLLGATE_REQUIREMENTS="$here/requirements-mlflow-$r.txt" "$here/venv.sh" >&2
        rm -rf "${dir:?}/$r"
        port="$(free_port)"
        TOLLGATE_VENV="$venv" "$here/mlflow-server.sh" start "$dir/$r" "$port" >&2
        version="$(curl -s --max-time 5 "http://127.0.0.1:$port/version")"
        [[ "$version" == "$r".* ]] || { echo "compat-servers.sh: expected MLflow $r.x, the server says '$version'" >&2; exit 1; }
        list+=("$version=http://127.0.0.1:$port")
    done
    echo "TOLLGATE_COMPAT_SERVERS='${list[*]}'"
    ;;
*) echo "usage: $0 start|stop <DIR>" >&2; exit 2 ;;
esac

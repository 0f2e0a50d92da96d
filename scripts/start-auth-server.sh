#!/usr/bin/env bash
# Start an MLflow server with the basic-auth app, for the 403 tests (tests/live_auth.rs).
#
#   scripts/start-auth-server.sh start <DATA_DIR> <PORT>   # prints the env the tests need
#   scripts/start-auth-server.sh stop  <DATA_DIR>
#
# The basic-auth app needs Flask-WTF, which the project venv lacks: a small venv in DATA_DIR
# layers it over the project venv's packages (TOLLGATE_VENV, default <repo>/.venv).
# Admin: admin / tollgate-admin-pw1 (test only); new users get READ by default.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
base_venv="${TOLLGATE_VENV:-$repo/.venv}"
cmd="${1:-}"; dir="${2:-}"
[[ -n "$cmd" && -n "$dir" ]] || { echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2; }
mkdir -p "$dir"; dir="$(cd "$dir" && pwd)"

if [[ "$cmd" == stop ]]; then
    if [[ -f "$dir/server.pid" ]]; then kill -- -"$(cat "$dir/server.pid")" 2>/dev/null || true; rm -f "$dir/server.pid"; fi
    exit 0
fi
port="${3:?port}"
if ! curl -s --max-time 2 "http://127.0.0.1:$port/health" | grep -q OK; then
    if [[ ! -x "$dir/venv/bin/python" ]]; then
        "$base_venv/bin/python" -m venv "$dir/venv"
        site="$("$base_venv/bin/python" -c 'import site; print(site.getsitepackages()[0])')"
        own="$("$dir/venv/bin/python" -c 'import site; print(site.getsitepackages()[0])')"
        echo "$site" > "$own/project-venv.pth"
        "$dir/venv/bin/pip" install -q Flask-WTF
    fi
    cat > "$dir/basic_auth.ini" <<INI
[mlflow]
default_permission = READ
database_uri = sqlite:///$dir/basic_auth.db
admin_username = admin
admin_password = tollgate-admin-pw1
authorization_function = mlflow.server.auth:authenticate_request_basic_auth
INI
    ( MLFLOW_AUTH_CONFIG_PATH="$dir/basic_auth.ini" MLFLOW_FLASK_SERVER_SECRET_KEY=tollgate-test \
      setsid "$dir/venv/bin/python" -m mlflow server --app-name basic-auth --host 127.0.0.1 \
      --port "$port" --backend-store-uri "sqlite:///$dir/mlflow.db" \
      --artifacts-destination "$dir/artifacts" --workers 1 > "$dir/server.log" 2>&1 &
      echo $! > "$dir/server.pid" )
    for _ in $(seq 1 60); do
        sleep 1
        curl -s --max-time 2 "http://127.0.0.1:$port/health" | grep -q OK && break
    done
    curl -s --max-time 2 "http://127.0.0.1:$port/health" | grep -q OK || { tail -20 "$dir/server.log" >&2; exit 1; }
fi
echo "TOLLGATE_TEST_AUTH_URI=http://127.0.0.1:$port"

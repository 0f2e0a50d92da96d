#!/usr/bin/env bash
# Start/stop a local MLflow tracking server (SQLite backend, proxied artifacts).
#
#   scripts/mlflow-server.sh start  <DATA_DIR> <PORT>
#   scripts/mlflow-server.sh stop   <DATA_DIR>
#   scripts/mlflow-server.sh status <DATA_DIR>
#
# start: runs `mlflow server` in its own process group, logs to DATA_DIR/server.log,
# writes DATA_DIR/server.pid (the group leader's pid) and DATA_DIR/server.port, and
# waits up to $TOLLGATE_SERVER_TIMEOUT seconds (default 90) for GET /health == OK.
# It exits non-zero (printing the log's tail) unless the server it started answers.
# stop: terminates the whole process group (uvicorn workers included).
#
#   TOLLGATE_VENV            venv holding mlflow (default: <repo>/.venv; see venv.sh)
#   TOLLGATE_SERVER_WORKERS  server worker processes (default: 2)
#   TOLLGATE_BACKEND_STORE_URI  the server's store (default: sqlite:///DATA_DIR/mlflow.db;
#                            scripts/compat-servers.sh points it at PostgreSQL)
#   MLFLOW_SERVER_ENABLE_JOB_EXECUTION  MLflow's background job runner (GenAI scorers);
#                            off by default here (it forks ~8 huey consumers), set true to keep it
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
venv="${TOLLGATE_VENV:-$repo/.venv}"
timeout_s="${TOLLGATE_SERVER_TIMEOUT:-90}"
workers="${TOLLGATE_SERVER_WORKERS:-2}"

die() { echo "mlflow-server.sh: $*" >&2; exit 1; }
usage() { die "usage: $0 start <DATA_DIR> <PORT> | stop <DATA_DIR> | status <DATA_DIR>"; }

health() { # health <port> -> 0 when GET /health answers exactly OK
    local body
    body="$(curl -s --max-time 2 "http://127.0.0.1:$1/health" 2>/dev/null)" || return 1
    [[ "$body" == "OK" ]]
}

alive() { kill -0 "$1" 2>/dev/null; }

group_alive() { # any process left in group $1?
    [[ -n "$(ps -o pid= -g "$1" 2>/dev/null)" ]]
}

read_pid() { [[ -f "$1/server.pid" ]] && tr -dc '0-9' < "$1/server.pid" || true; }

tail_log() {
    if [[ -f "$1/server.log" ]]; then
        echo "---- last 40 lines of $1/server.log ----" >&2
        tail -n 40 "$1/server.log" >&2 || true
        echo "----" >&2
    fi
}

stop_group() { # stop_group <pgid>
    local pgid="$1" i
    group_alive "$pgid" || return 0
    kill -TERM -- "-$pgid" 2>/dev/null || true
    for i in $(seq 1 50); do           # up to 10 s for a graceful exit
        group_alive "$pgid" || return 0
        sleep 0.2
    done
    kill -KILL -- "-$pgid" 2>/dev/null || true
    for i in $(seq 1 25); do
        group_alive "$pgid" || return 0
        sleep 0.2
    done
    return 1
}

cmd_start() {
    local data_dir="$1" port="$2"
    [[ "$port" =~ ^[0-9]+$ ]] || die "PORT must be a number, got '$port'"
    [[ -x "$venv/bin/mlflow" ]] || die "no mlflow in $venv; run scripts/venv.sh first"
    mkdir -p "$data_dir"
    data_dir="$(cd "$data_dir" && pwd)"
    mkdir -p "$data_dir/artifacts"

    local pid
    pid="$(read_pid "$data_dir")"
    if [[ -n "$pid" ]] && alive "$pid"; then
        local old_port
        old_port="$(cat "$data_dir/server.port" 2>/dev/null || true)"
        if [[ "$old_port" == "$port" ]] && health "$port"; then
            echo "mlflow-server.sh: already running (pid $pid) at http://127.0.0.1:$port" >&2
            return 0
        fi
        die "a server (pid $pid, port ${old_port:-?}) already runs on $data_dir; stop it first"
    fi
    rm -f "$data_dir/server.pid" "$data_dir/server.port"

    # Refuse to start if the port is already taken: /health would answer for
    # somebody else's server and we would report a false success.
    if curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; then
        die "port $port is already in use by another process"
    fi

    echo "mlflow-server.sh: starting mlflow on 127.0.0.1:$port (data in $data_dir)" >&2
    {
        echo "==== $(date -u +%FT%TZ) start port=$port ===="
    } >> "$data_dir/server.log"
    # setsid: the server becomes the leader of its own process group, so stop
    # can signal it together with the uvicorn workers it forks.
    MLFLOW_SERVER_ENABLE_JOB_EXECUTION="${MLFLOW_SERVER_ENABLE_JOB_EXECUTION:-false}" \
    setsid "$venv/bin/mlflow" server \
        --host 127.0.0.1 --port "$port" \
        --backend-store-uri "${TOLLGATE_BACKEND_STORE_URI:-sqlite:///$data_dir/mlflow.db}" \
        --artifacts-destination "$data_dir/artifacts" \
        --serve-artifacts \
        --workers "$workers" \
        >> "$data_dir/server.log" 2>&1 < /dev/null &
    pid=$!
    echo "$pid" > "$data_dir/server.pid"
    echo "$port" > "$data_dir/server.port"

    local deadline=$((SECONDS + timeout_s))
    while (( SECONDS < deadline )); do
        if ! alive "$pid"; then
            tail_log "$data_dir"
            stop_group "$pid" || true
            rm -f "$data_dir/server.pid" "$data_dir/server.port"
            die "mlflow server exited during startup (see $data_dir/server.log)"
        fi
        if health "$port"; then
            echo "mlflow-server.sh: up (pid $pid) at http://127.0.0.1:$port" >&2
            return 0
        fi
        sleep 0.5
    done
    tail_log "$data_dir"
    stop_group "$pid" || true
    rm -f "$data_dir/server.pid" "$data_dir/server.port"
    die "mlflow server did not answer /health within ${timeout_s}s"
}

cmd_stop() {
    local data_dir="$1" pid
    [[ -d "$data_dir" ]] || { echo "mlflow-server.sh: $data_dir does not exist; nothing to stop" >&2; return 0; }
    pid="$(read_pid "$data_dir")"
    if [[ -z "$pid" ]]; then
        echo "mlflow-server.sh: no server.pid in $data_dir; nothing to stop" >&2
        return 0
    fi
    if stop_group "$pid"; then
        echo "mlflow-server.sh: stopped (process group $pid)" >&2
        rm -f "$data_dir/server.pid" "$data_dir/server.port"
    else
        die "process group $pid did not exit"
    fi
}

cmd_status() {
    local data_dir="$1" pid port
    pid="$(read_pid "$data_dir")"
    port="$(cat "$data_dir/server.port" 2>/dev/null || true)"
    if [[ -n "$pid" ]] && alive "$pid" && [[ -n "$port" ]] && health "$port"; then
        echo "running pid=$pid url=http://127.0.0.1:$port"
        return 0
    fi
    echo "not running"
    return 3
}

[[ $# -ge 2 ]] || usage
case "$1" in
    start)  [[ $# -eq 3 ]] || usage; cmd_start "$2" "$3" ;;
    stop)   [[ $# -eq 2 ]] || usage; cmd_stop "$2" ;;
    status) [[ $# -eq 2 ]] || usage; cmd_status "$2" ;;
    *) usage ;;
esac

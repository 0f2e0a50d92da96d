#!/usr/bin/env bash
# The one demo command (README): install the Python side, build tollgate, start a real MLflow
# server with a seeded demo registry, and open the cockpit on it. Arguments go to tollgate, so
# `scripts/demo.sh models` runs a headless command instead. The server stops when tollgate exits,
# unless TOLLGATE_DEMO_KEEP=1 (then `scripts/mlflow-server.sh stop .demo` stops it).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DATA="${TOLLGATE_DEMO_DATA:-$ROOT/.demo}"
PORT="${TOLLGATE_DEMO_PORT:-5050}"
URI="http://127.0.0.1:$PORT"

echo "==> building tollgate (release)" >&2
cargo build --release --locked >&2

if curl -fsS "$URI/health" >/dev/null 2>&1 && [ -f "$DATA/server.pid" ]; then
    echo "==> demo server already running at $URI" >&2
    STARTED=0
else
    mkdir -p "$DATA"
    echo "==> starting the demo registry at $URI (first run installs MLflow and trains models: a few minutes)" >&2
    "$ROOT/scripts/start-seeded-server.sh" "$DATA" "$PORT" demo >&2
    STARTED=1
fi

stop_server() {
    if [ "$STARTED" = 1 ] && [ "${TOLLGATE_DEMO_KEEP:-0}" != 1 ]; then
        "$ROOT/scripts/mlflow-server.sh" stop "$DATA" >/dev/null 2>&1 || true
    fi
}
trap stop_server EXIT

export MLFLOW_TRACKING_URI="$URI"
"$ROOT/target/release/tollgate" "$@"

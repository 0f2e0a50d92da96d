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

# The build and the Python side (venv install, server start, seeding) run side by side: on a
# first run each takes minutes, and they wait on different things (the compiler; downloads,
# then model training).
mkdir -p "$DATA"
echo "==> building tollgate (release) in the background; its log: $DATA/build.log" >&2
cargo build --release --locked >"$DATA/build.log" 2>&1 &
BUILD_PID=$!

if curl -fsS "$URI/health" >/dev/null 2>&1 && [ -f "$DATA/server.pid" ]; then
    echo "==> demo server already running at $URI" >&2
    STARTED=0
else
    echo "==> starting the demo registry at $URI (first run installs MLflow and trains models: a few minutes)" >&2
    if ! "$ROOT/scripts/start-seeded-server.sh" "$DATA" "$PORT" demo >&2; then
        kill "$BUILD_PID" 2>/dev/null || true
        exit 1
    fi
    STARTED=1
fi

stop_server() {
    if [ "$STARTED" = 1 ] && [ "${TOLLGATE_DEMO_KEEP:-0}" != 1 ]; then
        "$ROOT/scripts/mlflow-server.sh" stop "$DATA" >/dev/null 2>&1 || true
    fi
}
trap stop_server EXIT

if ! wait "$BUILD_PID"; then
    cat "$DATA/build.log" >&2
    echo "demo.sh: building tollgate failed" >&2
    stop_server
    exit 1
fi
BIN="$ROOT/target/release/tollgate"
# A governance history (requests in the inbox, an approval, a rejection), written once by
# tollgate itself.
# Signed with the demo people's SSH keys, whose allowed_signers file the demo policy names.
"$ROOT/scripts/seed/demo-signers.sh" "$DATA"
POLICY="$DATA/policy.toml"
if [ ! -f "$DATA/decisions.done" ]; then
    echo "==> recording demo decisions (signed requests, approvals, a rejection, one tampered with)" >&2
    "$ROOT/scripts/seed/demo-decisions.sh" "$BIN" "$URI" "$POLICY" "$DATA/keys"
    touch "$DATA/decisions.done"
fi

# The demo's own config: this server, the example policy, and a reviewer's identity, so the
# Gate tab has gates and the inbox's requests can be approved (four-eyes: the reviewer is
# neither the creator nor the requester). TOLLGATE_CONFIG set by the caller wins.
if [ -z "${TOLLGATE_CONFIG:-}" ]; then
    cat > "$DATA/tollgate.toml" <<TOML
default_profile = "demo"
[profiles.demo]
tracking_uri = "$URI"
policy = "$POLICY"
TOML
    export TOLLGATE_CONFIG="$DATA/tollgate.toml"
fi
export TOLLGATE_USER="${TOLLGATE_USER:-dana.ortiz}"
# The reviewer's decisions in the demo are signed too: an ssh-agent of the demo's own, holding
# the demo key of TOLLGATE_USER (when the demo has one), for this session only.
if [ -f "$DATA/keys/$TOLLGATE_USER" ]; then
    eval "$(ssh-agent -s)" >/dev/null
    ssh-add -q "$DATA/keys/$TOLLGATE_USER" 2>/dev/null
    trap 'ssh-agent -k >/dev/null 2>&1 || true; stop_server' EXIT
fi
export MLFLOW_TRACKING_URI="$URI"
"$BIN" "$@"

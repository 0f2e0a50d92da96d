#!/usr/bin/env bash
# The one test command (README, .ci/run): install the Python side, start a real MLflow server on
# loopback, seed it, run every Rust test against it, stop the server. Fails loudly, never skips,
# when the server cannot start.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DATA="${TOLLGATE_TEST_DATA:-$ROOT/.test-server}"
AUTH_DATA="$DATA-auth"
FRONT_DATA="$DATA-tls-front"
COMPAT_DATA="$DATA-compat"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT="${TOLLGATE_TEST_PORT:-$(free_port)}"
AUTH_PORT="$(free_port)"

cleanup() {
    "$ROOT/scripts/mlflow-server.sh" stop "$DATA" >/dev/null 2>&1 || true
    "$ROOT/scripts/start-auth-server.sh" stop "$AUTH_DATA" >/dev/null 2>&1 || true
    "$ROOT/scripts/tls-front.sh" stop "$FRONT_DATA" >/dev/null 2>&1 || true
    "$ROOT/scripts/compat-servers.sh" stop "$COMPAT_DATA" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "==> formatting check"
cargo fmt --all -- --check

# Compile the tests, then lint, while the server is installed, started and seeded (CI has two
# cores: one after the other, so they do not compete for them).
echo "==> building tests, then clippy (in the background)"
{
    cargo test --locked --all-targets --no-run &&
        cargo clippy --locked --all-targets -- -D warnings
} >"$ROOT/target-build.log" 2>&1 &
BUILD_PID=$!

cleanup
rm -rf "$DATA" "$AUTH_DATA"
mkdir -p "$DATA"
echo "==> starting and seeding MLflow on 127.0.0.1:$PORT"
"$ROOT/scripts/start-seeded-server.sh" "$DATA" "$PORT" test

if ! wait "$BUILD_PID"; then
    cat "$ROOT/target-build.log"
    echo "test build or clippy failed" >&2
    exit 1
fi
rm -f "$ROOT/target-build.log"

export TOLLGATE_TEST_TRACKING_URI="http://127.0.0.1:$PORT"
export TOLLGATE_TEST_MANIFEST="$DATA/manifest.json"
export TOLLGATE_TEST_DATA_DIR="$DATA"
echo "==> running tests against $TOLLGATE_TEST_TRACKING_URI"
cargo test --locked --all-targets --no-fail-fast "$@"
cargo test --locked --doc

# Permission refusals need MLflow's basic-auth app: a second server, for those tests only.
echo "==> starting MLflow with basic auth on 127.0.0.1:$AUTH_PORT"
"$ROOT/scripts/start-auth-server.sh" start "$AUTH_DATA" "$AUTH_PORT"
TOLLGATE_TEST_AUTH_URI="http://127.0.0.1:$AUTH_PORT" cargo test --locked --test live_auth -- --ignored

# TLS, credentials and proxies through a real front: nginx (installed when missing) with a CA
# the script makes, in front of the seeded server. No nginx, no pass.
echo "==> starting the TLS front (nginx) before 127.0.0.1:$PORT"
FRONT_ENV="$("$ROOT/scripts/tls-front.sh" start "$FRONT_DATA" "$PORT")"
export "${FRONT_ENV?}"
cargo test --locked --test tls_front -- --ignored

# The last MLflow 2 and the first MLflow 3, each in its own venv, and MLflow on PostgreSQL:
# the same flow on each.
echo "==> starting MLflow 2.22, 3.0 and 3.17 on PostgreSQL for the compatibility tests"
eval "$("$ROOT/scripts/compat-servers.sh" start "$COMPAT_DATA")"
export TOLLGATE_COMPAT_SERVERS
echo "==> compatibility tests against $TOLLGATE_COMPAT_SERVERS"
cargo test --locked --test compat_servers -- --ignored
echo "==> all tests passed"

#!/usr/bin/env bash
# Speed, measured side by side in one run against the same seeded MLflow server:
#   1. `tollgate versions <200-version model> --json` vs MLflow's Python client doing the same
#      (search_model_versions, then get_run per version);
#   2. `tollgate models --json` on a 2,000-model registry vs plain curl fetching the same pages;
#   3. the round trips of every headless command on a 6-version and a 200-version model, direct
#      and through a 200 ms-per-round-trip link (scripts/bench/round_trips.py; fails when they
#      grow with the number of versions).
# Usage: scripts/bench.sh [RUNS]   (default 7 timed runs each, after one warm-up)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUNS="${1:-7}"
DATA="${TOLLGATE_BENCH_DATA:-$ROOT/.bench-server}"
PORT="${TOLLGATE_BENCH_PORT:-5052}"

cargo build --release --locked
"$ROOT/scripts/start-seeded-server.sh" "$DATA" "$PORT" bench
trap '"$ROOT/scripts/mlflow-server.sh" stop "$DATA" >/dev/null 2>&1 || true' EXIT

"${TOLLGATE_VENV:-$ROOT/.venv}/bin/python" "$ROOT/scripts/bench/compare.py" \
    --tracking-uri "http://127.0.0.1:$PORT" \
    --tollgate "$ROOT/target/release/tollgate" \
    --server-log "$DATA/server.log" \
    --manifest "$DATA/manifest.json" \
    --runs "$RUNS"

# 3. Round trips of each headless command, direct and on a slow link (200 ms per round trip);
# exits non-zero when a command's round trips grow with the number of versions shown.
"${TOLLGATE_VENV:-$ROOT/.venv}/bin/python" "$ROOT/scripts/bench/round_trips.py" \
    --tracking-uri "http://127.0.0.1:$PORT" \
    --tollgate "$ROOT/target/release/tollgate" \
    --server-log "$DATA/server.log" \
    --manifest "$DATA/manifest.json"

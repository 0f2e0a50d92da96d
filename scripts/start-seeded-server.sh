#!/usr/bin/env bash
# Install the venv, start a local MLflow server and seed it.
#
#   scripts/start-seeded-server.sh <DATA_DIR> <PORT> <PROFILE>
#
# PROFILE is demo, test or bench (see scripts/seed/seed.py). The manifest of what
# was seeded is written to DATA_DIR/manifest.json. Re-running against a DATA_DIR
# that already holds the same profile's seed is quick and changes nothing.
# Stop the server with: scripts/mlflow-server.sh stop <DATA_DIR>
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
venv="${TOLLGATE_VENV:-$repo/.venv}"

if [[ $# -ne 3 ]]; then
    echo "usage: $0 <DATA_DIR> <PORT> <demo|test|bench>" >&2
    exit 2
fi
data_dir="$1" port="$2" profile="$3"
case "$profile" in demo|test|bench) ;; *) echo "start-seeded-server.sh: unknown profile '$profile'" >&2; exit 2 ;; esac

fail() { echo "start-seeded-server.sh: FAILED: $*" >&2; exit 1; }

"$here/venv.sh" || fail "venv setup"
mkdir -p "$data_dir"
data_dir="$(cd "$data_dir" && pwd)"
"$here/mlflow-server.sh" start "$data_dir" "$port" || fail "mlflow server did not start"

start=$SECONDS
if ! "$venv/bin/python" "$here/seed/seed.py" \
        --tracking-uri "http://127.0.0.1:$port" \
        --profile "$profile" \
        --manifest "$data_dir/manifest.json" \
        --backend-store-uri "sqlite:///$data_dir/mlflow.db" \
        --artifacts-destination "$data_dir/artifacts"; then
    echo "---- last 20 lines of $data_dir/server.log ----" >&2
    tail -n 20 "$data_dir/server.log" >&2 || true
    fail "seeding profile '$profile' (the server is still running; stop it with: $here/mlflow-server.sh stop $data_dir)"
fi
[[ -s "$data_dir/manifest.json" ]] || fail "no manifest at $data_dir/manifest.json"
echo "start-seeded-server.sh: http://127.0.0.1:$port seeded with '$profile' in $((SECONDS - start))s; manifest: $data_dir/manifest.json" >&2

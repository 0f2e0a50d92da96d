#!/usr/bin/env bash
# Scale, measured in one run: a benchmark registry of 20,000 models x 5 versions plus one model
# with 3,000 versions (103,000 versions), written straight into an MLflow SQLite store with
# MLflow's own schema (scripts/bench/gen_registry.py), served by a real `mlflow server`; then
# scripts/bench/scale.py measures every scale target against the request floor and exits 1
# when one is missed. Not part of scripts/test.sh (no timed tests in the suite).
#
# Usage: scripts/bench-scale.sh [RUNS]   (default 3 timed runs each, after one warm-up)
#   TOLLGATE_SCALE_DATA  where the registry lives (default <repo>/.bench-scale); the generated
#                        store is kept there and copied afresh for every run
#   TOLLGATE_SCALE_PORT  the server's port (default 5053)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUNS="${1:-3}"
DATA="${TOLLGATE_SCALE_DATA:-$ROOT/.bench-scale}"
PORT="${TOLLGATE_SCALE_PORT:-5053}"
VENV="${TOLLGATE_VENV:-$ROOT/.venv}"

cargo build --release --locked
cargo bench --locked --bench scale_cockpit --no-run
"$ROOT/scripts/venv.sh"

# Signed requests made by tollgate itself, as a team that keeps signatures has them: the inbox
# checks each one's signature and chain (reads per row the inbox target must include). A key in
# an ssh-agent of this script's own, the allowed_signers file and a policy naming it, all in
# DATA; the manifest counts the requests as pending.
SIGNED_REQUESTS=12
sign_requests() {
    local work="$DATA/signing"
    rm -rf "$work"
    mkdir -p "$work/keys"
    cp "$DATA/registry.db" "$work/mlflow.db"
    cp -a "$DATA/registry-artifacts" "$work/artifacts"
    ssh-keygen -q -t ed25519 -N '' -C bench-requester -f "$work/keys/bench-requester"
    printf 'bench-requester namespaces="tollgate-decision" %s\n' \
        "$(cut -d' ' -f1,2 "$work/keys/bench-requester.pub")" > "$DATA/allowed_signers"
    cat > "$DATA/policy.toml" <<'TOML'
[settings]
allowed_signers = "allowed_signers"

[[gate]]
id = "accuracy"
metric = "accuracy"
min = 0.5
TOML
    "$ROOT/scripts/mlflow-server.sh" start "$work" "$PORT"
    (
        eval "$(ssh-agent -s)" >/dev/null
        trap 'ssh-agent -k >/dev/null 2>&1 || true' EXIT
        ssh-add -q "$work/keys/bench-requester"
        teams=(risk fraud growth ops search ads pricing support)
        for i in $(seq 10000 $((10000 + SIGNED_REQUESTS - 1))); do
            model="$(printf 'scale-%s-%05d' "${teams[$((i % 8))]}" "$i")"
            MLFLOW_TRACKING_URI="http://127.0.0.1:$PORT" TOLLGATE_USER=bench-requester \
                TOLLGATE_CONFIG=/nonexistent/tollgate-bench.toml \
                "$ROOT/target/release/tollgate" --policy "$DATA/policy.toml" \
                request "$model" 1 --to Staging --comment "signed bench request" --yes >/dev/null
        done
    )
    "$ROOT/scripts/mlflow-server.sh" stop "$work"
    mv "$work/mlflow.db" "$DATA/registry.db"
    rm -rf "$DATA/registry-artifacts"
    mv "$work/artifacts" "$DATA/registry-artifacts"
    "$VENV/bin/python" - "$DATA/scale.json" "$SIGNED_REQUESTS" <<'PY'
import json, sys
path, n = sys.argv[1], int(sys.argv[2])
m = json.load(open(path))
m["pending_signed"] = n
m["pending_flagged"] += n
m["pending_total"] += n
json.dump(m, open(path, "w"), indent=1)
PY
}

# The registry, generated once per version of the generator.
generator="$ROOT/scripts/bench/gen_registry.py"
stamp="$(cat "$generator" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-16)"
if [[ "$(cat "$DATA/generated" 2>/dev/null || true)" != "$stamp" ]]; then
    rm -rf "$DATA"
    mkdir -p "$DATA/schema"
    started=$SECONDS
    # MLflow's own schema: a server started once on an empty store runs its migrations.
    "$ROOT/scripts/mlflow-server.sh" start "$DATA/schema" "$PORT"
    "$ROOT/scripts/mlflow-server.sh" stop "$DATA/schema"
    cp "$DATA/schema/mlflow.db" "$DATA/registry.db"
    "$VENV/bin/python" "$generator" --db "$DATA/registry.db" --manifest "$DATA/scale.json" \
        --artifacts "$DATA/registry-artifacts"
    sign_requests
    echo "$stamp" > "$DATA/generated"
    echo "bench-scale.sh: registry generated in $((SECONDS - started)) s (schema included)" >&2
fi

# Every run starts from the same registry (the inbox's one-time scan writes flags).
"$ROOT/scripts/mlflow-server.sh" stop "$DATA/server" >/dev/null 2>&1 || true
rm -rf "$DATA/server"
mkdir -p "$DATA/server"
cp "$DATA/registry.db" "$DATA/server/mlflow.db"
cp -a "$DATA/registry-artifacts" "$DATA/server/artifacts"
"$ROOT/scripts/mlflow-server.sh" start "$DATA/server" "$PORT"
trap '"$ROOT/scripts/mlflow-server.sh" stop "$DATA/server" >/dev/null 2>&1 || true' EXIT

"$VENV/bin/python" "$ROOT/scripts/bench/scale.py" \
    --tracking-uri "http://127.0.0.1:$PORT" \
    --tollgate "$ROOT/target/release/tollgate" \
    --manifest "$DATA/scale.json" \
    --server-log "$DATA/server/server.log" \
    --policy "$DATA/policy.toml" \
    --cockpit-bench "cargo bench --locked --quiet --bench scale_cockpit --" \
    --runs "$RUNS"

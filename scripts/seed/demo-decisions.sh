#!/usr/bin/env bash
# Give the demo registry a governance history, written by tollgate itself (so the tags and
# audit runs are exactly what real use produces): pending requests for the inbox, an approval,
# a rejection and a recorded CI gate check for the Gate and Audit tabs.
#
#   scripts/seed/demo-decisions.sh TOLLGATE_BINARY TRACKING_URI POLICY_FILE [KEYS_DIR]
#
# The people are the seeded ones: creators request, a separate reviewer (dana.ortiz) decides,
# as four-eyes requires. Writes use --yes: this is a seeding script, not a person. With
# KEYS_DIR (scripts/seed/demo-signers.sh), every decision is signed with its person's key from
# an ssh-agent started here, and then one record is tampered with by plain REST, as anyone with
# EDIT rights could, so `tollgate audit credit-risk-scorer --verify` has a forgery to catch.
set -euo pipefail

BIN="$1"
export MLFLOW_TRACKING_URI="$2"
POLICY="$3"
KEYS="${4:-}"

if [[ -n "$KEYS" ]]; then
    eval "$(ssh-agent -s)" >/dev/null
    trap 'ssh-agent -k >/dev/null 2>&1 || true' EXIT
    for key in "$KEYS"/*; do
        [[ "$key" == *.pub ]] || ssh-add -q "$key" 2>/dev/null
    done
fi

as() { # as USER tollgate-args...: one decision by USER
    local user="$1"
    shift
    TOLLGATE_USER="$user" "$BIN" "$@" --policy "$POLICY" --yes >/dev/null
}

# A passing candidate goes through Staging; its Production request waits in the inbox.
as sam.okafor request churn-predictor 5 --to Staging \
    --comment "Nov retrain: better AUC than the champion, parity holds"
as dana.ortiz approve churn-predictor 5 --to Staging \
    --comment "Gates pass; evidence reviewed"
as sam.okafor request churn-predictor 5 --to Production \
    --comment "Two weeks in Staging without drift; ready for traffic"

# A candidate that fails the four-fifths gate: requested, then rejected.
as priya.natarajan request credit-risk-scorer 5 --to Production \
    --comment "Higher AUC on the Nov snapshot"
as dana.ortiz reject credit-risk-scorer 5 --to Production \
    --comment "Disparate impact 0.64 fails four-fifths; retrain without sex as a feature"

# Waiting for review, with gates not yet met (no model card or explanations).
as priya.natarajan request credit-risk-scorer 6 --to Staging \
    --comment "Random forest baseline for comparison"
as marco.bianchi request fraud-detector 5 --to @challenger \
    --comment "Shadow this against v4"

# What CI records on every merge.
TOLLGATE_USER=ci-bot "$BIN" gate check credit-risk-scorer 4 --to Production \
    --policy "$POLICY" --record >/dev/null || true

# A promotion to where the model serves, recorded by tollgate, so `:velocity` has a verified
# promotion whose lead time runs from the training run's (backdated) start: the November retrain,
# trained four days before, becomes churn-predictor's champion. The Production versions the seed
# set by hand stay marked as promoted outside tollgate. Kept in its own function so the seed's
# other histories merge beside it.
serving_promotions() {
    as sam.okafor request churn-predictor 5 --to @champion \
        --comment "Shadow traffic looks good; make the Nov retrain champion"
    as dana.ortiz approve churn-predictor 5 --to @champion \
        --comment "Gates pass against the current champion"
}
serving_promotions

# Behind tollgate's back: an editor rewrites the comment of dana's signed rejection of
# credit-risk-scorer v5 with one REST call. The tag changes; the signed statement does not, so
# verification names the record (the cockpit's Audit tab, `tollgate audit ... --verify`).
if [[ -n "$KEYS" ]]; then
    "$BIN" audit credit-risk-scorer --json | python3 -c '
import json, sys, urllib.request
uri = sys.argv[1].rstrip("/")

def records(v):
    if isinstance(v, dict):
        if v.get("decision") == "rejected" and str(v.get("version")) == "5" and v.get("run_id"):
            yield v
        for x in v.values():
            yield from records(x)
    elif isinstance(v, list):
        for x in v:
            yield from records(x)

run = next(records(json.load(sys.stdin)))["run_id"]
body = {"run_id": run, "key": "tollgate.comment",
        "value": "Discussed with the fairness board: fine to ship as is"}
req = urllib.request.Request(uri + "/api/2.0/mlflow/runs/set-tag",
                             data=json.dumps(body).encode(),
                             headers={"Content-Type": "application/json"}, method="POST")
urllib.request.urlopen(req, timeout=30).read()
' "$MLFLOW_TRACKING_URI"
fi

#!/usr/bin/env python3
"""Write a benchmark registry straight into an MLflow SQLite store.

20,000 models x 5 versions plus one model with 3,000 versions (103,000 versions), with the
tags, stages and aliases a registry in use has, and tollgate's own records on a share of them:
pending promotion requests (flagged `tollgate.pending` = 'true'), older requests made before
the flag existed (no flag: the inbox's one-time scan must find them), and decided requests
(flag flipped to 'false'), each with its audit run in the `tollgate-audit` experiment.

The schema is MLflow's own: the caller starts `mlflow server` once on the empty file (which
runs MLflow's migrations) and stops it; this script reads the tables from the file and only
inserts rows. Going through the REST API would take hours for 100,000 versions.

    gen_registry.py --db DATA/mlflow.db --manifest DATA/scale.json
"""

import argparse
import json
import os
import random
import sqlite3
import sys
import time
import uuid

MODELS = 20_000
VERSIONS_EACH = 5
GIANT = "scale-giant"
GIANT_VERSIONS = 3_000
PENDING = 24  # open requests, flagged, made in the last two weeks
LEGACY_PENDING = 6  # open requests from before the flag, 2-6 weeks old
DECIDED = 1_500  # answered requests (flag 'false') over the last year
DAY = 86_400_000
NOW = int(time.time() * 1000)
T0 = NOW - 800 * DAY  # the first model
TEAMS = ["risk", "fraud", "growth", "ops", "search", "ads", "pricing", "support"]
DIGEST = "ab" * 32
PENDING_FLAG = "tollgate.pending"


def iso(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ms / 1000))


def columns(db, table):
    return [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]


def inserter(db, table):
    """insert(rows) for `table`, rows as dicts; columns the schema lacks (older MLflow) are
    dropped, and the schema's own defaults fill the rest."""
    have = set(columns(db, table))
    if not have:
        sys.exit(f"no table {table} in the store: start mlflow server on it once first")

    def insert(rows):
        rows = list(rows)
        if not rows:
            return 0
        keys = [k for k in rows[0] if k in have]
        sql = (f'INSERT INTO "{table}" ({", ".join(chr(34) + k + chr(34) for k in keys)}) '
               f'VALUES ({", ".join("?" for _ in keys)})')
        db.executemany(sql, ([r[k] for k in keys] for r in rows))
        return len(rows)

    return insert


def model_names():
    names = [f"scale-{TEAMS[i % len(TEAMS)]}-{i:05d}" for i in range(MODELS)]
    return names + [GIANT]


def decision_tags(target, decision, by, at_ms, requested_by=None):
    key = f"tollgate.decision.{target}"
    return {
        key: decision,
        f"{key}.by": by,
        f"{key}.by_source": "authenticated",
        f"{key}.at": iso(at_ms),
        f"{key}.comment": f"{decision} for {target} (benchmark)",
        f"{key}.report_digest": DIGEST,
        f"{key}.requested_by": requested_by or "",
        f"{key}.override": "",
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--manifest", required=True)
    ap.add_argument("--artifacts", required=True,
                    help="the server's --artifacts-destination (audit runs' reports go there)")
    ap.add_argument("--seed", type=int, default=12)
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    started = time.perf_counter()

    db = sqlite3.connect(args.db, isolation_level=None)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    if db.execute("SELECT COUNT(*) FROM registered_models").fetchone()[0]:
        sys.exit(f"{args.db} already holds models; generate into a fresh store")
    db.execute("BEGIN")

    models = model_names()
    versions = []  # (name, version, created_ms)
    model_rows, model_tags, aliases = [], [], []
    for i, name in enumerate(models):
        n = GIANT_VERSIONS if name == GIANT else VERSIONS_EACH
        created = T0 + (i % 700) * DAY // 2
        updated = created + n * DAY // 4
        model_rows.append({"name": name, "creation_time": created, "last_updated_time": updated,
                           "description": f"Benchmark model {i}", "workspace": "default"})
        model_tags.append({"key": "team", "value": TEAMS[i % len(TEAMS)], "name": name,
                           "workspace": "default"})
        if i % 3 == 0:
            aliases.append({"alias": "champion", "version": n - 1, "name": name,
                            "workspace": "default"})
        for v in range(1, n + 1):
            versions.append((name, v, created + v * DAY // 8))

    version_rows, version_tags = [], []
    for name, v, created in versions:
        n = GIANT_VERSIONS if name == GIANT else VERSIONS_EACH
        stage = "Production" if v == n else "Staging" if v == n - 1 else (
            "Archived" if v < n - 2 else "None")
        run_id = uuid.uuid4().hex
        version_rows.append({
            "name": name, "version": v, "creation_time": created, "last_updated_time": created,
            "description": "", "user_id": "bench@example.com", "current_stage": stage,
            "source": f"mlflow-artifacts:/0/{run_id}/artifacts/model", "run_id": run_id,
            "status": "READY", "status_message": "", "run_link": "",
            "storage_location": f"mlflow-artifacts:/0/{run_id}/artifacts/model",
            "workspace": "default",
        })
        version_tags.append({"key": "dataset", "value": f"s3://bench/{name}/v{v}.parquet",
                             "name": name, "version": v, "workspace": "default"})
        version_tags.append({"key": "validation_status", "value": "passed", "name": name,
                             "version": v, "workspace": "default"})

    # tollgate's records: requests on distinct versions, none on the giant model's newest
    # version (the bench promotes nothing; this keeps the picture simple).
    chosen = rnd.sample(range(len(versions) - 1), PENDING + LEGACY_PENDING + DECIDED)
    records = []  # (name, version, decision, target, by, at, flag)
    for k, idx in enumerate(chosen):
        name, v, created = versions[idx]
        if k < PENDING:
            at = NOW - rnd.randrange(14 * DAY)
            records.append((name, v, "requested", "Production", "ana", at, "true"))
        elif k < PENDING + LEGACY_PENDING:
            at = NOW - rnd.randrange(14 * DAY, 42 * DAY)
            records.append((name, v, "requested", "Staging", "ana", at, None))
        else:
            at = NOW - rnd.randrange(DAY, 365 * DAY)
            records.append((name, v, rnd.choice(["approved", "rejected"]), "Production",
                            "bo", max(at, created + DAY), "false"))

    runs, params, run_tags = [], [], []
    experiment_id = 1
    for name, v, decision, target, by, at, flag in records:
        tags = decision_tags(target, decision, by, at,
                             requested_by=None if decision == "requested" else "ana")
        if flag is not None:
            tags[PENDING_FLAG] = flag
        for key, value in tags.items():
            version_tags.append({"key": key, "value": value, "name": name, "version": v,
                                 "workspace": "default"})
        decided = [("requested", "ana", at - DAY // 24)] if decision != "requested" else []
        for d, actor, when in decided + [(decision, by, at)]:
            run_id = uuid.uuid4().hex
            runs.append({
                "run_uuid": run_id, "name": f"{d} {name} v{v} {target}", "source_type": "UNKNOWN",
                "source_name": "", "entry_point_name": "", "user_id": actor, "status": "FINISHED",
                "start_time": when, "end_time": when + 1000, "source_version": "",
                "lifecycle_stage": "active",
                "artifact_uri": f"mlflow-artifacts:/{experiment_id}/{run_id}/artifacts",
                "experiment_id": experiment_id,
            })
            # The report artifact every request and approval has (its content does not
            # verify: the bench measures the reads, not the verdict).
            folder = os.path.join(args.artifacts, str(experiment_id), run_id, "artifacts")
            os.makedirs(folder)
            with open(os.path.join(folder, "gate_report.json"), "w", encoding="utf-8") as f:
                json.dump({"digest": DIGEST, "status": "pass", "gates": []}, f)
            for k, value in [("model", name), ("version", str(v)), ("target", target),
                             ("decision", d), ("actor", actor)]:
                params.append({"key": k, "value": value, "run_uuid": run_id})
            for k, value in [("mlflow.user", actor), ("mlflow.runName", f"{d} {name} v{v}"),
                             ("tollgate.actor_source", "authenticated"),
                             ("tollgate.comment", f"{d} (benchmark)"),
                             ("tollgate.report_digest", DIGEST),
                             ("tollgate.gate_status", "pass")]:
                run_tags.append({"key": k, "value": value, "run_uuid": run_id})

    now = NOW
    inserter(db, "experiments")([{
        "experiment_id": experiment_id, "name": "tollgate-audit",
        "artifact_location": f"mlflow-artifacts:/{experiment_id}", "lifecycle_stage": "active",
        "creation_time": T0, "last_update_time": now, "workspace": "default"}])
    counts = {
        "registered_models": inserter(db, "registered_models")(model_rows),
        "registered_model_tags": inserter(db, "registered_model_tags")(model_tags),
        "registered_model_aliases": inserter(db, "registered_model_aliases")(aliases),
        "model_versions": inserter(db, "model_versions")(version_rows),
        "model_version_tags": inserter(db, "model_version_tags")(version_tags),
        "runs": inserter(db, "runs")(runs),
        "params": inserter(db, "params")(params),
        "tags": inserter(db, "tags")(run_tags),
    }
    db.execute("COMMIT")
    db.execute("ANALYZE")
    db.close()

    manifest = {
        "models": len(models),
        "versions": len(versions),
        "giant_model": GIANT,
        "giant_versions": GIANT_VERSIONS,
        "pending_flagged": PENDING,
        "pending_legacy": LEGACY_PENDING,
        "pending_total": PENDING + LEGACY_PENDING,
        "decided": DECIDED,
        "legacy_requests": [[n, str(v)] for n, v, _, _, _, _, f in records if f is None],
        "rows": counts,
        "seconds": round(time.perf_counter() - started, 1),
    }
    with open(args.manifest, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1)
    print(f"gen_registry: {len(models)} models, {len(versions)} versions, "
          f"{PENDING}+{LEGACY_PENDING} pending, {DECIDED} decided in {manifest['seconds']} s",
          file=sys.stderr)


if __name__ == "__main__":
    main()

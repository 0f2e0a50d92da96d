#!/usr/bin/env python3
"""Seed an MLflow tracking server with a registry that looks like a real team's.

    seed.py --tracking-uri URL --profile {demo,test,bench} --manifest PATH
            [--backend-store-uri URI] [--monitoring-end YYYY-MM-DD]

Core models are real scikit-learn models trained on synthetic tabular data and
logged with the MLflow Python client; bulk objects (filler models, the 200-version
model, edge cases) go through the REST API on a thread pool. Fairness and drift
evidence is computed for real; names follow docs/evidence-convention.md.

The manifest (JSON) records what was seeded, read back from the server. Re-running
against a registry that already holds this profile's seed exits 0 quickly and
rewrites the manifest from the copy stored in the server (experiment
`tollgate-seed`). --backend-store-uri lets the orphan-run edge case be made for
real (`mlflow gc` permanently deletes the run); without it, the orphan version
names a run id that never existed.
"""

from __future__ import annotations

import os

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("MLFLOW_LOGGING_LEVEL", "ERROR")

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
import zlib  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import catalog  # noqa: E402
from rest import Rest, RestError, metric  # noqa: E402

evidence = synth = None  # scipy/sklearn: imported by main() after the quick re-run check


def _import_heavy() -> None:
    global evidence, synth
    import evidence as _evidence
    import mlflow.sklearn  # noqa: F401  (imported here so the filters below win)
    import synth as _synth
    evidence, synth = _evidence, _synth
    warnings.filterwarnings("ignore")

DAY_MS = 86_400_000
HOUR_MS = 3_600_000
SEED_TAG = "tollgate.seed"
SEED_EXPERIMENT = "tollgate-seed"
MANIFEST_SCHEMA = 1
PROFILES = {
    # filler: extra registered models; total_models: fill up to this many in total
    # history_windows: run-per-window monitoring before the 30-step run (demo only; the test
    # seed stays as its snapshots know it)
    "demo": {"filler": 300, "history_windows": 90},
    "test": {"filler": 300},
    "bench": {"total_models": 2000},
}
MONITOR_WINDOWS = 30
DRIFT_START = 18

_print_lock = threading.Lock()
T0 = time.time()


def log(msg: str) -> None:
    with _print_lock:
        print(f"[seed {time.time() - T0:6.1f}s] {msg}", file=sys.stderr, flush=True)


def crc(s: str) -> int:
    return zlib.crc32(s.encode("utf-8"))


def fake_sha(s: str) -> str:
    return hashlib.sha1(("acme:" + s).encode("utf-8")).hexdigest()


class Phases:
    """Accumulates wall time per phase (reported in the manifest's timings)."""

    def __init__(self):
        self.t = {}
        self.lock = threading.Lock()

    def __call__(self, name):
        ph = self

        class _C:
            def __enter__(self):
                self.s = time.time()

            def __exit__(self, *a):
                with ph.lock:
                    ph.t[name] = round(ph.t.get(name, 0.0) + time.time() - self.s, 3)
        return _C()


class Lap:
    """lap("name") adds the time since the previous lap to phase `name`."""

    def __init__(self, phases: Phases):
        self.p = phases
        self.last = time.time()

    def __call__(self, name: str) -> None:
        now = time.time()
        with self.p.lock:
            self.p.t[name] = round(self.p.t.get(name, 0.0) + now - self.last, 3)
        self.last = now


class Ctx:
    def __init__(self, args):
        self.args = args
        self.uri = args.tracking_uri.rstrip("/")
        self.rest = Rest(self.uri, workers=args.workers)        # core models (main thread)
        self.bulk = Rest(self.uri, workers=args.workers)        # background bulk jobs
        self.now = int(time.time() * 1000)
        if args.monitoring_end:
            d = dt.datetime.strptime(args.monitoring_end, "%Y-%m-%d").replace(tzinfo=dt.timezone.utc)
            self.monitor_end = int(d.timestamp() * 1000)
        else:
            self.monitor_end = (self.now // DAY_MS) * DAY_MS  # last UTC midnight
        self.experiments: dict[str, str] = {}
        self._exp_lock = threading.Lock()
        self.timings: dict[str, float] = {}
        self.phase = Phases()
        self.facts: dict = {"low_disparate_impact": [], "explainability": [], "chains": [],
                            "monitoring": [], "fine_curve": None, "orphan_method": None,
                            "models": {}}
        self.facts_lock = threading.Lock()

    def exp(self, name: str) -> str:
        with self._exp_lock:
            if name in self.experiments:
                return self.experiments[name]
            try:
                eid = self.rest.post("experiments/create", {"name": name})["experiment_id"]
            except RestError as e:
                if e.error_code != "RESOURCE_ALREADY_EXISTS":
                    raise
                eid = self.rest.get("experiments/get-by-name",
                                    experiment_name=name)["experiment"]["experiment_id"]
            self.experiments[name] = eid
            return eid


def create_model(ctx: Ctx, name: str, description: str = "", tags: dict | None = None,
                 rest: Rest | None = None) -> None:
    body = {"name": name, "tags": [{"key": k, "value": str(v)} for k, v in (tags or {}).items()]}
    if description:
        body["description"] = description
    (rest or ctx.rest).post("registered-models/create", body)


# ---------------------------------------------------------------------------
# Core models: real training through the MLflow client
# ---------------------------------------------------------------------------

def seed_core_model(ctx: Ctx, cm: dict) -> dict:
    import cloudpickle
    import mlflow
    import mlflow.data
    import mlflow.sklearn
    import pandas as pd
    import sklearn
    from mlflow import MlflowClient
    from mlflow.models import infer_signature

    t0 = time.time()
    rest = ctx.rest
    client = MlflowClient(ctx.uri)
    name = cm["name"]
    domain = synth.make_domain(cm["domain"], **cm["gen"])
    exp_id = ctx.exp(cm["experiment"])
    log(f"training {name} ({len(cm['versions'])} versions)")
    create_model(ctx, name, cm["description"],
                 {"owner": cm["owner"], "team": cm["team"], **cm["tags"]})

    specs = cm["versions"]
    first_start = ctx.now - max(v["days_ago"] for v in specs) * DAY_MS - 2 * HOUR_MS
    base_tags = {"mlflow.user": cm["owner"], "mlflow.source.type": "JOB",
                 "mlflow.source.name": cm["script"], "mlflow.source.git.repoURL": cm["repo"],
                 "mlflow.source.git.branch": "main", "owner": cm["owner"], "team": cm["team"]}
    parent_tags = dict(base_tags)
    chain = {}
    if cm.get("grandparent"):
        gp = rest.create_run(exp_id, f"weekly-retrain-pipeline-{name}", first_start - HOUR_MS,
                             {**base_tags, "mlflow.source.name": "pipelines/weekly_retrain.py",
                              "mlflow.source.git.commit": fake_sha(name + "/pipeline"),
                              "pipeline": "weekly-retrain"})
        gp_id = gp["info"]["run_id"]
        parent_tags["mlflow.parentRunId"] = gp_id
        chain["grandparent"] = gp_id
    parent = rest.create_run(exp_id, f"hpo-sweep-{name}", first_start,
                             {**parent_tags, "mlflow.source.git.commit": fake_sha(name + "/sweep"),
                              "mlflow.source.name": cm["script"].replace("train", "sweep")})
    parent_id = parent["info"]["run_id"]
    chain["parent"] = parent_id

    trained = {}
    best_auc = 0.0
    pip_reqs = None
    for idx, spec in enumerate(specs, start=1):
        seed = crc(f"{name}/{spec['data']}")
        lap = Lap(ctx.phase)
        train_df = domain.generate(seed, 5000)
        val_df = domain.generate(seed + 1, 1500)
        test_df = domain.generate(seed + 2, 3000)
        feats = synth.model_features(domain, spec)
        X, y = synth.design(train_df, feats), train_df["label"].to_numpy()
        Xv, yv = synth.design(val_df, feats), val_df["label"].to_numpy()
        Xt, yt = synth.design(test_df, feats), test_df["label"].to_numpy()
        lap("data")
        model, params, hist = synth.train(spec, X, y, Xv, yv, seed=idx)
        lap("train")
        scores, proba, pred = synth.evaluate(model, Xt, yt)
        scores["latency_p95_ms"] = synth.latency_p95_ms(model, Xt)
        scores["model_size_mb"] = synth.model_size_mb(model)
        fair = evidence.fairness_metrics(yt, pred, {"sex": test_df["sex"].to_numpy(),
                                                    "age_group": test_df["age_group"].to_numpy()})
        best_auc = max(best_auc, scores["auc"])

        start = ctx.now - spec["days_ago"] * DAY_MS + (crc(name + str(idx)) % 600) * 1000
        duration = (20 + crc(name + "dur" + str(idx)) % 25) * 60_000
        end = start + duration
        data_version = f"{domain.dataset_prefix}-{spec['data']}"
        algo_label = {"gbm": "GradientBoostingClassifier", "rf": "RandomForestClassifier",
                      "sgd_logreg": "SGDClassifier(log_loss)"}[spec["algorithm"]]
        note = (f"{algo_label} on {data_version}"
                + (" with `sex` as an input feature" if spec.get("use_sex") else "")
                + f". Holdout AUC {scores['auc']:.3f}, accuracy {scores['accuracy']:.3f}.")
        tags = {**base_tags, "mlflow.parentRunId": parent_id,
                "mlflow.source.git.commit": fake_sha(f"{name}/v{idx}"),
                "data_version": data_version, "mlflow.note.content": note,
                "label_meaning": domain.label_meaning, **evidence.fairness_tags()}
        card_url = None
        if spec.get("card"):
            slug = name.replace(" ", "-").replace("'", "").replace("(", "").replace(")", "")
            card_url = f"https://wiki.acme-lending.internal/ml/model-cards/{slug}/v{idx}"
            tags["model_card_url"] = card_url
        run_name = f"{spec['algorithm']}-{spec['data']}-trial{idx:02d}"
        lap("evaluate")
        run = rest.create_run(exp_id, run_name, start, tags)
        run_id = run["info"]["run_id"]

        # metric histories + params in one batch; final metrics after log_model (model_id)
        hist_metrics = []
        for step, loss, vauc in hist:
            ts = start + int(duration * step / max(hist[-1][0], 1) * 0.9)
            hist_metrics.append(metric("train_loss", loss, ts, step))
            hist_metrics.append(metric("val_auc", vauc, ts, step))
        run_params = {**params, "algorithm": spec["algorithm"], "features": ",".join(feats),
                      "n_features": len(feats), "train_rows": len(X), "random_state": idx,
                      "decision_threshold": 0.5}
        rest.log_batch(run_id, metrics=hist_metrics, params=run_params)

        if pip_reqs is None:
            pip_reqs = [f"scikit-learn=={sklearn.__version__}",
                        f"cloudpickle=={cloudpickle.__version__}",
                        f"numpy=={np.__version__}", f"pandas=={pd.__version__}"]
        train_ds = mlflow.data.from_pandas(
            train_df, name=f"{data_version}-train", targets="label",
            source=f"s3://acme-ml-data/{cm['domain']}/{spec['data']}/train.parquet")
        eval_ds = mlflow.data.from_pandas(
            test_df, name=f"{data_version}-holdout", targets="label",
            source=f"s3://acme-ml-data/{cm['domain']}/{spec['data']}/holdout.parquet")
        mlflow.set_tracking_uri(ctx.uri)
        lap("rest_run_history")
        mlflow.start_run(run_id=run_id)
        try:
            mlflow.log_input(train_ds, context="training")
            mlflow.log_input(eval_ds, context="evaluation")
            sig = infer_signature(X.head(50), proba[:50])
            lap("log_input")
            info = mlflow.sklearn.log_model(
                model, name="model", serialization_format="cloudpickle", signature=sig,
                pip_requirements=pip_reqs, registered_model_name=name,
                await_registration_for=60)
        finally:
            mlflow.end_run()
        lap("log_model")
        version = str(info.registered_model_version)
        final = []
        for k, v in scores.items():
            m = metric(k, v, end, 0)
            m.update({"model_id": info.model_id, "dataset_name": eval_ds.name,
                      "dataset_digest": eval_ds.digest})
            final.append(m)
        final += [metric(k, v, end, 0) for k, v in fair.items()]
        rest.log_batch(run_id, metrics=final)
        rest.finish_run(run_id, end)

        lap("final_metrics")
        if spec.get("explain"):
            fi = synth.feature_importance(model, feats, Xv, yv)
            client.log_dict(run_id, fi, "explainability/feature_importance.json")
            arts = ["explainability/feature_importance.json"]
            if spec.get("stage") == "Production":
                client.log_figure(run_id, _importance_figure(fi, name, version),
                                  "explainability/feature_importance.png")
                arts.append("explainability/feature_importance.png")
            with ctx.facts_lock:
                ctx.facts["explainability"].append(
                    {"model": name, "version": version, "run_id": run_id, "artifacts": arts})

        if cm.get("fine_curve_version") == idx:
            _log_fine_curve(ctx, run_id, start, duration)

        lap("explain_finecurve")
        mv_desc = note
        rest.patch("model-versions/update", {"name": name, "version": version,
                                             "description": mv_desc})
        mv_tags = {"data_version": data_version, "validation_status":
                   "passed" if spec["stage"] in ("Production", "Staging") else "not_run"}
        if card_url:
            mv_tags["model_card_url"] = card_url
        rest.map(lambda kv: rest.post("model-versions/set-tag", {
            "name": name, "version": version, "key": kv[0], "value": kv[1]}), mv_tags.items())

        lap("mv_update")
        di = fair.get("fairness.disparate_impact")
        if di is not None and di < 0.8:
            with ctx.facts_lock:
                ctx.facts["low_disparate_impact"].append(
                    {"model": name, "version": version, "run_id": run_id,
                     "value": round(di, 6)})
        if chain.get("grandparent") and "child" not in chain:
            chain.update({"child": run_id, "model": name, "version": version})
        trained[version] = {"model": model, "feats": feats, "train_df": train_df,
                            "spec": spec, "run_id": run_id, "model_id": info.model_id,
                            "train_dataset": train_ds.name}
        log(f"  {name} v{version}: {spec['algorithm']} auc={scores['auc']:.3f} "
            f"DI={di if di is None else round(di, 3)} stage={spec['stage']}")

    # losing trials of the sweep (never registered), one of them failed
    def trial(i):
        r = rest.create_run(exp_id, f"trial-{90 + i:02d}", first_start + (i + 1) * 600_000,
                            {**base_tags, "mlflow.parentRunId": parent_id,
                             "mlflow.source.git.commit": fake_sha(f"{name}/trial{i}")})
        rid = r["info"]["run_id"]
        rng = np.random.default_rng(crc(name) + i)
        rest.log_batch(rid, metrics=[metric("val_auc", 0.6 + 0.1 * rng.random(),
                                            first_start + (i + 1) * 600_000 + 300_000)],
                       params={"algorithm": "gbm", "max_depth": 6 + i, "n_estimators": 300})
        rest.finish_run(rid, first_start + (i + 1) * 600_000 + 400_000,
                        "FAILED" if i == 2 else "FINISHED")
    rest.map(trial, range(3))
    rest.log_batch(parent_id, metrics=[metric("best_val_auc", best_auc, ctx.now - DAY_MS)],
                   params={"search": "random", "n_trials": len(specs) + 3,
                           "search_space": "algorithm in {gbm,rf,sgd_logreg}; depth 2..12"})
    rest.finish_run(parent_id, ctx.now - DAY_MS + 10 * 60_000)
    if chain.get("grandparent"):
        rest.finish_run(chain["grandparent"], ctx.now - DAY_MS + 15 * 60_000)
        with ctx.facts_lock:
            ctx.facts["chains"].append(chain)

    # stages and aliases
    rest.map(lambda v: rest.transition(name, v, specs[int(v) - 1]["stage"]),
             [v for v in trained if specs[int(v) - 1]["stage"] != "None"])
    for v in trained:
        for alias in specs[int(v) - 1].get("aliases", []):
            rest.set_alias(name, alias, v)
    ctx.timings[f"core:{name}"] = round(time.time() - t0, 2)
    return trained


def _importance_figure(fi: dict, name: str, version: str):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    feats = fi["features"][:10][::-1]
    fig, ax = plt.subplots(figsize=(6, 3.2), dpi=80)
    ax.barh([f["name"] for f in feats], [f["importance"] for f in feats], color="#3b7dd8")
    ax.set_title(f"{name} v{version}: feature importance ({fi['method']})", fontsize=9)
    ax.tick_params(labelsize=8)
    fig.tight_layout()
    return fig


def _log_fine_curve(ctx: Ctx, run_id: str, start: int, duration: int) -> None:
    n = 30_000
    rng = np.random.default_rng(30_000)
    steps = np.arange(n)
    loss = 0.45 + 0.9 * np.exp(-steps / 4000.0) + 0.03 * rng.standard_normal(n) * np.exp(-steps / 15000.0)
    ts = start + (steps * (duration * 0.9 / n)).astype(np.int64)
    chunks = [[metric("train_loss_fine", float(loss[i]), int(ts[i]), int(i))
               for i in range(j, min(j + 1000, n))] for j in range(0, n, 1000)]
    ctx.rest.map(lambda c: ctx.rest.log_batch(run_id, metrics=c), chunks)
    ctx.facts["fine_curve"] = {"run_id": run_id, "metric": "train_loss_fine", "points": n}


# ---------------------------------------------------------------------------
# Monitoring: 30 daily windows of real drift + performance
# ---------------------------------------------------------------------------

def seed_monitoring(ctx: Ctx, model_name: str, version: str, t: dict, domain_key: str,
                    gen_kwargs: dict) -> None:
    from mlflow import MlflowClient
    t0 = time.time()
    rest = ctx.rest
    domain = synth.make_domain(domain_key, **gen_kwargs)
    feats_mon = domain.monitor_features
    ref_df = t["train_df"]
    ref = {f: ref_df[f].to_numpy(dtype=float) for f in feats_mon}
    ends = [ctx.monitor_end - (MONITOR_WINDOWS - 1 - i) * DAY_MS for i in range(MONITOR_WINDOWS)]
    windows = []
    metrics = []
    for i, end in enumerate(ends):
        shift = 1.0 if i < DRIFT_START else 1.0 + domain.drift_rate * (i - DRIFT_START + 1)
        weekday = dt.datetime.fromtimestamp((end - DAY_MS) / 1000, dt.timezone.utc).weekday()
        rng = np.random.default_rng(crc(f"monitor/{model_name}/{i}"))
        n = int((1400 if weekday < 5 else 950) + rng.integers(-120, 120))
        w = domain.generate(crc(f"monitor/{model_name}/{i}"), n, shift)
        drifted = 0
        for f in feats_mon:
            s = evidence.drift_stats(ref[f], w[f].to_numpy(dtype=float))
            for k, v in s.items():
                metrics.append(metric(f"drift.{f}.{k}", v, end, i))
            drifted += s["p_value"] <= evidence.KS_ALPHA
        metrics.append(metric("drift.share", drifted / len(feats_mon), end, i))
        proba = t["model"].predict_proba(synth.design(w, t["feats"]))[:, 1]
        for k, v in evidence.perf(w["label"].to_numpy(), proba).items():
            metrics.append(metric(k, v, end, i))
        windows.append(w)

    hist = {"model_name": model_name, "model_version": version, "window": "1d",
            "reference_rows": len(ref_df), "features": {}}
    for f in feats_mon:
        cur = [w[f].to_numpy(dtype=float) for w in windows]
        edges = evidence.histogram_edges(ref[f], cur)
        hist["features"][f] = {
            "kind": "numeric", "bin_edges": [float(e) for e in edges],
            "reference": evidence.histogram_counts(ref[f], edges),
            "windows": [{"step": i, "window_end_ms": ends[i], "rows": len(cur[i]),
                         "counts": evidence.histogram_counts(cur[i], edges)}
                        for i in range(len(cur))]}

    exp_id = ctx.exp("monitoring")
    tags = {"monitoring.model_name": model_name, "monitoring.model_version": version,
            "monitoring.model_uri": f"models:/{model_name}/{version}",
            "monitoring.window": "1d", "monitoring.reference_dataset": t["train_dataset"],
            "monitoring.features": ",".join(feats_mon),
            "monitoring.drift_test": "ks", "monitoring.drift_alpha": str(evidence.KS_ALPHA),
            "mlflow.user": "svc-model-monitor", "mlflow.source.type": "JOB",
            "mlflow.source.name": "monitoring/daily_drift_job.py",
            "mlflow.source.git.commit": fake_sha("monitoring/" + model_name)}
    run = rest.create_run(exp_id, f"monitor-{model_name}-v{version}", ends[0] - DAY_MS, tags)
    run_id = run["info"]["run_id"]
    rest.log_batch(run_id, metrics=metrics,
                   params={"reference_rows": len(ref_df), "window_days": 1,
                           "windows": MONITOR_WINDOWS, "psi_bins": evidence.PSI_BINS,
                           "psi_epsilon": evidence.PSI_EPS, "histogram_bins": evidence.HIST_BINS})
    MlflowClient(ctx.uri).log_dict(run_id, hist, "drift/histograms.json")
    rest.finish_run(run_id, ends[-1] + 15 * 60_000)
    with ctx.facts_lock:
        ctx.facts["monitoring"].append({
            "run_id": run_id, "experiment_id": exp_id, "model_name": model_name,
            "model_version": version, "windows": MONITOR_WINDOWS, "window_ms": DAY_MS,
            "first_window_end_ms": ends[0], "last_window_end_ms": ends[-1],
            "window_end_ms": ends, "features": feats_mon,
            "drifting_feature": domain.drift_feature, "drift_starts_at_step": DRIFT_START,
            "drift_rate_per_day": domain.drift_rate,
            "metric_names": sorted({m["key"] for m in metrics}),
            "histograms_artifact": "drift/histograms.json"})
    ctx.timings[f"monitoring:{model_name}"] = round(time.time() - t0, 2)
    log(f"  monitoring run for {model_name} v{version}: {len(metrics)} metric points")
    history = PROFILES[ctx.args.profile].get("history_windows", 0)
    if history and model_name == HISTORY_MODEL:
        seed_monitoring_history(ctx, model_name, version, t, domain, ref, tags, ends[0], history)


# The model whose demo monitoring reaches months back, one run per window.
HISTORY_MODEL = "credit-risk-scorer"


def seed_monitoring_history(ctx: Ctx, model_name: str, version: str, t: dict, domain,
                            ref: dict, tags: dict, first_end: int, count: int) -> None:
    """`count` daily windows before the 30-step run, one run per window, as a scheduled job logs
    them: each run tagged `monitoring.window_end` (RFC 3339), its metrics at step 0. No drift
    (the drift starts in the 30-step run); weekday volumes and a mild weekly wobble in AUC."""
    t0 = time.time()
    rest = ctx.rest
    exp_id = ctx.exp("monitoring")
    feats_mon = domain.monitor_features
    job_tags = {k: v for k, v in tags.items() if k != "mlflow.source.name"}
    job_tags["mlflow.source.name"] = "monitoring/scheduled_window_job.py"
    for k in range(count, 0, -1):
        end = first_end - k * DAY_MS
        day = dt.datetime.fromtimestamp(end / 1000, dt.timezone.utc)
        rng = np.random.default_rng(crc(f"monitor-history/{model_name}/{k}"))
        weekday = (day - dt.timedelta(days=1)).weekday()
        n = int((1400 if weekday < 5 else 950) + rng.integers(-120, 120))
        w = domain.generate(crc(f"monitor-history/{model_name}/{k}"), n, 1.0)
        logged = end + 40 * 60_000  # the job runs 40 minutes after the window closes
        metrics = []
        drifted = 0
        for f in feats_mon:
            s = evidence.drift_stats(ref[f], w[f].to_numpy(dtype=float))
            for key, v in s.items():
                metrics.append(metric(f"drift.{f}.{key}", v, logged))
            drifted += s["p_value"] <= evidence.KS_ALPHA
        metrics.append(metric("drift.share", drifted / len(feats_mon), logged))
        proba = t["model"].predict_proba(synth.design(w, t["feats"]))[:, 1]
        for key, v in evidence.perf(w["label"].to_numpy(), proba).items():
            metrics.append(metric(key, v, logged))
        run_tags = dict(job_tags, **{"monitoring.window_end": day.strftime("%Y-%m-%dT%H:%M:%SZ")})
        run = rest.create_run(exp_id, f"monitor-{model_name}-v{version}-{day:%Y-%m-%d}",
                              logged - 5 * 60_000, run_tags)
        rest.log_batch(run["info"]["run_id"], metrics=metrics)
        rest.finish_run(run["info"]["run_id"], logged + 60_000)
    ctx.timings[f"monitoring_history:{model_name}"] = round(time.time() - t0, 2)
    log(f"  monitoring history for {model_name} v{version}: {count} runs, one per window")


# ---------------------------------------------------------------------------
# Bulk / edge cases over REST
# ---------------------------------------------------------------------------

def _simple_run(ctx: Ctx, exp_id: str, name: str, start: int, metrics: dict, tags: dict,
                params: dict | None = None, status: str = "FINISHED") -> dict:
    rest = ctx.bulk
    run = rest.create_run(exp_id, name, start, tags)
    rid = run["info"]["run_id"]
    end = start + 15 * 60_000
    rest.log_batch(rid, metrics=[metric(k, v, end) for k, v in metrics.items()],
                   params=params or {})
    rest.finish_run(rid, end, status)
    return run["info"]


def seed_edge_cases(ctx: Ctx) -> None:
    t0 = time.time()
    rest = ctx.bulk
    exp_id = ctx.exp("sandbox/edge-cases")
    base = {"mlflow.user": "qa.bot", "mlflow.source.type": "JOB",
            "mlflow.source.name": "qa/edge_cases.py"}

    # escape sequences / control characters everywhere a string can go
    create_model(ctx, catalog.ESCAPE_MODEL, catalog.ESC_DESCRIPTION, catalog.ESC_TAGS, rest)
    info = _simple_run(ctx, exp_id, "esc\x1b[31m-run\x1b[0m\x07", ctx.now - 3 * DAY_MS,
                       {"accuracy": 0.81, "auc": 0.86, "f1": 0.74},
                       {**base, "mlflow.source.git.commit": fake_sha("esc"),
                        "owner": "\x1b[5mblink\x1b[0m", "team": "qa",
                        "mlflow.note.content": "note with \x1b]0;pwned\x07 and line\rover"},
                       {"comment": "param \x1b[31mred\x1b[0m\x07"})
    mv = rest.post("model-versions/create", {
        "name": catalog.ESCAPE_MODEL, "source": f"{info['artifact_uri']}/model",
        "run_id": info["run_id"],
        "description": "version description \x1b[1;31mBOLD RED\x1b[0m\rOVER\x07",
        "tags": [{"key": "data_version", "value": "\x1b[32mgreen\x1b[0m"},
                 {"key": "validation_status", "value": "passed\x07"}]})["model_version"]
    rest.transition(catalog.ESCAPE_MODEL, mv["version"], "Production")
    rest.set_alias(catalog.ESCAPE_MODEL, "champion", mv["version"])

    # a version whose run was soft-deleted
    create_model(ctx, catalog.DELETED_RUN_MODEL,
                 "A version whose source run was deleted (lifecycle_stage=deleted).",
                 {"owner": "qa.bot", "team": "qa"}, rest)
    info = _simple_run(ctx, exp_id, "deleted-run", ctx.now - 20 * DAY_MS,
                       {"accuracy": 0.79, "auc": 0.84, "f1": 0.7, "latency_p95_ms": 3.2},
                       {**base, "mlflow.source.git.commit": fake_sha("deleted"),
                        "owner": "qa.bot", "team": "qa"})
    mv = rest.post("model-versions/create", {"name": catalog.DELETED_RUN_MODEL,
                                             "source": f"runs:/{info['run_id']}/model",
                                             "run_id": info["run_id"]})["model_version"]
    rest.transition(catalog.DELETED_RUN_MODEL, mv["version"], "Staging")
    rest.post("runs/delete", {"run_id": info["run_id"]})

    # a version whose run no longer exists at all
    create_model(ctx, catalog.ORPHAN_RUN_MODEL,
                 "A version whose run_id names a run that no longer exists (garbage-collected).",
                 {"owner": "qa.bot", "team": "qa"}, rest)
    info = _simple_run(ctx, exp_id, "orphan-run", ctx.now - 40 * DAY_MS,
                       {"accuracy": 0.77, "auc": 0.82},
                       {**base, "mlflow.source.git.commit": fake_sha("orphan"),
                        "owner": "qa.bot", "team": "qa"})
    orphan_run = info["run_id"]
    method = "gc"
    if not ctx.args.backend_store_uri:
        method = "fabricated_run_id"
        rest.post("runs/delete", {"run_id": orphan_run})
        orphan_run = hashlib.md5(b"tollgate-orphan-run").hexdigest()
    mv = rest.post("model-versions/create", {"name": catalog.ORPHAN_RUN_MODEL,
                                             "source": f"runs:/{orphan_run}/model",
                                             "run_id": orphan_run})["model_version"]
    rest.transition(catalog.ORPHAN_RUN_MODEL, mv["version"], "Production")
    if method == "gc":
        rest.post("runs/delete", {"run_id": orphan_run})
        env = dict(os.environ, MLFLOW_TRACKING_URI=ctx.uri)
        cmd = [sys.executable, "-m", "mlflow", "gc", "--backend-store-uri",
               ctx.args.backend_store_uri, "--run-ids", orphan_run]
        if ctx.args.artifacts_destination:
            cmd += ["--artifacts-destination", ctx.args.artifacts_destination]
        p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            raise RuntimeError(f"mlflow gc failed ({p.returncode}): {p.stderr[-2000:]}")
    try:
        rest.get("runs/get", run_id=orphan_run)
        raise RuntimeError(f"orphan run {orphan_run} still exists")
    except RestError as e:
        if e.status != 404 or e.error_code != "RESOURCE_DOES_NOT_EXIST":
            raise
    ctx.facts["orphan_method"] = method

    create_model(ctx, catalog.EMPTY_MODEL, "Registered, never trained: zero versions.",
                 {"owner": "qa.bot", "team": "qa"}, rest)
    ctx.timings["edge_cases"] = round(time.time() - t0, 2)
    log(f"edge cases done (orphan via {method})")


def seed_bench_model(ctx: Ctx) -> None:
    t0 = time.time()
    rest = ctx.bulk
    name = catalog.BENCH_MODEL
    exp_id = ctx.exp("bench/registry-scale")
    create_model(ctx, name, "Nightly retrained ranking model: 200 registered versions "
                 "(registry scale benchmark).",
                 {"owner": "nils.holm", "team": "ml-platform", "purpose": "benchmark"}, rest)
    n = catalog.BENCH_VERSIONS
    rng = np.random.default_rng(200)
    rows = []
    for i in range(n):
        acc = float(np.clip(0.78 + 0.09 * i / n + rng.normal(0, 0.012), 0.5, 0.99))
        auc = float(np.clip(acc + 0.05 + rng.normal(0, 0.01), 0.5, 0.999))
        rows.append({
            "i": i, "start": ctx.now - (n - i) * DAY_MS - 3 * HOUR_MS,
            "metrics": {"accuracy": acc, "auc": auc,
                        "f1": float(np.clip(acc - 0.06 + rng.normal(0, 0.015), 0, 1)),
                        "latency_p95_ms": float(np.round(rng.lognormal(np.log(12), 0.25), 3)),
                        "model_size_mb": float(np.round(18 + 0.05 * i + rng.normal(0, 1.5), 3))},
            "params": {"algorithm": "lightgbm-lambdarank", "num_leaves": int(rng.choice([31, 63, 127])),
                       "learning_rate": float(rng.choice([0.03, 0.05, 0.1])),
                       "n_estimators": int(rng.choice([200, 400, 800]))}})

    def mk(r):
        return _simple_run(ctx, exp_id, f"nightly-{r['i'] + 1:03d}", r["start"], r["metrics"],
                           {"mlflow.user": "svc-nightly", "mlflow.source.type": "JOB",
                            "mlflow.source.name": "ranking/nightly_train.py",
                            "mlflow.source.git.commit": fake_sha(f"bench/{r['i']}"),
                            "owner": "nils.holm", "team": "ml-platform",
                            "data_version": f"clicks-{r['i'] + 1:03d}"}, r["params"])
    infos = rest.map(mk, rows)
    for i, info in enumerate(infos):
        v = rest.post("model-versions/create", {
            "name": name, "source": f"{info['artifact_uri']}/model", "run_id": info["run_id"],
            "description": f"nightly build {i + 1}"})["model_version"]["version"]
        assert v == str(i + 1), (v, i)
    stages = {str(v): "Archived" for v in range(25, n, 25)}
    stages[str(n)] = "Production"
    stages[str(n - 1)] = "Staging"
    rest.map(lambda kv: rest.transition(name, kv[0], kv[1]), stages.items())
    rest.set_alias(name, "champion", str(n))
    rest.set_alias(name, "challenger", str(n - 1))
    ctx.timings["bench_200_versions"] = round(time.time() - t0, 2)
    log(f"{name}: {n} versions in {time.time() - t0:.1f}s")


def seed_filler(ctx: Ctx, count: int) -> None:
    t0 = time.time()
    rest = ctx.bulk
    models = catalog.filler_models(count)
    exp_id = ctx.exp("shared/feature-models")

    def mk(m):
        create_model(ctx, m["name"], m["description"], m["tags"], rest)
        for k in range(m["versions"]):
            rng = np.random.default_rng(crc(m["name"]) + k)
            info = _simple_run(ctx, exp_id, f"{m['name'].split('/')[-1]}-run{k + 1}",
                               ctx.now - (30 - 10 * k) * DAY_MS,
                               {"accuracy": float(0.7 + 0.2 * rng.random()),
                                "auc": float(0.75 + 0.2 * rng.random())},
                               {"mlflow.user": m["tags"]["owner"], "owner": m["tags"]["owner"],
                                "team": m["tags"]["team"],
                                "mlflow.source.git.commit": fake_sha(m["name"] + str(k))})
            rest.post("model-versions/create", {"name": m["name"],
                                                "source": f"runs:/{info['run_id']}/model",
                                                "run_id": info["run_id"]})
    rest.map(mk, models)
    ctx.timings["filler"] = round(time.time() - t0, 2)
    log(f"filler: {count} models in {time.time() - t0:.1f}s")


# ---------------------------------------------------------------------------
# Manifest (read back from the server)
# ---------------------------------------------------------------------------

def build_manifest(ctx: Ctx, profile: str) -> dict:
    rest = ctx.rest
    models = rest.paginate("registered-models/search", "registered_models", max_results=1000)
    versions = rest.paginate("model-versions/search", "model_versions", max_results=10000)
    exps = rest.paginate("experiments/search", "experiments", "POST", max_results=1000,
                         view_type="ALL")
    runs: dict[str, dict] = {}
    for e in exps:
        for r in rest.paginate("runs/search", "runs", "POST", experiment_ids=[e["experiment_id"]],
                               max_results=1000, run_view_type="ALL"):
            runs[r["info"]["run_id"]] = r
    by_model: dict[str, list] = {}
    for v in versions:
        by_model.setdefault(v["name"], []).append(v)
    core = [m["name"] for m in catalog.CORE_MODELS]
    edge = {catalog.ESCAPE_MODEL, catalog.DELETED_RUN_MODEL, catalog.ORPHAN_RUN_MODEL,
            catalog.EMPTY_MODEL}

    def kind(n):
        if n in catalog.AWKWARD_NAMES:
            return "awkward"
        if n in core:
            return "core"
        if n in edge:
            return "edge"
        if n == catalog.BENCH_MODEL:
            return "bench"
        return "filler"

    out_models = []
    for m in sorted(models, key=lambda m: m["name"]):
        aliases = {a["alias"]: a["version"] for a in m.get("aliases", [])}
        vlist = []
        for v in sorted(by_model.get(m["name"], []), key=lambda v: int(v["version"])):
            r = runs.get(v.get("run_id", ""))
            state = "none" if not v.get("run_id") else (
                "missing" if r is None else r["info"]["lifecycle_stage"])
            src = v.get("source", "")
            vlist.append({
                "version": v["version"], "stage": v.get("current_stage", "None"),
                "aliases": sorted(a for a, ver in aliases.items() if ver == v["version"]),
                "run_id": v.get("run_id", ""), "run_state": state,
                "run_metric_names": sorted({x["key"] for x in (r or {}).get("data", {})
                                            .get("metrics", [])}),
                "source": src,
                "model_id": src[len("models:/"):] if src.startswith("models:/m-") else None,
                "description": v.get("description", ""),
                "tags": {t["key"]: t["value"] for t in v.get("tags", [])}})
        out_models.append({
            "name": m["name"], "kind": kind(m["name"]), "description": m.get("description", ""),
            "tags": {t["key"]: t["value"] for t in m.get("tags", [])}, "aliases": aliases,
            "num_versions": len(vlist), "versions": vlist})
    for m in out_models:
        if m["name"] == "credit-risk-scorer":
            m["tags"][SEED_TAG] = profile
    return {
        "schema_version": MANIFEST_SCHEMA,
        "profile": profile,
        "tracking_uri": ctx.uri,
        "server_version": _server_version(ctx),
        "seeded_at_ms": ctx.now,
        "seed_seconds": None,
        "timings": ctx.timings,
        "total_models": len(out_models),
        "total_versions": sum(m["num_versions"] for m in out_models),
        "core_models": core,
        "awkward_models": list(catalog.AWKWARD_NAMES),
        "edge_cases": {"escape": catalog.ESCAPE_MODEL, "deleted_run": catalog.DELETED_RUN_MODEL,
                       "orphan_run": catalog.ORPHAN_RUN_MODEL, "empty": catalog.EMPTY_MODEL,
                       "many_versions": catalog.BENCH_MODEL},
        "orphan_run_method": ctx.facts["orphan_method"],
        "filler_model_count": sum(1 for m in out_models if m["kind"] == "filler"),
        "experiments": {e["name"]: e["experiment_id"] for e in exps},
        "fairness": {
            "primary_attribute": evidence.PRIMARY_ATTRIBUTE,
            "attributes": {a: {"groups": list(s["labels"].values()),
                               "raw_values": s["labels"],
                               "unprivileged": s["unprivileged"],
                               "privileged": s["privileged"]}
                           for a, s in evidence.ATTRIBUTES.items()},
            "disparate_impact_below_0_8": sorted(ctx.facts["low_disparate_impact"],
                                                 key=lambda d: (d["model"], int(d["version"]))),
        },
        "monitoring": sorted(ctx.facts["monitoring"], key=lambda d: d["model_name"]),
        "explainability": sorted(ctx.facts["explainability"],
                                 key=lambda d: (d["model"], int(d["version"]))),
        "fine_curve": ctx.facts["fine_curve"],
        "run_chains": ctx.facts["chains"],
        "models": out_models,
    }


def _server_version(ctx: Ctx) -> str:
    import requests
    try:
        return requests.get(ctx.uri + "/version", timeout=10).text.strip()
    except Exception:  # noqa: BLE001
        return ""


def write_manifest(path: str, manifest: dict) -> None:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1)
        f.write("\n")
    os.replace(tmp, path)


def existing_seed(ctx: Ctx, profile: str) -> dict | None:
    """Return the stored manifest when the registry already holds this seed."""
    import requests
    try:
        rm = ctx.rest.get("registered-models/get", name="credit-risk-scorer")["registered_model"]
    except RestError as e:
        if e.status != 404:
            raise
        others = ctx.rest.get("registered-models/search", max_results=1).get("registered_models")
        if others:
            sys.exit("seed: the registry already holds models but no seed; "
                     "seed an empty server (remove its data directory) and retry")
        return None
    tags = {t["key"]: t["value"] for t in rm.get("tags", [])}
    if tags.get(SEED_TAG) != profile:
        got = tags.get(SEED_TAG)
        sys.exit(f"seed: registry holds {'the ' + repr(got) + ' seed' if got else 'a partial seed'}"
                 f", not {profile!r}; remove the server's data directory and retry")
    exp = ctx.rest.get("experiments/get-by-name", experiment_name=SEED_EXPERIMENT)["experiment"]
    runs = ctx.rest.post("runs/search", {"experiment_ids": [exp["experiment_id"]],
                                         "filter": f"tags.`{SEED_TAG}` = '{profile}'",
                                         "max_results": 1})["runs"]
    r = requests.get(f"{ctx.uri}/get-artifact",
                     params={"run_id": runs[0]["info"]["run_id"], "path": "manifest.json"},
                     timeout=60)
    r.raise_for_status()
    return r.json()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tracking-uri", required=True)
    ap.add_argument("--profile", required=True, choices=sorted(PROFILES))
    ap.add_argument("--manifest", required=True)
    ap.add_argument("--backend-store-uri", default=None,
                    help="server's backend store, to garbage-collect the orphan run for real")
    ap.add_argument("--artifacts-destination", default=None)
    ap.add_argument("--monitoring-end", default=None,
                    help="UTC date (YYYY-MM-DD) of the last monitoring window's end "
                         "(default: last UTC midnight)")
    ap.add_argument("--workers", type=int, default=8, help="REST threads per pool")
    ap.add_argument("--core-threads", type=int, default=2,
                    help="core models trained concurrently")
    ap.add_argument("--skip-bulk", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()

    warnings.filterwarnings("ignore")
    logging.getLogger("mlflow").setLevel(logging.ERROR)
    logging.getLogger("alembic").setLevel(logging.ERROR)

    ctx = Ctx(args)
    prev = existing_seed(ctx, args.profile)
    if prev is not None:
        prev["tracking_uri"] = ctx.uri
        write_manifest(args.manifest, prev)
        log(f"registry already seeded with profile {args.profile!r}; manifest rewritten to "
            f"{args.manifest}")
        return 0

    log(f"seeding profile {args.profile!r} into {ctx.uri}")
    _import_heavy()
    prof = PROFILES[args.profile]
    fixed = len(catalog.CORE_MODELS) + 5  # + escape, deleted, orphan, empty, bench
    filler = prof.get("filler", prof.get("total_models", 0) - fixed)

    # Experiments up front (stable ids).
    for cm in catalog.CORE_MODELS:
        ctx.exp(cm["experiment"])
    for e in ("monitoring", "bench/registry-scale", "shared/feature-models",
              "sandbox/edge-cases", SEED_EXPERIMENT):
        ctx.exp(e)

    bg = ThreadPoolExecutor(max_workers=3, thread_name_prefix="bulk")
    jobs = [] if args.skip_bulk else [
        bg.submit(seed_edge_cases, ctx), bg.submit(seed_bench_model, ctx),
        bg.submit(seed_filler, ctx, filler)]

    # Core models: real training + MLflow client, two models at a time (the fluent
    # run stack is thread-local in MLflow 3; training overlaps the other's I/O).
    t_core = time.time()
    core_pool = ThreadPoolExecutor(max_workers=args.core_threads, thread_name_prefix="core")
    futs = {cm["name"]: core_pool.submit(seed_core_model, ctx, cm) for cm in catalog.CORE_MODELS}
    trained = {n: f.result() for n, f in futs.items()}
    core_pool.shutdown()
    ctx.timings["core_total"] = round(time.time() - t_core, 2)

    t_mon = time.time()
    for cm in catalog.CORE_MODELS:
        for v, t in trained[cm["name"]].items():
            if t["spec"].get("monitor"):
                seed_monitoring(ctx, cm["name"], v, t, cm["domain"], cm["gen"])
    ctx.timings["monitoring_total"] = round(time.time() - t_mon, 2)

    for j in jobs:
        j.result()
    bg.shutdown()

    ctx.timings["core_phases"] = ctx.phase.t
    t_m = time.time()
    manifest = build_manifest(ctx, args.profile)
    ctx.timings["manifest"] = round(time.time() - t_m, 2)
    manifest["seed_seconds"] = round(time.time() - T0, 2)
    manifest["rest_calls"] = ctx.rest.calls + ctx.bulk.calls

    from mlflow import MlflowClient
    seed_run = ctx.rest.create_run(ctx.exp(SEED_EXPERIMENT), f"seed-{args.profile}", ctx.now,
                                   {SEED_TAG: args.profile, "mlflow.user": "tollgate-seed"})
    MlflowClient(ctx.uri).log_dict(seed_run["info"]["run_id"], manifest, "manifest.json")
    ctx.rest.finish_run(seed_run["info"]["run_id"], int(time.time() * 1000))
    # Last: the marker that makes re-runs a no-op.
    ctx.rest.post("registered-models/set-tag", {"name": "credit-risk-scorer", "key": SEED_TAG,
                                                "value": args.profile})
    write_manifest(args.manifest, manifest)
    log(f"done: {manifest['total_models']} models, {manifest['total_versions']} versions, "
        f"{manifest['rest_calls']} REST calls, {manifest['seed_seconds']}s; manifest at {args.manifest}")
    log("timings: " + json.dumps(ctx.timings))
    return 0


class _QuietStream:
    """Drops the MLflow client's per-run chatter (run URLs, registration notices)."""

    NOISE = ("\U0001f3c3 View run", "\U0001f9ea View experiment", "Registered model ",
             "Created version ")

    def __init__(self, target):
        self.target = target
        self.buf = ""

    def write(self, s):
        self.buf += s
        while "\n" in self.buf:
            line, self.buf = self.buf.split("\n", 1)
            if not line.startswith(self.NOISE):
                self.target.write(line + "\n")
        return len(s)

    def flush(self):
        self.target.flush()

    def isatty(self):
        return False


if __name__ == "__main__":
    # stdout carries nothing; everything goes to stderr, minus MLflow's chatter.
    sys.stderr = _QuietStream(sys.__stderr__)
    sys.stdout = sys.stderr
    sys.exit(main())

#!/usr/bin/env python3
"""Check a seeded server against its manifest over plain REST (no MLflow client).

    verify.py --tracking-uri URL --manifest PATH

Exits non-zero, naming the first failed check. Standard library only.
"""

import argparse
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

DAY_MS = 86_400_000


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tracking-uri", required=True)
    ap.add_argument("--manifest", required=True)
    a = ap.parse_args()
    base = a.tracking_uri.rstrip("/")
    m = json.load(open(a.manifest, encoding="utf-8"))
    checks = 0

    def get(route, **params):
        url = f"{base}{route}?{urllib.parse.urlencode(params)}"
        try:
            with urllib.request.urlopen(url, timeout=60) as r:
                return r.status, json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            body = e.read()
            return e.code, json.loads(body) if body else {}

    def api(endpoint, **params):
        return get(f"/api/2.0/mlflow/{endpoint}", **params)

    def check(cond, what):
        nonlocal checks
        if not cond:
            print(f"verify: FAILED: {what}", file=sys.stderr)
            sys.exit(1)
        checks += 1

    # every model, its versions, stages, aliases, run ids
    names = []
    token = None
    while True:
        params = {"max_results": 1000, **({"page_token": token} if token else {})}
        _, page = api("registered-models/search", **params)
        names += [r["name"] for r in page.get("registered_models", [])]
        token = page.get("next_page_token")
        if not token:
            break
    check(len(names) == m["total_models"], f"total models {len(names)} != {m['total_models']}")
    check(sorted(names) == sorted(x["name"] for x in m["models"]), "model names differ")

    by_name = {x["name"]: x for x in m["models"]}
    for name in m["core_models"] + [m["edge_cases"][k] for k in m["edge_cases"]]:
        st, rm = api("registered-models/get", name=name)
        check(st == 200, f"registered-models/get {name!r} -> {st}")
        rm = rm["registered_model"]
        check(rm["name"] == name, f"name round-trip {name!r}")
        aliases = {x["alias"]: x["version"] for x in rm.get("aliases", [])}
        check(aliases == by_name[name]["aliases"], f"aliases of {name!r}")
        flt = f'name = "{name}"' if "'" in name else f"name = '{name}'"
        _, vs = api("model-versions/search", filter=flt, max_results=1000)
        got = {v["version"]: (v["current_stage"], v.get("run_id", ""))
               for v in vs.get("model_versions", [])}
        want = {v["version"]: (v["stage"], v["run_id"]) for v in by_name[name]["versions"]}
        check(got == want, f"versions of {name!r}")
    for name in m["core_models"]:
        stages = {v["stage"] for v in by_name[name]["versions"]}
        check(stages == {"None", "Staging", "Production", "Archived"}, f"stage spread {name!r}")
        check(4 <= by_name[name]["num_versions"] <= 6, f"version count {name!r}")

    # edge cases
    orphan = by_name[m["edge_cases"]["orphan_run"]]["versions"][0]["run_id"]
    st, body = api("runs/get", run_id=orphan)
    check(st == 404 and body.get("error_code") == "RESOURCE_DOES_NOT_EXIST", "orphan run 404")
    deleted = by_name[m["edge_cases"]["deleted_run"]]["versions"][0]["run_id"]
    st, body = api("runs/get", run_id=deleted)
    check(st == 200 and body["run"]["info"]["lifecycle_stage"] == "deleted", "deleted run")
    check(by_name[m["edge_cases"]["empty"]]["num_versions"] == 0, "empty model")
    check(by_name[m["edge_cases"]["many_versions"]]["num_versions"] == 200, "200 versions")
    _, esc = api("registered-models/get", name=m["edge_cases"]["escape"])
    check("\x1b[31m" in esc["registered_model"]["description"], "escape description")

    # a core version's run: metrics, fairness, datasets, parent
    v = by_name["credit-risk-scorer"]["versions"][3]
    _, run = api("runs/get", run_id=v["run_id"])
    keys = {x["key"] for x in run["run"]["data"]["metrics"]}
    for k in ("accuracy", "auc", "f1", "precision", "recall", "latency_p95_ms", "model_size_mb",
              "train_loss", "val_auc", "fairness.disparate_impact",
              "fairness.sex:female.selection_rate", "fairness.age_group:lt25.tpr"):
        check(k in keys, f"metric {k} on credit-risk-scorer v4")
    check(keys == set(v["run_metric_names"]), "run metric names match the manifest")
    tags = {t["key"]: t["value"] for t in run["run"]["data"]["tags"]}
    check("mlflow.parentRunId" in tags and len(tags.get("mlflow.source.git.commit", "")) == 40,
          "parent and commit tags")
    ctxs = sorted(t["value"] for d in run["run"]["inputs"]["dataset_inputs"] for t in d["tags"]
                  if t["key"] == "mlflow.data.context")
    check(ctxs == ["evaluation", "training"], "dataset inputs")
    check(any(d["value"] < 0.8 for d in m["fairness"]["disparate_impact_below_0_8"]),
          "a version with disparate impact < 0.8")
    fc = m["fine_curve"]
    _, h = api("metrics/get-history", run_id=fc["run_id"], metric_key=fc["metric"])
    check(len(h["metrics"]) == fc["points"], "fine curve length")

    # monitoring: 30 steps, timestamps at window ends, histograms artifact
    for mon in m["monitoring"]:
        _, run = api("runs/get", run_id=mon["run_id"])
        tags = {t["key"]: t["value"] for t in run["run"]["data"]["tags"]}
        check(tags["monitoring.model_name"] == mon["model_name"]
              and tags["monitoring.model_version"] == mon["model_version"], "monitoring tags")
        for key in (f"drift.{mon['drifting_feature']}.psi", "drift.share", "perf.accuracy"):
            _, h = api("metrics/get-history", run_id=mon["run_id"], metric_key=key)
            pts = sorted(h["metrics"], key=lambda p: p["step"])
            check([p["step"] for p in pts] == list(range(30)), f"{key} steps")
            check([p["timestamp"] for p in pts] == mon["window_end_ms"], f"{key} timestamps")
            check(all(t % DAY_MS == 0 for t in mon["window_end_ms"]), "window ends at midnight")
        _, h = api("metrics/get-history", run_id=mon["run_id"],
                   metric_key=f"drift.{mon['drifting_feature']}.psi")
        psi = [p["value"] for p in sorted(h["metrics"], key=lambda p: p["step"])]
        check(max(psi[:18]) < 0.1 and psi[-1] > 0.25, f"psi shape {psi[0]:.3f}..{psi[-1]:.3f}")
        st, hist = get("/get-artifact", run_id=mon["run_id"], path="drift/histograms.json")
        f = hist["features"][mon["drifting_feature"]]
        check(st == 200 and f["kind"] == "numeric" and len(f["windows"]) == 30
              and len(f["bin_edges"]) == len(f["reference"]) + 1, "histograms.json")
    for e in m["explainability"]:
        _, lst = api("artifacts/list", run_id=e["run_id"], path="explainability")
        got = sorted(x["path"] for x in lst.get("files", []))
        check(got == sorted(e["artifacts"]), f"explainability of {e['model']} v{e['version']}")

    print(f"verify: {checks} checks passed against {base}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

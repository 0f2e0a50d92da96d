#!/usr/bin/env python3
"""Baseline for `tollgate versions NAME --json`: the same data via MLflow's Python client.

    python_peer.py --tracking-uri URL --model NAME [--output PATH]

Runs MlflowClient.search_model_versions(name = NAME), then get_run(run_id) for each
version, one after the other as a script would, and prints JSON (a list of versions
with their run's metrics, params and tags) to stdout or PATH. Timings go to stderr
as one line: wall (process start to end, imports included) and api (the calls).
"""

import time

T_START = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")
os.environ.setdefault("MLFLOW_LOGGING_LEVEL", "ERROR")


def name_filter(name: str) -> str:
    # MLflow's filter grammar: a name holding a single quote goes in double quotes.
    if "'" in name:
        return f'name = "{name}"'
    return f"name = '{name}'"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tracking-uri", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--output", default="-")
    args = ap.parse_args()

    import warnings
    warnings.filterwarnings("ignore")
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException
    t_import = time.perf_counter()

    client = MlflowClient(tracking_uri=args.tracking_uri, registry_uri=args.tracking_uri)
    t0 = time.perf_counter()
    versions = client.search_model_versions(name_filter(args.model))
    t_search = time.perf_counter()
    out = []
    for mv in sorted(versions, key=lambda v: int(v.version)):
        row = {"name": mv.name, "version": mv.version, "stage": mv.current_stage,
               "status": mv.status, "source": mv.source, "run_id": mv.run_id,
               "description": mv.description, "tags": dict(mv.tags or {}),
               "creation_timestamp": mv.creation_timestamp, "run": None}
        if mv.run_id:
            try:
                r = client.get_run(mv.run_id)
                row["run"] = {"run_id": r.info.run_id, "run_name": r.info.run_name,
                              "status": r.info.status, "lifecycle_stage": r.info.lifecycle_stage,
                              "start_time": r.info.start_time, "end_time": r.info.end_time,
                              "metrics": r.data.metrics, "params": r.data.params,
                              "tags": r.data.tags}
            except MlflowException as e:
                row["run_error"] = e.error_code
        out.append(row)
    t_end = time.perf_counter()

    text = json.dumps(out, ensure_ascii=False, indent=1)
    if args.output == "-":
        sys.stdout.write(text + "\n")
    else:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    done = time.perf_counter()
    print(f"python_peer: model={args.model!r} versions={len(out)} "
          f"wall_s={done - T_START:.3f} api_s={t_end - t0:.3f} "
          f"search_s={t_search - t0:.3f} get_run_s={t_end - t_search:.3f} "
          f"import_s={t_import - T_START:.3f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

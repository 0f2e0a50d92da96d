#!/usr/bin/env python3
"""Run tollgate and its peers against the same server, in one run, and print the figures.

Each command runs once to warm up, then RUNS times; the median wall time is reported.
Round trips are counted from the MLflow server's access log (one line per request).
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def timed(cmd, env=None, ok=(0,)):
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, check=False)
    elapsed = time.perf_counter() - t0
    if proc.returncode not in ok:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr.decode()}")
    return elapsed, proc.stdout, proc.stderr.decode()


def median_of(cmd, runs, env=None, ok=(0,)):
    timed(cmd, env, ok)  # warm-up: page cache, server-side caches, connection setup
    samples = [timed(cmd, env, ok) for _ in range(runs)]
    return statistics.median(s[0] for s in samples), samples


def requests_during(server_log, cmd, env=None, ok=(0,)):
    def count():
        with open(server_log, encoding="utf-8", errors="replace") as f:
            return sum(1 for line in f if 'HTTP/1.1" ' in line)
    before = count()
    timed(cmd, env, ok)
    time.sleep(0.5)  # the access log is written after the response
    return count() - before


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tracking-uri", required=True)
    ap.add_argument("--tollgate", required=True)
    ap.add_argument("--server-log", required=True)
    ap.add_argument("--manifest", required=True)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()

    manifest = json.load(open(args.manifest, encoding="utf-8"))
    model = manifest["edge_cases"]["many_versions"]
    total_models = manifest["total_models"]
    env = dict(os.environ, MLFLOW_TRACKING_URI=args.tracking_uri, NO_COLOR="1")
    env.pop("TOLLGATE_PROFILE", None)
    env["TOLLGATE_CONFIG"] = "/nonexistent/tollgate-bench.toml"
    results = []

    # 1. versions of a 200-version model, each with its own run.
    tg_cmd = [args.tollgate, "versions", model, "--json"]
    tg_time, tg_samples = median_of(tg_cmd, args.runs, env)
    n_versions = json.loads(tg_samples[0][1])["count"]
    tg_requests = requests_during(args.server_log, tg_cmd, env)
    peer_cmd = [sys.executable, os.path.join(HERE, "python_peer.py"),
                "--tracking-uri", args.tracking_uri, "--model", model, "--output", os.devnull]
    _, peer_samples = median_of(peer_cmd, args.runs, env)
    peer_wall = statistics.median(float(re.search(r"wall_s=([\d.]+)", s[2]).group(1)) for s in peer_samples)
    peer_api = statistics.median(float(re.search(r"api_s=([\d.]+)", s[2]).group(1)) for s in peer_samples)
    peer_requests = requests_during(args.server_log, peer_cmd, env)
    results.append(("versions", f"`tollgate versions {model} --json` ({n_versions} versions)",
                    tg_time, tg_requests,
                    f"MLflow Python client, calls only (search_model_versions + {n_versions} x get_run)",
                    peer_api, peer_requests))
    results.append(("versions-wall", "same, whole process", tg_time, tg_requests,
                    "MLflow Python client, whole process (imports included)", peer_wall, peer_requests))

    # 2. every model of the registry, at MLflow's largest page size.
    page = "1000"
    tg_cmd = [args.tollgate, "models", "--json", "--page-size", page]
    tg_time, tg_samples = median_of(tg_cmd, args.runs, env)
    listed = json.loads(tg_samples[0][1])["count"]
    if listed != total_models:
        sys.exit(f"tollgate listed {listed} models, the manifest says {total_models}")
    tg_requests = requests_during(args.server_log, tg_cmd, env)
    curl_cmd = ["bash", os.path.join(HERE, "curl_pages.sh"), args.tracking_uri, page]
    curl_time, _ = median_of(curl_cmd, args.runs, env)
    curl_requests = requests_during(args.server_log, curl_cmd, env)
    results.append(("models", f"`tollgate models --json` ({listed} models, pages of {page})",
                    tg_time, tg_requests, "plain curl, the same pages", curl_time, curl_requests))

    print(f"\nmedian of {args.runs} runs after a warm-up; server {args.tracking_uri}; "
          f"{os.cpu_count()} CPUs\n")
    print("| what | tollgate | requests | peer | peer time | requests | peer / tollgate |")
    print("|---|---|---|---|---|---|---|")
    for _, what, t, r, peer, pt, pr in results:
        print(f"| {what} | {t * 1000:.0f} ms | {r} | {peer} | {pt * 1000:.0f} ms | {pr} | {pt / t:.1f}x |")
    versions_ratio = results[0][5] / results[0][2]
    models_ratio = results[2][2] / results[2][5]
    print(f"\nversions: tollgate is {versions_ratio:.1f}x faster than the Python client's calls alone "
          f"(goal: >= 20x)")
    print(f"models: tollgate takes {models_ratio:.2f}x the time of plain curl (goal: <= 1.5x)")

    # 3. Governance reads, tollgate alone (no peer does them): the inbox over every version of
    # the registry, a gate check with every kind of gate (gate check exits 1 when one fails),
    # and a model's audit trail.
    policy = os.path.join(HERE, "..", "..", "examples", "policy.toml")
    governance = [
        ("`tollgate inbox --json` (every version of the registry)",
         [args.tollgate, "inbox", "--json"]),
        (f"`tollgate gate check {model} 200 --to Production` (examples/policy.toml: 5 gates)",
         [args.tollgate, "gate", "check", model, "200", "--to", "Production",
          "--policy", policy, "--json"]),
        (f"`tollgate audit {model} --json`", [args.tollgate, "audit", model, "--json"]),
    ]
    print("\n| governance read | tollgate | requests |")
    print("|---|---|---|")
    for what, cmd in governance:
        t, _ = median_of(cmd, args.runs, env, ok=(0, 1))
        r = requests_during(args.server_log, cmd, env, ok=(0, 1))
        print(f"| {what} | {t * 1000:.0f} ms | {r} |")


if __name__ == "__main__":
    main()

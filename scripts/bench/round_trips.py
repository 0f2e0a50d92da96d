#!/usr/bin/env python3
"""Round trips of each headless command, on a model with a few versions and on one with 200.

For each command: the requests it made (lines in the MLflow server's access log while it ran),
and its wall time on a slow link (through tests/fixtures/net/delay_proxy.py, 200 ms added to
every round trip; best of RUNS). The request count may not grow with the number of versions
shown: the script exits 1 when a command makes more requests on the 200-version model than on
the small one. (Times are printed, not checked: they depend on the machine's load.)
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
DELAY_MS = 200


def run(cmd, env, ok):
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, check=False)
    elapsed = time.perf_counter() - t0
    if proc.returncode not in ok:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr.decode()}")
    return elapsed


def log_lines(server_log):
    with open(server_log, encoding="utf-8", errors="replace") as f:
        return sum(1 for line in f if 'HTTP/1.1" ' in line)


def requests_of(server_log, cmd, env, ok):
    before = log_lines(server_log)
    run(cmd, env, ok)
    time.sleep(0.5)  # the access log is written after the response
    return log_lines(server_log) - before


def best_of(cmd, env, ok, runs):
    run(cmd, env, ok)  # warm-up
    return min(run(cmd, env, ok) for _ in range(runs))


def start_delay_proxy(tracking_uri):
    port = tracking_uri.rstrip("/").rsplit(":", 1)[1]
    proxy = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, "tests/fixtures/net/delay_proxy.py"), port,
         "--delay-ms", str(DELAY_MS)],
        stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
    slow_port = int(proxy.stdout.readline())
    return proxy, f"http://127.0.0.1:{slow_port}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tracking-uri", required=True)
    ap.add_argument("--tollgate", required=True)
    ap.add_argument("--server-log", required=True)
    ap.add_argument("--manifest", required=True)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()

    manifest = json.load(open(args.manifest, encoding="utf-8"))
    big = manifest["edge_cases"]["many_versions"]
    # A core model with monitoring, fairness and lineage evidence, and a handful of versions.
    names = [m["name"] for m in manifest["models"] if m.get("num_versions")]
    small = "credit-risk-scorer" if "credit-risk-scorer" in names else names[0]
    env = dict(os.environ, NO_COLOR="1", TOLLGATE_CONFIG="/nonexistent/tollgate-bench.toml")
    env.pop("TOLLGATE_PROFILE", None)
    policy = os.path.join(ROOT, "examples", "policy.toml")
    export_dir = tempfile.mkdtemp(prefix="tollgate-bench-export-")

    def latest(model):
        out = subprocess.run([args.tollgate, "--tracking-uri", args.tracking_uri, "versions", model,
                              "--json"], stdout=subprocess.PIPE, env=env, check=True).stdout
        versions = json.loads(out)["versions"]
        return max((v["version"] for v in versions), key=int), len(versions)

    per_model = [
        ("versions {m}", lambda m, v: ["versions", m, "--json"], (0,)),
        ("show {m} {v}", lambda m, v: ["show", m, v, "--json"], (0,)),
        ("lineage {m} {v}", lambda m, v: ["lineage", m, v, "--json"], (0,)),
        ("fairness {m} {v}", lambda m, v: ["fairness", m, v, "--json"], (0, 1, 3)),
        ("drift {m}", lambda m, v: ["drift", m, "--json"], (0, 1, 3)),
        ("gate check {m} {v}", lambda m, v: ["gate", "check", m, v, "--to", "Production",
                                             "--policy", policy, "--json"], (0, 1)),
        ("audit {m}", lambda m, v: ["audit", m, "--json"], (0,)),
        ("export {m} {v}", lambda m, v: ["export", m, v, "--out", export_dir], (0, 1)),
    ]
    registry_wide = [
        ("models", ["models", "--json"], (0,)),
        ("inbox", ["inbox", "--json"], (0,)),
    ]

    proxy, slow_uri = start_delay_proxy(args.tracking_uri)
    try:
        def measure(tail, ok):
            direct = [args.tollgate, "--tracking-uri", args.tracking_uri] + tail
            slow = [args.tollgate, "--tracking-uri", slow_uri] + tail
            return requests_of(args.server_log, direct, env, ok), best_of(slow, env, ok, args.runs)

        small_v, small_n = latest(small)
        big_v, big_n = latest(big)
        print(f"\nrequests per command, and its time on a slow link ({DELAY_MS} ms added per round "
              f"trip, best of {args.runs} after a warm-up); {small} has {small_n} versions, "
              f"{big} {big_n}\n")
        print(f"| command | requests ({small_n} versions) | requests ({big_n} versions) "
              f"| slow link ({small_n} versions) | slow link ({big_n} versions) |")
        print("|---|---|---|---|---|")
        grew = []
        for label, tail_of, ok in per_model:
            small_req, small_slow = measure(tail_of(small, small_v), ok)
            big_req, big_slow = measure(tail_of(big, big_v), ok)
            name = label.format(m="MODEL", v="VERSION")
            print(f"| `{name}` | {small_req} | {big_req} | {small_slow:.2f} s | {big_slow:.2f} s |",
                  flush=True)
            if big_req > small_req:
                grew.append(name)
        for label, tail, ok in registry_wide:
            req, slow_s = measure(tail, ok)
            print(f"| `{label}` (whole registry, {manifest['total_models']} models) | {req} | | "
                  f"{slow_s:.2f} s | |", flush=True)
    finally:
        proxy.kill()
    if grew:
        print(f"\nFAILED: requests grow with the number of versions: {', '.join(grew)}")
        sys.exit(1)
    print("\nrequests do not grow with the number of versions shown")


if __name__ == "__main__":
    main()

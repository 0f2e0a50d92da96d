"""Minimal MLflow REST client used for bulk seeding (fast, thread-safe)."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterable

import requests

API = "/api/2.0/mlflow"


class RestError(RuntimeError):
    def __init__(self, method: str, endpoint: str, status: int, body: str):
        self.status = status
        self.body = body
        try:
            self.error_code = json.loads(body).get("error_code", "")
        except Exception:  # noqa: BLE001 - body may be anything
            self.error_code = ""
        super().__init__(f"{method} {endpoint} -> HTTP {status}: {body[:500]}")


class Rest:
    """Calls `<base>/api/2.0/mlflow/<endpoint>` with retries on transient failures.

    One requests.Session per thread; `map` fans calls out over a fixed pool.
    """

    def __init__(self, base_url: str, workers: int = 8, timeout: float = 60.0):
        self.base = base_url.rstrip("/")
        self.timeout = timeout
        self._local = threading.local()
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="rest")
        self.calls = 0
        self._lock = threading.Lock()

    def _session(self) -> requests.Session:
        s = getattr(self._local, "session", None)
        if s is None:
            s = requests.Session()
            s.headers["Content-Type"] = "application/json"
            self._local.session = s
        return s

    def call(self, method: str, endpoint: str, body: dict | None = None,
             params: dict | None = None, api: str = API) -> dict:
        url = f"{self.base}{api}/{endpoint}"
        delay = 0.2
        for attempt in range(8):
            with self._lock:
                self.calls += 1
            try:
                r = self._session().request(
                    method, url, params=params,
                    data=None if body is None else json.dumps(body),
                    timeout=self.timeout)
            except requests.RequestException:
                if attempt == 7:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 3.0)
                continue
            if r.status_code == 200:
                return r.json() if r.content else {}
            transient = r.status_code >= 500 or r.status_code == 429 or (
                "database is locked" in r.text)
            if transient and attempt < 7:
                time.sleep(delay)
                delay = min(delay * 2, 3.0)
                continue
            raise RestError(method, endpoint, r.status_code, r.text)
        raise AssertionError("unreachable")

    def get(self, endpoint: str, **params: Any) -> dict:
        return self.call("GET", endpoint, params=params)

    def post(self, endpoint: str, body: dict) -> dict:
        return self.call("POST", endpoint, body=body)

    def patch(self, endpoint: str, body: dict) -> dict:
        return self.call("PATCH", endpoint, body=body)

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> list:
        """Run fn over items on the pool; results in input order; first error raises."""
        futures = [self.pool.submit(fn, it) for it in items]
        return [f.result() for f in futures]

    # ---- helpers -------------------------------------------------------
    def create_run(self, experiment_id: str, run_name: str, start_time: int,
                   tags: dict[str, str] | None = None) -> dict:
        tag_list = [{"key": k, "value": str(v)} for k, v in (tags or {}).items()]
        user = (tags or {}).get("mlflow.user", "")
        body = {"experiment_id": experiment_id, "run_name": run_name,
                "start_time": int(start_time), "tags": tag_list}
        if user:
            body["user_id"] = user
        return self.post("runs/create", body)["run"]

    def log_batch(self, run_id: str, metrics: list[dict] | None = None,
                  params: dict[str, Any] | None = None,
                  tags: dict[str, Any] | None = None) -> None:
        """log-batch, split to respect MLflow's limits (1000 metrics, 100 params/tags)."""
        metrics = list(metrics or [])
        params_l = [{"key": k, "value": str(v)} for k, v in (params or {}).items()]
        tags_l = [{"key": k, "value": str(v)} for k, v in (tags or {}).items()]
        first = True
        while first or metrics or params_l or tags_l:
            first = False
            p, params_l = params_l[:100], params_l[100:]
            t, tags_l = tags_l[:100], tags_l[100:]
            room = 1000 - len(p) - len(t)
            m, metrics = metrics[:room], metrics[room:]
            if not (m or p or t):
                break
            self.post("runs/log-batch", {"run_id": run_id, "metrics": m,
                                         "params": p, "tags": t})

    def finish_run(self, run_id: str, end_time: int, status: str = "FINISHED") -> None:
        self.post("runs/update", {"run_id": run_id, "status": status,
                                  "end_time": int(end_time)})

    def transition(self, name: str, version: str, stage: str) -> None:
        self.post("model-versions/transition-stage",
                  {"name": name, "version": str(version), "stage": stage,
                   "archive_existing_versions": False})

    def set_alias(self, name: str, alias: str, version: str) -> None:
        self.post("registered-models/alias",
                  {"name": name, "alias": alias, "version": str(version)})

    def paginate(self, endpoint: str, key: str, method: str = "GET",
                 **params: Any) -> list[dict]:
        out: list[dict] = []
        token = None
        while True:
            if method == "GET":
                q = dict(params)
                if token:
                    q["page_token"] = token
                page = self.get(endpoint, **q)
            else:
                b = dict(params)
                if token:
                    b["page_token"] = token
                page = self.post(endpoint, b)
            out.extend(page.get(key, []))
            token = page.get("next_page_token")
            if not token:
                return out


def metric(key: str, value: float, timestamp: int, step: int = 0) -> dict:
    return {"key": key, "value": float(value), "timestamp": int(timestamp), "step": int(step)}

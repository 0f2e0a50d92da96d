"""Fairness and drift evidence, computed for real (see docs/evidence-convention.md)."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats
from scipy.spatial.distance import jensenshannon
from sklearn.metrics import roc_auc_score

# ---------------------------------------------------------------------------
# Fairness
# ---------------------------------------------------------------------------

# attribute -> (raw value -> metric-name label), unprivileged label, privileged labels
ATTRIBUTES = {
    "sex": {
        "labels": {"female": "female", "male": "male"},
        "unprivileged": "female",
        "privileged": ["male"],
    },
    "age_group": {
        "labels": {"<25": "lt25", "25-60": "25to60", ">60": "gt60"},
        "unprivileged": "lt25",
        "privileged": ["25to60", "gt60"],
    },
}
PRIMARY_ATTRIBUTE = "sex"
GROUP_METRICS = ("selection_rate", "accuracy", "tpr", "fpr")
AGGREGATES = ("statistical_parity_difference", "disparate_impact",
              "equal_opportunity_difference", "average_odds_difference")


def _rates(y: np.ndarray, yhat: np.ndarray) -> dict[str, float]:
    out = {"selection_rate": float(yhat.mean()) if len(yhat) else math.nan,
           "accuracy": float((y == yhat).mean()) if len(y) else math.nan}
    pos, neg = y == 1, y == 0
    out["tpr"] = float(yhat[pos].mean()) if pos.any() else math.nan
    out["fpr"] = float(yhat[neg].mean()) if neg.any() else math.nan
    return out


def _aggregates(unpriv: dict, priv: dict) -> dict[str, float]:
    sr_u, sr_p = unpriv["selection_rate"], priv["selection_rate"]
    return {
        "statistical_parity_difference": sr_u - sr_p,
        "disparate_impact": sr_u / sr_p if sr_p > 0 else math.nan,
        "equal_opportunity_difference": unpriv["tpr"] - priv["tpr"],
        "average_odds_difference": 0.5 * ((unpriv["fpr"] - priv["fpr"])
                                          + (unpriv["tpr"] - priv["tpr"])),
    }


def fairness_metrics(y_true, y_pred, groups: dict[str, np.ndarray]) -> dict[str, float]:
    """Return {metric_name: value}; NaN values (empty groups) are dropped.

    Names: fairness.<agg> (primary attribute `sex`), fairness.<attr>.<agg> (every
    attribute), fairness.<attr>:<group>.<metric> (per group).
    """
    y = np.asarray(y_true).astype(int)
    yhat = np.asarray(y_pred).astype(int)
    out: dict[str, float] = {}
    for attr, spec in ATTRIBUTES.items():
        col = np.asarray(groups[attr])
        per_group: dict[str, dict] = {}
        for raw, label in spec["labels"].items():
            m = col == raw
            if not m.any():
                continue
            per_group[label] = _rates(y[m], yhat[m])
            for k, v in per_group[label].items():
                out[f"fairness.{attr}:{label}.{k}"] = v
        # unprivileged group vs the union of the privileged groups
        raw_of = {v: k for k, v in spec["labels"].items()}
        u = col == raw_of[spec["unprivileged"]]
        p = np.isin(col, [raw_of[g] for g in spec["privileged"]])
        agg = _aggregates(_rates(y[u], yhat[u]), _rates(y[p], yhat[p]))
        for k, v in agg.items():
            out[f"fairness.{attr}.{k}"] = v
            if attr == PRIMARY_ATTRIBUTE:
                out[f"fairness.{k}"] = v
    return {k: v for k, v in out.items() if not (isinstance(v, float) and math.isnan(v))}


def fairness_tags() -> dict[str, str]:
    tags = {"fairness.sensitive_attributes": ",".join(ATTRIBUTES),
            "fairness.primary_attribute": PRIMARY_ATTRIBUTE}
    for attr, spec in ATTRIBUTES.items():
        tags[f"fairness.{attr}.unprivileged"] = spec["unprivileged"]
        tags[f"fairness.{attr}.privileged"] = ",".join(spec["privileged"])
    return tags


# ---------------------------------------------------------------------------
# Drift
# ---------------------------------------------------------------------------

PSI_BINS = 10
PSI_EPS = 1e-4
KS_ALPHA = 0.05
HIST_BINS = 20


def reference_bin_edges(ref: np.ndarray, bins: int = PSI_BINS) -> np.ndarray:
    """Quantile (decile) edges of the reference; outer edges open (-inf, +inf)."""
    q = np.quantile(ref, np.linspace(0, 1, bins + 1))
    edges = np.unique(q)
    if len(edges) < 2:
        edges = np.array([edges[0], edges[0]])
    edges = edges.astype(float)
    edges[0], edges[-1] = -np.inf, np.inf
    return edges


def _proportions(x: np.ndarray, edges: np.ndarray) -> np.ndarray:
    counts, _ = np.histogram(x, bins=edges)
    return counts / max(len(x), 1)


def drift_stats(ref: np.ndarray, cur: np.ndarray) -> dict[str, float]:
    edges = reference_bin_edges(ref)
    rp, cp = _proportions(ref, edges), _proportions(cur, edges)
    rp_e, cp_e = np.where(rp == 0, PSI_EPS, rp), np.where(cp == 0, PSI_EPS, cp)
    psi = float(np.sum((rp_e - cp_e) * np.log(rp_e / cp_e)))
    ks = stats.ks_2samp(ref, cur)
    js = float(jensenshannon(rp, cp))  # natural log: range 0 .. sqrt(ln 2) ~= 0.833
    wd = float(stats.wasserstein_distance(ref, cur) / max(float(np.std(ref)), 1e-3))
    return {"psi": psi, "ks_stat": float(ks.statistic), "p_value": float(ks.pvalue),
            "js_distance": 0.0 if math.isnan(js) else js, "wasserstein": wd}


def histogram_edges(ref: np.ndarray, windows: list[np.ndarray], bins: int = HIST_BINS) -> np.ndarray:
    lo = min(float(ref.min()), *(float(w.min()) for w in windows))
    hi = max(float(ref.max()), *(float(w.max()) for w in windows))
    if hi <= lo:
        hi = lo + 1.0
    return np.linspace(lo, hi, bins + 1)


def histogram_counts(x: np.ndarray, edges: np.ndarray) -> list[int]:
    counts, _ = np.histogram(x, bins=edges)
    return [int(c) for c in counts]


def perf(y_true, proba) -> dict[str, float]:
    y = np.asarray(y_true).astype(int)
    p = np.asarray(proba)
    out = {"perf.accuracy": float(((p >= 0.5).astype(int) == y).mean())}
    if 0 < y.sum() < len(y):
        out["perf.auc"] = float(roc_auc_score(y, p))
    return out

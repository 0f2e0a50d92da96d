"""Synthetic tabular domains (credit, fraud, churn) and real model training.

Every dataset carries the sensitive attributes `sex` (female/male) and `age_group`
(<25, 25-60, >60). Labels are generated from latent ("true") quantities, so that
drift in an observed feature (a nominal income or amount inflating over time)
degrades a model trained before the drift.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from typing import Callable

import cloudpickle
import numpy as np
import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import (accuracy_score, f1_score, log_loss, precision_score,
                             recall_score, roc_auc_score)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

HISTORY_POINTS = 50


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _demographics(rng: np.random.Generator, n: int, female_share=0.48,
                  age_mean=42.0, age_sd=14.0):
    sex = np.where(rng.random(n) < female_share, "female", "male")
    age = np.clip(np.round(rng.normal(age_mean, age_sd, n)), 18, 88)
    age_group = np.where(age < 25, "<25", np.where(age <= 60, "25-60", ">60"))
    return sex, age, age_group


# ---------------------------------------------------------------------------
# Domains. gen(rng, n, shift) -> DataFrame of features + sex + age_group + label.
# `shift` multiplies the domain's drifting feature (1.0 = no drift).
# ---------------------------------------------------------------------------

def gen_credit(rng: np.random.Generator, n: int, shift: float = 1.0, bias: float = 0.55) -> pd.DataFrame:
    sex, age, age_group = _demographics(rng, n)
    female = sex == "female"
    real_income = np.exp(rng.normal(np.log(52.0) - 0.12 * female + 0.003 * (age - 40), 0.42, n))
    debt_ratio = rng.beta(2.0, 5.0, n)
    history = np.clip((age - 18) * 12 * rng.uniform(0.25, 1.0, n), 0, None).round()
    accounts = rng.poisson(4, n)
    loan = np.exp(rng.normal(np.log(14.0), 0.6, n))
    late = rng.poisson(0.2 + 1.6 * debt_ratio, n)
    employment = np.clip(rng.normal((age - 18) * 0.45, 3.0, n), 0, None).round(1)
    logit = (2.0 * np.log(real_income / 50.0) - 3.2 * debt_ratio + 0.002 * history
             - 0.55 * late - 0.5 * np.log(loan / 14.0) + 0.03 * employment + 1.0
             - bias * female - 0.15 * (age < 25))        # historical bias in past decisions
    label = (rng.random(n) < _sigmoid(logit)).astype(int)
    return pd.DataFrame({
        "income": (real_income * shift).round(2), "age": age, "debt_ratio": debt_ratio.round(4),
        "credit_history_months": history, "num_open_accounts": accounts,
        "loan_amount": loan.round(2), "late_payments_12m": late,
        "employment_years": employment, "sex": sex, "age_group": age_group, "label": label})


def gen_fraud(rng: np.random.Generator, n: int, shift: float = 1.0, base: float = -2.2) -> pd.DataFrame:
    sex, age, age_group = _demographics(rng, n, age_mean=40.0, age_sd=15.0)
    real_amount = np.exp(rng.normal(np.log(48.0), 1.0, n))
    hour = rng.integers(0, 24, n)
    merchant_risk = rng.beta(1.5, 6.0, n)
    distance = np.exp(rng.normal(np.log(8.0), 1.2, n))
    txn24 = rng.poisson(3, n)
    account_age = np.clip(rng.gamma(2.0, 400.0, n) * np.clip((age - 16) / 30, 0.2, 2), 1, None).round()
    card_present = (rng.random(n) < 0.62).astype(int)
    night = (hour < 6) | (hour >= 23)
    logit = (base + 0.9 * np.log(real_amount / 48.0) + 5.0 * merchant_risk
             + 0.5 * np.log(distance / 8.0) + 0.25 * (txn24 - 3) - 0.0004 * account_age
             - 1.4 * card_present + 1.2 * night + 0.25 * (sex == "male"))
    label = (rng.random(n) < _sigmoid(logit)).astype(int)
    return pd.DataFrame({
        "amount": (real_amount * shift).round(2), "hour": hour, "merchant_risk": merchant_risk.round(4),
        "distance_from_home_km": distance.round(2), "txn_count_24h": txn24,
        "account_age_days": account_age, "card_present": card_present, "age": age,
        "sex": sex, "age_group": age_group, "label": label})


def gen_churn(rng: np.random.Generator, n: int, shift: float = 1.0, base: float = -0.6) -> pd.DataFrame:
    sex, age, age_group = _demographics(rng, n, age_mean=39.0, age_sd=13.0)
    tenure = np.clip(rng.gamma(1.6, 18.0, n), 1, 96).round()
    real_charges = np.clip(rng.normal(68.0, 22.0, n), 15, None)
    calls = rng.poisson(1.2, n)
    monthly = (rng.random(n) < 0.45).astype(int)
    usage = np.clip(rng.gamma(2.0, 9.0, n), 0, None).round(2)
    delays = rng.poisson(0.35, n)
    products = 1 + rng.poisson(0.8, n)
    logit = (base - 0.035 * tenure + 0.02 * (real_charges - 68) + 0.45 * calls + 1.2 * monthly
             - 0.03 * usage + 0.5 * delays - 0.3 * (products - 1) + 0.35 * (age < 25))
    label = (rng.random(n) < _sigmoid(logit)).astype(int)
    return pd.DataFrame({
        "tenure_months": tenure, "monthly_charges": (real_charges * shift).round(2),
        "support_calls_90d": calls, "contract_monthly": monthly, "usage_gb": usage,
        "payment_delays": delays, "num_products": products, "age": age,
        "sex": sex, "age_group": age_group, "label": label})


@dataclass
class Domain:
    key: str
    gen: Callable[..., pd.DataFrame]
    features: list[str]
    drift_feature: str
    monitor_features: list[str]
    label_meaning: str
    dataset_prefix: str
    gen_kwargs: dict = field(default_factory=dict)
    drift_rate: float = 0.035  # monitoring: drift_feature grows by this share a day once drifting

    def generate(self, seed: int, n: int, shift: float = 1.0) -> pd.DataFrame:
        return self.gen(np.random.default_rng(seed), n, shift, **self.gen_kwargs)


def make_domain(key: str, **gen_kwargs) -> Domain:
    if key == "credit":
        return Domain("credit", gen_credit,
                      ["income", "age", "debt_ratio", "credit_history_months", "num_open_accounts",
                       "loan_amount", "late_payments_12m", "employment_years"],
                      "income",
                      ["income", "age", "debt_ratio", "credit_history_months", "loan_amount",
                       "employment_years"],
                      "1 = good credit (application approved)", "credit-applications", gen_kwargs)
    if key == "fraud":
        return Domain("fraud", gen_fraud,
                      ["amount", "hour", "merchant_risk", "distance_from_home_km", "txn_count_24h",
                       "account_age_days", "card_present", "age"],
                      "amount",
                      ["amount", "merchant_risk", "distance_from_home_km", "account_age_days", "age",
                       "hour"],
                      "1 = transaction flagged as fraud", "card-transactions", gen_kwargs,
                      drift_rate=0.08)
    if key == "churn":
        return Domain("churn", gen_churn,
                      ["tenure_months", "monthly_charges", "support_calls_90d", "contract_monthly",
                       "usage_gb", "payment_delays", "num_products", "age"],
                      "monthly_charges",
                      ["tenure_months", "monthly_charges", "usage_gb", "age"],
                      "1 = customer predicted to churn", "customer-snapshots", gen_kwargs)
    raise ValueError(key)


def model_features(domain: Domain, spec: dict) -> list[str]:
    feats = list(domain.features)
    if spec.get("use_sex"):
        feats.append("sex_male")
    return feats


def design(df: pd.DataFrame, feats: list[str]) -> pd.DataFrame:
    X = df.copy()
    if "sex_male" in feats:
        X["sex_male"] = (X["sex"] == "male").astype(int)
    return X[feats].astype(float)


# ---------------------------------------------------------------------------
# Training with real learning curves
# ---------------------------------------------------------------------------

def _steps(n_total: int, points: int = HISTORY_POINTS) -> list[int]:
    if n_total <= points:
        return list(range(1, n_total + 1))
    return sorted(set(int(round(x)) for x in np.linspace(1, n_total, points)))


def train(spec: dict, X: pd.DataFrame, y: np.ndarray, Xv: pd.DataFrame, yv: np.ndarray, seed: int):
    """Fit the model described by spec; return (model, params, history).

    history: list of (step, train_loss, val_auc).
    """
    algo = spec["algorithm"]
    hist: list[tuple[int, float, float]] = []
    if algo == "gbm":
        params = {"n_estimators": spec.get("n_estimators", 100), "max_depth": spec.get("max_depth", 3),
                  "learning_rate": spec.get("learning_rate", 0.1), "subsample": spec.get("subsample", 0.9),
                  "min_samples_leaf": spec.get("min_samples_leaf", 20)}
        model = GradientBoostingClassifier(random_state=seed, **params).fit(X, y)
        want = set(_steps(params["n_estimators"]))
        for i, pv in enumerate(model.staged_predict_proba(Xv), start=1):
            if i in want:
                hist.append((i, float(model.train_score_[i - 1]), float(roc_auc_score(yv, pv[:, 1]))))
    elif algo == "rf":
        params = {"n_estimators": spec.get("n_estimators", 50), "max_depth": spec.get("max_depth", 8),
                  "min_samples_leaf": spec.get("min_samples_leaf", 5),
                  "max_features": spec.get("max_features", "sqrt")}
        model = RandomForestClassifier(random_state=seed, warm_start=True, n_jobs=1,
                                       **{**params, "n_estimators": 1})
        sub = np.random.default_rng(seed).choice(len(X), size=min(len(X), 1500), replace=False)
        Xs, ys = X.iloc[sub], y[sub]
        for i in _steps(params["n_estimators"]):
            model.set_params(n_estimators=i)
            model.fit(X, y)
            loss = log_loss(ys, np.clip(model.predict_proba(Xs)[:, 1], 1e-6, 1 - 1e-6), labels=[0, 1])
            hist.append((i, float(loss), float(roc_auc_score(yv, model.predict_proba(Xv)[:, 1]))))
        model.set_params(warm_start=False)
    elif algo == "sgd_logreg":
        params = {"epochs": spec.get("epochs", 50), "alpha": spec.get("alpha", 1e-4),
                  "eta0": spec.get("eta0", 0.01), "learning_rate": "constant", "penalty": "l2"}
        scaler = StandardScaler().fit(X)
        Xt, Xvt = scaler.transform(X), scaler.transform(Xv)
        clf = SGDClassifier(loss="log_loss", alpha=params["alpha"], eta0=params["eta0"],
                            learning_rate="constant", penalty="l2", random_state=seed)
        rng = np.random.default_rng(seed)
        for epoch in range(1, params["epochs"] + 1):
            order = rng.permutation(len(Xt))
            clf.partial_fit(Xt[order], y[order], classes=np.array([0, 1]))
            loss = log_loss(y, np.clip(clf.predict_proba(Xt)[:, 1], 1e-6, 1 - 1e-6), labels=[0, 1])
            hist.append((epoch, float(loss), float(roc_auc_score(yv, clf.predict_proba(Xvt)[:, 1]))))
        model = Pipeline([("scaler", scaler), ("clf", clf)])
    else:
        raise ValueError(algo)
    return model, params, hist


def evaluate(model, X: pd.DataFrame, y: np.ndarray) -> tuple[dict[str, float], np.ndarray, np.ndarray]:
    proba = model.predict_proba(X)[:, 1]
    pred = (proba >= 0.5).astype(int)
    m = {"accuracy": accuracy_score(y, pred), "auc": roc_auc_score(y, proba),
         "f1": f1_score(y, pred, zero_division=0),
         "precision": precision_score(y, pred, zero_division=0),
         "recall": recall_score(y, pred, zero_division=0)}
    return {k: float(v) for k, v in m.items()}, proba, pred


def latency_p95_ms(model, X: pd.DataFrame, calls: int = 60) -> float:
    """p95 wall time (ms) of single-row predict_proba calls, as an online scorer does."""
    rows = [X.iloc[[i]] for i in range(min(calls, len(X)))]
    model.predict_proba(rows[0])  # warm-up
    times = []
    for r in rows:
        t = time.perf_counter()
        model.predict_proba(r)
        times.append((time.perf_counter() - t) * 1000.0)
    return float(np.percentile(times, 95))


def model_size_mb(model) -> float:
    buf = io.BytesIO()
    cloudpickle.dump(model, buf)
    return buf.tell() / 1_000_000


def feature_importance(model, feats: list[str], Xv: pd.DataFrame, yv: np.ndarray) -> dict:
    if hasattr(model, "feature_importances_"):
        vals, method = model.feature_importances_, "impurity_decrease"
    else:
        coef = model.named_steps["clf"].coef_[0]
        vals, method = np.abs(coef) / np.abs(coef).sum(), "abs_standardized_coefficient"
    items = sorted(zip(feats, (float(v) for v in vals)), key=lambda t: -t[1])
    return {"method": method, "normalized": True,
            "features": [{"name": n, "importance": round(v, 6)} for n, v in items]}

"""What the seed puts in the registry: core models, their versions, names of the rest."""

from __future__ import annotations

import numpy as np

# Stage / alias plan per core model. Every core model has each of the four stages.
# Fields: algorithm + hyperparameters, use_sex (sex as a feature: learns the label
# bias, so its disparate impact drops below 0.8), data (snapshot), days_ago (when it
# was trained), stage, aliases, explain (explainability artifacts), card (model card).
CORE_MODELS = [
    {
        "name": "credit-risk-scorer", "domain": "credit", "gen": {},
        "experiment": "risk/credit-risk-scorer", "team": "risk-ml", "owner": "priya.natarajan",
        "repo": "https://github.com/acme-lending/risk-models", "script": "risk_models/credit/train.py",
        "description": "Scores consumer credit applications; probability that the applicant repays "
                       "(label 1 = good credit / approve). Used by the loan origination service.",
        "tags": {"domain": "lending", "tier": "1", "regulatory_scope": "ECOA,EU-AI-Act-high-risk",
                 "pii": "false"},
        "grandparent": True, "fine_curve_version": 4,
        "versions": [
            {"algorithm": "sgd_logreg", "epochs": 50, "alpha": 1e-4, "eta0": 0.01,
             "data": "2025-03", "days_ago": 240, "stage": "Archived"},
            {"algorithm": "gbm", "n_estimators": 60, "max_depth": 2, "learning_rate": 0.1,
             "data": "2025-05", "days_ago": 190, "stage": "Archived", "aliases": ["baseline"],
             "explain": True},
            {"algorithm": "gbm", "n_estimators": 80, "max_depth": 3, "learning_rate": 0.1,
             "data": "2025-07", "days_ago": 130, "stage": "Archived"},
            {"algorithm": "gbm", "n_estimators": 100, "max_depth": 3, "learning_rate": 0.08,
             "data": "2025-09", "days_ago": 75, "stage": "Production", "aliases": ["champion"],
             "explain": True, "card": True, "monitor": True},
            {"algorithm": "gbm", "n_estimators": 120, "max_depth": 4, "learning_rate": 0.08,
             "use_sex": True, "data": "2025-11", "days_ago": 21, "stage": "Staging",
             "aliases": ["challenger"], "explain": True, "card": True},
            {"algorithm": "rf", "n_estimators": 50, "max_depth": 8, "data": "2025-11",
             "days_ago": 6, "stage": "None"},
        ],
    },
    {
        "name": "fraud-detector", "domain": "fraud", "gen": {},
        "experiment": "fraud/fraud-detector", "team": "fraud-eng", "owner": "marco.bianchi",
        "repo": "https://github.com/acme-lending/fraud-platform", "script": "fraud/models/train_detector.py",
        "description": "Real-time card transaction fraud detector (label 1 = flag as fraud). "
                       "Scores every authorization; flagged transactions go to manual review.",
        "tags": {"domain": "payments", "tier": "1", "pii": "false"},
        "versions": [
            {"algorithm": "sgd_logreg", "epochs": 50, "alpha": 1e-4, "eta0": 0.01,
             "data": "2025-01", "days_ago": 300, "stage": "Archived"},
            {"algorithm": "rf", "n_estimators": 50, "max_depth": 10, "data": "2025-05",
             "days_ago": 200, "stage": "Archived", "explain": True},
            {"algorithm": "gbm", "n_estimators": 100, "max_depth": 3, "learning_rate": 0.1,
             "data": "2025-08", "days_ago": 90, "stage": "Production", "aliases": ["champion"],
             "explain": True, "card": True, "monitor": True},
            {"algorithm": "gbm", "n_estimators": 120, "max_depth": 4, "learning_rate": 0.1,
             "use_sex": True, "data": "2025-11", "days_ago": 14, "stage": "Staging",
             "aliases": ["challenger"], "card": True},
            {"algorithm": "rf", "n_estimators": 50, "max_depth": 12, "data": "2025-11",
             "days_ago": 3, "stage": "None"},
        ],
    },
    {
        "name": "churn-predictor", "domain": "churn", "gen": {},
        "experiment": "growth/churn-predictor", "team": "growth-analytics", "owner": "sam.okafor",
        "repo": "https://github.com/acme-lending/growth-ml", "script": "churn/train.py",
        "description": "Monthly churn propensity for retail customers (label 1 = churns within "
                       "60 days). Drives the retention-offer campaign.",
        "tags": {"domain": "marketing", "tier": "2", "pii": "false"},
        "versions": [
            {"algorithm": "sgd_logreg", "epochs": 50, "alpha": 1e-4, "eta0": 0.01,
             "data": "2025-02", "days_ago": 280, "stage": "Archived"},
            {"algorithm": "gbm", "n_estimators": 60, "max_depth": 3, "learning_rate": 0.1,
             "data": "2025-06", "days_ago": 160, "stage": "Archived"},
            {"algorithm": "gbm", "n_estimators": 100, "max_depth": 3, "learning_rate": 0.08,
             "data": "2025-09", "days_ago": 70, "stage": "Production", "aliases": ["champion"],
             "explain": True, "card": True},
            {"algorithm": "rf", "n_estimators": 50, "max_depth": 8, "data": "2025-11",
             "days_ago": 18, "stage": "Staging", "aliases": ["challenger"]},
            {"algorithm": "gbm", "n_estimators": 80, "max_depth": 4, "learning_rate": 0.1,
             "data": "2025-11", "days_ago": 4, "stage": "None", "explain": True, "card": True},
        ],
    },
    {
        "name": "O'Brien churn", "domain": "churn", "gen": {"base": -0.3},
        "experiment": "retention-ie/O'Brien churn", "team": "retention-ie", "owner": "siobhan.obrien",
        "repo": "https://github.com/acme-lending/retention-ie", "script": "models/obrien_churn.py",
        "description": "Churn model for the Irish O'Brien & Sons portfolio (label 1 = churns).",
        "tags": {"domain": "marketing", "tier": "3", "region": "IE"},
        "versions": [
            {"algorithm": "sgd_logreg", "epochs": 50, "alpha": 1e-4, "eta0": 0.01,
             "data": "2025-04", "days_ago": 220, "stage": "Archived"},
            {"algorithm": "gbm", "n_estimators": 80, "max_depth": 3, "learning_rate": 0.1,
             "data": "2025-08", "days_ago": 100, "stage": "Production", "aliases": ["champion"],
             "explain": True},
            {"algorithm": "gbm", "n_estimators": 100, "max_depth": 4, "learning_rate": 0.08,
             "data": "2025-10", "days_ago": 30, "stage": "Staging", "aliases": ["challenger"]},
            {"algorithm": "rf", "n_estimators": 50, "max_depth": 8, "data": "2025-11",
             "days_ago": 5, "stage": "None"},
        ],
    },
    {
        "name": "Fraud Detection (EU)", "domain": "fraud", "gen": {"base": -2.5},
        "experiment": "fraud-emea/Fraud Detection (EU)", "team": "fraud-eng-emea", "owner": "lena.schmidt",
        "repo": "https://github.com/acme-lending/fraud-platform", "script": "fraud/models/train_eu.py",
        "description": "PSD2-scope fraud model for EU card traffic (label 1 = flag as fraud).",
        "tags": {"domain": "payments", "tier": "1", "region": "EU"},
        "versions": [
            {"algorithm": "rf", "n_estimators": 50, "max_depth": 10, "data": "2025-03",
             "days_ago": 250, "stage": "Archived"},
            {"algorithm": "gbm", "n_estimators": 100, "max_depth": 3, "learning_rate": 0.1,
             "data": "2025-07", "days_ago": 120, "stage": "Production", "aliases": ["champion"],
             "card": True},
            {"algorithm": "sgd_logreg", "epochs": 50, "alpha": 3e-4, "eta0": 0.01,
             "data": "2025-09", "days_ago": 60, "stage": "None"},
            {"algorithm": "gbm", "n_estimators": 120, "max_depth": 3, "learning_rate": 0.08,
             "data": "2025-11", "days_ago": 10, "stage": "Staging", "aliases": ["challenger"],
             "explain": True},
        ],
    },
    {
        "name": "信用评分", "domain": "credit", "gen": {"bias": 0.3},
        "experiment": "risk-apac/信用评分", "team": "risk-apac", "owner": "wei.zhang",
        "repo": "https://github.com/acme-lending/risk-apac", "script": "xinyong/train.py",
        "description": "信用评分模型 (credit score, APAC). Label 1 = good credit.",
        "tags": {"domain": "lending", "tier": "2", "region": "APAC", "语言": "中文"},
        "versions": [
            {"algorithm": "sgd_logreg", "epochs": 50, "alpha": 1e-4, "eta0": 0.01,
             "data": "2025-05", "days_ago": 180, "stage": "Archived"},
            {"algorithm": "gbm", "n_estimators": 100, "max_depth": 3, "learning_rate": 0.1,
             "data": "2025-08", "days_ago": 95, "stage": "Production", "aliases": ["champion"],
             "explain": True},
            {"algorithm": "gbm", "n_estimators": 120, "max_depth": 4, "learning_rate": 0.08,
             "data": "2025-10", "days_ago": 25, "stage": "Staging"},
            {"algorithm": "rf", "n_estimators": 50, "max_depth": 8, "data": "2025-11",
             "days_ago": 7, "stage": "None"},
        ],
    },
]

AWKWARD_NAMES = ["O'Brien churn", "Fraud Detection (EU)", "信用评分"]

ESCAPE_MODEL = "escape-test-model"
DELETED_RUN_MODEL = "deleted-run-model"
ORPHAN_RUN_MODEL = "orphan-run-model"
EMPTY_MODEL = "empty-model"
BENCH_MODEL = "bench-200-versions"
BENCH_VERSIONS = 200

# Strings with terminal escape sequences and control characters (sanitization tests).
ESC_DESCRIPTION = ("Sanitization probe: \x1b[31mRED\x1b[0m text, a title change \x1b]0;pwned\x07, "
                   "a carriage return line\rover, a bell \x07, a clear screen \x1b[2J\x1b[H, "
                   "a backspace x\x08y, a NUL-free C1 CSI \u009b31m, and a tab\tend.")
ESC_TAGS = {
    "owner": "\x1b[2J\x1b[Hmallory",
    "team": "red\x1b[31mteam\x1b[0m",
    "title": "\x1b]0;pwned\x07",
    "note": "line\rover",
    "bell": "ding\x07dong",
    "multiline": "first line\nsecond line",
    "hyperlink": "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\",
}

TEAMS = ["payments", "search", "ads", "growth", "risk", "platform", "pricing", "logistics",
         "support", "identity", "marketplace", "trust-safety", "recsys", "forecasting",
         "vision", "nlp"]
WORDS = ["ranker", "embedder", "forecaster", "classifier", "tagger", "scorer", "dedup",
         "router", "recommender", "anomaly", "segmenter", "matcher", "ltv", "eta", "intent",
         "toxicity", "ocr", "pricer", "reranker", "propensity"]
REGIONS = ["us-east", "us-west", "eu-west", "eu-central", "apac", "latam"]
PEOPLE = ["ana.silva", "ben.carter", "chen.li", "dara.khan", "eva.novak", "femi.adeyemi",
          "gus.berg", "hana.sato", "ivan.petrov", "jo.martin", "kofi.mensah", "lucia.rossi",
          "mia.jensen", "nils.holm", "omar.haddad", "paula.mendes"]


def filler_models(count: int, seed: int = 300) -> list[dict]:
    """Deterministic, realistic-looking filler models: names, owner/team tags."""
    rng = np.random.default_rng(seed)
    out, seen = [], set()
    n = 0
    while len(out) < count:
        n += 1
        team = TEAMS[int(rng.integers(len(TEAMS)))]
        word = WORDS[int(rng.integers(len(WORDS)))]
        r = rng.random()
        if r < 0.4:
            # MLflow rejects '/' and ':' in registered model names
            name = f"team-{team}.feature-{int(rng.integers(1, 1000)):03d}"
        elif r < 0.8:
            name = f"svc-{int(rng.integers(1, 1000)):03d}-{word}"
        elif r < 0.9:
            name = f"{team}-{word}-v{int(rng.integers(1, 6))}"
        else:
            name = f"{word}_{REGIONS[int(rng.integers(len(REGIONS)))].replace('-', '_')}_{n}"
        if name in seen:
            continue
        seen.add(name)
        owner = PEOPLE[int(rng.integers(len(PEOPLE)))]
        m = {"name": name, "tags": {"owner": owner, "team": team}, "versions": 0,
             "description": ""}
        if rng.random() < 0.5:
            m["description"] = f"{word.capitalize()} model owned by {team}."
        if rng.random() < 0.1:
            m["versions"] = 1 + int(rng.random() < 0.5)
        out.append(m)
    return out

"""Reference fixtures for the lookalike cell's logistic model (tests/unit/lookalike-engine.test.ts).

Regenerate (from the repository root, with Debian's Python and scikit-learn):
    apt-get install -y python3-sklearn python3-pandas   # if missing
    /usr/bin/python3 scripts/reference/lookalike_reference.py
It reads /work/shared/datasets (or the folder given as the first argument) and writes
tests/fixtures/reference/lookalike.json.

Dataset: telco/Telco-Customer-Churn.csv (IBM sample; see /work/shared/datasets/README.md), key
customerID, label Churn (Yes = positive). TotalCharges is text with 11 blanks, read as missing.

Encoding (the cell's `prepareFeatures`, src/lib/sql/cluster-prepare.ts): numeric features get their
missing values filled with the median (linear interpolation), then are z-scored with the
population standard deviation (ddof=0); categorical features become one 0/1 column per level,
levels ordered by count (descending) then value (ascending), all levels kept here (≤ 8).

Split (src/lib/sql/lookalike.ts): per class, rows ordered by md5(customerID + ':' + seed) then
customerID; the first floor(0.2 * m + 0.5) of each class are held out.

Cases:
- `label`: supervised: LogisticRegression(C) on the training rows of both classes, ROC AUC on the
  held-out rows of both classes;
- `pu`: positive–unlabelled: the Churn = Yes rows are the seeds; the model is fitted on the
  training seeds (1) against every non-seed row (0); AUC of the held-out seeds against the non-seed
  rows.
The solver is newton-cholesky with tol 1e-10, so the coefficients are the optimum, not an early stop.
"""
import hashlib
import json
import math
import os
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATASETS = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/datasets"
OUT = os.path.join(ROOT, "tests", "fixtures", "reference", "lookalike.json")
NUMERIC = ["tenure", "MonthlyCharges", "TotalCharges", "SeniorCitizen"]
CATEGORICAL = ["Contract", "InternetService", "PaymentMethod", "TechSupport", "OnlineSecurity"]
HOLDOUT = 0.2
SEED = 0


def load():
    df = pd.read_csv(os.path.join(DATASETS, "telco", "Telco-Customer-Churn.csv"), dtype={"customerID": str})
    df["TotalCharges"] = pd.to_numeric(df["TotalCharges"].str.strip().replace("", np.nan))
    return df


def encode(df):
    columns, names = [], []
    for c in NUMERIC:
        x = df[c].astype(float)
        x = x.fillna(np.percentile(x.dropna(), 50))
        columns.append((x - x.mean()) / x.std(ddof=0))
        names.append(c)
    for c in CATEGORICAL:
        counts = df[c].value_counts()
        levels = sorted(counts.index, key=lambda v: (-counts[v], v))
        for level in levels:
            columns.append((df[c] == level).astype(float))
            names.append(f"{c}={level}")
    return np.column_stack(columns), names


def held_out(keys):
    ordered = sorted(keys, key=lambda k: (hashlib.md5(f"{k}:{SEED}".encode()).hexdigest(), k))
    return set(ordered[: math.floor(HOLDOUT * len(ordered) + 0.5)])


def fit(x, y, c):
    model = LogisticRegression(C=c, solver="newton-cholesky", tol=1e-10, max_iter=1000)
    model.fit(x, y)
    return model


def main():
    df = load()
    x, names = encode(df)
    positive = (df["Churn"] == "Yes").to_numpy()
    keys = df["customerID"].to_numpy()
    test_pos = held_out(keys[positive])
    test_neg = held_out(keys[~positive])
    is_test = np.array([k in test_pos or k in test_neg for k in keys])
    cases = []
    for c in (1.0, 0.1):
        m = fit(x[~is_test], positive[~is_test], c)
        auc = roc_auc_score(positive[is_test], m.predict_proba(x[is_test])[:, 1])
        cases.append({"mode": "label", "C": c, "train": int((~is_test).sum()), "test": int(is_test.sum()), "auc": auc,
                      "intercept": float(m.intercept_[0]), "coefficients": dict(zip(names, map(float, m.coef_[0])))})
    seed_test = np.array([k in test_pos for k in keys])
    train = ~seed_test
    m = fit(x[train], positive[train], 1.0)
    evaluated = seed_test | ~positive
    auc = roc_auc_score(positive[evaluated], m.predict_proba(x[evaluated])[:, 1])
    cases.append({"mode": "pu", "C": 1.0, "train": int(train.sum()), "test": int(seed_test.sum()), "auc": auc,
                  "intercept": float(m.intercept_[0]), "coefficients": dict(zip(names, map(float, m.coef_[0])))})
    out = {"generator": "scripts/reference/lookalike_reference.py", "sklearn": sklearn.__version__, "dataset": "telco/Telco-Customer-Churn.csv",
           "numeric": NUMERIC, "categorical": CATEGORICAL, "holdout": HOLDOUT, "seed": SEED, "columns": names,
           "heldout_first": sorted(test_pos)[:5], "cases": cases}
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    for case in cases:
        print(case["mode"], case["C"], case["train"], case["test"], round(case["auc"], 6))


if __name__ == "__main__":
    main()

"""The benchmark suite's steps in pandas / scikit-learn / SciPy, as an analyst would write them in
Jupyter (Debian's /usr/bin/python3 with python3-pandas, python3-sklearn, python3-scipy).

    /usr/bin/python3 bench/python/suite.py DATA_DIR RUNS SEEDS_FILE

DATA_DIR holds the generator's customers.csv and transactions.csv; SEEDS_FILE one seed customer id
per line (the lookalike cell's 1,000 seeds). Each step does the work of the seglab cell of the same
name (bench/lib/bench-notebook.ts) and runs RUNS times; prints one JSON object: the seconds of each
run per step, the library versions and why a step is missing.
"""
import json
import sys
import time

import numpy as np
import pandas as pd
import scipy
import sklearn
from scipy.optimize import minimize
from scipy.special import betaln, gammaln
from sklearn.cluster import KMeans
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score, silhouette_score
from sklearn.preprocessing import StandardScaler

REFERENCE = pd.Timestamp("2025-12-31")
CALIBRATION_END = pd.Timestamp("2025-06-30")


def load_transactions(path):
    return pd.read_csv(path, parse_dates=["order_date"])


def profile(df):
    """Per column: nulls, distinct count, min / max / mean, top 10 values, a 30-bin histogram."""
    out = {}
    for name in df.columns:
        col = df[name]
        entry = {"nulls": float(col.isna().mean()), "distinct": int(col.nunique())}
        top = col.value_counts().head(10)
        entry["top"] = len(top)
        if pd.api.types.is_numeric_dtype(col) or pd.api.types.is_datetime64_any_dtype(col):
            values = col.dropna()
            entry["min"], entry["max"] = values.min(), values.max()
            numbers = values.astype("int64") if pd.api.types.is_datetime64_any_dtype(col) else values
            entry["mean"] = float(numbers.mean())
            entry["bins"] = np.histogram(numbers, bins=30)[0].sum()
        out[name] = entry
    return out


def segment(customers, tx):
    """Exclusive: 'Active' (≥ 2 orders in the last 90 days), else 'Big spenders' (> 500 this year), else Rest."""
    recent = tx[tx["order_date"] > REFERENCE - pd.Timedelta(days=90)].groupby("customer_id").size()
    this_year = tx[tx["order_date"] >= pd.Timestamp(REFERENCE.year, 1, 1)].groupby("customer_id")["amount"].sum()
    c = customers[["customer_id"]].copy()
    active = c["customer_id"].map(recent).fillna(0) >= 2
    big = c["customer_id"].map(this_year).fillna(0) > 500
    c["segment"] = np.select([active, big], ["Active", "Big spenders"], "Rest")
    return c


def rfm(tx):
    """Recency, frequency (distinct orders), monetary (sum) per customer; quintile scores; R×F map."""
    g = tx.groupby("customer_id").agg(last=("order_date", "max"), frequency=("order_id", "nunique"), monetary=("amount", "sum"))
    g["recency"] = (REFERENCE - g["last"]).dt.days
    g["r"] = pd.qcut(g["recency"].rank(method="first", ascending=False), 5, labels=False) + 1
    g["f"] = pd.qcut(g["frequency"].rank(method="first"), 5, labels=False) + 1
    g["m"] = pd.qcut(g["monetary"].rank(method="first"), 5, labels=False) + 1
    r, f = g["r"], g["f"]
    g["segment"] = np.select(
        [(r >= 4) & (f >= 4), (r >= 3) & (f >= 3), (r <= 2) & (f >= 3), (r <= 2) & (f <= 2)],
        ["Champions", "Loyal", "At risk", "Lost"],
        "Rest",
    )
    return g


def bgnbd_nll(log_params, x, t_x, T):
    r, alpha, a, b = np.exp(log_params)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    a3 = -(r + x) * np.log(alpha + T)
    a4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-12)) - (r + x) * np.log(alpha + t_x), -np.inf)
    return -np.sum(a1 + a2 + np.logaddexp(a3, a4))


def gamma_gamma_nll(log_params, x, m):
    p, q, v = np.exp(log_params)
    return -np.sum(
        gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * np.log(v) + (p * x - 1) * np.log(m) + p * x * np.log(x) - (p * x + q) * np.log(x * m + v)
    )


def clv(tx):
    """Calibration statistics in weeks (by order id), BG/NBD and Gamma-Gamma fits, 12-month value at 10 %, holdout check."""
    cal = tx[tx["order_date"] <= CALIBRATION_END]
    per_order = cal.groupby(["customer_id", "order_id"]).agg(day=("order_date", "min"), amount=("amount", "sum")).reset_index()
    s = per_order.groupby("customer_id").agg(first=("day", "min"), last=("day", "max"), n=("order_id", "size"), spend=("amount", "mean"))
    x = (s["n"] - 1).to_numpy(float)
    t_x = ((s["last"] - s["first"]).dt.days / 7).to_numpy(float)
    T = ((CALIBRATION_END - s["first"]).dt.days / 7).to_numpy(float)
    fit = minimize(bgnbd_nll, np.zeros(4), args=(x, t_x, T), method="L-BFGS-B")
    r, alpha, a, b = np.exp(fit.x)
    repeat = x > 0
    gg = minimize(gamma_gamma_nll, np.zeros(3), args=(x[repeat], s["spend"].to_numpy(float)[repeat]), method="L-BFGS-B")
    p, q, v = np.exp(gg.x)
    spend = s["spend"].to_numpy(float)
    expected_spend = (p * x + q - 1) / (p * x + q) * ((v * p + spend * x) / (p * x + q - 1)) if q > 1 else spend
    value = np.zeros(len(x))
    weeks_per_month = 52 / 12
    monthly = (1 + 0.1) ** (1 / 12) - 1
    previous = np.zeros(len(x))
    for month in range(1, 13):
        t = month * weeks_per_month
        hyp = scipy.special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
        expected = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp)
        expected /= 1 + np.where(x > 0, a / (b + x - 1), 0) * ((alpha + T) / (alpha + t_x)) ** (r + x)
        value += (expected - previous) * expected_spend / (1 + monthly) ** month
        previous = expected
    holdout = tx[(tx["order_date"] > CALIBRATION_END) & (tx["order_date"] <= REFERENCE)].groupby("customer_id")["order_id"].nunique()
    actual = s.index.to_series().map(holdout).fillna(0).to_numpy()
    return value, actual


def features(customers, tx):
    """The notebook's `features` cell."""
    t = tx.assign(online=(tx["channel"] == "online").astype(int)).groupby("customer_id").agg(
        orders=("order_id", "size"), revenue=("amount", "sum"), avg_amount=("amount", "mean"), margin=("margin", "sum"), online_share=("online", "mean"), last=("order_date", "max")
    )
    t["days_since_last"] = (REFERENCE - t["last"]).dt.days
    f = customers.merge(t.drop(columns="last"), left_on="customer_id", right_index=True, how="left")
    f["age"] = REFERENCE.year - f["birth_date"].dt.year
    f["tenure_days"] = (REFERENCE - f["signup_date"]).dt.days
    f = f.fillna({"orders": 0, "revenue": 0, "avg_amount": 0, "margin": 0, "online_share": 0, "days_since_last": 1096})
    return f


def kmeans(customers, tx):
    """k = 6 on 8 prepared features (log1p + z for orders, revenue, avg_amount; z for the rest), 10 restarts, silhouette of 10,000."""
    f = features(customers, tx)
    logged = np.log1p(f[["orders", "revenue", "avg_amount"]].to_numpy(float))
    plain = f[["age", "tenure_days", "margin", "online_share", "days_since_last"]].to_numpy(float)
    X = StandardScaler().fit_transform(np.hstack([logged, plain]))
    km = KMeans(n_clusters=6, n_init=10, random_state=0).fit(X)
    return km.inertia_, silhouette_score(X, km.labels_, sample_size=min(10000, len(X)), random_state=0)


def lookalike(customers, tx, seeds):
    """Logistic (C = 1) of 800 training seeds against all other rows on one-hot attributes, z age, log1p_z spend; top 10 %."""
    f = features(customers, tx)
    onehot = pd.get_dummies(f[["channel", "city_size", "bundesland"]].astype("string").fillna("(missing)"), dtype=float).to_numpy()
    numeric = np.hstack([f[["age"]].to_numpy(float), np.log1p(f[["orders", "revenue"]].to_numpy(float))])
    X = np.hstack([onehot, StandardScaler().fit_transform(numeric)])
    is_seed = f["customer_id"].isin(seeds).to_numpy()
    rng = np.random.default_rng(0)
    seed_rows = np.flatnonzero(is_seed)
    held = rng.choice(seed_rows, size=int(round(len(seed_rows) * 0.2)), replace=False)
    train = np.ones(len(f), bool)
    train[held] = False
    y = is_seed.astype(int)
    model = LogisticRegression(C=1.0, max_iter=1000).fit(X[train], y[train])
    score = model.predict_proba(X)[:, 1]
    unlabelled = ~is_seed
    evaluate = np.concatenate([held, np.flatnonzero(unlabelled)])
    auc = roc_auc_score(is_seed[evaluate], score[evaluate])
    top = score >= np.quantile(score[unlabelled], 0.9)
    return auc, int(top.sum())


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def main():
    data, runs, seeds_file = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    seeds = set(int(s) for s in open(seeds_file).read().split())
    steps = {}

    def record(step, fn):
        seconds, result = timed(fn)
        steps.setdefault(step, []).append(seconds)
        print(f"python {step} {seconds:.3f} s", file=sys.stderr)
        return result

    for _ in range(runs):
        tx = record("load_csv", lambda: load_transactions(f"{data}/transactions.csv"))
    for _ in range(runs):
        record("profile", lambda: profile(tx))
    customers = pd.read_csv(f"{data}/customers.csv", parse_dates=["birth_date", "signup_date"])
    for _ in range(runs):
        record("segment", lambda: segment(customers, tx))
    for _ in range(runs):
        record("rfm", lambda: rfm(tx))
    for _ in range(runs):
        record("clv", lambda: clv(tx))
    for _ in range(runs):
        record("kmeans", lambda: kmeans(customers, tx))
    for _ in range(runs):
        record("lookalike", lambda: lookalike(customers, tx, seeds))
    print(
        json.dumps(
            {
                "versions": f"Python {sys.version.split()[0]}, pandas {pd.__version__}, scikit-learn {sklearn.__version__}, SciPy {scipy.__version__}, NumPy {np.__version__}",
                "steps": steps,
                "notes": {"load_parquet": "pandas needs pyarrow or fastparquet to read Parquet; Debian 12 packages neither"},
            }
        )
    )


if __name__ == "__main__":
    main()

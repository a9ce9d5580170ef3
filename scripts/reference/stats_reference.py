"""Reference fixture for segment statistics (tests/unit/stats.test.ts, tests/unit/segment-profile.test.ts).

Regenerate (from the repository root, with Debian's Python, SciPy, mpmath and pandas):
    apt-get install -y python3-scipy python3-mpmath python3-pandas   # if missing
    /usr/bin/python3 scripts/reference/stats_reference.py
It reads /work/shared/datasets (or the folder given as the first argument) and writes
tests/fixtures/reference/stats.json.

Every number comes from SciPy's or mpmath's own implementation or from the raw values, never from the
sums the TypeScript code works with:
- quantiles: solved to 40 digits with mpmath (the t CDF as a regularised incomplete beta function,
  the normal quantile as sqrt(2) erfinv(2p - 1)). Not scipy.stats.t.ppf: SciPy 1.10's `stdtrit`
  (cdflib) is off by up to 5e-9 relative, e.g. t.ppf(0.975, 2) = 4.302652729911 where the closed
  form 0.95 / sqrt(0.04875) = 4.302652729749;
- Wilson score interval: scipy.stats.binomtest(k, n).proportion_ci(method="wilson");
- t interval of a mean: mean -/+ t(n - 1) * sem, with mean and sem = std(ddof=1) / sqrt(n) from NumPy
  on the values and t from mpmath;
- delta-method interval of a ratio of sums R = sum(a) / sum(b): the linearised residuals
  e = a - R b give se(R) = sqrt(var(e, ddof=1) / n) / mean(b), interval R -/+ z se (normal quantile);
- two-proportion z test (pooled): scipy.stats.chi2_contingency on the 2 x 2 table without continuity
  correction (chi2 = z^2, same p), z signed by the difference of the proportions;
- a segment profile of the IBM Telco churn data (telco/Telco-Customer-Churn.csv) by Contract, computed
  with pandas from the raw rows, and the PaymentMethod mix of each Contract against the rest.
"""
import json
import math
import os
import sys

import mpmath as mp
import numpy as np
import pandas as pd
import scipy
from scipy import stats

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATASETS = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/datasets"
OUT = os.path.join(ROOT, "tests", "fixtures", "reference", "stats.json")
CONFIDENCES = [0.8, 0.9, 0.95, 0.99, 0.999]
mp.mp.dps = 40


def upper(c):
    """The upper tail probability of a two-sided interval, rounded to a double as the TypeScript code does."""
    return 1 - (1 - c) / 2


def z_quantile(c):
    return float(mp.sqrt(2) * mp.erfinv(2 * mp.mpf(upper(c)) - 1))


def t_quantile(c, df):
    p = mp.mpf(upper(c))
    v = mp.mpf(df)
    cdf = lambda x: 1 - mp.betainc(v / 2, mp.mpf(1) / 2, 0, v / (v + x * x), regularized=True) / 2
    return float(mp.findroot(lambda x: cdf(x) - p, mp.mpf(float(stats.t.ppf(upper(c), df)))))


def wilson(k, n, c):
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=c, method="wilson")
    return [float(ci.low), float(ci.high)]


def t_interval(values, c):
    x = np.asarray(values, dtype=float)
    n = len(x)
    mean = float(x.mean())
    half = t_quantile(c, n - 1) * float(x.std(ddof=1)) / math.sqrt(n)
    return mean, [mean - half, mean + half]


def delta_ratio(a, b, c):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    n = len(a)
    r = a.sum() / b.sum()
    e = a - r * b
    se = math.sqrt(e.var(ddof=1) / n) / b.mean()
    z = z_quantile(c)
    return float(r), [float(r - z * se), float(r + z * se)]


def ztest(x1, n1, x2, n2):
    table = [[x1, n1 - x1], [x2, n2 - x2]]
    chi2, p, _, _ = stats.chi2_contingency(table, correction=False)
    sign = np.sign(x1 / n1 - x2 / n2)
    return float(sign * math.sqrt(chi2)), float(p)


def rng_values():
    rng = np.random.default_rng(20240611)
    normal = np.round(rng.normal(120.0, 35.0, 50), 2)
    skewed = np.round(rng.lognormal(3.0, 1.2, 400), 2)
    large = np.round(1e6 + rng.normal(0.0, 0.75, 200), 4)
    a = np.round(rng.gamma(2.0, 40.0, 300), 2)
    b = rng.integers(1, 9, 300).astype(float)
    return normal, skewed, large, a, b


def telco(datasets):
    df = pd.read_csv(os.path.join(datasets, "telco", "Telco-Customer-Churn.csv"))
    df["TotalCharges"] = pd.to_numeric(df["TotalCharges"].str.strip(), errors="coerce")
    df["churned"] = df["Churn"] == "Yes"
    conf = 0.95

    def profile(g):
        out = {"size": int(len(g))}
        churn = g["churned"]
        out["churn"] = {"n": int(churn.size), "value": float(churn.mean()), "interval": wilson(int(churn.sum()), int(churn.size), conf)}
        mc = g["MonthlyCharges"]
        mean, ci = t_interval(mc, conf)
        out["monthly"] = {"n": int(mc.size), "value": mean, "interval": ci}
        tc = g["TotalCharges"].fillna(0.0)
        mean, ci = t_interval(tc, conf)
        out["total"] = {"n": int(tc.size), "value": float(g["TotalCharges"].sum()), "estimate": mean, "interval": ci}
        both = g.dropna(subset=["TotalCharges", "tenure"])
        r, ci = delta_ratio(both["TotalCharges"], both["tenure"], conf)
        out["per_month"] = {"n": int(len(both)), "value": r, "interval": ci}
        both = g.dropna(subset=["TotalCharges", "MonthlyCharges"])
        r, ci = delta_ratio(both["TotalCharges"], both["MonthlyCharges"], conf)
        out["roi"] = {"n": int(len(both)), "value": r - 1, "interval": [ci[0] - 1, ci[1] - 1]}
        return out

    base = profile(df)
    segments = {}
    for name, g in df.groupby("Contract"):
        p = profile(g)
        p["share"] = p["size"] / base["size"]
        p["total"]["share_of_total"] = p["total"]["value"] / base["total"]["value"]
        for k in ["churn", "monthly", "per_month", "roi"]:
            p[k]["index"] = p[k]["value"] / base[k]["value"] * 100
        p["total"]["index"] = p["total"]["estimate"] / base["total"]["estimate"] * 100
        segments[name] = p

    categories = []
    base_counts = df["PaymentMethod"].value_counts()
    for name, g in df.groupby("Contract"):
        counts = g["PaymentMethod"].value_counts()
        n1 = len(g)
        n2 = len(df) - n1
        for value, x1 in counts.items():
            x2 = int(base_counts[value]) - int(x1)
            zv, p = ztest(int(x1), n1, x2, n2)
            categories.append({
                "segment": name, "value": value, "count": int(x1), "share": int(x1) / n1,
                "base_share": int(base_counts[value]) / len(df),
                "index": (int(x1) / n1) / (int(base_counts[value]) / len(df)) * 100, "z": zv, "p": p
            })
    return {"confidence": conf, "base": base, "segments": segments, "categories": categories}


def main():
    normal, skewed, large, a, b = rng_values()
    out = {
        "scipy": scipy.__version__,
        "mpmath": mp.__version__,
        "normal_quantile": [{"confidence": c, "z": z_quantile(c)} for c in CONFIDENCES],
        "t_quantile": [
            {"confidence": c, "df": df, "t": t_quantile(c, df)}
            for df in [1, 2, 3, 5, 10, 30, 100, 1000, 100000]
            for c in [0.8, 0.9, 0.95, 0.99]
        ],
        "wilson": [
            {"k": k, "n": n, "confidence": c, "interval": wilson(k, n, c)}
            for (k, n) in [(0, 10), (10, 10), (0, 1), (1, 1), (5, 10), (37, 120), (1234, 100000), (3, 7), (999, 1000)]
            for c in [0.9, 0.95, 0.99]
        ],
        "mean": [],
        "ratio": [],
        "ztest": [],
    }
    for name, values in [("five", [1.0, 2.0, 3.0, 4.0, 5.0]), ("two", [3.5, -1.25]), ("normal", normal), ("skewed", skewed), ("large_mean", large)]:
        for c in [0.9, 0.95, 0.99]:
            mean, ci = t_interval(values, c)
            out["mean"].append({"name": name, "confidence": c, "values": [float(v) for v in values], "mean": mean, "interval": ci})
    ratio_sets = [
        ("gamma_over_int", a, b),
        ("small", np.array([10.0, 20.0, 30.0, 25.0]), np.array([1.0, 2.0, 2.0, 4.0])),
        ("shifted", 5e5 + a, 2e3 + b),
    ]
    for name, xa, xb in ratio_sets:
        for c in [0.9, 0.95, 0.99]:
            r, ci = delta_ratio(xa, xb, c)
            out["ratio"].append({"name": name, "confidence": c, "a": [float(v) for v in xa], "b": [float(v) for v in xb], "ratio": r, "interval": ci})
    for (x1, n1, x2, n2) in [(45, 100, 30, 100), (3, 50, 40, 400), (0, 20, 5, 80), (120, 1000, 1000, 9000), (7, 7, 2, 10)]:
        zv, p = ztest(x1, n1, x2, n2)
        out["ztest"].append({"x1": x1, "n1": n1, "x2": x2, "n2": n2, "z": zv, "p": p})
    out["telco"] = telco(DATASETS)
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

"""Reference fixture for the A/B test read-out (tests/unit/abtest.test.ts).

Regenerate (from the repository root, with Debian's Python, SciPy, mpmath and pandas):
    apt-get install -y python3-scipy python3-mpmath python3-pandas   # if missing
    /usr/bin/python3 scripts/reference/abtest_reference.py
It reads static/samples/kampagne_test.csv (scripts/make-campaign-samples.ts) and the IBM Telco
churn data (/work/shared/datasets, or the folder given as the first argument) and writes
tests/fixtures/reference/abtest.json.

Every number comes from the raw rows, never from the sums the TypeScript code works with:
- binary outcome: the difference of the rates with the unpooled Wald interval
  (p1 - p0) -/+ z sqrt(p1(1 - p1)/n1 + p0(1 - p0)/n0); the pooled two-proportion z test as
  scipy.stats.chi2_contingency on the 2 x 2 table without continuity correction (chi2 = z^2);
- numeric outcome: scipy.stats.ttest_ind(equal_var=False) for t and p; the Welch-Satterthwaite
  degrees of freedom from NumPy's variances; the interval (m1 - m0) -/+ t(df) se with t solved to
  40 digits with mpmath (SciPy 1.10's t.ppf is off by up to 5e-9 relative, see stats_reference.py);
- minimum detectable effect at alpha 0.05 and power 0.8: (z_0.975 + z_0.8) se, se from the control
  rate in both arms (binary) or from each arm's variance (numeric);
- Holm's adjustment written out as in Holm (1979), over the variants of the overall rows and over
  every segment x variant comparison of the breakdown.

Cases: the campaign sample (Gruppe, control "Kontrolle") by Segment, converted (konvertiert) and
revenue (Umsatz); the Telco data with PaperlessBilling as a stand-in assignment (control "No"),
churn (Churn = "Yes") and MonthlyCharges, by Contract. Telco is observational: the numbers test the
arithmetic, not a causal effect.
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
OUT = os.path.join(ROOT, "tests", "fixtures", "reference", "abtest.json")
mp.mp.dps = 40


def z_quantile(p):
    return float(mp.sqrt(2) * mp.erfinv(2 * mp.mpf(p) - 1))


def t_quantile(p, df):
    v = mp.mpf(df)
    cdf = lambda x: 1 - mp.betainc(v / 2, mp.mpf(1) / 2, 0, v / (v + x * x), regularized=True) / 2
    return float(mp.findroot(lambda x: cdf(x) - mp.mpf(p), mp.mpf(float(stats.t.ppf(p, df)))))


Z = z_quantile(0.975)
POWER = z_quantile(0.975) + z_quantile(0.8)


def binary(y1, y0):
    n1, n0 = len(y1), len(y0)
    x1, x0 = int(y1.sum()), int(y0.sum())
    p1, p0 = x1 / n1, x0 / n0
    d = p1 - p0
    half = Z * math.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
    if x1 + x0 in (0, n1 + n0):
        p = 1.0
    else:
        _, p, _, _ = stats.chi2_contingency([[x1, n1 - x1], [x0, n0 - x0]], correction=False)
    mde = POWER * math.sqrt(p0 * (1 - p0) * (1 / n1 + 1 / n0))
    return {"difference": d, "low": d - half, "high": d + half, "p": float(p), "mde": mde}


def numeric(y1, y0):
    n1, n0 = len(y1), len(y0)
    v1, v0 = y1.var(ddof=1) / n1, y0.var(ddof=1) / n0
    se = math.sqrt(v1 + v0)
    df = (v1 + v0) ** 2 / (v1**2 / (n1 - 1) + v0**2 / (n0 - 1))
    d = float(y1.mean() - y0.mean())
    half = t_quantile(0.975, df) * se
    t, p = stats.ttest_ind(y1, y0, equal_var=False)
    return {"difference": d, "low": d - half, "high": d + half, "p": float(p), "df": float(df), "t": float(t), "mde": POWER * se}


def holm(ps):
    """Holm (1979): reject H(1) ... H(k) while p(i) <= alpha / (m - i + 1); as adjusted p-values."""
    m = len(ps)
    order = sorted(range(m), key=lambda i: (ps[i], i))
    out = [None] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * ps[i]))
        out[i] = running
    return out


def readout(df, arm, control, outcome, metric, segment):
    rows = []
    groups = [(None, df)] + [(name, g) for name, g in sorted(df.groupby(segment), key=lambda kv: str(kv[0]))]
    for name, g in groups:
        y0 = g.loc[g[arm] == control, outcome].to_numpy(dtype=float)
        rows.append({"segment": name, "arm": control, "n": len(y0), "value": float(y0.mean())})
        for variant in sorted(v for v in g[arm].unique() if v != control):
            y1 = g.loc[g[arm] == variant, outcome].to_numpy(dtype=float)
            test = binary(y1, y0) if metric == "binary" else numeric(y1, y0)
            row = {"segment": name, "arm": variant, "n": len(y1), "value": float(y1.mean())}
            row["relative"] = test["difference"] / float(y0.mean())
            row.update(test)
            rows.append(row)
    for overall in (True, False):
        family = [r for r in rows if r["arm"] != control and (r["segment"] is None) == overall]
        for r, p in zip(family, holm([r["p"] for r in family])):
            r["p_holm"] = p
    return rows


def main():
    campaign = pd.read_csv(os.path.join(ROOT, "static", "samples", "kampagne_test.csv"), sep=";")
    telco = pd.read_csv(os.path.join(DATASETS, "telco", "Telco-Customer-Churn.csv"))
    telco["churned"] = (telco["Churn"] == "Yes").astype(float)
    cases = [
        {"name": "campaign-converted", "metric": "binary", "rows": readout(campaign, "Gruppe", "Kontrolle", "konvertiert", "binary", "Segment")},
        {"name": "campaign-revenue", "metric": "numeric", "rows": readout(campaign, "Gruppe", "Kontrolle", "Umsatz", "numeric", "Segment")},
        {"name": "telco-churn", "metric": "binary", "rows": readout(telco, "PaperlessBilling", "No", "churned", "binary", "Contract")},
        {"name": "telco-monthly", "metric": "numeric", "rows": readout(telco, "PaperlessBilling", "No", "MonthlyCharges", "numeric", "Contract")},
    ]
    with open(OUT, "w") as f:
        json.dump({"scipy": scipy.__version__, "mpmath": mp.__version__, "cases": cases}, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

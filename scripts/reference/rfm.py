#!/usr/bin/python3
"""Reference fixture for the customer-value SQL (src/lib/sql/rfm.ts, cohorts.ts, value-tiers.ts) on the
UCI Online Retail data; tests/unit/rfm.test.ts, cohorts.test.ts and value-tiers.test.ts read it.

Regenerate (from the repository root, with Debian's Python and pandas, and node_modules installed):
    apt-get install -y python3-pandas   # if missing
    /usr/bin/python3 scripts/reference/rfm.py
It reads /work/shared/datasets/online_retail/online_retail.parquet (or the file given as the first
argument) and writes tests/fixtures/reference/rfm.json. Debian has no Parquet reader for Python, so
the script first has native DuckDB (@duckdb/node-api, already a dependency) copy the raw columns to a
temporary CSV, unfiltered; everything after that is pandas.

Every figure comes from pandas on the raw lines, with the rules rfm.ts documents:
- cleaning (as in the usual Online Retail RFM studies): CustomerID present, InvoiceNo not starting with
  'C', Quantity > 0, UnitPrice > 0; amount = Quantity * UnitPrice; order = InvoiceNo; day = the
  InvoiceDate's date; reference date 2011-12-10;
- money in integer micro-units (round(amount * 1e6)), so sums are exact, like DECIMAL(38,6) in SQL,
  and equal totals tie exactly;
- recency = reference date - last purchase day (days); frequency = distinct invoices (or distinct
  days); monetary = sum of amounts (or sum / frequency);
- quintile score = 1 + floor(5 (rank - 1) / n), rank = pandas rank(method='min') from worst to best
  (recency descending, frequency and monetary ascending);
- the default R x F segment map of rfm.ts;
- cohorts: first-purchase month, only complete months (up to November 2011, the data end on
  2011-12-09), customers active and revenue per cohort and month offset;
- the Lorenz curve and the top-20 % share with linear interpolation at m = 0.2 n, on the cleaned
  revenue and on the net revenue of all lines with a CustomerID (cancellations included, so some
  customers are negative; shares of the net total).
"""
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOURCE = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/datasets/online_retail/online_retail.parquet"
OUT = os.path.join(ROOT, "tests", "fixtures", "reference", "rfm.json")
REFERENCE_DATE = pd.Timestamp("2011-12-10")
CUSTOMERS = ["12346", "12347", "12748", "14646", "14911", "17841", "18287"]
SEGMENTS = [
    ("Champions", (5, 5), (4, 5)),
    ("Loyal", (3, 4), (4, 5)),
    ("Potential loyalists", (4, 5), (2, 3)),
    ("New", (5, 5), (1, 1)),
    ("Promising", (4, 4), (1, 1)),
    ("Need attention", (3, 3), (3, 3)),
    ("About to sleep", (3, 3), (1, 2)),
    ("At risk", (1, 2), (3, 4)),
    ("Can't lose them", (1, 2), (5, 5)),
    ("Hibernating", (2, 2), (1, 2)),
    ("Lost", (1, 1), (1, 2)),
]
DUMP = """
import { DuckDBInstance } from '@duckdb/node-api';
const [src, out] = process.argv.slice(1);
const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
const q = (s) => "'" + s.replaceAll("'", "''") + "'";
await c.run(`COPY (SELECT InvoiceNo, Quantity, strftime(InvoiceDate, '%Y-%m-%d %H:%M:%S') AS InvoiceDate, UnitPrice, CustomerID
  FROM read_parquet(${q(src)})) TO ${q(out)} (HEADER, DELIMITER ',')`);
"""


def read_lines():
    with tempfile.TemporaryDirectory() as tmp:
        csv = os.path.join(tmp, "lines.csv")
        subprocess.run(["node", "--input-type=module", "-e", DUMP, SOURCE, csv], check=True, cwd=ROOT)
        lines = pd.read_csv(csv, dtype={"InvoiceNo": str, "CustomerID": str}, keep_default_na=False, na_values=[""])
    lines["InvoiceDate"] = pd.to_datetime(lines["InvoiceDate"])
    lines["day"] = lines["InvoiceDate"].dt.normalize()
    lines["micro"] = np.round(lines["Quantity"] * lines["UnitPrice"] * 1e6).astype(np.int64)
    return lines


def clean(lines):
    keep = lines["CustomerID"].notna() & ~lines["InvoiceNo"].str.startswith("C") & (lines["Quantity"] > 0) & (lines["UnitPrice"] > 0)
    return lines[keep]


def quintile(values, ascending):
    rank = (values if ascending else -values).rank(method="min")
    return (1 + (5 * (rank - 1)) // len(values)).astype(int)


def segment(r, f):
    for name, (r_lo, r_hi), (f_lo, f_hi) in SEGMENTS:
        if r_lo <= r <= r_hi and f_lo <= f <= f_hi:
            return name
    raise AssertionError((r, f))


def counts(series):
    return {str(k): int(v) for k, v in series.value_counts().sort_index().items()}


def rfm(lines):
    g = lines[lines["day"] <= REFERENCE_DATE].groupby("CustomerID")
    c = pd.DataFrame({
        "first": g["day"].min(),
        "last": g["day"].max(),
        "orders": g["InvoiceNo"].nunique(),
        "days": g["day"].nunique(),
        "micro": g["micro"].sum(),
    })
    c["recency"] = (REFERENCE_DATE - c["last"]).dt.days
    c["revenue"] = c["micro"] / 1e6
    c["mean_per_order"] = c["revenue"] / c["orders"]
    c["r"] = quintile(c["recency"], ascending=False)
    c["f"] = quintile(c["orders"], ascending=True)
    c["m"] = quintile(c["micro"], ascending=True)
    c["f_days"] = quintile(c["days"], ascending=True)
    c["m_mean"] = quintile(c["mean_per_order"], ascending=True)
    c["segment"] = [segment(r, f) for r, f in zip(c["r"], c["f"])]
    by_segment = c.groupby("segment")
    return {
        "referenceDate": str(REFERENCE_DATE.date()),
        "lines": int(len(lines)),
        "customers": int(len(c)),
        "totals": {
            "revenue": int(c["micro"].sum()) / 1e6,
            "orders": int(c["orders"].sum()),
            "days": int(c["days"].sum()),
            "recencyDays": int(c["recency"].sum()),
        },
        "scoreCounts": {
            "r": counts(c["r"]),
            "f": counts(c["f"]),
            "m": counts(c["m"]),
            "fDays": counts(c["f_days"]),
            "mMeanPerOrder": counts(c["m_mean"]),
        },
        "cellCounts": {f"{r}{f}": int(n) for (r, f), n in c.groupby(["r", "f"]).size().items()},
        "segments": {
            name: {"customers": int(len(s)), "revenue": int(s["micro"].sum()) / 1e6, "meanRecencyDays": float(s["recency"].mean())}
            for name, s in by_segment
        },
        "sample": [
            {
                "customer": k,
                "first": str(c.at[k, "first"].date()),
                "last": str(c.at[k, "last"].date()),
                "recencyDays": int(c.at[k, "recency"]),
                "orders": int(c.at[k, "orders"]),
                "days": int(c.at[k, "days"]),
                "revenue": float(c.at[k, "revenue"]),
                "meanPerOrder": float(c.at[k, "mean_per_order"]),
                "scores": [int(c.at[k, "r"]), int(c.at[k, "f"]), int(c.at[k, "m"])],
                "segment": c.at[k, "segment"],
            }
            for k in CUSTOMERS
        ],
    }


def cohorts(lines):
    limit = lines["day"].max()
    last_month = (limit + pd.Timedelta(days=1)).to_period("M") - 1
    t = lines.assign(month=lines["day"].dt.to_period("M"))
    t = t.join(t.groupby("CustomerID")["month"].min().rename("cohort"), on="CustomerID")
    t = t[(t["cohort"] <= last_month) & (t["month"] <= last_month)]
    sizes = t.groupby("cohort")["CustomerID"].nunique()
    active = t.groupby(["cohort", "month"]).agg(customers=("CustomerID", "nunique"), micro=("micro", "sum"))
    rows = []
    for cohort, size in sizes.items():
        for offset in range((last_month - cohort).n + 1):
            key = (cohort, cohort + offset)
            customers, micro = (int(active.at[key, "customers"]), int(active.at[key, "micro"])) if key in active.index else (0, 0)
            rows.append([str(cohort.start_time.date()), offset, int(size), customers, micro / 1e6])
    return {"limit": str(limit.date()), "lastMonth": str(last_month.start_time.date()), "rows": rows}


def concentration(values):
    """Lorenz points and the interpolated top-20 % share of integer micro-unit values (shares of the net total)."""
    v = np.sort(values.to_numpy())[::-1]
    cv = np.concatenate([[0], np.cumsum(v)])
    n, total = len(v), int(cv[-1])
    m = 0.2 * n
    j = math.floor(m)
    top = cv[j] / 1e6 + (m - j) * (v[j] / 1e6)
    at = sorted({1, 10, n // 5, n // 2, n})
    peak = int(np.max(np.nonzero(v > 0))) + 1
    return {
        "customers": n,
        "negative": int((v < 0).sum()),
        "total": total / 1e6,
        "top20": {"customers": m, "value": top, "share": top / (total / 1e6)},
        "lorenz": [{"customers": i, "cumulative": int(cv[i]) / 1e6, "share": int(cv[i]) / total} for i in at],
        "peak": {"customers": peak, "share": int(cv[peak]) / total},
    }


def main():
    lines = read_lines()
    cleaned = clean(lines)
    out = {
        "generatedBy": "scripts/reference/rfm.py",
        "pandas": pd.__version__,
        "cleanedLines": int(len(cleaned)),
        "rfm": rfm(cleaned),
        "cohorts": cohorts(cleaned),
        "pareto": {
            "revenue": concentration(cleaned.groupby("CustomerID")["micro"].sum()),
            "netRevenue": concentration(lines[lines["CustomerID"].notna()].groupby("CustomerID")["micro"].sum()),
        },
    }
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}: {out['rfm']['customers']} customers, {len(out['cohorts']['rows'])} cohort cells")


if __name__ == "__main__":
    main()

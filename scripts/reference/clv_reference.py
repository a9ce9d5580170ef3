#!/usr/bin/python3
"""Reference values for the customer-value models in src/lib/analysis/ (BG/NBD, Gamma-Gamma, CLV).

The `lifetimes` library is not installable here, so this script re-implements its formulas
(lifetimes 0.11: BetaGeoFitter, GammaGammaFitter, utils._customer_lifetime_value) with
scipy.special and fits both models with scipy.optimize on the CDNOW 2,357-customer cohort.
It writes tests/fixtures/reference/clv.json, which tests/unit/{special,bgnbd,gamma-gamma,clv}.test.ts
read. The values come from lifetimes' own expressions (hyp2f1 of the untransformed parameters,
expit of the log-odds), not from the Euler-transformed forms used in bgnbd.ts, so the tests
compare two derivations of the same quantities.

Regenerate (Debian python3 with python3-scipy, python3-pandas and python3-mpmath):
    /usr/bin/python3 scripts/reference/clv_reference.py
It reads ../shared/datasets/cdnow/ beside the repository and is deterministic.
"""

import json
import os

import mpmath
import numpy as np
import pandas as pd
import scipy
from scipy.optimize import minimize
from scipy.special import betaln, expit, gammaln, hyp2f1

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATASETS = os.path.join(os.path.dirname(ROOT), "shared", "datasets", "cdnow")
OUT = os.path.join(ROOT, "tests", "fixtures", "reference", "clv.json")

# Customers chosen to cover x = 0, one purchase made early (low P(alive)), typical buyers and the
# heaviest buyers of the cohort.
CUSTOMER_IDS = [1, 2, 3, 6, 157, 1266, 1516]
HORIZONS = [1.0, 10.0, 39.0, 52.0, 520.0]


def bgnbd_nll(log_params, x, t_x, T):
    """Mean negative log-likelihood, lifetimes' BetaGeoFitter._negative_log_likelihood."""
    r, alpha, a, b = np.exp(log_params)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + T)
    a4 = np.log(a) - np.log(b + np.maximum(x, 1) - 1) - (r + x) * np.log(t_x + alpha)
    max_a3_a4 = np.maximum(a3, a4)
    ll = a1 + a2 + np.log(np.exp(a3 - max_a3_a4) + np.exp(a4 - max_a3_a4) * (x > 0)) + max_a3_a4
    return -ll.mean()


def gamma_gamma_nll(log_params, x, m):
    """Mean negative log-likelihood, lifetimes' GammaGammaFitter._negative_log_likelihood."""
    p, q, v = np.exp(log_params)
    ll = (
        gammaln(p * x + q)
        - gammaln(p * x)
        - gammaln(q)
        + q * np.log(v)
        + (p * x - 1) * np.log(m)
        + (p * x) * np.log(x)
        - (p * x + q) * np.log(x * m + v)
    )
    return -ll.mean()


def fit(nll, x0, args):
    """Nelder-Mead to tight tolerances, restarted once from its own optimum."""
    best = np.asarray(x0, dtype=float)
    for _ in range(2):
        res = minimize(nll, best, args=args, method="Nelder-Mead",
                       options={"xatol": 1e-11, "fatol": 1e-14, "maxiter": 40000, "maxfev": 40000})
        assert res.success, res.message
        best = res.x
    return np.exp(best), -nll(best, *args) * len(args[0])


def probability_alive(params, x, t_x, T):
    """lifetimes BetaGeoFitter.conditional_probability_alive."""
    r, alpha, a, b = params
    log_div = (r + x) * np.log((alpha + T) / (alpha + t_x)) + np.log(a / (b + np.maximum(x, 1) - 1))
    return float(np.where(x == 0, 1.0, expit(-log_div)))


def conditional_expected(params, t, x, t_x, T):
    """lifetimes BetaGeoFitter.conditional_expected_number_of_purchases_up_to_time."""
    r, alpha, a, b = params
    _a, _b, _c, _z = r + x, b + x, a + b + x - 1, t / (alpha + T + t)
    ln_hyp = np.log(hyp2f1(_a, _b, _c, _z))
    if np.isinf(ln_hyp):
        ln_hyp = np.log(hyp2f1(_c - _a, _c - _b, _c, _z)) + (_c - _a - _b) * np.log(1 - _z)
    first = (a + b + x - 1) / (a - 1)
    second = 1 - np.exp(ln_hyp + (r + x) * np.log((alpha + T) / (alpha + t + T)))
    denominator = 1 + (x > 0) * (a / (b + x - 1)) * ((alpha + T) / (alpha + t_x)) ** (r + x)
    return float(first * second / denominator)


def expected(params, t):
    """lifetimes BetaGeoFitter.expected_number_of_purchases_up_to_time."""
    r, alpha, a, b = params
    hyp = hyp2f1(r, b, a + b - 1, t / (alpha + t))
    return float((a + b - 1) / (a - 1) * (1 - hyp * (alpha / (alpha + t)) ** r))


def expected_spend(params, x, m):
    """lifetimes GammaGammaFitter.conditional_expected_average_profit."""
    p, q, v = params
    weight = p * x / (p * x + q - 1)
    return float((1 - weight) * v * p / (q - 1) + weight * m)


def clv(bg, gg, x, t_x, T, m, time, discount_rate, factor):
    """lifetimes utils._customer_lifetime_value with the Gamma-Gamma adjusted spend."""
    spend = expected_spend(gg, x, m)
    value = 0.0
    for i in np.arange(1, time + 1) * factor:
        purchases = conditional_expected(bg, i, x, t_x, T) - conditional_expected(bg, i - factor, x, t_x, T)
        value += spend * purchases / (1 + discount_rate) ** (i / factor)
    return value


def checked_hyp2f1(a, b, c, z):
    value = float(hyp2f1(a, b, c, z))
    exact = float(mpmath.hyp2f1(a, b, c, z))
    assert abs(value - exact) <= 1e-12 * abs(exact), (a, b, c, z, value, exact)
    return value


def main():
    summary = pd.read_csv(os.path.join(DATASETS, "cdnow_customers_summary.csv"))
    spend = pd.read_csv(os.path.join(DATASETS, "cdnow_customers_summary_with_transactions.csv"))
    x, t_x, T = (summary[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    bg, bg_ll = fit(bgnbd_nll, np.log([1.0, T.max() / 10, 1.0, 1.0]), (x, t_x, T))

    repeat = spend[spend.x > 0]
    gx, gm = repeat.x.to_numpy(float), repeat.zbar.to_numpy(float)
    gg, gg_ll = fit(gamma_gamma_nll, np.log([1.0, 1.0, gm.mean()]), (gx, gm))

    customers = []
    for cid in CUSTOMER_IDS:
        row = spend[spend.ID == cid].iloc[0]
        cx, ctx, cT, cm = (float(row[c]) for c in ("x", "t_x", "T", "zbar"))
        customers.append({
            "id": cid, "x": cx, "tx": ctx, "T": cT, "mbar": cm,
            "probabilityAlive": probability_alive(bg, cx, ctx, cT),
            "conditionalExpectedPurchases": [conditional_expected(bg, t, cx, ctx, cT) for t in HORIZONS],
            "expectedSpend": expected_spend(gg, cx, cm),
            "clvMonthly": clv(bg, gg, cx, ctx, cT, cm, 12, 0.01, 4.345),
            "clvWeekly": clv(bg, gg, cx, ctx, cT, cm, 52, 0.002, 1.0),
        })

    hyp_cases = [
        (1.0, 1.0, 2.0, 0.5),
        (0.5, 1.5, 2.5, 0.9),
        (2.3, 4.1, 1.7, 0.95),
        (-3.0, 2.0, 1.5, 0.7),
        (0.2, -0.3, 0.9, 0.99),
        (1.5, 2.5, -0.5, 0.3),
        (30.24, 32.4, 33.2, 0.6),
        (0.0, 2.0, 3.0, 0.5),
        (1.0, 1.0, 2.0, 0.0),
    ]
    for c in customers:
        r, alpha, a, b = bg
        z = 52.0 / (alpha + c["T"] + 52.0)
        hyp_cases.append((r + c["x"], b + c["x"], a + b + c["x"] - 1, z))
        hyp_cases.append((a + b - 1 - r, a - 1, a + b + c["x"] - 1, z))

    fixture = {
        "generatedBy": "scripts/reference/clv_reference.py",
        "scipy": scipy.__version__,
        "bgnbd": {"params": dict(zip(("r", "alpha", "a", "b"), bg)), "logLikelihood": bg_ll,
                  "horizons": HORIZONS,
                  "expectedPurchases": [{"t": t, "value": expected(bg, t)} for t in (1.0, 39.0, 78.0, 520.0)]},
        "gammaGamma": {"params": dict(zip(("p", "q", "gamma"), gg)), "logLikelihood": gg_ll,
                       "customers": len(gx), "correlation": float(np.corrcoef(gx, gm)[0, 1])},
        "clv": {"monthly": {"horizon": 12, "periodLength": 4.345, "discountRate": 0.01},
                "weekly": {"horizon": 52, "periodLength": 1.0, "discountRate": 0.002}},
        "customers": customers,
        "special": {
            "gammaln": [[v, float(gammaln(v))] for v in (1e-8, 0.1, 0.5, 1.0, 2.5, 10.0, 171.5, 1e5)],
            "betaln": [[a, b, float(betaln(a, b))] for a, b in ((0.5, 0.5), (0.793, 2.426), (6.25, 3.74), (1e3, 2.5), (30.0, 1e-3))],
            "hyp2f1": [[a, b, c, z, checked_hyp2f1(a, b, c, z)] for a, b, c, z in hyp_cases],
        },
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}: BG/NBD {bg} LL {bg_ll:.4f}; Gamma-Gamma {gg} LL {gg_ll:.4f}")


if __name__ == "__main__":
    main()

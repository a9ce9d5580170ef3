"""Reference fixtures for k-means, silhouette and PCA (tests/unit/kmeans.test.ts, tests/unit/pca.test.ts).

Regenerate (from the repository root, with Debian's Python and scikit-learn):
    apt-get install -y python3-sklearn python3-pandas   # if missing
    /usr/bin/python3 scripts/reference/kmeans_reference.py
It reads /work/shared/datasets (or the folder given as the first argument) and writes
tests/fixtures/reference/kmeans.json.

Datasets (see /work/shared/datasets/README.md for provenance):
- wholesale/customers.csv: the 6 annual-spend columns, log1p, then z-scored with the population
  standard deviation (ddof=0);
- mall/Mall_Customers.csv: Annual Income (k$) and Spending Score (1-100), z-scored (ddof=0).
The prepared matrix is rounded to 1e-9 and every reference number below is computed on the rounded
matrix, so the tests see exactly the data scikit-learn saw.

For k = 2..8: KMeans(n_clusters=k, n_init=10, random_state=0) inertia, iterations and labels, and
silhouette_score(X, labels) (exact, Euclidean). For k = 3, 5, 8: one Lloyd run from fixed starting
centres (rows floor(i * n / k), i = 0..k-1): KMeans(init=those rows, n_init=1) labels, iterations and
inertia. Per dataset: PCA(n_components=2) components, explained variance ratio and the projection
of the first rows.
"""
import json
import os
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATASETS = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/datasets"
OUT = os.path.join(ROOT, "tests", "fixtures", "reference", "kmeans.json")
KS = range(2, 9)
FIXED_KS = (3, 5, 8)
PCA_ROWS = 5


def zscore(x):
    return (x - x.mean(axis=0)) / x.std(axis=0, ddof=0)


def wholesale():
    df = pd.read_csv(os.path.join(DATASETS, "wholesale", "customers.csv"))
    cols = ["Fresh", "Milk", "Grocery", "Frozen", "Detergents_Paper", "Delicatessen"]
    return cols, zscore(np.log1p(df[cols].to_numpy(dtype=float)))


def mall():
    df = pd.read_csv(os.path.join(DATASETS, "mall", "Mall_Customers.csv"))
    cols = ["Annual Income (k$)", "Spending Score (1-100)"]
    return cols, zscore(df[cols].to_numpy(dtype=float))


def reference(name, cols, x):
    x = np.round(x, 9)
    fits = []
    for k in KS:
        km = KMeans(n_clusters=k, n_init=10, random_state=0).fit(x)
        fits.append({
            "k": k,
            "inertia": float(km.inertia_),
            "iterations": int(km.n_iter_),
            "silhouette": float(silhouette_score(x, km.labels_)),
            "labels": km.labels_.astype(int).tolist(),
        })
    fixed = []
    for k in FIXED_KS:
        rows = [i * x.shape[0] // k for i in range(k)]
        km = KMeans(n_clusters=k, init=x[rows], n_init=1).fit(x)
        fixed.append({
            "k": k,
            "initRows": rows,
            "inertia": float(km.inertia_),
            "iterations": int(km.n_iter_),
            "labels": km.labels_.astype(int).tolist(),
        })
    pca = PCA(n_components=2).fit(x)
    return {
        "name": name,
        "columns": cols,
        "n": int(x.shape[0]),
        "d": int(x.shape[1]),
        "data": [float(v) for v in x.ravel()],
        "kmeans": fits,
        "fixedInit": fixed,
        "pca": {
            "components": pca.components_.ravel().tolist(),
            "explainedVarianceRatio": pca.explained_variance_ratio_.tolist(),
            "firstRows": pca.transform(x[:PCA_ROWS]).ravel().tolist(),
        },
    }


def main():
    out = {
        "generator": "scripts/reference/kmeans_reference.py",
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "datasets": [reference("wholesale", *wholesale()), reference("mall", *mall())],
    }
    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT}: {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()

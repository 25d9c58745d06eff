#!/usr/bin/env python3
"""Independent reference for k-means and silhouette: scikit-learn on a fixed set of points.

Usage:
  cluster_sklearn.py --write-points core/tests/data/cluster_points.csv   (once: the dataset)
  cluster_sklearn.py core/tests/data/cluster_points.csv > tests/reference/cluster_sklearn.json

Points: 320 rows, 3 columns (x, y, z), four Gaussian blobs of unequal size and spread, printed
with 6 decimals so that both sides read the same numbers. For k = 2..6 the JSON holds
KMeans(k, n_init=10, random_state=0) inertia and labels, and silhouette_score of those labels
(exact: no sampling). Run in a venv with `pip install scikit-learn numpy`.
"""
import csv
import json
import sys

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score


def write_points(path: str) -> None:
    rng = np.random.default_rng(20240501)
    centres = [(0.0, 0.0, 0.0), (6.0, 1.0, -2.0), (1.0, 7.0, 3.0), (-5.0, 4.0, 8.0)]
    sizes = [120, 90, 70, 40]
    spreads = [1.0, 1.3, 0.8, 1.5]
    rows = []
    for c, n, s in zip(centres, sizes, spreads):
        rows.extend(np.asarray(c) + s * rng.standard_normal((n, 3)))
    rows = np.asarray(rows)
    rows = rows[rng.permutation(len(rows))]
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["x", "y", "z"])
        for r in rows:
            w.writerow([f"{v:.6f}" for v in r])


def main() -> None:
    if sys.argv[1] == "--write-points":
        write_points(sys.argv[2])
        return
    x = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
    out = {"sklearn": sklearn.__version__, "rows": len(x), "k": {}}
    for k in range(2, 7):
        km = KMeans(n_clusters=k, n_init=10, random_state=0).fit(x)
        out["k"][str(k)] = {
            "inertia": float(km.inertia_),
            "silhouette": float(silhouette_score(x, km.labels_)),
            "labels": [int(v) for v in km.labels_],
        }
    json.dump(out, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

"""Independent reference for prisme_core::churn (core/tests/churn.rs reads the JSON this writes).

Usage (from the repository root):
    python3 -m venv /tmp/churn-venv && /tmp/churn-venv/bin/pip install scikit-learn pandas
    /tmp/churn-venv/bin/python tests/reference/churn_sklearn.py target/refdata/Customer_Churn.csv \
        > tests/reference/churn_sklearn.json

Writes:
- telco: 5-fold stratified CV AUC (mean and folds) of LogisticRegression(C=1.0) and
  HistGradientBoostingClassifier with Prisme's default boosting parameters, preprocessing as
  Prisme does it (numbers: median imputation + missing indicator + standardisation; text:
  one-hot with every level; customerID dropped);
- ties: roc_auc_score on a fixed score vector with ties;
- synth: core/tests/data/churn_synth.csv (generated here, deterministic) and the coefficients of
  LogisticRegression(C=1.0) on its standardised/one-hot inputs. Penalty convention:
  sum of per-row log-losses + 1/(2C) * ||w||^2, intercept not penalised.
"""

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import MissingIndicator, SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

ROOT = Path(__file__).resolve().parents[2]

# Prisme's GbtParams::default().
GBT = dict(
    learning_rate=0.05,
    max_iter=200,
    max_leaf_nodes=8,
    max_depth=None,
    min_samples_leaf=40,
    l2_regularization=1.0,
    max_bins=255,
    early_stopping=False,
)

TIE_SCORES = [0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.7, 0.1, 0.9, 0.35, 0.5, 0.5, 0.2, 0.7]
TIE_LABELS = [0, 1, 0, 1, 0, 1, 1, 1, 1, 0, 0, 1, 0, 0]


def preprocess(numeric, categorical, with_blanks):
    num_steps = [("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]
    parts = [("num", Pipeline(num_steps), numeric)]
    if with_blanks:
        parts.append(("missing", MissingIndicator(features="missing-only"), with_blanks))
    if categorical:
        parts.append(("cat", OneHotEncoder(handle_unknown="ignore"), categorical))
    return ColumnTransformer(parts)


def telco(path):
    df = pd.read_csv(path)
    df["TotalCharges"] = pd.to_numeric(df["TotalCharges"].str.strip().replace("", np.nan))
    y = (df["Churn"] == "Yes").astype(int).to_numpy()
    x = df.drop(columns=["customerID", "Churn"])
    # SeniorCitizen is 0/1: Prisme's reader sees it as a number.
    numeric = ["SeniorCitizen", "tenure", "MonthlyCharges", "TotalCharges"]
    categorical = [c for c in x.columns if c not in numeric]
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    out = {"rows": int(len(df)), "churners": int(y.sum())}
    models = {
        "logistic": LogisticRegression(C=1.0, max_iter=10000, tol=1e-8),
        "gbt": HistGradientBoostingClassifier(random_state=0, **GBT),
    }
    for name, model in models.items():
        pipe = Pipeline([("prep", preprocess(numeric, categorical, ["TotalCharges"])), ("model", model)])
        folds = cross_val_score(pipe, x, y, cv=cv, scoring="roc_auc")
        out[name] = {"cv_auc_mean": float(folds.mean()), "cv_auc_folds": [float(f) for f in folds]}
    return out


def synth():
    rng = np.random.default_rng(20261123)
    n = 300
    x1 = rng.normal(0.0, 1.0, n)
    x2 = rng.uniform(0.0, 10.0, n)
    x3 = rng.exponential(2.0, n)
    plan = rng.choice(["basic", "plus", "pro"], n, p=[0.5, 0.3, 0.2])
    z = -0.5 + 1.2 * x1 - 0.25 * x2 + 0.4 * x3 + np.select([plan == "plus", plan == "pro"], [0.6, -0.8], 0.0)
    churn = rng.uniform(size=n) < 1.0 / (1.0 + np.exp(-z))
    df = pd.DataFrame(
        {
            "customer_id": [f"C{i:04d}" for i in range(n)],
            "x1": np.round(x1, 4),
            "x2": np.round(x2, 4),
            "x3": np.round(x3, 4),
            "plan": plan,
            "churn": np.where(churn, "Yes", "No"),
        }
    )
    csv = ROOT / "core" / "tests" / "data" / "churn_synth.csv"
    df.to_csv(csv, index=False, float_format="%.4f")
    df = pd.read_csv(csv)
    y = (df["churn"] == "Yes").astype(int).to_numpy()
    prep = preprocess(["x1", "x2", "x3"], ["plan"], [])
    x = prep.fit_transform(df)
    model = LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(x, y)
    names = ["x1", "x2", "x3"] + [f"plan={lvl}" for lvl in prep.named_transformers_["cat"].categories_[0]]
    return {
        "csv": "core/tests/data/churn_synth.csv",
        "rows": n,
        "C": 1.0,
        "intercept": float(model.intercept_[0]),
        "coef": {name: float(c) for name, c in zip(names, model.coef_[0])},
    }


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "target" / "refdata" / "Customer_Churn.csv")
    out = {
        "generator": "tests/reference/churn_sklearn.py",
        "sklearn": sklearn.__version__,
        "ties": {
            "scores": TIE_SCORES,
            "labels": TIE_LABELS,
            "auc": float(roc_auc_score(TIE_LABELS, TIE_SCORES)),
        },
        "synth": synth(),
        "telco": telco(path),
    }
    json.dump(out, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()

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
  sum of per-row log-losses + 1/(2C) * ||w||^2, intercept not penalised;
- telco_splits: for seeds 0..19, the very train/test split Prisme draws (its SplitMix64 and
  stratified split, written out again below; the SHA-256 of the test rows lets the Rust test
  check that the split is the same), Prisme's encoding of the columns fitted on the training
  rows, and the test AUC of LogisticRegression(C=1.0) and of HistGradientBoostingClassifier at
  the analysis defaults (100 trees at rate 0.1) and at the churn module's (200 at 0.05); on
  seed 0, each model's probability for every test row too.
"""

import hashlib
import json
import math
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

# prisme_core::analysis::AnalysisParams::default() overrides the trees and the rate.
GBT_ANALYSIS = dict(GBT, max_iter=100, learning_rate=0.1)

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


MASK = (1 << 64) - 1


class SplitMix64:
    """prisme_core::synth::SplitMix64 (Steele, Lea & Flood 2014) with the split's draws."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next_u64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        return ((self.next_u64() >> 32) * n) >> 32

    def shuffle(self, v):
        for i in range(len(v) - 1, 0, -1):
            j = self.below(i + 1)
            v[i], v[j] = v[j], v[i]


def stratified_split(label, test_share, seed):
    """prisme_core::churn::split::stratified_split over every row (Telco has no blank label)."""
    rng = SplitMix64(seed)
    train, test = [], []
    for cls in (False, True):
        members = [i for i, y in enumerate(label) if bool(y) == cls]
        rng.shuffle(members)
        # Rust's f64::round rounds halves away from zero (Python's round() to even).
        k = min(int(math.floor(len(members) * test_share + 0.5)), len(members))
        test += members[:k]
        train += members[k:]
    return sorted(train), sorted(test)


def prisme_reading(df):
    """The columns as Prisme's reader types them: yes/no columns are booleans (levels "false"
    and "true"), and MultipleLines, yes/no in 90 % of its rows, is read as a boolean column whose
    682 "No phone service" values are invalid, hence blank (`prisme profile` lists them). The
    three groups are the same as the file's three levels, under other names."""
    df = df.copy()
    for col in df.columns:
        values = set(df[col].dropna().unique())
        if col == "MultipleLines" or values <= {"Yes", "No"}:
            df[col] = df[col].map({"Yes": "true", "No": "false"})
    return df


def prisme_encoding(df, numeric, train):
    """Prisme's Encoder (core/src/churn/dataset.rs), column by column in file order: numbers
    imputed with the training median, then standardised with the training mean and population
    standard deviation, followed by a 0/1 blank indicator when the column has blanks anywhere;
    text one-hot over every level of the whole column, sorted, then a blank indicator when the
    column has blanks anywhere."""
    blocks, names = [], []
    for col in df.columns:
        v = df[col]
        if col in numeric:
            med = float(np.median(v.iloc[train].dropna()))
            filled = v.fillna(med).to_numpy(dtype=float)
            mean = filled[train].mean()
            sd = filled[train].std() or 1.0
            blocks.append(((filled - mean) / sd)[:, None])
            names.append(col)
            if v.isna().any():
                blocks.append(v.isna().to_numpy(dtype=float)[:, None])
                names.append(f"{col} (blank)")
        else:
            levels = sorted(v.dropna().unique())
            enc = OneHotEncoder(categories=[levels], handle_unknown="ignore")
            blocks.append(enc.fit_transform(v.to_frame()).toarray())
            names += [f"{col}={lvl}" for lvl in levels]
            if v.isna().any():
                blocks.append(v.isna().to_numpy(dtype=float)[:, None])
                names.append(f"{col} (blank)")
    return np.hstack(blocks), names


def telco_splits(path):
    df = pd.read_csv(path)
    df["TotalCharges"] = pd.to_numeric(df["TotalCharges"].str.strip().replace("", np.nan))
    y = (df["Churn"] == "Yes").to_numpy()
    x = prisme_reading(df.drop(columns=["customerID", "Churn"]))
    numeric = ["SeniorCitizen", "tenure", "MonthlyCharges", "TotalCharges"]
    out = {"test_share": 0.25, "seeds": []}
    for seed in range(20):
        train, test = stratified_split(y, 0.25, seed)
        xm, names = prisme_encoding(x, numeric, train)
        out["features"] = names
        row = {
            "seed": seed,
            "train_rows": len(train),
            "test_rows": len(test),
            "test_rows_sha256": hashlib.sha256(",".join(map(str, test)).encode()).hexdigest(),
        }
        models = {
            "logistic": LogisticRegression(C=1.0, max_iter=10000, tol=1e-10),
            "gbt_analysis": HistGradientBoostingClassifier(random_state=0, **GBT_ANALYSIS),
            "gbt_churn": HistGradientBoostingClassifier(random_state=0, **GBT),
        }
        for name, model in models.items():
            model.fit(xm[train], y[train])
            proba = model.predict_proba(xm[test])[:, 1]
            row[name] = float(roc_auc_score(y[test], proba))
            if seed == 0:
                # Row by row on one split: an AUC hides changes that keep the ranking's
                # quality (fewer leaves, another rate), the probabilities do not.
                out.setdefault("seed0_test_proba", {})[name] = [round(float(v), 6) for v in proba]
        out["seeds"].append(row)
    for name in ["logistic", "gbt_analysis", "gbt_churn"]:
        out[f"{name}_mean"] = float(np.mean([r[name] for r in out["seeds"]]))
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
        "telco_splits": telco_splits(path),
    }
    json.dump(out, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()

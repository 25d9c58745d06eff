#!/usr/bin/env python3
"""Independent reference for acquisition cohorts: pandas group-bys over the same CSV.

Usage:
  cohort_pandas.py --write-rows core/tests/data/cohort_rows.csv   (once: the dataset)
  cohort_pandas.py core/tests/data/cohort_rows.csv > tests/reference/cohort_pandas.json

Rows: 3,000 purchases by 400 customers between 2020-06-01 and 2021-12-31 (so ISO week
2020-W53 is inside), ISO dates, amounts with 2 decimals, some customers buying twice a day.
For each period (month, week, quarter) the JSON lists every cohort with its label, size,
active customers and revenue per offset, and its repeat customers (≥ 2 distinct days).
Nothing here shares code with Prisme. Run in a venv with `pip install pandas`.
"""
import json
import sys

import numpy as np
import pandas as pd


def write_rows(path: str) -> None:
    rng = np.random.default_rng(7)
    start = pd.Timestamp("2020-06-01")
    span = (pd.Timestamp("2021-12-31") - start).days + 1
    first = rng.integers(0, span, 400)
    rows = []
    for i in range(3000):
        c = int(rng.integers(0, 400)) if i >= 400 else i
        day = int(first[c] + rng.integers(0, span - first[c]))
        rows.append((f"K{c:04d}", (start + pd.Timedelta(days=day)).date().isoformat(),
                     round(float(rng.lognormal(3.0, 0.8)), 2)))
        if rng.random() < 0.05:  # a second basket the same day
            rows.append((rows[-1][0], rows[-1][1], round(float(rng.lognormal(2.0, 0.5)), 2)))
    df = pd.DataFrame(rows, columns=["customer_id", "order_date", "amount"])
    df.to_csv(path, index=False, float_format="%.2f")


def ordinal(dates: pd.Series, period: str) -> pd.Series:
    if period == "month":
        return dates.dt.year * 12 + dates.dt.month - 1
    if period == "quarter":
        return dates.dt.year * 4 + (dates.dt.month - 1) // 3
    monday = dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")
    return (monday - pd.Timestamp("1970-01-05")).dt.days // 7


def label(first_date: pd.Timestamp, period: str) -> str:
    if period == "month":
        return f"{first_date.year:04d}-{first_date.month:02d}"
    if period == "quarter":
        return f"{first_date.year:04d}-Q{(first_date.month - 1) // 3 + 1}"
    iso = first_date.isocalendar()
    return f"{iso[0]:04d}-W{iso[1]:02d}"


def cohorts(df: pd.DataFrame, period: str) -> list:
    df = df.copy()
    df["p"] = ordinal(df["date"], period)
    first = df.groupby("customer_id")["date"].min().rename("first")
    df = df.join(first, on="customer_id")
    df["cohort"] = ordinal(df["first"], period)
    df["offset"] = df["p"] - df["cohort"]
    last = df["p"].max()
    days = df.groupby("customer_id")["date"].nunique()
    out = []
    for cohort, g in df.groupby("cohort"):
        width = int(last - cohort + 1)
        active = g.groupby("offset")["customer_id"].nunique().reindex(range(width), fill_value=0)
        revenue = g.groupby("offset")["amount"].sum().reindex(range(width), fill_value=0.0)
        members = g["customer_id"].unique()
        out.append({
            "label": label(g["first"].min(), period),
            "size": int(len(members)),
            "active": [int(v) for v in active],
            "revenue": [float(v) for v in revenue],
            "repeat_customers": int((days[members] >= 2).sum()),
        })
    return out


def main() -> None:
    if sys.argv[1] == "--write-rows":
        write_rows(sys.argv[2])
        return
    df = pd.read_csv(sys.argv[1], dtype={"customer_id": str})
    df["date"] = pd.to_datetime(df["order_date"])
    out = {"pandas": pd.__version__, "rows": len(df)}
    for period in ["month", "week", "quarter"]:
        out[period] = cohorts(df, period)
    json.dump(out, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

"""Independent counts for the data-quality profile (core/tests/profile_reference.rs reads the
JSON this writes): rows, and per column the kind, the blank cells and the distinct non-blank
values, counted by pandas on fixtures of core/tests/data/.

Usage (from the repository root):
    python3 -m venv /tmp/pdvenv && /tmp/pdvenv/bin/pip install pandas
    /tmp/pdvenv/bin/python tests/reference/profile_pandas.py > tests/reference/profile_pandas.json

Each file is read by pandas with the conventions it was written in, stated below from looking
at the file (encoding, separator, decimal mark, date order, what reads as yes/no). Nothing here
comes from Prisme: pandas types the values, `isna` counts blanks (cells that are empty or only
spaces), `nunique` counts distinct typed values. Kinds are pandas' dtypes after
`convert_dtypes()`, named as Prisme names them: string -> text, Int64 -> integer, Float64 ->
number, boolean -> boolean, datetime without a time of day -> date, with one -> date-time.
Identifier columns are read as text (ids are labels, not quantities).
"""
import json
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parents[2] / "core" / "tests" / "data"
YES = ["oui", "Yes", "yes", "true"]
NO = ["non", "No", "no", "false"]


def money(text, decimal):
    """'1 234,50 €' or '$1,015.30' as a float, given the decimal mark."""
    if pd.isna(text):
        return np.nan
    s = str(text).replace("€", "").replace("$", "").replace("\u00a0", "").replace("\u202f", "")
    s = s.replace(" ", "")
    if decimal == ",":
        s = s.replace(".", "").replace(",", ".")
    else:
        s = s.replace(",", "")
    return float(s)


def blanks_to_na(df):
    return df.apply(lambda c: c.map(lambda v: np.nan if isinstance(v, str) and v.strip() == "" else v))


def kind(col):
    dt = col.dtype
    if col.isna().all():
        return "empty"
    if pd.api.types.is_bool_dtype(dt):
        return "boolean"
    if pd.api.types.is_integer_dtype(dt):
        return "integer"
    if pd.api.types.is_float_dtype(dt):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(dt):
        v = col.dropna()
        return "date" if (v == v.dt.normalize()).all() else "date-time"
    return "text"


def describe(df):
    df = blanks_to_na(df).convert_dtypes()
    return {
        "rows": int(len(df)),
        "columns": [
            {"name": c, "kind": kind(df[c]), "blanks": int(df[c].isna().sum()), "distinct": int(df[c].nunique(dropna=True))}
            for c in df.columns
        ],
    }


def fr_excel_ventes():
    # Windows-1252, ';', decimal comma with a space as thousands separator and a euro sign,
    # dates day first.
    df = pd.read_csv(DATA / "fr_excel_ventes.csv", sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
    df["Date de vente"] = pd.to_datetime(df["Date de vente"], format="%d/%m/%Y")
    df["Montant TTC"] = df["Montant TTC"].map(lambda v: money(v, ","))
    df["Quantité"] = df["Quantité"].astype(int)
    return describe(df)


def contracts():
    df = pd.read_csv(DATA / "contracts.csv", sep=";", dtype=str, keep_default_na=False)
    for c in ["debut_contrat", "fin_contrat"]:
        df[c] = pd.to_datetime(df[c].replace("", np.nan), format="%d/%m/%Y")
    return describe(df)


def customers_crm():
    return describe(pd.read_csv(DATA / "customers_crm.csv", sep=";", dtype=str, keep_default_na=False))


def us_orders():
    # UTF-8 with a BOM, ',', quoted fields (one spans two lines), dollars with a thousands
    # comma, dates month first with times.
    df = pd.read_csv(DATA / "us_orders.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    df["Order Date"] = pd.to_datetime(df["Order Date"], format="%m/%d/%Y %H:%M")
    df["Sales"] = df["Sales"].map(lambda v: money(v, "."))
    return describe(df)


def customers_json():
    df = pd.read_json(DATA / "customers.json", dtype={"id": str})
    df["churn"] = df["churn"].map(lambda v: True if v in YES else False if v in NO else np.nan).astype("boolean")
    return describe(df)


def cohort_rows():
    df = pd.read_csv(DATA / "cohort_rows.csv", dtype={"customer_id": str})
    df["order_date"] = pd.to_datetime(df["order_date"], format="%Y-%m-%d")
    return describe(df)


def churn_synth():
    df = pd.read_csv(DATA / "churn_synth.csv", dtype={"customer_id": str})
    df["churn"] = df["churn"].map(lambda v: True if v in YES else False if v in NO else np.nan).astype("boolean")
    return describe(df)


out = {
    "generator": "tests/reference/profile_pandas.py",
    "pandas": pd.__version__,
    "files": {
        "fr_excel_ventes.csv": fr_excel_ventes(),
        "contracts.csv": contracts(),
        "customers_crm.csv": customers_crm(),
        "us_orders.csv": us_orders(),
        "customers.json": customers_json(),
        "cohort_rows.csv": cohort_rows(),
        "churn_synth.csv": churn_synth(),
    },
}
print(json.dumps(out, indent=1, ensure_ascii=False))

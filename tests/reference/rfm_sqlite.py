#!/usr/bin/env python3
"""Independent reference for the RFM slice: SQLite's own NTILE over the same CSV.

Usage: rfm_sqlite.py FILE.csv [--integer-ids]
Prints JSON: {"rows": N, "customers": N, "snapshot": "yyyy-mm-dd", "cells": [[r, f, m, count], ...],
              "scores": [[customer_id, recency, frequency, monetary, r, f, m], ...]}
("scores": every customer, in SQLite's customer_id order).

The CSV must have a header with customer_id, order_date (ISO) and amount columns, as written by
`prisme generate`. Nothing here shares code with Prisme: it is the workload's definition
written in SQL and run by SQLite.
"""
import csv
import json
import sqlite3
import sys


def main() -> None:
    path = sys.argv[1]
    integer_ids = "--integer-ids" in sys.argv[2:]
    db = sqlite3.connect(":memory:")
    id_type = "INTEGER" if integer_ids else "TEXT"
    db.execute(f"CREATE TABLE t (customer_id {id_type}, order_date TEXT, amount REAL)")
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        rows = [
            (int(r["customer_id"]) if integer_ids else r["customer_id"], r["order_date"], float(r["amount"]))
            for r in reader
        ]
    db.executemany("INSERT INTO t VALUES (?, ?, ?)", rows)
    snapshot = db.execute("SELECT date(max(order_date), '+1 day') FROM t").fetchone()[0]
    db.execute(
        """
        CREATE TABLE scores AS
        WITH c AS (
            SELECT customer_id,
                   CAST(julianday(?) - julianday(max(order_date)) AS INTEGER) AS recency,
                   count(*) AS frequency,
                   round(sum(amount), 2) AS monetary
            FROM t GROUP BY customer_id
        )
        SELECT customer_id, recency, frequency, monetary,
               ntile(5) OVER (ORDER BY recency DESC, customer_id ASC) AS r,
               ntile(5) OVER (ORDER BY frequency ASC, customer_id ASC) AS f,
               ntile(5) OVER (ORDER BY monetary ASC, customer_id ASC) AS m
        FROM c
        """,
        (snapshot,),
    )
    cells = db.execute("SELECT r, f, m, count(*) FROM scores GROUP BY r, f, m ORDER BY r, f, m").fetchall()
    scores = db.execute(
        "SELECT customer_id, recency, frequency, monetary, r, f, m FROM scores ORDER BY customer_id"
    ).fetchall()
    customers = db.execute("SELECT count(DISTINCT customer_id) FROM t").fetchone()[0]
    json.dump(
        {
            "rows": len(rows),
            "customers": customers,
            "snapshot": snapshot,
            "cells": [list(c) for c in cells],
            "scores": [list(c) for c in scores],
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()

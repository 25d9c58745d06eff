"""Runs docs/warehouse.md's SQL with DuckDB: the customer summary of a transactions CSV.

Usage: warehouse_duckdb.py DOC TRANSACTIONS_CSV OUT(.csv|.parquet)

The SQL is taken from the document itself (the blocks marked `prisme:duckdb-view` and
`prisme:summary-sql`), so the test checks what users copy, not a copy of it.
"""
import re
import sys

import duckdb


def block(doc: str, marker: str) -> str:
    m = re.search(r"<!-- prisme:" + marker + r"[^>]*-->\s*```sql\n(.*?)```", doc, re.S)
    if not m:
        sys.exit(f"no ```sql block after the prisme:{marker} marker")
    return m.group(1)


def main() -> None:
    doc_path, csv_path, out = sys.argv[1:4]
    doc = open(doc_path, encoding="utf-8").read()
    view = block(doc, "duckdb-view").replace("'transactions.csv'", "'" + csv_path + "'")
    summary = block(doc, "summary-sql").strip().rstrip(";")
    con = duckdb.connect()
    con.execute(view)
    fmt = "(FORMAT parquet)" if out.endswith(".parquet") else "(FORMAT csv, HEADER)"
    con.execute(f"COPY ({summary}) TO '{out}' {fmt}")
    print(duckdb.__version__)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes the reader test corpus. Run once, commit the outputs; CI never runs this.

Independent writers on purpose: openpyxl (XLSX), xlwt (XLS), odfpy (ODS), pyarrow (Parquet,
Arrow IPC) and Python's own codecs for the text files, so the readers are tested against files
Prisme did not write. Requirements: pip install openpyxl pyarrow xlwt odfpy
"""
import datetime as dt
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def out(name):
    return os.path.join(HERE, name)


def text_files():
    # French Excel export: Windows-1252, ';', decimal comma, NBSP thousands, euro sign,
    # dd/mm/yyyy, CRLF, a refund, a quoted field holding the separator.
    rows = [
        "N° client;Date de vente;Montant TTC;Quantité;Magasin;Email",
        "C001;05/01/2024;1\u00a0234,50 €;2;Lille Centre;jean.dupont@exemple.fr",
        "C002;13/01/2024;12,00 €;1;\"Paris; Opéra\";marie@exemple.fr",
        "C001;01/02/2024;-12,00 €;1;Lille Centre;jean.dupont@exemple.fr",
        "C003;28/02/2024;99,90 €;3;Nîmes;",
        "C002;01/03/2024;7,50 €;1;\"Paris; Opéra\";marie@exemple.fr",
    ]
    with open(out("fr_excel_ventes.csv"), "wb") as f:
        f.write(("\r\n".join(rows) + "\r\n").encode("cp1252"))

    # US export: UTF-8 with BOM, ',', $ and thousands commas (quoted), month-first dates with
    # times, a quoted note with a comma and a newline.
    us = (
        "\ufeffOrder ID,Customer ID,Order Date,Sales,Note\r\n"
        "1001,17850,12/01/2010 08:26,\"$1,015.30\",\"gift, wrapped\"\r\n"
        "1002,13047,12/13/2010 09:01,$3.75,\"two\r\nlines\"\r\n"
        "1003,17850,01/05/2011 10:00,$20.00,\r\n"
    )
    with open(out("us_orders.csv"), "wb") as f:
        f.write(us.encode("utf-8"))

    # Legacy fixed-width-ish export: runs of spaces, yyyymmdd, no header.
    legacy = "000123   20240115    12.50\n000456   20240116     3.00\n000123   20240201   100.00\n"
    with open(out("legacy_whitespace.txt"), "wb") as f:
        f.write(legacy.encode("ascii"))

    # Excel "Unicode text": UTF-16LE with BOM, tab-separated.
    u16 = "client\tdate\tmontant\r\nÉlise\t2024-03-01\t10,5\r\nZoé\t2024-03-02\t3\r\n"
    with open(out("excel_unicode_text.txt"), "wb") as f:
        f.write(b"\xff\xfe" + u16.encode("utf-16-le"))

    # Contracts (Windows-1252 not needed: ASCII) and a second customer list that conflicts.
    contracts = (
        "client;debut_contrat;fin_contrat;offre\r\n"
        "C001;01/01/2023;31/12/2024;Premium\r\n"
        "C002;15/06/2022;14/06/2023;Essentiel\r\n"
        "C002;01/07/2023;;Essentiel\r\n"
        "C004;01/01/2024;30/06/2024;Premium\r\n"
    )
    with open(out("contracts.csv"), "wb") as f:
        f.write(contracts.encode("ascii"))
    crm = "id;region;segment\nC002;Paris;B2C\nC003;Sud;B2B\nC003;Sud;B2B\nC005;Est;B2C\n"
    with open(out("customers_crm.csv"), "wb") as f:
        f.write(crm.encode("ascii"))

    # Broken files.
    with open(out("broken_quote.csv"), "wb") as f:
        f.write(b"customer_id,date,amount\nA,2024-01-01,1.00\n\"B,2024-01-02,2.00\nC,2024-01-03,3.00\n")
    with open(out("broken_ragged.csv"), "wb") as f:
        f.write(b"customer_id,date,amount\nA,2024-01-01,1.00\nB,2024-01-02,2,50\nC,2024-01-03,3.00\n")
    with open(out("broken_values.csv"), "wb") as f:
        f.write(b"customer_id;date;amount\nA;2024-01-01;1,00\nB;2024-02-30;2,00\nC;2024-01-03;abc\nD;;4,00\n")


def json_files():
    events = [
        {"customer": "C001", "ts": "2024-01-05T10:00:00Z", "channel": "phone", "outcome": "resolved"},
        {"customer": "C002", "ts": "2024-01-06T11:30:00+01:00", "channel": "email", "outcome": None},
        {"customer": "C001", "ts": "2024-02-01T09:15:00Z", "channel": "store", "outcome": "sale", "score": 4},
    ]
    with open(out("events.jsonl"), "w", encoding="utf-8") as f:
        for e in events:
            f.write(json.dumps(e, ensure_ascii=False) + "\n")
    customers = [
        {"id": "C001", "name": "Jean Dupont", "region": "Nord", "churn": "non", "age": 41},
        {"id": "C002", "name": "Marie Curie", "region": "Île-de-France", "churn": "oui", "age": 35},
        {"id": "C003", "name": "Léa Martin", "region": "Sud", "churn": "non", "age": None},
    ]
    with open(out("customers.json"), "w", encoding="utf-8") as f:
        json.dump(customers, f, ensure_ascii=False, indent=1)


def spreadsheets():
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Ventes"
    ws["A1"] = "Export comptable – ventes T1 2024"
    ws.append([])
    ws.append(["Client", "Date facture", "Montant HT", "Référence", "Payé"])
    ws.append(["C001", dt.date(2024, 1, 5), 1234.5, "F-0001", True])
    ws.append(["C002", dt.datetime(2024, 1, 13, 14, 30), 12, "F-0002", False])
    ws.append(["C001", dt.date(2024, 2, 1), "99,90", "F-0003", True])
    ws.append(["C003", dt.date(2024, 2, 28), "=1/0", "F-0004", True])
    for row in ws.iter_rows(min_row=4, max_col=2):
        row[1].number_format = "DD/MM/YYYY"
    notes = wb.create_sheet("Notes")
    notes["A1"] = "Rien ici"
    wb.save(out("accounting.xlsx"))

    import xlwt

    book = xlwt.Workbook()
    sh = book.add_sheet("Feuil1")
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for c, h in enumerate(["customer_id", "order_date", "amount"]):
        sh.write(0, c, h)
    data = [("17850", dt.date(2010, 12, 1), 15.3), ("13047", dt.date(2010, 12, 13), 3.75)]
    for r, (cid, d, a) in enumerate(data, start=1):
        sh.write(r, 0, cid)
        sh.write(r, 1, d, date_style)
        sh.write(r, 2, a)
    book.save(out("legacy.xls"))

    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableRow, TableCell
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Contacts")

    def row(values):
        tr = TableRow()
        for v in values:
            if isinstance(v, float):
                cell = TableCell(valuetype="float", value=v)
                cell.addElement(P(text=str(v)))
            elif isinstance(v, dt.date):
                cell = TableCell(valuetype="date", datevalue=v.isoformat())
                cell.addElement(P(text=v.strftime("%d/%m/%Y")))
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=v))
            tr.addElement(cell)
        table.addElement(tr)

    row(["Client", "Date contact", "Type contact", "Résultat", "Durée (min)"])
    row(["C001", dt.date(2024, 1, 5), "appel", "résolu", 4.5])
    row(["C002", dt.date(2024, 1, 9), "email", "sans suite", 0.0])
    row(["C001", dt.date(2024, 2, 2), "agence", "vente", 25.0])
    doc.spreadsheet.addElement(table)
    doc.save(out("contacts.ods"))


def columnar():
    import pyarrow as pa
    import pyarrow.parquet as pq
    import pyarrow.ipc as ipc
    from decimal import Decimal

    table = pa.table(
        {
            "customer_id": pa.array([17850, 13047, 17850, None], type=pa.int64()),
            "invoice_date": pa.array(
                [dt.date(2010, 12, 1), dt.date(2010, 12, 13), dt.date(2011, 1, 5), dt.date(2011, 1, 6)],
                type=pa.date32(),
            ),
            "amount": pa.array(
                [Decimal("15.30"), Decimal("3.75"), Decimal("-2.00"), Decimal("1.00")], type=pa.decimal128(10, 2)
            ),
            "channel": pa.array(["web", "store", "web", None]).dictionary_encode(),
            "created_at": pa.array(
                [dt.datetime(2010, 12, 1, 8, 26, tzinfo=dt.timezone.utc)] * 4, type=pa.timestamp("us", tz="UTC")
            ),
            "is_member": pa.array([True, False, True, None]),
        }
    )
    pq.write_table(table, out("extract_snappy.parquet"), compression="snappy")
    pq.write_table(table, out("extract_zstd.parquet"), compression="zstd")
    with ipc.new_file(out("extract.arrow"), table.schema) as w:
        w.write_table(table)
    data = open(out("extract_snappy.parquet"), "rb").read()
    with open(out("broken_truncated.parquet"), "wb") as f:
        f.write(data[: len(data) // 2] + b"PAR1")


if __name__ == "__main__":
    text_files()
    json_files()
    spreadsheets()
    columnar()
    print("fixtures written to", HERE)

// End-to-end: the Data page in headless Chromium. Several files dropped at once, each one's
// kind, roles and profile, role and kind corrections, the consolidated base and the
// anonymization summary; every format read by the page is checked against the native CLI.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { dataDir, launch, nativeProfile, outDir, startServer, watchErrors } from "./browser.mjs";

const corpus = fileURLToPath(new URL("../../core/tests/data/", import.meta.url));
const fixture = (name) => join(corpus, name);

let browser;
let server;
let url;

before(async () => {
  ({ server, url } = await startServer(dataDir()));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function openData(lang) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: lang });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${url}/data`);
  await page.waitForFunction(
    () => /v\d/.test(document.querySelector("[data-testid=engine-status]")?.textContent ?? ""),
    null,
    { timeout: 60_000 },
  );
  return { page, errors };
}

/** Everything the Data page shows, read from its data attributes. */
function shown(page) {
  return page.evaluate(() => {
    const num = (id) => {
      const e = document.querySelector(`[data-testid=${id}]`);
      return e ? Number(e.dataset.value) : null;
    };
    const opt = (v) => (v === undefined ? null : Number(v));
    const sources = {};
    for (const s of document.querySelectorAll("[data-testid=source]")) {
      const columns = {};
      for (const c of s.querySelectorAll("[data-testid=column]")) {
        columns[c.dataset.column] = {
          role: c.dataset.role,
          fate: c.dataset.fate,
          distinct: opt(c.dataset.distinct),
          nulls: opt(c.dataset.nulls),
          kind: c.dataset.kind ?? null,
        };
      }
      sources[s.dataset.file] = { kind: s.dataset.kind, rows: Number(s.dataset.rows), columns };
    }
    const anon = {};
    for (const a of document.querySelectorAll("[data-testid=anon-file]")) {
      anon[a.dataset.file] = {
        pseudonymized: a.dataset.pseudonymized,
        dropped: a.dataset.dropped,
        masked: a.dataset.masked,
      };
    }
    const failed = {};
    for (const e of document.querySelectorAll("[data-testid=source-error]")) {
      failed[e.dataset.file] = e.innerText;
    }
    const head = [...document.querySelectorAll("[data-testid=base-preview] thead th")].map(
      (th) => th.textContent,
    );
    const preview = [...document.querySelectorAll("[data-testid=base-preview] tbody tr")].map(
      (tr) => [...tr.children].map((td) => td.textContent),
    );
    return {
      busy: !!document.querySelector("[data-testid=data-busy]"),
      customers: num("base-customers"),
      orphans: num("base-orphans"),
      duplicates: num("base-duplicates"),
      conflicts: num("base-conflicts"),
      skipped: [...document.querySelectorAll("[data-testid=skipped-source]")].map((e) => e.textContent),
      sources,
      anon,
      failed,
      head,
      preview,
    };
  });
}

/** Waits until the page shows a settled answer that satisfies `ready`. */
async function until(page, ready, what) {
  const deadline = Date.now() + 60_000;
  let last;
  while (Date.now() < deadline) {
    last = await shown(page);
    if (!last.busy && ready(last)) return last;
    await page.waitForTimeout(100);
  }
  assert.fail(`timed out waiting for ${what}; the page shows ${JSON.stringify(last, null, 1)}`);
}

function column(state, file, name) {
  const c = state.sources[file]?.columns[name];
  assert.ok(c, `${file} has no column ${name}`);
  return c;
}

const HEX_PSEUDONYM = /^[0-9a-f]{20}$/;

describe("the Data page", () => {
  test("several files: kinds, roles, profile, consolidated base, anonymization and corrections", async () => {
    const { page, errors } = await openData("fr");
    const files = [
      "customers.json",
      "customers_crm.csv",
      "fr_excel_ventes.csv",
      "events.jsonl",
      "contracts.csv",
      "broken_quote.csv",
    ];
    await page.setInputFiles("#data-input", files.map(fixture));
    let s = await until(page, (s) => s.customers !== null, "the consolidated base");

    // Each file's kind, as worked out by hand from the fixtures (see core/tests/consolidate.rs).
    assert.deepEqual(
      Object.fromEntries(Object.entries(s.sources).map(([f, v]) => [f, v.kind])),
      {
        "customers.json": "customers",
        "customers_crm.csv": "customers",
        "fr_excel_ventes.csv": "transactions",
        "events.jsonl": "interactions",
        "contracts.csv": "contracts",
      },
    );
    // The broken file says where, and does not stop the others.
    assert.match(s.failed["broken_quote.csv"], /ligne 3/);
    // Roles of the French Excel export.
    assert.equal(column(s, "fr_excel_ventes.csv", "Date de vente").role, "date");
    assert.equal(column(s, "fr_excel_ventes.csv", "Montant TTC").role, "amount");
    assert.equal(column(s, "fr_excel_ventes.csv", "N° client").role, "customer_id");
    // The consolidated base: C001, C002, C003 in the customer files, C005 in the CRM list only,
    // C004 only in the contracts (an orphan); C003 twice in customers_crm.csv; C002's region
    // differs between the two customer files.
    assert.equal(s.customers, 5);
    assert.equal(s.orphans, 1);
    assert.equal(s.duplicates, 1);
    assert.equal(s.conflicts, 1);
    // Anonymization is on by default: ids pseudonymized, personal data dropped.
    assert.deepEqual(s.anon["fr_excel_ventes.csv"], {
      pseudonymized: "N° client",
      dropped: "Email",
      masked: "",
    });
    assert.deepEqual(s.anon["customers.json"], { pseudonymized: "id", dropped: "name", masked: "" });
    assert.equal(column(s, "fr_excel_ventes.csv", "Email").fate, "dropped");
    assert.equal(s.head[0], "customer_id");
    assert.equal(s.preview.length, 5);
    for (const row of s.preview) assert.match(row[0], HEX_PSEUDONYM);
    assert.ok(!s.head.includes("name"), "the dropped name column is not in the base");
    await page.screenshot({ path: join(outDir(), "data.png"), fullPage: true });

    // Correct a role: the shop column holds people's names here; it is then dropped.
    const shop = page.locator(
      "[data-testid=source][data-file='fr_excel_ventes.csv'] [data-testid=column][data-column='Magasin'] [data-testid=role-select]",
    );
    await shop.selectOption("name");
    s = await until(
      page,
      (s) => s.sources["fr_excel_ventes.csv"]?.columns["Magasin"]?.fate === "dropped",
      "the corrected role",
    );
    assert.equal(column(s, "fr_excel_ventes.csv", "Magasin").role, "name");
    assert.deepEqual(s.anon["fr_excel_ventes.csv"].dropped.split("|").sort(), ["Email", "Magasin"]);

    // Correct a kind: contracts left out, so C004 is no longer in the base.
    await page
      .locator("[data-testid=source][data-file='contracts.csv'] [data-testid=kind-select]")
      .selectOption("unknown");
    s = await until(page, (s) => s.sources["contracts.csv"]?.kind === "unknown", "the corrected kind");
    assert.equal(s.customers, 4);
    assert.equal(s.orphans, 0);
    assert.equal(s.skipped.length, 1);
    assert.match(s.skipped[0], /contracts\.csv/);

    // Personal data masked, then kept, then dropped again: the e-mail column follows the choice.
    await page.selectOption("[data-testid=pii-action]", "mask");
    s = await until(page, (s) => column(s, "fr_excel_ventes.csv", "Email")?.fate === "masked", "masked personal data");
    assert.ok(s.anon["fr_excel_ventes.csv"].masked.split("|").includes("Email"));
    await page.selectOption("[data-testid=pii-action]", "keep");
    s = await until(page, (s) => column(s, "fr_excel_ventes.csv", "Email")?.fate === "kept", "kept personal data");
    await page.selectOption("[data-testid=pii-action]", "drop");
    s = await until(page, (s) => column(s, "fr_excel_ventes.csv", "Email")?.fate === "dropped", "dropped again");

    // Anonymization off: the real ids and the name column are back.
    await page.locator("[data-testid=anonymize]").uncheck();
    s = await until(page, (s) => s.head.includes("name"), "the base without anonymization");
    assert.deepEqual(
      s.preview.map((r) => r[0]),
      ["C001", "C002", "C003", "C005"],
    );
    assert.equal(column(s, "customers.json", "name").fate, "kept");

    // Removing a file updates the base.
    await page
      .locator("[data-testid=source][data-file='customers_crm.csv'] button.button.ghost")
      .click();
    s = await until(page, (s) => !("customers_crm.csv" in s.sources), "the removal");
    assert.equal(s.duplicates, 0);
    assert.equal(s.conflicts, 0);
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test("every format the page reads gives the native profile", async () => {
    const { page, errors } = await openData("en");
    const names = [
      "us_orders.csv",
      "fr_excel_ventes.csv",
      "legacy_whitespace.txt",
      "excel_unicode_text.txt",
      "accounting.xlsx",
      "legacy.xls",
      "contacts.ods",
      "extract_snappy.parquet",
      "extract_zstd.parquet",
      "extract.arrow",
      "events.jsonl",
      "customers.json",
    ];
    const paths = names.map(fixture);
    // The page compares against the CLI, which does not anonymize: switch it off first.
    await page.locator("[data-testid=anonymize]").uncheck();
    await page.setInputFiles("#data-input", paths);
    const s = await until(
      page,
      (s) => Object.keys(s.sources).length + Object.keys(s.failed).length === names.length,
      "every file",
    );
    assert.deepEqual(s.failed, {});
    const native = nativeProfile(...paths);
    for (const p of native) {
      const page_ = s.sources[p.file];
      assert.ok(page_, `${p.file} is shown`);
      assert.equal(page_.rows, p.rows, `${p.file}: rows`);
      for (const c of p.columns) {
        const shownColumn = page_.columns[c.name];
        assert.ok(shownColumn, `${p.file}: column ${c.name}`);
        assert.deepEqual(
          {
            role: shownColumn.role,
            distinct: shownColumn.distinct,
            nulls: shownColumn.nulls,
            kind: shownColumn.kind,
          },
          { role: (c.role?.role ?? "").replaceAll("-", "_"), distinct: c.distinct, nulls: c.nulls, kind: c.kind },
          `${p.file}: column ${c.name}`,
        );
      }
    }
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test("how a file is read can be corrected: encoding, separator, header, sheet", async () => {
    const { page, errors } = await openData("en");
    await page.locator("[data-testid=anonymize]").uncheck();
    await page.setInputFiles("#data-input", [fixture("fr_excel_ventes.csv"), fixture("accounting.xlsx")]);
    let s = await until(page, (s) => Object.keys(s.sources).length === 2, "both files");
    const card = (f) => `[data-testid=source][data-file='${f}']`;
    assert.ok("N° client" in s.sources["fr_excel_ventes.csv"].columns);

    // Read as UTF-8, the Windows-1252 "°" is not valid text.
    await page.locator(`${card("fr_excel_ventes.csv")} [data-testid=encoding-select]`).selectOption("UTF-8");
    s = await until(page, (s) => "N\uFFFD client" in (s.sources["fr_excel_ventes.csv"]?.columns ?? {}), "UTF-8");
    await page.locator(`${card("fr_excel_ventes.csv")} [data-testid=encoding-select]`).selectOption("Windows-1252");
    s = await until(page, (s) => "N° client" in (s.sources["fr_excel_ventes.csv"]?.columns ?? {}), "Windows-1252");

    // No header: the header line is a row, the columns are numbered.
    await page.locator(`${card("fr_excel_ventes.csv")} [data-testid=header-toggle]`).uncheck();
    s = await until(page, (s) => s.sources["fr_excel_ventes.csv"]?.rows === 6, "no header");
    assert.ok("column_1" in s.sources["fr_excel_ventes.csv"].columns);

    // Another separator: one column.
    await page.locator(`${card("fr_excel_ventes.csv")} [data-testid=delimiter-select]`).selectOption("|");
    s = await until(
      page,
      (s) => Object.keys(s.sources["fr_excel_ventes.csv"]?.columns ?? {}).length === 1,
      "the pipe separator",
    );

    // Another sheet.
    const sheets = await page
      .locator(`${card("accounting.xlsx")} [data-testid=sheet-select] option`)
      .allTextContents();
    assert.deepEqual(sheets, ["Ventes", "Notes"]);
    const before = Object.keys(s.sources["accounting.xlsx"].columns);
    await page.locator(`${card("accounting.xlsx")} [data-testid=sheet-select]`).selectOption("Notes");
    s = await until(
      page,
      (s) => JSON.stringify(Object.keys(s.sources["accounting.xlsx"]?.columns ?? {})) !== JSON.stringify(before),
      "the Notes sheet",
    );
    assert.equal(
      await page.locator(`${card("accounting.xlsx")} [data-testid=sheet-select]`).inputValue(),
      "Notes",
    );
    assert.deepEqual(errors, []);
    await page.context().close();
  });
});

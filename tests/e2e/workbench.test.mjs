// End-to-end: the workbench pages in headless Chromium, driven as a user does — files dropped
// with a real `drop` event, clicks, typing, the demo button — and every number checked
// against the native CLI's report on the same files (`prisme workbench`), in French and
// English. Also: filters, exports, printing, accessibility (axe-core), cancel and the main
// thread's longest task during a 1M-row analysis.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { dataDir, env, launch, outDir, startServer, watchErrors } from "./browser.mjs";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const PAGES = ["dashboard", "segments", "value", "attrition", "cohorts", "data", "customer", "datamarts", "reports"];

let browser;
let server;
let url;
let demoDir;
let reference;
let scores;

before(async () => {
  demoDir = dataDir();
  execFileSync(env("PRISME_BIN"), ["generate", "--demo", "--out", demoDir]);
  const files = ["clients.csv", "achats.csv", "contrats.csv", "contacts.csv"].map((f) => join(demoDir, f));
  const scoresPath = join(demoDir, "scores.csv");
  reference = JSON.parse(
    execFileSync(env("PRISME_BIN"), ["workbench", ...files, "--no-anonymize", "--json", "--scores", scoresPath], {
      maxBuffer: 256 << 20,
    }).toString(),
  );
  scores = readFileSync(scoresPath, "utf8").trim().split("\n");
  ({ server, url } = await startServer(demoDir));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** A page whose uncaught errors and console errors fail the test. */
async function open(path, { lang = "fr-FR", width = 1280, height = 720 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale: lang, acceptDownloads: true });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${url}${path}`);
  await page.waitForFunction(
    () => /v\d/.test(document.querySelector("[data-testid=engine-status]")?.textContent ?? ""),
    null,
    { timeout: 60_000 },
  );
  return { page, errors, context };
}

/** Drops files on an element with a real `drop` event carrying a DataTransfer. */
async function drop(page, selector, paths) {
  const files = paths.map((p) => ({ name: p.split("/").pop(), data: readFileSync(p).toString("base64") }));
  const dt = await page.evaluateHandle((files) => {
    const dt = new DataTransfer();
    for (const f of files) {
      const bytes = Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name, { type: "text/csv" }));
    }
    return dt;
  }, files);
  await page.dispatchEvent(selector, "dragenter", { dataTransfer: dt });
  await page.dispatchEvent(selector, "dragover", { dataTransfer: dt });
  await page.dispatchEvent(selector, "drop", { dataTransfer: dt });
}

/**
 * Drops the demo's four files on the Data page, switches anonymization off (the CLI reads the
 * files as they are, so ids are the same) and analyses them; returns the files' paths.
 */
async function analyzeDemoFiles(page) {
  const paths = ["clients.csv", "achats.csv", "contrats.csv", "contacts.csv"].map((f) => join(demoDir, f));
  await drop(page, ".dropzone", paths);
  await page.waitForSelector("[data-testid=base-customers]", { timeout: 60_000 });
  await page.uncheck("[data-testid=anonymize]");
  await page.waitForFunction(() => !document.querySelector("[data-testid=data-busy]"));
  await page.click("[data-action=analyze]");
  await waitDashboard(page);
  // The files the Data page read and profiled are not read again by Analyze.
  assert.equal(await page.getAttribute("main", "data-read-again"), "false", "Analyze reused the preparation");
  return paths;
}

async function waitDashboard(page) {
  await page.waitForSelector("[data-page=dashboard] [data-kpi=revenue]", { timeout: 120_000 });
}

/**
 * Model outputs (CLV, P(alive), fitted parameters, AUC) are the same bits in the browser and
 * the CLI: the engine takes exp, ln and pow from one maths library on every target
 * (`prisme_core::math`). Compared exactly, like counts and sums.
 */
function close(actual, expected, what) {
  assert.equal(actual, expected, what);
}

const euro = (lang, v) => new Intl.NumberFormat(lang, { style: "currency", currency: "EUR" }).format(v);
const integer = (lang, v) => new Intl.NumberFormat(lang).format(v);

function last(arr) {
  return arr[arr.length - 1];
}

async function kpis(page) {
  return page.$$eval("[data-kpi]", (tiles) =>
    Object.fromEntries(
      tiles.map((t) => [
        t.dataset.kpi,
        { value: t.dataset.value === undefined ? null : Number(t.dataset.value), text: t.querySelector(".kpi-big")?.textContent },
      ]),
    ),
  );
}

/** French demo CSV rows as objects (`;`, decimal comma, dd/mm/yyyy). */
function frenchCsv(name) {
  const [head, ...rows] = readFileSync(join(demoDir, name), "utf8").replace(/^\uFEFF/, "").trim().split("\n");
  const cols = head.split(";");
  return rows.map((r) => Object.fromEntries(r.split(";").map((v, i) => [cols[i], v])));
}

describe("the workbench", () => {
  test("the demo button builds the demo, analyses it and opens the dashboard", async () => {
    const { page, errors } = await open("/dashboard");
    await page.waitForSelector("[data-testid=needs-analysis]");
    await page.click("[data-action=demo]");
    await waitDashboard(page);
    assert.equal(new URL(page.url()).pathname, "/dashboard");
    // Indicators do not depend on the pseudonyms: they equal the CLI's, anonymized or not.
    const period = last(reference.indicators.total);
    const k = await kpis(page);
    assert.equal(k.revenue.value, period.revenue);
    assert.equal(k.orders.value, period.orders);
    assert.equal(k.active_customers.value, period.active_customers);
    // The trends draw one chart per task after the tiles: all eight come, in the tiles' order,
    // each an SVG image with a label, one point per period of the report.
    const trends = ["revenue", "orders", "active_customers", "new_customers", "average_basket", "purchase_frequency", "churn_rate", "clv"];
    await page.waitForFunction((n) => document.querySelectorAll("[data-section=trends] [data-chart^=series-] svg[role=img]").length === n, trends.length);
    const charts = await page.$$eval("[data-section=trends] [data-chart^=series-]", (fs) =>
      fs.map((f) => ({ id: f.dataset.chart, label: f.querySelector("svg[role=img]").getAttribute("aria-label") })),
    );
    assert.deepEqual(charts.map((c) => c.id), trends.map((t) => `series-${t}`));
    for (const c of charts) assert.ok(c.label && c.label.length > 0, `${c.id} has an aria-label`);
    // The Data page shows the demo's four files.
    await page.click("[data-nav=data]");
    await page.waitForSelector("[data-testid=source]");
    assert.equal(await page.locator("[data-testid=source]").count(), 4);
    assert.deepEqual(errors, []);
  });

  test("files dropped on the Data page give the CLI's numbers on every page, in French and English", async () => {
    const { page, errors } = await open("/data");
    const paths = await analyzeDemoFiles(page);

    // Dashboard: the last period's tiles, values and French formatting.
    const period = last(reference.indicators.total);
    let k = await kpis(page);
    for (const [key, v] of Object.entries({
      revenue: period.revenue,
      orders: period.orders,
      active_customers: period.active_customers,
      new_customers: period.new_customers,
      average_basket: period.average_basket,
      purchase_frequency: period.purchase_frequency,
      churn_rate: period.churn_rate,
    })) {
      assert.equal(k[key].value, v, key);
    }
    close(k.clv.value, period.clv, "clv");
    assert.equal(k.revenue.text, euro("fr-FR", period.revenue));
    assert.equal(k.orders.text, integer("fr-FR", period.orders));

    // The slice filter: one agency's numbers, from the report and counted by hand from the files.
    const agency = "Lyon Part-Dieu";
    await page.selectOption("[data-testid=slice-filter]", `agence:${agency}`);
    await page.waitForFunction(
      (a) => document.querySelector("[data-testid=dashboard-period]")?.textContent.includes(a),
      agency,
    );
    k = await kpis(page);
    const slice = reference.charts.slices.find((s) => s.column === "agence").values.find((v) => v.value === agency);
    assert.equal(k.revenue.value, last(slice.periods).revenue);
    const clients = new Set(frenchCsv("clients.csv").filter((c) => c.agence === agency).map((c) => c.id_client));
    const [y, m] = period.label.split("-");
    const byHand = frenchCsv("achats.csv")
      .filter((r) => clients.has(r.id_client) && r.date_achat.endsWith(`/${m}/${y}`))
      .reduce((s, r) => s + Number(r.montant.replace(",", ".")), 0);
    assert.ok(Math.abs(k.revenue.value - byHand) < 0.005, `${k.revenue.value} vs ${byHand} by hand`);
    assert.ok(k.revenue.value < period.revenue);
    // The period filter: an earlier month.
    const earlier = reference.indicators.total[reference.indicators.total.length - 13];
    await page.selectOption("[data-testid=slice-filter]", "");
    await page.selectOption("[data-testid=period-filter]", earlier.label);
    await page.waitForFunction((l) => location.search.includes(l), earlier.label);
    k = await kpis(page);
    assert.equal(k.revenue.value, earlier.revenue);

    // Segments: the table's customers per segment.
    await page.click("[data-nav=segments]");
    await page.waitForSelector("[data-table=segments-table] tbody tr");
    const counts = await page.$$eval("[data-table=segments-table] tbody tr", (rows) =>
      rows.map((r) => r.children[1].textContent),
    );
    assert.deepEqual(counts, reference.rfm.segments.map((s) => integer("fr-FR", s.customers)));
    const k_ = await page.getAttribute("[data-testid=cluster-k]", "data-value");
    assert.equal(Number(k_), reference.clusters.k);

    // Customer value: the fitted parameters.
    await page.click("[data-nav=value]");
    const bg = await page.$eval("[data-param=bgnbd]", (e) => ({ ...e.dataset }));
    for (const p of ["r", "alpha", "a", "b"]) close(Number(bg[p]), reference.clv.bgnbd[p], p);
    const holdout = await page.$eval("[data-testid=holdout]", (e) => ({ ...e.dataset }));
    assert.equal(Number(holdout.actual), reference.clv.holdout.actual_total);

    // Attrition: AUCs, the confusion matrix at two thresholds, the at-risk list's size.
    await page.click("[data-nav=attrition]");
    const churn = reference.churn.result;
    const chosen = churn.chosen === "gbt" ? churn.gbt : churn.logistic;
    close(Number(await page.getAttribute("[data-kpi=auc-gbt]", "data-value")), churn.gbt.evaluation.auc, "AUC");
    const cells = async () =>
      page.$$eval("[data-testid=confusion] [data-cell]", (cs) => Object.fromEntries(cs.map((c) => [c.dataset.cell, Number(c.dataset.value)])));
    let c = await cells();
    let sw = chosen.evaluation.sweep[50];
    assert.deepEqual(c, { tp: sw.true_positives, fn: sw.false_negatives, fp: sw.false_positives, tn: sw.true_negatives });
    await page.locator("[data-testid=threshold]").fill("0.3");
    await page.waitForFunction(() => document.querySelector("[data-testid=confusion]")?.dataset.threshold === "0.3");
    c = await cells();
    sw = chosen.evaluation.sweep[30];
    assert.deepEqual(c, { tp: sw.true_positives, fn: sw.false_negatives, fp: sw.false_positives, tn: sw.true_negatives });
    const head = scores[0].split(",");
    const col = head.indexOf("churn_score");
    const atRisk = scores.slice(1).filter((l) => {
      const v = l.split(",")[col];
      return v !== "" && Number(v) >= 0.3;
    }).length;
    await page.waitForFunction(
      (n) => document.querySelector("[data-testid=at-risk-count]")?.dataset.matched === String(n),
      atRisk,
      { timeout: 20_000 },
    );

    // The customer card, opened from the at-risk list, against the CLI's scores.csv.
    const idCell = "[data-table=at-risk] tbody tr td[data-col=customer_id]";
    await page.waitForSelector(`${idCell} a`);
    const picked = await page.$eval(idCell, (td) => td.dataset.raw);
    await page.click(`${idCell} a`);
    const cardSel = `[data-page=customer] [data-section=customer-card][data-customer="${picked}"]`;
    await page.waitForSelector(cardSel);
    assert.equal(new URL(page.url()).searchParams.get("id"), picked);
    const checkCard = async (id) => {
      const row = scores.slice(1).map((l) => l.split(",")).find((r) => r[0] === id);
      assert.ok(row, `${id} in scores.csv`);
      // scores.csv rounds: money to 2 decimals, probabilities to 6, days between orders to 1.
      const places = { clv: 2, historic_clv: 2, total_clv: 2, monetary: 2, days_between_orders: 1 };
      for (const name of ["clv", "historic_clv", "total_clv", "monetary", "p_alive", "p_no_purchase_90d", "expected_purchases", "days_between_orders", "churn_score", "recency", "frequency"]) {
        const want = row[head.indexOf(name)];
        const got = await page.getAttribute(`[data-fact=${name}]`, "data-value");
        if (want === "") {
          assert.equal(got, "", name);
        } else {
          const tol = 0.5 * 10 ** -(places[name] ?? 6) + 1e-9;
          assert.ok(Math.abs(Number(got) - Number(want)) <= tol, `${id} ${name}: ${got} vs ${want}`);
        }
      }
      for (const name of ["risk_90d", "next_order"]) {
        assert.equal(await page.getAttribute(`[data-fact=${name}]`, "data-value"), row[head.indexOf(name)], name);
      }
      // The segment 90 days earlier (the migration's first snapshot), as scores.csv has it.
      assert.equal(await page.getAttribute("[data-testid=customer-previous]", "data-value"), row[head.indexOf("previous_segment")]);
      const segment = row[head.indexOf("segment")];
      assert.equal(await page.getAttribute("[data-fact=clv]", "data-value") !== null, true);
      return segment;
    };
    await checkCard(picked);
    // The customer's purchases and contracts on the card, against the files read by hand.
    const dayOf = (fr) => {
      const [d, m, y] = fr.split("/").map(Number);
      return Date.UTC(y, m - 1, d) / 86_400_000;
    };
    const bought = frenchCsv("achats.csv").filter((r) => r.id_client === picked);
    await page.waitForSelector("[data-section=customer-purchases]");
    assert.equal(await page.getAttribute("[data-section=customer-purchases]", "data-total"), String(bought.length));
    const latest = bought.map((r) => dayOf(r.date_achat)).reduce((a, b) => Math.max(a, b));
    const firstShown = await page.getAttribute("[data-section=customer-purchases] tbody tr td[data-col=date_achat]", "data-raw");
    assert.equal(Date.parse(firstShown) / 86_400_000, latest, "newest purchase first");
    const held = frenchCsv("contrats.csv").filter((r) => r.id_client === picked);
    if (held.length > 0) {
      const snap = Date.parse(reference.rfm.snapshot) / 86_400_000;
      const soon = held.filter((r) => r.date_fin && dayOf(r.date_fin) >= snap && dayOf(r.date_fin) <= snap + 90).length;
      assert.equal(await page.getAttribute("[data-section=customer-contracts]", "data-total"), String(held.length));
      assert.equal(await page.locator("[data-section=customer-contracts] tr[data-soon]").count(), soon);
    }
    // Each score is placed among the customers.
    assert.match(await page.textContent("[data-standing=clv]"), /^top \d+(,\d)?\u00a0%$/);
    // Search as you type: part of another customer's id, then its card.
    const other = scores[scores.length - 1].split(",")[0];
    await page.fill("[data-testid=customer-search]", other.slice(1));
    await page.waitForSelector(`[data-testid=customer-matches] [data-customer="${other}"]`);
    await page.click(`[data-testid=customer-matches] [data-customer="${other}"]`);
    await page.waitForSelector(`[data-section=customer-card][data-customer="${other}"]`);
    await checkCard(other);
    await page.click("[data-nav=attrition]");

    // Cohorts: every retention cell shown.
    await page.click("[data-nav=cohorts]");
    await page.waitForSelector("[data-chart=retention] rect[data-row]");
    const shown = await page.$$eval("[data-chart=retention] rect[data-row]", (rs) =>
      rs.map((r) => [Number(r.dataset.row), Number(r.dataset.col), r.dataset.value === undefined ? null : Number(r.dataset.value)]),
    );
    const cohorts = reference.cohorts.cohorts.slice(-36);
    for (const [i, j, v] of shown) {
      if (v === null) assert.equal(cohorts[i].retention[j], undefined);
      else close(v, cohorts[i].retention[j], `cohort ${cohorts[i].label} +${j}`);
    }

    // English: the same numbers, written the English way.
    await page.click("button[lang=en]");
    await page.click("[data-nav=dashboard]");
    await page.selectOption("[data-testid=period-filter]", period.label);
    await page.waitForFunction((l) => document.querySelector("[data-testid=period-filter]")?.value === l, period.label);
    k = await kpis(page);
    assert.equal(k.revenue.text, euro("en-US", period.revenue));
    assert.equal(await page.textContent("[data-page=dashboard] h1"), "Dashboard");
    await page.click("[data-nav=segments]");
    const first = await page.$eval("[data-table=segments-table] tbody tr td", (td) => td.textContent);
    assert.equal(first, "Champions");
    const lang = await page.evaluate(() => localStorage.getItem("prisme.lang"));
    assert.equal(lang, "en");
    // The choice outlives a reload, although the browser's own language is French.
    await page.reload();
    await page.waitForSelector("[data-page=segments] h1");
    await page.waitForFunction(() => document.documentElement.lang === "en");
    assert.equal(await page.textContent("[data-page=segments] h1"), "Segments");
    assert.match(await page.textContent("[data-nav=value]"), /Customer value/);
    assert.deepEqual(errors, []);
  });

  test("charts export SVG and PNG, tables CSV; every page's address survives a reload", async () => {
    const { page, errors } = await open("/data");
    await page.click("[data-action=demo]");
    await waitDashboard(page);
    await page.click("[data-nav=segments]");
    await page.waitForSelector("[data-chart=rf-grid] svg");
    // SVG: parses, and is the chart on screen.
    let [dl] = await Promise.all([page.waitForEvent("download"), page.click("[data-chart=rf-grid] [data-export=svg]")]);
    const svg = readFileSync(await dl.path(), "utf8");
    const parsed = await page.evaluate((t) => {
      const d = new DOMParser().parseFromString(t, "image/svg+xml");
      return { error: !!d.querySelector("parsererror"), root: d.documentElement.nodeName, cells: d.querySelectorAll("rect[data-row]").length };
    }, svg);
    assert.deepEqual(parsed, { error: false, root: "svg", cells: 25 });
    // PNG: twice the chart's size.
    const size = await page.$eval("[data-chart=rf-grid] svg", (s) => [Number(s.getAttribute("width")), Number(s.getAttribute("height"))]);
    [dl] = await Promise.all([page.waitForEvent("download"), page.click("[data-chart=rf-grid] [data-export=png]")]);
    const png = readFileSync(await dl.path());
    assert.equal(png.toString("ascii", 1, 4), "PNG");
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], size.map((v) => v * 2));
    // CSV of a table: its rows, French Excel style in French.
    [dl] = await Promise.all([page.waitForEvent("download"), page.click("[data-table=segments-table] [data-export=csv]")]);
    const raw = readFileSync(await dl.path(), "utf8");
    assert.ok(raw.startsWith("\uFEFF"), "French Excel CSV starts with a BOM");
    const csv = raw.trim().split("\r\n");
    const rows = await page.locator("[data-table=segments-table] tbody tr").count();
    assert.equal(csv.length, rows + 1);
    assert.match(csv[0], /;/);
    // The at-risk list's CSV, written by the worker: every customer the list matches.
    await page.click("[data-nav=attrition]");
    await page.waitForFunction(() => Number(document.querySelector("[data-testid=at-risk-count]")?.dataset.matched) > 0);
    const matched = Number(await page.getAttribute("[data-testid=at-risk-count]", "data-matched"));
    [dl] = await Promise.all([page.waitForEvent("download"), page.click("[data-table=at-risk] [data-export=csv-plain]")]);
    const list = readFileSync(await dl.path(), "utf8").trim().split("\r\n");
    assert.equal(list.length, matched + 1);
    assert.match(list[0], /^customer_id,segment,recency/);
    // Every address, loaded cold, shows its page from the kept report.
    for (const p of PAGES.slice(0, 5)) {
      await page.goto(`${url}/${p}`);
      await page.waitForSelector(`[data-page=${p}] .section`, { timeout: 20_000 });
    }
    assert.deepEqual(errors, []);
  });

  test("printing: each page's PDF has its title and no navigation; axe finds no serious violation", async () => {
    const { page, errors } = await open("/data", { lang: "en-US" });
    await page.click("[data-action=demo]");
    await waitDashboard(page);
    const out = outDir();
    for (const p of PAGES) {
      await page.click(`[data-nav=${p}]`);
      await page.waitForSelector(`[data-page=${p}]`);
      await page.waitForTimeout(300);
      const title = (await page.textContent(`[data-page=${p}] h1 >> nth=0`)).trim();
      const pdf = join(out, `print-${p}.pdf`);
      await page.pdf({ path: pdf, format: "A4", printBackground: true });
      const text = execFileSync("pdftotext", ["-layout", pdf, "-"]).toString();
      assert.ok(text.includes(title), `${p}: the PDF has the title ${title}`);
      for (const nav of ["Try the demo", "Skip to content", "Quick RFM"]) {
        assert.ok(!text.includes(nav), `${p}: the PDF shows the navigation (${nav})`);
      }
      await page.addScriptTag({ content: AXE });
      const violations = await page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ["violations"] });
        return r.violations
          .filter((v) => v.impact === "serious" || v.impact === "critical")
          .map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")})`);
      });
      assert.deepEqual(violations, [], `${p}: axe`);
    }
    assert.deepEqual(errors, []);
  });

  test("datamarts: built from conditions, counted live, saved, kept; the target list is the CLI's, byte for byte", async () => {
    const { page, errors } = await open("/data");
    const paths = await analyzeDemoFiles(page);
    await page.click("[data-nav=datamarts]");
    await page.waitForSelector("[data-page=datamarts] [data-testid=no-marts]");

    // Two conditions: segment in three segments, P(alive) < 0.5.
    const wanted = ["at-risk", "cant-lose-them", "hibernating"];
    await page.fill("[data-testid=mart-name]", "À relancer");
    await page.click("[data-action=add-condition]");
    const cond = (i) => `[data-testid=conditions] li:nth-child(${i})`;
    await page.waitForSelector(`${cond(1)} input[data-value=at-risk]`);
    for (const s of wanted) await page.check(`${cond(1)} input[data-value=${s}]`);
    await page.click("[data-action=add-condition]");
    await page.selectOption(`${cond(2)} select[data-field=column]`, "p_alive");
    await page.selectOption(`${cond(2)} select[data-field=op]`, "lt");
    await page.fill(`${cond(2)} input[data-field=value]`, "0.5");
    // The live count, against scores.csv read by hand.
    const head = scores[0].split(",");
    const [seg, pa] = [head.indexOf("segment"), head.indexOf("p_alive")];
    const byHand = scores.slice(1).map((l) => l.split(",")).filter((r) => wanted.includes(r[seg]) && r[pa] !== "" && Number(r[pa]) < 0.5).length;
    assert.ok(byHand > 100, `a selection worth testing (${byHand})`);
    await page.waitForFunction(
      (n) => document.querySelector("[data-kpi=mart-customers]")?.dataset.value === String(n),
      byHand,
      { timeout: 20_000 },
    );
    assert.equal(await page.textContent("[data-kpi=mart-customers] .kpi-big"), integer("fr-FR", byHand));
    await page.waitForFunction(
      (n) => document.querySelector("[data-testid=mart-preview-count]")?.dataset.matched === String(n),
      byHand,
    );
    // A date condition: last contact more than 90 days before the snapshot.
    await page.click("[data-action=add-condition]");
    await page.selectOption(`${cond(3)} select[data-field=column]`, "last_contact");
    await page.selectOption(`${cond(3)} select[data-field=op]`, "before");
    await page.fill(`${cond(3)} input[data-field=days]`, "90");
    await page.waitForFunction(
      (n) => Number(document.querySelector("[data-kpi=mart-customers]")?.dataset.value) < n,
      byHand,
    );
    const count = Number(await page.getAttribute("[data-kpi=mart-customers]", "data-value"));
    assert.ok(count > 0);
    await page.click("[data-action=save-mart]");
    await page.waitForSelector("[data-table=marts] tr[data-mart='À relancer']");
    assert.equal(new URL(page.url()).searchParams.get("m"), "À relancer");
    assert.equal(await page.getAttribute("[data-mart='À relancer'] [data-count]", "data-count"), String(count));

    // The target list (French Excel, two more columns) and the datamart's JSON.
    await page.check("[data-target-col=total_clv]");
    await page.check("[data-target-col=agence]");
    let [dl] = await Promise.all([page.waitForEvent("download"), page.click("[data-action=export-target]")]);
    const fromApp = readFileSync(await dl.path());
    [dl] = await Promise.all([page.waitForEvent("download"), page.click("[data-action=export-mart]")]);
    const martPath = join(demoDir, "mart.json");
    writeFileSync(martPath, readFileSync(await dl.path()));
    const cliList = join(demoDir, "targets.csv");
    execFileSync(env("PRISME_BIN"), [
      "workbench", ...paths, "--no-anonymize", "--datamart", martPath, "--target-list", cliList,
      "--target-columns", "segment,p_alive,clv,total_clv,agence", "--target-style", "fr",
    ], { stdio: ["ignore", "ignore", "pipe"] });
    const fromCli = readFileSync(cliList);
    assert.equal(fromApp.toString("utf8").split("\r\n").length - 2, count);
    if (!fromApp.equals(fromCli)) {
      const [a, c] = [fromApp, fromCli].map((b) => b.toString("utf8").split("\r\n"));
      const i = a.findIndex((l, j) => l !== c[j]);
      writeFileSync(join(outDir(), "targets-app.csv"), fromApp);
      writeFileSync(join(outDir(), "targets-cli.csv"), fromCli);
      assert.fail(`the app's target list differs from the CLI's at line ${i + 1}: ${a[i]} vs ${c[i]} (${a.length} vs ${c.length} lines)`);
    }

    // A datamart written for the CLI, imported: listed with its count.
    const cliMart = join(demoDir, "top.json");
    writeFileSync(cliMart, JSON.stringify({ name: "Top 10 % CLV", description: "", filter: { op: "all", of: [
      { op: "top", column: "clv", share: 0.1 },
      { op: "not", filter: { op: "in", column: "agence", values: ["Lyon Part-Dieu"] } },
    ] } }));
    await page.setInputFiles("[data-testid=import-mart]", cliMart);
    await page.waitForSelector("[data-table=marts] tr[data-mart='Top 10 % CLV'] [data-count]:not([data-count=''])");
    assert.equal(new URL(page.url()).searchParams.get("m"), "Top 10 % CLV");
    assert.equal(await page.locator(`${cond(1)} input[data-field=share]`).inputValue(), "10");
    // Duplicate, then delete the copy and undo: nothing lost.
    await page.click("[data-mart='Top 10 % CLV'] [data-action=duplicate-mart]");
    await page.waitForSelector("[data-mart='Top 10 % CLV (copie)']");
    await page.click("[data-mart='Top 10 % CLV (copie)'] [data-action=delete-mart]");
    await page.waitForSelector("[data-mart='Top 10 % CLV (copie)']", { state: "detached" });
    await page.click("[data-action=undo-delete]");
    await page.waitForSelector("[data-mart='Top 10 % CLV (copie)']");
    // Kept: a reload shows the three, and the first's conditions as saved.
    await page.goto(`${url}/datamarts?m=${encodeURIComponent("À relancer")}`);
    await page.waitForSelector("[data-table=marts] tbody tr:nth-child(3)");
    assert.equal(await page.locator("[data-testid=conditions] li").count(), 3);
    assert.equal(await page.inputValue("[data-testid=mart-name]"), "À relancer");
    assert.equal(await page.locator(`${cond(3)} input[data-field=days]`).inputValue(), "90");
    assert.equal(await page.locator("[data-testid=mart-dirty]").count(), 0);
    const kept = await page.evaluate(() => JSON.parse(localStorage.getItem("prisme.datamarts")));
    assert.deepEqual(kept.find((m) => m.name === "À relancer"), JSON.parse(readFileSync(martPath, "utf8")));
    assert.deepEqual(errors, []);
  });

  test("a file dropped on the Quick RFM drop zone is scored", async () => {
    const { page, errors } = await open("/");
    const small = join(demoDir, "small.csv");
    writeFileSync(small, "customer_id,order_date,amount\nA,2024-01-02,10\nB,2024-02-03,20.5\nA,2024-03-04,5\n");
    await drop(page, "[data-testid=quick-page] .dropzone", [small]);
    await page.waitForSelector("[data-testid=results]");
    assert.equal(await page.getAttribute("[data-testid=customers]", "data-value"), "2");
    assert.deepEqual(errors, []);
  });

  test("a file that crashes the worker shows the crash message; the next file works", async () => {
    const { page, errors } = await open("/data", { lang: "en-US" });
    // A fuzz regression that makes arrow-rs's IPC reader panic: a trap in wasm32, which the
    // worker cannot catch (core/tests/fuzz_regressions.rs, TRAP_IN_WASM).
    const bytes = readFileSync(new URL("../../core/fuzz/regressions/extract.arrow.mut66", import.meta.url));
    const crash = join(demoDir, "crash.arrow");
    writeFileSync(crash, bytes);
    await drop(page, ".dropzone", [crash]);
    await page.waitForSelector("[data-testid=data-error]", { timeout: 60_000 });
    assert.match(await page.textContent("[data-testid=data-error]"), /The engine stopped unexpectedly; it has been restarted/);
    await page.waitForFunction(() => /v\d/.test(document.querySelector("[data-testid=engine-status]")?.textContent ?? ""));
    // The restarted worker reads the next files.
    await page.click("[data-action=clear]");
    await drop(page, ".dropzone", [join(demoDir, "clients.csv")]);
    await page.waitForSelector("[data-testid=base-customers]", { timeout: 60_000 });
    assert.equal(await page.$("[data-testid=data-error]"), null);
    // The worker's own error event is reported in the page, not as an uncaught error.
    assert.deepEqual(
      errors.filter((e) => !/unreachable|RuntimeError|panicked/.test(e)),
      [],
    );
  });

  test("a fit without dropout says so on the Value page, as the CLI does", async () => {
    // Customers who buy at a steady pace right up to the last day: no one has left
    // (cli/tests/options.rs builds the same file).
    const day = (d) => new Date(Date.UTC(2024, 5, 28) + d * 86_400_000).toISOString().slice(0, 10);
    let csv = "customer_id,order_date,amount\n";
    for (let i = 0; i < 40; i++) {
      const first = -7 * (5 + (i % 20));
      const n = 2 + ((7 * i) % 9);
      for (let k = 0; k < n; k++) {
        const d = first + Math.floor((k * -first + Math.floor((n - 1) / 2)) / (n - 1));
        csv += `K${String(i).padStart(2, "0")},${day(d)},${10 + ((i * 13 + k * 7) % 17)}.50\n`;
      }
    }
    const path = join(demoDir, "steady.csv");
    writeFileSync(path, csv);
    const cli = JSON.parse(execFileSync(env("PRISME_BIN"), ["workbench", path, "--no-anonymize", "--json"]).toString());
    assert.equal(cli.clv.bgnbd.dropout.kind, "not-identified", "the CLI's precondition");

    for (const [lang, text] of [
      ["fr-FR", /aucun départ identifié sur ces données/],
      ["en-US", /no dropout identified on this data/],
    ]) {
      const { page, errors } = await open("/data", { lang });
      await drop(page, ".dropzone", [path]);
      await page.waitForSelector("[data-testid=base-customers]", { timeout: 60_000 });
      await page.uncheck("[data-testid=anonymize]");
      await page.waitForFunction(() => !document.querySelector("[data-testid=data-busy]"));
      await page.click("[data-action=analyze]");
      await waitDashboard(page);
      await page.click("[data-nav=value]");
      const li = await page.waitForSelector("[data-param=bgnbd]");
      assert.equal(await li.getAttribute("data-dropout"), "not-identified");
      assert.match(await li.textContent(), text);
      close(Number(await li.getAttribute("data-r")), cli.clv.bgnbd.r, "r");
      close(Number(await li.getAttribute("data-alpha")), cli.clv.bgnbd.alpha, "alpha");
      assert.deepEqual(errors, []);
      await page.context().close();
    }
  });

  test("a warehouse's customer summary: the raw purchases' segments and customer value; what needs purchases says so", async () => {
    // The summary of achats.csv by docs/warehouse.md's definitions, computed here (not by
    // Prisme), with the holdout split the raw analysis chose.
    const calibrationEnd = reference.clv.calibration_end;
    const byCustomer = new Map();
    for (const r of frenchCsv("achats.csv")) {
      const [d, m, y] = r.date_achat.split("/").map(Number);
      const day = Date.UTC(y, m - 1, d) / 86_400_000;
      const days = byCustomer.get(r.id_client) ?? new Map();
      const cell = days.get(day) ?? { orders: 0, spend: 0 };
      cell.orders += 1;
      cell.spend += Number(r.montant.replace(",", "."));
      days.set(day, cell);
      byCustomer.set(r.id_client, days);
    }
    const iso = (day) => new Date(day * 86_400_000).toISOString().slice(0, 10);
    let csv =
      "customer_id,first_purchase,last_purchase,orders,purchase_days,revenue,repeat_revenue," +
      "calibration_end,calibration_last_purchase,calibration_purchase_days,holdout_purchase_days\n";
    for (const [id, days] of byCustomer) {
      const ds = [...days.keys()].sort((a, b) => a - b);
      const cal = ds.filter((d) => d <= calibrationEnd);
      let orders = 0;
      let revenue = 0;
      let repeat = 0;
      for (const d of ds) {
        orders += days.get(d).orders;
        revenue += days.get(d).spend;
        if (d > ds[0]) repeat += days.get(d).spend;
      }
      csv += [id, iso(ds[0]), iso(ds[ds.length - 1]), orders, ds.length, revenue, repeat, iso(calibrationEnd),
        cal.length ? iso(cal[cal.length - 1]) : "", cal.length, ds.length - cal.length].join(",") + "\n";
    }
    const path = join(demoDir, "synthese_clients.csv");
    writeFileSync(path, csv);

    for (const [lang, kind, needs] of [
      ["fr-FR", "Synthèse clients (entrepôt)", /besoin de la date de chaque achat/],
      ["en-US", "Customer summary (warehouse)", /needs the date of each purchase/],
    ]) {
      const { page, errors } = await open("/data", { lang });
      await drop(page, ".dropzone", [path]);
      await page.waitForSelector("[data-testid=base-customers]", { timeout: 60_000 });
      assert.match(await page.textContent("[data-testid=source]"), new RegExp(kind.replace(/[()]/g, "\\$&")));
      await page.uncheck("[data-testid=anonymize]");
      await page.waitForFunction(() => !document.querySelector("[data-testid=data-busy]"));
      await page.click("[data-action=analyze]");
      // The dashboard's indicators need purchases one by one: the page says so.
      await page.waitForSelector("[data-page=dashboard] [data-testid=unavailable]", { timeout: 120_000 });
      assert.match(await page.textContent("[data-page=dashboard] [data-testid=unavailable]"), needs);
      await page.screenshot({ path: join(outDir(), `summary-dashboard-${lang.slice(0, 2)}.png`) });

      // Segments and clusters: the raw files' (the CLI's on achats.csv and the others).
      await page.click("[data-nav=segments]");
      await page.waitForSelector("[data-table=segments-table] tbody tr");
      const counts = await page.$$eval("[data-table=segments-table] tbody tr", (rows) =>
        rows.map((r) => r.children[1].textContent),
      );
      assert.deepEqual(counts, reference.rfm.segments.map((s) => integer(lang, s.customers)));
      assert.equal(Number(await page.getAttribute("[data-testid=cluster-k]", "data-value")), reference.clusters.k);
      assert.match(await page.textContent("[data-section=migration] [data-testid=unavailable]"), needs);
      await page.screenshot({ path: join(outDir(), `summary-segments-${lang.slice(0, 2)}.png`), fullPage: true });

      // Customer value: the same fitted parameters and holdout check as from the purchases.
      await page.click("[data-nav=value]");
      const bg = await page.$eval("[data-param=bgnbd]", (e) => ({ ...e.dataset }));
      for (const p of ["r", "alpha", "a", "b"]) close(Number(bg[p]), reference.clv.bgnbd[p], p);
      const holdout = await page.$eval("[data-testid=holdout]", (e) => ({ ...e.dataset }));
      assert.equal(Number(holdout.actual), reference.clv.holdout.actual_total);

      // Cohorts and attrition need the purchases.
      for (const nav of ["cohorts", "attrition"]) {
        await page.click(`[data-nav=${nav}]`);
        assert.match(await page.textContent(`[data-page=${nav}] [data-testid=unavailable]`), needs);
        await page.screenshot({ path: join(outDir(), `summary-${nav}-${lang.slice(0, 2)}.png`), fullPage: true });
      }
      await page.click("[data-nav=data]");
      await page.waitForSelector("[data-testid=source]");
      await page.screenshot({ path: join(outDir(), `summary-data-${lang.slice(0, 2)}.png`), fullPage: true });
      assert.deepEqual(errors, []);
      await page.context().close();
    }
  });

  test("Quick RFM: a bad row is an error until 'skip bad rows' is ticked; singular and plural", async () => {
    const body = (bad) =>
      "customer_id,date,amount\nA,2024-01-01,3.50\nB,2024-01-02,4.25\nC,2024-01-03,2.00\n" +
      Array.from({ length: bad }, (_, i) => `X${i},2024-01-04,12.3x\n`).join("") +
      "E,2024-01-05,1.00\n";
    for (const [lang, one, two] of [
      ["fr-FR", "1 ligne ignorée", "2 lignes ignorées"],
      ["en-US", "1 row skipped", "2 rows skipped"],
    ]) {
      const { page, errors } = await open("/", { lang });
      const path = join(demoDir, "bad1.csv");
      writeFileSync(path, body(1));
      await drop(page, "[data-testid=quick-page] .dropzone", [path]);
      await page.waitForSelector("[data-testid=error]");
      assert.match(await page.textContent("[data-testid=error-message]"), /bad1\.csv, line 5, column 3/);
      await page.check("[data-testid=skip-bad-rows]");
      for (const [bad, text] of [[1, one], [2, two]]) {
        const p = join(demoDir, `bad${bad}.csv`);
        writeFileSync(p, body(bad));
        await page.setInputFiles("#file-input", p);
        await page.waitForFunction(
          (n) => document.querySelector("[data-testid=skipped]")?.dataset.value === String(n),
          bad,
        );
        assert.equal(await page.getAttribute("[data-testid=customers]", "data-value"), "4");
        assert.equal((await page.textContent("[data-testid=skipped]")).replace(/\s/g, " ").trim(), text);
      }
      assert.deepEqual(errors, []);
      await page.context().close();
    }
  });

  test("cancel stops a 1M-row analysis within a second; the main thread never blocks over 50 ms", async () => {
    // Alone in the browser: pages of one site share a renderer's main thread, and the earlier
    // tests' pages (each with a worker holding a customer table) would be measured too.
    for (const c of browser.contexts()) await c.close();
    const { page, errors } = await open("/data");
    await page.setInputFiles("#data-input", env("PRISME_BENCH_CSV"));
    await page.waitForSelector("[data-testid=base-customers]", { timeout: 120_000 });
    await page.waitForFunction(() => !document.querySelector("[data-testid=data-busy]"));
    // Long tasks from the click until the job bar goes (the analysis), recorded in the page.
    await page.evaluate(() => {
      window.__steps = [];
      new MutationObserver(() => {
        const r = document.querySelector("[data-testid=job] .step.running");
        const last = window.__steps[window.__steps.length - 1];
        const now = r?.dataset.step ?? "none";
        if (!last || last[1] !== now) window.__steps.push([performance.now(), now]);
      }).observe(document.body, { childList: true, subtree: true, attributes: true });
      window.__long = [];
      new PerformanceObserver((l) => window.__long.push(...l.getEntries().map((e) => [e.startTime, e.duration]))).observe({
        type: "longtask",
        buffered: false,
      });
    });
    await page.click("[data-action=analyze]");
    await page.waitForSelector("[data-step=clusters].running, [data-step=clv].running, [data-step=churn].running", { timeout: 60_000 });
    const t0 = Date.now();
    await page.click("[data-action=cancel]");
    await page.waitForSelector("[data-testid=job-cancelled]");
    const stopped = Date.now() - t0;
    assert.ok(stopped < 1000, `cancel took ${stopped} ms`);
    // The engine comes back and a whole run completes.
    await page.waitForFunction(() => /v\d/.test(document.querySelector("[data-testid=engine-status]")?.textContent ?? ""));
    await page.click("[data-testid=job-cancelled] button");
    const started = await page.evaluate(() => performance.now());
    await page.click("[data-action=analyze]");
    const ended = await page.evaluate(
      () =>
        new Promise((ok) => {
          const seen = () => document.querySelector("[data-testid=job]");
          const obs = new MutationObserver(() => {
            if (!seen()) {
              obs.disconnect();
              ok(performance.now());
            }
          });
          obs.observe(document.body, { childList: true, subtree: true });
        }),
    );
    await waitDashboard(page);
    // The dashboard's rendering after the analysis (its trends are drawn a task later) is
    // recorded too, for BENCHMARKS.md, but not asserted: it is not "during" the analysis.
    await page.waitForTimeout(1500);
    const shown = await page.evaluate(() => performance.now());
    const long = await page.evaluate(([a, b]) => window.__long.filter(([s]) => s >= a && s < b), [started, ended]);
    const after = await page.evaluate(([a, b]) => window.__long.filter(([s]) => s >= a && s < b), [ended, shown]);
    const all = await page.evaluate(() => ({ long: window.__long, steps: window.__steps }));
    const longest = Math.max(0, ...long.map((l) => l[1]));
    const longestAfter = Math.max(0, ...after.map((l) => l[1]));
    writeFileSync(
      join(outDir(), "longtasks.json"),
      JSON.stringify({ started, ended, analysis_ms: ended - started, longest, long, longestAfter, after, all }, null, 1),
    );
    assert.ok(longest <= 50, `the main thread was blocked ${longest} ms during the analysis`);
    assert.deepEqual(errors, []);
  });
});

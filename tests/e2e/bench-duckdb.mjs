// Prisme against DuckDB-WASM, side by side in one headless Chromium, on the same CSV:
//   node tests/e2e/bench-duckdb.mjs TRANSACTIONS.csv [RUNS]      (`cargo xtask bench-browser 1m --duckdb`)
// The RFM workload of the bench contract: fetch the file, read it, score recency / frequency /
// monetary with NTILE(5) and count customers per (r, f, m) cell. Prisme runs bench.html's
// benchRun (the app's worker); DuckDB-WASM 1.32 (npm, the EH bundle) runs `read_csv` and the
// workload in SQL. Each run gets a fresh browser context (a fresh renderer process), the two
// engines alternate (one warm-up each), the cells must be identical, and the renderer's peak
// resident memory (VmHWM of the renderer processes, read from /proc) is reported with the times.
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { alternate, launch, median, rendererPeakMb } from "./browser.mjs";
import { serve } from "./server.mjs";

const csv = process.argv[2];
const runs = Number(process.argv[3] ?? 5);
if (!csv) {
  console.error("usage: node tests/e2e/bench-duckdb.mjs TRANSACTIONS.csv [RUNS]");
  process.exit(2);
}
const root = resolve(new URL("../..", import.meta.url).pathname);
const dir = mkdtempSync(join(tmpdir(), "prisme-duckdb-"));
symlinkSync(resolve(csv), join(dir, basename(csv)));
symlinkSync(join(root, "node_modules/@duckdb/duckdb-wasm/dist"), join(dir, "duckdb"));
// The browser bundle imports apache-arrow, which imports tslib and flatbuffers: served from
// node_modules and named in the page's import map.
for (const [pkg, as] of [["apache-arrow", "arrow"], ["tslib", "tslib"], ["flatbuffers", "flatbuffers"]]) {
  symlinkSync(join(root, "node_modules", pkg), join(dir, as));
}
const duckdbVersion = JSON.parse(readFileSync(join(root, "node_modules/@duckdb/duckdb-wasm/package.json"), "utf8")).version;

// The workload in SQL, with the definitions of core/src/rfm.rs: snapshot = the day after the
// last purchase; recency in days to it; frequency = rows; monetary = the sum rounded to cents;
// NTILE(5) with ties broken by customer id (the most recent get R = 5).
const SQL = `
WITH c AS (
  SELECT customer_id,
         (SELECT MAX(order_date) FROM t) + 1 - MAX(order_date) AS recency,
         COUNT(*) AS frequency,
         ROUND(SUM(amount), 2) AS monetary
  FROM t GROUP BY customer_id
), s AS (
  SELECT NTILE(5) OVER (ORDER BY recency DESC, customer_id) AS r,
         NTILE(5) OVER (ORDER BY frequency, customer_id) AS f,
         NTILE(5) OVER (ORDER BY monetary, customer_id) AS m
  FROM c
)
SELECT r, f, m, COUNT(*) AS n FROM s GROUP BY r, f, m ORDER BY r, f, m`;

writeFileSync(
  join(dir, "duckdb-bench.html"),
  `<!DOCTYPE html><html><head><meta charset="utf-8"><title>DuckDB-WASM bench</title>
<script type="importmap">{"imports": {"apache-arrow": "/data/arrow/Arrow.dom.mjs", "tslib": "/data/tslib/tslib.es6.mjs", "flatbuffers": "/data/flatbuffers/mjs/flatbuffers.js"}}</script>
<script type="module">
import * as duckdb from "/data/duckdb/duckdb-browser.mjs";
window.duckdbRun = async (csvUrl) => {
  const t0 = performance.now();
  const worker = new Worker("/data/duckdb/duckdb-browser-eh.worker.js");
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  try {
    await db.instantiate("/data/duckdb/duckdb-eh.wasm");
    const conn = await db.connect();
    const t1 = performance.now();
    const bytes = new Uint8Array(await (await fetch(csvUrl)).arrayBuffer());
    await db.registerFileBuffer("tx.csv", bytes);
    const t2 = performance.now();
    await conn.query("CREATE TABLE t AS SELECT * FROM read_csv('tx.csv')");
    const t3 = performance.now();
    const out = await conn.query(${JSON.stringify(SQL)});
    const t4 = performance.now();
    const cells = out.toArray().map((row) => [Number(row.r), Number(row.f), Number(row.m), Number(row.n)]);
    await conn.close();
    return { timings: { init_ms: t1 - t0, fetch_ms: t2 - t1, ingest_ms: t3 - t2, rfm_ms: t4 - t3, total_ms: t4 - t0 }, cells };
  } finally {
    await db.terminate();
    worker.terminate();
  }
};
window.duckdbReady = true;
</script></head><body>DuckDB-WASM ${duckdbVersion}</body></html>`,
);


const { server, url } = await serve(process.env.PRISME_DIST ?? "dist", dir);
const browser = await launch();
const csvUrl = `/data/${basename(csv)}`;

async function once(engine) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  page.on("pageerror", (e) => console.error(`${engine} page error: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && console.error(`${engine} console: ${m.text()}`));
  try {
    if (engine.startsWith("prisme")) {
      await page.goto(engine.startsWith("prisme-base") ? `${url}/data/base/bench.html` : `${url}/bench.html`);
      await page.waitForFunction(() => window.benchReady === true);
      const mode = engine.endsWith("-bytes") ? "bytes" : engine.endsWith("-blob") ? "blob" : "stream";
      const r = await page.evaluate(([u, m]) => window.benchRun({ csvUrl: u, mode: m }), [csvUrl, mode]);
      return { timings: r.timings, cells: r.cells, peak_mb: rendererPeakMb() };
    }
    await page.goto(`${url}/data/duckdb-bench.html`);
    await page.waitForFunction(() => window.duckdbReady === true);
    const r = await page.evaluate((u) => window.duckdbRun(u), csvUrl);
    return { ...r, peak_mb: rendererPeakMb() };
  } finally {
    await ctx.close();
  }
}

// "prisme" streams the HTTP response into the worker as it arrives; "prisme-blob" takes the
// response as a Blob first and the worker streams that (what the app does with a dropped
// file); "prisme-bytes" hands it over whole, as DuckDB-WASM's `registerFileBuffer` gets it.
// With PRISME_BASE_DIST, "prisme-base" runs another build (the previous code) the same way
// ("prisme-base-blob" and "prisme-base-bytes" as "prisme-blob" and "prisme-bytes").
const engines = ["prisme", "prisme-blob", "prisme-bytes", "duckdb"];
if (process.env.PRISME_BASE_DIST) {
  symlinkSync(resolve(process.env.PRISME_BASE_DIST), join(dir, "base"));
  engines.splice(3, 0, "prisme-base");
}
// BENCH_ENGINES=prisme-blob (comma-separated) runs only those: at 20M rows DuckDB-WASM is left out.
if (process.env.BENCH_ENGINES) engines.splice(0, engines.length, ...process.env.BENCH_ENGINES.split(","));
const results = await alternate(engines, runs, once, (r) => `, renderer peak ${r.peak_mb.toFixed(0)} MB`);
const reference = results.duckdb ?? results[engines[0]];
const same = engines.every((e) => JSON.stringify(results[e][0].cells) === JSON.stringify(reference[0].cells));
const summary = { file: basename(csv), runs, duckdb_wasm: duckdbVersion, chromium: await browser.version(), cells_identical: same };
for (const engine of engines) {
  const rs = results[engine];
  summary[engine] = Object.fromEntries(
    Object.keys(rs[0].timings).map((k) => [`median_${k}`, +median(rs.map((r) => r.timings[k])).toFixed(0)]),
  );
  summary[engine].median_peak_mb = +median(rs.map((r) => r.peak_mb)).toFixed(0);
}
if (summary.duckdb && summary.prisme) {
  summary.ratio_total = +(summary.duckdb.median_total_ms / summary.prisme.median_total_ms).toFixed(2);
  summary.ratio_fetch_ingest_rfm = +(
    (summary.duckdb.median_fetch_ms + summary.duckdb.median_ingest_ms + summary.duckdb.median_rfm_ms) /
    (summary.prisme.median_fetch_ms + summary.prisme.median_ingest_ms + summary.prisme.median_rfm_ms)
  ).toFixed(2);
  summary.ratio_peak_memory = +(summary.prisme.median_peak_mb / summary.duckdb.median_peak_mb).toFixed(2);
  for (const e of engines.filter((x) => x.startsWith("prisme-"))) {
    const p = summary[e];
    summary[`ratio_fetch_ingest_rfm_${e}`] = +(
      (summary.duckdb.median_fetch_ms + summary.duckdb.median_ingest_ms + summary.duckdb.median_rfm_ms) /
      (p.median_fetch_ms + p.median_ingest_ms + p.median_rfm_ms)
    ).toFixed(2);
    summary[`ratio_peak_memory_${e}`] = +(p.median_peak_mb / summary.duckdb.median_peak_mb).toFixed(2);
  }
}
console.log(JSON.stringify(summary, null, 2));
await browser.close();
server.close();
rmSync(dir, { recursive: true });
if (!same) {
  console.error("the engines' cells differ:", engines.map((e) => JSON.stringify(results[e][0].cells.slice(0, 5))).join(" / "));
  process.exit(1);
}

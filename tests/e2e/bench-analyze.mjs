// The whole analysis in the browser, side by side in one headless Chromium:
//   node tests/e2e/bench-analyze.mjs TRANSACTIONS.csv [RUNS]
// bench.html's benchAnalyze (RFM and segments, clusters, CLV, churn, cohorts, indicators) with
// the worker pool ("pool": the file streamed from a Blob, as a dropped file is, and the
// analysis shared with hardwareConcurrency-1 helper workers) and without it ("one worker":
// the same build, `pool: false`). With PRISME_BASE_DIST set, a third variant runs another
// build's bench page (the previous code: served under /data/base/). Each run gets a fresh
// browser context (a fresh renderer process); variants alternate after one warm-up each; the
// renderer's peak resident memory (VmHWM from /proc) is reported with the times, medians last.
// BENCH_VARIANTS=pool (comma-separated) runs only those.
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { alternate, launch, median, rendererPeakMb } from "./browser.mjs";
import { serve } from "./server.mjs";

const csv = process.argv[2];
const runs = Number(process.argv[3] ?? 5);
if (!csv) {
  console.error("usage: node tests/e2e/bench-analyze.mjs TRANSACTIONS.csv [RUNS]");
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), "prisme-analyze-"));
symlinkSync(resolve(csv), join(dir, basename(csv)));
const variants = (process.env.BENCH_VARIANTS ?? "pool,one worker").split(",");
if (process.env.PRISME_BASE_DIST) {
  symlinkSync(resolve(process.env.PRISME_BASE_DIST), join(dir, "base"));
  if (!variants.includes("base")) variants.push("base");
}


const { server, url } = await serve(process.env.PRISME_DIST ?? "dist", dir);
const browser = await launch();
const csvUrl = `/data/${basename(csv)}`;

async function once(variant) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  page.on("pageerror", (e) => console.error(`${variant} page error: ${e.message}`));
  try {
    await page.goto(variant === "base" ? `${url}/data/base/bench.html` : `${url}/bench.html`);
    await page.waitForFunction(() => window.benchReady === true);
    // The other build ("base") runs as it would for a user: with its pool if it has one.
    const opts = { csvUrl, mode: "blob", pool: variant !== "one worker" };
    const r = await page.evaluate((o) => window.benchAnalyze(o), opts);
    return { timings: r.timings, helpers: r.helpers ?? 0, customers: r.customers, peak_mb: rendererPeakMb() };
  } finally {
    await ctx.close();
  }
}

const results = await alternate(
  variants,
  runs,
  once,
  (r) => `, helpers ${r.helpers}, renderer peak ${r.peak_mb.toFixed(0)} MB`,
);
const summary = { file: basename(csv), runs, chromium: await browser.version() };
for (const v of variants) {
  const rs = results[v];
  summary[v] = Object.fromEntries(
    Object.keys(rs[0].timings).map((k) => [`median_${k}`, +median(rs.map((r) => r.timings[k])).toFixed(0)]),
  );
  summary[v].helpers = rs[0].helpers;
  summary[v].customers = rs[0].customers;
  summary[v].median_peak_mb = +median(rs.map((r) => r.peak_mb)).toFixed(0);
  summary[v].median_ingest_plus_analysis_ms = +median(rs.map((r) => r.timings.ingest_ms + r.timings.analysis_ms)).toFixed(0);
}
if (summary.pool && summary["one worker"]) {
  summary.pool_speedup_analysis = +(summary["one worker"].median_analysis_ms / summary.pool.median_analysis_ms).toFixed(2);
}
console.log(JSON.stringify(summary, null, 2));
await browser.close();
server.close();
rmSync(dir, { recursive: true });

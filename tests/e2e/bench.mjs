// `cargo xtask bench-browser [100k|1m|5m] [--analysis]`: bench.html's benchRun (or benchAnalyze) on a generated file in
// headless Chromium, one warm-up then 5 measured runs; prints each run and the medians.
import { basename, dirname } from "node:path";
import { env, launch, startServer } from "./browser.mjs";

const csv = process.argv[2];
if (!csv) throw new Error("usage: node bench.mjs FILE.csv");
const runs = Number(process.env.PRISME_BENCH_RUNS ?? 5);
const { server, url } = await startServer(dirname(csv));
const browser = await launch();
const page = await browser.newPage();
await page.goto(`${url}/bench.html`);
await page.waitForFunction(() => window.benchReady === true);
const fn = process.env.PRISME_BENCH_FN ?? "benchRun";
const one = () => page.evaluate(([f, u]) => window[f]({ csvUrl: u }), [fn, `/data/${basename(csv)}`]);
await one(); // warm-up: browser caches, JIT
const results = [];
for (let i = 0; i < runs; i++) {
  const r = await one();
  results.push(r);
  console.log(
    `run ${i + 1}: ` +
      Object.entries(r.timings).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(", ") +
      `, wasm memory ${(r.memory_bytes / 1e6).toFixed(1)} MB`,
  );
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const summary = { function: fn, file: basename(csv), rows: results[0].rows, customers: results[0].customers, runs };
for (const k of Object.keys(results[0].timings)) summary[`median_${k}`] = +median(results.map((r) => r.timings[k])).toFixed(1);
summary.wasm_memory_mb = +(Math.max(...results.map((r) => r.memory_bytes)) / 1e6).toFixed(1);
summary.chromium = await browser.version();
console.log(JSON.stringify(summary, null, 2));
await browser.close();
server.close();

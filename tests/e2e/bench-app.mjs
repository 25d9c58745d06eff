// The app's own figures, in headless Chromium on the built dist/ (PRISME_DIST, default dist):
//   node tests/e2e/bench-app.mjs TRANSACTIONS.csv [RUNS]
// - first paint: first-contentful-paint of a cold load of /, median of RUNS fresh contexts;
// - Analyze → dashboard: from the click on "Analyze" (the file already on the Data page) to the
//   dashboard's tiles, median of RUNS;
// - the longest main-thread task during the analysis (PerformanceObserver, long tasks).
import { launch } from "./browser.mjs";
import { serve } from "./server.mjs";

const file = process.argv[2];
const runs = Number(process.argv[3] ?? 5);
if (!file) {
  console.error("usage: node tests/e2e/bench-app.mjs TRANSACTIONS.csv [RUNS]");
  process.exit(2);
}
const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const { server, url } = await serve(process.env.PRISME_DIST ?? "dist");
const browser = await launch();

const paints = [];
for (let i = 0; i < runs; i++) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await ctx.newPage();
  await page.goto(`${url}/`);
  await page.waitForSelector("[data-nav=dashboard]");
  const fcp = await page.evaluate(
    () =>
      new Promise((ok) => {
        const e = performance.getEntriesByName("first-contentful-paint")[0];
        if (e) return ok(e.startTime);
        new PerformanceObserver((l) => ok(l.getEntries()[0].startTime)).observe({ type: "paint", buffered: true });
      }),
  );
  paints.push(fcp);
  await ctx.close();
}

const analyses = [];
const longest = [];
for (let i = 0; i < runs; i++) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await ctx.newPage();
  await page.goto(`${url}/data`);
  await page.waitForFunction(() => /v\d/.test(document.querySelector("[data-testid=engine-status]")?.textContent ?? ""));
  await page.setInputFiles("#data-input", file);
  await page.waitForSelector("[data-testid=base-customers]", { timeout: 300_000 });
  await page.waitForFunction(() => !document.querySelector("[data-testid=data-busy]"));
  await page.evaluate(() => {
    window.__long = [];
    new PerformanceObserver((l) => window.__long.push(...l.getEntries().map((e) => [e.startTime, e.duration]))).observe({ type: "longtask" });
  });
  const t0 = await page.evaluate(() => performance.now());
  await page.click("[data-action=analyze]");
  const ended = await page.evaluate(
    () =>
      new Promise((ok) => {
        const obs = new MutationObserver(() => {
          if (!document.querySelector("[data-testid=job]")) {
            obs.disconnect();
            ok(performance.now());
          }
        });
        obs.observe(document.body, { childList: true, subtree: true });
      }),
  );
  await page.waitForSelector("[data-page=dashboard] [data-kpi=revenue]", { timeout: 300_000 });
  const shown = await page.evaluate(() => performance.now());
  const long = await page.evaluate(([a, b]) => window.__long.filter(([s]) => s >= a && s < b).map((l) => l[1]), [t0, ended]);
  const after = await page.evaluate((b) => window.__long.filter(([s]) => s >= b).map((l) => l[1]), ended);
  // Whether Analyze read its files again instead of reusing the Data page's preparation.
  const readAgain = await page.evaluate(() => document.querySelector("main")?.dataset.readAgain);
  analyses.push(shown - t0);
  longest.push(Math.max(0, ...long));
  console.error(`run ${i + 1}: analyze → dashboard ${(shown - t0).toFixed(0)} ms; longest task during ${Math.max(0, ...long)} ms, after ${Math.max(0, ...after)} ms; read again ${readAgain}`);
  await ctx.close();
}
console.log(
  JSON.stringify(
    {
      first_contentful_paint_ms: median(paints),
      analyze_to_dashboard_ms: median(analyses),
      longest_task_during_analysis_ms: median(longest),
      runs,
    },
    null,
    1,
  ),
);
await browser.close();
server.close();

// The customer card's search on a large base: milliseconds from a keystroke to the matches
// shown. `node tests/e2e/bench-search.mjs target/data/transactions_1m.csv` (PRISME_DIST: the
// built app, default dist/). Not a test: figures for BENCHMARKS.md.
import { launch } from "./browser.mjs";
import { serve } from "./server.mjs";

const file = process.argv[2];
const { server, url } = await serve(process.env.PRISME_DIST ?? "dist");
const browser = await launch();
const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" })).newPage();
await page.goto(`${url}/data`);
await page.setInputFiles("#data-input", file);
await page.waitForSelector("[data-testid=base-customers]", { timeout: 300_000 });
await page.waitForFunction(() => !document.querySelector("[data-testid=data-busy]"), null, { timeout: 300_000 });
await page.click("[data-action=analyze]");
await page.waitForSelector("[data-page=dashboard] [data-kpi=revenue]", { timeout: 600_000 });
const customers = await page.$eval("[data-testid=report-sub]", (e) => e.textContent);
await page.click("[data-nav=customer]");
await page.waitForSelector("[data-testid=customer-search]");
// Each keystroke changes the first matches (ids in order: C0000007, C0000076, C0000765…).
const typed = "76543";
const times = await page.evaluate(async (typed) => {
  const input = document.querySelector("[data-testid=customer-search]");
  const out = [];
  for (let i = 1; i <= typed.length; i++) {
    const before = document.querySelector("[data-testid=customer-matches]")?.innerHTML ?? "";
    const t0 = performance.now();
    input.value = typed.slice(0, i);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    await new Promise((ok) => {
      const check = () => {
        const now = document.querySelector("[data-testid=customer-matches], [data-testid=no-match]");
        if (now && now.innerHTML !== before) ok();
        else requestAnimationFrame(check);
      };
      check();
    });
    out.push(performance.now() - t0);
  }
  return out;
}, typed);
const sorted = [...times].sort((a, b) => a - b);
console.log(JSON.stringify({ file, subtitle: customers, typed, ms: times.map((t) => Math.round(t)), median_ms: Math.round(sorted[Math.floor(sorted.length / 2)]) }));
await browser.close();
server.close();

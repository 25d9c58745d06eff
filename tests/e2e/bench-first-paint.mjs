// Paired A/B of a cold load of `/` from two built dist/ directories, in one Chromium:
//   node tests/e2e/bench-first-paint.mjs DIST_A DIST_B [RUNS]
// First contentful paint and the shell drawn (the navigation present), medians of RUNS fresh
// contexts each, A and B alternating; on loopback, then on an emulated 10 Mbit/s, 40 ms link
// (the test server does not compress: the link carries the raw files).
import { launch } from "./browser.mjs";
import { serve } from "./server.mjs";
const [a, b, runs = 7] = process.argv.slice(2);
const sa = await serve(a), sb = await serve(b);
const browser = await launch();
const median = (v) => { const s = [...v].sort((x, y) => x - y); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
async function once(url, throttle) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await ctx.newPage();
  if (throttle) {
    const cdp = await ctx.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 40, downloadThroughput: 10e6 / 8, uploadThroughput: 5e6 / 8 });
  }
  const t0 = Date.now();
  await page.goto(`${url}/`);
  await page.waitForSelector("[data-nav=dashboard]", { timeout: 60000 });
  const ready = await page.evaluate(() => performance.now());
  const fcp = await page.evaluate(() => new Promise((ok) => { const e = performance.getEntriesByName("first-contentful-paint")[0]; if (e) return ok(e.startTime); new PerformanceObserver((l) => ok(l.getEntries()[0].startTime)).observe({ type: "paint", buffered: true }); }));
  await ctx.close();
  return { fcp, ready };
}
for (const throttle of [false, true]) {
  const r = { A: { fcp: [], ready: [] }, B: { fcp: [], ready: [] } };
  for (let i = 0; i < runs; i++) {
    for (const [k, s] of i % 2 ? [["B", sb], ["A", sa]] : [["A", sa], ["B", sb]]) {
      const x = await once(s.url, throttle);
      r[k].fcp.push(x.fcp); r[k].ready.push(x.ready);
    }
  }
  for (const k of ["A", "B"]) console.log(`${throttle ? "10 Mbit/s, 40 ms" : "loopback"} ${k}: fcp median ${median(r[k].fcp).toFixed(0)} ms [${r[k].fcp.map((x) => x.toFixed(0)).join(", ")}]; shell ready ${median(r[k].ready).toFixed(0)} ms`);
}
await browser.close(); sa.server.close(); sb.server.close();

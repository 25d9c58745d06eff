// Screenshots of every page, in French and English, at 1280×720 (a laptop) and 768 px wide (a
// tablet), on the demo data: `node tests/e2e/screenshots.mjs [OUT_DIR]` with PRISME_DIST set
// (default dist/). Not a test: the images are looked at, then committed to docs/screenshots/.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { launch, scratchDir } from "./browser.mjs";
import { serve } from "./server.mjs";

const out = process.argv[2] ?? "docs/screenshots";
mkdirSync(out, { recursive: true });
const { server, url } = await serve(process.env.PRISME_DIST ?? "dist");
const browser = await launch();
// A datamart as a user would import it, so that its page shows conditions and a selection.
const martFile = join(scratchDir("prisme-shots-"), "a-relancer.json");
writeFileSync(martFile, JSON.stringify({ name: "À relancer", description: "", filter: { op: "all", of: [
  { op: "in", column: "segment", values: ["at-risk", "cant-lose-them", "hibernating"] },
  { op: "compare", column: "p_alive", cmp: "lt", value: 0.5 },
  { op: "not", filter: { op: "in", column: "agence", values: ["Lyon Part-Dieu"] } },
] } }));
const pages = ["data", "dashboard", "segments", "value", "attrition", "cohorts", "quick"];
for (const [lang, code] of [["fr-FR", "fr"], ["en-US", "en"]]) {
  for (const [width, height] of [[1280, 720], [768, 1024]]) {
    const ctx = await browser.newContext({ viewport: { width, height }, locale: lang });
    const page = await ctx.newPage();
    await page.goto(`${url}/data`);
    await page.click("[data-action=demo]");
    await page.waitForSelector("[data-page=dashboard] [data-kpi=revenue]", { timeout: 120_000 });
    for (const p of pages) {
      await page.click(`[data-nav=${p}]`);
      await page.waitForTimeout(600);
      const full = process.env.FULL === "1";
      await page.screenshot({ path: join(out, `${p}-${code}-${width}.png`), fullPage: full });
      console.log(`${p}-${code}-${width}.png`);
    }
    // The customer card: the first customer of the at-risk list.
    await page.click("[data-nav=attrition]");
    await page.click("[data-table=at-risk] tbody tr td[data-col=customer_id] a");
    await page.waitForSelector("[data-section=customer-card]");
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(out, `customer-${code}-${width}.png`), fullPage: process.env.FULL === "1" });
    console.log(`customer-${code}-${width}.png`);
    await page.click("[data-nav=datamarts]");
    await page.setInputFiles("[data-testid=import-mart]", martFile);
    await page.waitForSelector("[data-kpi=mart-customers]");
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(out, `datamarts-${code}-${width}.png`), fullPage: process.env.FULL === "1" });
    console.log(`datamarts-${code}-${width}.png`);
    // Reports: the analysis saved twice, the second compared with the first.
    await page.click("[data-nav=reports]");
    await page.selectOption("[data-testid=report-attach]", "À relancer");
    await page.click("[data-action=save-report]");
    await page.waitForSelector("[data-testid=report-doc]");
    await page.click("[data-action=save-report]");
    await page.waitForSelector("[data-testid=report-doc] .version:text('v2')");
    const first = await page.$eval("[data-testid=report-compare] option:nth-child(2)", (o) => o.value);
    await page.selectOption("[data-testid=report-compare]", first);
    await page.waitForSelector("[data-testid=report-comparison]");
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(out, `reports-${code}-${width}.png`), fullPage: process.env.FULL === "1" });
    console.log(`reports-${code}-${width}.png`);
    if (process.env.FULL === "1") {
      await page.locator("[data-testid=report-doc]").screenshot({ path: join(out, `report-doc-${code}-${width}.png`) });
      console.log(`report-doc-${code}-${width}.png`);
    }
    await ctx.close();
  }
}
await browser.close();
server.close();

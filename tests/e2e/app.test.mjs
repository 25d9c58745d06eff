// End-to-end: the built app in headless Chromium, checked against the native core.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, copyFileSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { dataDir, env, generate, scratchDir, launch, nativeAnalyze, nativeRfm, outDir, startServer, watchErrors } from "./browser.mjs";
import { serve } from "./server.mjs";

let browser;
let server;
let url;
let data;

before(async () => {
  data = dataDir();
  ({ server, url } = await startServer(data));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function openApp(lang = "en") {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: lang });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${url}/`);
  await page.waitForFunction(
    () => /v\d/.test(document.querySelector("[data-testid=engine-status]")?.textContent ?? ""),
    null,
    { timeout: 60_000 },
  );
  return { page, errors };
}

async function dropFile(page, path) {
  await page.setInputFiles("#file-input", path);
  await page.waitForSelector("[data-testid=results], [data-testid=error]", { timeout: 180_000 });
}

/** Reads the result the page shows: counts, the R×F heat map and the R×F×M table. */
async function shownResult(page) {
  return page.evaluate(() => {
    const num = (id) => Number(document.querySelector(`[data-testid=${id}]`).dataset.value);
    const grid = [...document.querySelectorAll(".hm-cell")].map((g) => [
      Number(g.dataset.r),
      Number(g.dataset.f),
      Number(g.dataset.count),
    ]);
    const cells = [...document.querySelectorAll("[data-testid=cells] tbody tr")].map((tr) => [
      Number(tr.dataset.r),
      Number(tr.dataset.f),
      Number(tr.dataset.m),
      Number(tr.dataset.count),
    ]);
    return {
      rows: num("rows"),
      customers: num("customers"),
      snapshot: document.querySelector("[data-testid=snapshot]").dataset.value,
      grid,
      cells,
    };
  });
}

function gridCells(native) {
  const out = [];
  native.rf_grid.forEach((row, r) => row.forEach((count, f) => out.push([r + 1, f + 1, count])));
  return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

function assertSameAsNative(shown, native) {
  assert.equal(shown.rows, native.rows);
  assert.equal(shown.customers, native.customers);
  assert.equal(shown.snapshot, native.snapshot);
  assert.deepEqual(
    shown.grid.sort((a, b) => a[0] - b[0] || a[1] - b[1]),
    gridCells(native),
  );
  assert.deepEqual(shown.cells, native.cells);
}

describe("the slice in the app", () => {
  test("a generated CSV gives the same counts and cells as the native core", async () => {
    const csv = join(data, "transactions_20k.csv");
    generate(csv, 20_000, 3, true);
    const native = nativeRfm(csv);
    const { page, errors } = await openApp("en");
    await dropFile(page, csv);
    const shown = await shownResult(page);
    assertSameAsNative(shown, native);
    assert.equal(shown.customers, 2_000);
    // Timings are shown for every step.
    for (const step of ["init", "read", "ingest", "rfm", "total"]) {
      assert.ok(await page.locator(`[data-testid=timings] tr[data-step=${step}]`).count(), step);
    }
    // Hovering a cell reads out its count.
    const top = native.rf_grid[4][4];
    await page.hover(".hm-cell[data-r='5'][data-f='5']");
    const readout = await page.textContent("[data-testid=hm-readout]");
    assert.match(readout, new RegExp(`R5 · F5 : ${top.toLocaleString("en-US")} customers`));
    await page.screenshot({ path: join(outDir(), "app.png"), fullPage: true });
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test("a French Excel export (; , dd/mm/yyyy, Windows-1252) reads right, in French", async () => {
    // Accented ids in Windows-1252, decimal commas with thousands points, a € suffix.
    const lines = ["N° client;Date de commande;Montant TTC"];
    const ids = ["DUPONT-É", "LEFÈVRE", "MÜLLER", "GARÇON", "ANDRÉ"];
    let n = 0;
    for (let day = 1; day <= 28; day++) {
      for (let i = 0; i < ids.length; i++) {
        if ((day + i) % 3 === 0) continue;
        const amount = ((day * 37 + i * 101) % 2000) + 1000.5 + i / 100;
        const [int, dec] = amount.toFixed(2).split(".");
        const grouped = int.length > 3 ? `${int.slice(0, -3)}.${int.slice(-3)}` : int;
        lines.push(`${ids[i]};${String(day).padStart(2, "0")}/03/2024;${grouped},${dec} €`);
        n++;
      }
    }
    const text = lines.join("\r\n") + "\r\n";
    const bytes = Buffer.from(
      [...text].map((ch) => ({ "É": 0xc9, "È": 0xc8, "Ü": 0xdc, "Ç": 0xc7, "€": 0x80, "°": 0xb0 })[ch] ?? ch.charCodeAt(0)),
    );
    const csv = join(data, "ventes_fr.csv");
    writeFileSync(csv, bytes);
    const native = nativeRfm(csv);
    assert.equal(native.rows, n);
    assert.equal(native.encoding, "Windows-1252");
    const { page, errors } = await openApp("fr");
    await page.click(".lang-switch button:text('FR')");
    await dropFile(page, csv);
    assertSameAsNative(await shownResult(page), native);
    assert.match(await page.textContent(".kpi-cols"), /N° client/);
    assert.match(await page.textContent("[data-testid=quick-page] .dropzone h1"), /Déposez un fichier/);
    assert.equal(await page.textContent("[data-testid=snapshot]"), "29/03/2024");
    await page.screenshot({ path: join(outDir(), "app_fr.png"), fullPage: true });
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test("the page stays responsive and shows progress while the worker runs", async () => {
    const big = env("PRISME_BENCH_CSV");
    const csv = join(data, basename(big));
    copyFileSync(big, csv);
    const { page, errors } = await openApp("en");
    // Count animation frames and progress repaints on the main thread during the run.
    await page.evaluate(() => {
      window.__frames = 0;
      window.__progress = new Set();
      window.__stages = new Set();
      const tick = () => {
        window.__frames++;
        if (!document.querySelector("[data-testid=results]")) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      new MutationObserver(() => {
        const pct = document.querySelector(".status .pct")?.textContent;
        if (pct) window.__progress.add(pct);
        const stage = document.querySelector("[data-testid=progress-stage]")?.textContent;
        if (stage) window.__stages.add(stage);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await dropFile(page, csv);
    const { frames, progress, stages } = await page.evaluate(() => ({
      frames: window.__frames,
      progress: [...window.__progress],
      stages: [...window.__stages],
    }));
    // The worker streams the file: progress counts megabytes read of the file's size.
    const mb = (statSync(csv).size / 1e6).toFixed(1);
    const read = stages
      .map((s) => /Parsing the file · ([\d.]+) \/ ([\d.]+)\sMB/.exec(s))
      .filter(Boolean);
    assert.ok(read.length >= 3, `byte progress shown: ${stages.join(" | ")}`);
    assert.ok(read.every((m) => m[2] === mb), `sizes ${read.map((m) => m[2])} against ${mb}`);
    assert.ok(new Set(read.map((m) => m[1])).size >= 3, `bytes read: ${read.map((m) => m[1])}`);
    // A blocked main thread would paint no frame and no intermediate percentage.
    assert.ok(frames >= 5, `only ${frames} animation frames during the run`);
    assert.ok(progress.length >= 3, `progress shown: ${progress.join(", ")}`);
    assert.equal(await page.getAttribute("[data-testid=rows]", "data-value"), "1000000");
    assert.deepEqual(errors, []);
    await page.context().close();
  });
});

describe("a deploy under a sub-path (GitHub Pages' /<repo>/)", () => {
  test("routes, links and reloads work under /prisme/", async () => {
    // dist/ as `cargo xtask build --public-url /prisme/` writes it: the same modules, with
    // index.html's <base> and asset addresses under the sub-path.
    const root = scratchDir("prisme-subpath-");
    cpSync(env("PRISME_DIST", "dist"), root, { recursive: true });
    for (const name of ["index.html", "404.html"]) {
      const file = join(root, name);
      writeFileSync(file, readFileSync(file, "utf8").replaceAll('"/', '"/prisme/'));
    }
    const sub = await serve(root, data, 0, "/prisme/");
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en" });
    const page = await context.newPage();
    const errors = watchErrors(page);
    try {
      await page.goto(`${sub.url}/prisme/`);
      await page.waitForSelector("[data-page=quick]", { timeout: 60_000 });
      await page.click("[data-nav=dashboard]");
      await page.waitForSelector("[data-page=dashboard]");
      assert.equal(new URL(page.url()).pathname, "/prisme/dashboard");
      // Links carry the sub-path, and only the page shown is marked current.
      assert.equal(await page.getAttribute("[data-nav=dashboard]", "href"), "/prisme/dashboard");
      const current = await page.$$eval("[data-nav][aria-current=page]", (as) => as.map((a) => a.dataset.nav));
      assert.deepEqual(current, ["dashboard"]);
      // A reload of a deep address is answered by the host's fallback and drawn by the app.
      await page.reload();
      await page.waitForSelector("[data-page=dashboard]", { timeout: 60_000 });
      await page.click("[data-nav=data]");
      await page.waitForSelector("[data-page=data]");
      assert.equal(new URL(page.url()).pathname, "/prisme/data");
      // The engine starts from the sub-path too.
      await page.goto(`${sub.url}/prisme/`);
      await page.waitForFunction(
        () => /v\d/.test(document.querySelector("[data-testid=engine-status]")?.textContent ?? ""),
        null,
        { timeout: 60_000 },
      );
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      sub.server.close();
    }
  });
});

describe("page groups, loaded lazily", () => {
  test("the first page is drawn before the other pages' modules are fetched", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en" });
    const page = await context.newPage();
    const errors = watchErrors(page);
    try {
      await page.goto(`${url}/`);
      await page.waitForSelector("[data-page=quick]", { timeout: 60_000 });
      // All three groups are fetched in the background once the page is up.
      await page.waitForFunction(
        () =>
          ["split_analysis", "split_data", "split_library"].every((g) =>
            performance.getEntriesByType("resource").some((e) => e.name.includes(`/${g}.wasm`)),
          ),
        null,
        { timeout: 30_000 },
      );
      const { fcp, groups, main } = await page.evaluate(() => {
        const res = performance.getEntriesByType("resource");
        return {
          fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime,
          groups: res.filter((e) => /\/(split_\w+|chunk_\d+)\.wasm$/.test(e.name)).map((e) => e.startTime),
          main: res.filter((e) => /\/prisme-app_bg\.wasm$/.test(e.name)).length,
        };
      });
      assert.equal(main, 1, "the page's own module is fetched once");
      assert.ok(fcp > 0, "first contentful paint recorded");
      assert.ok(groups.length >= 3);
      for (const start of groups) assert.ok(start > fcp, `a group's module fetched at ${start} ms, before the first paint at ${fcp} ms`);
      // The pages whose code is in those modules draw (the analysis group's pages need a
      // report: the next test opens one).
      await page.click("[data-nav=data]");
      await page.waitForSelector("[data-page=data] h1");
      await page.click("[data-nav=reports]");
      await page.waitForSelector("[data-page=reports] [data-testid=report-no-analysis]");
      await page.click("[data-nav=datamarts]");
      await page.waitForSelector("[data-page=datamarts] [data-testid=no-marts]");
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test("a group that cannot be fetched says so, and a reload brings the page", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "fr" });
    await context.route("**/split_analysis.wasm", (route) => route.abort("internetdisconnected"));
    const page = await context.newPage();
    const crashes = [];
    page.on("pageerror", (e) => crashes.push(e.message));
    try {
      await page.goto(`${url}/`);
      await page.waitForSelector("[data-page=quick]", { timeout: 60_000 });
      // The demo's analysis runs (its code is in the worker), then opens the dashboard.
      await page.click("[data-action=demo]");
      await page.waitForSelector("[data-page=dashboard] [data-testid=load-failed]", { timeout: 120_000 });
      const text = await page.textContent("[data-testid=load-failed]");
      assert.match(text, /n'a pas pu être chargée/);
      // The shell still works: another group's page opens.
      await page.click("[data-nav=data]");
      await page.waitForSelector("[data-page=data] h1");
      await page.click("[data-nav=dashboard]");
      await page.waitForSelector("[data-testid=load-failed] button");
      // Back online, the notice's button reloads, and the dashboard draws the kept report.
      await context.unroute("**/split_analysis.wasm");
      await page.click("[data-testid=load-failed] button");
      await page.waitForSelector("[data-page=dashboard] [data-kpi=revenue]", { timeout: 60_000 });
      assert.equal(await page.$("[data-testid=load-failed]"), null);
      assert.deepEqual(crashes, [], "no panic, no uncaught error");
    } finally {
      await context.close();
    }
  });
});

describe("bad input", () => {
  test("errors name the file, line and column; the worker survives; the next file works", async () => {
    const { page, errors } = await openApp("en");
    const cases = [
      { name: "empty.csv", body: "", expect: /empty\.csv: the file is empty/ },
      {
        name: "no_date.csv",
        body: "customer,name,amount\n1,Ann,3.5\n2,Bob,4\n",
        expect: /no_date\.csv: no date column found among: customer \(integer\), name \(text\), amount \(number\)/,
      },
      {
        name: "bad_number.csv",
        body: "customer_id,date,amount\nA,2024-01-01,3.50\nB,2024-01-02,4.25\nC,2024-01-03,2.00\nD,2024-01-04,12.3x\nE,2024-01-05,1.00\n",
        expect: /bad_number\.csv, line 5, column 3 \(amount\): "12\.3x" is not a number/,
        where: "line 5, column 3",
      },
      {
        name: "missing_id.csv",
        body: "customer_id,date,amount\nA,2024-01-01,3.50\n,2024-01-02,4.25\n",
        expect: /missing_id\.csv, line 3, column 1 \(customer_id\): the customer id is missing/,
        where: "line 3, column 1",
      },
      {
        name: "stray_quote.csv",
        body: 'customer_id,date,amount\nA,2024-01-01,3.50\n"B,2024-01-02,4.25\nC,2024-01-03,1\n',
        expect: /stray_quote\.csv, line 3: a quoted value opens here and is never closed/,
      },
    ];
    for (const c of cases) {
      const path = join(data, c.name);
      writeFileSync(path, c.body);
      await dropFile(page, path);
      const message = await page.textContent("[data-testid=error-message]");
      assert.match(message, c.expect, c.name);
      if (c.where) assert.equal(await page.textContent("[data-testid=error-where]"), c.where);
    }
    await page.screenshot({ path: join(outDir(), "error.png"), fullPage: true });
    // The same worker then handles a good file.
    const good = join(data, "good.csv");
    generate(good, 5_000, 9);
    await dropFile(page, good);
    assertSameAsNative(await shownResult(page), nativeRfm(good));
    assert.deepEqual(errors, []);
    await page.context().close();
  });
});

describe("bench.html", () => {
  async function benchRun(csvName) {
    const page = await browser.newPage();
    await page.goto(`${url}/bench.html`);
    await page.waitForFunction(() => window.benchReady === true);
    const answer = await page.evaluate((u) => window.benchRun({ csvUrl: u }), `/data/${csvName}`);
    await page.close();
    return answer;
  }

  test("benchRun answers with timings and the same cells as the native core", async () => {
    const csv = join(data, "bench_small.csv");
    generate(csv, 30_000, 5, true);
    const answer = await benchRun("bench_small.csv");
    const native = nativeRfm(csv);
    assert.equal(answer.engine_version, native.engine_version);
    for (const k of ["init_ms", "fetch_ms", "ingest_ms", "rfm_ms", "total_ms"]) {
      assert.equal(typeof answer.timings[k], "number", k);
      assert.ok(answer.timings[k] >= 0, k);
    }
    assert.deepEqual(answer.cells, native.cells);
  });

  test("benchAnalyze runs the whole analysis in the worker, as the native core does", async () => {
    const csv = join(data, "bench_small.csv");
    generate(csv, 30_000, 5, true);
    const page = await browser.newPage();
    await page.goto(`${url}/bench.html`);
    await page.waitForFunction(() => window.benchReady === true);
    const answer = await page.evaluate((u) => window.benchAnalyze({ csvUrl: u }), "/data/bench_small.csv");
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    await page.close();
    // Side by side with helper workers on a machine with more than one core (the pool), and
    // still the native report below, bit for bit.
    assert.equal(answer.helpers, Math.min(Math.max(cores - 1, 0), 3), `helpers on ${cores} cores`);
    const native = nativeAnalyze(csv);
    const r = answer.report;
    assert.equal(r.format, "prisme-report");
    assert.equal(answer.customers, native.rfm.customers);
    for (const k of ["init_ms", "fetch_ms", "ingest_ms", "analysis_ms", "total_ms"]) {
      assert.ok(answer.timings[k] >= 0, k);
    }
    // Exact: the engine computes the same bits in the browser and natively (one maths library
    // on every target, `prisme_core::math`).
    assert.deepEqual(r.rfm.cells, native.rfm.cells);
    assert.deepEqual(
      r.rfm.segments.map((s) => [s.segment, s.customers]),
      native.rfm.segments.map((s) => [s.segment, s.customers]),
    );
    assert.equal(r.clusters.k, native.clusters.k);
    const close = (a, b, what) => assert.equal(a, b, what);
    for (const p of ["r", "alpha", "a", "b", "log_likelihood"]) close(r.clv.bgnbd[p], native.clv.bgnbd[p], p);
    close(r.churn.result.logistic.evaluation.auc, native.churn.result.logistic.evaluation.auc, "auc");
    assert.deepEqual(r.skipped, native.skipped);
    // And the whole report, every field; but the inputs' size and SHA-256, which the CLI
    // records from the bytes it read and the app when a report is saved.
    assert.match(native.inputs[0].sha256, /^[0-9a-f]{64}$/);
    for (const i of native.inputs) {
      delete i.bytes;
      delete i.sha256;
    }
    assert.deepEqual(r, native);
  });

  test("benchRun answers on the 1M-row file", async () => {
    const big = env("PRISME_BENCH_CSV");
    const name = basename(big);
    copyFileSync(big, join(data, name));
    const answer = await benchRun(name);
    assert.equal(answer.rows, 1_000_000);
    assert.deepEqual(answer.cells, nativeRfm(big).cells);
  });
});

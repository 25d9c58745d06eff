// End-to-end: what the browser keeps. A workspace (files, corrections, choices, the last
// analysis) survives a reload and comes back without the user doing anything; workspaces are
// listed, switched and deleted; "Clear everything" leaves IndexedDB, OPFS and Prisme's local
// storage empty. Reports: saved, listed, opened read-only, compared, exported as HTML (opened
// with scripts disabled) and JSON (read by the CLI), imported, and a tampered or too-new
// report refused.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { dataDir, env, launch, startServer, watchErrors } from "./browser.mjs";

let browser;
let server;
let url;
let demoDir;
const FILES = ["clients.csv", "achats.csv", "contrats.csv", "contacts.csv"];

before(async () => {
  demoDir = dataDir();
  execFileSync(env("PRISME_BIN"), ["generate", "--demo", "--out", demoDir]);
  ({ server, url } = await startServer(demoDir));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function open(context, path) {
  const page = await context.newPage();
  const errors = watchErrors(page);
  page.on("dialog", (d) => d.accept());
  await page.goto(`${url}${path}`);
  await page.waitForFunction(
    () => /v\d/.test(document.querySelector("[data-testid=engine-status]")?.textContent ?? ""),
    null,
    { timeout: 60_000 },
  );
  return { page, errors };
}

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
  await page.dispatchEvent(selector, "drop", { dataTransfer: dt });
}

async function idle(page) {
  await page.waitForFunction(() => !document.querySelector("[data-testid=data-busy]"), null, { timeout: 60_000 });
}

/** What the Data page shows of the files and the user's choices. */
async function dataState(page) {
  return page.evaluate(() => ({
    files: [...document.querySelectorAll("[data-testid=source]")].map((s) => s.dataset.file).sort(),
    anonymize: document.querySelector("[data-testid=anonymize]").checked,
    pii: document.querySelector("[data-testid=pii-action]").value,
    birthRole: document.querySelector("[data-file='clients.csv'] [data-testid=column][data-column='année_naissance']")?.dataset.role,
    workspace: document.querySelector("[data-testid=workspace-name]").value,
  }));
}

/** The keys of the files kept in IndexedDB, and the files each workspace record lists. */
async function keptFiles(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const req = indexedDB.open("prisme");
        req.onsuccess = () => {
          const tx = req.result.transaction(["files", "workspaces"]);
          const keys = tx.objectStore("files").getAllKeys();
          const records = tx.objectStore("workspaces").getAll();
          tx.oncomplete = () => {
            req.result.close();
            const parse = (r) => (typeof r === "string" ? JSON.parse(r) : r);
            resolve({ keys: keys.result.map((k) => k.split("/").pop()).sort(), listed: records.result.map((r) => parse(r).files.map((f) => f.name).sort()) });
          };
          tx.onerror = () => reject(tx.error);
        };
        req.onerror = () => reject(req.error);
      }),
  );
}

/** Everything Prisme keeps in this origin. */
async function kept(page) {
  return page.evaluate(async () => {
    const dbs = (await indexedDB.databases()).map((d) => d.name);
    const opfs = [];
    for await (const [name] of (await navigator.storage.getDirectory()).entries()) opfs.push(name);
    const local = Object.keys(localStorage).filter((k) => k.startsWith("prisme."));
    return { dbs, opfs, local };
  });
}

describe("the workspace kept in the browser", { timeout: 600_000 }, () => {
  test("files, corrections, choices and the analysis survive a reload; workspaces switch; Clear everything leaves nothing", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "fr-FR" });
    let { page, errors } = await open(context, "/data");
    await drop(page, ".dropzone", FILES.map((f) => join(demoDir, f)));
    await page.waitForSelector("[data-testid=base-customers]", { timeout: 60_000 });
    await idle(page);
    // Three of the user's choices: anonymization off, personal data masked, a role removed.
    await page.uncheck("[data-testid=anonymize]");
    await idle(page);
    await page.check("[data-testid=anonymize]");
    await idle(page);
    await page.selectOption("[data-testid=pii-action]", "mask");
    await idle(page);
    await page.selectOption("[data-file='clients.csv'] [data-testid=column][data-column='année_naissance'] [data-testid=role-select]", "");
    await idle(page);
    const before = await dataState(page);
    assert.deepEqual(before.files, [...FILES].sort());
    assert.equal(before.pii, "mask");
    assert.equal(before.birthRole, "");
    assert.equal(before.workspace, "Espace de travail");
    // An analysis setting: quarters instead of months.
    await page.click("[data-testid=analyze-panel] details.settings summary");
    await page.selectOption("[data-setting=period]", "quarter");
    await page.click("[data-action=analyze]");
    await page.waitForSelector("[data-page=dashboard] [data-kpi=revenue]", { timeout: 120_000 });
    const revenue = await page.textContent("[data-kpi=revenue] .kpi-big");
    // A datamart of this workspace.
    const martFile = join(demoDir, "a-relancer.json");
    writeFileSync(martFile, JSON.stringify({ name: "À relancer", description: "", filter: { op: "compare", column: "p_alive", cmp: "lt", value: 0.3 } }));
    await page.click("[data-nav=datamarts]");
    await page.setInputFiles("[data-testid=import-mart]", martFile);
    await page.waitForSelector("tr[data-mart='À relancer']");
    // The datamarts listed (the list waits for the analysis a switch runs again).
    const marts = async (expected) => {
      await page.click("[data-nav=datamarts]");
      await page.waitForSelector("[data-page=datamarts]");
      const names = () => page.$$eval("tr[data-mart]", (r) => r.map((x) => x.dataset.mart));
      await page
        .waitForFunction((n) => document.querySelectorAll("tr[data-mart]").length === n, expected.length, { timeout: 120_000 })
        .catch(() => {});
      return names();
    };
    const period = async () => {
      await page.click("[data-nav=data]");
      await page.waitForSelector("[data-setting=period]", { state: "attached" });
      return page.$eval("[data-setting=period]", (s) => s.value);
    };

    // A new tab of the same browser, after closing this one: everything is back, and the
    // analysis runs again by itself, so the customer lists answer.
    await page.close();
    ({ page, errors } = await open(context, "/data"));
    await page.waitForSelector("[data-testid=source]", { timeout: 60_000 });
    await idle(page);
    assert.deepEqual(await dataState(page), before);
    await page.click("[data-nav=dashboard]");
    assert.equal(await page.textContent("[data-kpi=revenue] .kpi-big"), revenue);
    assert.deepEqual(await marts(["À relancer"]), ["À relancer"]);
    assert.equal(await period(), "quarter");
    await page.click("[data-nav=attrition]");
    await page.waitForFunction(() => Number(document.querySelector("[data-testid=at-risk-count]")?.dataset.matched) > 0, null, {
      timeout: 120_000,
    });

    // A second workspace, then back to the first.
    await page.click("[data-nav=data]");
    await page.fill("[data-testid=workspace-name]", "Client A");
    await page.press("[data-testid=workspace-name]", "Enter");
    await page.waitForFunction(() => document.activeElement && true);
    await page.click("[data-action=new-workspace]");
    await page.waitForFunction(() => document.querySelector("[data-testid=workspace-name]").value === "Espace de travail");
    assert.equal(await page.locator("[data-testid=source]").count(), 0);

    await drop(page, ".dropzone", [join(demoDir, "achats.csv")]);
    await page.waitForSelector("[data-testid=source]");
    await idle(page);
    // A new workspace: default settings, no datamart; the other keeps its own.
    assert.equal(await period(), "month");
    assert.deepEqual(await marts([]), []);
    await page.click("[data-nav=data]");
    await page.waitForSelector("[data-workspace='Client A']");
    await page.click("[data-workspace='Client A'] [data-action=open-workspace]");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=source]").length === 4, null, { timeout: 60_000 });
    await idle(page);
    assert.deepEqual(await dataState(page), { ...before, workspace: "Client A" });
    assert.equal(await period(), "quarter");
    assert.deepEqual(await marts(["À relancer"]), ["À relancer"]);
    await page.click("[data-nav=data]");
    await page.waitForSelector("[data-workspace='Espace de travail']");
    // Deleting the other one removes its file.
    await page.click("[data-workspace='Espace de travail'] [data-action=delete-workspace]");
    await page.waitForFunction(() => !document.querySelector("[data-workspace='Espace de travail']"));
    const fileKeys = await page.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const req = indexedDB.open("prisme");
          req.onsuccess = () => {
            const tx = req.result.transaction("files");
            const keys = tx.objectStore("files").getAllKeys();
            keys.onsuccess = () => {
              req.result.close();
              resolve(keys.result);
            };
            keys.onerror = () => reject(keys.error);
          };
          req.onerror = () => reject(req.error);
        }),
    );
    assert.equal(fileKeys.length, 4, `files kept: ${fileKeys}`);
    assert.ok(fileKeys.every((k) => FILES.some((f) => k.endsWith(`/${f}`))));

    // Clear everything: nothing of Prisme is left in this origin, and a reload finds nothing.
    const usage = await page.getAttribute("[data-testid=workspace-usage]", "class");
    assert.ok(usage);
    await page.click("[data-action=clear-everything]");
    await page.waitForSelector("[data-testid=workspace-cleared]");
    assert.deepEqual(await kept(page), { dbs: [], opfs: [], local: [] });
    assert.equal(await page.locator("[data-testid=source]").count(), 0);
    await page.close();
    ({ page, errors } = await open(context, "/dashboard"));
    await page.waitForSelector("[data-page=dashboard]");
    assert.equal(await page.locator("[data-kpi=revenue]").count(), 0, "no report after Clear everything");
    await page.click("[data-nav=data]");
    assert.equal(await page.locator("[data-testid=source]").count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("reports: saved, versioned, opened, compared, exported as HTML without script and as JSON the CLI reads; imports checked", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "fr-FR", acceptDownloads: true });
    let { page, errors } = await open(context, "/data");
    await page.click("[data-action=demo]");
    await page.waitForSelector("[data-page=dashboard] [data-kpi=revenue]", { timeout: 120_000 });
    const shownRevenue = await page.getAttribute("[data-kpi=revenue]", "data-value");
    // The CLI on the same files: the figures a report keeps.
    const files = FILES.map((f) => join(demoDir, f));
    const cli = JSON.parse(execFileSync(env("PRISME_BIN"), ["workbench", ...files, "--no-anonymize", "--json"], { maxBuffer: 256 << 20 }).toString());

    // A datamart saved in this browser (the Datamarts page's storage), attached as a target
    // list. Its condition does not depend on the pseudonyms' order (p_alive, not a segment).
    const mart = { name: "Peu actifs", description: "", filter: { op: "compare", column: "p_alive", cmp: "lt", value: 0.5 } };
    await page.evaluate((m) => localStorage.setItem("prisme.datamarts", JSON.stringify([m])), mart);
    const martPath = join(demoDir, "peu-actifs.json");
    writeFileSync(martPath, JSON.stringify(mart));
    const cliListPath = join(demoDir, "peu-actifs.csv");
    execFileSync(env("PRISME_BIN"), ["workbench", ...files, "--no-anonymize", "--datamart", martPath, "--target-list", cliListPath, "--target-style", "fr"]);
    const rowsOf = (csv) => csv.replace(/^\uFEFF/, "").trim().split("\n").slice(1).map((l) => l.split(";"));
    const cliRows = rowsOf(readFileSync(cliListPath, "utf8"));
    assert.ok(cliRows.length > 100, `the datamart selects customers (${cliRows.length})`);

    await page.click("[data-nav=reports]");
    await page.waitForSelector("[data-page=reports]");
    await page.fill("[data-testid=report-name]", "Revue T4");
    // Every page the analysis has is offered and ticked; segments cannot be left out.
    const offered = await page.$$eval("[data-testid=report-page]", (b) => b.map((x) => [x.value, x.checked, x.disabled]));
    assert.deepEqual(offered, [
      ["dashboard", true, false],
      ["segments", true, true],
      ["value", true, false],
      ["attrition", true, false],
      ["cohorts", true, false],
    ]);
    await page.selectOption("[data-testid=report-attach]", "Peu actifs");
    await page.click("[data-action=save-report]");
    await page.waitForSelector("[data-testid=report-doc] [data-fig=customers]", { timeout: 30_000 });
    for (const p of ["dashboard", "segments", "value", "attrition", "cohorts"]) {
      assert.equal(await page.locator(`[data-testid=report-doc] [data-report-page=${p}] svg`).count() > 0, true, `${p}: a chart`);
    }
    // The attached list: the CLI's customers for the same datamart, ids pseudonymized.
    await page.waitForSelector("[data-testid=report-target-list]");
    assert.equal(Number(await page.getAttribute("[data-testid=report-target-list]", "data-customers")), cliRows.length);
    const [listDl] = await Promise.all([page.waitForEvent("download"), page.click("[data-action=download-target-list]")]);
    const appList = readFileSync(await listDl.path(), "utf8");
    assert.equal(appList.replace(/^\uFEFF/, "").split("\n")[0], readFileSync(cliListPath, "utf8").replace(/^\uFEFF/, "").split("\n")[0]);
    const appRows = rowsOf(appList);
    assert.ok(appRows.every((r) => /^[0-9a-f]{20}$/.test(r[0])), "pseudonymized ids");
    const pAlive = (rows) => rows.map((r) => Number(r[2].replace(",", "."))).sort((a, b) => a - b);
    assert.deepEqual(pAlive(appRows), pAlive(cliRows));
    assert.equal(Number(await page.getAttribute("[data-fig=customers]", "data-value")), cli.rfm.customers);
    assert.equal(await page.getAttribute("[data-fig=revenue]", "data-value"), shownRevenue);
    assert.equal(Number(shownRevenue), cli.indicators.total.at(-1).revenue);
    const segs = await page.$$eval("[data-testid=report-doc] tr[data-segment]", (rows) => rows.map((r) => [r.dataset.segment, Number(r.dataset.customers)]));
    // (Segment counts depend on the anonymization key through NTILE's tie order: the demo is
    // pseudonymized in the app, so they are checked against the saved document below.)

    // JSON: the CLI reads it, and its fingerprints are the files' SHA-256.
    let [dl] = await Promise.all([page.waitForEvent("download"), page.click("[data-action=export-report-json]")]);
    const jsonPath = join(demoDir, "saved.report.json");
    writeFileSync(jsonPath, readFileSync(await dl.path()));
    const saved = JSON.parse(readFileSync(jsonPath, "utf8"));
    assert.equal(saved.customers, null, "no per-customer rows");
    assert.deepEqual(segs, saved.rfm.segments.map((s) => [s.label, s.customers]));
    assert.equal(saved.rfm.customers, cli.rfm.customers);
    const achats = saved.inputs.find((i) => i.file === "achats.csv");
    assert.equal(achats.sha256, createHash("sha256").update(readFileSync(join(demoDir, "achats.csv"))).digest("hex"));
    assert.equal(achats.bytes, readFileSync(join(demoDir, "achats.csv")).length);
    const shown = execFileSync(env("PRISME_BIN"), ["report", jsonPath]).toString();
    assert.match(shown, new RegExp(`${cli.rfm.customers} customers scored`));

    // HTML: one file, no script, opened with scripts disabled shows the same numbers.
    [dl] = await Promise.all([page.waitForEvent("download"), page.click("[data-action=export-report-html]")]);
    const htmlPath = join(demoDir, "saved.html");
    writeFileSync(htmlPath, readFileSync(await dl.path()));
    const html = readFileSync(htmlPath, "utf8");
    assert.ok(!/<script/i.test(html), "no script in the exported report");
    const figsInApp = await page.$$eval("[data-testid=report-doc] [data-fig]", (f) => f.map((x) => [x.dataset.fig, x.textContent]));
    const offline = await browser.newContext({ javaScriptEnabled: false, offline: true });
    const htmlPage = await offline.newPage();
    await htmlPage.goto(`file://${htmlPath}`);
    const figsInFile = await htmlPage.$$eval("[data-fig]", (f) => f.map((x) => [x.dataset.fig, x.textContent]));
    assert.deepEqual(figsInFile, figsInApp);
    assert.ok((await htmlPage.$$("svg rect")).length >= 11, "the segments chart is inline SVG");
    for (const p of ["dashboard", "segments", "value", "attrition", "cohorts"]) {
      assert.ok((await htmlPage.$$(`[data-report-page=${p}] svg`)).length > 0, `${p}: a chart in the HTML file`);
    }
    assert.ok(!html.includes(appRows[0][0]), "the attached list's ids stay out of the HTML");
    await offline.close();

    // A second version of the same name, without two pages, compared with the first.
    await page.uncheck("[data-testid=report-page][value=attrition]");
    await page.uncheck("[data-testid=report-page][value=cohorts]");
    await page.selectOption("[data-testid=report-attach]", "");
    await page.click("[data-action=save-report]");
    await page.waitForSelector("tr[data-report='Revue T4'][data-version='2']");
    await page.waitForSelector("[data-testid=report-doc] .version:text('v2')");
    assert.equal(await page.locator("[data-testid=report-doc] [data-report-page=attrition]").count(), 0);
    assert.equal(await page.locator("[data-testid=report-doc] [data-report-page=cohorts]").count(), 0);
    assert.equal(await page.locator("[data-testid=report-target-list]").count(), 0);
    assert.equal(await page.locator("[data-testid=report-doc] [data-report-page=value] svg").count() > 0, true);
    [dl] = await Promise.all([page.waitForEvent("download"), page.click("[data-action=export-report-json]")]);
    const v2Path = join(demoDir, "v2.report.json");
    writeFileSync(v2Path, readFileSync(await dl.path()));
    const v2 = JSON.parse(readFileSync(v2Path, "utf8"));
    assert.equal(v2.churn, null);
    assert.equal(v2.cohorts, null);
    assert.deepEqual(v2.charts.more_cohorts, []);
    assert.equal(v2.charts.scatter, null, "no sample of customers in a kept report");
    assert.deepEqual(v2.indicators, saved.indicators);
    assert.match(execFileSync(env("PRISME_BIN"), ["report", v2Path]).toString(), new RegExp(`${cli.rfm.customers} customers scored`));
    const first = await page.$eval("[data-testid=report-compare] option:nth-child(2)", (o) => o.value);
    await page.selectOption("[data-testid=report-compare]", first);
    await page.waitForSelector("[data-testid=report-comparison] tr[data-compare=customers]");
    const changes = await page.$$eval("[data-testid=report-comparison] td[data-change]", (c) => c.map((x) => Number(x.dataset.change)));
    assert.ok(changes.length >= 10 && changes.every((c) => c === 0), "the same data twice: no change");

    // Imports: a CLI report reads; an edited or too-new one is refused with a clear message.
    const cliReport = join(demoDir, "cli.report.json");
    execFileSync(env("PRISME_BIN"), ["workbench", ...files, "--no-anonymize", "--out", cliReport]);
    await page.setInputFiles("[data-testid=report-import]", cliReport);
    await page.waitForSelector("tr[data-report='cli']");
    const edited = JSON.parse(readFileSync(cliReport, "utf8"));
    edited.rfm.segments[0].customers += 1;
    writeFileSync(join(demoDir, "edited.json"), JSON.stringify(edited));
    await page.setInputFiles("[data-testid=report-import]", join(demoDir, "edited.json"));
    await page.waitForSelector("[data-testid=report-status].error-message");
    assert.match(await page.textContent("[data-testid=report-status]"), /edited\.json.*segments count/);
    const newer = JSON.parse(readFileSync(cliReport, "utf8"));
    newer.version = 99;
    writeFileSync(join(demoDir, "newer.json"), JSON.stringify(newer));
    await page.setInputFiles("[data-testid=report-import]", join(demoDir, "newer.json"));
    await page.waitForFunction(() => /99/.test(document.querySelector("[data-testid=report-status]")?.textContent ?? ""));
    assert.match(await page.textContent("[data-testid=report-status]"), /mettez Prisme à jour/);
    assert.equal(await page.locator("tr[data-report]").count(), 3);

    // Kept: after closing the tab, the three are listed and open without the data.
    await page.close();
    ({ page, errors } = await open(context, "/reports"));
    await page.waitForSelector("tr[data-report='cli']");
    assert.equal(await page.locator("tr[data-report]").count(), 3);
    await page.click("tr[data-report='cli'] [data-action=open-report]");
    await page.waitForSelector("[data-testid=report-doc] [data-fig=customers]");
    assert.equal(Number(await page.getAttribute("[data-fig=customers]", "data-value")), cli.rfm.customers);
    assert.deepEqual(errors, []);
    await context.close();
  });
  test("a write over the storage quota says so, and what was kept before stays", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "fr-FR" });
    let { page, errors } = await open(context, "/data");
    await drop(page, ".dropzone", [join(demoDir, "contrats.csv")]);
    await page.waitForSelector("[data-testid=source]");
    await idle(page);
    await page.waitForFunction(async () => {
      const dbs = await indexedDB.databases();
      return dbs.some((d) => d.name === "prisme");
    });
    await page.waitForFunction(() => /contrats|Mo|MB|ko|KB/.test(document.querySelector("[data-testid=workspace-usage]")?.textContent ?? ""));
    assert.deepEqual(await keptFiles(page), { keys: ["contrats.csv"], listed: [["contrats.csv"]] });

    // The browser refuses the next file as over quota. (Chromium's quota override through the
    // DevTools protocol does not reach a test context's storage: the refusal is made where
    // IndexedDB stores a file, aborting the whole transaction as a real quota error does.)
    await page.evaluate(() => {
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function (value, key) {
        if (value instanceof File && value.name === "achats.csv") {
          this.transaction.abort();
          throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
        }
        return put.call(this, value, key);
      };
    });
    await drop(page, ".dropzone", [join(demoDir, "achats.csv")]);
    await page.waitForSelector("[data-testid=workspace-error]", { timeout: 30_000 });
    const message = await page.textContent("[data-testid=workspace-error]");
    assert.match(message, /plus de place/);
    assert.match(message, /achats\.csv/);
    assert.match(message, /Ce qui était gardé l'est toujours/);
    // Both files are still on the page (usable until the tab closes); the kept ones unchanged.
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=source]").length === 2, null, { timeout: 60_000 });
    await idle(page);
    assert.deepEqual(await keptFiles(page), { keys: ["contrats.csv"], listed: [["contrats.csv"]] });

    // A new visit: the workspace as it was last kept.
    await page.close();
    ({ page, errors } = await open(context, "/data"));
    await page.waitForSelector("[data-testid=source]", { timeout: 60_000 });
    await idle(page);
    assert.deepEqual(await page.$$eval("[data-testid=source]", (s) => s.map((x) => x.dataset.file)), ["contrats.csv"]);
    assert.deepEqual(errors, []);
    await context.close();
  });
});

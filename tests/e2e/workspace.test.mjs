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
    await page.click("[data-action=analyze]");
    await page.waitForSelector("[data-page=dashboard] [data-kpi=revenue]", { timeout: 120_000 });
    const revenue = await page.textContent("[data-kpi=revenue] .kpi-big");

    // A new tab of the same browser, after closing this one: everything is back, and the
    // analysis runs again by itself, so the customer lists answer.
    await page.close();
    ({ page, errors } = await open(context, "/data"));
    await page.waitForSelector("[data-testid=source]", { timeout: 60_000 });
    await idle(page);
    assert.deepEqual(await dataState(page), before);
    await page.click("[data-nav=dashboard]");
    assert.equal(await page.textContent("[data-kpi=revenue] .kpi-big"), revenue);
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
    await page.waitForSelector("[data-workspace='Client A']");
    await page.click("[data-workspace='Client A'] [data-action=open-workspace]");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=source]").length === 4, null, { timeout: 60_000 });
    await idle(page);
    assert.deepEqual(await dataState(page), { ...before, workspace: "Client A" });
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
});

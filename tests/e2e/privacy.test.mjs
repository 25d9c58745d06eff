// End-to-end: nothing personal leaves, or is kept, unless the user chose so. Customer files full
// of personal data (French and English: names, e-mails, phones, IBANs, cards, NIRs, IPs,
// addresses, birth dates, free text with e-mails and phones inside) plus purchases keyed by
// the same ids are dropped on the Data page and analysed with the default settings; every
// page is visited and every export downloaded. No request leaves for another host, and no
// request, export, stored item or page text holds any raw identifier, name, e-mail, phone,
// IBAN, card or NIR of the inputs.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { dataDir, env, launch, startServer, watchErrors } from "./browser.mjs";

const corpus = fileURLToPath(new URL("../../core/tests/data/pii/", import.meta.url));
const PAGES = ["dashboard", "segments", "value", "attrition", "cohorts", "data"];

let browser;
let server;
let url;
let dir;

before(async () => {
  dir = dataDir();
  ({ server, url } = await startServer(dir));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
});

function rows(path, sep) {
  const [head, ...lines] = readFileSync(path, "utf8").replace(/^\uFEFF/, "").trim().split(/\r?\n/);
  const split = (l) => {
    const out = [];
    let cur = "";
    let quoted = false;
    for (const c of l) {
      if (c === '"') quoted = !quoted;
      else if (c === sep && !quoted) {
        out.push(cur);
        cur = "";
      } else cur += c;
    }
    out.push(cur);
    return out;
  };
  const cols = split(head);
  return lines.map((l) => Object.fromEntries(split(l).map((v, i) => [cols[i], v])));
}

/** The raw personal values of a file: whole cells of personal columns, and e-mails and
 * phone numbers found inside free text. */
function secrets(records, columns, textColumns) {
  const out = new Set();
  for (const r of records) {
    for (const c of columns) if (r[c] && r[c].trim().length >= 4) out.add(r[c].trim());
    for (const c of textColumns) {
      for (const m of (r[c] ?? "").matchAll(/[\w.+-]+@[\w-]+\.[\w.]+/g)) out.add(m[0]);
      for (const m of (r[c] ?? "").matchAll(/\+?\d[\d .()-]{8,}\d/g)) out.add(m[0].trim());
    }
  }
  return [...out];
}

describe("privacy by default", () => {
  test("no raw personal value in any request, export, stored item or page", async () => {
    const fr = rows(join(corpus, "clients_fr.csv"), ";");
    const en = rows(join(corpus, "customers_en.csv"), ",");
    const raw = [
      ...secrets(fr, ["N° client", "Titulaire", "Compte", "Contact", "Livraison", "Ref", "Date de naissance"], ["Commentaire", "Libellé"]),
      ...secrets(en, ["customer_id", "owner", "email", "contact", "ref", "ip", "dob", "location", "handle"], ["notes"]),
    ];
    assert.ok(raw.length > 50, `${raw.length} personal values collected`);
    // Purchases keyed by the same ids, so that every analysis runs on these customers.
    const ids = [...fr.map((r) => r["N° client"]), ...en.map((r) => r.customer_id)];
    const lines = ["customer_id,order_date,amount"];
    ids.forEach((id, i) => {
      for (let k = 0; k < 2 + (i % 5); k++) {
        const day = new Date(Date.UTC(2024, (i * 7 + k * 3) % 24, 1 + ((i + k) % 27)));
        lines.push(`${id},${day.toISOString().slice(0, 10)},${(10 + ((i * 13 + k * 7) % 90)).toFixed(2)}`);
      }
    });
    const purchases = join(dir, "purchases.csv");
    writeFileSync(purchases, lines.join("\n") + "\n");

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const requests = [];
    page.on("request", (r) => requests.push({ url: r.url(), body: r.postData() ?? "" }));
    const errors = watchErrors(page);
    await page.goto(`${url}/data`);
    await page.waitForFunction(() => /v\d/.test(document.querySelector("[data-testid=engine-status]")?.textContent ?? ""));
    await page.setInputFiles("#data-input", [join(corpus, "clients_fr.csv"), join(corpus, "customers_en.csv"), purchases]);
    await page.waitForSelector("[data-testid=base-customers]", { timeout: 60_000 });
    await page.waitForFunction(() => !document.querySelector("[data-testid=data-busy]"));
    assert.ok(await page.isChecked("[data-testid=anonymize]"), "anonymization is on by default");
    await page.click("[data-action=analyze]");
    await page.waitForSelector("[data-page=dashboard] [data-kpi]", { timeout: 120_000 });

    const exported = [];
    let pageText = "";
    for (const p of PAGES) {
      await page.click(`[data-nav=${p}]`);
      await page.waitForSelector(`[data-page=${p}]`);
      await page.waitForTimeout(400);
      pageText += await page.evaluate(() => document.body.innerText + document.body.innerHTML);
      for (const button of await page.$$("[data-export]")) {
        if (!(await button.isVisible())) continue;
        // Headless Chromium now and then drops one of many downloads started in quick
        // succession by one page (its multiple-downloads guard; seen on a PNG export that
        // needs no worker): one more click, a new user gesture, brings it.
        let dl;
        for (let attempt = 1; !dl; attempt++) {
          try {
            [dl] = await Promise.all([page.waitForEvent("download", { timeout: 10_000 }), button.click()]);
          } catch (e) {
            if (attempt >= 2) throw e;
          }
        }
        exported.push({ name: dl.suggestedFilename(), text: readFileSync(await dl.path()).toString("utf8") });
      }
    }
    assert.ok(exported.length >= 10, `${exported.length} exports downloaded`);
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));

    // Requests: the app's own files only.
    const origin = new URL(url).origin;
    const foreign = requests.filter((r) => !r.url.startsWith(origin) && !r.url.startsWith("blob:") && !r.url.startsWith("data:"));
    assert.deepEqual(foreign, [], "requests to other hosts");
    const leaks = [];
    for (const v of raw) {
      for (const r of requests) if (r.url.includes(v) || r.body.includes(v)) leaks.push(`request ${r.url}: ${v}`);
      for (const e of exported) if (e.text.includes(v)) leaks.push(`export ${e.name}: ${v}`);
      if (stored.includes(v)) leaks.push(`local storage: ${v}`);
      if (pageText.includes(v)) leaks.push(`page: ${v}`);
    }
    assert.deepEqual(leaks, []);
    assert.deepEqual(errors, []);
  });
  test("with the same key, the app's pseudonyms are the CLI's", async () => {
    const key = "5ea7c0ffee0ddba11ca7d00d5eed1e55fa11ab1ede7ec7ab1e5ca1ab1ec0de42";
    const keyFile = join(dir, "key.txt");
    writeFileSync(keyFile, key + "\n");
    const lines = ["customer_id,order_date,amount"];
    for (let i = 0; i < 60; i++) {
      for (let k = 0; k < 1 + (i % 4); k++) {
        const day = new Date(Date.UTC(2024, (i + k * 5) % 12, 1 + ((i * 3 + k) % 27)));
        lines.push(`CLI-${1000 + i},${day.toISOString().slice(0, 10)},${(5 + ((i * 11 + k * 3) % 70)).toFixed(2)}`);
      }
    }
    const purchases = join(dir, "keyed.csv");
    writeFileSync(purchases, lines.join("\n") + "\n");
    const scores = join(dir, "keyed_scores.csv");
    execFileSync(env("PRISME_BIN"), ["workbench", purchases, "--secret-file", keyFile, "--scores", scores]);
    const cliIds = new Set(
      readFileSync(scores, "utf8").trim().split("\n").slice(1).map((l) => l.split(",")[0].replace(/"/g, "")),
    );
    assert.equal(cliIds.size, 60);
    assert.ok(![...cliIds].some((id) => id.startsWith("CLI-")), "the CLI pseudonymized the ids");

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${url}/data`);
    await page.waitForFunction(() => /v\d/.test(document.querySelector("[data-testid=engine-status]")?.textContent ?? ""));
    const before = await page.textContent("[data-testid=key-fingerprint]");
    await page.setInputFiles("[data-testid=import-key]", keyFile);
    await page.waitForFunction((b) => document.querySelector("[data-testid=key-fingerprint]")?.textContent !== b, before);
    await page.setInputFiles("#data-input", [purchases]);
    await page.waitForSelector("[data-testid=base-customers]", { timeout: 60_000 });
    await page.waitForFunction(() => !document.querySelector("[data-testid=data-busy]"));
    await page.click("[data-action=analyze]");
    await page.waitForSelector("[data-page=dashboard] [data-kpi]", { timeout: 120_000 });
    await page.click("[data-nav=value]");
    await page.waitForSelector("[data-table=top-customers] tbody tr");
    const [dl] = await Promise.all([
      page.waitForEvent("download"),
      page.click("[data-table=top-customers] [data-export=csv-plain]"),
    ]);
    const appIds = readFileSync(await dl.path(), "utf8")
      .replace(/^\uFEFF/, "")
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .map((l) => l.split(/[;,]/)[0].replace(/"/g, ""));
    assert.equal(appIds.length, 60);
    assert.deepEqual(appIds.filter((id) => !cliIds.has(id)), [], "ids the CLI does not give");

    // A target list, pseudonymized, then re-identified on this machine with the key: the real
    // ids, and the same bytes as `prisme key reidentify` gives from the pseudonymized one.
    const martFile = join(dir, "tous.json");
    writeFileSync(martFile, JSON.stringify({ name: "Tous", description: "", filter: { op: "compare", column: "orders", cmp: "ge", value: 1 } }));
    await page.click("[data-nav=datamarts]");
    await page.setInputFiles("[data-testid=import-mart]", martFile);
    await page.waitForSelector("[data-kpi=mart-customers]");
    await page.check("[data-testid=style-plain]");
    const download = async () => {
      const [d] = await Promise.all([page.waitForEvent("download"), page.click("[data-action=export-target]")]);
      return readFileSync(await d.path(), "utf8");
    };
    const pseudo = await download();
    const ids = (csv) => csv.trim().split("\n").slice(1).map((l) => l.split(",")[0]);
    assert.equal(ids(pseudo).length, 60);
    assert.ok(ids(pseudo).every((id) => cliIds.has(id)), "pseudonyms, the CLI's");
    await page.check("[data-testid=target-reidentify]");
    const clear = await download();
    assert.deepEqual(new Set(ids(clear)), new Set(lines.slice(1).map((l) => l.split(",")[0])), "the real ids");
    const pseudoFile = join(dir, "tous-pseudo.csv");
    writeFileSync(pseudoFile, pseudo);
    const cliClear = execFileSync(env("PRISME_BIN"), ["key", "reidentify", pseudoFile, purchases, "--secret-file", keyFile]).toString();
    assert.equal(clear, cliClear);
    assert.deepEqual(errors, []);
    await context.close();
  });
});

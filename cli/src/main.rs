//! `prisme`: the core from a terminal.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use prisme_core::ingest::{Locale, ReadOptions};
use prisme_core::rfm::{RfmParams, rfm};
use prisme_core::summary::RfmSummary;
use prisme_core::synth::{SynthParams, write_transactions_csv};
use prisme_core::transactions::BadRows;
use serde::Serialize;

mod analyze;
mod keys;
mod profile;
mod workbench;

#[derive(Parser)]
#[command(name = "prisme", version, about = "Customer analytics from a terminal")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

// Parsed once per run: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Write a deterministic synthetic transactions CSV.
    Generate {
        /// Number of transaction rows.
        #[arg(long, default_value_t = 100_000)]
        rows: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Add quantity, channel and region columns.
        #[arg(long)]
        extra: bool,
        /// Write the demo dataset instead (a French retail chain: clients.csv, achats.csv,
        /// contrats.csv, contacts.csv; the app's "Try the demo" files) into the directory
        /// given by --out; --seed picks another demo (the app's is the default, 42).
        #[arg(long)]
        demo: bool,
        /// Output file (standard output when absent); with --demo, a directory.
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Show how files are read: format, encoding, separator, column roles and a data-quality
    /// profile.
    Profile {
        /// Files to profile (CSV/TSV/TXT, XLSX/XLS/ODS, Parquet, Arrow IPC, JSON).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        #[arg(long, value_enum, default_value_t = LocaleArg::Fr)]
        locale: LocaleArg,
        /// Spreadsheets: the sheet to read.
        #[arg(long)]
        sheet: Option<String>,
        /// Dates after this day count as future dates (default: today).
        #[arg(long)]
        today: Option<String>,
    },
    /// Score customers by recency, frequency and monetary value (the foundation slice).
    Rfm {
        /// Transactions file (CSV or other delimited text).
        file: PathBuf,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
        /// Drop rows with a missing or unreadable customer, date or amount instead of stopping.
        #[arg(long)]
        skip_bad_rows: bool,
        /// Conventions for values that do not decide by themselves (05/04/2024, 1.234).
        #[arg(long, value_enum, default_value_t = LocaleArg::Fr)]
        locale: LocaleArg,
        /// Write per-customer scores to this CSV.
        #[arg(long)]
        scores: Option<PathBuf>,
        #[command(flatten)]
        key: keys::KeyArgs,
    },
    /// Every analysis (RFM segments, clusters, CLV and P(alive), churn, cohorts, indicators)
    /// into a JSON report and a per-customer scores CSV.
    Analyze {
        /// Transactions file: one row per purchase (customer id, date, amount).
        #[arg(long, conflicts_with = "summary")]
        transactions: Option<PathBuf>,
        /// A per-customer summary computed by a warehouse engine (CSV or Parquet, the columns of
        /// docs/warehouse.md), in place of the transactions: RFM, segments, clusters and CLV
        /// run on it; cohorts, indicators and the holdout-window churn model need transactions.
        #[arg(long)]
        summary: Option<PathBuf>,
        /// Threads for the analyses that are independent once RFM is scored (clusters, CLV,
        /// cohorts, churn); default: the machine's cores. 1 runs them one after the other and
        /// prints each step's time. The report is the same either way.
        #[arg(long)]
        threads: Option<usize>,
        /// Customer table: one row per customer (attributes, maybe a churn label).
        #[arg(long)]
        customers: Option<PathBuf>,
        /// Assign a column's role by hand: ROLE=COLUMN (customer_id, date, amount,
        /// churn_label, region, …). Repeatable.
        #[arg(long = "map", value_name = "ROLE=COLUMN")]
        map: Vec<String>,
        /// Analysis date (yyyy-mm-dd): purchases before it count. Default: the day after the
        /// latest purchase.
        #[arg(long)]
        snapshot: Option<String>,
        /// Fit a second BG/NBD on purchases up to this day and check it against the later ones.
        #[arg(long)]
        calibration_end: Option<String>,
        #[arg(long, value_enum, default_value_t = TimeUnitArg::Weeks)]
        time_unit: TimeUnitArg,
        /// CLV horizon in time units (default: one year).
        #[arg(long)]
        horizon: Option<u32>,
        /// Discount rate per time unit (0.002 a week is about 11 % a year).
        #[arg(long, default_value_t = 0.0)]
        discount: f64,
        /// Write the report (JSON) here.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write one row per customer here (CSV).
        #[arg(long)]
        scores: Option<PathBuf>,
        /// Also put the per-customer rows in the report.
        #[arg(long)]
        per_customer: bool,
        /// Slice the indicators by this column (customer attribute or transactions column).
        #[arg(long)]
        slice: Option<String>,
        /// Without a churn label: a customer who buys nothing for this many days has churned.
        #[arg(long, default_value_t = 90)]
        churn_window: i32,
        #[arg(long)]
        skip_bad_rows: bool,
        #[arg(long, value_enum, default_value_t = LocaleArg::Fr)]
        locale: LocaleArg,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// A saved datamart (JSON: {"name", "filter"}; see docs/formats.md) to select the
        /// target list's customers from the scores joined with the customer base (the
        /// customer table's attributes, the --source files' and the transactions' derived
        /// columns).
        #[arg(long)]
        datamart: Option<PathBuf>,
        /// More files of the customer base for the datamart (contracts, contact logs, other
        /// customer lists), joined on the customer id; repeatable.
        #[arg(long = "source", value_name = "FILE", requires = "datamart")]
        sources: Vec<PathBuf>,
        #[command(flatten)]
        target: TargetArgs,
        #[command(flatten)]
        key: keys::KeyArgs,
    },
    /// Read a saved report (report.json, from `analyze --out` or the app's Reports page):
    /// check its format, version and figures, and print its summary.
    Report {
        file: PathBuf,
        /// Print the report back as JSON (after the checks).
        #[arg(long)]
        json: bool,
    },
    /// The anonymization key: make one, make a passphrase salt, show a key's fingerprint.
    Key {
        #[command(subcommand)]
        command: keys::KeyCommand,
    },
    /// The app's analysis: read every file as the Data page does (kinds, roles, formats),
    /// join them into one customer base and run every analysis on it.
    Workbench {
        /// The files (customers, transactions, contracts, contacts; any format).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The analysis settings as the app keeps them (JSON); defaults when absent.
        #[arg(long)]
        settings: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = LocaleArg::Fr)]
        locale: LocaleArg,
        /// Write the report (report.json) here.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write the per-customer scores (scores.csv) here.
        #[arg(long)]
        scores: Option<PathBuf>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Open contracts are counted at this day when there are no purchases (default: today).
        #[arg(long)]
        today: Option<String>,
        /// A saved datamart (JSON, as the app's Datamarts page downloads it) applied to the
        /// customer table the app queries: the scores joined with the consolidated base.
        #[arg(long)]
        datamart: Option<PathBuf>,
        #[command(flatten)]
        target: TargetArgs,
        #[command(flatten)]
        key: keys::KeyArgs,
    },
}

/// Where and how a datamart's target list is written (`analyze` and `workbench`).
#[derive(clap::Args)]
struct TargetArgs {
    /// Write the datamart's customers here (CSV for the operational CRM): byte for byte the
    /// app's "Export target list" for the same datamart.
    #[arg(long, requires = "datamart")]
    target_list: Option<PathBuf>,
    /// Columns of the target list after customer_id.
    #[arg(long, value_delimiter = ',', default_value = "segment,p_alive,clv")]
    target_columns: Vec<String>,
    /// `fr`: `;`, decimal comma and a BOM (French Excel); `plain`: `,` and decimal point.
    #[arg(long, value_enum, default_value_t = CsvStyleArg::Plain)]
    target_style: CsvStyleArg,
}

impl CsvStyleArg {
    fn style(self) -> prisme_core::datamart::CsvStyle {
        match self {
            CsvStyleArg::Plain => prisme_core::datamart::CsvStyle::PLAIN,
            CsvStyleArg::Fr => prisme_core::datamart::CsvStyle::FRENCH_EXCEL,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum CsvStyleArg {
    Plain,
    Fr,
}

#[derive(Clone, Copy, ValueEnum)]
enum TimeUnitArg {
    Days,
    Weeks,
    Months,
}

#[derive(Clone, Copy, ValueEnum)]
enum LocaleArg {
    Fr,
    En,
}

impl From<LocaleArg> for Locale {
    fn from(l: LocaleArg) -> Self {
        match l {
            LocaleArg::Fr => Locale::Fr,
            LocaleArg::En => Locale::En,
        }
    }
}

fn main() {
    if let Err(e) = run(Cli::parse()) {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Workbench {
            files,
            settings,
            locale,
            out,
            scores,
            json,
            today,
            datamart,
            target,
            key,
        } => workbench::workbench_command(workbench::WorkbenchArgs {
            datamart,
            target_list: target.target_list,
            target_columns: target.target_columns,
            target_style: target.target_style.style(),
            secret: keys::anonymization_key(&key)?,
            files,
            settings,
            opts: ReadOptions {
                locale: locale.into(),
                ..ReadOptions::default()
            },
            out,
            scores,
            json,
            today: match today {
                Some(t) => parse_day(&t)?,
                None => today_days(),
            },
        }),
        Command::Analyze {
            transactions,
            summary,
            threads,
            customers,
            map,
            snapshot,
            calibration_end,
            time_unit,
            horizon,
            discount,
            out,
            scores,
            per_customer,
            slice,
            churn_window,
            skip_bad_rows,
            locale,
            json,
            datamart,
            sources,
            target,
            key,
        } => analyze::analyze_command(analyze::AnalyzeArgs {
            transactions,
            summary,
            threads: threads.unwrap_or_else(|| {
                std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
            }),
            customers,
            map,
            snapshot: snapshot.as_deref().map(parse_day).transpose()?,
            calibration_end: calibration_end.as_deref().map(parse_day).transpose()?,
            time_unit: match time_unit {
                TimeUnitArg::Days => prisme_core::clv::TimeUnit::Days,
                TimeUnitArg::Weeks => prisme_core::clv::TimeUnit::Weeks,
                TimeUnitArg::Months => prisme_core::clv::TimeUnit::Months,
            },
            horizon,
            discount,
            out,
            scores,
            per_customer,
            slice,
            churn_window,
            skip_bad_rows,
            opts: ReadOptions {
                locale: locale.into(),
                ..ReadOptions::default()
            },
            json,
            datamart,
            sources,
            today: today_days(),
            target_list: target.target_list,
            target_columns: target.target_columns,
            target_style: target.target_style.style(),
            secret: keys::anonymization_key(&key)?,
        }),
        Command::Key { command } => keys::key_command(command),
        Command::Report { file, json } => analyze::show_report(&file, json),
        Command::Generate {
            demo: true,
            seed,
            out,
            ..
        } => {
            let dir = out.context("--demo writes four files: give a directory with --out")?;
            fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
            let params = prisme_core::demo::DemoParams {
                seed,
                ..prisme_core::demo::DemoParams::default()
            };
            for f in prisme_core::demo::demo_files(&params) {
                let path = dir.join(f.name);
                fs::write(&path, &f.bytes)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                eprintln!("wrote {}", path.display());
            }
            Ok(())
        }
        Command::Generate {
            rows,
            seed,
            extra,
            out,
            ..
        } => {
            let mut params = SynthParams::new(rows);
            params.seed = seed;
            params.extra_columns = extra;
            match out {
                Some(path) => {
                    let mut f = fs::File::create(&path)
                        .with_context(|| format!("cannot create {}", path.display()))?;
                    write_transactions_csv(&params, &mut f)?;
                }
                None => write_transactions_csv(&params, &mut io::stdout().lock())?,
            }
            Ok(())
        }
        Command::Rfm {
            file,
            json,
            skip_bad_rows,
            locale,
            scores,
            key,
        } => {
            // The key matters only for the scores file: the summary holds no id.
            let secret = match scores {
                Some(_) => keys::anonymization_key(&key)?,
                None => None,
            };
            rfm_command(
                &file,
                json,
                skip_bad_rows,
                locale.into(),
                scores.as_deref(),
                secret.as_ref(),
            )
        }
        Command::Profile {
            files,
            json,
            locale,
            sheet,
            today,
        } => {
            let today = match today {
                Some(t) => parse_day(&t)?,
                None => today_days(),
            };
            let opts = ReadOptions {
                locale: locale.into(),
                sheet,
                ..ReadOptions::default()
            };
            profile::profile_command(&files, &opts, today, json)
        }
    }
}

/// Native timings of one run, in milliseconds.
#[derive(Serialize)]
struct Timings {
    read_ms: f64,
    ingest_ms: f64,
    rfm_ms: f64,
    total_ms: f64,
    /// Peak resident memory of the process (Linux only).
    peak_rss_bytes: Option<u64>,
}

#[derive(Serialize)]
struct RfmOutput {
    #[serde(flatten)]
    summary: RfmSummary,
    timings: Timings,
}

/// Reads a transactions file in 1 MiB chunks straight into the column builders: peak memory is
/// the columns and a chunk, not the whole file and its columns (`core::ingest::stream`).
fn stream_transactions(
    path: &Path,
    name: &str,
    opts: &ReadOptions,
    bad_rows: BadRows,
) -> Result<(
    prisme_core::transactions::Transactions,
    prisme_core::transactions::LoadReport,
)> {
    use prisme_core::ingest::stream::Finished;
    use std::io::Read;
    const CHUNK: usize = 1 << 20;
    let mut detected = None;
    for _ in 0..2 {
        let mut file =
            fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let mut read = prisme_core::transactions::transactions_stream(name, size, opts)?;
        if let Some(e) = detected {
            read = read.detected_as(e);
        }
        loop {
            let mut failed = None;
            let mut got = 0;
            read.push_with(
                CHUNK,
                |b| match file.read(b) {
                    Ok(n) => {
                        got = n;
                        n
                    }
                    Err(e) => {
                        failed = Some(e);
                        0
                    }
                },
                &mut |_| {},
            )?;
            if let Some(e) = failed {
                return Err(e).with_context(|| format!("cannot read {}", path.display()));
            }
            if got == 0 {
                break;
            }
        }
        match read.finish(&mut |_| {})? {
            Finished::Table(table) => {
                return Ok(prisme_core::transactions::transactions_from_read(
                    table, bad_rows,
                )?);
            }
            Finished::Reread(e) => detected = Some(e),
        }
    }
    anyhow::bail!("{}: its encoding could not be settled", path.display())
}

fn rfm_command(
    path: &Path,
    json: bool,
    skip_bad_rows: bool,
    locale: Locale,
    scores: Option<&Path>,
    secret: Option<&prisme_core::key::Secret>,
) -> Result<()> {
    let start = Instant::now();
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let opts = ReadOptions {
        locale,
        ..ReadOptions::default()
    };
    let bad_rows = if skip_bad_rows {
        BadRows::Skip
    } else {
        BadRows::Stop
    };
    let t = Instant::now();
    let (mut tx, report) = stream_transactions(path, &name, &opts, bad_rows)?;
    if let Some(secret) = secret {
        tx.pseudonymize(secret);
    }
    let ingest_ms = ms(t);
    // Read and parsed together now (the file is streamed): the read is in `ingest_ms`.
    let read_ms = 0.0;
    let t = Instant::now();
    let scored = rfm(&tx, &RfmParams::default())?;
    let rfm_ms = ms(t);
    let summary = RfmSummary::new(&scored, &report);
    let timings = Timings {
        read_ms,
        ingest_ms,
        rfm_ms,
        total_ms: ms(start),
        peak_rss_bytes: peak_rss(),
    };
    if let Some(out) = scores {
        write_scores(out, &scored)?;
    }
    let stdout = io::stdout();
    let mut w = stdout.lock();
    if json {
        serde_json::to_writer_pretty(&mut w, &RfmOutput { summary, timings })?;
        writeln!(w)?;
        return Ok(());
    }
    writeln!(
        w,
        "{}: {} rows, {} customers, snapshot {} ({} / {})",
        name,
        summary.rows,
        summary.customers,
        summary.snapshot,
        summary.encoding,
        summary.delimiter
    )?;
    if summary.rows_skipped > 0 {
        writeln!(w, "skipped {} bad rows", summary.rows_skipped)?;
    }
    writeln!(
        w,
        "columns: customer = {}, date = {}, amount = {}",
        summary.customer_column, summary.date_column, summary.amount_column
    )?;
    writeln!(w, "customers per R (rows, 5 = most recent) x F (columns):")?;
    for (r, row) in summary.rf_grid.iter().enumerate().rev() {
        let cells: Vec<String> = row.iter().map(|c| format!("{c:>8}")).collect();
        writeln!(w, "  R{} {}", r + 1, cells.join(""))?;
    }
    writeln!(
        w,
        "ingest {:.1} ms, rfm {:.1} ms, total {:.1} ms",
        timings.ingest_ms, timings.rfm_ms, timings.total_ms
    )?;
    Ok(())
}

fn write_scores(path: &Path, r: &prisme_core::rfm::Rfm) -> Result<()> {
    let f = fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut w = io::BufWriter::new(f);
    writeln!(w, "customer_id,recency,frequency,monetary,r,f,m")?;
    for i in 0..r.customers() {
        let id = r.customer_id.value(i);
        if id.contains([',', '"', '\n', '\r']) {
            write!(w, "\"{}\"", id.replace('"', "\"\""))?;
        } else {
            write!(w, "{id}")?;
        }
        writeln!(
            w,
            ",{},{},{:.2},{},{},{}",
            r.recency[i], r.frequency[i], r.monetary[i], r.r[i], r.f[i], r.m[i]
        )?;
    }
    w.flush()?;
    Ok(())
}

/// Days since 1970-01-01 of today (UTC).
fn today_days() -> i32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    (secs / 86_400) as i32
}

fn parse_day(text: &str) -> Result<i32> {
    match prisme_core::ingest::date::parse_date(text.as_bytes()) {
        Some(prisme_core::ingest::date::DateToken::Plain(v)) => Ok(v.days),
        _ => anyhow::bail!("{text:?} is not a yyyy-mm-dd date"),
    }
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

/// `VmHWM` from `/proc/self/status`: the process's peak resident set.
fn peak_rss() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

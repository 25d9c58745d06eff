//! `prisme analyze`: every analysis on a transactions file and/or a customer table, into a
//! JSON report and a per-customer scores CSV.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use arrow_array::RecordBatch;
use prisme_core::analysis::{
    AnalysisParams, CustomersInput, Inputs, Job, Report, SliceInput, Step, SummaryInput,
    TransactionsInput, analyze_side_by_side, analyze_with_progress, fingerprint, text_values,
};
use prisme_core::anonymize::{AnonymizeOptions, anonymize};
use prisme_core::clv::{Dropout, TimeUnit};
use prisme_core::consolidate::{Source, TableKind, consolidate, table_kind};
use prisme_core::datamart::{CsvStyle, Datamart, join_columns};
use prisme_core::indicators::Slice;
use prisme_core::ingest::Table;
use prisme_core::ingest::date::checked_days;
use prisme_core::ingest::roles::Role;
use prisme_core::ingest::{self, ReadOptions};
use prisme_core::key::Secret;
use prisme_core::transactions::{BadRows, load_transactions};
use prisme_core::warehouse::CustomerSummary;

use crate::keys;

/// What the command line asked for.
pub struct AnalyzeArgs {
    pub transactions: Option<PathBuf>,
    /// A warehouse's per-customer summary, in place of the transactions.
    pub summary: Option<PathBuf>,
    /// Threads for the independent analyses (1: sequential, with step times).
    pub threads: usize,
    pub customers: Option<PathBuf>,
    pub map: Vec<String>,
    pub snapshot: Option<i32>,
    pub calibration_end: Option<i32>,
    pub time_unit: TimeUnit,
    pub horizon: Option<u32>,
    pub discount: f64,
    pub out: Option<PathBuf>,
    pub scores: Option<PathBuf>,
    pub per_customer: bool,
    pub slice: Option<String>,
    pub churn_window: i32,
    pub skip_bad_rows: bool,
    pub opts: ReadOptions,
    pub json: bool,
    pub datamart: Option<PathBuf>,
    /// More files of the customer base, for the datamart.
    pub sources: Vec<PathBuf>,
    /// Days since 1970-01-01: decides open contracts when there is no snapshot.
    pub today: i32,
    pub target_list: Option<PathBuf>,
    pub target_columns: Vec<String>,
    pub target_style: CsvStyle,
    /// Anonymize every input with this key, as the app does when reading files.
    pub secret: Option<Secret>,
}

/// A datamart file (`{"name", "filter"}`, docs/formats.md).
pub fn read_datamart(path: &Path) -> Result<Datamart> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| {
        format!(
            "{}: not a datamart (expected {{\"name\": …, \"filter\": {{\"op\": …}}}})",
            path.display()
        )
    })
}

/// Reads a file into a table, anonymized when there is a key (ids pseudonymized, personal
/// data at its default fate), saying on standard error what was done.
fn load_table(
    name: &str,
    bytes: &[u8],
    opts: &ReadOptions,
    anonymization: Option<&AnonymizeOptions>,
) -> Result<Table> {
    let mut table = ingest::load(name, bytes, opts, &mut |_| {})?;
    if let Some(o) = anonymization {
        let report = anonymize(&mut table, o).with_context(|| name.to_string())?;
        keys::report(name, &report);
    }
    Ok(table)
}

/// Runs the jobs on up to `threads` threads, each taking the next job in order (the core lists
/// the longest first).
fn run_jobs(jobs: Vec<Job<'_>>, threads: usize) {
    let queue = std::sync::Mutex::new(jobs.into_iter());
    let workers = threads.min(queue.lock().map_or(0, |q| q.len())).max(1);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    // A job that panicked poisons nothing we rely on: take the queue anyway.
                    let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
                    match next {
                        Some(job) => job(),
                        None => break,
                    }
                }
            });
        }
    });
}

/// `yyyy-mm-dd` as days since 1970-01-01.
fn iso_days(text: &str) -> Option<i32> {
    let mut parts = text.splitn(3, '-');
    let y = parts.next()?.parse().ok()?;
    let m = parts.next()?.parse().ok()?;
    let d = parts.next()?.parse().ok()?;
    checked_days(y, m, d)
}

/// The consolidated customer base of the customer table, the transactions and the extra
/// sources, when there is more than the transactions to join; `None` otherwise (the scores
/// already carry what the transactions give).
fn customer_base(
    customers: Option<&Table>,
    transactions: Option<(&str, &[u8])>,
    extra: &[PathBuf],
    opts: &ReadOptions,
    as_of: i32,
    anonymization: Option<&AnonymizeOptions>,
) -> Result<Option<RecordBatch>> {
    if customers.is_none() && extra.is_empty() {
        return Ok(None);
    }
    let mut tables: Vec<Table> = Vec::new();
    if let Some((name, bytes)) = transactions {
        tables.push(load_table(name, bytes, opts, anonymization)?);
    }
    for path in extra {
        let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        tables.push(load_table(&file_name(path), &bytes, opts, anonymization)?);
    }
    let mut sources: Vec<Source<'_>> = Vec::new();
    if let Some(t) = customers {
        sources.push(Source {
            kind: TableKind::Customers,
            table: t,
        });
    }
    for t in &tables {
        sources.push(Source {
            kind: table_kind(&t.plan).0,
            table: t,
        });
    }
    let base = consolidate(&sources, as_of)?;
    let r = &base.report;
    let orphans: u64 = r.orphans.iter().map(|o| o.rows).sum();
    eprintln!(
        "customer base: {} customers from {} files ({} orphan rows, {} duplicate ids, {} conflicting attributes)",
        r.customers,
        r.sources.len(),
        orphans,
        r.duplicate_ids.iter().map(|d| d.ids).sum::<u64>(),
        r.conflicts.len()
    );
    for (file, why) in &r.skipped {
        eprintln!("customer base: {file} left out: {why}");
    }
    Ok(Some(base.batch))
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// `ROLE=COLUMN` pairs, roles by their keys (`customer_id`, `date`, `amount`, `churn_label`, …).
pub fn parse_map(pairs: &[String]) -> Result<Vec<(String, Role)>> {
    pairs
        .iter()
        .map(|p| {
            let (role, column) = p
                .split_once('=')
                .with_context(|| format!("--map {p:?}: write ROLE=COLUMN, e.g. amount=Montant"))?;
            let r = Role::from_key(role).with_context(|| {
                let keys: Vec<&str> = Role::ALL.iter().map(|r| r.key()).collect();
                format!(
                    "--map {p:?}: unknown role {role:?}; roles: {}",
                    keys.join(", ")
                )
            })?;
            Ok((column.trim().to_string(), r))
        })
        .collect()
}

pub fn analyze_command(a: AnalyzeArgs) -> Result<()> {
    let start = Instant::now();
    if a.transactions.is_none() && a.summary.is_none() && a.customers.is_none() {
        bail!("give --transactions FILE (or --summary FILE), --customers FILE, or both");
    }
    let opts = ReadOptions {
        roles: parse_map(&a.map)?,
        ..a.opts.clone()
    };
    let bad_rows = if a.skip_bad_rows {
        BadRows::Skip
    } else {
        BadRows::Stop
    };
    let anonymization = a.secret.clone().map(AnonymizeOptions::new);

    let tx_loaded = match &a.transactions {
        Some(path) => {
            let bytes =
                fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            let name = file_name(path);
            let (mut tx, load) = load_transactions(&name, &bytes, &opts, bad_rows, &mut |_| {})?;
            if let Some(o) = &anonymization {
                tx.pseudonymize(&o.secret);
                eprintln!("{name}: pseudonymized {}", load.customer_column);
            }
            Some((name, bytes, tx, load))
        }
        None => None,
    };
    let summary_loaded = match &a.summary {
        Some(path) => {
            let bytes =
                fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            let name = file_name(path);
            let table = load_table(&name, &bytes, &opts, anonymization.as_ref())?;
            let summary = CustomerSummary::from_table(&table)?;
            Some((name, bytes, summary))
        }
        None => None,
    };
    let customers_loaded = match &a.customers {
        Some(path) => {
            let bytes =
                fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            let name = file_name(path);
            let table = load_table(&name, &bytes, &opts, anonymization.as_ref())?;
            let id = table.column(Role::CustomerId).map(|c| c.plan.name.clone());
            let batch = prisme_core::churn::dataset::table_batch(&table)?;
            Some((name, batch, id, table))
        }
        None => None,
    };

    // The slice column: a customer attribute, else a column of the transactions file.
    let mut slice_values: Vec<Option<String>> = Vec::new();
    let mut per_customer_slice = false;
    if let Some(column) = &a.slice {
        let Some((tx_name, tx_bytes, tx, load)) = &tx_loaded else {
            bail!("--slice needs --transactions (indicators are computed from purchases)");
        };
        let from_customers = customers_loaded.as_ref().and_then(|(_, batch, id, _)| {
            let idx = batch.schema().index_of(column).ok()?;
            let id_idx = batch.schema().index_of(id.as_deref()?).ok()?;
            let ids = text_values(batch.column(id_idx));
            let vals = text_values(batch.column(idx));
            let by_id: std::collections::HashMap<String, Option<String>> = ids
                .into_iter()
                .zip(vals)
                .filter_map(|(i, v)| Some((i?.trim().to_string(), v)))
                .collect();
            Some(
                tx.customer_ids()
                    .iter()
                    .map(|k| by_id.get(k.unwrap_or_default()).cloned().flatten())
                    .collect::<Vec<_>>(),
            )
        });
        match from_customers {
            Some(v) => {
                slice_values = v;
                per_customer_slice = true;
            }
            None => {
                if load.rows_skipped > 0 {
                    bail!(
                        "--slice {column}: {} bad rows were skipped, so the column cannot be \
                         lined up with the transactions; fix the rows or slice by a customer \
                         attribute",
                        load.rows_skipped
                    );
                }
                let table = load_table(tx_name, tx_bytes, &opts, anonymization.as_ref())?;
                let col = table
                    .columns
                    .iter()
                    .find(|c| c.plan.name == *column)
                    .with_context(|| {
                        let names: Vec<&str> =
                            table.columns.iter().map(|c| c.plan.name.as_str()).collect();
                        format!(
                            "--slice {column:?}: no such column in the transactions or the \
                             customer table (personal columns are dropped when anonymizing); \
                             the transactions have: {}",
                            names.join(", ")
                        )
                    })?;
                slice_values = text_values(&col.array);
                if slice_values.len() != tx.len() {
                    bail!("--slice {column}: the column does not line up with the transactions");
                }
            }
        }
    }
    let slice_refs: Vec<Option<&str>> = slice_values.iter().map(|v| v.as_deref()).collect();

    let mut params = AnalysisParams::default();
    params.rfm.snapshot = a.snapshot;
    params.clv.calibration_end = a.calibration_end;
    params.clv.time_unit = a.time_unit;
    params.clv.horizon = a.horizon;
    params.clv.discount_rate = a.discount;
    params.churn_window_days = a.churn_window;
    params.per_customer = a.per_customer;

    let inputs = Inputs {
        summary: summary_loaded
            .as_ref()
            .map(|(name, _, summary)| SummaryInput {
                file: name,
                summary,
            }),
        transactions: tx_loaded
            .as_ref()
            .map(|(name, _, tx, _)| TransactionsInput { file: name, tx }),
        customers: customers_loaded
            .as_ref()
            .map(|(name, batch, id, _)| CustomersInput {
                file: name,
                batch,
                id_column: id.as_deref(),
            }),
        slice: a.slice.as_deref().map(|column| SliceInput {
            column,
            labels: if per_customer_slice {
                Slice::Customers(&slice_refs)
            } else {
                Slice::Rows(&slice_refs)
            },
        }),
        extra_slices: Vec::new(),
    };
    let t = Instant::now();
    // Each step's wall time, for the closing line: where an analysis spends its time.
    let mut steps: Vec<(Step, Instant)> = Vec::new();
    let mut analysis = if a.threads > 1 {
        analyze_side_by_side(&inputs, &params, &|jobs| run_jobs(jobs, a.threads))?
    } else {
        analyze_with_progress(&inputs, &params, &mut |s| steps.push((s, Instant::now())))?
    };
    let end = Instant::now();
    let analysis_ms = t.elapsed().as_secs_f64() * 1000.0;
    let step_ms: Vec<String> = if steps.is_empty() {
        vec![format!(
            "{} threads: clusters, CLV, cohorts and churn side by side",
            a.threads
        )]
    } else {
        steps
            .iter()
            .enumerate()
            .map(|(i, (s, at))| {
                let until = steps.get(i + 1).map_or(end, |n| n.1);
                let ms = (until - *at).as_secs_f64() * 1e3;
                format!("{} {ms:.0}", format!("{s:?}").to_lowercase())
            })
            .collect()
    };
    if a.out.is_some() || a.json {
        let mut fingerprints = Vec::new();
        if let Some((name, bytes, _, _)) = &tx_loaded {
            fingerprints.push((name.clone(), bytes.len() as u64, fingerprint(bytes)));
        }
        if let Some((name, bytes, _)) = &summary_loaded {
            fingerprints.push((name.clone(), bytes.len() as u64, fingerprint(bytes)));
        }
        if let Some(path) = &a.customers {
            let bytes =
                fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            fingerprints.push((file_name(path), bytes.len() as u64, fingerprint(&bytes)));
        }
        analysis.report.set_fingerprints(&fingerprints);
    }
    if let Some(path) = &a.out {
        fs::write(path, analysis.report.to_json())
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if let Some(path) = &a.scores {
        fs::write(path, analysis.scores.to_csv())
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let mut selected = None;
    if let Some(path) = &a.datamart {
        let mart = read_datamart(path)?;
        let scores = analysis.scores.to_record_batch();
        let as_of = a
            .snapshot
            .or_else(|| {
                analysis
                    .report
                    .rfm
                    .as_ref()
                    .and_then(|r| iso_days(&r.snapshot))
            })
            .unwrap_or(a.today);
        let customers_table = customers_loaded.as_ref().map(|(_, _, _, t)| t);
        let tx_file = tx_loaded
            .as_ref()
            .map(|(n, b, _, _)| (n.as_str(), b.as_slice()));
        let batch = match customer_base(
            customers_table,
            tx_file,
            &a.sources,
            &opts,
            as_of,
            anonymization.as_ref(),
        )? {
            Some(base) => join_columns(&scores, "customer_id", &base, "customer_id", "_base")?,
            None => scores,
        };
        let (count, csv) = mart.target_list(&batch, &a.target_columns, a.target_style)?;
        if let Some(out) = &a.target_list {
            fs::write(out, csv).with_context(|| format!("cannot write {}", out.display()))?;
        }
        selected = Some((mart.name, count));
    }
    let stdout = io::stdout();
    let mut w = stdout.lock();
    if a.json {
        writeln!(w, "{}", analysis.report.to_json())?;
        return Ok(());
    }
    print_summary(&mut w, &analysis.report, analysis.scores.rows.len())?;
    if let Some((name, count)) = selected {
        writeln!(w, "datamart {name:?}: {count} customers")?;
    }
    writeln!(
        w,
        "analysis {:.0} ms ({}), total {:.0} ms",
        analysis_ms,
        step_ms.join(", "),
        start.elapsed().as_secs_f64() * 1000.0
    )?;
    Ok(())
}

/// `prisme report FILE`: a kept report, checked, then summarized (or printed back as JSON).
pub fn show_report(path: &Path, json: bool) -> Result<()> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let report = Report::from_json(&text).with_context(|| format!("{}", path.display()))?;
    report
        .check_consistency()
        .map_err(|e| anyhow::anyhow!("{}: the report's figures disagree: {e}", path.display()))?;
    let stdout = io::stdout();
    let mut w = stdout.lock();
    if json {
        writeln!(w, "{}", report.to_json())?;
        return Ok(());
    }
    writeln!(
        w,
        "{}: Prisme report format {} (engine {})",
        path.display(),
        report.version,
        report.engine_version
    )?;
    let customers = report.rfm.as_ref().map_or(0, |r| r.customers);
    print_summary(&mut w, &report, customers)
}

fn print_summary(w: &mut impl Write, r: &Report, customers: usize) -> Result<()> {
    for i in &r.inputs {
        writeln!(
            w,
            "{} ({}): {} rows, {} customers",
            i.file, i.kind, i.rows, i.customers
        )?;
    }
    writeln!(w, "{customers} customers scored")?;
    if let Some(rfm) = &r.rfm {
        writeln!(w, "\nRFM at {} — segments:", rfm.snapshot)?;
        for s in &rfm.segments {
            writeln!(
                w,
                "  {:<22} {:>8} customers {:>6.1} %  revenue {:>6.1} %   ({})",
                s.label,
                s.customers,
                100.0 * s.share,
                100.0 * s.revenue_share,
                s.rule
            )?;
        }
        if let Some(m) = &rfm.migration {
            writeln!(
                w,
                "  since {}: {:.1} % kept their segment",
                prisme_core::ingest::date::format_days(m.from_snapshot),
                100.0 * m.stable_share
            )?;
        }
    }
    if let Some(c) = &r.clusters {
        writeln!(
            w,
            "\nClusters: k = {} (silhouette {:.3})",
            c.k, c.silhouette
        )?;
        for s in &c.clusters {
            let means: Vec<String> = c
                .features
                .iter()
                .zip(&s.means)
                .map(|(f, m)| format!("{f} {m:.1}"))
                .collect();
            writeln!(
                w,
                "  {}: {} customers ({})",
                s.label,
                s.size,
                means.join(", ")
            )?;
        }
    }
    if let Some(c) = &r.clv {
        let b = &c.bgnbd;
        match &b.dropout {
            Dropout::Identified => writeln!(
                w,
                "\nBG/NBD ({:?}): r = {:.4}, alpha = {:.4}, a = {:.4}, b = {:.4}, LL = {:.2} on {} customers",
                c.time_unit, b.r, b.alpha, b.a, b.b, b.log_likelihood, b.n
            )?,
            Dropout::SameForEveryone { p, reason } => writeln!(
                w,
                "\nBG/NBD ({:?}): r = {:.4}, alpha = {:.4}, one dropout probability p = {:.4} for \
                 everyone, LL = {:.2} on {} customers\n  {reason}",
                c.time_unit, b.r, b.alpha, p, b.log_likelihood, b.n
            )?,
            Dropout::NotIdentified { reason } => writeln!(
                w,
                "\nBG/NBD ({:?}): NO DROPOUT IDENTIFIED: r = {:.4}, alpha = {:.4} (no dropout), \
                 LL = {:.2} on {} customers\n  {reason}",
                c.time_unit, b.r, b.alpha, b.log_likelihood, b.n
            )?,
        }
        match &c.gamma_gamma {
            Some(g) => writeln!(
                w,
                "Gamma-Gamma: p = {:.4}, q = {:.4}, v = {:.4}, LL = {:.2} on {} repeat customers",
                g.p, g.q, g.v, g.log_likelihood, g.n
            )?,
            None => writeln!(
                w,
                "Gamma-Gamma not fitted: {}",
                c.gamma_gamma_skipped.as_deref().unwrap_or("")
            )?,
        }
        writeln!(
            w,
            "mean P(alive) {:.3}, {} at risk, expected purchases over {} periods {:.0}, CLV {}",
            c.totals.mean_p_alive,
            c.totals.at_risk,
            c.horizon,
            c.totals.expected_purchases,
            c.totals.clv.map_or("-".to_string(), |v| format!("{v:.2}"))
        )?;
        if let Some(h) = &c.holdout {
            let note = match &h.model.dropout {
                Dropout::Identified => String::new(),
                Dropout::SameForEveryone { p, .. } => {
                    format!(" (calibration fit: one dropout probability {p:.4} for everyone)")
                }
                Dropout::NotIdentified { .. } => {
                    " (calibration fit: no dropout identified)".to_string()
                }
            };
            writeln!(
                w,
                "holdout: predicted {:.1} repeat purchases, actual {}{note}",
                h.predicted_total, h.actual_total
            )?;
        }
    }
    if let Some(c) = &r.churn {
        writeln!(
            w,
            "\nChurn ({}): test AUC logistic {:.3}, boosted trees {:.3}; chosen {:?}",
            c.label_source,
            c.result.logistic.evaluation.auc.unwrap_or(f64::NAN),
            c.result.gbt.evaluation.auc.unwrap_or(f64::NAN),
            c.result.chosen
        )?;
    }
    if let Some(c) = &r.cohorts {
        writeln!(w, "\nCohorts: {} ({:?})", c.cohorts.len(), c.period)?;
    }
    if let Some(i) = &r.indicators
        && let Some(last) = i.total.last()
    {
        writeln!(
            w,
            "Indicators, {}: revenue {:.2}, orders {}, active customers {}",
            last.label, last.revenue, last.orders, last.active_customers
        )?;
    }
    for s in &r.skipped {
        writeln!(w, "skipped {}: {}", s.analysis, s.reason)?;
    }
    Ok(())
}

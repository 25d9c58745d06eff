//! `prisme workbench FILE…`: what the app's "Analyze" button does, from a terminal. Every
//! file is read as the Data page reads it (kind, roles and formats detected), the files are
//! joined into one customer base and the whole analysis runs on it, with the app's settings
//! (the JSON the app keeps; defaults when absent). The same report, to the last digit, as the
//! app shows for the same files and settings.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use prisme_core::anonymize::AnonymizeOptions;
use prisme_core::datamart::CsvStyle;
use prisme_core::ingest::ReadOptions;
use prisme_core::key::Secret;
use prisme_core::sources::{Corrections, prepare_source};
use prisme_core::workbench::{WorkbenchSettings, analyze_sources};

pub struct WorkbenchArgs {
    /// Pseudonymize ids and apply the default fates, as the app does with the same key.
    pub secret: Option<Secret>,
    pub files: Vec<PathBuf>,
    pub settings: Option<PathBuf>,
    pub opts: ReadOptions,
    pub out: Option<PathBuf>,
    pub scores: Option<PathBuf>,
    pub json: bool,
    /// Days since 1970-01-01: decides open contracts when there are no purchases.
    pub today: i32,
    pub datamart: Option<PathBuf>,
    pub target_list: Option<PathBuf>,
    pub target_columns: Vec<String>,
    pub target_style: CsvStyle,
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

pub fn workbench_command(a: WorkbenchArgs) -> Result<()> {
    if a.files.is_empty() {
        bail!(
            "give at least one file (a transactions file, or a customer table with a churn label)"
        );
    }
    let settings: WorkbenchSettings = match &a.settings {
        Some(path) => {
            let text = fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            serde_json::from_str(&text).with_context(|| {
                format!(
                    "{}: not analysis settings (the JSON the app keeps)",
                    path.display()
                )
            })?
        }
        None => WorkbenchSettings::default(),
    };
    let anonymize = a.secret.clone().map(AnonymizeOptions::new);
    let mut sources = Vec::new();
    let mut fingerprints = Vec::new();
    for path in &a.files {
        let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        if a.out.is_some() || a.json {
            fingerprints.push((
                file_name(path),
                bytes.len() as u64,
                prisme_core::analysis::fingerprint(&bytes),
            ));
        }
        let source = prepare_source(
            &file_name(path),
            &bytes,
            &a.opts,
            &Corrections::default(),
            anonymize.as_ref(),
            Some(a.today),
            &mut |_| {},
        )?;
        eprintln!(
            "{}: {} ({} rows)",
            source.view.file,
            source.view.kind.label(),
            source.table.rows
        );
        sources.push(source);
    }
    let mut wb = analyze_sources(&sources, &settings, a.today, &mut |_| {})?;
    wb.analysis.report.set_fingerprints(&fingerprints);
    let report = &wb.analysis.report;
    if let Some(path) = &a.out {
        fs::write(path, report.to_json())
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if let Some(path) = &a.scores {
        fs::write(path, wb.analysis.scores.to_csv())
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let mut selected = None;
    if let Some(path) = &a.datamart {
        let mart = crate::analyze::read_datamart(path)?;
        let (count, csv) = mart.target_list(&wb.table, &a.target_columns, a.target_style)?;
        if let Some(out) = &a.target_list {
            fs::write(out, csv).with_context(|| format!("cannot write {}", out.display()))?;
        }
        selected = Some((mart.name, count));
    }
    let stdout = io::stdout();
    let mut w = stdout.lock();
    if let Some((name, count)) = &selected {
        eprintln!("datamart {name:?}: {count} customers");
    }
    if a.json {
        writeln!(w, "{}", report.to_json())?;
    } else {
        writeln!(
            w,
            "{} customers scored; slices: {}",
            wb.analysis.scores.rows.len(),
            report
                .charts
                .slices
                .iter()
                .map(|s| s.column.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )?;
        for s in &report.skipped {
            writeln!(w, "skipped {}: {}", s.analysis, s.reason)?;
        }
    }
    Ok(())
}

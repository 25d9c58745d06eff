//! `prisme profile`: how each file is read, its data-quality profile, and what anonymization
//! does to each column under the default settings (`personal`, `fate`).

use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

use anyhow::{Context, Result};
use prisme_core::ingest::column::{Decision, FormatReport};
use prisme_core::ingest::{self, ReadOptions};
use prisme_core::profile::{FileProfile, profile};

pub fn profile_command(
    files: &[PathBuf],
    opts: &ReadOptions,
    today: i32,
    json: bool,
) -> Result<()> {
    let mut profiles = Vec::new();
    for path in files {
        let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let table = ingest::load(&name, &bytes, opts, &mut |_| {})?;
        profiles.push(profile(&table, Some(today)));
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&profiles)?);
    } else {
        for p in &profiles {
            print!("{}", render(p));
        }
    }
    Ok(())
}

fn decision(d: &Decision) -> String {
    match d {
        Decision::Evidence => "decided by the values".into(),
        Decision::Default { ambiguous } => {
            format!("AMBIGUOUS in {ambiguous} values: locale default applied")
        }
        Decision::Irrelevant => "no value depends on it".into(),
    }
}

/// A plain-text report.
pub fn render(p: &FileProfile) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "== {} ({})", p.file, p.format.label());
    if let (Some(enc), Some(delim)) = (p.encoding, p.delimiter) {
        let _ = writeln!(
            out,
            "   encoding {}, separator {}, header {}",
            enc.label(),
            delim.label(),
            if p.has_header { "yes" } else { "no" }
        );
    }
    if let Some(sheet) = &p.sheet {
        let _ = writeln!(out, "   sheet {sheet:?}");
    }
    let _ = writeln!(
        out,
        "   {} rows, {} duplicate rows, {} negative amounts (refunds), {} future dates, {} extreme amount outliers",
        p.rows, p.duplicate_rows, p.negative_amounts, p.future_dates, p.amount_outliers
    );
    if p.row_problem_count > 0 {
        let _ = writeln!(
            out,
            "   {} malformed rows, first ones:",
            p.row_problem_count
        );
        for r in &p.row_problems {
            let _ = writeln!(out, "     line {}: {}", r.line, r.reason);
        }
    }
    for c in &p.columns {
        let role = c
            .role
            .map(|r| format!("{} ({:.0}%)", r.role.key(), r.confidence * 100.0))
            .unwrap_or_else(|| "-".into());
        let privacy = if c.needs_decision {
            format!("{} (personal? needs a decision)", c.fate.key())
        } else if c.personal {
            format!("{} (personal)", c.fate.key())
        } else {
            c.fate.key().to_string()
        };
        let _ = writeln!(
            out,
            "   [{}] {:<24} {:<10} role {:<26} blanks {:>5.1}%  distinct {:<6} fate {}",
            c.index + 1,
            c.name,
            c.kind.label(),
            role,
            c.null_share * 100.0,
            c.distinct,
            privacy
        );
        match &c.format {
            FormatReport::Number {
                decision: Decision::Irrelevant,
                ..
            }
            | FormatReport::Date {
                decision: Decision::Irrelevant,
                with_time: false,
                ..
            } => {}
            FormatReport::Number {
                decimal,
                decision: d,
                ..
            } => {
                let _ = writeln!(out, "        decimal {:?}: {}", decimal, decision(d));
            }
            FormatReport::Date {
                order,
                decision: d,
                with_time,
            } => {
                let _ = writeln!(
                    out,
                    "        dates {:?}{}: {}",
                    order,
                    if *with_time { " with times" } else { "" },
                    decision(d)
                );
            }
            FormatReport::None => {}
        }
        if let Some(n) = &c.numeric {
            let _ = writeln!(
                out,
                "        min {} · p25 {} · median {} · p75 {} · max {} · mean {:.2} · negatives {} · far-out {}",
                n.min,
                n.quantiles[2],
                n.quantiles[3],
                n.quantiles[4],
                n.max,
                n.mean,
                n.negatives,
                n.extreme_outliers
            );
        }
        if let Some(d) = &c.dates {
            let _ = writeln!(
                out,
                "        from {} to {} · future {}",
                d.min, d.max, d.future
            );
        }
        if !c.top.is_empty() {
            let top: Vec<String> = c
                .top
                .iter()
                .take(5)
                .map(|(v, n)| format!("{v:?} ×{n}"))
                .collect();
            let _ = writeln!(out, "        top: {}", top.join(", "));
        }
        if c.invalid.count > 0 {
            let _ = writeln!(out, "        {} invalid values:", c.invalid.count);
            for e in &c.invalid.examples {
                let _ = writeln!(
                    out,
                    "          line {}: {:?} is {}",
                    e.line, e.value, e.reason
                );
            }
        }
    }
    out
}

//! The Data page's pipeline: each file planned, corrected by the user, read, anonymized and
//! profiled; then every file consolidated into one customer base.
//!
//! It is what the app's worker runs on the files the user dropped, kept here so that it is
//! tested natively and the worker stays a thin message handler.

use serde::{Deserialize, Serialize};

use crate::IngestError;
pub use crate::anonymize::Fate;
use crate::anonymize::{
    AnonymizationReport, AnonymizeError, AnonymizeOptions, anonymize_with, column_fate,
    column_privacy,
};
use crate::consolidate::{
    ConsolidateError, ConsolidationReport, Source, TableKind, consolidate, preview,
};
use crate::ingest::column::ColumnKind;
use crate::ingest::encoding::TextEncoding;
use crate::ingest::roles::{Role, RoleGuess};
use crate::ingest::tokenizer::Delimiter;
use std::cell::RefCell;
use std::rc::Rc;

use crate::ingest::stream::{ChunkedRead, Finished, Selection};
use crate::ingest::{self, Plan, Progress, ReadOptions, Table};
use crate::profile::{FileProfile, profile};

/// The user's corrections to one file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Corrections {
    /// Delimited text: the encoding, separator and header, when detection got them wrong.
    pub encoding: Option<TextEncoding>,
    pub delimiter: Option<Delimiter>,
    pub has_header: Option<bool>,
    /// Spreadsheets: the sheet to read.
    pub sheet: Option<String>,
    /// (column index, role): `None` removes the role the detection gave.
    pub roles: Vec<(usize, Option<Role>)>,
    /// The table kind, when the detected one is wrong.
    pub kind: Option<TableKind>,
    /// (column index, fate): what the user chose for a column when anonymizing, over the
    /// settings (keep a free-text column redacted, keep a column flagged "needs decision",
    /// drop a column the detection missed).
    pub fates: Vec<(usize, Fate)>,
}

/// A column as the user sees it to correct it: what was detected and what it became.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnView {
    pub index: usize,
    pub name: String,
    pub kind: ColumnKind,
    pub role: Option<RoleGuess>,
    /// The role was set (or removed) by the user.
    pub corrected: bool,
    /// What anonymization did to the column (`keep` when anonymization is off).
    pub fate: Fate,
    /// Treated as personal data (its default fate is not `keep`).
    pub personal: bool,
    /// Unrecognised text that may be personal, dropped until the user decides.
    pub needs_decision: bool,
    /// The fate under the default settings.
    pub default_fate: Fate,
    /// The fate was chosen by the user (`Corrections::fates`).
    pub fate_chosen: bool,
}

/// One prepared file, without its data: what the page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceView {
    pub file: String,
    pub kind: TableKind,
    /// 0–1; 1 when the user chose the kind.
    pub kind_confidence: f64,
    pub kind_corrected: bool,
    pub columns: Vec<ColumnView>,
    /// Spreadsheets: every sheet's name, to choose another.
    pub sheets: Vec<String>,
    /// The profile of what is kept (pseudonyms, masked values; dropped columns are absent).
    pub profile: FileProfile,
    pub anonymization: AnonymizationReport,
}

/// A prepared file: its table (anonymized) and its view.
#[derive(Debug, Clone)]
pub struct PreparedSource {
    pub table: Table,
    pub view: SourceView,
}

/// Errors of preparing a file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SourceError {
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error("{file}: {source}")]
    Anonymize {
        file: String,
        source: AnonymizeError,
    },
    #[error("{file}: there is no column {index} to correct (the file has {width})")]
    NoSuchColumn {
        file: String,
        index: usize,
        width: usize,
    },
}

impl SourceError {
    pub fn line(&self) -> Option<u64> {
        match self {
            SourceError::Ingest(e) => e.line(),
            _ => None,
        }
    }

    pub fn column(&self) -> Option<usize> {
        match self {
            SourceError::Ingest(e) => e.column(),
            _ => None,
        }
    }
}

/// The ids in clear that anonymization under `opts` pseudonymizes in this file (customer ids
/// and other identifiers), read as [`prepare_source`] reads it with the same corrections:
/// what [`crate::reidentify`] looks pseudonyms up in.
pub fn clear_ids(
    file: &str,
    bytes: &[u8],
    read: &ReadOptions,
    corrections: &Corrections,
    opts: &AnonymizeOptions,
    today: Option<i32>,
) -> Result<Vec<String>, SourceError> {
    let source = prepare_source(file, bytes, read, corrections, None, today, &mut |_| {})?;
    Ok(crate::anonymize::pseudonymized_values(
        &source.table,
        opts,
        &corrections.fates,
    ))
}

/// Plans `bytes`, applies the corrections, reads every column, anonymizes (when `anonymize` is
/// given) and profiles against `today` (days since 1970-01-01, for future dates).
pub fn prepare_source(
    file: &str,
    bytes: &[u8],
    read: &ReadOptions,
    corrections: &Corrections,
    anonymization: Option<&AnonymizeOptions>,
    today: Option<i32>,
    progress: &mut dyn FnMut(Progress),
) -> Result<PreparedSource, SourceError> {
    let read = corrected_options(read, corrections);
    let mut plan = ingest::plan(file, bytes, &read)?;
    let guessed = correct_plan(&mut plan, corrections)?;
    let table = ingest::read(bytes, &plan, None, &[], progress)?;
    finish_source(table, guessed, corrections, anonymization, today)
}

/// A file read as a stream of chunks (the browser's `File.stream()`), then corrected,
/// anonymized and profiled as [`prepare_source`] does: start it with [`source_stream`], feed it
/// with [`SourceStream::push_with`], end it with [`SourceStream::finish`].
pub struct SourceStream {
    read: ChunkedRead<SourceError>,
    guessed: Rc<RefCell<Option<Guessed>>>,
}

/// What the plan said before the user's corrections.
#[derive(Debug, Clone)]
struct Guessed {
    detected: Vec<Option<RoleGuess>>,
    kind: TableKind,
    kind_confidence: f64,
}

/// How a streamed preparation ended.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // returned once per file
pub enum StreamedSource {
    Prepared(PreparedSource),
    /// The whole text is in this encoding, not the one its head suggested: stream the file
    /// again, the new [`SourceStream`] told with [`SourceStream::detected_as`].
    Reread(TextEncoding),
}

/// Starts the streamed preparation of a file of `size` bytes (see [`SourceStream`]).
pub fn source_stream(
    file: &str,
    size: u64,
    read: &ReadOptions,
    corrections: &Corrections,
) -> Result<SourceStream, SourceError> {
    let read = corrected_options(read, corrections);
    let guessed: Rc<RefCell<Option<Guessed>>> = Default::default();
    let slot = guessed.clone();
    let corrections = corrections.clone();
    let chunked = ChunkedRead::new(file, size, &read, move |plan: &mut Plan| {
        *slot.borrow_mut() = Some(correct_plan(plan, &corrections)?);
        Ok(Selection::default())
    })?;
    Ok(SourceStream {
        read: chunked,
        guessed,
    })
}

impl SourceStream {
    /// The second read after [`StreamedSource::Reread`].
    pub fn detected_as(mut self, encoding: TextEncoding) -> Self {
        self.read = self.read.detected_as(encoding);
        self
    }

    /// Takes the next chunk (see [`ChunkedRead::push_with`]).
    pub fn push_with(
        &mut self,
        len: usize,
        fill: impl FnOnce(&mut [u8]) -> usize,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(), SourceError> {
        self.read.push_with(len, fill, progress)
    }

    /// Reads what is left, then corrects, anonymizes and profiles the table.
    pub fn finish(
        self,
        corrections: &Corrections,
        anonymization: Option<&AnonymizeOptions>,
        today: Option<i32>,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<StreamedSource, SourceError> {
        let table = match self.read.finish(progress)? {
            Finished::Table(t) => t,
            Finished::Reread(e) => return Ok(StreamedSource::Reread(e)),
        };
        let Some(g) = self.guessed.borrow_mut().take() else {
            return Err(SourceError::Ingest(IngestError::Empty {
                file: table.plan.file.clone(),
            }));
        };
        finish_source(table, g, corrections, anonymization, today).map(StreamedSource::Prepared)
    }
}

fn corrected_options(read: &ReadOptions, corrections: &Corrections) -> ReadOptions {
    ReadOptions {
        encoding: corrections.encoding.or(read.encoding),
        delimiter: corrections.delimiter.or(read.delimiter),
        has_header: corrections.has_header.or(read.has_header),
        sheet: corrections.sheet.clone().or_else(|| read.sheet.clone()),
        ..read.clone()
    }
}

/// Applies the user's roles to the plan; returns what was guessed before.
fn correct_plan(plan: &mut Plan, corrections: &Corrections) -> Result<Guessed, SourceError> {
    let file = plan.file.clone();
    let detected: Vec<Option<RoleGuess>> = plan.columns.iter().map(|c| c.role).collect();
    for &(index, role) in &corrections.roles {
        if !plan.set_role(index, role) {
            return Err(SourceError::NoSuchColumn {
                file,
                index,
                width: plan.columns.len(),
            });
        }
    }
    let (kind, kind_confidence) = crate::consolidate::table_kind(plan);
    if let Some(&(index, _)) = corrections
        .fates
        .iter()
        .find(|(i, _)| *i >= plan.columns.len())
    {
        return Err(SourceError::NoSuchColumn {
            file,
            index,
            width: plan.columns.len(),
        });
    }
    Ok(Guessed {
        detected,
        kind,
        kind_confidence,
    })
}

fn finish_source(
    mut table: Table,
    guessed: Guessed,
    corrections: &Corrections,
    anonymization: Option<&AnonymizeOptions>,
    today: Option<i32>,
) -> Result<PreparedSource, SourceError> {
    let file = table.plan.file.clone();
    // The plan as read (anonymization may rewrite the table's columns, not what the user sees
    // of the plan).
    let plan = table.plan.clone();
    let (kind, kind_confidence) = match corrections.kind {
        Some(k) => (k, 1.0),
        None => (guessed.kind, guessed.kind_confidence),
    };
    let report = match anonymization {
        Some(opts) => anonymize_with(&mut table, opts, &corrections.fates).map_err(|source| {
            SourceError::Anonymize {
                file: file.clone(),
                source,
            }
        })?,
        None => AnonymizationReport::default(),
    };
    let columns = plan
        .columns
        .iter()
        .zip(&guessed.detected)
        .map(|(c, before)| {
            let privacy = column_privacy(c);
            ColumnView {
                index: c.index,
                name: c.name.clone(),
                kind: c.build_kind(),
                role: c.role,
                corrected: c.role.map(|r| r.role) != before.map(|r| r.role)
                    || corrections.roles.iter().any(|&(i, _)| i == c.index),
                fate: column_fate(c, anonymization, &corrections.fates),
                personal: privacy.personal,
                needs_decision: privacy.needs_decision,
                default_fate: privacy.fate,
                fate_chosen: anonymization.is_some()
                    && corrections.fates.iter().any(|&(i, _)| i == c.index),
            }
        })
        .collect();
    let view = SourceView {
        file,
        kind,
        kind_confidence,
        kind_corrected: corrections.kind.is_some(),
        columns,
        sheets: plan.sheets.iter().map(|s| s.name.clone()).collect(),
        profile: profile(&table, today),
        anonymization: report,
    };
    Ok(PreparedSource { table, view })
}

/// The consolidated base as the page shows it: the report and its first rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaseView {
    pub report: ConsolidationReport,
    pub columns: Vec<String>,
    /// The first rows, as text (`None` for blanks).
    pub rows: Vec<Vec<Option<String>>>,
}

/// The consolidated base of the prepared files, as one table (one row per customer).
pub fn consolidate_base(
    sources: &[PreparedSource],
    as_of: i32,
) -> Result<arrow_array::RecordBatch, ConsolidateError> {
    let list: Vec<Source<'_>> = sources
        .iter()
        .map(|s| Source {
            kind: s.view.kind,
            table: &s.table,
        })
        .collect();
    Ok(consolidate(&list, as_of)?.batch)
}

/// Joins the prepared files into one customer base, keeping `preview_rows` rows to show.
/// `as_of` (days since 1970-01-01) decides which contracts are open.
pub fn consolidate_sources(
    sources: &[PreparedSource],
    as_of: i32,
    preview_rows: usize,
) -> Result<BaseView, ConsolidateError> {
    let list: Vec<Source<'_>> = sources
        .iter()
        .map(|s| Source {
            kind: s.view.kind,
            table: &s.table,
        })
        .collect();
    let base = consolidate(&list, as_of)?;
    let (columns, rows) = preview(&base.batch, preview_rows);
    Ok(BaseView {
        report: base.report,
        columns,
        rows,
    })
}

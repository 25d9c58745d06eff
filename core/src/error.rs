//! Errors a user can act on: each names the file, and where it applies the line and column,
//! and says what to do next.

use serde::{Deserialize, Serialize};

/// Reading a file failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum IngestError {
    #[error("{file}: the file is empty. Export the data again, with its rows, and load it.")]
    Empty { file: String },

    #[error("{file}: the file has a header but no data rows. Load a file with at least one row.")]
    NoRows { file: String },

    #[error(
        "{file}: this is not a text file (CSV, TSV). Export it as CSV, or load it as Excel/Parquet."
    )]
    NotText { file: String },

    #[error(
        "{file}: {size} bytes is more than the {limit}-byte limit for one file (what the \
         browser's memory holds with the whole analysis). Split the file (by year, for example) \
         or filter it before loading; for a customer base this large, compute the per-customer \
         summary where the purchases live (the SQL is in docs/warehouse.md) and load that."
    )]
    TooLarge { file: String, size: u64, limit: u64 },

    #[error(
        "{file}, line {line}: a quoted value opens here and is never closed, so the rest of the \
         file would be read as one value. Close or remove the stray quote (\") on that line."
    )]
    UnterminatedQuote { file: String, line: u64 },

    #[error(
        "{file}: no {role} column found among: {columns}. Rename the column (for example to \
         \"{suggestion}\") or choose it in the column mapping."
    )]
    MissingRole {
        file: String,
        role: String,
        suggestion: String,
        columns: String,
    },

    #[error(
        "{file}, line {line}, column {column} ({column_name}): {value:?} is {reason}.{more} \
         Correct the value or remove the line, then load the file again (or choose to skip \
         bad rows)."
    )]
    InvalidValue {
        file: String,
        line: u64,
        /// 1-based.
        column: usize,
        column_name: String,
        value: String,
        reason: String,
        /// " N more values in this column are invalid." or empty.
        more: String,
    },

    #[error(
        "{file}, line {line}, column {column} ({column_name}): the {role} is missing. Fill it \
         in or remove the line, then load the file again (or choose to skip bad rows)."
    )]
    MissingValue {
        file: String,
        line: u64,
        column: usize,
        column_name: String,
        role: String,
    },

    #[error(
        "{file}: this {format} file cannot be read ({reason}). Open it in its application and \
         save it again, or export it as CSV."
    )]
    Unreadable {
        file: String,
        format: String,
        reason: String,
    },

    #[error("{file}: there is no sheet named {sheet:?}. Choose one of: {sheets}.")]
    NoSuchSheet {
        file: String,
        sheet: String,
        sheets: String,
    },

    #[error(
        "{file}, line {line}, column {column}: invalid JSON ({message}). Fix the file or export it again."
    )]
    BadJson {
        file: String,
        line: u64,
        column: usize,
        message: String,
    },

    #[error("{file}, line {line}: {reason}. Quote values that contain the separator.")]
    BadRow {
        file: String,
        line: u64,
        reason: String,
    },
}

impl IngestError {
    /// The line the error is about, when there is one.
    pub fn line(&self) -> Option<u64> {
        match self {
            IngestError::UnterminatedQuote { line, .. }
            | IngestError::BadJson { line, .. }
            | IngestError::InvalidValue { line, .. }
            | IngestError::MissingValue { line, .. }
            | IngestError::BadRow { line, .. } => Some(*line),
            _ => None,
        }
    }

    /// The 1-based column the error is about, when there is one.
    pub fn column(&self) -> Option<usize> {
        match self {
            IngestError::InvalidValue { column, .. }
            | IngestError::MissingValue { column, .. }
            | IngestError::BadJson { column, .. } => Some(*column),
            _ => None,
        }
    }
}

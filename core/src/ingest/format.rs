//! Which reader a file needs, from its first bytes (never from its name alone: exports are
//! often misnamed, like a CSV saved as `.xls`).

use serde::{Deserialize, Serialize};

/// A file format Prisme reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceFormat {
    /// CSV, TSV and other delimited text.
    Delimited,
    /// Excel 2007+ (`.xlsx`, `.xlsm`, `.xlsb`) or OpenDocument (`.ods`) spreadsheets.
    Spreadsheet,
    /// Excel 97–2003 (`.xls`).
    LegacyExcel,
    Parquet,
    /// Arrow IPC file (`.arrow`, `.feather` v2) or stream.
    ArrowIpc,
    /// JSON lines, or a JSON array of objects.
    Json,
}

impl SourceFormat {
    pub fn label(self) -> &'static str {
        match self {
            SourceFormat::Delimited => "CSV",
            SourceFormat::Spreadsheet => "XLSX/ODS",
            SourceFormat::LegacyExcel => "XLS",
            SourceFormat::Parquet => "Parquet",
            SourceFormat::ArrowIpc => "Arrow IPC",
            SourceFormat::Json => "JSON",
        }
    }
}

/// Detects the format from the content.
pub fn detect_format(bytes: &[u8]) -> SourceFormat {
    if bytes.starts_with(b"PK\x03\x04") {
        return SourceFormat::Spreadsheet;
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return SourceFormat::LegacyExcel;
    }
    if bytes.len() >= 8 && bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1") {
        return SourceFormat::Parquet;
    }
    if bytes.starts_with(b"ARROW1") || bytes.starts_with(&[0xFF, 0xFF, 0xFF, 0xFF]) {
        return SourceFormat::ArrowIpc;
    }
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(bytes);
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => SourceFormat::Json,
        // `[` could open a CSV header like `[id],[date]`: JSON only if an object follows.
        Some(b'[') => {
            let after = body
                .iter()
                .skip_while(|b| b.is_ascii_whitespace())
                .skip(1)
                .find(|b| !b.is_ascii_whitespace());
            if matches!(after, Some(b'{') | Some(b']')) {
                SourceFormat::Json
            } else {
                SourceFormat::Delimited
            }
        }
        _ => SourceFormat::Delimited,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes() {
        assert_eq!(detect_format(b"PK\x03\x04rest"), SourceFormat::Spreadsheet);
        assert_eq!(detect_format(b"PAR1....PAR1"), SourceFormat::Parquet);
        assert_eq!(detect_format(b"ARROW1\0\0"), SourceFormat::ArrowIpc);
        assert_eq!(detect_format(b"  {\"a\":1}\n{\"a\":2}"), SourceFormat::Json);
        assert_eq!(detect_format(b"[{\"a\":1}]"), SourceFormat::Json);
        assert_eq!(detect_format(b"[id],[date]\n1,2"), SourceFormat::Delimited);
        assert_eq!(detect_format(b"id;date\n"), SourceFormat::Delimited);
        assert_eq!(detect_format(b""), SourceFormat::Delimited);
    }
}

//! Spreadsheets (XLSX, XLSM, XLSB, XLS, ODS) through `calamine`: sheet choice, header row
//! detection (exports often put a title and blank rows above the header), typed cells.

use std::io::Cursor;

use calamine::{Data, Range, Reader, open_workbook_auto_from_rs};
use serde::{Deserialize, Serialize};

use super::cell::Cell;
use super::date::{DateValue, checked_days};
use super::grid::CellGrid;
use crate::error::IngestError;

/// Rows examined to find the header.
const HEADER_SCAN: usize = 30;

/// The chosen sheet's name, its header (row index in the used range and names) when it has
/// one, and its cells.
pub type SheetChoice = (String, Option<(usize, Vec<String>)>, SheetGrid);

/// Where a sheet's header is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderChoice {
    Detect,
    Absent,
    FirstRow,
    /// This row of the sheet's used range (0-based).
    Row(usize),
}

/// A sheet of a workbook, for the user to choose from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetInfo {
    pub name: String,
    pub rows: usize,
    pub columns: usize,
}

/// A sheet's cells below its header.
pub struct SheetGrid {
    range: Range<Data>,
    /// Index in `range` of the first data row.
    first_data: usize,
    /// Spreadsheet row number (1-based) of `range`'s first row.
    first_row_number: u64,
    width: usize,
}

impl CellGrid for SheetGrid {
    fn rows(&self) -> usize {
        self.range.height().saturating_sub(self.first_data)
    }

    fn columns(&self) -> usize {
        self.width
    }

    fn cell(&self, row: usize, column: usize) -> Cell<'_> {
        match self.range.get((self.first_data + row, column)) {
            None | Some(Data::Empty) => Cell::Empty,
            Some(Data::String(s)) => Cell::Text(s.as_bytes()),
            Some(Data::Float(f)) => Cell::Number(*f),
            Some(Data::Int(i)) => Cell::Number(*i as f64),
            Some(Data::Bool(b)) => Cell::Bool(*b),
            Some(Data::DateTime(dt)) if dt.is_datetime() => {
                let (y, m, d, hh, mm, ss, ms) = dt.to_ymd_hms_milli();
                match checked_days(i32::from(y), u32::from(m), u32::from(d)) {
                    Some(days) => {
                        let millis = ((u32::from(hh) * 60 + u32::from(mm)) * 60 + u32::from(ss))
                            * 1000
                            + u32::from(ms);
                        Cell::Date(DateValue {
                            days,
                            millis: (millis > 0).then_some(millis),
                        })
                    }
                    None => Cell::Number(dt.as_f64()),
                }
            }
            Some(Data::DateTime(dt)) => Cell::Number(dt.as_f64()),
            Some(Data::DateTimeIso(s)) | Some(Data::DurationIso(s)) => Cell::Text(s.as_bytes()),
            // `#N/A`, `#DIV/0!`: kept as text so that typed columns report them as invalid.
            Some(Data::Error(_)) => Cell::Text(b"#ERROR"),
        }
    }

    fn line(&self, row: usize) -> u64 {
        self.first_row_number + (self.first_data + row) as u64
    }
}

/// A workbook opened from bytes.
pub struct Workbook {
    sheets: calamine::Sheets<Cursor<Vec<u8>>>,
    file: String,
}

fn workbook_error(file: &str, e: impl std::fmt::Display) -> IngestError {
    IngestError::Unreadable {
        file: file.to_string(),
        format: "spreadsheet".to_string(),
        reason: e.to_string(),
    }
}

impl Workbook {
    pub fn open(file: &str, bytes: &[u8]) -> Result<Workbook, IngestError> {
        if bytes.starts_with(&super::cfb::SIGNATURE) {
            super::cfb::check(bytes).map_err(|reason| IngestError::Unreadable {
                file: file.to_string(),
                format: "XLS".to_string(),
                reason,
            })?;
        }
        let sheets = super::guarded(file, "spreadsheet", || {
            open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
                .map_err(|e| workbook_error(file, e))
        })?;
        Ok(Workbook {
            sheets,
            file: file.to_string(),
        })
    }

    /// Every sheet with its used size.
    pub fn sheets(&mut self) -> Vec<SheetInfo> {
        // A sheet calamine cannot size is left out (it panics on some damaged files).
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.sheets_unguarded()))
            .unwrap_or_default()
    }

    fn sheets_unguarded(&mut self) -> Vec<SheetInfo> {
        let names = self.sheets.sheet_names();
        names
            .into_iter()
            .map(|name| {
                let (rows, columns) = self
                    .sheets
                    .worksheet_range(&name)
                    .map(|r| r.get_size())
                    .unwrap_or((0, 0));
                SheetInfo {
                    name,
                    rows,
                    columns,
                }
            })
            .collect()
    }

    /// The named sheet, or the first one with data. Returns its name, the header row's index
    /// in the sheet's used range and its names (when there is a header), and the grid.
    pub fn grid(
        &mut self,
        sheet: Option<&str>,
        header: HeaderChoice,
    ) -> Result<SheetChoice, IngestError> {
        let file = self.file.clone();
        super::guarded(&file, "spreadsheet", || self.grid_unguarded(sheet, header))
    }

    fn grid_unguarded(
        &mut self,
        sheet: Option<&str>,
        header: HeaderChoice,
    ) -> Result<SheetChoice, IngestError> {
        let name = match sheet {
            Some(s) => s.to_string(),
            None => self
                .sheets()
                .into_iter()
                .find(|s| s.rows > 0)
                .map(|s| s.name)
                .ok_or_else(|| IngestError::Empty {
                    file: self.file.clone(),
                })?,
        };
        let range = self
            .sheets
            .worksheet_range(&name)
            .map_err(|_| IngestError::NoSuchSheet {
                file: self.file.clone(),
                sheet: name.clone(),
                sheets: self.sheets.sheet_names().join(", "),
            })?;
        if range.is_empty() {
            return Err(IngestError::Empty {
                file: format!("{} [{name}]", self.file),
            });
        }
        let first_row_number = u64::from(range.start().map_or(0, |(r, _)| r)) + 1;
        let width = range.width();
        let header_index = match header {
            HeaderChoice::Absent => None,
            HeaderChoice::FirstRow => first_non_empty_row(&range),
            HeaderChoice::Detect => find_header(&range),
            HeaderChoice::Row(r) => Some(r),
        };
        let header_names = header_index.map(|h| {
            let names = (0..width)
                .map(|c| match range.get((h, c)) {
                    Some(Data::String(s)) => s.trim().to_string(),
                    Some(Data::Empty) | None => String::new(),
                    Some(other) => other.to_string(),
                })
                .collect();
            (h, names)
        });
        let first_data =
            header_index.map_or_else(|| first_non_empty_row(&range).unwrap_or(0), |h| h + 1);
        Ok((
            name,
            header_names,
            SheetGrid {
                range,
                first_data,
                first_row_number,
                width,
            },
        ))
    }
}

fn filled(range: &Range<Data>, row: usize) -> usize {
    (0..range.width())
        .filter(|&c| !matches!(range.get((row, c)), None | Some(Data::Empty)))
        .count()
}

fn first_non_empty_row(range: &Range<Data>) -> Option<usize> {
    (0..range.height()).find(|&r| filled(range, r) > 0)
}

/// The header is the first row, among the first few, that fills at least half of the widest
/// row with text only and is followed by a row that is not all text or that repeats none of
/// its values. Title rows ("Sales report 2024") fill one cell and are skipped.
fn find_header(range: &Range<Data>) -> Option<usize> {
    let height = range.height().min(HEADER_SCAN);
    let width = (0..height).map(|r| filled(range, r)).max().unwrap_or(0);
    if width == 0 {
        return None;
    }
    for r in 0..height {
        let n = filled(range, r);
        if n < width.div_ceil(2).max(1) {
            continue;
        }
        let all_text = (0..range.width()).all(|c| {
            matches!(
                range.get((r, c)),
                None | Some(Data::Empty) | Some(Data::String(_))
            )
        });
        if !all_text {
            // The widest rows are data: no header.
            return None;
        }
        let next = (r + 1..range.height()).find(|&n| filled(range, n) > 0);
        let Some(next) = next else { return Some(r) };
        let next_typed = (0..range.width()).any(|c| {
            !matches!(
                range.get((next, c)),
                None | Some(Data::Empty) | Some(Data::String(_))
            )
        });
        let repeats = (0..range.width()).any(|c| match (range.get((r, c)), range.get((next, c))) {
            (Some(Data::String(a)), Some(Data::String(b))) => a == b,
            _ => false,
        });
        if next_typed || !repeats {
            return Some(r);
        }
        return None;
    }
    None
}

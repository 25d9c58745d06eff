//! Reading customer files into Arrow columns.
//!
//! Two steps, so that a user can correct what was guessed in between:
//! 1. [`plan`] looks at the bytes (encoding, separator, header) and a sample of records (each
//!    column's kind and role) and returns a [`Plan`];
//! 2. [`read`] parses the whole file along the plan, straight into Arrow builders, and returns
//!    a [`Table`] with per-column reports (format decisions, invalid values with their lines).

pub mod cell;
pub mod cfb;
pub mod column;
pub mod columnar;
pub mod date;
pub mod dictionary;
pub mod encoding;
pub mod format;
pub mod grid;
pub mod json;
pub mod number;
pub mod roles;
pub mod sheet;
pub mod sniff;
pub mod stream;
pub mod tokenizer;

use std::borrow::Cow;

use arrow_array::ArrayRef;
use serde::{Deserialize, Serialize};

use self::column::{ColumnKind, FormatReport, Invalids};
use self::date::DateOrder;
use self::encoding::{DetectedEncoding, TextEncoding};
use self::format::{SourceFormat, detect_format};
use self::number::DecimalSeparator;
use self::roles::{Role, RoleGuess};
use self::sheet::{HeaderChoice, SheetInfo, Workbook};
use self::sniff::KindGuess;
use self::tokenizer::Delimiter;
use crate::error::IngestError;

/// Records sampled to guess column kinds and roles.
const SAMPLE_RECORDS: usize = 1000;
/// Default memory budget for one file: 1 GiB.
pub const DEFAULT_MAX_BYTES: u64 = 1 << 30;

/// The conventions used when a column's own values do not decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Locale {
    /// Day-first dates, decimal comma.
    #[default]
    Fr,
    /// Month-first dates, decimal point.
    En,
}

impl Locale {
    pub fn date_order(self) -> DateOrder {
        match self {
            Locale::Fr => DateOrder::DayFirst,
            Locale::En => DateOrder::MonthFirst,
        }
    }

    pub fn decimal(self) -> DecimalSeparator {
        match self {
            Locale::Fr => DecimalSeparator::Comma,
            Locale::En => DecimalSeparator::Point,
        }
    }
}

/// Choices that override detection. Everything is detected when left at its default.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ReadOptions {
    pub encoding: Option<TextEncoding>,
    pub delimiter: Option<Delimiter>,
    pub has_header: Option<bool>,
    pub locale: Locale,
    /// Refuse files larger than this many bytes ([`DEFAULT_MAX_BYTES`] when `None`).
    pub max_bytes: Option<u64>,
    /// Role overrides by column name.
    pub roles: Vec<(String, Role)>,
    /// Spreadsheets: the sheet to read (the first with data when `None`).
    pub sheet: Option<String>,
}

/// A column as planned.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ColumnPlan {
    /// 0-based position in the file.
    pub index: usize,
    pub name: String,
    pub guess: KindGuess,
    pub role: Option<RoleGuess>,
}

impl ColumnPlan {
    /// The kind to build. The role wins over the sampled kind: identifiers and personal data
    /// keep their exact text (leading zeros, long digit strings), a date role on numbers means
    /// Excel serial dates, and an amount is read as a number whatever the sample said (so that
    /// bad values are reported rather than the column silently becoming text).
    pub fn build_kind(&self) -> ColumnKind {
        let Some(role) = self.role.map(|r| r.role) else {
            return self.guess.kind;
        };
        match role {
            Role::CustomerId | Role::OrderId => ColumnKind::Text,
            Role::BirthDate => match self.guess.kind {
                // A year of birth stays a number; other numbers are Excel serial days.
                ColumnKind::Integer
                    if self
                        .guess
                        .mean
                        .is_some_and(|m| (1000.0..3000.0).contains(&m)) =>
                {
                    ColumnKind::Integer
                }
                ColumnKind::Integer | ColumnKind::Number => ColumnKind::ExcelDate,
                _ => ColumnKind::Date,
            },
            r if r.is_pii() => ColumnKind::Text,
            Role::Date | Role::ContractStart | Role::ContractEnd => match self.guess.kind {
                ColumnKind::Integer | ColumnKind::Number => ColumnKind::ExcelDate,
                _ => ColumnKind::Date,
            },
            Role::Amount | Role::Quantity => ColumnKind::Number,
            Role::ChurnLabel => match self.guess.kind {
                ColumnKind::Integer | ColumnKind::Boolean => ColumnKind::Boolean,
                k => k,
            },
            _ => self.guess.kind,
        }
    }
}

/// How a delimited file will be read.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Plan {
    pub file: String,
    pub size: u64,
    pub format: SourceFormat,
    /// Delimited text only: the encoding and separator.
    pub encoding: DetectedEncoding,
    pub delimiter: Delimiter,
    pub has_header: bool,
    /// Spreadsheets only: the sheet read, every sheet, and the header row's index in the
    /// sheet's used range.
    pub sheet: Option<String>,
    pub sheets: Vec<SheetInfo>,
    pub header_row: Option<usize>,
    pub decimal_default: DecimalSeparator,
    pub date_order_default: DateOrder,
    pub columns: Vec<ColumnPlan>,
}

impl Plan {
    /// The column holding `role`, if any.
    pub fn column_for(&self, role: Role) -> Option<&ColumnPlan> {
        self.columns
            .iter()
            .find(|c| c.role.is_some_and(|r| r.role == role))
    }

    /// The user's correction of column `index`: `Some(role)` gives it the role (with full
    /// confidence), taking an analytic role away from the column that had it, since the
    /// analyses read one column per role; `None` leaves the column without a role. Returns
    /// false when there is no such column.
    pub fn set_role(&mut self, index: usize, role: Option<Role>) -> bool {
        if index >= self.columns.len() {
            return false;
        }
        if let Some(role) = role
            && !role.is_pii()
        {
            for c in &mut self.columns {
                if c.index != index && c.role.is_some_and(|g| g.role == role) {
                    c.role = None;
                }
            }
        }
        self.columns[index].role = role.map(|role| RoleGuess {
            role,
            confidence: 1.0,
        });
        true
    }
}

/// Progress of a long step, reported every few thousand records.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub stage: Stage,
    /// 0 to 1.
    pub fraction: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    Parse,
    Compute,
}

/// A row whose shape is wrong (too many fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    pub line: u64,
    pub reason: String,
}

/// A column of a read table.
#[derive(Debug, Clone)]
pub struct TableColumn {
    pub plan: ColumnPlan,
    pub array: ArrayRef,
    pub kind: ColumnKind,
    pub format: FormatReport,
    pub invalid: Invalids,
    pub nulls: u64,
    /// Line of the first blank value, if any.
    pub first_blank_line: Option<u64>,
}

/// A file read into Arrow columns.
#[derive(Debug, Clone)]
pub struct Table {
    pub plan: Plan,
    pub rows: usize,
    /// Physical line of each data row is `first_line + row` unless listed here
    /// (rows after blank lines or multi-line quoted fields).
    pub columns: Vec<TableColumn>,
    pub row_problems: Vec<RowProblem>,
    pub row_problem_count: u64,
}

impl Table {
    pub fn column(&self, role: Role) -> Option<&TableColumn> {
        self.columns
            .iter()
            .find(|c| c.plan.role.is_some_and(|r| r.role == role))
    }
}

fn check_size(file: &str, bytes: &[u8], opts: &ReadOptions) -> Result<(), IngestError> {
    let limit = opts.max_bytes.unwrap_or(DEFAULT_MAX_BYTES);
    if bytes.len() as u64 > limit {
        return Err(IngestError::TooLarge {
            file: file.to_string(),
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(())
}

/// Errors out on files that are not delimited text, then returns the scannable bytes.
fn scannable<'a>(
    file: &str,
    bytes: &'a [u8],
    opts: &ReadOptions,
) -> Result<(DetectedEncoding, Cow<'a, [u8]>), IngestError> {
    check_size(file, bytes, opts)?;
    let mut detected = encoding::detect(bytes);
    if let Some(forced) = opts.encoding {
        detected.encoding = forced;
        detected.invalid_bytes = 0;
        detected.bom_len = match forced {
            TextEncoding::Utf8 if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) => 3,
            TextEncoding::Utf16Le if bytes.starts_with(&[0xFF, 0xFE]) => 2,
            TextEncoding::Utf16Be if bytes.starts_with(&[0xFE, 0xFF]) => 2,
            _ => 0,
        };
    }
    let scan = encoding::ascii_compatible(bytes, &detected);
    if scan.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(IngestError::Empty {
            file: file.to_string(),
        });
    }
    let head = &scan[..scan.len().min(4096)];
    if head.contains(&0) {
        return Err(IngestError::NotText {
            file: file.to_string(),
        });
    }
    Ok((detected, scan))
}

/// Detects the file's format and, for delimited text, its encoding, separator and header; then
/// each column's kind and role.
pub fn plan(file: &str, bytes: &[u8], opts: &ReadOptions) -> Result<Plan, IngestError> {
    check_size(file, bytes, opts)?;
    let format = detect_format(bytes);
    match format {
        SourceFormat::Delimited => plan_delimited(file, bytes, opts),
        SourceFormat::Spreadsheet | SourceFormat::LegacyExcel => {
            let mut wb = Workbook::open(file, bytes)?;
            let sheets = wb.sheets();
            let header = match opts.has_header {
                None => HeaderChoice::Detect,
                Some(true) => HeaderChoice::FirstRow,
                Some(false) => HeaderChoice::Absent,
            };
            let (sheet, header, grid) = wb.grid(opts.sheet.as_deref(), header)?;
            let (header_row, names) = match header {
                Some((row, mut names)) => {
                    dedupe_names(&mut names);
                    (Some(row), names)
                }
                None => (None, default_names(grid::CellGrid::columns(&grid))),
            };
            let mut plan = grid_plan(file, bytes, format, names, &grid, opts);
            plan.has_header = header_row.is_some();
            plan.header_row = header_row;
            plan.sheet = Some(sheet);
            plan.sheets = sheets;
            Ok(plan)
        }
        SourceFormat::Json => {
            let g = json::parse(file, bytes)?;
            let names = g.names.clone();
            Ok(grid_plan(file, bytes, format, names, &g, opts))
        }
        SourceFormat::Parquet | SourceFormat::ArrowIpc => {
            let g = if format == SourceFormat::Parquet {
                columnar::parquet(file, bytes)?
            } else {
                columnar::arrow_ipc(file, bytes)?
            };
            let names = g.names.clone();
            Ok(grid_plan(file, bytes, format, names, &g, opts))
        }
    }
}

fn modal_width(records: &[Vec<Vec<u8>>]) -> usize {
    let mut counts: Vec<(usize, usize)> = Vec::new();
    for r in records {
        match counts.iter_mut().find(|(w, _)| *w == r.len()) {
            Some((_, n)) => *n += 1,
            None => counts.push((r.len(), 1)),
        }
    }
    // Most frequent width; ties go to the wider one.
    counts
        .into_iter()
        .max_by_key(|&(w, n)| (n, w))
        .map_or(0, |(w, _)| w)
}

fn default_names(width: usize) -> Vec<String> {
    (1..=width).map(|i| format!("column_{i}")).collect()
}

fn grid_plan(
    file: &str,
    bytes: &[u8],
    format: SourceFormat,
    names: Vec<String>,
    grid: &dyn grid::CellGrid,
    opts: &ReadOptions,
) -> Plan {
    Plan {
        file: file.to_string(),
        size: bytes.len() as u64,
        format,
        encoding: DetectedEncoding {
            encoding: TextEncoding::Utf8,
            bom_len: 0,
            invalid_bytes: 0,
        },
        delimiter: Delimiter::Comma,
        has_header: true,
        sheet: None,
        sheets: Vec::new(),
        header_row: None,
        // Typed sources: text values inside them follow the locale when ambiguous.
        decimal_default: opts.locale.decimal(),
        date_order_default: opts.locale.date_order(),
        columns: grid::plan_columns(names, grid, &opts.roles),
    }
}

/// Roles from names and content, then the user's overrides (an analytic role moves to the
/// column the user chose).
pub(crate) fn assign_with_overrides(
    names: &[String],
    guesses: &[KindGuess],
    overrides: &[(String, Role)],
) -> Vec<Option<RoleGuess>> {
    let mut role_guesses = roles::assign_roles(names, guesses);
    for (name, role) in overrides {
        if let Some(i) = names.iter().position(|n| n == name) {
            for (j, g) in role_guesses.iter_mut().enumerate() {
                if j != i && g.is_some_and(|g| g.role == *role && !role.is_pii()) {
                    *g = None;
                }
            }
            role_guesses[i] = Some(RoleGuess {
                role: *role,
                confidence: 1.0,
            });
        }
    }
    role_guesses
}

fn plan_delimited(file: &str, bytes: &[u8], opts: &ReadOptions) -> Result<Plan, IngestError> {
    let (detected, scan) = scannable(file, bytes, opts)?;
    let delimiter = opts
        .delimiter
        .unwrap_or_else(|| sniff::sniff_delimiter(&scan));
    let sample = sniff::sample(&scan, delimiter, SAMPLE_RECORDS + 1);
    let Some(first) = sample.records.first() else {
        return Err(IngestError::Empty {
            file: file.to_string(),
        });
    };
    // The usual record width: a few rows with a stray separator must not add columns (they
    // are reported as malformed rows instead).
    let width = modal_width(&sample.records);
    let guesses_from = |rows: &[Vec<Vec<u8>>]| -> Vec<KindGuess> {
        (0..width)
            .map(|i| {
                let values: Vec<&[u8]> = rows
                    .iter()
                    .map(|r| r.get(i).map_or(&[][..], |v| v.as_slice()))
                    .collect();
                sniff::guess_kind(&values)
            })
            .collect()
    };
    let data_guesses = guesses_from(&sample.records[1..]);
    let has_header = opts.has_header.unwrap_or_else(|| {
        sample.records.len() == 1
            || sniff::looks_like_header(first, &data_guesses, &sample.records[1..])
    });
    let (names, guesses) = if has_header {
        let scanned = encoding::scanned_encoding(detected.encoding);
        let mut names: Vec<String> = (0..width)
            .map(|i| match first.get(i) {
                Some(raw) => encoding::decode_field(number::trim_spaces(raw), scanned).into_owned(),
                None => String::new(),
            })
            .collect();
        dedupe_names(&mut names);
        (names, data_guesses)
    } else {
        (default_names(width), guesses_from(&sample.records))
    };
    let role_guesses = assign_with_overrides(&names, &guesses, &opts.roles);
    let decimal_default = if delimiter == Delimiter::Comma {
        // An unquoted decimal comma would split the field: the point is the only option.
        DecimalSeparator::Point
    } else {
        opts.locale.decimal()
    };
    let columns = names
        .into_iter()
        .zip(guesses)
        .zip(role_guesses)
        .enumerate()
        .map(|(index, ((name, guess), role))| ColumnPlan {
            index,
            name,
            guess,
            role,
        })
        .collect();
    Ok(Plan {
        file: file.to_string(),
        size: bytes.len() as u64,
        format: SourceFormat::Delimited,
        encoding: detected,
        delimiter,
        has_header,
        sheet: None,
        sheets: Vec::new(),
        header_row: None,
        decimal_default,
        date_order_default: opts.locale.date_order(),
        columns,
    })
}

/// Empty or repeated header names get a position suffix so every column has a unique name.
fn dedupe_names(names: &mut [String]) {
    for i in 0..names.len() {
        if names[i].is_empty() {
            names[i] = format!("column_{}", i + 1);
        }
        if names[..i].contains(&names[i]) {
            names[i] = format!("{}_{}", names[i], i + 1);
        }
    }
}

/// Reads the file along `plan`. `projection` lists the column indices to build (all when
/// `None`); `dictionary` lists those to store as dictionary-encoded text.
pub fn read(
    bytes: &[u8],
    plan: &Plan,
    projection: Option<&[usize]>,
    dictionary: &[usize],
    progress: &mut dyn FnMut(Progress),
) -> Result<Table, IngestError> {
    let file = plan.file.as_str();
    match plan.format {
        SourceFormat::Delimited => read_delimited(bytes, plan, projection, dictionary, progress),
        SourceFormat::Spreadsheet | SourceFormat::LegacyExcel => {
            let mut wb = Workbook::open(file, bytes)?;
            let header = plan
                .header_row
                .map_or(HeaderChoice::Absent, HeaderChoice::Row);
            let (_, _, g) = wb.grid(plan.sheet.as_deref(), header)?;
            grid::read_grid(&g, plan, projection, dictionary, progress)
        }
        SourceFormat::Json => {
            let g = json::parse(file, bytes)?;
            grid::read_grid(&g, plan, projection, dictionary, progress)
        }
        SourceFormat::Parquet => {
            let g = columnar::parquet(file, bytes)?;
            grid::read_grid(&g, plan, projection, dictionary, progress)
        }
        SourceFormat::ArrowIpc => {
            let g = columnar::arrow_ipc(file, bytes)?;
            grid::read_grid(&g, plan, projection, dictionary, progress)
        }
    }
}

/// Runs a third-party decoder (arrow-rs, parquet, calamine), turning a panic on damaged input
/// into [`IngestError::Unreadable`]. Those crates assert on some inconsistent files instead of
/// returning errors (found by the fuzz pass); natively the panic is caught here, and in the
/// browser the worker reports the trap and is restarted.
pub(crate) fn guarded<T>(
    file: &str,
    format: &str,
    f: impl FnOnce() -> Result<T, IngestError>,
) -> Result<T, IngestError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(IngestError::Unreadable {
            file: file.to_string(),
            format: format.to_string(),
            reason: "its contents are inconsistent (the file looks damaged)".to_string(),
        })
    })
}

/// Plans and reads every column in one call.
pub fn load(
    file: &str,
    bytes: &[u8],
    opts: &ReadOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<Table, IngestError> {
    let plan = plan(file, bytes, opts)?;
    read(bytes, &plan, None, &[], progress)
}

fn read_delimited(
    bytes: &[u8],
    plan: &Plan,
    projection: Option<&[usize]>,
    dictionary: &[usize],
    progress: &mut dyn FnMut(Progress),
) -> Result<Table, IngestError> {
    let opts = ReadOptions {
        encoding: Some(plan.encoding.encoding),
        max_bytes: Some(u64::MAX),
        ..ReadOptions::default()
    };
    let (_, scan) = scannable(&plan.file, bytes, &opts)?;
    let estimate = estimate_rows(&scan, scan.len() as u64);
    stream::DelimitedReader::new(plan, projection, dictionary, estimate, false)
        .read_all(&scan, progress)
}

/// Plans the read of a file of `size` bytes from its first bytes, `head` (see
/// [`stream::head_is_enough`]), to read it in chunks with [`stream::DelimitedReader`].
/// `None` when the file must be read whole: not delimited text, or UTF-16.
pub fn plan_stream(
    file: &str,
    head: &[u8],
    size: u64,
    opts: &ReadOptions,
) -> Result<Option<Plan>, IngestError> {
    let limit = opts.max_bytes.unwrap_or(DEFAULT_MAX_BYTES);
    if size > limit {
        return Err(IngestError::TooLarge {
            file: file.to_string(),
            size,
            limit,
        });
    }
    if detect_format(head) != SourceFormat::Delimited {
        return Ok(None);
    }
    let head = stream::planning_head(head, size);
    let opts = ReadOptions {
        max_bytes: Some(u64::MAX),
        ..opts.clone()
    };
    let mut plan = plan_delimited(file, head, &opts)?;
    if !matches!(
        plan.encoding.encoding,
        TextEncoding::Utf8 | TextEncoding::Windows1252
    ) {
        return Ok(None);
    }
    plan.size = size;
    Ok(Some(plan))
}

/// Rows in `size` bytes, from the average line length of the first bytes of `scan` (sizes the
/// builders, whole or streamed reads).
fn estimate_rows(scan: &[u8], size: u64) -> usize {
    let head = &scan[..scan.len().min(64 * 1024)];
    let lines = memchr::memchr_iter(b'\n', head).count().max(1);
    let per_line = head.len() / lines;
    (size / per_line.max(1) as u64).min(1 << 26) as usize
}

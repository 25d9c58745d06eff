//! Delimited text read in chunks, straight into the column builders.
//!
//! The browser hands a big file over as a stream of chunks (`File.stream()`): reading it that
//! way keeps the columns plus one chunk in memory instead of the whole file plus its columns,
//! lets the page show progress in bytes and cancel between chunks, and overlaps reading the
//! disk (or the network) with parsing. A whole file read at once goes through the same code as
//! a single last chunk, so both ways give the same table.
//!
//! A chunk rarely ends on a record boundary: the records it completes are parsed, the partial
//! one is kept and parsed with the next chunk. A record is complete when the tokenizer stops
//! before the end of the bytes it was given (so a `\r` at a chunk's end, whose `\n` may come
//! next, and a quoted value still open both wait for more bytes).
//!
//! The plan comes from the head of the file ([`head_is_enough`]). Its encoding guess is checked
//! against the whole text as it streams past: if the whole file would have been detected
//! otherwise (an accent in Windows-1252 after the head of a file that looked like UTF-8),
//! [`DelimitedReader::finish`] says so with [`Finished::Reread`] and the caller reads the file
//! again with that encoding, so that a streamed read never differs from a whole one.

use super::column::{self, BuiltColumn, ColumnBuilder};
use super::encoding::{self, TextEncoding};
use super::tokenizer::{FieldSpan, Tokenizer, field_bytes};
use super::{ColumnPlan, Plan, Progress, RowProblem, SAMPLE_RECORDS, Stage, Table, TableColumn};
use crate::error::IngestError;

/// The smallest head planned from (unless the file is shorter).
pub const HEAD_BYTES: usize = 1 << 20;
/// A partial record longer than this with a quote still open is an unterminated quote: the
/// whole-file read would report the same line, and waiting for the end of a 1 GB file to say
/// so would re-scan the open value at every chunk.
const MAX_OPEN_RECORD: usize = 64 << 20;

/// Whether `head`, the first bytes of a file of `size` bytes, is enough to plan the read from
/// (the same plan as the whole file gives): the whole file, or at least [`HEAD_BYTES`] and
/// twice the sampled records' lines.
pub fn head_is_enough(head: &[u8], size: u64) -> bool {
    head.len() as u64 >= size
        || (head.len() >= HEAD_BYTES
            && memchr::memchr_iter(b'\n', head).count() > 2 * (SAMPLE_RECORDS + 1))
}

/// The head cut after its last complete line, so that no multi-byte character or record is
/// cut (the whole `head` when it is the whole file).
pub fn planning_head(head: &[u8], size: u64) -> &[u8] {
    if head.len() as u64 >= size {
        return head;
    }
    match memchr::memrchr(b'\n', head) {
        Some(i) => &head[..=i],
        None => head,
    }
}

/// How a read ended.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // returned once per file
pub enum Finished {
    Table(Table),
    /// The whole text is in this encoding, not the one planned from the head: read the file
    /// again with [`super::ReadOptions::encoding`] set to it.
    Reread(TextEncoding),
}

/// Parses delimited text chunk by chunk along a plan.
pub struct DelimitedReader {
    plan: Plan,
    selected: Vec<ColumnPlan>,
    builders: Vec<(usize, ColumnBuilder)>,
    width: usize,
    spans: Vec<FieldSpan>,
    /// The partial record at the end of the last chunk.
    carry: Vec<u8>,
    /// Physical line at the start of `carry`.
    line: u64,
    /// BOM bytes still to drop from the next chunks.
    skip: usize,
    header_pending: bool,
    rows: usize,
    row_problems: Vec<RowProblem>,
    row_problem_count: u64,
    /// Bytes of text parsed so far (what progress counts).
    parsed: u64,
    total: f64,
    /// Invalid UTF-8 bytes and valid multi-byte characters seen, when the encoding was
    /// detected (not chosen) and must be confirmed by the whole text.
    utf8: Option<(usize, usize)>,
}

impl DelimitedReader {
    /// A reader of the columns `projection` lists (all when `None`), `dictionary` listing those
    /// to store as dictionary-encoded text. `check_encoding`: the plan's encoding was detected
    /// from the head only. `estimated_rows` sizes the builders.
    pub fn new(
        plan: &Plan,
        projection: Option<&[usize]>,
        dictionary: &[usize],
        estimated_rows: usize,
        check_encoding: bool,
    ) -> Self {
        let scanned = encoding::scanned_encoding(plan.encoding.encoding);
        let selected: Vec<ColumnPlan> = match projection {
            Some(p) => p
                .iter()
                .filter_map(|&i| plan.columns.get(i))
                .cloned()
                .collect(),
            None => plan.columns.clone(),
        };
        let builders = selected
            .iter()
            .map(|c| {
                let decimal = c.guess.decimal.unwrap_or(plan.decimal_default);
                let order = c.guess.order.unwrap_or(plan.date_order_default);
                (
                    c.index,
                    ColumnBuilder::new(
                        c.build_kind(),
                        scanned,
                        dictionary.contains(&c.index),
                        decimal,
                        order,
                        estimated_rows,
                    ),
                )
            })
            .collect();
        let width = plan.columns.len();
        DelimitedReader {
            plan: plan.clone(),
            selected,
            builders,
            width,
            spans: Vec::with_capacity(width + 1),
            carry: Vec::new(),
            line: 1,
            skip: plan.encoding.bom_len,
            header_pending: plan.has_header,
            rows: 0,
            row_problems: Vec::new(),
            row_problem_count: 0,
            parsed: 0,
            total: plan.size.max(1) as f64,
            utf8: (check_encoding
                && matches!(
                    plan.encoding.encoding,
                    TextEncoding::Utf8 | TextEncoding::Windows1252
                ))
            .then_some((0, 0)),
        }
    }

    /// Parses the records `chunk` completes; keeps the partial last one for the next chunk.
    pub fn push(
        &mut self,
        mut chunk: &[u8],
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(), IngestError> {
        if self.skip > 0 {
            let n = self.skip.min(chunk.len());
            chunk = &chunk[n..];
            self.skip -= n;
        }
        if self.carry.is_empty() {
            let n = self.parse(chunk, false, progress)?;
            self.carry.extend_from_slice(&chunk[n..]);
        } else {
            let mut buf = std::mem::take(&mut self.carry);
            buf.extend_from_slice(chunk);
            let n = self.parse(&buf, false, progress)?;
            buf.drain(..n);
            self.carry = buf;
        }
        self.check_open_record()
    }

    fn check_open_record(&self) -> Result<(), IngestError> {
        if self.carry.len() > MAX_OPEN_RECORD {
            let mut t =
                Tokenizer::new(&self.carry, self.plan.delimiter).starting_at_line(self.line);
            let mut spans = Vec::new();
            t.next_record(&mut spans);
            if let Some(line) = t.unterminated_quote() {
                return Err(IngestError::UnterminatedQuote {
                    file: self.plan.file.clone(),
                    line,
                });
            }
        }
        Ok(())
    }

    /// Appends up to `len` bytes written by `fill`, which returns how many it wrote (a copy
    /// out of the browser's chunk or a file read, straight after the partial record left over,
    /// so that no byte is copied twice), and parses the records they complete.
    pub fn push_with(
        &mut self,
        len: usize,
        fill: impl FnOnce(&mut [u8]) -> usize,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(), IngestError> {
        let start = self.carry.len();
        self.carry.resize(start + len, 0);
        let n = fill(&mut self.carry[start..]).min(len);
        self.carry.truncate(start + n);
        if self.skip > 0 {
            let n = self.skip.min(self.carry.len());
            self.carry.drain(..n);
            self.skip -= n;
        }
        let buf = std::mem::take(&mut self.carry);
        let n = self.parse(&buf, false, progress);
        self.carry = buf;
        self.carry.drain(..n?);
        self.check_open_record()
    }

    /// Parses `text`, the whole scannable text, as the only and last chunk (no copy).
    pub(super) fn read_all(
        mut self,
        text: &[u8],
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Table, IngestError> {
        self.skip = 0;
        self.parse(text, true, progress)?;
        Ok(self.table(progress))
    }

    /// Parses what is left and builds the table.
    pub fn finish(mut self, progress: &mut dyn FnMut(Progress)) -> Result<Finished, IngestError> {
        let rest = std::mem::take(&mut self.carry);
        self.parse(&rest, true, progress)?;
        if let Some((invalid, multibyte)) = self.utf8 {
            // The rule of `encoding::detect`, applied to the whole text.
            let whole =
                if invalid == 0 || multibyte >= 4 * invalid || self.plan.encoding.bom_len > 0 {
                    TextEncoding::Utf8
                } else {
                    TextEncoding::Windows1252
                };
            if whole != self.plan.encoding.encoding {
                return Ok(Finished::Reread(whole));
            }
            self.plan.encoding.invalid_bytes = if whole == TextEncoding::Utf8 {
                invalid
            } else {
                0
            };
        }
        Ok(Finished::Table(self.table(progress)))
    }

    /// Parses the complete records of `buf` (all of it when `last`); returns the bytes used.
    fn parse(
        &mut self,
        buf: &[u8],
        last: bool,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<usize, IngestError> {
        let mut t = Tokenizer::new(buf, self.plan.delimiter).starting_at_line(self.line);
        let complete = |t: &Tokenizer<'_>| last || t.position() < buf.len();
        let mut done = 0;
        if self.header_pending {
            if t.next_record(&mut self.spans).is_none() || !complete(&t) {
                return self.used(buf, 0, last);
            }
            self.header_pending = false;
            done = t.position();
            self.line = t.line();
        }
        let width = self.width;
        while let Some(line) = t.next_record(&mut self.spans) {
            if !complete(&t) {
                break;
            }
            let spans = &self.spans;
            if spans.len() > width
                && spans[width..]
                    .iter()
                    .any(|s| !column::is_blank(&buf[s.start..s.end]))
            {
                self.row_problem_count += 1;
                if self.row_problems.len() < column::MAX_EXAMPLES {
                    self.row_problems.push(RowProblem {
                        line,
                        reason: format!(
                            "{} fields where the header has {width}; a separator inside an unquoted value?",
                            spans.len()
                        ),
                    });
                }
            }
            for (i, b) in &mut self.builders {
                match spans.get(*i) {
                    Some(&s) => b.push(&field_bytes(buf, s), line),
                    None => b.push_missing(line),
                }
            }
            done = t.position();
            self.line = t.line();
            self.rows += 1;
            if self.rows.is_multiple_of(65_536) {
                progress(Progress {
                    stage: Stage::Parse,
                    fraction: ((self.parsed + done as u64) as f64 / self.total).min(1.0),
                });
            }
        }
        if last {
            if let Some(line) = t.unterminated_quote() {
                return Err(IngestError::UnterminatedQuote {
                    file: self.plan.file.clone(),
                    line,
                });
            }
            done = buf.len();
        }
        self.used(buf, done, last)
    }

    fn used(&mut self, buf: &[u8], n: usize, _last: bool) -> Result<usize, IngestError> {
        if let Some((invalid, multibyte)) = &mut self.utf8 {
            let (i, m) = encoding::count_invalid_utf8(&buf[..n]);
            *invalid += i;
            *multibyte += m;
        }
        self.parsed += n as u64;
        Ok(n)
    }

    fn table(self, progress: &mut dyn FnMut(Progress)) -> Table {
        progress(Progress {
            stage: Stage::Parse,
            fraction: 1.0,
        });
        let columns = self
            .builders
            .into_iter()
            .zip(self.selected)
            .map(|((_, b), plan)| {
                let BuiltColumn {
                    array,
                    kind,
                    format,
                    invalid,
                    nulls,
                    first_blank_line,
                } = b.finish();
                TableColumn {
                    plan,
                    array,
                    kind,
                    format,
                    invalid,
                    nulls,
                    first_blank_line,
                }
            })
            .collect();
        Table {
            plan: self.plan,
            rows: self.rows,
            columns,
            row_problems: self.row_problems,
            row_problem_count: self.row_problem_count,
        }
    }
}

/// The columns a caller reads, chosen once the plan is known.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Column indices to build (all when `None`).
    pub projection: Option<Vec<usize>>,
    /// Those stored as dictionary-encoded text.
    pub dictionary: Vec<usize>,
}

type Select<E> = Box<dyn FnMut(&mut Plan) -> Result<Selection, E>>;

/// Any file read from a stream of chunks: delimited text in an ASCII-compatible encoding is
/// parsed as the chunks come; anything else (a workbook, Parquet, UTF-16 text) is gathered
/// and read whole at the end. `E`: the caller's error, which `select` may return.
pub struct ChunkedRead<E = IngestError> {
    file: String,
    size: u64,
    opts: super::ReadOptions,
    select: Select<E>,
    head: Vec<u8>,
    reader: Option<DelimitedReader>,
    whole: bool,
    /// The encoding the whole text was found in by a first read ([`Finished::Reread`]).
    detected: Option<TextEncoding>,
}

impl<E: From<IngestError>> ChunkedRead<E> {
    /// A read of `file`, `size` bytes long; `select` picks the columns from the plan (and may
    /// correct the plan first: the user's roles).
    pub fn new(
        file: &str,
        size: u64,
        opts: &super::ReadOptions,
        select: impl FnMut(&mut Plan) -> Result<Selection, E> + 'static,
    ) -> Result<Self, E> {
        let limit = opts.max_bytes.unwrap_or(super::DEFAULT_MAX_BYTES);
        if size > limit {
            return Err(IngestError::TooLarge {
                file: file.to_string(),
                size,
                limit,
            }
            .into());
        }
        Ok(ChunkedRead {
            file: file.to_string(),
            size,
            opts: opts.clone(),
            select: Box::new(select),
            head: Vec::new(),
            reader: None,
            whole: false,
            detected: None,
        })
    }

    /// The second read after [`Finished::Reread`]: the text is read in `encoding`, reported
    /// as detected (as a whole-file read would), not as chosen by the user.
    pub fn detected_as(mut self, encoding: TextEncoding) -> Self {
        self.detected = Some(encoding);
        self
    }

    /// Takes the next chunk of the file.
    pub fn push(&mut self, chunk: &[u8], progress: &mut dyn FnMut(Progress)) -> Result<(), E> {
        self.push_with(
            chunk.len(),
            |b| {
                b.copy_from_slice(chunk);
                chunk.len()
            },
            progress,
        )
    }

    /// Takes the next bytes of the file, up to `len`, written by `fill` into their place in
    /// the reader's buffer (see [`DelimitedReader::push_with`]).
    pub fn push_with(
        &mut self,
        len: usize,
        fill: impl FnOnce(&mut [u8]) -> usize,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(), E> {
        if let Some(reader) = &mut self.reader {
            return Ok(reader.push_with(len, fill, progress)?);
        }
        let start = self.head.len();
        self.head.resize(start + len, 0);
        let n = fill(&mut self.head[start..]).min(len);
        self.head.truncate(start + n);
        if self.whole || !head_is_enough(&self.head, self.size) {
            return Ok(());
        }
        let opts = super::ReadOptions {
            encoding: self.opts.encoding.or(self.detected),
            ..self.opts.clone()
        };
        match super::plan_stream(&self.file, &self.head, self.size, &opts)? {
            None => self.whole = true,
            Some(mut plan) => {
                let sel = (self.select)(&mut plan)?;
                let estimate = super::estimate_rows(&self.head, self.size);
                let mut reader = DelimitedReader::new(
                    &plan,
                    sel.projection.as_deref(),
                    &sel.dictionary,
                    estimate,
                    self.opts.encoding.is_none(),
                );
                let head = std::mem::take(&mut self.head);
                reader.push(&head, progress)?;
                self.reader = Some(reader);
            }
        }
        Ok(())
    }

    /// Reads what is left and returns the table (or asks for a new read, see [`Finished`]).
    pub fn finish(mut self, progress: &mut dyn FnMut(Progress)) -> Result<Finished, E> {
        if self.reader.is_none() && !self.whole {
            // The stream ended before a head was gathered: a short file (or a shorter one
            // than `size` said). Plan it now that it is whole.
            self.size = self.head.len() as u64;
            self.push(&[], progress)?;
        }
        if let Some(reader) = self.reader {
            return Ok(reader.finish(progress)?);
        }
        // Gathered whole: an encoding found by a first read cannot differ from this one's.
        let mut plan = super::plan(&self.file, &self.head, &self.opts)?;
        let sel = (self.select)(&mut plan)?;
        Ok(super::read(
            &self.head,
            &plan,
            sel.projection.as_deref(),
            &sel.dictionary,
            progress,
        )
        .map(Finished::Table)?)
    }
}

//! Parquet and Arrow IPC files through arrow-rs. Their columns are already typed; they are
//! cast to a few canonical types and read as cells, so that roles, profiles and invalid-value
//! reports work as for every other format (a date stored as text in Parquet is still a date).

use std::io::Cursor;

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type, Int64Type, TimestampMillisecondType};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, TimeUnit};

use super::cell::Cell;
use super::date::DateValue;
use super::grid::CellGrid;
use crate::error::IngestError;

/// A column cast to one of the types cells are made from.
enum Col {
    Text(ArrayRef),
    Int(ArrayRef),
    Float(ArrayRef),
    Bool(ArrayRef),
    Date(ArrayRef),
    Timestamp(ArrayRef),
    /// A type with no cell form (nested, binary): all empty.
    Unsupported,
}

pub struct ArrowGrid {
    pub names: Vec<String>,
    columns: Vec<Col>,
    rows: usize,
}

impl CellGrid for ArrowGrid {
    fn rows(&self) -> usize {
        self.rows
    }

    fn columns(&self) -> usize {
        self.columns.len()
    }

    fn cell(&self, row: usize, column: usize) -> Cell<'_> {
        let col = &self.columns[column];
        let array: &dyn Array = match col {
            Col::Text(a)
            | Col::Int(a)
            | Col::Float(a)
            | Col::Bool(a)
            | Col::Date(a)
            | Col::Timestamp(a) => a.as_ref(),
            Col::Unsupported => return Cell::Empty,
        };
        if array.is_null(row) {
            return Cell::Empty;
        }
        match col {
            Col::Text(a) => Cell::Text(a.as_string::<i32>().value(row).as_bytes()),
            Col::Int(a) => Cell::Number(a.as_primitive::<Int64Type>().value(row) as f64),
            Col::Float(a) => Cell::Number(a.as_primitive::<Float64Type>().value(row)),
            Col::Bool(a) => Cell::Bool(a.as_boolean().value(row)),
            Col::Date(a) => Cell::Date(DateValue {
                days: a.as_primitive::<Date32Type>().value(row),
                millis: None,
            }),
            Col::Timestamp(a) => {
                let ms = a.as_primitive::<TimestampMillisecondType>().value(row);
                let millis = ms.rem_euclid(86_400_000) as u32;
                Cell::Date(DateValue {
                    days: ms.div_euclid(86_400_000) as i32,
                    millis: (millis > 0).then_some(millis),
                })
            }
            Col::Unsupported => Cell::Empty,
        }
    }

    fn line(&self, row: usize) -> u64 {
        row as u64 + 1
    }
}

fn canonical(array: &ArrayRef) -> Col {
    use DataType::*;
    let cast = |to: &DataType| arrow_cast::cast::cast(array, to).ok();
    let col = match array.data_type() {
        Utf8 | LargeUtf8 | Utf8View | Dictionary(_, _) => cast(&Utf8).map(Col::Text),
        Int8 | Int16 | Int32 | Int64 | UInt8 | UInt16 | UInt32 | UInt64 => {
            cast(&Int64).map(Col::Int)
        }
        Float16
        | Float32
        | Float64
        | Decimal32(_, _)
        | Decimal64(_, _)
        | Decimal128(_, _)
        | Decimal256(_, _) => cast(&Float64).map(Col::Float),
        Boolean => Some(Col::Bool(array.clone())),
        Date32 | Date64 => cast(&Date32).map(Col::Date),
        Timestamp(_, _) => cast(&Timestamp(TimeUnit::Millisecond, None)).map(Col::Timestamp),
        _ => cast(&Utf8).map(Col::Text),
    };
    col.unwrap_or(Col::Unsupported)
}

fn grid_from_batches(
    schema: arrow_schema::SchemaRef,
    batches: Vec<RecordBatch>,
) -> Result<ArrowGrid, arrow_schema::ArrowError> {
    let batch = arrow_select::concat::concat_batches(&schema, &batches)?;
    Ok(ArrowGrid {
        names: schema.fields().iter().map(|f| f.name().clone()).collect(),
        columns: batch.columns().iter().map(canonical).collect(),
        rows: batch.num_rows(),
    })
}

fn unreadable(file: &str, format: &str, e: impl std::fmt::Display) -> IngestError {
    IngestError::Unreadable {
        file: file.to_string(),
        format: format.to_string(),
        reason: e.to_string(),
    }
}

/// Reads a Parquet file.
pub fn parquet(file: &str, bytes: &[u8]) -> Result<ArrowGrid, IngestError> {
    super::guarded(file, "Parquet", || parquet_unguarded(file, bytes))
}

fn parquet_unguarded(file: &str, bytes: &[u8]) -> Result<ArrowGrid, IngestError> {
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let data = bytes::Bytes::copy_from_slice(bytes);
    let builder = ParquetRecordBatchReaderBuilder::try_new(data)
        .map_err(|e| unreadable(file, "Parquet", e))?;
    let schema = builder.schema().clone();
    let reader = builder
        .with_batch_size(64 * 1024)
        .build()
        .map_err(|e| unreadable(file, "Parquet", e))?;
    let batches = reader
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| unreadable(file, "Parquet", e))?;
    grid_from_batches(schema, batches).map_err(|e| unreadable(file, "Parquet", e))
}

/// Reads an Arrow IPC file or stream.
pub fn arrow_ipc(file: &str, bytes: &[u8]) -> Result<ArrowGrid, IngestError> {
    super::guarded(file, "Arrow IPC", || arrow_ipc_unguarded(file, bytes))
}

fn arrow_ipc_unguarded(file: &str, bytes: &[u8]) -> Result<ArrowGrid, IngestError> {
    use arrow_ipc::reader::{FileReader, StreamReader};
    let (schema, batches) = if bytes.starts_with(b"ARROW1") {
        let reader = FileReader::try_new(Cursor::new(bytes), None)
            .map_err(|e| unreadable(file, "Arrow IPC", e))?;
        let schema = reader.schema();
        let batches = reader
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| unreadable(file, "Arrow IPC", e))?;
        (schema, batches)
    } else {
        let reader = StreamReader::try_new(Cursor::new(bytes), None)
            .map_err(|e| unreadable(file, "Arrow IPC", e))?;
        let schema = reader.schema();
        let batches = reader
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| unreadable(file, "Arrow IPC", e))?;
        (schema, batches)
    };
    grid_from_batches(schema, batches).map_err(|e| unreadable(file, "Arrow IPC", e))
}

/// Writes a record batch as Parquet (tests and the CLI's conversions).
pub fn write_parquet(batch: &RecordBatch) -> Result<Vec<u8>, parquet::errors::ParquetError> {
    let mut out = Vec::new();
    let mut w = parquet::arrow::ArrowWriter::try_new(&mut out, batch.schema(), None)?;
    w.write(batch)?;
    w.close()?;
    Ok(out)
}

//! Planning and reading for sources that arrive as a grid of typed cells (spreadsheets, JSON,
//! Parquet, Arrow IPC): the same kind guessing, roles and column builders as delimited text.

use super::cell::Cell;
use super::column::ColumnBuilder;
use super::encoding::TextEncoding;
use super::sniff::KindStats;
use super::{ColumnPlan, Plan, Progress, Stage, Table, TableColumn, roles};
use crate::error::IngestError;

/// Rows sampled to guess kinds and roles.
const SAMPLE_ROWS: usize = 1000;

/// A rectangular source of cells.
pub trait CellGrid {
    fn rows(&self) -> usize;
    fn columns(&self) -> usize;
    /// The cell at a data row (0-based, after any header) and column.
    fn cell(&self, row: usize, column: usize) -> Cell<'_>;
    /// The line (or spreadsheet row number) users see for a data row.
    fn line(&self, row: usize) -> u64;
}

/// Kind guesses for every column from the first rows.
pub fn guess_columns(grid: &dyn CellGrid) -> Vec<super::sniff::KindGuess> {
    let rows = grid.rows().min(SAMPLE_ROWS);
    (0..grid.columns())
        .map(|c| {
            let mut stats = KindStats::default();
            for r in 0..rows {
                grid.cell(r, c).observe(&mut stats);
            }
            stats.finish()
        })
        .collect()
}

/// Column plans from names and the grid's content, with role overrides applied.
pub fn plan_columns(
    names: Vec<String>,
    grid: &dyn CellGrid,
    overrides: &[(String, roles::Role)],
) -> Vec<ColumnPlan> {
    let guesses = guess_columns(grid);
    let role_guesses = super::assign_with_overrides(&names, &guesses, overrides);
    names
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
        .collect()
}

/// Reads the projected columns of a grid along its plan.
pub fn read_grid(
    grid: &dyn CellGrid,
    plan: &Plan,
    projection: Option<&[usize]>,
    dictionary: &[usize],
    progress: &mut dyn FnMut(Progress),
) -> Result<Table, IngestError> {
    let selected: Vec<&ColumnPlan> = match projection {
        Some(p) => p.iter().filter_map(|&i| plan.columns.get(i)).collect(),
        None => plan.columns.iter().collect(),
    };
    let rows = grid.rows();
    let total = selected.len().max(1) as f64;
    let mut columns = Vec::with_capacity(selected.len());
    for (n, c) in selected.iter().enumerate() {
        let mut b = ColumnBuilder::new(
            c.build_kind(),
            TextEncoding::Utf8,
            dictionary.contains(&c.index),
            c.guess.decimal.unwrap_or(plan.decimal_default),
            c.guess.order.unwrap_or(plan.date_order_default),
            rows,
        );
        for r in 0..rows {
            b.push_cell(grid.cell(r, c.index), grid.line(r));
        }
        let built = b.finish();
        columns.push(TableColumn {
            plan: (*c).clone(),
            array: built.array,
            kind: built.kind,
            format: built.format,
            invalid: built.invalid,
            nulls: built.nulls,
            first_blank_line: built.first_blank_line,
        });
        progress(Progress {
            stage: Stage::Parse,
            fraction: (n + 1) as f64 / total,
        });
    }
    Ok(Table {
        plan: plan.clone(),
        rows,
        columns,
        row_problems: Vec::new(),
        row_problem_count: 0,
    })
}

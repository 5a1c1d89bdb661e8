//! Accumulating rows from one or more files into columns: the header check across files, the
//! reservoir (which row slot a new row takes, if any), missing-value counts over every row and
//! each column's text dictionary. Kept cells are stored row by row (a sampled row replaces one
//! contiguous slot, not one cell in each of fifty columns) and read back column by column.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::cell::{Cell, is_missing_text, parse_number};
use super::sample::SplitMix64;
use super::{ReadOptions, Table};
use crate::DriftError;

/// One column as read: its kept cells, its texts and its missing count over every row.
#[derive(Debug, Clone)]
pub struct RawColumn {
    /// The header.
    pub name: String,
    /// Missing values over every row read (not only the kept ones).
    pub missing: u64,
    /// The table's kept cells, row by row (shared by its columns).
    rows: Arc<Vec<f64>>,
    /// This column's position in a row, and the row's width.
    index: usize,
    width: usize,
    dictionary: Vec<String>,
    lookup: HashMap<String, u32>,
}

impl RawColumn {
    fn new(name: String, index: usize, width: usize) -> Self {
        RawColumn {
            name,
            missing: 0,
            rows: Arc::new(Vec::new()),
            index,
            width,
            dictionary: Vec::new(),
            lookup: HashMap::new(),
        }
    }

    /// The kept values.
    pub fn cells(&self) -> impl Iterator<Item = Cell> + '_ {
        self.rows
            .iter()
            .skip(self.index)
            .step_by(self.width.max(1))
            .map(|packed| Cell::decode(*packed))
    }

    /// The kept value of row `row` (missing past the end).
    pub fn cell(&self, row: usize) -> Cell {
        self.rows
            .get(row * self.width + self.index)
            .map_or(Cell::Missing, |packed| Cell::decode(*packed))
    }

    /// The text of a [`Cell::Text`].
    pub fn text(&self, index: u32) -> &str {
        self.dictionary
            .get(index as usize)
            .map_or("", String::as_str)
    }

    fn intern(&mut self, text: &str) -> u32 {
        if let Some(index) = self.lookup.get(text) {
            return *index;
        }
        let index = self.dictionary.len() as u32;
        self.dictionary.push(text.to_owned());
        self.lookup.insert(text.to_owned(), index);
        index
    }
}

/// A value as a reader hands it over.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Value<'a> {
    Missing,
    Number(f64),
    Text(&'a str),
}

impl<'a> Value<'a> {
    /// A text field (CSV): missing, a number or a text.
    pub(crate) fn from_text(text: &'a str) -> Value<'a> {
        if is_missing_text(text) {
            Value::Missing
        } else if let Some(number) = parse_number(text) {
            Value::Number(number)
        } else {
            Value::Text(text.trim())
        }
    }
}

pub(crate) struct TableBuilder {
    options: ReadOptions,
    rng: SplitMix64,
    rows: u64,
    columns: Vec<RawColumn>,
    /// Kept cells, row by row.
    cells: Vec<f64>,
    started: bool,
}

impl TableBuilder {
    pub(crate) fn new(options: ReadOptions) -> Self {
        TableBuilder {
            options,
            rng: SplitMix64::new(options.seed),
            rows: 0,
            columns: Vec::new(),
            cells: Vec::new(),
            started: false,
        }
    }

    /// Declares a file's header; returns, for each of the file's columns, the table's column.
    pub(crate) fn header(
        &mut self,
        file: &Path,
        names: &[String],
    ) -> Result<Vec<usize>, DriftError> {
        let mut seen = std::collections::HashSet::new();
        for name in names {
            if !seen.insert(name.as_str()) {
                return Err(DriftError::Data(format!(
                    "{}: the column '{name}' appears twice in the header",
                    file.display()
                )));
            }
        }
        if !self.started {
            self.started = true;
            self.columns = names
                .iter()
                .enumerate()
                .map(|(index, name)| RawColumn::new(name.clone(), index, names.len()))
                .collect();
            return Ok((0..names.len()).collect());
        }
        let mut order = Vec::with_capacity(names.len());
        for name in names {
            let index = self
                .columns
                .iter()
                .position(|column| &column.name == name)
                .ok_or_else(|| {
                    DriftError::Data(format!(
                        "{}: the column '{name}' is not in the folder's first file",
                        file.display()
                    ))
                })?;
            order.push(index);
        }
        if let Some(missing) = self
            .columns
            .iter()
            .find(|column| !names.contains(&column.name))
        {
            return Err(DriftError::Data(format!(
                "{}: the column '{}' of the folder's first file is missing",
                file.display(),
                missing.name
            )));
        }
        Ok(order)
    }

    /// Whether a header was declared.
    pub(crate) fn has_header(&self) -> bool {
        self.started
    }

    /// Starts a row: the slot it is kept in, or `None` when the sample passes it by.
    pub(crate) fn next_row(&mut self) -> Option<usize> {
        self.rows += 1;
        let limit = self.options.max_rows as u64;
        if self.rows <= limit {
            let width = self.columns.len();
            self.cells
                .extend(std::iter::repeat_n(Cell::Missing.encode(), width));
            return Some(self.rows as usize - 1);
        }
        let slot = self.rng.below(self.rows);
        (slot < limit).then_some(slot as usize)
    }

    /// Counts a missing value of a row, kept or not.
    pub(crate) fn count_missing(&mut self, column: usize) {
        if let Some(column) = self.columns.get_mut(column) {
            column.missing += 1;
        }
    }

    /// Stores a value of a kept row.
    pub(crate) fn set(&mut self, slot: usize, column: usize, value: Value<'_>) {
        let width = self.columns.len();
        let Some(entry) = self.columns.get_mut(column) else {
            return;
        };
        let cell = match value {
            Value::Missing => Cell::Missing,
            Value::Number(number) if number.is_finite() => Cell::Number(number),
            Value::Number(_) => Cell::Missing,
            Value::Text(text) => Cell::Text(entry.intern(text)),
        };
        if let Some(packed) = self.cells.get_mut(slot * width + column) {
            *packed = cell.encode();
        }
    }

    pub(crate) fn finish(mut self, source: String, files: Vec<PathBuf>) -> Table {
        let width = self.columns.len();
        let kept_rows = self.cells.len().checked_div(width).unwrap_or(0);
        let rows = Arc::new(std::mem::take(&mut self.cells));
        for column in &mut self.columns {
            column.rows = Arc::clone(&rows);
        }
        Table {
            source,
            files,
            rows: self.rows,
            kept_rows,
            sampled: self.rows > self.options.max_rows as u64,
            seed: self.options.seed,
            columns: self.columns,
        }
    }
}

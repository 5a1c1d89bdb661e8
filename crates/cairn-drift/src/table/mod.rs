//! Reading a table: a CSV or Parquet file, or a folder of them read as one table (files in
//! name order, the same columns in each). Rows are streamed; above [`ReadOptions::max_rows`] a
//! seeded reservoir sample of rows is kept (deterministic for a seed), and missing values are
//! counted over every row. Values stay untyped until both tables are read: a column is numeric
//! when every non-missing value on both sides parses as a number (see `crate::engine`).

mod builder;
mod cell;
mod csv_file;
#[cfg(feature = "parquet")]
mod parquet_file;
mod sample;
mod write;

use std::path::{Path, PathBuf};

pub use builder::RawColumn;
pub use cell::{Cell, is_missing_text};

use crate::DriftError;
use builder::TableBuilder;

/// The rows kept by default: enough for stable scores, small enough for two 50-column tables
/// to fit in a few hundred megabytes.
pub const DEFAULT_MAX_ROWS: usize = 250_000;

/// How to read a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOptions {
    /// Rows kept; above this a reservoir sample of this many rows is kept.
    pub max_rows: usize,
    /// The sample's seed.
    pub seed: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_rows: DEFAULT_MAX_ROWS,
            seed: 0,
        }
    }
}

/// A column's kind, decided over both tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnKind {
    /// Every non-missing value is a number.
    Numeric,
    /// Some value is not a number (text, booleans, mixed).
    Categorical,
}

impl ColumnKind {
    /// `numeric` or `categorical`.
    pub fn as_str(self) -> &'static str {
        match self {
            ColumnKind::Numeric => "numeric",
            ColumnKind::Categorical => "categorical",
        }
    }
}

/// A table as read: its columns (the kept rows) and how it was read.
#[derive(Debug, Clone)]
pub struct Table {
    /// The path as given.
    pub source: String,
    /// The data files read.
    pub files: Vec<PathBuf>,
    /// Every row seen.
    pub rows: u64,
    /// Rows kept (all of them unless sampled).
    pub kept_rows: usize,
    /// Whether the kept rows are a sample.
    pub sampled: bool,
    /// The sample's seed.
    pub seed: u64,
    /// The columns, in the first file's order.
    pub columns: Vec<RawColumn>,
}

impl Table {
    /// How the table was read, in words (for reports).
    pub fn reading(&self) -> String {
        if self.sampled {
            format!(
                "streamed {} rows, kept a reservoir sample of {} (seed {})",
                self.rows, self.kept_rows, self.seed
            )
        } else {
            format!("streamed all {} rows", self.rows)
        }
    }
}

fn is_data_file(path: &Path) -> bool {
    let lower = path.to_string_lossy().to_ascii_lowercase();
    lower.ends_with(".csv") || lower.ends_with(".parquet") || lower.ends_with(".pq")
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), DriftError> {
    let entries = std::fs::read_dir(dir).map_err(|error| {
        DriftError::Data(format!("reading the folder {}: {error}", dir.display()))
    })?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|error| {
            DriftError::Data(format!("reading the folder {}: {error}", dir.display()))
        })?;
        paths.push(entry.path());
    }
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect_files(&path, out)?;
        } else if is_data_file(&path) {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads a CSV or Parquet file, or every such file under a folder, as one table.
pub fn read_table(path: &Path, options: ReadOptions) -> Result<Table, DriftError> {
    let metadata = std::fs::metadata(path)
        .map_err(|error| DriftError::Data(format!("{}: {error}", path.display())))?;
    let files = if metadata.is_dir() {
        let mut files = Vec::new();
        collect_files(path, &mut files)?;
        if files.is_empty() {
            return Err(DriftError::Data(format!(
                "{}: the folder holds no .csv or .parquet file",
                path.display()
            )));
        }
        files
    } else {
        vec![path.to_path_buf()]
    };
    if options.max_rows == 0 {
        return Err(DriftError::Usage("the row limit must be at least 1".into()));
    }
    let mut builder = TableBuilder::new(options);
    for file in &files {
        let lower = file.to_string_lossy().to_ascii_lowercase();
        if lower.ends_with(".parquet") || lower.ends_with(".pq") {
            read_parquet(file, &mut builder)?;
        } else {
            csv_file::read(file, &mut builder)?;
        }
    }
    Ok(builder.finish(path.display().to_string(), files))
}

/// Reads a table held in memory (an uploaded batch): Parquet when it starts with Parquet's
/// magic bytes, CSV otherwise; `name` names it in errors and reports.
pub fn read_table_bytes(
    name: &str,
    bytes: Vec<u8>,
    options: ReadOptions,
) -> Result<Table, DriftError> {
    if options.max_rows == 0 {
        return Err(DriftError::Usage("the row limit must be at least 1".into()));
    }
    let label = Path::new(name);
    let mut builder = TableBuilder::new(options);
    if bytes.starts_with(b"PAR1") {
        read_parquet_bytes(label, bytes, &mut builder)?;
    } else {
        csv_file::read_from(label, bytes.as_slice(), &mut builder)?;
    }
    if !builder.has_header() {
        return Err(DriftError::Data(format!("{name}: no header row")));
    }
    Ok(builder.finish(name.to_owned(), Vec::new()))
}

#[cfg(feature = "parquet")]
fn read_parquet_bytes(
    name: &Path,
    bytes: Vec<u8>,
    builder: &mut TableBuilder,
) -> Result<(), DriftError> {
    parquet_file::read_bytes(name, bytes, builder)
}

#[cfg(not(feature = "parquet"))]
fn read_parquet_bytes(
    name: &Path,
    _bytes: Vec<u8>,
    _builder: &mut TableBuilder,
) -> Result<(), DriftError> {
    Err(DriftError::Usage(format!(
        "{}: this build reads no Parquet (cairn-drift's `parquet` feature is off)",
        name.display()
    )))
}

#[cfg(feature = "parquet")]
fn read_parquet(file: &Path, builder: &mut TableBuilder) -> Result<(), DriftError> {
    parquet_file::read(file, builder)
}

#[cfg(not(feature = "parquet"))]
fn read_parquet(file: &Path, _builder: &mut TableBuilder) -> Result<(), DriftError> {
    Err(DriftError::Usage(format!(
        "{}: this build reads no Parquet (cairn-drift's `parquet` feature is off)",
        file.display()
    )))
}

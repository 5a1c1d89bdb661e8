//! Cairn's data drift engine: two tables (CSV or Parquet files, or folders of them) in, a
//! per-column verdict and a dataset verdict out.
//!
//! `table` reads a table (streamed; above a row limit, a seeded reservoir sample) and infers each
//! column's kind; `stats` holds the statistics, each checked against scipy; `engine` picks a test
//! per column (Evidently's default rules unless the user names one) and judges the dataset.
//! Nothing here knows about a terminal, HTTP or the store.

pub mod engine;
pub mod markdown;
pub mod performance;
pub mod stats;
pub mod table;

pub use engine::{ColumnDrift, Distribution, DriftOptions, DriftReport, TestKind, compare};
pub use performance::{Performance, Task, performance};
pub use table::{ColumnKind, ReadOptions, Table, read_table, read_table_bytes};

/// Why a drift check could not be made (bad input: the CLI exits 2).
#[derive(Debug, thiserror::Error)]
pub enum DriftError {
    /// A file could not be read or parsed; the message names the file (and row and column).
    #[error("{0}")]
    Data(String),
    /// An option or a combination of tables makes no check.
    #[error("{0}")]
    Usage(String),
}

/// Reads both tables (at once, one thread each) and compares them.
pub fn compare_files(
    reference: &std::path::Path,
    current: &std::path::Path,
    read: ReadOptions,
    options: &DriftOptions,
) -> Result<DriftReport, DriftError> {
    let (reference, current) = std::thread::scope(|scope| {
        let other = scope.spawn(|| read_table(current, read));
        let reference = read_table(reference, read);
        let current = other
            .join()
            .unwrap_or_else(|_| Err(DriftError::Data("reading the current data failed".into())));
        (reference, current)
    });
    compare(&reference?, &current?, options)
}

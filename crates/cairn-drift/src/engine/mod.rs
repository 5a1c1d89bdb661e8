//! Judging drift: pairs the two tables' columns by name, decides each column's kind, picks each
//! column's test (Evidently's default rules, or the test the user names) and judges the dataset
//! by the share of drifted columns.
//!
//! Evidently's defaults: with at most 1000 reference values, KS (p < 0.05) for numeric columns
//! with more than 5 distinct values, otherwise the Z-test for two values or chi-square; with
//! more, Wasserstein ÷ std (≥ 0.1) for numeric columns, otherwise Jensen–Shannon (≥ 0.1). The
//! dataset drifts when at least half of its columns do.

mod column;
mod distribution;
mod test_kind;

use serde::{Deserialize, Serialize};

pub use distribution::Distribution;
pub use test_kind::TestKind;

use crate::DriftError;
use crate::table::{ColumnKind, Table};

/// Reads a number that JSON holds as null when it was NaN.
fn nan_when_null<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(deserializer)?.unwrap_or(f64::NAN))
}

/// Evidently's default dataset share.
pub const DEFAULT_SHARE: f64 = 0.5;

/// What to check.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DriftOptions {
    /// The test for every column (when it fits the column's kind); Evidently's rules when `None`.
    pub test: Option<TestKind>,
    /// The threshold of that test (its default when `None`).
    pub threshold: Option<f64>,
    /// The dataset drifts when at least this share of its columns drift.
    pub share: f64,
}

impl DriftOptions {
    /// Checks the share and the threshold (before any file is read).
    pub fn validate(&self) -> Result<(), DriftError> {
        let options = self;
        if !(options.share > 0.0 && options.share <= 1.0) {
            return Err(DriftError::Usage(format!(
                "the drift share must be in (0, 1], not {}",
                options.share
            )));
        }
        if let Some(threshold) = options.threshold {
            if options.test.is_none() {
                return Err(DriftError::Usage(
                    "a threshold needs a test (--test ks|chi2|psi|wasserstein|jensenshannon)"
                        .into(),
                ));
            }
            if !(threshold.is_finite() && threshold > 0.0) {
                return Err(DriftError::Usage(format!(
                    "the threshold must be a positive number, not {threshold}"
                )));
            }
        }
        Ok(())
    }
}

impl Default for DriftOptions {
    fn default() -> Self {
        DriftOptions {
            test: None,
            threshold: None,
            share: DEFAULT_SHARE,
        }
    }
}

/// Counts of one column on one side.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SideCounts {
    /// Non-missing values tested (of the kept rows).
    pub values: u64,
    /// Missing values over every row read.
    pub missing: u64,
}

/// The verdict on one column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnDrift {
    /// The column.
    pub name: String,
    /// Its kind, inferred from both tables.
    pub kind: ColumnKind,
    /// How it was tested (numeric columns with ≤ 5 distinct values are tested as categories
    /// under the default rules).
    pub tested_as: ColumnKind,
    /// Distinct non-missing values over both tables.
    pub distinct: u64,
    /// The test.
    pub test: TestKind,
    /// Its score: a p-value (KS, chi-square, Z) or a distance (the others); NaN (JSON null)
    /// when it cannot be computed.
    #[serde(deserialize_with = "nan_when_null")]
    pub score: f64,
    /// The threshold.
    pub threshold: f64,
    /// Whether the column drifted.
    pub drifted: bool,
    /// The reference's counts.
    pub reference: SideCounts,
    /// The current table's counts.
    pub current: SideCounts,
    /// Categories of the current table absent from the reference (at most 20 listed).
    pub unseen_categories: Vec<String>,
    /// Current rows holding an unseen category.
    pub unseen_rows: u64,
    /// Anything worth saying (a substituted test…).
    pub note: String,
    /// Both distributions over common bins or categories (for the charts).
    pub distribution: Distribution,
}

/// A column that could not be tested.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkippedColumn {
    /// The column.
    pub name: String,
    /// Why.
    pub reason: String,
}

/// How a table was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableSummary {
    /// The path as given.
    pub source: String,
    /// Data files read.
    pub files: usize,
    /// Rows read.
    pub rows: u64,
    /// Rows kept and tested.
    pub kept_rows: usize,
    /// Whether the kept rows are a seeded sample.
    pub sampled: bool,
    /// The same, in words.
    pub reading: String,
}

impl TableSummary {
    fn of(table: &Table) -> TableSummary {
        TableSummary {
            source: table.source.clone(),
            files: table.files.len(),
            rows: table.rows,
            kept_rows: table.kept_rows,
            sampled: table.sampled,
            reading: table.reading(),
        }
    }
}

/// The whole verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriftReport {
    /// The reference table.
    pub reference: TableSummary,
    /// The current table.
    pub current: TableSummary,
    /// The tests used, in words.
    pub method: String,
    /// Each tested column, in the reference's order.
    pub columns: Vec<ColumnDrift>,
    /// Columns not tested, and why.
    pub skipped: Vec<SkippedColumn>,
    /// How many tested columns drifted.
    pub drifted_columns: usize,
    /// Their share of the tested columns.
    pub drift_share: f64,
    /// The share at which the dataset drifts.
    pub share_threshold: f64,
    /// Whether the dataset drifted.
    pub drifted: bool,
}

/// Compares `current` with `reference`.
pub fn compare(
    reference: &Table,
    current: &Table,
    options: &DriftOptions,
) -> Result<DriftReport, DriftError> {
    options.validate()?;
    let mut columns = Vec::new();
    let mut skipped = Vec::new();
    for column in &reference.columns {
        match current
            .columns
            .iter()
            .find(|other| other.name == column.name)
        {
            None => skipped.push(SkippedColumn {
                name: column.name.clone(),
                reason: "only in the reference".into(),
            }),
            Some(other) => match column::judge(column, other, options) {
                Ok(verdict) => columns.push(verdict),
                Err(reason) => skipped.push(SkippedColumn {
                    name: column.name.clone(),
                    reason,
                }),
            },
        }
    }
    for column in &current.columns {
        if !reference
            .columns
            .iter()
            .any(|other| other.name == column.name)
        {
            skipped.push(SkippedColumn {
                name: column.name.clone(),
                reason: "only in the current data".into(),
            });
        }
    }
    if columns.is_empty() {
        return Err(DriftError::Data(format!(
            "{} and {} have no column with values on both sides to compare",
            reference.source, current.source
        )));
    }
    let drifted_columns = columns.iter().filter(|column| column.drifted).count();
    let drift_share = drifted_columns as f64 / columns.len() as f64;
    let method = match options.test {
        None => "Evidently's defaults: ≤ 1000 reference values: KS / chi-square / Z-test \
                 (p < 0.05); more: Wasserstein ÷ std / Jensen–Shannon (≥ 0.1)"
            .to_owned(),
        Some(test) => format!(
            "{} with threshold {} where it fits the column's kind",
            test.label(),
            options.threshold.unwrap_or(test.default_threshold())
        ),
    };
    Ok(DriftReport {
        reference: TableSummary::of(reference),
        current: TableSummary::of(current),
        method,
        columns,
        skipped,
        drifted_columns,
        drift_share,
        share_threshold: options.share,
        drifted: drift_share >= options.share,
    })
}

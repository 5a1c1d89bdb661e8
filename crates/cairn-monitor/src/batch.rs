//! Judging a production batch: its drift against the version's reference and, when it carries
//! labels and predictions, the model's performance on it; then storing the outcome.

use cairn_core::Store;
use cairn_core::model::{ColumnScore, MonitoringBatch, NewMonitoringBatch};
use cairn_drift::performance::performance;
use cairn_drift::{DriftReport, Performance, ReadOptions, Table, compare, read_table_bytes};
use serde::Serialize;

use crate::reference::REFERENCE_MAX_ROWS;
use crate::settings::{LABEL_COLUMNS, PREDICTION_COLUMNS};
use crate::{ModelRef, MonitorError, MonitorSettings, resolve_version};

/// Rows of a batch that are judged: above this, a seeded sample of this many.
pub const BATCH_MAX_ROWS: usize = 250_000;

/// What one batch says of itself, over the version's settings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BatchOptions {
    /// The batch's name (a file name; empty gives `batch`).
    pub label: String,
    /// The labels' column, when not the settings' one.
    pub label_column: Option<String>,
    /// The predictions' column, when not the settings' one.
    pub prediction_column: Option<String>,
}

/// A judged batch: as stored, with its report.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchReport {
    /// The stored outcome.
    pub batch: MonitoringBatch,
    /// The drift report.
    pub drift: DriftReport,
    /// The performance, when the batch had labels and predictions.
    pub performance: Option<Performance>,
    /// The version's alerts this batch breaks, in words.
    pub alerts: Vec<String>,
}

/// The stored report: drift and performance together.
#[derive(Serialize)]
struct StoredReport<'a> {
    drift: &'a DriftReport,
    performance: Option<&'a Performance>,
}

/// Judges `data` (CSV or Parquet bytes) against the reference of `model` and stores the outcome
/// as received at `now_ms`.
pub fn log_batch(
    store: &dyn Store,
    model: &ModelRef,
    data: Vec<u8>,
    options: &BatchOptions,
    now_ms: i64,
) -> Result<BatchReport, MonitorError> {
    let version = resolve_version(store, model)?;
    let name = model.name();
    let reference =
        store
            .monitoring_reference(name, version)?
            .ok_or_else(|| MonitorError::NoReference {
                name: name.to_owned(),
                version,
            })?;
    let settings = MonitorSettings::from_json(&reference.settings);
    let label = if options.label.trim().is_empty() {
        "batch".to_owned()
    } else {
        options.label.clone()
    };
    let current = read_table_bytes(
        &label,
        data,
        ReadOptions {
            max_rows: BATCH_MAX_ROWS,
            seed: 0,
        },
    )?;
    let baseline = read_table_bytes(
        &format!("reference ({})", reference.source),
        reference.csv,
        ReadOptions {
            max_rows: REFERENCE_MAX_ROWS,
            seed: 0,
        },
    )?;
    let drift = compare(&baseline, &current, &settings.drift_options()?)?;
    let performance = judge_performance(&current, &settings, options)?;
    let scores = drift
        .columns
        .iter()
        .map(|column| ColumnScore {
            column: column.name.clone(),
            test: column.test.as_str().to_owned(),
            score: column.score,
            drifted: column.drifted,
        })
        .collect();
    let metrics = performance
        .as_ref()
        .map(|performance| performance.metrics.clone())
        .unwrap_or_default();
    let report = serde_json::to_string(&StoredReport {
        drift: &drift,
        performance: performance.as_ref(),
    })
    .map_err(|error| MonitorError::Invalid(format!("the report did not encode: {error}")))?;
    let alerts = settings
        .alerts
        .iter()
        .filter_map(|alert| {
            let value = alert.broken_by(drift.drift_share, &metrics)?;
            Some(format!(
                "{} is {value:.4}, the alert wants {}{}{}",
                alert.metric,
                alert.metric,
                alert.op.as_str(),
                alert.value
            ))
        })
        .collect();
    let batch = store.add_monitoring_batch(&NewMonitoringBatch {
        name: name.to_owned(),
        version,
        received_ms: now_ms,
        label,
        rows: current.rows,
        drift_share: drift.drift_share,
        dataset_drift: drift.drifted,
        scores,
        metrics,
        report,
    })?;
    Ok(BatchReport {
        batch,
        drift,
        performance,
        alerts,
    })
}

/// The performance on the batch, when it has both a label and a prediction column. A column the
/// batch names that is not there is an error; the settings' or the usual names may be absent
/// (a batch without labels is normal).
fn judge_performance(
    table: &Table,
    settings: &MonitorSettings,
    options: &BatchOptions,
) -> Result<Option<Performance>, MonitorError> {
    let has = |name: &str| table.columns.iter().any(|column| column.name == name);
    for named in [&options.label_column, &options.prediction_column]
        .into_iter()
        .flatten()
    {
        if !has(named) {
            return Err(MonitorError::Invalid(format!(
                "{}: no column '{named}'",
                table.source
            )));
        }
    }
    let pick = |given: &Option<String>, configured: &Option<String>, usual: &[&str]| {
        given
            .clone()
            .or_else(|| configured.clone().filter(|name| has(name)))
            .or_else(|| {
                usual
                    .iter()
                    .find(|name| has(name))
                    .map(|name| (*name).to_owned())
            })
    };
    let label = pick(&options.label_column, &settings.label_column, LABEL_COLUMNS);
    let prediction = pick(
        &options.prediction_column,
        &settings.prediction_column,
        PREDICTION_COLUMNS,
    );
    match (label, prediction) {
        (Some(label), Some(prediction)) => {
            Ok(performance(table, &label, &prediction, settings.task()?)?)
        }
        _ => Ok(None),
    }
}

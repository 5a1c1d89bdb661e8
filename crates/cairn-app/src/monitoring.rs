//! The Monitoring tab of a model version and the drift views: a version's reference, its batches
//! over time (drift share, per-column scores, performance metrics, broken alerts), one batch's
//! full report, and the drift report shape the compare view shares.

use cairn_core::Store;
use cairn_core::model::{MonitoringBatch, MonitoringReferenceSummary};
use cairn_drift::{DriftReport, Performance};
use cairn_monitor::MonitorSettings;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{AppError, ErrorKind};

/// Batches the Monitoring tab shows (the newest).
pub const TAB_BATCHES: usize = 1000;

/// How a version's batches are judged, and from what data.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReferenceView {
    /// Where the reference data came from.
    pub source: String,
    /// Rows of that data.
    pub rows: u64,
    /// Size of the kept sample.
    pub sample_bytes: u64,
    /// Set at, epoch milliseconds.
    pub created_ms: i64,
    /// The drift test, when one is chosen (Evidently's rules otherwise).
    pub test: Option<String>,
    /// Its threshold, when chosen.
    pub threshold: Option<f64>,
    /// The share of drifted columns at which a batch drifts.
    pub share: f64,
    /// The labels' column, when named.
    pub label_column: Option<String>,
    /// The predictions' column, when named.
    pub prediction_column: Option<String>,
    /// `classification` or `regression`, when named.
    pub task: Option<String>,
}

/// A threshold drawn on a metric's chart.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AlertView {
    /// `accuracy`, `f1`, `auc`, `mae`, `rmse` or `drift_share`.
    pub metric: String,
    /// `>=` (healthy at or above) or `<=`.
    pub op: String,
    /// The threshold.
    pub value: f64,
}

/// A named number of a batch.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BatchMetric {
    /// `accuracy`, `f1`, `auc`, `mae`, `rmse`.
    pub name: String,
    /// Its value; null when not finite.
    pub value: Option<f64>,
}

/// One column's score in a batch.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ScoreView {
    /// The column.
    pub column: String,
    /// The test.
    pub test: String,
    /// The score; null when it could not be computed.
    pub score: Option<f64>,
    /// Whether it drifted.
    pub drifted: bool,
}

/// One batch, as the tab's charts and table show it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BatchView {
    /// Its id.
    pub id: String,
    /// Received at, epoch milliseconds.
    pub received_ms: i64,
    /// Its name.
    pub label: String,
    /// Rows in it.
    pub rows: u64,
    /// Share of tested columns that drifted.
    pub drift_share: f64,
    /// Whether the dataset drifted.
    pub dataset_drift: bool,
    /// Each tested column's score.
    pub scores: Vec<ScoreView>,
    /// Performance metrics, when it had labels.
    pub metrics: Vec<BatchMetric>,
    /// The alerts it breaks, in words.
    pub broken_alerts: Vec<String>,
}

/// The Monitoring tab of a version.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MonitoringView {
    /// The model.
    pub name: String,
    /// The version.
    pub version: u64,
    /// Its reference, if one is set.
    pub reference: Option<ReferenceView>,
    /// Its alerts.
    pub alerts: Vec<AlertView>,
    /// Its newest batches, oldest first.
    pub batches: Vec<BatchView>,
}

/// How one side of a comparison was read.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DriftTableView {
    /// What was read.
    pub source: String,
    /// Rows read.
    pub rows: u64,
    /// Rows tested.
    pub kept_rows: u64,
    /// Whether they were a sample.
    pub sampled: bool,
    /// The same in words.
    pub reading: String,
}

/// Both sides' distributions of a column over common bins or categories (shares).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DistributionView {
    /// Bin edges (numeric columns; one more than the shares).
    pub edges: Option<Vec<f64>>,
    /// Categories (categorical columns).
    pub categories: Vec<String>,
    /// The reference's shares.
    pub reference: Vec<f64>,
    /// The current data's shares.
    pub current: Vec<f64>,
}

/// One column's verdict.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ColumnDriftView {
    /// The column.
    pub name: String,
    /// `numeric` or `categorical`.
    pub kind: String,
    /// How it was tested (`categorical` for numbers with few values).
    pub tested_as: String,
    /// The test (`ks`, `chi2`, `z`, `psi`, `wasserstein`, `jensenshannon`).
    pub test: String,
    /// Whether the score is a p-value (drift below the threshold) or a distance (at or above).
    pub score_is_p_value: bool,
    /// The score; null when it could not be computed.
    pub score: Option<f64>,
    /// The threshold.
    pub threshold: f64,
    /// Whether the column drifted.
    pub drifted: bool,
    /// Values tested on the reference side.
    pub reference_values: u64,
    /// Values tested on the current side.
    pub current_values: u64,
    /// Missing values on the reference side.
    pub reference_missing: u64,
    /// Missing values on the current side.
    pub current_missing: u64,
    /// Current categories the reference never had (at most 20).
    pub unseen_categories: Vec<String>,
    /// Current rows holding one of them.
    pub unseen_rows: u64,
    /// Anything worth saying.
    pub note: String,
    /// Both distributions.
    pub distribution: DistributionView,
}

/// A column left out, and why.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SkippedColumnView {
    /// The column.
    pub name: String,
    /// Why.
    pub reason: String,
}

/// A drift report.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DriftView {
    /// The reference side.
    pub reference: DriftTableView,
    /// The current side.
    pub current: DriftTableView,
    /// The tests used, in words.
    pub method: String,
    /// Tested columns.
    pub columns: Vec<ColumnDriftView>,
    /// Columns not tested.
    pub skipped: Vec<SkippedColumnView>,
    /// How many drifted.
    pub drifted_columns: u64,
    /// Their share.
    pub drift_share: f64,
    /// The share at which the dataset drifts.
    pub share_threshold: f64,
    /// Whether it did.
    pub drifted: bool,
}

/// A batch's performance.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PerformanceView {
    /// `classification` or `regression`.
    pub task: String,
    /// Rows with a label and a prediction.
    pub rows: u64,
    /// Rows without one of them.
    pub skipped: u64,
    /// The metrics.
    pub metrics: Vec<BatchMetric>,
}

/// One batch with its whole report.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BatchDetailView {
    /// The batch.
    pub batch: BatchView,
    /// Its drift report.
    pub drift: Option<DriftView>,
    /// Its performance, when it had labels.
    pub performance: Option<PerformanceView>,
}

fn finite(value: f64) -> Option<f64> {
    value.is_finite().then_some(value)
}

fn metric_values(metrics: &[(String, f64)]) -> Vec<BatchMetric> {
    metrics
        .iter()
        .map(|(name, value)| BatchMetric {
            name: name.clone(),
            value: finite(*value),
        })
        .collect()
}

impl DriftView {
    /// The view of an engine's report.
    pub fn of(report: &DriftReport) -> DriftView {
        let table = |summary: &cairn_drift::engine::TableSummary| DriftTableView {
            source: summary.source.clone(),
            rows: summary.rows,
            kept_rows: summary.kept_rows as u64,
            sampled: summary.sampled,
            reading: summary.reading.clone(),
        };
        DriftView {
            reference: table(&report.reference),
            current: table(&report.current),
            method: report.method.clone(),
            columns: report
                .columns
                .iter()
                .map(|column| ColumnDriftView {
                    name: column.name.clone(),
                    kind: column.kind.as_str().to_owned(),
                    tested_as: column.tested_as.as_str().to_owned(),
                    test: column.test.as_str().to_owned(),
                    score_is_p_value: column.test.is_p_value(),
                    score: finite(column.score),
                    threshold: column.threshold,
                    drifted: column.drifted,
                    reference_values: column.reference.values,
                    current_values: column.current.values,
                    reference_missing: column.reference.missing,
                    current_missing: column.current.missing,
                    unseen_categories: column.unseen_categories.clone(),
                    unseen_rows: column.unseen_rows,
                    note: column.note.clone(),
                    distribution: DistributionView {
                        edges: column.distribution.edges.clone(),
                        categories: column.distribution.categories.clone(),
                        reference: column.distribution.reference.clone(),
                        current: column.distribution.current.clone(),
                    },
                })
                .collect(),
            skipped: report
                .skipped
                .iter()
                .map(|skipped| SkippedColumnView {
                    name: skipped.name.clone(),
                    reason: skipped.reason.clone(),
                })
                .collect(),
            drifted_columns: report.drifted_columns as u64,
            drift_share: report.drift_share,
            share_threshold: report.share_threshold,
            drifted: report.drifted,
        }
    }
}

fn reference_view(
    summary: &MonitoringReferenceSummary,
    settings: &MonitorSettings,
) -> ReferenceView {
    ReferenceView {
        source: summary.source.clone(),
        rows: summary.rows,
        sample_bytes: summary.sample_bytes,
        created_ms: summary.created_ms,
        test: settings.test.clone(),
        threshold: settings.threshold,
        share: settings.share,
        label_column: settings.label_column.clone(),
        prediction_column: settings.prediction_column.clone(),
        task: settings.task.clone(),
    }
}

fn batch_view(batch: &MonitoringBatch, settings: &MonitorSettings) -> BatchView {
    let stored = &batch.batch;
    let broken_alerts = settings
        .alerts
        .iter()
        .filter_map(|alert| {
            let value = alert.broken_by(stored.drift_share, &stored.metrics)?;
            Some(format!(
                "{} {value:.3} (wants {}{})",
                alert.metric,
                alert.op.as_str(),
                alert.value
            ))
        })
        .collect();
    BatchView {
        id: batch.id.to_string(),
        received_ms: stored.received_ms,
        label: stored.label.clone(),
        rows: stored.rows,
        drift_share: stored.drift_share,
        dataset_drift: stored.dataset_drift,
        scores: stored
            .scores
            .iter()
            .map(|score| ScoreView {
                column: score.column.clone(),
                test: score.test.clone(),
                score: finite(score.score),
                drifted: score.drifted,
            })
            .collect(),
        metrics: metric_values(&stored.metrics),
        broken_alerts,
    }
}

fn settings_of(
    store: &dyn Store,
    name: &str,
    version: u64,
) -> Result<(Option<MonitoringReferenceSummary>, MonitorSettings), AppError> {
    let summary = store.monitoring_reference_summary(name, version)?;
    let settings = summary
        .as_ref()
        .map(|summary| MonitorSettings::from_json(&summary.settings))
        .unwrap_or_default();
    Ok((summary, settings))
}

/// The Monitoring tab of `name` version `version`.
pub fn monitoring_view(
    store: &dyn Store,
    name: &str,
    version: u64,
) -> Result<MonitoringView, AppError> {
    let (summary, settings) = settings_of(store, name, version)?;
    let batches = store.list_monitoring_batches(name, version, TAB_BATCHES)?;
    Ok(MonitoringView {
        name: name.to_owned(),
        version,
        reference: summary
            .as_ref()
            .map(|summary| reference_view(summary, &settings)),
        alerts: settings
            .alerts
            .iter()
            .map(|alert| AlertView {
                metric: alert.metric.clone(),
                op: alert.op.as_str().to_owned(),
                value: alert.value,
            })
            .collect(),
        batches: batches
            .iter()
            .map(|batch| batch_view(batch, &settings))
            .collect(),
    })
}

/// The stored report of a batch.
#[derive(Deserialize)]
struct StoredReport {
    drift: Option<DriftReport>,
    performance: Option<Performance>,
}

/// One batch of `name` version `version` with its whole report.
pub fn monitoring_batch(
    store: &dyn Store,
    name: &str,
    version: u64,
    id: i64,
) -> Result<BatchDetailView, AppError> {
    let (_, settings) = settings_of(store, name, version)?;
    let batch = store
        .monitoring_batch(id)?
        .filter(|batch| batch.batch.name == name && batch.batch.version == version)
        .ok_or_else(|| {
            AppError::new(
                ErrorKind::NotFound,
                format!(
                    "version {version} of registered model '{name}' has no monitoring batch {id}"
                ),
            )
        })?;
    let stored: Option<StoredReport> = serde_json::from_str(&batch.batch.report).ok();
    let (drift, performance) = match stored {
        Some(stored) => (stored.drift, stored.performance),
        None => (None, None),
    };
    Ok(BatchDetailView {
        batch: batch_view(&batch, &settings),
        drift: drift.as_ref().map(DriftView::of),
        performance: performance.map(|performance| PerformanceView {
            task: performance.task.as_str().to_owned(),
            rows: performance.rows,
            skipped: performance.skipped,
            metrics: metric_values(&performance.metrics),
        }),
    })
}

//! The monitoring gauges of `/metrics`, in Prometheus' text format: for each monitored version,
//! its newest batch's drift share, each column's drift score and the model's metrics, so that an
//! existing Prometheus and Grafana can chart and alert on them.

use std::fmt::Write as _;

use cairn_core::model::MonitoringBatch;
use cairn_core::{MonitoringStore, StoreError};

/// A batch's samples of one family: extra labels (after `model` and `version`) and a value.
type Samples = fn(&MonitoringBatch) -> Vec<(String, f64)>;

/// The families, in the order they are written: name, help, samples.
const FAMILIES: &[(&str, &str, Samples)] = &[
    (
        "cairn_drift_share",
        "Share of a model version's columns that drifted in its newest monitored batch.",
        |batch| vec![(String::new(), batch.batch.drift_share)],
    ),
    (
        "cairn_drift_detected",
        "1 when a model version's newest monitored batch drifted as a dataset, else 0.",
        |batch| {
            let value = if batch.batch.dataset_drift { 1.0 } else { 0.0 };
            vec![(String::new(), value)]
        },
    ),
    (
        "cairn_drift_score",
        "A column's drift score in a model version's newest batch: a p-value (ks, chi2, z) or a distance (wasserstein, jensenshannon, psi).",
        |batch| {
            batch
                .batch
                .scores
                .iter()
                .map(|score| {
                    let labels = format!(
                        ",column=\"{}\",test=\"{}\"",
                        escape(&score.column),
                        escape(&score.test)
                    );
                    (labels, score.score)
                })
                .collect()
        },
    ),
    (
        "cairn_model_metric",
        "A model version's performance on its newest labelled batch (accuracy, f1, auc, mae, rmse).",
        |batch| {
            batch
                .batch
                .metrics
                .iter()
                .map(|(metric, value)| (format!(",metric=\"{}\"", escape(metric)), *value))
                .collect()
        },
    ),
    (
        "cairn_monitoring_batch_rows",
        "Rows in a model version's newest monitored batch.",
        |batch| vec![(String::new(), batch.batch.rows as f64)],
    ),
    (
        "cairn_monitoring_batch_timestamp_seconds",
        "When a model version's newest monitored batch arrived, Unix seconds.",
        |batch| vec![(String::new(), batch.batch.received_ms as f64 / 1000.0)],
    ),
];

/// The gauges' exposition (with `# HELP` and `# TYPE` lines), empty when nothing is monitored.
pub fn prometheus_text(store: &dyn MonitoringStore) -> Result<String, StoreError> {
    let latest = store.latest_monitoring_batches()?;
    let mut out = String::new();
    if latest.is_empty() {
        return Ok(out);
    }
    for (name, help, samples) in FAMILIES {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
        for batch in &latest {
            let model = labels(&batch.batch.name, batch.batch.version);
            for (extra, value) in samples(batch) {
                sample(&mut out, name, &format!("{model}{extra}"), value);
            }
        }
    }
    Ok(out)
}

fn labels(model: &str, version: u64) -> String {
    format!("model=\"{}\",version=\"{version}\"", escape(model))
}

fn sample(out: &mut String, name: &str, labels: &str, value: f64) {
    let value = if value.is_nan() {
        "NaN".to_owned()
    } else if value.is_infinite() {
        if value > 0.0 { "+Inf" } else { "-Inf" }.to_owned()
    } else {
        format!("{value}")
    };
    let _ = writeln!(out, "{name}{{{labels}}} {value}");
}

/// A label value as the text format wants it: backslash, double quote and newline escaped.
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for character in value.chars() {
        match character {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            other => out.push(other),
        }
    }
    out
}

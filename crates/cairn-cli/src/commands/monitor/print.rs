//! What `cairn monitor` prints: tables for a person, one JSON document with `--json`.

use cairn_core::model::{MonitoringBatch, MonitoringReferenceSummary};
use cairn_drift::Table as DataTable;
use cairn_drift::markdown::format_score;
use cairn_monitor::BatchReport;
use serde_json::{Value, json};

use crate::output::{Table, format_time};

fn metrics_text(metrics: &[(String, f64)]) -> String {
    metrics
        .iter()
        .map(|(name, value)| format!("{name} {value:.4}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn metrics_json(metrics: &[(String, f64)]) -> Value {
    Value::Object(
        metrics
            .iter()
            .map(|(name, value)| (name.clone(), json!(value)))
            .collect(),
    )
}

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// The reference just set.
pub fn reference(
    summary: &MonitoringReferenceSummary,
    table: &DataTable,
    how: &str,
    json: bool,
) -> std::io::Result<()> {
    if json {
        let settings: Value = serde_json::from_str(&summary.settings).unwrap_or(Value::Null);
        println!(
            "{}",
            json!({
                "name": summary.name,
                "version": summary.version,
                "source": summary.source,
                "rows": summary.rows,
                "kept_rows": table.kept_rows,
                "columns": table.columns.iter().map(|column| column.name.clone()).collect::<Vec<_>>(),
                "settings": settings,
            })
        );
        return Ok(());
    }
    println!(
        "models:/{}/{}: reference set from {} ({how}): {}, {} columns",
        summary.name,
        summary.version,
        summary.source,
        table.reading(),
        table.columns.len()
    );
    Ok(())
}

/// The batches just judged.
pub fn batches(reports: &[BatchReport], json: bool) -> std::io::Result<()> {
    if json {
        let items: Vec<Value> = reports
            .iter()
            .map(|report| {
                let batch = &report.batch.batch;
                json!({
                    "id": report.batch.id,
                    "label": batch.label,
                    "rows": batch.rows,
                    "drift_share": batch.drift_share,
                    "drifted": batch.dataset_drift,
                    "drifted_columns": report.drift.columns.iter().filter(|c| c.drifted).map(|c| c.name.clone()).collect::<Vec<_>>(),
                    "metrics": metrics_json(&batch.metrics),
                    "alerts": report.alerts,
                })
            })
            .collect();
        println!("{}", Value::Array(items));
        return Ok(());
    }
    let mut table = Table::new([
        "BATCH",
        "ROWS",
        "DRIFT",
        "DRIFTED COLUMNS",
        "METRICS",
        "ALERTS",
    ]);
    for report in reports {
        let batch = &report.batch.batch;
        let drifted: Vec<String> = report
            .drift
            .columns
            .iter()
            .filter(|column| column.drifted)
            .map(|column| {
                format!(
                    "{} ({} {})",
                    column.name,
                    column.test.as_str(),
                    format_score(column.score)
                )
            })
            .collect();
        table.row([
            batch.label.clone(),
            batch.rows.to_string(),
            format!(
                "{} {}",
                percent(batch.drift_share),
                if batch.dataset_drift { "DRIFT" } else { "ok" }
            ),
            if drifted.is_empty() {
                "-".to_owned()
            } else {
                drifted.join(", ")
            },
            metrics_text(&batch.metrics),
            report.alerts.join("; "),
        ]);
    }
    table.print()
}

/// A version's batches.
pub fn history(
    name: &str,
    version: u64,
    reference: Option<&MonitoringReferenceSummary>,
    batches: &[MonitoringBatch],
    json: bool,
) -> std::io::Result<()> {
    if json {
        let items: Vec<Value> = batches
            .iter()
            .map(|batch| {
                json!({
                    "id": batch.id,
                    "received_ms": batch.batch.received_ms,
                    "label": batch.batch.label,
                    "rows": batch.batch.rows,
                    "drift_share": batch.batch.drift_share,
                    "drifted": batch.batch.dataset_drift,
                    "metrics": metrics_json(&batch.batch.metrics),
                })
            })
            .collect();
        println!(
            "{}",
            json!({
                "name": name,
                "version": version,
                "reference": reference.map(|reference| json!({"source": reference.source, "rows": reference.rows})),
                "batches": items,
            })
        );
        return Ok(());
    }
    match reference {
        Some(reference) => println!(
            "models:/{name}/{version}: reference {} ({} rows, set {})",
            reference.source,
            reference.rows,
            format_time(reference.created_ms)
        ),
        None => println!("models:/{name}/{version}: no reference set"),
    }
    if batches.is_empty() {
        println!("no batches logged");
        return Ok(());
    }
    let mut table = Table::new(["RECEIVED", "BATCH", "ROWS", "DRIFT", "METRICS"]);
    for batch in batches {
        let stored = &batch.batch;
        table.row([
            format_time(stored.received_ms),
            stored.label.clone(),
            stored.rows.to_string(),
            format!(
                "{} {}",
                percent(stored.drift_share),
                if stored.dataset_drift { "DRIFT" } else { "ok" }
            ),
            metrics_text(&stored.metrics),
        ]);
    }
    table.print()
}

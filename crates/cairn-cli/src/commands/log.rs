//! `cairn log param|metric|tag`: logging from shell pipelines.

use anyhow::{Context, bail};
use cairn_core::Store;
use cairn_core::model::{LogBatch, MetricPoint, NamedMetricPoint, Param, Tag};
use cairn_core::time::now_millis;

use crate::args::LogCommand;

pub fn log(store: &dyn Store, command: LogCommand) -> anyhow::Result<()> {
    let (run_id, batch) = match command {
        LogCommand::Param { run_id, key, value } => (
            run_id,
            LogBatch {
                params: vec![Param { key, value }],
                ..LogBatch::default()
            },
        ),
        LogCommand::Tag { run_id, key, value } => (
            run_id,
            LogBatch {
                tags: vec![Tag { key, value }],
                ..LogBatch::default()
            },
        ),
        LogCommand::Metric {
            run_id,
            key,
            value,
            step,
            timestamp,
        } => {
            let value =
                parse_metric_value(&value).with_context(|| format!("value of metric '{key}'"))?;
            let point = MetricPoint {
                step,
                timestamp_ms: timestamp.unwrap_or_else(now_millis),
                value,
            };
            (
                run_id,
                LogBatch {
                    metrics: vec![NamedMetricPoint { key, point }],
                    ..LogBatch::default()
                },
            )
        }
    };
    store.log_batch(&super::run_ids::resolve(store, &run_id)?, &batch)?;
    Ok(())
}

/// A number, or `nan`, `inf`, `+inf`, `-inf`, `infinity` in any case.
fn parse_metric_value(text: &str) -> anyhow::Result<f64> {
    let trimmed = text.trim();
    match trimmed.to_ascii_lowercase().as_str() {
        "nan" => return Ok(f64::NAN),
        "inf" | "+inf" | "infinity" | "+infinity" => return Ok(f64::INFINITY),
        "-inf" | "-infinity" => return Ok(f64::NEG_INFINITY),
        _ => {}
    }
    match trimmed.parse::<f64>() {
        Ok(value) => Ok(value),
        Err(_) => bail!("'{text}' is not a number"),
    }
}

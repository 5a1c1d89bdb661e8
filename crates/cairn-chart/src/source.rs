//! Reading what charts need from a store: metric histories (in parallel), and a run's param or
//! final metric value for scatter, parallel coordinates and histograms.

use cairn_core::Store;
use cairn_core::model::Run;

use crate::{ChartError, RunSeries};

/// A run attribute a chart can plot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// A param, by key (numeric when every run's value parses as a number, else categorical).
    Param(String),
    /// A metric's latest value, by key.
    Metric(String),
}

impl Field {
    /// Parses `params.KEY` or `metrics.KEY`; a bare key means a metric.
    pub fn parse(text: &str) -> Field {
        if let Some(key) = text.strip_prefix("params.").or(text.strip_prefix("param.")) {
            Field::Param(key.to_string())
        } else if let Some(key) = text
            .strip_prefix("metrics.")
            .or(text.strip_prefix("metric."))
        {
            Field::Metric(key.to_string())
        } else {
            Field::Metric(text.to_string())
        }
    }

    /// `params.KEY` or `metrics.KEY`.
    pub fn label(&self) -> String {
        match self {
            Field::Param(key) => format!("params.{key}"),
            Field::Metric(key) => format!("metrics.{key}"),
        }
    }
}

/// A run's value of a [`Field`].
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    /// A number (a metric, or a param that parses as one).
    Number(f64),
    /// A param that is not a number.
    Category(String),
}

/// The value of `field` for `run`; `None` when the run lacks it.
pub fn field_value(run: &Run, field: &Field) -> Option<FieldValue> {
    match field {
        Field::Metric(key) => run
            .metrics
            .iter()
            .find(|metric| &metric.key == key)
            .map(|metric| FieldValue::Number(metric.latest.value)),
        Field::Param(key) => run
            .params
            .iter()
            .find(|param| &param.key == key)
            .map(|param| match param.value.trim().parse::<f64>() {
                Ok(number) => FieldValue::Number(number),
                Err(_) => FieldValue::Category(param.value.clone()),
            }),
    }
}

/// The history of metric `key` for each run, in the runs' order, read on up to as many threads
/// as the machine has cores (the store's readers run in parallel). Runs without the metric get
/// an empty history.
pub fn load_histories(
    store: &dyn Store,
    runs: &[Run],
    key: &str,
) -> Result<Vec<RunSeries>, ChartError> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 8)
        .min(runs.len().max(1));
    let chunk = runs.len().div_ceil(threads).max(1);
    let results: Vec<Result<Vec<RunSeries>, ChartError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = runs
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|run| {
                            Ok(RunSeries {
                                run_id: run.info.run_id.clone(),
                                run_name: run.info.run_name.clone(),
                                points: store.metric_history(&run.info.run_id, key)?,
                            })
                        })
                        .collect::<Result<Vec<_>, ChartError>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|_| Err(ChartError::Draw("a history reader panicked".into())))
            })
            .collect()
    });
    let mut series = Vec::with_capacity(runs.len());
    for part in results {
        series.extend(part?);
    }
    Ok(series)
}

//! `POST /api/2.0/cairn/runs/append-metrics`: whole stretches of metric histories in one request,
//! column by column — what `cairn push` sends to a Cairn server instead of MLflow's `log-batch`
//! of at most 1,000 metrics. The body is
//! `{"run_id", "metrics": [{"key", "steps": [..], "timestamps": [..], "values": [..]}]}`, the
//! three lists of a key of one length; values are numbers or `"NaN"`, `"Infinity"`,
//! `"-Infinity"`. Each key's points are appended to its history in order, as one write.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use cairn_core::model::MetricPoint;
use serde_json::{Value, json};

use crate::Shared;
use crate::args::{Args, double};
use crate::error::{ApiError, ApiResult};
use crate::schema::{Kind, optional, required};

/// Most points one request may carry.
pub const MAX_POINTS: usize = 200_000;

pub fn routes() -> Router<Shared> {
    Router::new().route("/runs/append-metrics", post(append_metrics))
}

/// An int64 list item (a number or a numeric string).
fn integer(value: &Value, field: &str) -> Result<i64, ApiError> {
    match value {
        Value::Number(number) => number.as_i64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
    .ok_or_else(|| ApiError::invalid(format!("invalid {field}: {value} is not an integer")))
}

/// One key's points from its three columns.
fn points_of(entry: &Args, index: usize) -> Result<(String, Vec<MetricPoint>), ApiError> {
    let key = entry.req_str("key")?;
    let column = |name: &str| -> Result<Vec<Value>, ApiError> {
        match entry.get(name) {
            Some(Value::Array(items)) => Ok(items.clone()),
            None => Ok(Vec::new()),
            Some(other) => Err(ApiError::invalid(format!(
                "invalid metrics[{index}].{name}: {other} is not a list"
            ))),
        }
    };
    let (steps, timestamps, values) = (column("steps")?, column("timestamps")?, column("values")?);
    if steps.len() != values.len() || timestamps.len() != values.len() {
        return Err(ApiError::invalid(format!(
            "metrics[{index}] ('{key}'): steps, timestamps and values must be lists of one length \
             (got {}, {} and {})",
            steps.len(),
            timestamps.len(),
            values.len()
        )));
    }
    let mut points = Vec::with_capacity(values.len());
    for ((step, timestamp), value) in steps.iter().zip(&timestamps).zip(&values) {
        points.push(MetricPoint {
            step: integer(step, &format!("metrics[{index}].steps"))?,
            timestamp_ms: integer(timestamp, &format!("metrics[{index}].timestamps"))?,
            value: double(value, &format!("metrics[{index}].values"))?,
        });
    }
    Ok((key, points))
}

async fn append_metrics(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[
        required("run_id", Kind::Str),
        optional("metrics", Kind::List),
    ])?;
    let run_id = args.run_id()?;
    let mut histories = Vec::new();
    let mut total = 0_usize;
    for (index, item) in args.list("metrics").iter().enumerate() {
        let (key, points) = points_of(&Args::object(item), index)?;
        total += points.len();
        if total > MAX_POINTS {
            return Err(ApiError::invalid(format!(
                "metrics: more than {MAX_POINTS} points in one request; send them in parts"
            )));
        }
        histories.push((key, points));
    }
    state
        .call(move |store| {
            for (key, points) in &histories {
                store.append_metric(&run_id, key, points)?;
            }
            Ok(())
        })
        .await?;
    state.telemetry.points_ingested(total);
    Ok(Json(json!({"points": total})))
}

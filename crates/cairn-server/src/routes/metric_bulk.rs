//! `metrics/get-history-bulk` and `metrics/get-history-bulk-interval`: one metric's history over
//! many runs, as MLflow's UI charts it, streamed as `{"metrics": [{key, value, timestamp, step,
//! run_id}, ...]}`.

use std::cmp::Ordering;

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use cairn_core::model::MetricPoint;
use cairn_core::{Store, StoreError, StoreResult};

use crate::args::Args;
use crate::error::ApiResult;
use crate::json_body::{JsonAnswer, JsonArrayBody};
use crate::messages;
use crate::schema::{Kind, optional, required};
use crate::{Shared, wire};

/// Most runs one `get-history-bulk` may name (MLflow's `MAX_RUN_IDS_PER_REQUEST`).
pub const MAX_BULK_RUNS: usize = 100;
/// Most points one `get-history-bulk` answers, over all its runs (MLflow's `MAX_HISTORY_RESULTS`).
pub const MAX_BULK_POINTS: usize = 25_000;
/// Most runs one `get-history-bulk-interval` may name.
const MAX_INTERVAL_RUNS: usize = 100;
/// Most points per run `get-history-bulk-interval` answers, and its default.
const MAX_INTERVAL_POINTS_PER_RUN: i64 = 2500;

/// `get-history-bulk`, which MLflow serves under `/ajax-api` only.
pub fn ajax_routes() -> Router<Shared> {
    Router::new().route("/metrics/get-history-bulk", get(get_history_bulk))
}

/// `get-history-bulk-interval`, under both `/api` and `/ajax-api`.
pub fn routes() -> Router<Shared> {
    Router::new().route(
        "/metrics/get-history-bulk-interval",
        get(get_history_bulk_interval),
    )
}

/// MLflow's order within one run's bulk history: timestamp, then step, then value.
fn by_time(a: &MetricPoint, b: &MetricPoint) -> Ordering {
    (a.timestamp_ms, a.step)
        .cmp(&(b.timestamp_ms, b.step))
        .then(a.value.total_cmp(&b.value))
}

/// MLflow's order for sampling: step, then timestamp, then value.
fn by_step(a: &MetricPoint, b: &MetricPoint) -> Ordering {
    (a.step, a.timestamp_ms)
        .cmp(&(b.step, b.timestamp_ms))
        .then(a.value.total_cmp(&b.value))
}

/// A run's history of `key`; a run that does not exist has none (as in MLflow's bulk query).
fn history_or_none(store: &dyn Store, run_id: &str, key: &str) -> StoreResult<Vec<MetricPoint>> {
    match store.metric_history(run_id, key) {
        Err(StoreError::RunNotFound { .. }) => Ok(Vec::new()),
        other => other,
    }
}

/// `GET metrics/get-history-bulk?run_id=..&run_id=..&metric_key=..[&max_results=..]`: every
/// point of `metric_key` in the runs, runs in id order, each run's points by timestamp, step and
/// value, at most `max_results` (25,000) in all. Runs past the limit are not read.
async fn get_history_bulk(State(state): State<Shared>, args: Args) -> ApiResult<JsonAnswer> {
    let mut run_ids = args.str_list("run_id");
    if run_ids.is_empty() {
        return Err(messages::bulk_history_without_runs());
    }
    if run_ids.len() > MAX_BULK_RUNS {
        return Err(messages::bulk_history_too_many_runs(
            MAX_BULK_RUNS,
            run_ids.len(),
        ));
    }
    let Some(key) = args.str("metric_key") else {
        return Err(messages::bulk_history_without_key());
    };
    let max_results = match args.i64("max_results")? {
        None => MAX_BULK_POINTS,
        Some(n) if n < 0 => {
            return Err(messages::negative_max_results(n));
        }
        Some(n) => usize::try_from(n).map_or(MAX_BULK_POINTS, |n| n.min(MAX_BULK_POINTS)),
    };
    run_ids.sort();
    run_ids.dedup();
    state
        .call(move |store| {
            let mut body = match JsonArrayBody::new("metrics") {
                Ok(body) => body,
                Err(error) => return Ok(Err(error)),
            };
            let mut left = max_results;
            for run_id in &run_ids {
                if left == 0 {
                    break;
                }
                let mut points = history_or_none(store, run_id, &key)?;
                points.sort_by(by_time);
                for point in points.iter().take(left) {
                    let item = wire::MetricJson {
                        key: &key,
                        point,
                        run_id: Some(run_id),
                    };
                    if let Err(error) = body.push(&item) {
                        return Ok(Err(error));
                    }
                }
                left -= points.len().min(left);
            }
            Ok(body.finish(None))
        })
        .await?
}

/// `GET metrics/get-history-bulk-interval?run_ids=..&metric_key=..[&start_step&end_step]
/// [&max_results]`: each run's points (within the steps, when given) sampled to at most
/// `max_results` (default and limit 2,500) as MLflow's store does — one point per even bucket of
/// the history ordered by step, timestamp and value, and always the last point.
async fn get_history_bulk_interval(
    State(state): State<Shared>,
    args: Args,
) -> ApiResult<JsonAnswer> {
    args.check(&[
        required("run_ids", Kind::StrList),
        required("metric_key", Kind::Str),
        optional("start_step", Kind::Int),
        optional("end_step", Kind::Int),
        optional("max_results", Kind::Int),
    ])?;
    let run_ids = args.str_list("run_ids");
    if run_ids.len() > MAX_INTERVAL_RUNS {
        return Err(messages::interval_too_many_runs(
            MAX_INTERVAL_RUNS,
            run_ids.len(),
        ));
    }
    let key = args.req_str("metric_key")?;
    let max_results = args
        .i64("max_results")?
        .unwrap_or(MAX_INTERVAL_POINTS_PER_RUN);
    if !(1..=MAX_INTERVAL_POINTS_PER_RUN).contains(&max_results) {
        return Err(messages::interval_max_results(MAX_INTERVAL_POINTS_PER_RUN));
    }
    let steps = match (args.i64("start_step")?, args.i64("end_step")?) {
        (None, None) => None,
        (Some(start), Some(end)) if start > end => {
            return Err(messages::interval_steps_reversed(start, end));
        }
        (Some(start), Some(end)) => Some(start..=end),
        _ => {
            return Err(messages::interval_one_step_bound());
        }
    };
    let per_run = usize::try_from(max_results).unwrap_or(1);
    state
        .call(move |store| {
            // Every run must exist before anything is answered.
            for run_id in &run_ids {
                store.get_run(run_id)?;
            }
            let mut body = match JsonArrayBody::new("metrics") {
                Ok(body) => body,
                Err(error) => return Ok(Err(error)),
            };
            for run_id in &run_ids {
                let mut points = store.metric_history(run_id, &key)?;
                if let Some(steps) = &steps {
                    points.retain(|point| steps.contains(&point.step));
                }
                points.sort_by(by_step);
                for point in sample(&points, per_run) {
                    let item = wire::MetricJson {
                        key: &key,
                        point,
                        run_id: Some(run_id),
                    };
                    if let Err(error) = body.push(&item) {
                        return Ok(Err(error));
                    }
                }
            }
            Ok(body.finish(None))
        })
        .await?
}

/// At most `buckets` of `points` (sorted), as SQL's `NTILE(buckets)` splits them: the first point
/// of each bucket, with the last point always kept (in place of the last pick when full).
fn sample(points: &[MetricPoint], buckets: usize) -> Vec<&MetricPoint> {
    let count = points.len();
    if count <= buckets {
        return points.iter().collect();
    }
    let (size, larger) = (count / buckets, count % buckets);
    let mut picked: Vec<&MetricPoint> = (0..buckets)
        .filter_map(|bucket| points.get(bucket * size + bucket.min(larger)))
        .collect();
    if let (Some(last), Some(picked_last)) = (points.last(), picked.last_mut())
        && by_step(picked_last, last) != Ordering::Equal
    {
        *picked_last = last;
    }
    picked
}

#[cfg(test)]
mod tests {
    use cairn_core::model::MetricPoint;

    use super::sample;

    fn steps(count: i64) -> Vec<MetricPoint> {
        (0..count)
            .map(|step| MetricPoint {
                step,
                timestamp_ms: step,
                value: step as f64,
            })
            .collect()
    }

    #[test]
    fn sampling_takes_each_ntile_buckets_first_point_and_the_last_point() {
        // (points, buckets, the steps kept) — NTILE gives the first `count % buckets` buckets
        // one point more.
        let cases: [(i64, usize, &[i64]); 5] = [
            (3, 5, &[0, 1, 2]),
            (5, 5, &[0, 1, 2, 3, 4]),
            (10, 3, &[0, 4, 9]),
            (10, 4, &[0, 3, 6, 9]),
            (7, 1, &[6]),
        ];
        for (count, buckets, expected) in cases {
            let points = steps(count);
            let kept: Vec<i64> = sample(&points, buckets).iter().map(|p| p.step).collect();
            assert_eq!(kept, expected, "{count} points in {buckets} buckets");
        }
    }
}

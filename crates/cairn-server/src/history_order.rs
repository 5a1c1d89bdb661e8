//! A metric's history in MLflow's order — by timestamp, then step, then value — for
//! `metrics/get-history`. Cairn keeps points in logging order, which asynchronous logging can
//! shuffle. The store records, as points are appended, whether a history is in MLflow's order
//! too (nearly all are): such a history is paged straight from the store, decoding only the
//! stored pieces a page needs; a shuffled one is sorted whole. A history written before the store
//! recorded it is checked a stored piece at a time.

use std::cmp::Ordering;

use cairn_core::model::{MetricColumnSet, MetricPoint};
use cairn_core::{StoreResult, TrackingStore};

/// One page of a history: its points, the index after its last point, and the history's length.
pub struct HistoryPage {
    /// The points, in MLflow's order.
    pub points: Vec<MetricPoint>,
    /// The index after the page's last point.
    pub end: usize,
    /// How many points the whole history has.
    pub total: usize,
}

/// Points `offset..offset + limit` (all from `offset` when `limit` is `None`) of the history of
/// `key` in `run_id`, in MLflow's order.
pub fn page(
    store: &dyn TrackingStore,
    run_id: &str,
    key: &str,
    offset: usize,
    limit: Option<usize>,
) -> StoreResult<HistoryPage> {
    if let Some(limit) = limit {
        let range = store.metric_history_range(run_id, key, offset, limit)?;
        let ordered = match range.in_mlflow_order {
            Some(known) => known,
            None => in_mlflow_order(store, run_id, key)?,
        };
        if ordered {
            return Ok(HistoryPage {
                end: offset.saturating_add(range.points.len()),
                total: range.total_points,
                points: range.points,
            });
        }
    }
    let mut points = store.metric_history(run_id, key)?;
    // Stable and linear on a history that is already in order.
    points.sort_by(MetricPoint::history_order);
    let total = points.len();
    let end = limit.map_or(total, |limit| offset.saturating_add(limit).min(total));
    let points = points
        .drain(offset.min(total)..end.max(offset.min(total)))
        .collect();
    Ok(HistoryPage { points, end, total })
}

/// Whether the stored history is in MLflow's order, read a stored piece at a time: for a
/// history whose store did not record it.
fn in_mlflow_order(store: &dyn TrackingStore, run_id: &str, key: &str) -> StoreResult<bool> {
    let mut previous: Option<MetricPoint> = None;
    let mut ordered = true;
    store.visit_metric_history(run_id, key, MetricColumnSet::All, &mut |columns| {
        if !ordered {
            return;
        }
        for index in 0..columns.len() {
            let point = MetricPoint {
                step: columns.steps[index],
                timestamp_ms: columns.timestamps_ms[index],
                value: columns.values[index],
            };
            if previous.is_some_and(|last| last.history_order(&point) == Ordering::Greater) {
                ordered = false;
                return;
            }
            previous = Some(point);
        }
    })?;
    Ok(ordered)
}

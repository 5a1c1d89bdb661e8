//! Exact repeats of metric points, dropped when they are logged, as MLflow's SQL store drops
//! them (its primary key is the whole point): the same key, step, timestamp and value logged
//! again — a client retrying a request whose answer it did not get, a script run twice — is
//! stored once. A repeat is looked for in the batch itself and among the latest points of the
//! stored history (its uncompressed tail and last chunk: the last 4,096 points at least), which
//! is where a retried request's points are; a history in MLflow's order whose last point comes
//! before every new one needs no look at all. Importers and copies keep every point they are
//! given.

use std::collections::HashSet;

use crate::model::{LoggingOrder, MetricPoint};

/// Whether logging keeps exact repeats (importers, copies) or drops them (the API).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Repeats {
    Kept,
    Dropped,
}

/// A point's identity: step, timestamp and the value's bits.
fn identity(point: &MetricPoint) -> (i64, i64, u64) {
    (point.step, point.timestamp_ms, point.value.to_bits())
}

/// Whether `points` may repeat a point of a stored history whose logging order is `order`:
/// not when the history is in MLflow's order and every new point comes after its last one.
pub(crate) fn may_repeat_stored(order: &LoggingOrder, points: &[MetricPoint]) -> bool {
    match (order.last, order.in_mlflow_order) {
        (None, _) => false,
        (Some(last), Some(true)) => points
            .iter()
            .any(|point| !last.history_order(point).is_lt()),
        (Some(_), _) => true,
    }
}

/// `points` without those that repeat an earlier one of them or one of `recent`, in order.
pub(crate) fn without_repeats(points: &[MetricPoint], recent: &[MetricPoint]) -> Vec<MetricPoint> {
    let increasing = points
        .windows(2)
        .all(|pair| pair[0].history_order(&pair[1]).is_lt());
    if increasing && recent.is_empty() {
        return points.to_vec();
    }
    let mut seen: HashSet<(i64, i64, u64)> = recent.iter().map(identity).collect();
    points
        .iter()
        .filter(|point| seen.insert(identity(point)))
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{may_repeat_stored, without_repeats};
    use crate::model::{LoggingOrder, MetricPoint};

    fn point(step: i64, timestamp_ms: i64, value: f64) -> MetricPoint {
        MetricPoint {
            step,
            timestamp_ms,
            value,
        }
    }

    #[test]
    fn repeats_are_dropped_from_the_batch_and_against_the_stored_tail() {
        let batch = [
            point(1, 10, 0.5),
            point(1, 10, 0.5),
            point(2, 10, 0.5),
            point(1, 10, 0.25),
        ];
        assert_eq!(
            without_repeats(&batch, &[]),
            [point(1, 10, 0.5), point(2, 10, 0.5), point(1, 10, 0.25)]
        );
        assert_eq!(
            without_repeats(&batch, &[point(2, 10, 0.5)]),
            [point(1, 10, 0.5), point(1, 10, 0.25)]
        );
        let nan = [point(0, 1, f64::NAN), point(0, 1, f64::NAN)];
        assert_eq!(without_repeats(&nan, &[]).len(), 1);
    }

    #[test]
    fn a_history_in_order_needs_no_look_for_later_points() {
        let mut order = LoggingOrder::EMPTY;
        assert!(!may_repeat_stored(&order, &[point(0, 0, 1.0)]));
        order.follow(&[point(0, 10, 1.0), point(1, 20, 1.0)]);
        assert!(!may_repeat_stored(&order, &[point(2, 30, 1.0)]));
        assert!(may_repeat_stored(&order, &[point(1, 20, 1.0)]));
        assert!(may_repeat_stored(
            &order,
            &[point(2, 30, 1.0), point(0, 10, 1.0)]
        ));
        order.follow(&[point(0, 5, 1.0)]);
        assert!(
            may_repeat_stored(&order, &[point(9, 99, 1.0)]),
            "out of order: look"
        );
    }
}

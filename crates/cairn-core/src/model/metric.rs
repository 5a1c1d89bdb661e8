//! Metric points and histories.

/// One point of a metric's history. `value` may be NaN or infinite; Cairn keeps it bit for bit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MetricPoint {
    /// Training step (0 when the logger gave none).
    pub step: i64,
    /// Wall-clock time of the point, epoch milliseconds.
    pub timestamp_ms: i64,
    /// The value.
    pub value: f64,
}

impl MetricPoint {
    /// True when `self` and `other` are the same point to the bit (NaN equals NaN).
    pub fn same_bits(&self, other: &MetricPoint) -> bool {
        self.step == other.step
            && self.timestamp_ms == other.timestamp_ms
            && self.value.to_bits() == other.value.to_bits()
    }

    /// MLflow's order for choosing a series' latest point: step, then timestamp, then value.
    pub fn is_later_than(&self, other: &MetricPoint) -> bool {
        (self.step, self.timestamp_ms)
            .cmp(&(other.step, other.timestamp_ms))
            .then_with(|| self.value.total_cmp(&other.value))
            .is_gt()
    }

    /// MLflow's order of a history's points, as `metrics/get-history` returns them: timestamp,
    /// then step, then value.
    pub fn history_order(&self, other: &MetricPoint) -> std::cmp::Ordering {
        self.timestamp_ms
            .cmp(&other.timestamp_ms)
            .then(self.step.cmp(&other.step))
            .then(self.value.total_cmp(&other.value))
    }
}

/// Whether a history, in the order its points were logged, is in MLflow's order
/// ([`MetricPoint::history_order`]) too, followed as points are appended: what lets a page of
/// a long history be read on its own.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoggingOrder {
    /// The last point appended.
    pub last: Option<MetricPoint>,
    /// `Some(true)` while every point came at or after the one before it; `None` when not known
    /// (a history stored before this was kept).
    pub in_mlflow_order: Option<bool>,
}

impl LoggingOrder {
    /// A history no point was logged to yet.
    pub const EMPTY: LoggingOrder = LoggingOrder {
        last: None,
        in_mlflow_order: Some(true),
    };

    /// Follows `points`, appended in this order.
    pub fn follow(&mut self, points: &[MetricPoint]) {
        for point in points {
            if self.in_mlflow_order == Some(true)
                && self
                    .last
                    .is_some_and(|last| last.history_order(point).is_gt())
            {
                self.in_mlflow_order = Some(false);
            }
            self.last = Some(*point);
        }
    }
}

/// A metric point with its key, as logged.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedMetricPoint {
    /// Metric key, e.g. `val_loss` or `train/loss`.
    pub key: String,
    /// The point.
    pub point: MetricPoint,
}

/// The latest point of one metric of a run, with the size of its history.
#[derive(Debug, Clone, PartialEq)]
pub struct LatestMetric {
    /// Metric key.
    pub key: String,
    /// The latest point (greatest step, then timestamp, then value).
    pub latest: MetricPoint,
    /// How many points the history has.
    pub point_count: u64,
}

/// Which columns [`crate::store::TrackingStore::visit_metric_history`] fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricColumnSet {
    /// Steps, timestamps and values.
    All,
    /// Steps and values; `timestamps_ms` stays empty and is not decoded (a chart over steps).
    StepsAndValues,
}

/// A stretch of a metric's history as columns of equal length, in logging order: what
/// [`crate::store::TrackingStore::visit_metric_history`] hands out a chunk at a time, so a reader that only
/// aggregates (a chart) never builds a [`MetricPoint`] per point.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetricColumns {
    /// Training steps.
    pub steps: Vec<i64>,
    /// Wall-clock times, epoch milliseconds (empty when not asked for, see
    /// [`MetricColumnSet`]).
    pub timestamps_ms: Vec<i64>,
    /// Values, bit for bit as logged.
    pub values: Vec<f64>,
}

impl MetricColumns {
    /// How many points the columns hold.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether the columns hold no point.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Empties every column, keeping their capacity.
    pub fn clear(&mut self) {
        self.steps.clear();
        self.timestamps_ms.clear();
        self.values.clear();
    }

    /// Appends one point.
    pub fn push(&mut self, point: &MetricPoint) {
        self.steps.push(point.step);
        self.timestamps_ms.push(point.timestamp_ms);
        self.values.push(point.value);
    }

    /// Appends one point, its timestamp only when `set` asks for it.
    pub fn push_columns(&mut self, point: &MetricPoint, set: MetricColumnSet) {
        self.steps.push(point.step);
        if set == MetricColumnSet::All {
            self.timestamps_ms.push(point.timestamp_ms);
        }
        self.values.push(point.value);
    }

    /// The point at `index`, when there is one.
    pub fn point(&self, index: usize) -> Option<MetricPoint> {
        Some(MetricPoint {
            step: *self.steps.get(index)?,
            timestamp_ms: *self.timestamps_ms.get(index)?,
            value: *self.values.get(index)?,
        })
    }
}

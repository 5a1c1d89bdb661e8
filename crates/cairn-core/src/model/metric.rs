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

//! A run's metric history made ready to draw: x values for the chosen axis, segments split at
//! gaps (NaN, ±Inf, non-positive values on a log axis) and at restarts (step going backwards),
//! and exponential smoothing.

use cairn_core::model::MetricPoint;

/// One run's history of the charted metric.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSeries {
    /// The run id (picks the colour).
    pub run_id: String,
    /// The name in the legend.
    pub run_name: String,
    /// The history, in logging order.
    pub points: Vec<MetricPoint>,
}

/// What the x axis shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum XAxis {
    /// The training step.
    #[default]
    Step,
    /// Seconds since the run's first point.
    RelativeTime,
    /// Wall-clock time (seconds since the Unix epoch, labelled as UTC).
    WallTime,
}

impl XAxis {
    /// Parses `step`, `time` (relative) or `wall`.
    pub fn parse(text: &str) -> Option<XAxis> {
        match text {
            "step" => Some(XAxis::Step),
            "time" | "relative" => Some(XAxis::RelativeTime),
            "wall" => Some(XAxis::WallTime),
            _ => None,
        }
    }

    /// The axis title.
    pub fn label(self) -> &'static str {
        match self {
            XAxis::Step => "step",
            XAxis::RelativeTime => "time since first point",
            XAxis::WallTime => "wall time (UTC)",
        }
    }
}

/// A run's drawable pieces: each segment is a run of consecutive finite points with no restart.
#[derive(Debug, Default)]
pub(crate) struct Segments {
    /// `(x, y)` per segment, y already transformed for the axis (log10 on a log axis).
    pub segments: Vec<Vec<(f64, f64)>>,
    /// Points that could not be drawn (NaN, ±Inf, ≤ 0 on a log axis).
    pub skipped: usize,
}

/// Splits a history into drawable segments. `transform_y` maps a value to axis space, `None`
/// when the value cannot be drawn there.
pub(crate) fn segments(
    points: &[MetricPoint],
    x_axis: XAxis,
    transform_y: impl Fn(f64) -> Option<f64>,
) -> Segments {
    let origin_ms = points.first().map_or(0, |point| point.timestamp_ms);
    let mut result = Segments::default();
    let mut current: Vec<(f64, f64)> = Vec::new();
    let mut previous_step: Option<i64> = None;
    for point in points {
        if previous_step.is_some_and(|previous| point.step < previous) && !current.is_empty() {
            result.segments.push(std::mem::take(&mut current));
        }
        previous_step = Some(point.step);
        let x = match x_axis {
            XAxis::Step => point.step as f64,
            // In f64: exact for real timestamps (< 2^53 ms) and no overflow on absurd ones.
            XAxis::RelativeTime => (point.timestamp_ms as f64 - origin_ms as f64) / 1000.0,
            XAxis::WallTime => point.timestamp_ms as f64 / 1000.0,
        };
        match transform_y(point.value).filter(|y| y.is_finite()) {
            Some(y) => current.push((x, y)),
            None => {
                result.skipped += 1;
                if !current.is_empty() {
                    result.segments.push(std::mem::take(&mut current));
                }
            }
        }
    }
    if !current.is_empty() {
        result.segments.push(current);
    }
    result
}

/// TensorBoard's debiased exponential moving average: `weight` 0 is no smoothing, 0.99 heavy.
/// Non-finite values pass through unchanged and do not disturb the average; the average
/// restarts when the step goes backwards.
pub fn ema(points: &[MetricPoint], weight: f64) -> Vec<MetricPoint> {
    let weight = weight.clamp(0.0, 0.999_999);
    let mut smoothed = Vec::with_capacity(points.len());
    let mut last = 0.0;
    let mut count: i32 = 0;
    let mut previous_step: Option<i64> = None;
    for point in points {
        if previous_step.is_some_and(|previous| point.step < previous) {
            last = 0.0;
            count = 0;
        }
        previous_step = Some(point.step);
        if !point.value.is_finite() {
            smoothed.push(*point);
            continue;
        }
        last = last * weight + (1.0 - weight) * point.value;
        count = count.saturating_add(1);
        let debias = 1.0 - weight.powi(count);
        let value = if debias > 0.0 {
            last / debias
        } else {
            point.value
        };
        smoothed.push(MetricPoint { value, ..*point });
    }
    smoothed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(step: i64, value: f64) -> MetricPoint {
        MetricPoint {
            step,
            timestamp_ms: 1_000 * step,
            value,
        }
    }

    #[test]
    fn nan_inf_and_restarts_split_segments() {
        let points = [
            point(0, 1.0),
            point(1, f64::NAN),
            point(2, 3.0),
            point(3, 4.0),
            point(1, 5.0),
            point(2, f64::INFINITY),
            point(3, -1.0),
        ];
        let linear = segments(&points, XAxis::Step, Some);
        assert_eq!(
            linear.segments,
            vec![
                vec![(0.0, 1.0)],
                vec![(2.0, 3.0), (3.0, 4.0)],
                vec![(1.0, 5.0)],
                vec![(3.0, -1.0)]
            ]
        );
        assert_eq!(linear.skipped, 2);
        let log = segments(&points, XAxis::Step, |v| (v > 0.0).then(|| v.log10()));
        assert_eq!(log.segments.len(), 3);
        assert_eq!(log.skipped, 3);
    }

    #[test]
    fn relative_time_starts_at_zero() {
        let points = [point(5, 1.0), point(6, 2.0)];
        let relative = segments(&points, XAxis::RelativeTime, Some);
        assert_eq!(relative.segments, vec![vec![(0.0, 1.0), (1.0, 2.0)]]);
    }

    #[test]
    fn ema_is_debiased_and_skips_nan() {
        let points = [point(0, 2.0), point(1, f64::NAN), point(2, 4.0)];
        let smoothed = ema(&points, 0.5);
        assert_eq!(smoothed[0].value, 2.0);
        assert!(smoothed[1].value.is_nan());
        // (0.5 * 1.0 + 0.5 * 4.0) / (1 - 0.25) = 2.5 / 0.75
        assert!((smoothed[2].value - 2.5 / 0.75).abs() < 1e-12);
        assert_eq!(ema(&points, 0.0)[2].value, 4.0);
    }
}

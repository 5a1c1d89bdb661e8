//! A run's metric history made ready to draw: x values for the chosen axis, segments split at
//! gaps (NaN, ±Inf, non-positive values on a log axis) and at restarts (step going backwards),
//! and exponential smoothing.

use cairn_core::model::MetricPoint;

use crate::downsample::M4;

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
    /// `(x, value)` per segment.
    pub segments: Vec<Vec<(f64, f64)>>,
    /// Points that could be drawn (before any downsampling).
    pub drawable: usize,
    /// Points that could not be drawn (NaN, ±Inf, ≤ 0 on a log axis).
    pub skipped: usize,
}

/// What walking a history meets next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Walk {
    /// A drawable point, in plot space.
    Point(f64, f64),
    /// The line must stop here: a gap (undrawable value) or a restart (step going backwards).
    Break,
}

/// Walks a history, telling `visit` each drawable point `(x, value)` and each place a line
/// must stop. `drawable` says whether a finite value can be drawn on the y axis (a log axis
/// cannot draw values ≤ 0). Returns how many points were skipped.
pub(crate) fn walk(
    points: &[MetricPoint],
    x_axis: XAxis,
    drawable: impl Fn(f64) -> bool,
    mut visit: impl FnMut(Walk),
) -> usize {
    let origin_ms = points.first().map_or(0, |point| point.timestamp_ms);
    let mut skipped = 0;
    let mut previous_step: Option<i64> = None;
    for metric in points {
        if previous_step.is_some_and(|previous| metric.step < previous) {
            visit(Walk::Break);
        }
        previous_step = Some(metric.step);
        let x = match x_axis {
            XAxis::Step => metric.step as f64,
            // In f64: exact for real timestamps (< 2^53 ms) and no overflow on absurd ones.
            XAxis::RelativeTime => (metric.timestamp_ms as f64 - origin_ms as f64) / 1000.0,
            XAxis::WallTime => metric.timestamp_ms as f64 / 1000.0,
        };
        let value = metric.value;
        if value.is_finite() && drawable(value) && x.is_finite() {
            visit(Walk::Point(x, value));
        } else {
            skipped += 1;
            visit(Walk::Break);
        }
    }
    skipped
}

/// Splits a history into drawable segments, each reduced by M4 to `columns` pixel columns over
/// `x_range` when `downsample` is given. Values stay as logged: a monotonic axis transform
/// (log10) keeps each column's min and max, so it is applied to the few points kept.
pub(crate) fn segments(
    points: &[MetricPoint],
    x_axis: XAxis,
    drawable_value: impl Fn(f64) -> bool,
    downsample: Option<((f64, f64), u32)>,
) -> Segments {
    let mut m4 = downsample.map(|(x_range, columns)| M4::new(x_range, columns));
    let mut line = Vec::new();
    let mut done: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut drawable = 0;
    let mut end_line = |m4: &mut Option<M4>, line: &mut Vec<(f64, f64)>| {
        if let Some(m4) = m4 {
            m4.flush(line);
        }
        if !line.is_empty() {
            done.push(std::mem::take(line));
        }
    };
    let skipped = walk(points, x_axis, drawable_value, |step| match step {
        Walk::Point(x, y) => {
            drawable += 1;
            match &mut m4 {
                Some(m4) => m4.push((x, y), &mut line),
                None => line.push((x, y)),
            }
        }
        Walk::Break => end_line(&mut m4, &mut line),
    });
    end_line(&mut m4, &mut line);
    Segments {
        segments: done,
        drawable,
        skipped,
    }
}

/// The extent `((x_low, x_high), (value_low, value_high))` of a history's drawable points.
pub(crate) fn extent(
    points: &[MetricPoint],
    x_axis: XAxis,
    drawable: impl Fn(f64) -> bool,
) -> Option<((f64, f64), (f64, f64))> {
    let mut x = (f64::INFINITY, f64::NEG_INFINITY);
    let mut y = (f64::INFINITY, f64::NEG_INFINITY);
    walk(points, x_axis, drawable, |step| {
        if let Walk::Point(px, py) = step {
            x = (x.0.min(px), x.1.max(px));
            y = (y.0.min(py), y.1.max(py));
        }
    });
    (x.0 <= x.1).then_some((x, y))
}

/// TensorBoard's debiased exponential moving average: `weight` 0 is no smoothing, 0.99 heavy.
/// Non-finite values pass through unchanged and do not disturb the average; the average
/// restarts when the step goes backwards.
pub fn ema(points: &[MetricPoint], weight: f64) -> Vec<MetricPoint> {
    let weight = weight.clamp(0.0, 0.999_999);
    let mut smoothed = Vec::with_capacity(points.len());
    let mut last = 0.0;
    // weight^n for the n points averaged so far (the debiasing term), kept incrementally.
    let mut weight_power = 1.0;
    let mut previous_step: Option<i64> = None;
    for point in points {
        if previous_step.is_some_and(|previous| point.step < previous) {
            last = 0.0;
            weight_power = 1.0;
        }
        previous_step = Some(point.step);
        if !point.value.is_finite() {
            smoothed.push(*point);
            continue;
        }
        last = last * weight + (1.0 - weight) * point.value;
        weight_power *= weight;
        let debias = 1.0 - weight_power;
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
        let linear = segments(&points, XAxis::Step, |_| true, None);
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
        let log = segments(&points, XAxis::Step, |v| v > 0.0, None);
        assert_eq!(log.segments.len(), 3);
        assert_eq!(log.skipped, 3);
    }

    #[test]
    fn relative_time_starts_at_zero() {
        let points = [point(5, 1.0), point(6, 2.0)];
        let relative = segments(&points, XAxis::RelativeTime, |_| true, None);
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

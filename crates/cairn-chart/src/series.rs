//! A run's metric history made ready to draw: a [`RunLine`] built in one pass over columns fed
//! a stretch at a time (x for the chosen axis, values, the exponential smoothing, restarts and
//! extent), then split into segments at gaps (NaN, ±Inf, non-positive values on a log axis)
//! and at restarts (step going backwards), each reduced by M4.

use cairn_core::model::{MetricColumnSet, MetricColumns, MetricPoint};

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

/// The extent `((x_low, x_high), (y_low, y_high))` of what can be drawn, if anything.
pub(crate) type Extent = Option<((f64, f64), (f64, f64))>;

/// The smallest extent holding both.
pub(crate) fn union(a: Extent, b: Extent) -> Extent {
    match (a, b) {
        (Some((ax, ay)), Some((bx, by))) => Some((
            (ax.0.min(bx.0), ax.1.max(bx.1)),
            (ay.0.min(by.0), ay.1.max(by.1)),
        )),
        (a, None) => a,
        (None, b) => b,
    }
}

/// Whether a point can be drawn: finite, and positive on a log axis.
#[inline(always)]
fn drawable(log_y: bool, x: f64, value: f64) -> bool {
    value.is_finite() && x.is_finite() && (!log_y || value > 0.0)
}

/// One run's history as a line chart needs it, in columns: x in the axis' units, the values as
/// logged and, when smoothing, their EMA; where the step goes backwards (a restart starts a new
/// line); and the drawable extent. Built by [`RunLineBuilder`] in one pass as the history is
/// read, so nothing else walks the full history before M4 ([`RunLine::segments`]).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RunLine {
    /// The run id (picks the colour).
    pub run_id: String,
    /// The name in the legend.
    pub run_name: String,
    /// x of every point, in logging order.
    pub x: XColumn,
    /// Every value, as logged.
    pub values: Vec<f64>,
    /// The EMA of `values`, when smoothing.
    pub smoothed: Option<Vec<f64>>,
    /// Indices, ascending, where the step goes backwards: a new line starts there.
    pub restarts: Vec<usize>,
    /// Extent of the drawable raw and smoothed points; y in axis space (log10 on a log axis).
    pub extent: Extent,
}

/// The x of every point of a [`RunLine`]. Steps that advance by a constant stride (most
/// histories) are kept as first step and stride, so a chart over steps holds only the values
/// per point; anything else is kept point by point.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum XColumn {
    /// Point `i` is at step `first + i × stride` (each of which was a logged step).
    Stride {
        first: i64,
        stride: i64,
        last: i64,
        len: usize,
    },
    /// x per point.
    Values(Vec<f64>),
}

impl XColumn {
    fn len(&self) -> usize {
        match self {
            XColumn::Stride { len, .. } => *len,
            XColumn::Values(x) => x.len(),
        }
    }

    /// Appends the x of `steps` (a chart over steps); `capacity` sizes the column if it has
    /// to be kept point by point.
    fn extend_steps(&mut self, steps: &[i64], capacity: usize) {
        if let XColumn::Stride {
            first,
            stride,
            last,
            len,
        } = self
        {
            let (mut next_first, mut next_stride, mut next_last, mut next_len) =
                (*first, *stride, *last, *len);
            let continues = steps.iter().all(|&step| {
                let fits = match next_len {
                    0 => {
                        next_first = step;
                        true
                    }
                    1 => match step.checked_sub(next_first) {
                        Some(difference) => {
                            next_stride = difference;
                            true
                        }
                        None => false,
                    },
                    _ => next_last.checked_add(next_stride) == Some(step),
                };
                next_last = step;
                next_len += 1;
                fits
            });
            if continues {
                (*first, *stride, *last, *len) = (next_first, next_stride, next_last, next_len);
                return;
            }
            let mut x = Vec::with_capacity(capacity.max(*len + steps.len()));
            x.extend(stride_xs(*first, *stride, 0..*len));
            *self = XColumn::Values(x);
        }
        if let XColumn::Values(x) = self {
            x.extend(steps.iter().map(|&step| step as f64));
        }
    }

    /// Appends x given point by point (a time axis).
    fn extend_values(&mut self, values: impl Iterator<Item = f64>) {
        if let XColumn::Stride {
            first, stride, len, ..
        } = *self
        {
            *self = XColumn::Values(stride_xs(first, stride, 0..len).collect());
        }
        if let XColumn::Values(x) = self {
            x.extend(values);
        }
    }
}

/// x of points `range` of a [`XColumn::Stride`]: `first + i × stride` in wrapping arithmetic,
/// which is exact because every such step was logged (so fits in i64).
fn stride_xs(first: i64, stride: i64, range: std::ops::Range<usize>) -> impl Iterator<Item = f64> {
    range.map(move |index| first.wrapping_add((index as i64).wrapping_mul(stride)) as f64)
}

/// Runs `$body` with `$xs` bound to an iterator over x of points `$range` of `$column`,
/// compiled once per representation so each loop stays tight.
macro_rules! with_xs {
    ($column:expr, $range:expr, |$xs:ident| $body:expr) => {
        match $column {
            XColumn::Stride { first, stride, .. } => {
                let $xs = stride_xs(*first, *stride, $range);
                $body
            }
            XColumn::Values(x) => {
                let $xs = x[$range].iter().copied();
                $body
            }
        }
    };
}

/// What shapes a [`RunLine`]: the x axis, the y scale, the EMA weight (`None`: no smoothing)
/// and the x range kept (`None`: every point).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Shaping {
    pub x_axis: XAxis,
    pub log_y: bool,
    pub smoothing: Option<f64>,
    pub x_range: Option<(f64, f64)>,
}

/// Running min/max of drawable points.
#[derive(Debug, Clone, Copy)]
struct Bounds {
    x: (f64, f64),
    y: (f64, f64),
}

impl Bounds {
    const EMPTY: Bounds = Bounds {
        x: (f64::INFINITY, f64::NEG_INFINITY),
        y: (f64::INFINITY, f64::NEG_INFINITY),
    };

    /// Widens the bounds to every drawable `(x, value)`.
    fn add_drawable(&mut self, log_y: bool, x: impl Iterator<Item = f64>, values: &[f64]) {
        let mut bounds = *self;
        for (x, &value) in x.zip(values) {
            // Branch-free: an undrawable point widens nothing (±inf never wins), and drawable
            // ones are finite, so plain comparisons (no NaN handling) suffice.
            let keep = drawable(log_y, x, value);
            let (low_x, high_x) = if keep {
                (x, x)
            } else {
                (f64::INFINITY, f64::NEG_INFINITY)
            };
            let (low_y, high_y) = if keep {
                (value, value)
            } else {
                (f64::INFINITY, f64::NEG_INFINITY)
            };
            bounds.x.0 = if low_x < bounds.x.0 {
                low_x
            } else {
                bounds.x.0
            };
            bounds.x.1 = if high_x > bounds.x.1 {
                high_x
            } else {
                bounds.x.1
            };
            bounds.y.0 = if low_y < bounds.y.0 {
                low_y
            } else {
                bounds.y.0
            };
            bounds.y.1 = if high_y > bounds.y.1 {
                high_y
            } else {
                bounds.y.1
            };
        }
        *self = bounds;
    }

    fn extent(&self) -> Extent {
        (self.x.0 <= self.x.1).then_some((self.x, self.y))
    }
}

/// Builds a [`RunLine`] from a history fed in stretches ([`RunLineBuilder::push`]).
pub(crate) struct RunLineBuilder {
    shaping: Shaping,
    line: RunLine,
    origin_ms: Option<i64>,
    previous_step: Option<i64>,
    ema: Option<Ema>,
    raw: Bounds,
    smooth: Bounds,
    capacity: usize,
    /// With an x range: the last step seen, kept or not (the EMA restarts where it goes back).
    seen_step: Option<i64>,
}

impl RunLineBuilder {
    /// A builder for the run `run_id`, expecting about `capacity` points.
    pub(crate) fn new(
        run_id: String,
        run_name: String,
        shaping: Shaping,
        capacity: usize,
    ) -> RunLineBuilder {
        let ema = shaping.smoothing.map(Ema::new);
        RunLineBuilder {
            shaping,
            line: RunLine {
                run_id,
                run_name,
                x: XColumn::Stride {
                    first: 0,
                    stride: 0,
                    last: 0,
                    len: 0,
                },
                values: Vec::with_capacity(capacity),
                smoothed: ema.map(|_| Vec::with_capacity(capacity)),
                restarts: Vec::new(),
                extent: None,
            },
            origin_ms: None,
            previous_step: None,
            ema,
            raw: Bounds::EMPTY,
            smooth: Bounds::EMPTY,
            capacity,
            seen_step: None,
        }
    }

    /// The columns [`RunLineBuilder::push`] needs: timestamps only on a time axis.
    pub(crate) fn column_set(&self) -> MetricColumnSet {
        match self.shaping.x_axis {
            XAxis::Step => MetricColumnSet::StepsAndValues,
            XAxis::RelativeTime | XAxis::WallTime => MetricColumnSet::All,
        }
    }

    /// Adds the next stretch of the history (columns of equal length, timestamps only needed
    /// on a time axis; extra entries in a longer column are ignored). With an x range, only the
    /// points inside it are kept; the smoothing still runs over every point, so a smoothed
    /// line inside the range is the same as on the whole history.
    pub(crate) fn push(&mut self, steps: &[i64], timestamps_ms: &[i64], values: &[f64]) {
        let mut len = steps.len().min(values.len());
        if self.shaping.x_axis != XAxis::Step {
            len = len.min(timestamps_ms.len());
        }
        if len == 0 {
            return;
        }
        match self.shaping.x_range {
            None => self.push_kept(&steps[..len], timestamps_ms, &values[..len], None),
            Some(range) => self.push_in_range(range, &steps[..len], timestamps_ms, &values[..len]),
        }
    }

    /// [`RunLineBuilder::push`] with an x range: the points inside `(low, high)` (ends
    /// included), with their smoothed values taken over every point.
    fn push_in_range(
        &mut self,
        (low, high): (f64, f64),
        steps: &[i64],
        timestamps_ms: &[i64],
        values: &[f64],
    ) {
        let x_axis = self.shaping.x_axis;
        let origin_ms = match x_axis {
            XAxis::RelativeTime => *self.origin_ms.get_or_insert(timestamps_ms[0]) as f64,
            _ => 0.0,
        };
        let x_of = |index: usize| match x_axis {
            XAxis::Step => steps[index] as f64,
            XAxis::RelativeTime => (timestamps_ms[index] as f64 - origin_ms) / 1000.0,
            XAxis::WallTime => timestamps_ms[index] as f64 / 1000.0,
        };
        let (mut kept_steps, mut kept_times, mut kept_values) =
            (Vec::new(), Vec::new(), Vec::new());
        let mut kept_smoothed = self.ema.map(|_| Vec::new());
        let mut previous = self.seen_step.unwrap_or(i64::MIN);
        for (index, (&step, &value)) in steps.iter().zip(values).enumerate() {
            let smoothed = self.ema.as_mut().map(|ema| {
                if step < previous {
                    ema.restart();
                }
                ema.next(value)
            });
            previous = step;
            let x = x_of(index);
            if !(low..=high).contains(&x) {
                continue;
            }
            kept_steps.push(step);
            if x_axis != XAxis::Step {
                kept_times.push(timestamps_ms[index]);
            }
            kept_values.push(value);
            if let (Some(kept), Some(smoothed)) = (&mut kept_smoothed, smoothed) {
                kept.push(smoothed);
            }
        }
        self.seen_step = Some(previous);
        if !kept_values.is_empty() {
            self.push_kept(
                &kept_steps,
                &kept_times,
                &kept_values,
                kept_smoothed.as_deref(),
            );
        }
    }

    /// Appends points already chosen (columns at least `steps.len()` long, `smoothed`: their
    /// smoothed values when worked out already).
    fn push_kept(
        &mut self,
        steps: &[i64],
        timestamps_ms: &[i64],
        values: &[f64],
        smoothed_given: Option<&[f64]>,
    ) {
        let len = steps.len();
        let (steps, values) = (&steps[..len], &values[..len]);
        let line = &mut self.line;
        let start = line.values.len();
        // Each column in its own tight loop: x, values, restarts, then the extents.
        match self.shaping.x_axis {
            XAxis::Step => line.x.extend_steps(steps, self.capacity),
            // In f64: exact for real timestamps (< 2^53 ms) and no overflow on absurd ones.
            XAxis::RelativeTime => {
                let timestamps_ms = &timestamps_ms[..len];
                let origin_ms = *self.origin_ms.get_or_insert(timestamps_ms[0]) as f64;
                line.x.extend_values(
                    timestamps_ms
                        .iter()
                        .map(|&ms| (ms as f64 - origin_ms) / 1000.0),
                );
            }
            XAxis::WallTime => line
                .x
                .extend_values(timestamps_ms[..len].iter().map(|&ms| ms as f64 / 1000.0)),
        }
        line.values.extend_from_slice(values);
        let restarts_before = line.restarts.len();
        let mut previous = self.previous_step.unwrap_or(i64::MIN);
        for (index, &step) in steps.iter().enumerate() {
            if step < previous {
                line.restarts.push(start + index);
            }
            previous = step;
        }
        self.previous_step = Some(previous);
        let log_y = self.shaping.log_y;
        let range = start..start + len;
        with_xs!(&line.x, range.clone(), |xs| self
            .raw
            .add_drawable(log_y, xs, values));
        if let (Some(ema), Some(smoothed)) = (&mut self.ema, &mut line.smoothed) {
            match smoothed_given {
                Some(given) => smoothed.extend_from_slice(&given[..len]),
                None => {
                    let mut restarts = line.restarts[restarts_before..].iter().peekable();
                    smoothed.extend(values.iter().enumerate().map(|(index, &value)| {
                        if restarts.next_if_eq(&&(start + index)).is_some() {
                            ema.restart();
                        }
                        ema.next(value)
                    }));
                }
            }
            let smoothed = &smoothed[range.clone()];
            with_xs!(&line.x, range, |xs| self
                .smooth
                .add_drawable(log_y, xs, smoothed));
        }
    }

    /// The finished line.
    pub(crate) fn finish(mut self) -> RunLine {
        let log_y = self.shaping.log_y;
        self.line.extent = union(self.raw.extent(), self.smooth.extent())
            .map(|(x, (low, high))| (x, (to_axis(log_y, low), to_axis(log_y, high))));
        self.line
    }
}

/// A value in the y axis' space: log10 on a log axis. Monotonic, so applying it after M4
/// keeps every column's extremes.
pub(crate) fn to_axis(log_y: bool, value: f64) -> f64 {
    if log_y { value.log10() } else { value }
}

impl RunLine {
    /// Builds the line of a history held in memory.
    pub(crate) fn from_points(
        run_id: String,
        run_name: String,
        points: &[MetricPoint],
        shaping: Shaping,
    ) -> RunLine {
        let mut builder = RunLineBuilder::new(run_id, run_name, shaping, points.len());
        let mut columns = MetricColumns::default();
        for stretch in points.chunks(4096) {
            columns.clear();
            for point in stretch {
                columns.push(point);
            }
            builder.push(&columns.steps, &columns.timestamps_ms, &columns.values);
        }
        builder.finish()
    }

    /// How many points the history has.
    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }

    /// Splits `values` (this line's raw or smoothed values) into drawable segments at gaps and
    /// restarts, each reduced by M4 to `columns` pixel columns over `x_range` when `downsample`
    /// is given; y in axis space. Values stay as logged through M4: a monotonic axis transform
    /// (log10) keeps each column's min and max, so it is applied to the few points kept.
    pub(crate) fn segments(
        &self,
        values: &[f64],
        log_y: bool,
        downsample: Option<((f64, f64), u32)>,
    ) -> Segments {
        let len = self.x.len().min(values.len());
        let x = &self.x;
        if let (Some((x_range, columns)), &XColumn::Stride { first, stride, .. }) = (downsample, x)
            && stride > 0
            && self.restarts.is_empty()
            && values[..len]
                .iter()
                .all(|&value| drawable(log_y, 0.0, value))
        {
            return strided_segments(
                first,
                stride,
                &values[..len],
                log_y,
                M4::new(x_range, columns),
            );
        }
        let mut m4 = downsample.map(|(x_range, columns)| M4::new(x_range, columns));
        let mut line = Vec::new();
        let mut done: Vec<Vec<(f64, f64)>> = Vec::new();
        let mut end_line = |m4: &mut Option<M4>, line: &mut Vec<(f64, f64)>| {
            if let Some(m4) = m4 {
                m4.flush(line);
            }
            if !line.is_empty() {
                done.push(std::mem::take(line));
            }
        };
        let (mut drawable_count, mut skipped) = (0, 0);
        let mut start = 0;
        for end in self.restarts.iter().copied().chain([len]) {
            let end = end.clamp(start, len);
            with_xs!(x, start..end, |xs| {
                for (x, &value) in xs.zip(&values[start..end]) {
                    if drawable(log_y, x, value) {
                        drawable_count += 1;
                        match &mut m4 {
                            Some(m4) => m4.push((x, value), &mut line),
                            None => line.push((x, value)),
                        }
                    } else {
                        skipped += 1;
                        end_line(&mut m4, &mut line);
                    }
                }
            });
            end_line(&mut m4, &mut line);
            start = end;
        }
        if log_y {
            for point in done.iter_mut().flatten() {
                point.1 = point.1.log10();
            }
        }
        Segments {
            segments: done,
            drawable: drawable_count,
            skipped,
        }
    }
}

/// M4 of one unbroken line whose x advance by a positive `stride` (x_i = first + i × stride)
/// and whose values are all drawable: the same points as feeding each to [`M4::push`], found
/// column by column instead. x only grows, so each column's points are one contiguous range,
/// whose end is searched for with the column function itself, and its first, lowest, highest
/// and last points come from a plain scan of the values.
fn strided_segments(first: i64, stride: i64, values: &[f64], log_y: bool, m4: M4) -> Segments {
    let x_at = |index: usize| first.wrapping_add((index as i64).wrapping_mul(stride)) as f64;
    let column_at = |index: usize| m4.column_of(x_at(index));
    let hint = m4.points_per_column(stride as f64);
    let count = values.len();
    let mut line = Vec::new();
    let mut start = 0;
    while start < count {
        let column = column_at(start);
        // Gallop to an index past the column (or the end), then bisect for the first one.
        let (mut low, mut high) = (start + 1, count);
        let mut step = hint;
        loop {
            let probe = start.saturating_add(step);
            if probe >= count {
                break;
            }
            if column_at(probe) != column {
                high = probe;
                break;
            }
            low = probe + 1;
            step = step.saturating_mul(2);
        }
        while low < high {
            let middle = low + (high - low) / 2;
            if column_at(middle) != column {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        let end = low;
        let group = &values[start..end];
        let (mut min, mut max) = (0, 0);
        let (mut min_value, mut max_value) = (group[0], group[0]);
        for (index, &value) in group.iter().enumerate().skip(1) {
            if value < min_value {
                (min, min_value) = (index, value);
            }
            if value > max_value {
                (max, max_value) = (index, value);
            }
        }
        // As M4::flush writes a column: first, the extremes in arrival order, last; no repeats.
        line.push((x_at(start), group[0]));
        let mut previous = 0;
        for index in [min.min(max), min.max(max), group.len() - 1] {
            if index != previous {
                line.push((x_at(start + index), group[index]));
                previous = index;
            }
        }
        start = end;
    }
    if log_y {
        for point in &mut line {
            point.1 = point.1.log10();
        }
    }
    Segments {
        segments: if line.is_empty() {
            Vec::new()
        } else {
            vec![line]
        },
        drawable: count,
        skipped: 0,
    }
}

/// TensorBoard's debiased exponential moving average, one value at a time.
#[derive(Debug, Clone, Copy)]
struct Ema {
    weight: f64,
    last: f64,
    /// weight^n for the n values averaged so far (the debiasing term), kept incrementally.
    weight_power: f64,
}

impl Ema {
    fn new(weight: f64) -> Ema {
        Ema {
            weight: weight.clamp(0.0, 0.999_999),
            last: 0.0,
            weight_power: 1.0,
        }
    }

    fn restart(&mut self) {
        self.last = 0.0;
        self.weight_power = 1.0;
    }

    /// The average after `value`; a non-finite value passes through and changes nothing.
    #[inline(always)]
    fn next(&mut self, value: f64) -> f64 {
        if !value.is_finite() {
            return value;
        }
        self.last = self.last * self.weight + (1.0 - self.weight) * value;
        self.weight_power *= self.weight;
        // Once weight^n is below 2^-54, 1 - weight^n rounds to exactly 1 and stays there, so
        // 0 gives the same bits. Without this, weight^n (weight > 0.5) sinks to the smallest
        // subnormal and stays there (0.6 × 2^-1074 rounds back up), and every multiplication
        // by a subnormal costs a hundred cycles or more.
        if self.weight_power < f64::EPSILON / 4.0 {
            self.weight_power = 0.0;
        }
        let debias = 1.0 - self.weight_power;
        if debias > 0.0 {
            self.last / debias
        } else {
            value
        }
    }
}

/// TensorBoard's debiased exponential moving average: `weight` 0 is no smoothing, 0.99 heavy.
/// Non-finite values pass through unchanged and do not disturb the average; the average
/// restarts when the step goes backwards.
pub fn ema(points: &[MetricPoint], weight: f64) -> Vec<MetricPoint> {
    let mut ema = Ema::new(weight);
    let mut previous_step: Option<i64> = None;
    points
        .iter()
        .map(|point| {
            if previous_step.is_some_and(|previous| point.step < previous) {
                ema.restart();
            }
            previous_step = Some(point.step);
            MetricPoint {
                value: ema.next(point.value),
                ..*point
            }
        })
        .collect()
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

    fn line(points: &[MetricPoint], x_axis: XAxis, log_y: bool, smoothing: Option<f64>) -> RunLine {
        let shaping = Shaping {
            x_axis,
            log_y,
            smoothing,
            x_range: None,
        };
        RunLine::from_points("r".into(), "r".into(), points, shaping)
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
        let linear = line(&points, XAxis::Step, false, None);
        assert_eq!(linear.restarts, vec![4]);
        assert_eq!(linear.extent, Some(((0.0, 3.0), (-1.0, 5.0))));
        let linear = linear.segments(&linear.values, false, None);
        assert_eq!(
            linear.segments,
            vec![
                vec![(0.0, 1.0)],
                vec![(2.0, 3.0), (3.0, 4.0)],
                vec![(1.0, 5.0)],
                vec![(3.0, -1.0)]
            ]
        );
        assert_eq!((linear.drawable, linear.skipped), (5, 2));
        let log = line(&points, XAxis::Step, true, None);
        assert_eq!(log.extent, Some(((0.0, 3.0), (0.0, 5f64.log10()))));
        let log = log.segments(&log.values, true, None);
        assert_eq!(log.segments.len(), 3);
        assert_eq!(log.skipped, 3);
    }

    #[test]
    fn relative_time_starts_at_zero() {
        let points = [point(5, 1.0), point(6, 2.0)];
        let relative = line(&points, XAxis::RelativeTime, false, None);
        assert_eq!(
            relative.segments(&relative.values, false, None).segments,
            vec![vec![(0.0, 1.0), (1.0, 2.0)]]
        );
    }

    #[test]
    fn columns_fed_in_stretches_match_the_whole_history() {
        // Restarts, gaps and the EMA carry across stretch boundaries exactly.
        let points: Vec<MetricPoint> = (0..10_000)
            .map(|i| {
                let step = if i < 6_000 { i } else { i - 5_000 };
                let value = match i % 997 {
                    0 => f64::NAN,
                    1 => -1.0,
                    _ => 1.0 + ((i * 7_919) % 1_000) as f64 / 100.0,
                };
                MetricPoint {
                    step,
                    timestamp_ms: 1_700_000_000_000 + 10 * i,
                    value,
                }
            })
            .collect();
        for x_axis in [XAxis::Step, XAxis::RelativeTime, XAxis::WallTime] {
            for log_y in [false, true] {
                let shaping = Shaping {
                    x_axis,
                    log_y,
                    smoothing: Some(0.9),
                    x_range: None,
                };
                let whole = RunLine::from_points("r".into(), "r".into(), &points, shaping);
                let mut builder = RunLineBuilder::new("r".into(), "r".into(), shaping, 0);
                for stretch in points.chunks(333) {
                    let mut columns = MetricColumns::default();
                    for point in stretch {
                        columns.push(point);
                    }
                    builder.push(&columns.steps, &columns.timestamps_ms, &columns.values);
                }
                let streamed = builder.finish();
                assert_eq!(streamed.restarts, vec![6_000]);
                assert_eq!(
                    format!("{streamed:?}"),
                    format!("{whole:?}"),
                    "{x_axis:?} log {log_y}"
                );
                let expected = ema(&points, 0.9);
                let smoothed = streamed.smoothed.as_deref().unwrap_or_default();
                assert!(
                    smoothed
                        .iter()
                        .zip(&expected)
                        .all(|(a, b)| a.to_bits() == b.value.to_bits()),
                    "the EMA is the same as over the whole history"
                );
            }
        }
    }

    #[test]
    fn steps_with_a_constant_stride_are_kept_as_first_and_stride_and_draw_the_same() {
        let stepped = |steps: &[i64]| -> Vec<MetricPoint> {
            steps
                .iter()
                .enumerate()
                .map(|(i, &step)| MetricPoint {
                    step,
                    timestamp_ms: 0,
                    value: if i % 50 == 7 {
                        f64::NAN
                    } else {
                        (i % 13) as f64
                    },
                })
                .collect()
        };
        let strided: Vec<i64> = (0..9_000).map(|i| 5 + 3 * i).collect();
        let extreme = [i64::MIN, 0, i64::MAX];
        let mut broken = strided.clone();
        broken[5_000] += 1;
        let single_then_more: Vec<i64> = (0..4_097).collect();
        for (name, steps, kept_as_stride) in [
            ("strided", &strided[..], true),
            ("extreme", &extreme[..], false),
            ("broken in a later stretch", &broken[..], false),
            ("a stretch of one point first", &single_then_more[..], true),
            ("one point", &strided[..1], true),
        ] {
            let points = stepped(steps);
            let shaping = Shaping {
                x_axis: XAxis::Step,
                log_y: false,
                smoothing: Some(0.5),
                x_range: None,
            };
            let mut builder = RunLineBuilder::new("r".into(), "r".into(), shaping, 0);
            // Stretches of 4,096 points, the first of one point in the last case.
            let first = if name == "a stretch of one point first" {
                1
            } else {
                4_096
            };
            let (head, tail) = points.split_at(first.min(points.len()));
            for stretch in std::iter::once(head).chain(tail.chunks(4_096)) {
                let mut columns = MetricColumns::default();
                for point in stretch {
                    columns.push(point);
                }
                builder.push(&columns.steps, &columns.timestamps_ms, &columns.values);
            }
            let line = builder.finish();
            assert_eq!(
                matches!(line.x, XColumn::Stride { .. }),
                kept_as_stride,
                "{name}: {:?}",
                std::mem::discriminant(&line.x)
            );
            let mut materialised = line.clone();
            materialised.x.extend_values(std::iter::empty());
            let XColumn::Values(x) = &materialised.x else {
                panic!("{name}: not materialised");
            };
            let expected: Vec<f64> = steps.iter().map(|&step| step as f64).collect();
            assert_eq!(x, &expected, "{name}: x");
            let downsample = Some(((0.0, 30_000.0), 700));
            for values in [&line.values, line.smoothed.as_ref().unwrap()] {
                let a = line.segments(values, false, downsample);
                let b = materialised.segments(values, false, downsample);
                assert_eq!(a.segments, b.segments, "{name}");
                assert_eq!((a.drawable, a.skipped), (b.drawable, b.skipped), "{name}");
            }
        }
    }

    #[test]
    fn unbroken_strided_lines_take_the_column_search_and_draw_the_same() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut random = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % 1_000) as f64 / 100.0
        };
        for (first, stride, count) in [
            (0, 1, 100_000),
            (-50, 7, 3_001),
            (10, 1_000, 600),
            (3, 2, 1),
        ] {
            let points: Vec<MetricPoint> = (0..count)
                .map(|i| MetricPoint {
                    step: first + i * stride,
                    timestamp_ms: 0,
                    // Plateaus, so ties for min and max occur.
                    value: 0.5 + (random() * 4.0).round() / 4.0,
                })
                .collect();
            let last = (first + (count - 1) * stride) as f64;
            for log_y in [false, true] {
                let shaping = Shaping {
                    x_axis: XAxis::Step,
                    log_y,
                    smoothing: Some(0.3),
                    x_range: None,
                };
                let line = RunLine::from_points("r".into(), "r".into(), &points, shaping);
                assert!(matches!(line.x, XColumn::Stride { .. }));
                let mut materialised = line.clone();
                materialised.x.extend_values(std::iter::empty());
                for (x_range, columns) in [
                    ((first as f64, last), 1_117),
                    ((first as f64, last), 1),
                    ((first as f64, last), 5_000),
                    ((first as f64 + 100.0, last - 300.0), 640),
                    ((first as f64, first as f64), 300),
                ] {
                    let downsample = Some((x_range, columns));
                    for values in [&line.values, line.smoothed.as_ref().unwrap()] {
                        let fast = line.segments(values, log_y, downsample);
                        let general = materialised.segments(values, log_y, downsample);
                        let context = format!("{first}+{stride}×{count}, {x_range:?}/{columns}");
                        assert_eq!(fast.segments, general.segments, "{context}");
                        assert_eq!(fast.drawable, general.drawable, "{context}");
                        assert_eq!(fast.skipped, general.skipped, "{context}");
                    }
                }
            }
        }
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

    #[test]
    fn ema_after_the_debiasing_term_vanishes_is_the_plain_average() {
        // Past ~70 points at weight 0.6 the debiasing term is below 2^-54: the average is
        // the undebiased recurrence, bit for bit.
        let points: Vec<MetricPoint> = (0..3_000).map(|i| point(i, 1.0 + (i % 7) as f64)).collect();
        let smoothed = ema(&points, 0.6);
        let mut last = 0.0;
        let mut power = 1.0f64;
        for (point, smoothed) in points.iter().zip(&smoothed) {
            last = last * 0.6 + 0.4 * point.value;
            power *= 0.6;
            let expected = last / (1.0 - power);
            assert_eq!(
                smoothed.value.to_bits(),
                expected.to_bits(),
                "step {}",
                point.step
            );
        }
    }
}

//! M4 downsampling: per pixel column keep the first, last, smallest and largest point, so a
//! polyline drawn from the result covers exactly the pixels the full series would — a spike one
//! point wide survives. Never random sampling.

/// Appends to `out` the M4 reduction of `points` (finite `(x, y)`, in drawing order) for
/// `columns` pixel columns spanning `x_range`. Consecutive points falling in the same column
/// form a group; each group contributes its first, min-y, max-y and last point, in their
/// original order and without repeats. Returns how many points were appended.
pub fn m4_downsample(
    points: &[(f64, f64)],
    x_range: (f64, f64),
    columns: u32,
    out: &mut Vec<(f64, f64)>,
) -> usize {
    let start_len = out.len();
    if points.len() <= 4 || columns == 0 {
        out.extend_from_slice(points);
        return points.len();
    }
    let mut m4 = M4::new(x_range, columns);
    for &point in points {
        m4.push(point, out);
    }
    m4.flush(out);
    out.len() - start_len
}

/// Streaming M4: feed points with [`M4::push`], end a polyline with [`M4::flush`].
#[derive(Debug, Clone)]
pub(crate) struct M4 {
    low: f64,
    scale: f64,
    max_column: i64,
    group: Option<Group>,
}

/// The open pixel column: its first, lowest, highest and last point, with arrival order.
#[derive(Debug, Clone, Copy)]
struct Group {
    column: i64,
    /// The scaled positions `[low, high)` that fall in `column` (open-ended at the clamped
    /// first and last columns), so a point in the same column is found without a conversion.
    low: f64,
    high: f64,
    count: usize,
    first: (f64, f64),
    min: (usize, (f64, f64)),
    max: (usize, (f64, f64)),
    last: (usize, (f64, f64)),
}

impl Group {
    #[inline(always)]
    fn add(&mut self, point: (f64, f64)) {
        let index = self.count;
        self.count += 1;
        if point.1 < self.min.1.1 {
            self.min = (index, point);
        }
        if point.1 > self.max.1.1 {
            self.max = (index, point);
        }
        self.last = (index, point);
    }
}

impl M4 {
    pub(crate) fn new((low, high): (f64, f64), columns: u32) -> M4 {
        let span = high - low;
        let scale = if span > 0.0 && span.is_finite() {
            f64::from(columns.max(1)) / span
        } else {
            0.0
        };
        M4 {
            low,
            scale,
            max_column: i64::from(columns.max(1)) - 1,
            group: None,
        }
    }

    /// The pixel column of `x`, exactly as [`M4::push`] assigns it.
    #[inline]
    pub(crate) fn column_of(&self, x: f64) -> i64 {
        // See `push`: truncation and the clamp give floor's column.
        (((x - self.low) * self.scale) as i64).clamp(0, self.max_column)
    }

    /// Points per column for x advancing by `stride`, at least 1 (a hint for searches).
    pub(crate) fn points_per_column(&self, stride: f64) -> usize {
        let per_column = 1.0 / (stride * self.scale);
        if per_column.is_finite() && per_column >= 1.0 {
            per_column.min(1e9) as usize
        } else {
            1
        }
    }

    /// Adds the next point of the current polyline; writes finished columns to `out`.
    #[inline]
    pub(crate) fn push(&mut self, point: (f64, f64), out: &mut Vec<(f64, f64)>) {
        let position = (point.0 - self.low) * self.scale;
        // Fast path: within the open column's bounds, which hold exactly the positions whose
        // column (below) is the open one. NaN fails the comparison and takes the exact path.
        if let Some(group) = &mut self.group
            && position >= group.low
            && position < group.high
        {
            group.add(point);
            return;
        }
        // `as` truncates toward zero where floor would go down, but only below 0, which the
        // clamp maps to column 0 either way (NaN casts to 0): the same column as floor, without
        // a libm call per point.
        let column = (position as i64).clamp(0, self.max_column);
        if let Some(group) = &mut self.group
            && group.column == column
        {
            group.add(point);
            return;
        }
        self.flush(out);
        // Column k holds the positions in [k, k + 1); the first and last columns also hold
        // everything clamped into them. Exact in f64: k < 2^32.
        let low = if column == 0 {
            f64::NEG_INFINITY
        } else {
            column as f64
        };
        let high = if column == self.max_column {
            f64::INFINITY
        } else {
            (column + 1) as f64
        };
        self.group = Some(Group {
            column,
            low,
            high,
            count: 1,
            first: point,
            min: (0, point),
            max: (0, point),
            last: (0, point),
        });
    }

    /// Ends the current polyline: writes its open column to `out`.
    pub(crate) fn flush(&mut self, out: &mut Vec<(f64, f64)>) {
        let Some(group) = self.group.take() else {
            return;
        };
        out.push(group.first);
        let (a, b) = if group.min.0 <= group.max.0 {
            (group.min, group.max)
        } else {
            (group.max, group.min)
        };
        let mut previous = 0;
        for (index, point) in [a, b, group.last] {
            if index != previous {
                out.push(point);
                previous = index;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn downsample(points: &[(f64, f64)], columns: u32) -> Vec<(f64, f64)> {
        let x_range = (points[0].0, points[points.len() - 1].0);
        let mut out = Vec::new();
        m4_downsample(points, x_range, columns, &mut out);
        out
    }

    #[test]
    fn a_one_point_spike_survives() {
        let mut points: Vec<(f64, f64)> = (0..1_000_000).map(|i| (i as f64, 1.0)).collect();
        points[654_321].1 = 1_000.0;
        points[123_456].1 = -5.0;
        let out = downsample(&points, 800);
        assert!(out.len() <= 4 * 800, "{}", out.len());
        assert!(out.contains(&(654_321.0, 1_000.0)));
        assert!(out.contains(&(123_456.0, -5.0)));
        assert_eq!(out.first(), points.first());
        assert_eq!(out.last(), points.last());
    }

    #[test]
    fn every_column_keeps_its_first_last_min_and_max() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut random = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % 1_000_000) as f64 / 1_000_000.0
        };
        for columns in [1, 7, 100, 333] {
            let mut x = 0.0;
            let points: Vec<(f64, f64)> = (0..20_000)
                .map(|_| {
                    x += random() * 3.0;
                    (x, random() * 100.0 - 50.0)
                })
                .collect();
            let out = downsample(&points, columns);
            assert!(
                out.len() <= 4 * columns as usize,
                "{columns}: {}",
                out.len()
            );
            let x_range = (points[0].0, points[points.len() - 1].0);
            let column_of = |x: f64| {
                (((x - x_range.0) / (x_range.1 - x_range.0) * f64::from(columns)).floor() as i64)
                    .clamp(0, i64::from(columns) - 1)
            };
            for column in 0..i64::from(columns) {
                let members: Vec<(f64, f64)> = points
                    .iter()
                    .copied()
                    .filter(|point| column_of(point.0) == column)
                    .collect();
                let Some(first) = members.first() else {
                    continue;
                };
                let last = members[members.len() - 1];
                let min = members
                    .iter()
                    .copied()
                    .fold(*first, |a, b| if b.1 < a.1 { b } else { a });
                let max = members
                    .iter()
                    .copied()
                    .fold(*first, |a, b| if b.1 > a.1 { b } else { a });
                for kept in [*first, last, min, max] {
                    assert!(
                        out.contains(&kept),
                        "{columns} columns, column {column}: {kept:?}"
                    );
                }
            }
        }
    }

    /// M4 as first written: floor per point, consecutive points of a column grouped.
    fn reference(points: &[(f64, f64)], (low, high): (f64, f64), columns: u32) -> Vec<(f64, f64)> {
        let scale = f64::from(columns) / (high - low);
        let column_of =
            |x: f64| (((x - low) * scale).floor() as i64).clamp(0, i64::from(columns) - 1);
        let mut out = Vec::new();
        let mut start = 0;
        while start < points.len() {
            let column = column_of(points[start].0);
            let end = (start..points.len())
                .find(|&index| column_of(points[index].0) != column)
                .unwrap_or(points.len());
            let group = &points[start..end];
            let position = |pick: fn(f64, f64) -> bool| {
                (0..group.len()).fold(0, |best, index| {
                    if pick(group[index].1, group[best].1) {
                        index
                    } else {
                        best
                    }
                })
            };
            let (min, max) = (position(|a, b| a < b), position(|a, b| a > b));
            let mut kept = vec![0, min.min(max), min.max(max), group.len() - 1];
            kept.dedup();
            out.extend(kept.into_iter().map(|index| group[index]));
            start = end;
        }
        out
    }

    #[test]
    fn points_on_column_edges_and_outside_the_range_land_where_floor_puts_them() {
        let mut points = Vec::new();
        for (i, x) in [
            -3.0,
            -0.5,
            -1e-300,
            0.0,
            0.999_999,
            1.0,
            1.000_000_1,
            1.5,
            2.0,
            2.0,
            4.999_999_999,
            5.0,
            7.25,
            9.0,
            9.999,
            10.0,
            12.0,
            1e300,
        ]
        .into_iter()
        .enumerate()
        {
            // Several points per x, with values that make min and max move around.
            for j in 0..3 {
                points.push((x, ((i * 7 + j * 5) % 11) as f64));
            }
        }
        for columns in [1, 2, 10, 3] {
            let mut out = Vec::new();
            m4_downsample(&points, (0.0, 10.0), columns, &mut out);
            assert_eq!(
                out,
                reference(&points, (0.0, 10.0), columns),
                "{columns} columns"
            );
        }
    }

    #[test]
    fn order_is_kept_and_nothing_repeats() {
        let points: Vec<(f64, f64)> = (0..100)
            .map(|i| (f64::from(i), f64::from((i * 37) % 11)))
            .collect();
        let out = downsample(&points, 10);
        assert!(out.windows(2).all(|pair| pair[0].0 < pair[1].0), "{out:?}");
        assert!(out.len() <= 40);
    }

    #[test]
    fn short_series_pass_through() {
        let points = [(0.0, 1.0), (1.0, 2.0), (2.0, 0.5)];
        assert_eq!(downsample(&points, 1), points.to_vec());
        let one = [(5.0, 5.0)];
        let mut out = Vec::new();
        m4_downsample(&one, (5.0, 5.0), 100, &mut out);
        assert_eq!(out, one.to_vec());
    }

    #[test]
    fn zero_width_range_is_one_column() {
        let points: Vec<(f64, f64)> = (0..10).map(|i| (3.0, f64::from(i))).collect();
        let mut out = Vec::new();
        m4_downsample(&points, (3.0, 3.0), 100, &mut out);
        assert_eq!(out, vec![(3.0, 0.0), (3.0, 9.0)]);
    }
}

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
    let (low, high) = x_range;
    let span = high - low;
    let scale = if span > 0.0 && span.is_finite() {
        f64::from(columns) / span
    } else {
        0.0
    };
    let max_column = i64::from(columns) - 1;
    let column_of = |x: f64| (((x - low) * scale).floor() as i64).clamp(0, max_column);

    let mut group_start = 0;
    let mut group_column = column_of(points[0].0);
    for index in 1..=points.len() {
        let column = points.get(index).map(|point| column_of(point.0));
        if column == Some(group_column) {
            continue;
        }
        push_group(&points[group_start..index], out);
        if let Some(column) = column {
            group_start = index;
            group_column = column;
        }
    }
    out.len() - start_len
}

fn push_group(group: &[(f64, f64)], out: &mut Vec<(f64, f64)>) {
    let last = group.len() - 1;
    if last < 4 {
        out.extend_from_slice(group);
        return;
    }
    let (mut min_index, mut max_index) = (0, 0);
    for (index, point) in group.iter().enumerate() {
        if point.1 < group[min_index].1 {
            min_index = index;
        }
        if point.1 > group[max_index].1 {
            max_index = index;
        }
    }
    let (first_extreme, second_extreme) = if min_index <= max_index {
        (min_index, max_index)
    } else {
        (max_index, min_index)
    };
    let mut previous = usize::MAX;
    for index in [0, first_extreme, second_extreme, last] {
        if index != previous {
            out.push(group[index]);
            previous = index;
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

//! Zoomed line charts (`LineOptions::x_range`): only the points inside the range are read into
//! the chart, reduced per pixel over that range alone, so a one-point spike among a million
//! survives; the axis spans the range; smoothing inside the range matches the whole history's.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use cairn_chart::{LineOptions, RunSeries, XAxis, render_line};
use cairn_core::model::MetricPoint;

fn history(run_id: &str, points: usize, spike_at: i64) -> RunSeries {
    RunSeries {
        run_id: run_id.to_string(),
        run_name: run_id.to_string(),
        points: (0..points as i64)
            .map(|step| MetricPoint {
                step,
                timestamp_ms: 1_700_000_000_000 + step * 10,
                value: if step == spike_at {
                    50.0
                } else {
                    1.0 + (step % 7) as f64 * 0.01
                },
            })
            .collect(),
    }
}

fn options(x_range: Option<(f64, f64)>) -> LineOptions {
    LineOptions {
        metric: "loss".to_string(),
        width: 600,
        height: 300,
        x_range,
        ..LineOptions::default()
    }
}

#[test]
fn a_spike_inside_the_range_survives_and_points_outside_are_not_drawn() {
    let runs = [history("a", 1_000_000, 503_217)];
    let zoomed = render_line(&runs, &options(Some((500_000.0, 510_000.0)))).unwrap();
    assert_eq!(
        zoomed.stats.points_total, 10_001,
        "the range's points, ends included"
    );
    assert!(zoomed.stats.downsampled);
    let drawn = &zoomed.drawn[0];
    assert!(
        drawn
            .iter()
            .all(|&(x, _)| (500_000.0..=510_000.0).contains(&x)),
        "nothing outside the range is drawn"
    );
    assert!(drawn.contains(&(503_217.0, 50.0)), "the spike is kept");
    assert_eq!(zoomed.chart.geometry.x_range, (500_000.0, 510_000.0));
    let (low, high) = zoomed.chart.geometry.y_range;
    assert!(
        low < 1.0 && high >= 50.0,
        "y fits the range's data: {low}..{high}"
    );
    // Columns are the range's: a 600 px chart keeps at most 4 points per plot column.
    let columns = (zoomed.chart.geometry.width_px() + 1) as usize;
    assert!(drawn.len() <= 4 * columns, "{} points", drawn.len());
}

#[test]
fn a_range_with_no_points_draws_an_empty_chart_over_that_range() {
    let runs = [history("a", 1_000, -1)];
    let empty = render_line(&runs, &options(Some((5_000.0, 6_000.0)))).unwrap();
    assert_eq!(empty.stats.points_total, 0);
    assert!(empty.drawn[0].is_empty());
    assert_eq!(empty.chart.geometry.x_range, (5_000.0, 6_000.0));
}

#[test]
fn smoothing_inside_a_range_is_the_whole_historys() {
    let runs = [history("a", 5_000, 2_500)];
    let smoothed = |x_range| LineOptions {
        smoothing: Some(0.9),
        width: 8_000,
        ..options(x_range)
    };
    let whole = render_line(&runs, &smoothed(None)).unwrap();
    let zoomed = render_line(&runs, &smoothed(Some((2_000.0, 3_000.0)))).unwrap();
    // At 8,000 px nothing is reduced over the range, so every smoothed point is drawn.
    for &(x, y) in &zoomed.drawn[0] {
        let same = whole.drawn[0].iter().find(|point| point.0 == x);
        if let Some(&(_, expected)) = same {
            assert!(
                (y - expected).abs() < 1e-12,
                "step {x}: {y} against {expected}"
            );
        }
    }
    assert_eq!(zoomed.drawn[0].first().map(|p| p.0), Some(2_000.0));
}

#[test]
fn time_axes_zoom_on_their_own_units() {
    let runs = [history("a", 10_000, 5_000)];
    // Relative time: 10 ms per step, so seconds 40..60 are steps 4,000..6,000.
    let zoomed = render_line(
        &runs,
        &LineOptions {
            x_axis: XAxis::RelativeTime,
            ..options(Some((40.0, 60.0)))
        },
    )
    .unwrap();
    assert_eq!(zoomed.stats.points_total, 2_001);
    assert!(zoomed.drawn[0].contains(&(50.0, 50.0)));
}

#[test]
fn an_empty_or_reversed_range_is_refused() {
    let runs = [history("a", 10, -1)];
    for range in [
        (5.0, 5.0),
        (6.0, 5.0),
        (f64::NAN, 1.0),
        (0.0, f64::INFINITY),
    ] {
        assert!(
            render_line(&runs, &options(Some(range))).is_err(),
            "{range:?}"
        );
    }
}

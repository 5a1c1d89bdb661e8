//! Rendering tests: SVG snapshots for fixed inputs, geometry (spikes survive, points land on
//! the expected pixel), awkward inputs (NaN, Inf, empty, one point, ten million points) and
//! PNGs that decode and are not blank.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly on anything unexpected"
)]

use cairn_chart::{
    Field, Format, HistogramOptions, LineData, LineOptions, ParallelOptions, RunSeries,
    ScatterOptions, Theme, XAxis, render_histogram, render_line, render_line_data,
    render_line_from_store, render_parallel, render_scatter,
};
use cairn_core::SqliteStore;
use cairn_core::TrackingStore;
use cairn_core::model::{
    ExperimentId, LatestMetric, LifecycleStage, MetricPoint, NewRun, Param, Run, RunInfo,
    RunStatus, SourceKind,
};
use expect_test::expect_file;

fn point(step: i64, value: f64) -> MetricPoint {
    MetricPoint {
        step,
        timestamp_ms: 1_700_000_000_000 + step * 1_500,
        value,
    }
}

fn series(run_id: &str, points: Vec<MetricPoint>) -> RunSeries {
    RunSeries {
        run_id: run_id.to_string(),
        run_name: format!("run {run_id}"),
        points,
    }
}

/// Three runs: a smooth curve, a noisy one with a NaN gap, and one that restarts at step 10.
fn three_runs() -> Vec<RunSeries> {
    let smooth = (0..40)
        .map(|step| point(step, 2.0 / (1.0 + step as f64 * 0.2)))
        .collect();
    let noisy = (0..40)
        .map(|step| {
            let value = if step == 20 {
                f64::NAN
            } else {
                1.5 / (1.0 + step as f64 * 0.1) + ((step * 7) % 5) as f64 * 0.05
            };
            point(step, value)
        })
        .collect();
    let mut restarted: Vec<MetricPoint> = (0..15)
        .map(|step| point(step, 1.8 - step as f64 * 0.05))
        .collect();
    restarted.extend((10..30).map(|step| point(step, 1.4 - step as f64 * 0.03)));
    vec![
        series("aaaa", smooth),
        series("bbbb", noisy),
        series("cccc", restarted),
    ]
}

fn options() -> LineOptions {
    LineOptions {
        metric: "val_loss".to_string(),
        width: 640,
        height: 360,
        ..LineOptions::default()
    }
}

/// SVG text with coordinates as plotters wrote them; one element per line for readable diffs.
fn normalised(svg: &str) -> String {
    svg.replace("><", ">\n<")
}

#[test]
fn line_chart_snapshot() {
    let rendered = render_line(&three_runs(), &options()).unwrap();
    expect_file!["snapshots/line.svg"].assert_eq(&normalised(rendered.chart.svg().unwrap()));
}

#[test]
fn smoothed_log_dark_line_chart_snapshot() {
    let rendered = render_line(
        &three_runs(),
        &LineOptions {
            smoothing: Some(0.6),
            log_y: true,
            theme: Theme::Dark,
            x_axis: XAxis::RelativeTime,
            ..options()
        },
    )
    .unwrap();
    expect_file!["snapshots/line-smoothed-log-dark.svg"]
        .assert_eq(&normalised(rendered.chart.svg().unwrap()));
}

fn run(id: &str, params: &[(&str, &str)], metrics: &[(&str, f64)]) -> Run {
    Run {
        info: RunInfo {
            run_id: id.to_string(),
            experiment_id: ExperimentId(1),
            run_name: format!("run-{id}"),
            user_id: String::new(),
            status: RunStatus::Finished,
            start_time_ms: Some(0),
            end_time_ms: Some(1),
            lifecycle_stage: LifecycleStage::Active,
            artifact_uri: String::new(),
            source_kind: SourceKind::Cli,
            source_path: None,
            source_missing: false,
            parent_run_id: None,
        },
        params: params
            .iter()
            .map(|(key, value)| Param {
                key: key.to_string(),
                value: value.to_string(),
            })
            .collect(),
        tags: Vec::new(),
        metrics: metrics
            .iter()
            .map(|(key, value)| LatestMetric {
                key: key.to_string(),
                latest: point(10, *value),
                point_count: 1,
            })
            .collect(),
        git: None,
        data: Vec::new(),
    }
}

fn table_of_runs() -> Vec<Run> {
    let optimizers = ["adam", "sgd", "adamw"];
    (0..12)
        .map(|index| {
            let lr = [0.1, 0.01, 0.001][index % 3].to_string();
            let accuracy = 0.7 + (index as f64 * 0.37) % 0.25;
            run(
                &format!("{index:04}"),
                &[("optimizer", optimizers[index % 3]), ("lr", &lr)],
                &[("val_acc", accuracy), ("val_loss", 1.0 - accuracy)],
            )
        })
        .collect()
}

#[test]
fn scatter_snapshots_numeric_and_categorical() {
    let base = ScatterOptions {
        x: Field::parse("params.lr"),
        y: Field::parse("metrics.val_acc"),
        title: None,
        width: 480,
        height: 320,
        theme: Theme::Light,
        format: Format::Svg,
    };
    let numeric = render_scatter(&table_of_runs(), &base).unwrap();
    expect_file!["snapshots/scatter.svg"].assert_eq(&normalised(numeric.svg().unwrap()));
    let categorical = render_scatter(
        &table_of_runs(),
        &ScatterOptions {
            x: Field::parse("params.optimizer"),
            ..base
        },
    )
    .unwrap();
    let svg = categorical.svg().unwrap();
    for name in ["adam", "adamw", "sgd"] {
        assert!(
            svg.contains(&format!(">\n{name}\n<")),
            "category label {name}"
        );
    }
    expect_file!["snapshots/scatter-categorical.svg"].assert_eq(&normalised(svg));
}

#[test]
fn parallel_and_histogram_snapshots() {
    let parallel = render_parallel(
        &table_of_runs(),
        &ParallelOptions {
            dimensions: [
                "params.optimizer",
                "params.lr",
                "metrics.val_loss",
                "metrics.val_acc",
            ]
            .into_iter()
            .map(Field::parse)
            .collect(),
            colour_by: Some(Field::parse("metrics.val_acc")),
            title: None,
            width: 640,
            height: 360,
            theme: Theme::Light,
            format: Format::Svg,
        },
    )
    .unwrap();
    expect_file!["snapshots/parallel.svg"].assert_eq(&normalised(parallel.svg().unwrap()));
    let histogram = render_histogram(
        &table_of_runs(),
        &HistogramOptions {
            field: Field::parse("val_acc"),
            bins: Some(5),
            title: None,
            width: 480,
            height: 320,
            theme: Theme::Light,
            format: Format::Svg,
        },
    )
    .unwrap();
    expect_file!["snapshots/histogram.svg"].assert_eq(&normalised(histogram.svg().unwrap()));
}

/// Every `<polyline points="…">` drawn `stroke-width="2"` (the runs' lines when there are few
/// runs; axes, ticks and legend marks have other widths) as pixel pairs.
fn polylines(svg: &str) -> Vec<Vec<(i32, i32)>> {
    svg.split("<polyline")
        .skip(1)
        .filter(|element| element.contains("stroke-width=\"2\""))
        .filter_map(|element| {
            let points = element.split("points=\"").nth(1)?.split('"').next()?;
            Some(
                points
                    .split_whitespace()
                    .map(|pair| {
                        let (x, y) = pair.split_once(',').unwrap();
                        (x.parse().unwrap(), y.parse().unwrap())
                    })
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn a_spike_survives_downsampling_and_lands_on_its_pixel() {
    let mut points: Vec<MetricPoint> = (0..1_000_000).map(|step| point(step, 1.0)).collect();
    points[777_777].value = 50.0;
    let rendered = render_line(&[series("spiky", points)], &options()).unwrap();
    assert!(rendered.stats.downsampled);
    assert!(
        rendered.stats.points_drawn <= 4 * 640,
        "{:?}",
        rendered.stats
    );
    let geometry = rendered.chart.geometry;
    let expected = geometry.to_drawn_pixel(777_777.0, 50.0);
    let drawn: Vec<(i32, i32)> = polylines(rendered.chart.svg().unwrap())
        .into_iter()
        .flatten()
        .collect();
    assert!(drawn.contains(&expected), "spike at {expected:?} not drawn");
    assert_eq!(
        expected.1,
        geometry.top_px + (geometry.height_px() as f64 * 0.05 / 1.1) as i32 + 1
    );
    // The top of the plot is the spike plus padding: nothing is clipped.
    assert!(geometry.y_range.1 > 50.0);
}

#[test]
fn a_known_point_maps_to_the_expected_pixel() {
    let runs = [series("known", vec![point(0, 0.0), point(100, 10.0)])];
    let rendered = render_line(&runs, &options()).unwrap();
    let geometry = rendered.chart.geometry;
    assert_eq!(geometry.x_range, (0.0, 100.0));
    assert_eq!(geometry.y_range, (-0.5, 10.5));
    let drawn = polylines(rendered.chart.svg().unwrap());
    assert_eq!(drawn.len(), 1, "{drawn:?}");
    let line = &drawn[0];
    assert_eq!(line[0], geometry.to_drawn_pixel(0.0, 0.0));
    assert_eq!(line[1], geometry.to_drawn_pixel(100.0, 10.0));
    assert_eq!(
        (line[0].0, line[1].0),
        (geometry.left_px, geometry.right_px)
    );
}

#[test]
fn awkward_inputs_render() {
    let cases: Vec<(&str, Vec<RunSeries>)> = vec![
        ("no runs", vec![]),
        ("empty history", vec![series("e", vec![])]),
        ("one point", vec![series("o", vec![point(3, 0.5)])]),
        (
            "only NaN and Inf",
            vec![series(
                "n",
                vec![
                    point(0, f64::NAN),
                    point(1, f64::INFINITY),
                    point(2, f64::NEG_INFINITY),
                ],
            )],
        ),
        (
            "huge and tiny",
            vec![series(
                "h",
                vec![point(0, 1e300), point(1, -1e300), point(2, 1e-300)],
            )],
        ),
        (
            "same step",
            vec![series("s", vec![point(5, 1.0), point(5, 2.0)])],
        ),
        (
            "extremes of f64 and i64",
            vec![series(
                "x",
                vec![
                    MetricPoint {
                        step: i64::MIN,
                        timestamp_ms: i64::MIN,
                        value: f64::MAX,
                    },
                    MetricPoint {
                        step: i64::MAX,
                        timestamp_ms: i64::MAX,
                        value: -f64::MAX,
                    },
                ],
            )],
        ),
    ];
    for (name, runs) in cases {
        for log_y in [false, true] {
            for smoothing in [None, Some(0.9)] {
                let rendered = render_line(
                    &runs,
                    &LineOptions {
                        log_y,
                        smoothing,
                        ..options()
                    },
                )
                .unwrap_or_else(|error| panic!("{name}: {error}"));
                let svg = rendered.chart.svg().unwrap();
                assert!(svg.starts_with("<svg"), "{name}");
                assert!(
                    !svg.contains("NaN") && !svg.contains("inf"),
                    "{name}: {svg}"
                );
            }
        }
    }
    let only_nan = render_line(&[series("n", vec![point(0, f64::NAN)])], &options()).unwrap();
    assert!(only_nan.chart.svg().unwrap().contains("no data"));
    assert_eq!(only_nan.stats.points_skipped, 1);
}

#[test]
fn ten_million_points_render_bounded_by_width() {
    let runs: Vec<RunSeries> = (0..10)
        .map(|run| {
            series(
                &format!("big{run}"),
                (0..1_000_000)
                    .map(|step| point(step, ((step + run * 977) % 10_007) as f64))
                    .collect(),
            )
        })
        .collect();
    let rendered = render_line(&runs, &options()).unwrap();
    assert_eq!(rendered.stats.points_total, 10_000_000);
    assert!(
        rendered.stats.points_drawn <= 10 * 4 * 640,
        "{:?}",
        rendered.stats
    );
    let svg = rendered.chart.svg().unwrap();
    assert!(svg.len() < 1_000_000, "{} bytes", svg.len());
    assert!(svg.contains("downsampled to"));
    assert!(svg.contains("10,000,000 points"));
}

#[test]
fn invalid_options_are_refused() {
    let runs = three_runs();
    for bad in [
        LineOptions {
            smoothing: Some(1.0),
            ..options()
        },
        LineOptions {
            smoothing: Some(-0.1),
            ..options()
        },
        LineOptions {
            width: 0,
            ..options()
        },
        LineOptions {
            height: 100_000,
            ..options()
        },
    ] {
        assert!(render_line(&runs, &bad).is_err(), "{bad:?}");
    }
}

#[test]
fn png_decodes_and_is_not_blank() {
    for theme in [Theme::Light, Theme::Dark] {
        let rendered = render_line(
            &three_runs(),
            &LineOptions {
                format: Format::Png,
                theme,
                smoothing: Some(0.5),
                ..options()
            },
        )
        .unwrap();
        assert!(rendered.chart.svg().is_none());
        let decoder = png::Decoder::new(std::io::Cursor::new(rendered.chart.bytes.as_slice()));
        let mut reader = decoder.read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut pixels).unwrap();
        assert_eq!((info.width, info.height), (640, 360));
        let pixels = &pixels[..info.buffer_size()];
        let background = [pixels[0], pixels[1], pixels[2]];
        let distinct: std::collections::BTreeSet<[u8; 3]> = pixels
            .chunks_exact(3)
            .map(|pixel| [pixel[0], pixel[1], pixel[2]])
            .collect();
        assert!(distinct.len() > 20, "{theme:?}: {} colours", distinct.len());
        let inked = pixels
            .chunks_exact(3)
            .filter(|pixel| pixel[..] != background[..])
            .count();
        assert!(inked > 2_000, "{theme:?}: {inked} non-background pixels");
        if std::env::var_os("CAIRN_CHART_PNG_DIR").is_some() {
            let dir = std::path::PathBuf::from(std::env::var_os("CAIRN_CHART_PNG_DIR").unwrap());
            std::fs::write(
                dir.join(format!("line-{theme:?}.png")),
                &rendered.chart.bytes,
            )
            .unwrap();
        }
    }
}

#[test]
fn the_shipped_font_parses_and_rendering_is_deterministic() {
    cairn_chart::font::ensure_registered();
    assert!(cairn_chart::font::DEJAVU_SANS.len() > 100_000);
    let first = render_line(&three_runs(), &options()).unwrap();
    let second = render_line(&three_runs(), &options()).unwrap();
    assert_eq!(first, second);
}

#[test]
fn a_chart_read_from_the_store_is_the_chart_of_the_same_histories_in_memory() {
    let directory = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&directory.path().join("charts.db")).unwrap();
    // The three runs (gap, restart), a long one spanning several stored chunks with a spike,
    // and a run without the metric.
    let mut histories = three_runs();
    let mut long: Vec<MetricPoint> = (0..20_000)
        .map(|step| point(step, 1.0 + (step % 97) as f64 / 97.0))
        .collect();
    long[12_345].value = 40.0;
    long[15_000].value = f64::NAN;
    histories.push(series("dddd", long));
    histories.push(series("eeee", Vec::new()));
    let mut runs = Vec::new();
    for history in &histories {
        let run = store
            .create_run(&NewRun {
                run_id: Some(format!("{:0>32}", history.run_id)),
                run_name: history.run_name.clone(),
                ..NewRun::new(ExperimentId::DEFAULT, SourceKind::Cli)
            })
            .unwrap();
        // The first points one at a time (the store's uncompressed tail), the rest at once.
        let split = history.points.len().min(3);
        for point in &history.points[..split] {
            store
                .append_metric(&run.info.run_id, "val_loss", &[*point])
                .unwrap();
        }
        store
            .append_metric(&run.info.run_id, "val_loss", &history.points[split..])
            .unwrap();
        runs.push(store.get_run(&run.info.run_id).unwrap());
    }
    let in_memory: Vec<RunSeries> = histories
        .iter()
        .zip(&runs)
        .map(|(history, run)| RunSeries {
            run_id: run.info.run_id.clone(),
            ..history.clone()
        })
        .collect();
    for x_axis in [XAxis::Step, XAxis::RelativeTime, XAxis::WallTime] {
        for (log_y, smoothing) in [(false, None), (true, Some(0.6))] {
            let options = LineOptions {
                x_axis,
                log_y,
                smoothing,
                ..options()
            };
            let from_store = render_line_from_store(&store, &runs, &options).unwrap();
            let from_memory = render_line(&in_memory, &options).unwrap();
            assert_eq!(from_store, from_memory, "{x_axis:?}, log {log_y}");
            assert_eq!(from_store.stats.points_total, 20_000 + 40 + 40 + 35);
        }
    }
    let data = LineData::load(&store, &runs, &options()).unwrap();
    assert_eq!((data.run_count(), data.points_total()), (5, 20_115));
    let other_shaping = LineOptions {
        log_y: true,
        ..options()
    };
    assert!(render_line_data(&data, &other_shaping).is_err());
    let wider = LineOptions {
        width: 900,
        theme: Theme::Dark,
        ..options()
    };
    assert!(render_line_data(&data, &wider).is_ok());
}

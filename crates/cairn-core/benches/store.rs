//! Store benchmarks: metric insert and read throughput, bytes per point, and run search at
//! 100,000 runs. Prints a table; run with `cargo bench -p cairn-core --bench store`.
//! `CAIRN_BENCH_RUNS` overrides the number of runs for the search benchmark.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark stops loudly on anything unexpected"
)]

use std::time::{Duration, Instant};

use cairn_core::model::{
    ExperimentId, LogBatch, MetricPoint, NamedMetricPoint, NewExperiment, NewRun, Param, RunStatus,
    RunUpdate, SourceKind,
};
use cairn_core::search::{parse_filter, parse_order_by};
use cairn_core::{RunSearch, SqliteStore};
use cairn_core::{RunSearchStore, TrackingStore};

struct Row {
    name: String,
    figure: String,
    target: &'static str,
}

fn main() {
    let directory = tempfile::tempdir().expect("temporary folder");
    let mut rows = Vec::new();
    metric_benchmarks(&directory.path().join("metrics.db"), &mut rows);
    search_benchmarks(&directory.path().join("search.db"), &mut rows);
    println!("\n{:<58} {:>22}   target", "benchmark", "measured");
    println!("{}", "-".repeat(100));
    for row in rows {
        println!("{:<58} {:>22}   {}", row.name, row.figure, row.target);
    }
}

/// A plausible training curve: decaying loss with noise, 1-2 s between steps.
fn curve(points: usize, seed: u64, widen_from_f32: bool) -> Vec<MetricPoint> {
    let mut state = seed | 1;
    let mut noise = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % 10_000) as f64 / 10_000.0 - 0.5
    };
    let mut timestamp_ms = 1_700_000_000_000i64;
    (0..points)
        .map(|step| {
            timestamp_ms += 1_000 + (noise().abs() * 1_000.0) as i64;
            let value = 2.0 * (-(step as f64) / 20_000.0).exp() + 0.05 + noise() * 0.02;
            MetricPoint {
                step: step as i64,
                timestamp_ms,
                value: if widen_from_f32 {
                    f64::from(value as f32)
                } else {
                    value
                },
            }
        })
        .collect()
}

fn new_run(store: &SqliteStore, experiment_id: ExperimentId) -> String {
    store
        .create_run(&NewRun::new(experiment_id, SourceKind::Cli))
        .expect("create run")
        .info
        .run_id
}

fn metric_benchmarks(path: &std::path::Path, rows: &mut Vec<Row>) {
    let store = SqliteStore::open(path).expect("open store");
    const POINTS: usize = 1_000_000;

    // log_batch, 1,000 points per call (10 keys × 100 steps), as a REST log-batch would.
    let run_id = new_run(&store, ExperimentId::DEFAULT);
    let curves: Vec<Vec<MetricPoint>> = (0..10)
        .map(|key| curve(POINTS / 10, key + 1, false))
        .collect();
    let started = Instant::now();
    for batch_start in (0..POINTS / 10).step_by(100) {
        let mut metrics = Vec::with_capacity(1000);
        for (key, points) in curves.iter().enumerate() {
            for point in &points[batch_start..batch_start + 100] {
                metrics.push(NamedMetricPoint {
                    key: format!("metric_{key}"),
                    point: *point,
                });
            }
        }
        store
            .log_batch(
                &run_id,
                &LogBatch {
                    metrics,
                    ..LogBatch::default()
                },
            )
            .expect("log batch");
    }
    let elapsed = started.elapsed();
    rows.push(Row {
        name: "insert: log_batch, 1,000 points/batch (10 keys)".into(),
        figure: per_second(POINTS, elapsed, "points"),
        target: ">= 1,000,000 points/s",
    });

    // One point per key per call: the per-step logging path (tail + compaction).
    let run_id = new_run(&store, ExperimentId::DEFAULT);
    let small = 20_000;
    let started = Instant::now();
    for step in 0..small / 10 {
        let metrics = curves
            .iter()
            .enumerate()
            .map(|(key, points)| NamedMetricPoint {
                key: format!("metric_{key}"),
                point: points[step],
            })
            .collect();
        store
            .log_batch(
                &run_id,
                &LogBatch {
                    metrics,
                    ..LogBatch::default()
                },
            )
            .expect("log batch");
    }
    rows.push(Row {
        name: "insert: log_batch, 10 points/batch (one step, 10 keys)".into(),
        figure: per_second(small, started.elapsed(), "points"),
        target: "(per-step logging)",
    });

    // append_metric: what importers use, 10,000-point slices of one long history.
    let run_id = new_run(&store, ExperimentId::DEFAULT);
    let long = curve(POINTS, 99, false);
    let started = Instant::now();
    for slice in long.chunks(10_000) {
        store.append_metric(&run_id, "loss", slice).expect("append");
    }
    rows.push(Row {
        name: "insert: append_metric, 10,000 points/call".into(),
        figure: per_second(POINTS, started.elapsed(), "points"),
        target: ">= 1,000,000 points/s",
    });

    // Read the 1,000,000-point history back.
    let mut timings = Vec::new();
    for _ in 0..7 {
        let started = Instant::now();
        let history = store.metric_history(&run_id, "loss").expect("history");
        timings.push(started.elapsed());
        assert_eq!(history.len(), POINTS);
    }
    rows.push(Row {
        name: "read: 1,000,000-point history".into(),
        figure: format!("{:.1} ms (median)", median_ms(&mut timings)),
        target: "<= 50 ms",
    });

    // Bytes per point of what was stored, f64 curves and float32-widened (TensorBoard) curves.
    let run_f32 = new_run(&store, ExperimentId::DEFAULT);
    store
        .append_metric(&run_f32, "loss", &curve(POINTS, 7, true))
        .expect("append");
    for (label, run) in [("f64 values", &run_id), ("float32 values", &run_f32)] {
        store
            .update_run(
                run,
                &RunUpdate {
                    status: Some(RunStatus::Finished),
                    ..RunUpdate::default()
                },
            )
            .expect("finish");
        let bytes = stored_bytes(path, run);
        rows.push(Row {
            name: format!("size: bytes per point, training curve, {label}"),
            figure: format!("{:.2} B/point", bytes as f64 / POINTS as f64),
            target: "<= 16 B/point",
        });
    }
}

/// Bytes of chunk data plus per-chunk row overhead, from SQLite's own accounting (dbstat).
fn stored_bytes(path: &std::path::Path, run_id: &str) -> i64 {
    let connection = rusqlite::Connection::open(path).expect("open for size");
    connection
        .query_row(
            "SELECT sum(length(c.data) + 40) + coalesce((SELECT count(*) * 40 FROM metric_tail t
                    JOIN metric_series s2 ON s2.id = t.series_id JOIN runs r2 ON r2.id = s2.run_id
                    WHERE r2.run_uuid = ?1), 0)
             FROM metric_chunks c JOIN metric_series s ON s.id = c.series_id
             JOIN runs r ON r.id = s.run_id WHERE r.run_uuid = ?1",
            [run_id],
            |row| row.get(0),
        )
        .expect("size query")
}

fn search_benchmarks(path: &std::path::Path, rows: &mut Vec<Row>) {
    let runs: usize = std::env::var("CAIRN_BENCH_RUNS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(100_000);
    let store = SqliteStore::open(path).expect("open store");
    let experiment_id = store
        .create_experiment(&NewExperiment {
            name: "sweep".into(),
            ..NewExperiment::default()
        })
        .expect("experiment");
    let started = Instant::now();
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut pending = Vec::new();
    for index in 0..runs {
        let run_id = new_run(&store, experiment_id);
        let params = (0..20)
            .map(|key| Param {
                key: format!("p{key}"),
                value: format!("v{}", next() % 10),
            })
            .collect();
        let metrics = (0..10)
            .map(|key| NamedMetricPoint {
                key: format!("m{key}"),
                point: MetricPoint {
                    step: 100,
                    timestamp_ms: 1_700_000_000_000 + index as i64,
                    value: (next() % 1_000_000) as f64 / 1_000_000.0,
                },
            })
            .collect();
        pending.push((
            run_id,
            LogBatch {
                metrics,
                params,
                tags: Vec::new(),
            },
        ));
        if pending.len() == 1000 {
            store.log_batches(&pending).expect("log batches");
            pending.clear();
        }
    }
    store.log_batches(&pending).expect("log batches");
    rows.push(Row {
        name: format!("setup: {runs} runs × 20 params × 10 metrics"),
        figure: format!("{:.1} s", started.elapsed().as_secs_f64()),
        target: "",
    });
    let cases = [
        ("metrics.m3 > 0.5 and params.p1 = 'v3'", "metrics.m3 DESC"),
        (
            "params.p1 = 'v3' and params.p2 != 'v4' and metrics.m0 < 0.9",
            "params.p5 ASC",
        ),
        (
            "metrics.m1 > 0.2 or params.p7 LIKE 'v1%'",
            "metrics.m9 DESC",
        ),
        ("", "attributes.start_time DESC"),
        ("", "metrics.m2 ASC"),
        // Orders with large ties (10 values over every run), an unindexed attribute, IS NULL.
        ("", "params.p5 DESC"),
        ("attributes.status = 'RUNNING'", "attributes.start_time ASC"),
        (
            "params.p3 IS NULL or metrics.m4 >= 0.99",
            "attributes.run_name ASC",
        ),
    ];
    for (filter, order) in cases {
        let search = RunSearch {
            experiment_ids: vec![experiment_id],
            filter: parse_filter(filter).expect("filter"),
            order_by: vec![parse_order_by(order).expect("order")],
            max_results: 100,
            count_total: true,
            ..RunSearch::default()
        };
        let mut timings = Vec::new();
        let mut total = 0;
        for _ in 0..5 {
            let started = Instant::now();
            let page = store.search_runs(&search).expect("search");
            timings.push(started.elapsed());
            total = page.total_count.unwrap_or(0);
        }
        let shown_filter = if filter.is_empty() {
            "(no filter)"
        } else {
            filter
        };
        rows.push(Row {
            name: format!("search: {shown_filter} / {order}"),
            figure: format!("{:.1} ms ({total} match)", median_ms(&mut timings)),
            target: "<= 100 ms",
        });
    }
}

fn per_second(count: usize, elapsed: Duration, unit: &str) -> String {
    let rate = count as f64 / elapsed.as_secs_f64();
    format!("{} {unit}/s", group_thousands(rate as u64))
}

fn median_ms(timings: &mut [Duration]) -> f64 {
    timings.sort();
    timings[timings.len() / 2].as_secs_f64() * 1000.0
}

fn group_thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

//! Tracking on both backends, side by side: ingest through `log_batch` (1,000 points per call,
//! 10 keys × 100 steps, as a REST log-batch sends them), single-point logging (one point per
//! call, the tail path), and reading a 10,000-point history whole and as a 1,000-point page.
//! PostgreSQL runs on the throwaway local cluster of `cairn_test_support::postgres` (loopback
//! TCP, fsync off), SQLite on a file in a temporary folder with its default durability.
//!
//! Run with `cargo bench -p cairn-core --bench tracking_backends`; `CAIRN_BENCH_BATCHES`
//! overrides the number of 1,000-point batches (default 200). Each figure is the best of five.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark stops loudly on anything unexpected"
)]

use std::time::{Duration, Instant};

use cairn_core::model::{
    ExperimentId, LogBatch, MetricPoint, NamedMetricPoint, NewRun, RunStatus, RunUpdate, SourceKind,
};
use cairn_core::{PostgresStore, SqliteStore, Store};

/// Single-point calls timed.
const SINGLE_POINTS: usize = 2_000;
/// The history read back.
const HISTORY_POINTS: usize = 10_000;
/// Times each read is repeated.
const READS: u32 = 50;
/// Each figure is the best of this many runs (the machine is shared: the best is the least
/// disturbed).
const TRIES: usize = 5;

fn main() {
    let batches: usize = std::env::var("CAIRN_BENCH_BATCHES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(200);
    let directory = tempfile::tempdir().expect("temporary folder");
    let sqlite = SqliteStore::open(&directory.path().join("bench.db")).expect("open SQLite");
    let url = cairn_test_support::postgres::fresh_database();
    let postgres =
        PostgresStore::connect(&url, &directory.path().join("artifacts")).expect("PostgreSQL");
    let backends: [(&str, &dyn Store); 2] = [("SQLite", &sqlite), ("PostgreSQL", &postgres)];
    let mut table: Vec<(String, Vec<String>)> = Vec::new();
    let mut add = |name: String, figures: Vec<String>| table.push((name, figures));

    let ingest: Vec<String> = backends
        .iter()
        .map(|(_, store)| {
            let best = best_of(|| {
                let run_id = new_run(*store);
                let started = Instant::now();
                for batch in 0..batches {
                    store.log_batch(&run_id, &batch_of_1000(batch)).unwrap();
                }
                started.elapsed()
            });
            rate(batches * 1_000, best)
        })
        .collect();
    add(
        format!("log_batch, {batches} × 1,000 points (10 keys × 100)"),
        ingest,
    );

    let singles: Vec<String> = backends
        .iter()
        .map(|(_, store)| {
            let points = curve(SINGLE_POINTS, 7);
            let elapsed = best_of(|| {
                let run_id = new_run(*store);
                let started = Instant::now();
                for point in &points {
                    let batch = LogBatch {
                        metrics: vec![NamedMetricPoint {
                            key: "loss".into(),
                            point: *point,
                        }],
                        ..LogBatch::default()
                    };
                    store.log_batch(&run_id, &batch).unwrap();
                }
                started.elapsed()
            });
            format!(
                "{:.0} µs/call",
                elapsed.as_secs_f64() * 1e6 / SINGLE_POINTS as f64
            )
        })
        .collect();
    add(
        format!("log_batch, 1 point per call ({SINGLE_POINTS} calls)"),
        singles,
    );

    let mut whole = Vec::new();
    let mut page = Vec::new();
    for (_, store) in &backends {
        let run_id = new_run(*store);
        store
            .append_metric(&run_id, "loss", &curve(HISTORY_POINTS, 3))
            .unwrap();
        store
            .update_run(
                &run_id,
                &RunUpdate {
                    status: Some(RunStatus::Finished),
                    ..RunUpdate::default()
                },
            )
            .unwrap();
        whole.push(per_read(best_of(|| {
            let started = Instant::now();
            for _ in 0..READS {
                let history = store.metric_history(&run_id, "loss").unwrap();
                assert_eq!(history.len(), HISTORY_POINTS);
            }
            started.elapsed()
        })));
        page.push(per_read(best_of(|| {
            let started = Instant::now();
            for _ in 0..READS {
                let range = store
                    .metric_history_range(&run_id, "loss", 4_500, 1_000)
                    .unwrap();
                assert_eq!(range.points.len(), 1_000);
            }
            started.elapsed()
        })));
    }
    add(format!("metric_history, {HISTORY_POINTS} points"), whole);
    add(
        format!("metric_history_range, 1,000 of {HISTORY_POINTS} points"),
        page,
    );

    println!(
        "\n{:<52} {:>18} {:>18}",
        "benchmark", backends[0].0, backends[1].0
    );
    println!("{}", "-".repeat(90));
    for (name, figures) in table {
        println!("{name:<52} {:>18} {:>18}", figures[0], figures[1]);
    }
}

fn new_run(store: &dyn Store) -> String {
    store
        .create_run(&NewRun::new(ExperimentId::DEFAULT, SourceKind::Cli))
        .expect("create run")
        .info
        .run_id
}

/// Batch `batch` of a 10-key curve: steps `batch * 100 ..`, 100 per key.
fn batch_of_1000(batch: usize) -> LogBatch {
    let mut metrics = Vec::with_capacity(1_000);
    for key in 0..10 {
        for point in curve(100, (batch * 10 + key) as u64 + 1) {
            metrics.push(NamedMetricPoint {
                key: format!("metric_{key}"),
                point: MetricPoint {
                    step: point.step + (batch * 100) as i64,
                    ..point
                },
            });
        }
    }
    LogBatch {
        metrics,
        ..LogBatch::default()
    }
}

/// A plausible training curve: decaying loss with noise, 1-2 s between steps.
fn curve(points: usize, seed: u64) -> Vec<MetricPoint> {
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
            MetricPoint {
                step: step as i64,
                timestamp_ms,
                value: 2.0 * (-(step as f64) / 20_000.0).exp() + 0.05 + noise() * 0.02,
            }
        })
        .collect()
}

/// The shortest of [`TRIES`] runs of `run`.
fn best_of(mut run: impl FnMut() -> Duration) -> Duration {
    (0..TRIES).map(|_| run()).min().unwrap_or_default()
}

fn rate(points: usize, elapsed: Duration) -> String {
    format!(
        "{:.2} M points/s",
        points as f64 / elapsed.as_secs_f64() / 1e6
    )
}

fn per_read(elapsed: Duration) -> String {
    format!(
        "{:.2} ms/read",
        elapsed.as_secs_f64() * 1e3 / f64::from(READS)
    )
}

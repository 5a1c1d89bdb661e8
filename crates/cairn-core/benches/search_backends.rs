//! Run search on both stores: 10,000 runs × 20 params × 10 metrics (and two tags) logged to a
//! PostgreSQL store (a throwaway cluster, see `cairn_test_support::postgres`) and to a SQLite
//! store, then three typical searches timed on each (median of 7, page of 100, total counted),
//! and PostgreSQL's plan of each printed so that index use can be checked.
//! Run with `cargo bench -p cairn-core --bench search_backends`; `CAIRN_BENCH_RUNS` overrides the
//! number of runs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark stops loudly on anything unexpected"
)]

use std::time::{Duration, Instant};

use cairn_core::model::{
    ExperimentId, LogBatch, MetricPoint, NamedMetricPoint, NewExperiment, NewRun, Param,
    SourceKind, Tag,
};
use cairn_core::search::{parse_filter, parse_order_by_list};
use cairn_core::{PostgresStore, RunSearch, SqliteStore, Store};
use cairn_test_support::postgres::fresh_database;

/// The three searches: (label, filter, order_by).
const CASES: [(&str, &str, &[&str]); 3] = [
    (
        "param = and metric <",
        "params.optimizer = 'adam' and metrics.loss < 0.5",
        &[],
    ),
    (
        "OR of two tags",
        "tags.owner = 'alice' or tags.stage = 'production'",
        &[],
    ),
    ("order by a metric", "", &["metrics.loss ASC"]),
];

fn main() {
    let runs: usize = std::env::var("CAIRN_BENCH_RUNS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(10_000);
    let directory = tempfile::tempdir().expect("temporary folder");
    let sqlite = SqliteStore::open(&directory.path().join("search.db")).expect("open SQLite");
    let url = fresh_database();
    let postgres =
        PostgresStore::connect(&url, &directory.path().join("artifacts")).expect("connect");
    let mut figures: Vec<(String, String, String, String)> = Vec::new();
    let (sqlite_experiment, sqlite_setup) = fill(&sqlite, runs);
    let (postgres_experiment, postgres_setup) = fill(&postgres, runs);
    // What autovacuum does within a minute of a bulk load: statistics for the planner and the
    // visibility map for index-only scans. Searches right after the load are timed too.
    let cold: Vec<f64> = CASES
        .iter()
        .map(|(_, filter, order_by)| {
            time_search(
                &postgres,
                &bench_search(postgres_experiment, filter, order_by),
            )
            .0
        })
        .collect();
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).expect("admin connection");
    admin
        .batch_execute("VACUUM ANALYZE")
        .expect("vacuum analyze");
    figures.push((
        format!("setup: {runs} runs × 20 params × 10 metrics × 2 tags"),
        format!("{:.1} s", sqlite_setup.as_secs_f64()),
        format!("{:.1} s", postgres_setup.as_secs_f64()),
        String::new(),
    ));
    for ((label, filter, order_by), cold_ms) in CASES.into_iter().zip(cold) {
        let search = bench_search(postgres_experiment, filter, order_by);
        let (sqlite_ms, sqlite_total) = time_search(
            &sqlite,
            &RunSearch {
                experiment_ids: vec![sqlite_experiment],
                ..search.clone()
            },
        );
        let (postgres_ms, postgres_total) = time_search(&postgres, &search);
        assert_eq!(
            sqlite_total, postgres_total,
            "{label}: both stores count alike"
        );
        figures.push((
            format!(
                "{label}: {} / {} ({postgres_total} match)",
                shown(filter),
                order_by.join(", ")
            ),
            format!("{sqlite_ms:.1} ms"),
            format!("{postgres_ms:.1} ms"),
            format!("{cold_ms:.1} ms"),
        ));
        println!("\nPostgreSQL plan, {label}:");
        for line in postgres.explain_search(&search).expect("explain") {
            println!("  {line}");
        }
    }
    println!(
        "\n{:<90} {:>10} {:>12} {:>20}",
        "benchmark", "SQLite", "PostgreSQL", "PG before ANALYZE"
    );
    println!("{}", "-".repeat(135));
    for (name, sqlite_figure, postgres_figure, cold_figure) in figures {
        println!("{name:<90} {sqlite_figure:>10} {postgres_figure:>12} {cold_figure:>20}");
    }
}

/// One of the three searches in `experiment_id`: a page of 100, total counted.
fn bench_search(experiment_id: ExperimentId, filter: &str, order_by: &[&str]) -> RunSearch {
    RunSearch {
        experiment_ids: vec![experiment_id],
        filter: parse_filter(filter).expect("filter"),
        order_by: parse_order_by_list(order_by).expect("order_by"),
        max_results: 100,
        count_total: true,
        ..RunSearch::default()
    }
}

fn shown(filter: &str) -> &str {
    if filter.is_empty() {
        "(no filter)"
    } else {
        filter
    }
}

/// Logs `runs` runs into a new experiment, 1,000 runs per batch call; returns the experiment
/// and the time taken.
fn fill(store: &dyn Store, runs: usize) -> (ExperimentId, Duration) {
    let started = Instant::now();
    let experiment_id = store
        .create_experiment(&NewExperiment {
            name: "bench".into(),
            ..NewExperiment::default()
        })
        .expect("experiment");
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let optimizers = ["adam", "sgd", "rmsprop", "adagrad"];
    let owners = ["alice", "bob", "carol", "dave", "erin"];
    let stages = ["dev", "staging", "production", "archived"];
    let mut pending = Vec::new();
    for index in 0..runs {
        let run_id = new_run(store, experiment_id, index);
        let mut params = vec![Param {
            key: "optimizer".into(),
            value: optimizers[(next() % 4) as usize].into(),
        }];
        params.extend((1..20).map(|key| Param {
            key: format!("p{key}"),
            value: format!("v{}", next() % 10),
        }));
        let mut metrics = vec![NamedMetricPoint {
            key: "loss".into(),
            point: point(index, (next() % 1_000_000) as f64 / 1_000_000.0),
        }];
        metrics.extend((1..10).map(|key| NamedMetricPoint {
            key: format!("m{key}"),
            point: point(index, (next() % 1_000_000) as f64 / 1_000_000.0),
        }));
        let tags = vec![
            Tag::new("owner", owners[(next() % 5) as usize]),
            Tag::new("stage", stages[(next() % 4) as usize]),
        ];
        pending.push((
            run_id,
            LogBatch {
                metrics,
                params,
                tags,
            },
        ));
        if pending.len() == 1000 {
            store.log_batches(&pending).expect("log batches");
            pending.clear();
        }
    }
    store.log_batches(&pending).expect("log batches");
    (experiment_id, started.elapsed())
}

fn new_run(store: &dyn Store, experiment_id: ExperimentId, index: usize) -> String {
    store
        .create_run(&NewRun {
            start_time_ms: Some(1_700_000_000_000 + index as i64),
            ..NewRun::new(experiment_id, SourceKind::Cli)
        })
        .expect("create run")
        .info
        .run_id
}

fn point(index: usize, value: f64) -> MetricPoint {
    MetricPoint {
        step: 100,
        timestamp_ms: 1_700_000_000_000 + index as i64,
        value,
    }
}

/// The median time of 7 searches (after one warm-up), and the total they counted.
fn time_search(store: &dyn Store, search: &RunSearch) -> (f64, u64) {
    let first = store.search_runs(search).expect("search");
    assert_eq!(
        first.runs.len(),
        100.min(first.total_count.unwrap_or(0) as usize)
    );
    let mut timings: Vec<Duration> = (0..7)
        .map(|_| {
            let started = Instant::now();
            store.search_runs(search).expect("search");
            started.elapsed()
        })
        .collect();
    timings.sort();
    (
        timings[timings.len() / 2].as_secs_f64() * 1000.0,
        first.total_count.unwrap_or(0),
    )
}

//! The PostgreSQL store's own behaviour against a real server (see
//! `cairn_test_support::postgres`): its migrations and their golden schema, how it names the
//! database without the password, what an unreachable server is called, and the change watch.
//! What it shares with the SQLite store is checked by `store_contract.rs`; here, what only a
//! shared server sees: many writers logging to one run at once.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failing setup step should stop the test with its error"
)]

use std::collections::HashMap;

use cairn_core::model::{
    ExperimentId, LogBatch, MetricPoint, NamedMetricPoint, NewExperiment, NewRun, Param, RunStatus,
    RunUpdate, SourceKind, Tag,
};
use cairn_core::search::{parse_filter, parse_order_by_list};
use cairn_core::store::latest_postgres_schema_version;
use cairn_core::{PostgresStore, RunSearch, RunSearchStore, StoreError, TrackingStore};
use cairn_test_support::postgres::fresh_database;
use expect_test::expect_file;

fn artifacts() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary artifacts folder")
}

/// A store on a fresh database and a run in its default experiment: (the database's URL, the
/// artifacts folder, which must outlive the store, the store, the run's id).
fn store_with_run() -> (String, tempfile::TempDir, PostgresStore, String) {
    let url = fresh_database();
    let dir = artifacts();
    let store = PostgresStore::connect(&url, dir.path()).unwrap();
    let run_id = store
        .create_run(&NewRun::new(ExperimentId::DEFAULT, SourceKind::MlflowApi))
        .unwrap()
        .info
        .run_id;
    (url, dir, store, run_id)
}

#[test]
fn connecting_migrates_once_and_again_is_a_no_op() {
    let url = fresh_database();
    let dir = artifacts();
    let first = PostgresStore::connect(&url, dir.path()).unwrap();
    drop(first);
    // A second server on the same database finds it migrated.
    let _second = PostgresStore::connect(&url, dir.path()).unwrap();
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let versions: Vec<i64> = client
        .query("SELECT version FROM cairn_schema ORDER BY version", &[])
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(
        versions,
        (1..=latest_postgres_schema_version()).collect::<Vec<_>>()
    );
}

#[test]
fn servers_starting_together_migrate_once() {
    let url = fresh_database();
    let dir = artifacts();
    std::thread::scope(|scope| {
        let starts: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| PostgresStore::connect(&url, dir.path()).map(drop)))
            .collect();
        for start in starts {
            start
                .join()
                .expect("no panic")
                .expect("each server connects");
        }
    });
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let applied: i64 = client
        .query_one("SELECT COUNT(*) FROM cairn_schema", &[])
        .unwrap()
        .get(0);
    assert_eq!(applied, latest_postgres_schema_version());
}

#[test]
fn a_database_from_a_newer_cairn_is_refused_naming_its_version() {
    let url = fresh_database();
    let dir = artifacts();
    drop(PostgresStore::connect(&url, dir.path()).unwrap());
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .execute("INSERT INTO cairn_schema (version) VALUES (9999)", &[])
        .unwrap();
    let error = PostgresStore::connect(&url, dir.path()).unwrap_err();
    assert!(
        error.to_string().contains("version 9999"),
        "the error names the version: {error}"
    );
}

#[test]
fn the_location_never_shows_the_password() {
    let url = fresh_database();
    let with_password = url.replacen("cairn@", "cairn:s3cret-pass@", 1);
    let dir = artifacts();
    // The test server trusts loopback, so the password is accepted and ignored.
    let store = PostgresStore::connect(&with_password, dir.path()).unwrap();
    assert!(!store.location().contains("s3cret"), "{}", store.location());
    assert!(
        store
            .location()
            .starts_with("postgresql://cairn@127.0.0.1:")
    );
}

#[test]
fn an_unreachable_server_is_unavailable_and_named_without_password() {
    // A port nothing listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgresql://someone:hunter2@127.0.0.1:{port}/cairn");
    let dir = artifacts();
    let error = PostgresStore::connect(&url, dir.path()).unwrap_err();
    assert!(matches!(error, StoreError::Unavailable { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains(&format!("127.0.0.1:{port}")), "{message}");
    assert!(!message.contains("hunter2"), "{message}");
}

#[test]
fn a_malformed_url_is_an_error_naming_the_option() {
    let dir = artifacts();
    let error =
        PostgresStore::connect("postgresql://a:b@host:notaport/db", dir.path()).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("database"), "{message}");
    assert!(!message.contains(":b@"), "{message}");
}

/// Tables, columns, indexes and triggers, one per line in a stable order: what a migration
/// changes.
fn schema_dump(url: &str) -> String {
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let mut lines = Vec::new();
    for row in client
        .query(
            "SELECT table_name, column_name, data_type, is_nullable,
                    COALESCE(column_default, 'GENERATED ' || generation_expression, '')
             FROM information_schema.columns WHERE table_schema = 'public'
             ORDER BY table_name, ordinal_position",
            &[],
        )
        .unwrap()
    {
        let (table, column, kind, nullable, default): (String, String, String, String, String) =
            (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4));
        let null = if nullable == "YES" { "" } else { " NOT NULL" };
        let default = if default.is_empty() {
            String::new()
        } else if default.starts_with("GENERATED") {
            format!(" {default}")
        } else {
            format!(" DEFAULT {default}")
        };
        lines.push(format!("column {table}.{column} {kind}{null}{default}"));
    }
    for row in client
        .query(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname",
            &[],
        )
        .unwrap()
    {
        lines.push(format!("index {}", row.get::<_, String>(0)));
    }
    for row in client
        .query(
            "SELECT pg_get_constraintdef(c.oid), c.conrelid::regclass::text FROM pg_constraint c
             JOIN pg_namespace n ON n.oid = c.connamespace
             WHERE n.nspname = 'public' AND c.contype IN ('c', 'f')
             ORDER BY c.conrelid::regclass::text, c.conname",
            &[],
        )
        .unwrap()
    {
        lines.push(format!(
            "constraint {}: {}",
            row.get::<_, String>(1),
            row.get::<_, String>(0)
        ));
    }
    for row in client
        .query(
            "SELECT c.relname, array_to_string(c.reloptions, ', ') FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.reloptions IS NOT NULL ORDER BY c.relname",
            &[],
        )
        .unwrap()
    {
        lines.push(format!(
            "options {}: {}",
            row.get::<_, String>(0),
            row.get::<_, String>(1)
        ));
    }
    for row in client
        .query(
            "SELECT tgname, tgrelid::regclass::text FROM pg_trigger
             WHERE NOT tgisinternal ORDER BY tgrelid::regclass::text, tgname",
            &[],
        )
        .unwrap()
    {
        lines.push(format!(
            "trigger {}: {}",
            row.get::<_, String>(1),
            row.get::<_, String>(0)
        ));
    }
    lines.join("\n") + "\n"
}

#[test]
fn golden_schema_matches_the_migrations() {
    let url = fresh_database();
    let dir = artifacts();
    drop(PostgresStore::connect(&url, dir.path()).unwrap());
    // UPDATE_EXPECT=1 cargo test -p cairn-core --test postgres_store rewrites it: review the diff.
    expect_file!["golden/postgres_schema.txt"].assert_eq(&schema_dump(&url));
}

/// Writers logging to one run at once through one store.
const WRITERS: usize = 16;
/// Batches each writer logs.
const BATCHES: usize = 60;

/// The points writer `writer` logs to `key` in batch `batch`: values say who logged them, in
/// which batch and at which position, so every stored point can be traced to its batch.
fn writer_points(writer: usize, batch: usize, count: usize) -> Vec<MetricPoint> {
    (0..count)
        .map(|index| MetricPoint {
            step: (batch * 1000 + index) as i64,
            timestamp_ms: 1_700_000_000_000 + (batch * 1000 + index) as i64,
            value: (writer * 1_000_000 + batch * 1000 + index) as f64,
        })
        .collect()
}

#[test]
fn concurrent_batches_to_one_run_store_every_acknowledged_point_once_in_order() {
    let (_url, _dir, store, run_id) = store_with_run();
    // Each writer logs its own key (small batches go to the tail, every third one is big enough
    // for a chunk of its own) and the shared key (two points per batch, so the shared tail is
    // folded into chunks while others append to it).
    let acknowledged: Vec<Vec<usize>> = std::thread::scope(|scope| {
        let writers: Vec<_> = (0..WRITERS)
            .map(|writer| {
                let store = &store;
                let run_id = &run_id;
                scope.spawn(move || {
                    let mut done = Vec::new();
                    for batch in 0..BATCHES {
                        let own = if batch % 3 == 0 { 70 } else { 3 };
                        let mut metrics: Vec<NamedMetricPoint> = Vec::new();
                        for point in writer_points(writer, batch, own) {
                            metrics.push(NamedMetricPoint {
                                key: format!("own_{writer}"),
                                point,
                            });
                        }
                        for point in writer_points(writer, batch, 2) {
                            metrics.push(NamedMetricPoint {
                                key: "shared".into(),
                                point,
                            });
                        }
                        let logged = store.log_batch(
                            run_id,
                            &LogBatch {
                                metrics,
                                ..LogBatch::default()
                            },
                        );
                        match logged {
                            Ok(()) => done.push(batch),
                            Err(StoreError::Busy { .. }) => {}
                            Err(error) => panic!("writer {writer}, batch {batch}: {error}"),
                        }
                    }
                    done
                })
            })
            .collect();
        writers
            .into_iter()
            .map(|writer| writer.join().expect("no writer panics"))
            .collect()
    });
    let acknowledged_batches: usize = acknowledged.iter().map(Vec::len).sum();
    assert!(
        acknowledged_batches >= WRITERS * BATCHES * 9 / 10,
        "most batches are acknowledged: {acknowledged_batches}"
    );

    // Each writer's own key holds exactly its acknowledged batches, in order.
    for (writer, batches) in acknowledged.iter().enumerate() {
        let expected: Vec<MetricPoint> = batches
            .iter()
            .flat_map(|&batch| writer_points(writer, batch, if batch % 3 == 0 { 70 } else { 3 }))
            .collect();
        let history = store
            .metric_history(&run_id, &format!("own_{writer}"))
            .unwrap();
        assert_eq!(history, expected, "own_{writer}");
    }

    // The shared key holds every acknowledged point once; each writer's points keep their order.
    let shared = store.metric_history(&run_id, "shared").unwrap();
    assert_eq!(shared.len(), acknowledged_batches * 2);
    let mut by_writer: HashMap<usize, Vec<MetricPoint>> = HashMap::new();
    for point in &shared {
        by_writer
            .entry(point.value as usize / 1_000_000)
            .or_default()
            .push(*point);
    }
    for (writer, batches) in acknowledged.iter().enumerate() {
        let expected: Vec<MetricPoint> = batches
            .iter()
            .flat_map(|&batch| writer_points(writer, batch, 2))
            .collect();
        assert_eq!(
            by_writer.remove(&writer).unwrap_or_default(),
            expected,
            "shared points of writer {writer}"
        );
    }
    // A range read across chunks and tail agrees with the whole history.
    let middle = store
        .metric_history_range(&run_id, "shared", 100, 500)
        .unwrap();
    assert_eq!(middle.total_points, shared.len());
    assert_eq!(middle.points, shared[100..600.min(shared.len())]);

    // The run's latest values and counts agree with the histories, also after it ends (which
    // folds every tail into chunks).
    store
        .update_run(
            &run_id,
            &RunUpdate {
                status: Some(RunStatus::Finished),
                ..RunUpdate::default()
            },
        )
        .unwrap();
    let run = store.get_run(&run_id).unwrap();
    assert_eq!(run.metrics.len(), WRITERS + 1);
    for latest in &run.metrics {
        let history = store.metric_history(&run_id, &latest.key).unwrap();
        assert_eq!(latest.point_count, history.len() as u64, "{}", latest.key);
        let newest = history
            .iter()
            .copied()
            .reduce(|a, b| if b.is_later_than(&a) { b } else { a })
            .unwrap();
        assert_eq!(latest.latest, newest, "{}", latest.key);
    }
    assert_eq!(store.metric_history(&run_id, "shared").unwrap(), shared);
}

/// (tail_count recorded on the series, rows in metric_tail, point counts of the chunks in
/// order) of one series, read straight from the tables.
fn layout(url: &str, run_id: &str, key: &str) -> (i32, i64, Vec<i32>) {
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let row = client
        .query_one(
            "SELECT s.id, s.tail_count FROM metric_series s JOIN runs r ON r.id = s.run_id
             WHERE r.run_uuid = $1 AND s.key = $2",
            &[&run_id, &key],
        )
        .unwrap();
    let (series_id, tail_count): (i64, i32) = (row.get(0), row.get(1));
    let tail_rows: i64 = client
        .query_one(
            "SELECT count(*) FROM metric_tail WHERE series_id = $1",
            &[&series_id],
        )
        .unwrap()
        .get(0);
    let chunks = client
        .query(
            "SELECT point_count FROM metric_chunks WHERE series_id = $1 ORDER BY first_point",
            &[&series_id],
        )
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    (tail_count, tail_rows, chunks)
}

fn points(count: usize) -> Vec<MetricPoint> {
    (0..count)
        .map(|index| MetricPoint {
            step: index as i64,
            timestamp_ms: 1_700_000_000_000 + index as i64,
            value: index as f64 / 7.0,
        })
        .collect()
}

fn one_key(key: &str, points: &[MetricPoint]) -> LogBatch {
    LogBatch {
        metrics: points
            .iter()
            .map(|point| NamedMetricPoint {
                key: key.into(),
                point: *point,
            })
            .collect(),
        ..LogBatch::default()
    }
}

/// The history sizes of `store_contract/histories.rs` take each storage path here too: single
/// points wait in the tail until 256 of them make a chunk, 64 points in one write make a chunk
/// directly, chunks hold at most 4,096 points, and ending the run folds what is left.
#[test]
fn histories_take_the_tail_and_chunk_paths_the_sqlite_store_takes() {
    let (url, _dir, store, id) = store_with_run();
    let source = points(10_000);

    for (index, single) in source[..255].iter().enumerate() {
        store
            .log_batch(&id, &one_key("singles", &[*single]))
            .unwrap();
        if index % 50 == 0 {
            let logged = index as i32 + 1;
            assert_eq!(
                layout(&url, &id, "singles"),
                (logged, i64::from(logged), vec![])
            );
        }
    }
    assert_eq!(layout(&url, &id, "singles"), (255, 255, vec![]));
    store
        .log_batch(&id, &one_key("singles", &source[255..256]))
        .unwrap();
    assert_eq!(
        layout(&url, &id, "singles"),
        (0, 0, vec![256]),
        "folded at 256"
    );
    store
        .log_batch(&id, &one_key("singles", &source[256..257]))
        .unwrap();
    assert_eq!(layout(&url, &id, "singles"), (1, 1, vec![256]));

    store
        .log_batch(&id, &one_key("batch63", &source[..63]))
        .unwrap();
    assert_eq!(layout(&url, &id, "batch63"), (63, 63, vec![]));
    store
        .log_batch(&id, &one_key("batch64", &source[..64]))
        .unwrap();
    assert_eq!(layout(&url, &id, "batch64"), (0, 0, vec![64]));
    store
        .log_batch(&id, &one_key("batch63", &source[63..127]))
        .unwrap();
    assert_eq!(
        layout(&url, &id, "batch63"),
        (0, 0, vec![127]),
        "the tail joins the chunk"
    );

    store.append_metric(&id, "append", &source).unwrap();
    assert_eq!(layout(&url, &id, "append"), (0, 0, vec![4096, 4096, 1808]));

    store
        .update_run(
            &id,
            &RunUpdate {
                status: Some(RunStatus::Finished),
                ..RunUpdate::default()
            },
        )
        .unwrap();
    assert_eq!(
        layout(&url, &id, "singles"),
        (0, 0, vec![256, 1]),
        "folded at the end"
    );
    assert_eq!(store.metric_history(&id, "singles").unwrap(), source[..257]);
    assert_eq!(store.metric_history(&id, "append").unwrap(), source);
}

/// A batch that starts series writes each row once, in its final state: a row inserted and then
/// updated leaves a dead version and its index entries behind until vacuum, which searches then
/// step over. Row versions are read from `ctid`: on a fresh table, written once means the rows
/// are the page's first tuples. A batch to series that exist updates them, as it must.
#[test]
fn a_batch_that_starts_series_writes_each_row_once() {
    let (url, _dir, store, id) = store_with_run();
    let source = points(100);
    let mut batch = one_key("tail", &source[..3]);
    batch.metrics.extend(one_key("chunk", &source).metrics);
    batch
        .metrics
        .extend(one_key("single", &source[5..6]).metrics);
    store.log_batch(&id, &batch).unwrap();

    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let versions = |client: &mut postgres::Client| -> Vec<(String, String, i64, i32)> {
        client
            .query(
                "SELECT ctid::text, key, point_count, tail_count FROM metric_series
                 ORDER BY ctid",
                &[],
            )
            .unwrap()
            .iter()
            .map(|row| (row.get(0), row.get(1), row.get(2), row.get(3)))
            .collect()
    };
    // In key order, each the page's next tuple.
    let expected = vec![
        ("(0,1)".to_owned(), "chunk".to_owned(), 100, 0),
        ("(0,2)".to_owned(), "single".to_owned(), 1, 1),
        ("(0,3)".to_owned(), "tail".to_owned(), 3, 3),
    ];
    assert_eq!(versions(&mut client), expected);
    let latest = store.get_run(&id).unwrap().metrics;
    let latest: HashMap<String, MetricPoint> = latest
        .into_iter()
        .map(|metric| (metric.key, metric.latest))
        .collect();
    assert_eq!(latest["chunk"], source[99]);
    assert_eq!(latest["tail"], source[2]);
    assert_eq!(latest["single"], source[5]);
    assert_eq!(layout(&url, &id, "chunk"), (0, 0, vec![100]));
    assert_eq!(layout(&url, &id, "tail"), (3, 3, vec![]));

    store
        .log_batch(&id, &one_key("tail", &source[3..4]))
        .unwrap();
    let after = versions(&mut client);
    assert_eq!(after.len(), 3);
    assert!(
        after
            .iter()
            .any(|(ctid, key, count, _)| key == "tail" && ctid != "(0,3)" && *count == 4),
        "{after:?}"
    );
    assert_eq!(store.metric_history(&id, "tail").unwrap(), source[..4]);
}

/// Runs in two experiments that log metrics of the same names, `loss` = index / 100 and `p` =
/// "even" or "odd"; answers the experiments' ids and their runs' ids by experiment.
fn two_experiments(store: &PostgresStore, runs: usize) -> [(ExperimentId, Vec<String>); 2] {
    ["a", "b"].map(|name| {
        let experiment = store
            .create_experiment(&NewExperiment {
                name: name.into(),
                ..NewExperiment::default()
            })
            .unwrap();
        let ids = (0..runs)
            .map(|index| {
                let id = store
                    .create_run(&NewRun::new(experiment, SourceKind::MlflowApi))
                    .unwrap()
                    .info
                    .run_id;
                let mut batch = one_key(
                    "loss",
                    &[MetricPoint {
                        step: 0,
                        timestamp_ms: 1_700_000_000_000,
                        value: index as f64 / 100.0,
                    }],
                );
                let parity = if index % 2 == 0 { "even" } else { "odd" };
                batch.params.push(Param {
                    key: "p".into(),
                    value: parity.into(),
                });
                store.log_batch(&id, &batch).unwrap();
                id
            })
            .collect();
        (experiment, ids)
    })
}

fn search_ids(store: &PostgresStore, search: &RunSearch) -> Vec<String> {
    store
        .search_runs(search)
        .unwrap()
        .runs
        .into_iter()
        .map(|run| run.info.run_id)
        .collect()
}

/// A search in one experiment ordered or filtered by a metric reads that experiment's entries of
/// the metric, not every experiment's of the same name; a moved run's metrics move with it.
#[test]
fn a_metric_search_reads_its_own_experiments_entries_and_follows_moved_runs() {
    let url = fresh_database();
    let dir = artifacts();
    let store = PostgresStore::connect(&url, dir.path()).unwrap();
    let [(a, a_runs), (b, b_runs)] = two_experiments(&store, 40);
    // Enough more runs in each, below all of those in `loss`, for the planner to walk an index.
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    add_bulk_runs(&mut client, &[a, b], 20_000);
    vacuum_until_all_visible(&mut client, "metric_series");

    let search = |experiment: ExperimentId, filter: &str| RunSearch {
        experiment_ids: vec![experiment],
        filter: parse_filter(filter).unwrap(),
        order_by: parse_order_by_list(&["metrics.loss DESC"]).unwrap(),
        max_results: 5,
        ..RunSearch::default()
    };
    let plan = store
        .explain_search(&search(b, "params.p = 'odd'"))
        .unwrap()
        .join("\n");
    assert!(
        plan.contains("metric_series_by_experiment_key_value"),
        "{plan}"
    );
    let top_of_b: Vec<String> = b_runs.iter().rev().take(5).cloned().collect();
    assert_eq!(search_ids(&store, &search(b, "")), top_of_b);
    let odd_of_b: Vec<String> = b_runs.iter().rev().step_by(2).take(5).cloned().collect();
    assert_eq!(search_ids(&store, &search(b, "params.p = 'odd'")), odd_of_b);
    assert_eq!(
        search_ids(&store, &search(b, "metrics.loss >= 0.39")),
        top_of_b[..1]
    );

    // A's best run moves to B: B's searches find it first, A's no longer do.
    let moved = a_runs.last().unwrap().clone();
    store.move_run(&moved, b).unwrap();
    let found = search_ids(&store, &search(b, "metrics.loss >= 0.39"));
    assert_eq!(found.len(), 2);
    assert!(found.contains(&moved), "{found:?}");
    assert!(!search_ids(&store, &search(a, "")).contains(&moved));
    assert!(!search_ids(&store, &search(a, "metrics.loss >= 0.39")).contains(&moved));
    let stale: i64 = client
        .query_one(
            "SELECT count(*) FROM metric_series s JOIN runs r ON r.id = s.run_id
             WHERE s.experiment_id <> r.experiment_id",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(stale, 0);
}

/// A run moved back and forth between two experiments while writers start new metrics in it
/// (every other batch with a param, each with a point of a metric the run has): every metric's
/// rows end in the run's experiment (a series begun while the run was being moved used to keep
/// the experiment it left, and the run then sorted as missing that metric in its new
/// experiment); no deadlock is met, and the moves are not held back by the writers.
#[test]
fn series_begun_while_their_run_moves_follow_it() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let url = fresh_database();
    let dir = artifacts();
    let store = PostgresStore::connect(&url, dir.path()).unwrap();
    let [(a, runs), (b, _)] = two_experiments(&store, 1);
    let run_id = runs[0].clone();
    let (writing, moves) = (AtomicUsize::new(3), AtomicUsize::new(0));
    std::thread::scope(|scope| {
        for writer in 0..3 {
            let (store, run_id, writing, moves) = (&store, &run_id, &writing, &moves);
            scope.spawn(move || {
                // At least 80 batches each, and on until the run has been moved 20 times.
                for index in 0..2_000 {
                    if index >= 80 && moves.load(Ordering::SeqCst) >= 20 {
                        break;
                    }
                    let key = format!("w{writer}_{index}");
                    let mut batch = one_key(&key, &points(1));
                    batch.metrics.push(NamedMetricPoint {
                        key: "loss".into(),
                        point: MetricPoint {
                            step: writer * 10_000 + index + 1,
                            timestamp_ms: 1_700_000_000_000,
                            value: 0.5,
                        },
                    });
                    // A param's insert locks the run's row before the batch locks its series.
                    if index % 2 == 0 {
                        batch.params.push(Param {
                            key: key.clone(),
                            value: "v".into(),
                        });
                    }
                    store.log_batch(run_id, &batch).unwrap();
                }
                writing.fetch_sub(1, Ordering::SeqCst);
            });
        }
        while writing.load(Ordering::SeqCst) > 0 {
            let to = if moves.load(Ordering::SeqCst) % 2 == 0 {
                b
            } else {
                a
            };
            store.move_run(&run_id, to).unwrap();
            moves.fetch_add(1, Ordering::SeqCst);
        }
    });
    // Moves were not held back: 20 of them before the writers' 2,000 batches each ran out.
    assert!(moves.into_inner() >= 20);
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let stale: Vec<String> = client
        .query(
            "SELECT s.key FROM metric_series s JOIN runs r ON r.id = s.run_id
             WHERE s.experiment_id <> r.experiment_id ORDER BY s.key",
            &[],
        )
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(
        stale,
        Vec::<String>::new(),
        "series left in the other experiment"
    );
    // PostgreSQL reports the deadlocks it broke once the sessions have been idle a moment.
    std::thread::sleep(std::time::Duration::from_millis(1_500));
    let deadlocks: i64 = client
        .query_one(
            "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(deadlocks, 0);
}

/// The runs view counts its experiment's runs with each page: from the narrow index of each
/// experiment's run ids rather than the whole table; filtered, the same runs are counted.
#[test]
fn counting_an_experiments_runs_reads_its_run_id_index() {
    let url = fresh_database();
    let dir = artifacts();
    let store = PostgresStore::connect(&url, dir.path()).unwrap();
    let [(a, _), (b, _)] = two_experiments(&store, 3);
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    add_bulk_runs(&mut client, &[a, b], 30_000);
    vacuum_until_all_visible(&mut client, "runs");

    let counted = |filter: &str| {
        let search = RunSearch {
            experiment_ids: vec![b],
            filter: parse_filter(filter).unwrap(),
            max_results: 5,
            count_total: true,
            ..RunSearch::default()
        };
        let plan = store.explain_search(&search).unwrap().join("\n");
        let total = store.search_runs(&search).unwrap().total_count;
        (plan, total)
    };
    let (plan, total) = counted("");
    assert_eq!(total, Some(30_003));
    assert!(plan.contains("runs_by_experiment_ids"), "{plan}");
    let (_, total) = counted("metrics.loss >= 0.02");
    assert_eq!(total, Some(1));
}

/// A page of a small experiment among many runs, filtered and ordered by a metric, is read by
/// walking that metric's index in order until the page is full: PostgreSQL judges how many of
/// the experiment's runs pass from the metric rows' own experiment, not from the experiment's
/// share of all runs (which made it join and sort every run of the experiment).
#[test]
fn a_small_experiments_page_ordered_by_a_metric_walks_the_metrics_index() {
    let url = fresh_database();
    let dir = artifacts();
    let store = PostgresStore::connect(&url, dir.path()).unwrap();
    let [(small, _), (big, _)] = two_experiments(&store, 0);
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    add_scored_runs(&mut client, small, 2_000);
    add_scored_runs(&mut client, big, 60_000);
    vacuum_until_all_visible(&mut client, "metric_series");

    let search = RunSearch {
        experiment_ids: vec![small],
        filter: parse_filter("metrics.m1 > 0.5 and params.p = 'v3'").unwrap(),
        order_by: parse_order_by_list(&["metrics.m2 DESC"]).unwrap(),
        max_results: 10,
        ..RunSearch::default()
    };
    assert_first_plan(
        &store,
        &search,
        &["Backward using metric_series_by_experiment_key_value"],
        &["Hash"],
    );
    let page = store.search_runs(&search).unwrap();
    let values: Vec<f64> = page
        .runs
        .iter()
        .map(|run| {
            assert!(run.params.iter().any(|p| p.key == "p" && p.value == "v3"));
            let metric = |key: &str| {
                run.metrics
                    .iter()
                    .find(|metric| metric.key == key)
                    .unwrap()
                    .latest
                    .value
            };
            assert!(metric("m1") > 0.5);
            metric("m2")
        })
        .collect();
    assert_eq!(values.len(), 10);
    assert!(
        values.windows(2).all(|pair| pair[0] >= pair[1]),
        "{values:?}"
    );
}

/// A metric filter that few runs pass, in the default newest-first order, probes the runs it
/// finds in the metric's index instead of reading every run of the experiment and joining.
#[test]
fn a_selective_metric_filter_probes_the_runs_that_pass() {
    let (_dir, store, [experiment, _], mut client) = empty_experiments();
    add_scored_runs(&mut client, experiment, 40_000);
    vacuum_until_all_visible(&mut client, "runs");

    let search = RunSearch {
        experiment_ids: vec![experiment],
        filter: parse_filter("metrics.m1 > 0.99").unwrap(),
        max_results: 100,
        ..RunSearch::default()
    };
    assert_first_plan(
        &store,
        &search,
        &["key_value on metric_series", "runs_pkey"],
        &["Seq Scan on runs"],
    );
    let page = store.search_runs(&search).unwrap();
    // `m1` of run g is ((g * 31 + 1) % 1000) / 1000: above 0.99 for 360 of the 40,000 runs.
    let newest: Vec<i64> = (1..=40_000_i64)
        .rev()
        .filter(|g| (g * 31 + 1) % 1000 > 990)
        .take(100)
        .collect();
    let found: Vec<i64> = page
        .runs
        .iter()
        .map(|run| run.info.start_time_ms.unwrap())
        .collect();
    assert_eq!(found, newest);
}

/// A run found by its name, and a page ordered by name, read the experiment's index of names
/// (in their bytes' order) instead of every run of the experiment.
#[test]
fn searches_by_run_name_read_the_experiments_index_of_names() {
    let (_dir, store, experiment) = scored_runs_and_one_named(30_000, "Zeta");

    let search = |filter: &str, order: &[&str], max_results: usize| RunSearch {
        experiment_ids: vec![experiment],
        filter: parse_filter(filter).unwrap(),
        order_by: parse_order_by_list(order).unwrap(),
        max_results,
        ..RunSearch::default()
    };
    let names = |search: &RunSearch| -> Vec<String> {
        let page = store.search_runs(search).unwrap();
        page.runs.into_iter().map(|run| run.info.run_name).collect()
    };
    let plan = |search: &RunSearch| {
        assert_first_plan(&store, search, &["runs_by_experiment_name"], &["Seq Scan"]);
    };

    let by_name = search("attributes.run_name = 'scored-4242'", &[], 10);
    plan(&by_name);
    assert_eq!(names(&by_name), ["scored-4242"]);
    let others = RunSearch {
        count_total: true,
        ..search("attributes.run_name != 'scored-4242'", &[], 1)
    };
    assert_eq!(
        store.search_runs(&others).unwrap().total_count,
        Some(30_000)
    );

    // Bytes order: capitals before small letters, `scored-10` before `scored-2`.
    let first_names = search("", &["attributes.run_name ASC"], 4);
    plan(&first_names);
    assert_eq!(
        names(&first_names),
        ["Zeta", "scored-1", "scored-10", "scored-100"]
    );
    let last_names = search("", &["attributes.run_name DESC"], 3);
    plan(&last_names);
    assert_eq!(
        names(&last_names),
        ["scored-9999", "scored-9998", "scored-9997"]
    );
    assert_eq!(
        names(&search(
            "attributes.run_name LIKE 'scored-424%'",
            &["attributes.run_name ASC"],
            20
        )),
        [
            "scored-424",
            "scored-4240",
            "scored-4241",
            "scored-4242",
            "scored-4243",
            "scored-4244",
            "scored-4245",
            "scored-4246",
            "scored-4247",
            "scored-4248",
            "scored-4249"
        ]
    );
}

/// A run found by part of its name (`ILIKE '%part%'`, what the runs view asks for words typed
/// into its filter, or `LIKE`) is looked up by its name's trigrams when the pattern holds one;
/// a pattern without (two letters) walks the experiment's runs instead of reading the whole
/// trigram index, which PostgreSQL would do here (checked: 80–130 ms where the walk takes 30).
#[test]
fn searches_by_part_of_a_run_name_read_its_trigrams() {
    let (_dir, store, experiment) = scored_runs_and_one_named(100_000, "Zeta-Lab");

    let search = |filter: &str| RunSearch {
        experiment_ids: vec![experiment],
        filter: parse_filter(filter).unwrap(),
        max_results: 100,
        count_total: true,
        ..RunSearch::default()
    };
    let found = |search: &RunSearch| -> (Vec<String>, Option<u64>) {
        let page = store.search_runs(search).unwrap();
        let names = page.runs.into_iter().map(|run| run.info.run_name).collect();
        (names, page.total_count)
    };

    let by_part = search("attributes.run_name ILIKE '%ZETA-la%'");
    assert_first_plan(&store, &by_part, &["runs_name_trigrams"], &["Seq Scan"]);
    assert_eq!(found(&by_part), (vec!["Zeta-Lab".to_owned()], Some(1)));

    // LIKE keeps its case, and reads the same index.
    let cased = search("attributes.run_name LIKE '%Zeta-La%'");
    assert_first_plan(&store, &cased, &["runs_name_trigrams"], &["Seq Scan"]);
    assert_eq!(found(&cased), (vec!["Zeta-Lab".to_owned()], Some(1)));
    assert_eq!(
        found(&search("attributes.run_name LIKE '%ZETA-la%'")),
        (Vec::new(), Some(0))
    );

    let two_letters = search("attributes.run_name ILIKE '%ze%'");
    assert_first_plan(&store, &two_letters, &[], &["runs_name_trigrams"]);
    assert_eq!(found(&two_letters), (vec!["Zeta-Lab".to_owned()], Some(1)));

    // scored-42, 420 to 429, 4200 to 4299 and 42000 to 42999, newest (highest) first.
    let newest: Vec<String> = (42_900..43_000)
        .rev()
        .map(|g| format!("scored-{g}"))
        .collect();
    assert_eq!(
        found(&search("attributes.run_name ILIKE '%Scored-42%'")),
        (newest, Some(1111))
    );
}

/// A page ordered by a param walks the param's index of value heads in byte order and stops
/// when it is full; equal heads are ordered by their whole values, and runs without the param
/// come last, in either direction.
#[test]
fn a_page_ordered_by_a_param_walks_its_values_in_byte_order() {
    let (_dir, store, [experiment, _], mut client) = empty_experiments();
    add_scored_runs(&mut client, experiment, 20_000);
    // Two values longer than an index entry's head, alike in it; a capital; no value at all.
    let long = "w".repeat(200);
    client
        .execute(
            "WITH made AS (
                 INSERT INTO runs (run_uuid, experiment_id, name, start_time_ms, source_kind,
                                   status)
                 SELECT md5('extra-' || g), $1, 'extra-' || g, 30000 + g, 'mlflow_api',
                        'FINISHED'
                 FROM generate_series(1, 4) g
                 RETURNING id, start_time_ms - 30000 AS g
             )
             INSERT INTO params (run_id, key, value)
             SELECT id, 'p', (ARRAY[$2 || 'a', $2 || 'b', 'W'])[g] FROM made WHERE g < 4",
            &[&experiment.0, &long],
        )
        .unwrap();
    vacuum_until_all_visible(&mut client, "params");

    let search = |filter: &str, order: &str, max_results: usize| RunSearch {
        experiment_ids: vec![experiment],
        filter: parse_filter(filter).unwrap(),
        order_by: parse_order_by_list(&[order]).unwrap(),
        max_results,
        ..RunSearch::default()
    };
    let found = |search: &RunSearch| -> Vec<(String, Option<String>)> {
        let page = store.search_runs(search).unwrap();
        page.runs
            .into_iter()
            .map(|run| {
                let value = run
                    .params
                    .into_iter()
                    .find(|p| p.key == "p")
                    .map(|p| p.value);
                (run.info.run_name, value)
            })
            .collect()
    };
    let newest_first = search("", "params.p DESC", 4);
    assert_first_plan(
        &store,
        &newest_first,
        &["Backward using params_by_key_value"],
        &["Seq Scan"],
    );
    // The largest heads first; the newest of the runs whose value is `v6` after them.
    let newest_v6: Vec<String> = (1..=20_000)
        .rev()
        .filter(|g| g % 7 == 6)
        .take(2)
        .map(|g| format!("scored-{g}"))
        .collect();
    let value = |text: &str| Some(text.to_owned());
    assert_eq!(
        found(&newest_first),
        [
            ("extra-2".to_owned(), value(&format!("{long}b"))),
            ("extra-1".to_owned(), value(&format!("{long}a"))),
            (newest_v6[0].clone(), value("v6")),
            (newest_v6[1].clone(), value("v6")),
        ]
    );
    assert_eq!(
        found(&search("", "params.p ASC", 1)),
        [("extra-3".to_owned(), value("W"))]
    );
    // The run without the param last, in either direction.
    for order in ["params.p DESC", "params.p ASC"] {
        let names: Vec<String> = found(&search("attributes.run_name LIKE 'extra-%'", order, 10))
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        let expected = if order.ends_with("DESC") {
            ["extra-2", "extra-1", "extra-3", "extra-4"]
        } else {
            ["extra-3", "extra-1", "extra-2", "extra-4"]
        };
        assert_eq!(names, expected, "{order}");
    }
}

/// A run whose metric row still names the experiment it left (a series begun while the run was
/// being moved) is not shown in that experiment's pages ordered by the metric.
#[test]
fn a_page_ordered_by_a_metric_never_shows_a_run_of_another_experiment() {
    let url = fresh_database();
    let dir = artifacts();
    let store = PostgresStore::connect(&url, dir.path()).unwrap();
    let [(a, a_runs), (b, _)] = two_experiments(&store, 3);
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .execute(
            "UPDATE runs SET experiment_id = $1 WHERE run_uuid = $2",
            &[&b.0, &a_runs[0]],
        )
        .unwrap();
    let search = RunSearch {
        experiment_ids: vec![a],
        order_by: parse_order_by_list(&["metrics.loss DESC"]).unwrap(),
        max_results: 10,
        ..RunSearch::default()
    };
    let mut found = search_ids(&store, &search);
    found.sort();
    let mut expected = a_runs[1..].to_vec();
    expected.sort();
    assert_eq!(found, expected);
}

/// `count` runs in `experiment`, made in SQL, with a param `p` of seven values and metrics
/// `m1` and `m2` of a thousand values each, spread as a sweep spreads them.
fn add_scored_runs(client: &mut postgres::Client, experiment: ExperimentId, count: i64) {
    client
        .batch_execute(&format!(
            "CREATE TEMPORARY TABLE made AS
             WITH inserted AS (
                 INSERT INTO runs (run_uuid, experiment_id, name, start_time_ms, source_kind,
                                   status)
                 SELECT md5('scored-{e}-' || g), {e}, 'scored-' || g, g, 'mlflow_api', 'FINISHED'
                 FROM generate_series(1, {count}) g
                 RETURNING id, start_time_ms AS g
             ) SELECT * FROM inserted;
             INSERT INTO params (run_id, key, value)
                 SELECT id, 'p', 'v' || (g % 7) FROM made;
             INSERT INTO metric_series (run_id, experiment_id, key, latest_value, latest_step,
                                        latest_timestamp_ms, point_count)
                 SELECT id, {e}, 'm' || j, ((g * 31 + j) % 1000) / 1000.0, 0, 0, 1
                 FROM made, generate_series(1, 2) j;
             DROP TABLE made;",
            e = experiment.0,
        ))
        .unwrap();
}

/// A store whose two experiments hold `runs` scored runs each (`scored-1`...), the first also a
/// run named `name`, the oldest; vacuumed. Returns the first experiment.
fn scored_runs_and_one_named(
    runs: i64,
    name: &str,
) -> (tempfile::TempDir, PostgresStore, ExperimentId) {
    let (dir, store, [experiment, other], mut client) = empty_experiments();
    add_scored_runs(&mut client, experiment, runs);
    add_scored_runs(&mut client, other, runs);
    client
        .execute(
            "INSERT INTO runs (run_uuid, experiment_id, name, start_time_ms, source_kind, status)
             VALUES (md5($2), $1, $2, 0, 'mlflow_api', 'FINISHED')",
            &[&experiment.0, &name],
        )
        .unwrap();
    vacuum_until_all_visible(&mut client, "runs");
    (dir, store, experiment)
}

/// Asserts that the plan of `search`'s first page statement (up to its planning time) names
/// each of `used` and none of `unused`, showing the whole plan when it does not.
fn assert_first_plan(store: &PostgresStore, search: &RunSearch, used: &[&str], unused: &[&str]) {
    let plan = store.explain_search(search).unwrap().join("\n");
    let first = plan.split("Planning Time").next().unwrap_or_default();
    assert!(
        used.iter().all(|part| first.contains(part))
            && !unused.iter().any(|part| first.contains(part)),
        "{plan}"
    );
}

/// A store on a new database with two empty experiments, and a client of that database for
/// filling them in SQL.
fn empty_experiments() -> (
    tempfile::TempDir,
    PostgresStore,
    [ExperimentId; 2],
    postgres::Client,
) {
    let url = fresh_database();
    let dir = artifacts();
    let store = PostgresStore::connect(&url, dir.path()).unwrap();
    let experiments = two_experiments(&store, 0).map(|(experiment, _)| experiment);
    let client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    (dir, store, experiments, client)
}

/// `count` finished runs in each of `experiments`, made in SQL, each with a `loss` of -1 (below
/// every run of [`two_experiments`]) and the name, user and artifact location a run has.
fn add_bulk_runs(client: &mut postgres::Client, experiments: &[ExperimentId], count: i64) {
    for experiment in experiments {
        client
            .execute(
                "WITH made AS (
                     INSERT INTO runs (run_uuid, experiment_id, name, user_id, start_time_ms,
                                       source_kind, status, artifact_uri)
                     SELECT md5($1::bigint || '-' || g), $1::bigint, 'bulk-run-' || g,
                            'someone@example.com', 0, 'mlflow_api', 'FINISHED',
                            's3://team-bucket/artifacts/' || $1::bigint || '/'
                                || md5($1::bigint || '-' || g) || '/artifacts'
                     FROM generate_series(1, $2::bigint) g
                     RETURNING id
                 )
                 INSERT INTO metric_series (run_id, experiment_id, key, latest_value,
                                            latest_step, latest_timestamp_ms, point_count)
                 SELECT id, $1::bigint, 'loss', -1, 0, 0, 1 FROM made",
                &[&experiment.0, &count],
            )
            .unwrap();
    }
}

/// `VACUUM ANALYZE` until every page of `table` is marked all-visible, as autovacuum leaves a
/// table within a minute of a bulk load: a vacuum right after one may find a connection that
/// is starting up holding back which rows count as visible to all (at most 10 s).
fn vacuum_until_all_visible(client: &mut postgres::Client, table: &str) {
    for _ in 0..50 {
        client.batch_execute("VACUUM ANALYZE").unwrap();
        let row = client
            .query_one(
                "SELECT relpages, relallvisible FROM pg_class WHERE relname = $1",
                &[&table],
            )
            .unwrap();
        if row.get::<_, i32>(0) == row.get::<_, i32>(1) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    panic!("{table} never became all-visible");
}

/// Migration 5 gives the metric rows of a database at version 4 their runs' experiments.
#[test]
fn migration_5_gives_existing_metrics_their_runs_experiment() {
    let url = fresh_database();
    let dir = artifacts();
    let store = PostgresStore::connect(&url, dir.path()).unwrap();
    let [(_, a_runs), (b, b_runs)] = two_experiments(&store, 3);
    drop(store);
    // The database as version 4 left it (without what versions 5 to 8 added).
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .batch_execute(
            "DROP INDEX metric_series_by_experiment_key_value;
             ALTER TABLE metric_series DROP COLUMN experiment_id, DROP COLUMN in_mlflow_order,
                 DROP COLUMN last_step, DROP COLUMN last_timestamp_ms,
                 DROP COLUMN last_value_bits;
             DELETE FROM cairn_schema WHERE version >= 5;",
        )
        .unwrap();
    undo_value_heads(&mut client);
    undo_run_indexes(&mut client);

    let store = PostgresStore::connect(&url, dir.path()).unwrap();
    let by_run: HashMap<String, i64> = client
        .query(
            "SELECT r.run_uuid, s.experiment_id FROM metric_series s JOIN runs r ON r.id = s.run_id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    assert_eq!(by_run.len(), 6);
    for id in &b_runs {
        assert_eq!(by_run[id], b.0);
    }
    for id in &a_runs {
        assert_ne!(by_run[id], b.0);
    }
    // Written after the migration, a new series gets its experiment too.
    store
        .log_batch(&b_runs[0], &one_key("new", &points(1)))
        .unwrap();
    let experiment: i64 = client
        .query_one(
            "SELECT experiment_id FROM metric_series WHERE key = 'new'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(experiment, b.0);
}

/// An import longer than one statement's share of chunks (256 of 4,096 points) is written in
/// several statements, in order.
#[test]
fn a_million_point_append_spans_several_chunk_statements() {
    let (url, _dir, store, id) = store_with_run();
    let source = points(256 * 4096 + 5_000);
    store.append_metric(&id, "long", &source).unwrap();
    let (_, _, chunks) = layout(&url, &id, "long");
    assert_eq!(chunks.len(), 258);
    assert!(chunks[..257].iter().all(|&count| count == 4096));
    let tail = store
        .metric_history_range(&id, "long", source.len() - 10, 100)
        .unwrap();
    assert_eq!(tail.total_points, source.len());
    assert_eq!(tail.points, source[source.len() - 10..]);
    assert_eq!(store.metric_history(&id, "long").unwrap(), source);
}

#[test]
fn a_database_that_is_not_cairns_is_refused_and_left_alone() {
    let url = fresh_database();
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    // What an MLflow server's database starts with.
    client
        .batch_execute(
            "CREATE TABLE alembic_version (version_num TEXT);
             CREATE TABLE experiments (experiment_id INTEGER PRIMARY KEY, name TEXT);",
        )
        .unwrap();
    let dir = artifacts();
    let error = PostgresStore::connect(&url, dir.path()).unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("not Cairn's (alembic_version, experiments)"),
        "{message}"
    );
    let untouched: i64 = client
        .query_one(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        untouched, 2,
        "nothing was created beside the foreign tables"
    );
}

#[test]
fn a_history_written_before_its_order_was_recorded_does_not_claim_one() {
    let (url, _dir, store, run_id) = store_with_run();
    let point = |step: i64| MetricPoint {
        step,
        timestamp_ms: 1_000 + step,
        value: 0.25,
    };
    store
        .append_metric(&run_id, "loss", &(0..100).map(point).collect::<Vec<_>>())
        .unwrap();
    let order = || {
        store
            .metric_history_range(&run_id, "loss", 0, 1)
            .unwrap()
            .in_mlflow_order
    };
    assert_eq!(order(), Some(true));
    // As schema version 5 left every series.
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .execute(
            "UPDATE metric_series SET in_mlflow_order = NULL, last_step = NULL,
                 last_timestamp_ms = NULL, last_value_bits = NULL",
            &[],
        )
        .unwrap();
    assert_eq!(order(), None);
    // Points appended later cannot vouch for those before them, in a tail or in a chunk.
    store
        .log_batch(&run_id, &one_key("loss", &[point(100)]))
        .unwrap();
    assert_eq!(order(), None);
    store
        .append_metric(&run_id, "loss", &(101..300).map(point).collect::<Vec<_>>())
        .unwrap();
    assert_eq!(order(), None);
    let history = store.metric_history(&run_id, "loss").unwrap();
    assert_eq!(history, (0..300).map(point).collect::<Vec<_>>());
}

/// Migration 7 gives the params and tags of a database at version 6 their indexed heads: values
/// short and long are found by equality afterwards, and values written after it too.
#[test]
fn migration_7_keeps_params_and_tags_found_by_their_values() {
    let (url, dir, store, run_id) = store_with_run();
    let long = "w".repeat(6_000);
    let mut batch = one_key("loss", &points(1));
    batch.params = vec![
        Param {
            key: "short".into(),
            value: "adam".into(),
        },
        Param {
            key: "long".into(),
            value: long.clone(),
        },
    ];
    batch.tags = vec![Tag {
        key: "note".into(),
        value: long.clone(),
    }];
    store.log_batch(&run_id, &batch).unwrap();
    let experiment = store.get_run(&run_id).unwrap().info.experiment_id;
    drop(store);
    // The database as version 6 left it (without what versions 7 and 8 added).
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .batch_execute("DELETE FROM cairn_schema WHERE version >= 7")
        .unwrap();
    undo_value_heads(&mut client);
    undo_run_indexes(&mut client);

    let store = PostgresStore::connect(&url, dir.path()).unwrap();
    let heads: i64 = client
        .query_one(
            "SELECT count(*) FROM params WHERE value_head = left(value, 200)",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(heads, 2);
    let found = |filter: &str| {
        search_ids(
            &store,
            &RunSearch {
                experiment_ids: vec![experiment],
                filter: parse_filter(filter).unwrap(),
                ..RunSearch::default()
            },
        )
    };
    let prefix_only = format!("{}x", "w".repeat(5_999));
    for (filter, matches) in [
        ("params.short = 'adam'".to_owned(), true),
        ("params.short = 'sgd'".to_owned(), false),
        (format!("params.long = '{long}'"), true),
        (format!("params.long = '{prefix_only}'"), false),
        (format!("tags.note = '{long}'"), true),
        (format!("tags.note = '{prefix_only}'"), false),
    ] {
        let expected = if matches {
            vec![run_id.clone()]
        } else {
            vec![]
        };
        assert_eq!(
            found(&filter),
            expected,
            "{}",
            &filter[..40.min(filter.len())]
        );
    }
    // A tag set after the migration is found by its new value, not its old one.
    store
        .log_batch(
            &run_id,
            &LogBatch {
                tags: vec![Tag {
                    key: "note".into(),
                    value: "short now".into(),
                }],
                ..LogBatch::default()
            },
        )
        .unwrap();
    assert_eq!(found("tags.note = 'short now'"), vec![run_id.clone()]);
    assert!(found(&format!("tags.note = '{long}'")).is_empty());
}

/// Takes `runs` back to what schema 7 had: no index of each experiment's run ids (schema 8) or
/// of its runs' names (schemas 11 and 12).
fn undo_run_indexes(client: &mut postgres::Client) {
    client
        .batch_execute(
            "DROP INDEX runs_by_experiment_ids; DROP INDEX runs_by_experiment_name;
             DROP INDEX IF EXISTS runs_name_trigrams",
        )
        .unwrap();
}

/// Takes `params` and `tags` back to what schema 6 had: no `value_head` (dropping it drops the
/// indexes that hold it), the plain primary keys and the expression indexes.
fn undo_value_heads(client: &mut postgres::Client) {
    client
        .batch_execute(
            "ALTER TABLE params DROP COLUMN value_head, ADD PRIMARY KEY (run_id, key);
             CREATE INDEX params_by_key_value ON params (key, left(value, 200)) INCLUDE (run_id);
             ALTER TABLE tags DROP COLUMN value_head, ADD PRIMARY KEY (run_id, key);
             CREATE INDEX tags_by_key_value ON tags (key, left(value, 200)) INCLUDE (run_id);",
        )
        .unwrap();
}

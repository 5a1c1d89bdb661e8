//! The PostgreSQL change watch against a real server: commits by another connection are
//! noticed and their runs named, and a flood of notifications (a bulk write of many thousand
//! runs) is read off the connection, so that the listening session never stalls with a
//! transaction open, which would hold back every vacuum of the cluster and fill PostgreSQL's
//! notification queue until writers fail.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failing setup step should stop the test with its error"
)]

use std::time::{Duration, Instant};

use cairn_core::model::{NewExperiment, NewRun, SourceKind};
use cairn_core::store::{ChangeWatcher, StoreChange, StoreSite};
use cairn_core::{PostgresStore, TrackingStore};
use cairn_test_support::postgres::fresh_database;

/// Polls as the app's watcher thread does until a change is reported; `None` after `patience`.
fn next_change(watch: &mut dyn ChangeWatcher, patience: Duration) -> Option<StoreChange> {
    let started = Instant::now();
    while started.elapsed() < patience {
        if let Some(change) = watch.poll().unwrap() {
            return Some(change);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

/// The listening session's wait, as `pg_stat_activity` shows it, and whether it holds an
/// xmin (a snapshot that keeps vacuum from reclaiming anything newer).
fn listener_state(client: &mut postgres::Client) -> (Option<String>, bool) {
    let row = client
        .query_one(
            "SELECT wait_event, backend_xmin IS NOT NULL FROM pg_stat_activity
             WHERE query LIKE 'LISTEN %' AND datname = current_database()
               AND pid <> pg_backend_pid()",
            &[],
        )
        .unwrap();
    (row.get(0), row.get(1))
}

#[test]
fn commits_by_another_connection_are_named_and_a_flood_is_drained() {
    let url = fresh_database();
    let artifacts = tempfile::tempdir().unwrap();
    let watched = PostgresStore::connect(&url, artifacts.path()).unwrap();
    let writer = PostgresStore::connect(&url, artifacts.path()).unwrap();
    let experiment = writer
        .create_experiment(&NewExperiment {
            name: "live".to_owned(),
            ..NewExperiment::default()
        })
        .unwrap();
    let mut watch = watched.watch_changes().unwrap();
    // The experiment's creation came before the watch: nothing is pending.
    assert_eq!(watch.poll().unwrap(), None);

    let run = writer
        .create_run(&NewRun::new(experiment, SourceKind::MlflowApi))
        .unwrap()
        .info
        .run_id;
    let change = next_change(&mut *watch, Duration::from_secs(10)).expect("the run is noticed");
    assert_eq!(change.run_ids, vec![run]);

    // 40,000 runs in one statement: one notification each, several megabytes in all, more than
    // a socket holds.
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .execute(
            "INSERT INTO runs (run_uuid, experiment_id, name, start_time_ms, source_kind)
             SELECT md5('flood-' || g), $1, 'flood-' || g, g, 'mlflow_api'
             FROM generate_series(1, 40000) g",
            &[&experiment.0],
        )
        .unwrap();
    let flood = next_change(&mut *watch, Duration::from_secs(10)).expect("the flood is noticed");
    assert!(flood.run_ids.len() <= 40_000, "{}", flood.run_ids.len());
    // Drained: after a few more polls the listening session waits for nothing from the client.
    let started = Instant::now();
    loop {
        let _ = watch.poll().unwrap();
        let (wait, holds_xmin) = listener_state(&mut client);
        if wait.as_deref() != Some("ClientWrite") && !holds_xmin {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the listening session is still blocked writing notifications ({wait:?}, \
             xmin held: {holds_xmin})"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    // And what comes after the flood is still named.
    let after = writer
        .create_run(&NewRun::new(experiment, SourceKind::MlflowApi))
        .unwrap()
        .info
        .run_id;
    let mut named = Vec::new();
    let started = Instant::now();
    while !named.contains(&after) && started.elapsed() < Duration::from_secs(10) {
        if let Some(change) = next_change(&mut *watch, Duration::from_secs(1)) {
            named.extend(change.run_ids);
        }
    }
    assert!(
        named.contains(&after),
        "the run made after the flood is named"
    );
}

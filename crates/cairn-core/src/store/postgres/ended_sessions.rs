//! PostgreSQL ends the pool's idle sessions (a restart does, and so does an operator's
//! `pg_terminate_backend`): the calls after are served by new sessions, none refused for finding
//! a stale one, reads and writes alike.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly on anything unexpected"
)]

use std::sync::Barrier;
use std::time::{Duration, Instant};

use super::PostgresStore;
use crate::model::{ExperimentId, LogBatch, NewRun, Param, SourceKind};
use crate::store::TrackingStore as _;

/// The sessions on the database other than `admin`'s own.
fn sessions(admin: &mut postgres::Client) -> i64 {
    admin
        .query_one(
            "SELECT count(*) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
            &[],
        )
        .unwrap()
        .get(0)
}

#[test]
fn calls_after_postgresql_ended_the_pooled_sessions_are_served_by_new_ones() {
    let url = cairn_test_support::postgres::fresh_database();
    let artifacts = tempfile::tempdir().unwrap();
    let store = PostgresStore::connect(&url, artifacts.path()).unwrap();
    let run_id = store
        .create_run(&NewRun::new(ExperimentId::DEFAULT, SourceKind::MlflowApi))
        .unwrap()
        .info
        .run_id;
    // Four connections in the pool, idle: four callers at once, each holding one.
    let (ready, go) = (Barrier::new(4), Barrier::new(4));
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                store
                    .read(|_| {
                        ready.wait();
                        go.wait();
                        Ok(())
                    })
                    .unwrap();
            });
        }
    });
    assert_eq!(store.pool_use().idle, 4);
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    admin
        .execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
            &[],
        )
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while sessions(&mut admin) > 0 {
        assert!(Instant::now() < deadline, "the sessions did not end");
        std::thread::sleep(Duration::from_millis(20));
    }
    // A read, a write, and reads again: all served.
    assert_eq!(store.get_run(&run_id).unwrap().info.run_id, run_id);
    let batch = LogBatch {
        params: vec![Param {
            key: "after".to_owned(),
            value: "restart".to_owned(),
        }],
        ..LogBatch::default()
    };
    store.log_batch(&run_id, &batch).unwrap();
    for _ in 0..8 {
        assert_eq!(store.get_run(&run_id).unwrap().params.len(), 1);
    }
    assert_eq!(store.pool_use().idle, 1, "the ended sessions were dropped");
}

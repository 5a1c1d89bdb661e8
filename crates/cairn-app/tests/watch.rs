//! The app's store watcher: a metric logged through another store handle (as an mlflow client
//! talking to another process would) becomes a `RunsChanged` event naming that run.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failure should stop the test with its error"
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use cairn_app::App;
use cairn_app::events::AppEvent;
use cairn_core::SqliteStore;
use cairn_core::TrackingStore;
use cairn_core::model::{
    LogBatch, MetricPoint, NamedMetricPoint, NewExperiment, NewRun, SourceKind,
};

#[test]
fn a_write_through_another_handle_publishes_runs_changed_with_its_run() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cairn.db");
    let writer = SqliteStore::open(&path).unwrap();
    let experiment = writer
        .create_experiment(&NewExperiment {
            name: "live".to_owned(),
            artifact_location: None,
            tags: Vec::new(),
            experiment_id: None,
        })
        .unwrap();
    let run_id = writer
        .create_run(&NewRun::new(experiment, SourceKind::MlflowApi))
        .unwrap()
        .info
        .run_id;

    let app = App::new(Arc::new(SqliteStore::open(&path).unwrap()));
    let events = app.events().subscribe();
    app.start_watching().unwrap();
    app.start_watching().unwrap(); // a second start is a no-op, not a second watcher

    writer
        .log_batch(
            &run_id,
            &LogBatch {
                metrics: vec![NamedMetricPoint {
                    key: "val_acc".to_owned(),
                    point: MetricPoint {
                        step: 1,
                        timestamp_ms: 1_700_000_000_000,
                        value: 0.9,
                    },
                }],
                ..LogBatch::default()
            },
        )
        .unwrap();

    let deadline = Instant::now() + Duration::from_secs(10);
    let event = events
        .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        .expect("the watcher publishes within a few polls");
    assert_eq!(
        event,
        AppEvent::RunsChanged {
            run_ids: vec![run_id]
        }
    );
    // One watcher: the same commit is not announced twice.
    assert!(events.recv_timeout(Duration::from_millis(800)).is_err());
}

//! `ChangeWatch`: commits through another store handle (another connection, as another process
//! would make) are noticed, and the runs they touched are named.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a store operation that fails unexpectedly should stop the test with its error"
)]

use cairn_core::SqliteStore;
use cairn_core::TrackingStore;
use cairn_core::model::{
    LogBatch, MetricPoint, NamedMetricPoint, NewExperiment, NewRun, RunStatus, RunUpdate,
    SourceKind, Tag,
};

fn metric(value: f64, step: i64) -> LogBatch {
    LogBatch {
        metrics: vec![NamedMetricPoint {
            key: "loss".to_owned(),
            point: MetricPoint {
                step,
                timestamp_ms: 1_700_000_000_000 + step,
                value,
            },
        }],
        ..LogBatch::default()
    }
}

#[test]
fn commits_by_another_handle_name_the_runs_they_touched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cairn.db");
    let watched = SqliteStore::open(&path).unwrap();
    let writer = SqliteStore::open(&path).unwrap();
    let experiment = writer
        .create_experiment(&NewExperiment {
            name: "live".to_owned(),
            artifact_location: None,
            tags: Vec::new(),
            experiment_id: None,
        })
        .unwrap();
    let finished = writer
        .create_run(&NewRun::new(experiment, SourceKind::MlflowApi))
        .unwrap()
        .info
        .run_id;
    writer
        .update_run(
            &finished,
            &RunUpdate {
                status: Some(RunStatus::Finished),
                end_time_ms: Some(1_700_000_100_000),
                run_name: None,
            },
        )
        .unwrap();
    let running = writer
        .create_run(&NewRun::new(experiment, SourceKind::MlflowApi))
        .unwrap()
        .info
        .run_id;

    let mut watch = watched.watch_changes().unwrap();
    assert_eq!(watch.poll().unwrap(), None, "nothing committed yet");

    writer.log_batch(&running, &metric(0.5, 1)).unwrap();
    let change = watch.poll().unwrap().expect("a commit is noticed");
    assert_eq!(change.run_ids, vec![running.clone()]);
    assert_eq!(watch.poll().unwrap(), None, "each commit is reported once");

    let created = writer
        .create_run(&NewRun::new(experiment, SourceKind::MlflowApi))
        .unwrap()
        .info
        .run_id;
    writer.log_batch(&running, &metric(0.4, 2)).unwrap();
    let mut expected = vec![created.clone(), running.clone()];
    expected.sort();
    assert_eq!(watch.poll().unwrap().unwrap().run_ids, expected);

    // A run that stops running is reported once more, then no longer watched.
    writer
        .update_run(
            &running,
            &RunUpdate {
                status: Some(RunStatus::Finished),
                end_time_ms: Some(1_700_000_200_000),
                run_name: None,
            },
        )
        .unwrap();
    assert_eq!(watch.poll().unwrap().unwrap().run_ids, vec![running]);

    // A finished run's tag is a commit the watch cannot attribute: noticed, no run named.
    writer
        .log_batch(
            &finished,
            &LogBatch {
                tags: vec![Tag::new("note", "checked")],
                ..LogBatch::default()
            },
        )
        .unwrap();
    assert_eq!(watch.poll().unwrap().unwrap().run_ids, Vec::<String>::new());
}

#[test]
fn writes_through_the_same_handle_are_noticed_too() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("cairn.db")).unwrap();
    let experiment = store
        .create_experiment(&NewExperiment {
            name: "same".to_owned(),
            artifact_location: None,
            tags: Vec::new(),
            experiment_id: None,
        })
        .unwrap();
    let mut watch = store.watch_changes().unwrap();
    let run = store
        .create_run(&NewRun::new(experiment, SourceKind::MlflowApi))
        .unwrap()
        .info
        .run_id;
    assert_eq!(watch.poll().unwrap().unwrap().run_ids, vec![run]);
}

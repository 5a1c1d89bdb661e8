//! Searches keep the runs of their experiments between calls; every change to which runs an
//! experiment holds in a view — a run created, deleted or restored, here or through another
//! store handle (as another process would) — is seen by the next search, filtered or not, and
//! by grouping.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a store operation that fails unexpectedly should stop the test with its error"
)]

use cairn_core::RunSearchStore;
use cairn_core::SqliteStore;
use cairn_core::TrackingStore;
use cairn_core::model::{
    ExperimentId, LifecycleStage, LogBatch, NewExperiment, NewRun, Param, SourceKind, ViewType,
};
use cairn_core::search::parse_filter;
use cairn_core::store::RunSearch;

fn experiment(store: &SqliteStore, name: &str) -> ExperimentId {
    store
        .create_experiment(&NewExperiment {
            name: name.to_owned(),
            artifact_location: None,
            tags: Vec::new(),
            experiment_id: None,
        })
        .unwrap()
}

fn run(store: &SqliteStore, experiment: ExperimentId, optimizer: &str) -> String {
    let id = store
        .create_run(&NewRun::new(experiment, SourceKind::MlflowApi))
        .unwrap()
        .info
        .run_id;
    store
        .log_batch(
            &id,
            &LogBatch {
                params: vec![Param {
                    key: "optimizer".to_owned(),
                    value: optimizer.to_owned(),
                }],
                ..LogBatch::default()
            },
        )
        .unwrap();
    id
}

/// How many runs a counted search finds (the counted search takes the set path).
fn count(store: &SqliteStore, experiments: &[ExperimentId], filter: &str, view: ViewType) -> u64 {
    store
        .search_runs(&RunSearch {
            experiment_ids: experiments.to_vec(),
            filter: parse_filter(filter).unwrap(),
            view,
            max_results: 10,
            count_total: true,
            ..RunSearch::default()
        })
        .unwrap()
        .total_count
        .unwrap()
}

fn adam_group(store: &SqliteStore, experiment: ExperimentId) -> u64 {
    store
        .group_runs_by_param(
            &RunSearch {
                experiment_ids: vec![experiment],
                max_results: 10,
                ..RunSearch::default()
            },
            "optimizer",
            None,
        )
        .unwrap()
        .into_iter()
        .find(|group| group.value.as_deref() == Some("adam"))
        .map_or(0, |group| group.run_count)
}

#[test]
fn every_change_to_an_experiments_runs_reaches_the_next_search() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cairn.db");
    let store = SqliteStore::open(&path).unwrap();
    let other_process = SqliteStore::open(&path).unwrap();
    let first = experiment(&store, "first");
    let second = experiment(&store, "second");
    for _ in 0..4 {
        run(&store, first, "adam");
    }
    run(&store, first, "sgd");
    run(&store, second, "adam");
    let adam = "params.optimizer = 'adam'";
    let active = ViewType::ActiveOnly;

    assert_eq!(count(&store, &[first], "", active), 5);
    assert_eq!(count(&store, &[first], adam, active), 4);
    assert_eq!(count(&store, &[first, second], adam, active), 5);
    assert_eq!(count(&store, &[second, first, first], adam, active), 5);
    assert_eq!(adam_group(&store, first), 4);

    // A run created by another handle.
    let late = run(&other_process, first, "adam");
    assert_eq!(count(&store, &[first], "", active), 6);
    assert_eq!(count(&store, &[first], adam, active), 5);
    assert_eq!(count(&store, &[first, second], adam, active), 6);
    assert_eq!(adam_group(&store, first), 5);

    // Deleted here: gone from the active view, in the deleted one.
    store
        .set_run_lifecycle(&late, LifecycleStage::Deleted)
        .unwrap();
    assert_eq!(count(&store, &[first], adam, active), 4);
    assert_eq!(count(&store, &[first], adam, ViewType::DeletedOnly), 1);
    assert_eq!(count(&store, &[first], adam, ViewType::All), 5);
    assert_eq!(adam_group(&store, first), 4);

    // Restored by the other handle.
    other_process
        .set_run_lifecycle(&late, LifecycleStage::Active)
        .unwrap();
    assert_eq!(count(&store, &[first], adam, active), 5);
    assert_eq!(count(&store, &[first], adam, ViewType::DeletedOnly), 0);
    assert_eq!(adam_group(&store, first), 5);

    // All experiments (none named) is a scope of its own.
    assert_eq!(count(&store, &[], adam, active), 6);
    run(&other_process, second, "adam");
    assert_eq!(count(&store, &[], adam, active), 7);
    assert_eq!(count(&store, &[first], adam, active), 5);
}

#[test]
fn writes_that_leave_an_experiments_runs_as_they_were_keep_the_kept_sets() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cairn.db");
    let store = SqliteStore::open(&path).unwrap();
    let first = experiment(&store, "first");
    let id = run(&store, first, "adam");
    let generation = || -> i64 {
        rusqlite::Connection::open(&path)
            .unwrap()
            .query_row(
                "SELECT generation FROM run_scope_generation WHERE id = 1",
                [],
                |row| row.get(0),
            )
            .unwrap()
    };
    let before = generation();
    // Logging and setting the lifecycle a run already has change nothing a search's scope holds.
    run_more(&store, &id);
    store
        .set_run_lifecycle(&id, LifecycleStage::Active)
        .unwrap();
    assert_eq!(generation(), before);
    store
        .set_run_lifecycle(&id, LifecycleStage::Deleted)
        .unwrap();
    assert_eq!(generation(), before + 1);
}

fn run_more(store: &SqliteStore, id: &str) {
    store
        .log_batch(
            id,
            &LogBatch {
                params: vec![Param {
                    key: "lr".to_owned(),
                    value: "0.1".to_owned(),
                }],
                ..LogBatch::default()
            },
        )
        .unwrap();
}

//! The store's indexing methods (`IndexingStore`): importing runs whole or by
//! appending, experiments matched by name with source ids kept, registry imports with stages,
//! aliases and history, and what the indexer remembers of files. Each test has a fresh store
//! in a temp dir; the suite runs on SQLite and on PostgreSQL.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: an unexpected store error should stop the test with its message"
)]

use cairn_core::model::{
    ExperimentId, ImportMode, ImportOutcome, ImportedExperiment, ImportedModelVersion,
    ImportedRegisteredModel, ImportedRun, IndexFileState, IndexedArtifact, LifecycleStage,
    MetricPoint, ModelStage, Param, RegistryChange, SourceKind, Tag,
};
use cairn_core::{PostgresStore, SqliteStore, Store};

/// A store under test and whatever keeps it alive (its temporary directory).
struct Backend {
    _dir: tempfile::TempDir,
    store: Box<dyn Store>,
}

impl Backend {
    fn sqlite() -> Backend {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("cairn.db")).unwrap();
        Backend {
            _dir: dir,
            store: Box::new(store),
        }
    }

    fn postgres() -> Backend {
        let dir = tempfile::tempdir().unwrap();
        let url = cairn_test_support::postgres::fresh_database();
        let store = PostgresStore::connect(&url, &dir.path().join("artifacts")).unwrap();
        Backend {
            _dir: dir,
            store: Box::new(store),
        }
    }
}

fn experiment(store: &dyn Store, name: &str, source_id: i64) -> ExperimentId {
    store
        .import_experiment(&ImportedExperiment {
            name: name.into(),
            source_id: Some(ExperimentId(source_id)),
            artifact_location: None,
            lifecycle_stage: LifecycleStage::Active,
            creation_time_ms: Some(1_000),
            last_update_time_ms: Some(2_000),
            tags: vec![Tag::new("team", "a")],
        })
        .unwrap()
}

fn points(range: std::ops::Range<i64>, value: f64) -> Vec<MetricPoint> {
    range
        .map(|step| MetricPoint {
            step,
            timestamp_ms: 1_000 + step,
            value,
        })
        .collect()
}

fn run(experiment_id: ExperimentId) -> ImportedRun {
    let mut run = ImportedRun::new(
        "abc123",
        experiment_id,
        SourceKind::Mlruns,
        "/data/mlruns/1/abc123",
    );
    run.run_name = "imported".into();
    run.start_time_ms = Some(500);
    run.end_time_ms = Some(900);
    run.params = vec![Param {
        key: "lr".into(),
        value: "0.1".into(),
    }];
    run.tags = vec![Tag::new("team", "x")];
    run.metrics = vec![("loss".into(), points(0..100, 1.0))];
    run.artifacts = vec![IndexedArtifact {
        path: "model/model.pkl".into(),
        size_bytes: 12,
        mime: Some("application/octet-stream".into()),
        location: "/data/mlruns/1/abc123/artifacts/model/model.pkl".into(),
        modified_ms: Some(800),
    }];
    run
}

fn experiments_match_by_name_and_keep_free_source_ids(store: &dyn Store) {
    let first = experiment(store, "churn", 42);
    assert_eq!(first, ExperimentId(42));
    assert_eq!(
        experiment(store, "churn", 7),
        ExperimentId(42),
        "matched by name"
    );
    // Id 0 is taken by Default: another id is chosen.
    let other = experiment(store, "other", 0);
    assert_ne!(other, ExperimentId(0));
    let stored = store.get_experiment(first).unwrap();
    assert_eq!(stored.creation_time_ms, Some(1_000));
    assert_eq!(stored.tags, vec![Tag::new("team", "a")]);
}

fn replace_rewrites_a_run_and_keeps_its_id(store: &dyn Store) {
    let experiment_id = experiment(store, "e", 1);
    let outcomes = store
        .import_runs(&[run(experiment_id)], ImportMode::Replace, &[])
        .unwrap();
    assert_eq!(outcomes, vec![ImportOutcome::Created]);
    let mut changed = run(experiment_id);
    changed.params[0].value = "0.2".into(); // params change when the source changed
    changed.metrics = vec![("loss".into(), points(0..3, 2.0))];
    changed.lifecycle_stage = LifecycleStage::Deleted;
    let outcomes = store
        .import_runs(&[changed], ImportMode::Replace, &[])
        .unwrap();
    assert_eq!(outcomes, vec![ImportOutcome::Updated]);
    let got = store.get_run("abc123").unwrap();
    assert_eq!(
        got.info.lifecycle_stage,
        LifecycleStage::Deleted,
        "deleted runs stay deleted"
    );
    assert_eq!(got.info.source_kind, SourceKind::Mlruns);
    assert_eq!(
        got.info.source_path.as_deref(),
        Some("/data/mlruns/1/abc123")
    );
    assert_eq!(got.params[0].value, "0.2");
    assert_eq!(store.metric_history("abc123", "loss").unwrap().len(), 3);
}

fn append_adds_points_and_keeps_the_earliest_start(store: &dyn Store) {
    let experiment_id = experiment(store, "e", 1);
    store
        .import_runs(&[run(experiment_id)], ImportMode::Append, &[])
        .unwrap();
    let mut more = run(experiment_id);
    more.start_time_ms = Some(700);
    more.end_time_ms = Some(2_000);
    more.metrics = vec![("loss".into(), points(100..110, 0.5))];
    more.params = vec![Param {
        key: "epochs".into(),
        value: "3".into(),
    }];
    store.import_runs(&[more], ImportMode::Append, &[]).unwrap();
    let got = store.get_run("abc123").unwrap();
    assert_eq!(got.info.start_time_ms, Some(500));
    assert_eq!(got.info.end_time_ms, Some(2_000));
    assert_eq!(got.params.len(), 2);
    let history = store.metric_history("abc123", "loss").unwrap();
    assert_eq!(history.len(), 110);
    assert_eq!(history[109].value, 0.5);
}

fn a_failed_import_leaves_neither_runs_nor_file_states(store: &dyn Store) {
    let experiment_id = experiment(store, "e", 1);
    let mut bad = run(experiment_id);
    bad.run_id = "not a valid id!".into();
    let state = IndexFileState {
        path: "/data/x".into(),
        source_kind: SourceKind::Mlruns,
        size_bytes: 1,
        mtime_ns: 2,
        read_offset: 1,
        run_id: None,
        parser_state: None,
    };
    let result = store.import_runs(&[run(experiment_id), bad], ImportMode::Replace, &[state]);
    assert!(result.is_err());
    assert!(store.get_run("abc123").is_err());
    assert!(store.index_file_states_under("/data").unwrap().is_empty());
}

fn index_file_states_round_trip_and_sources_can_go_missing(store: &dyn Store) {
    let experiment_id = experiment(store, "e", 1);
    let state = IndexFileState {
        path: "/data/mlruns/1/abc123".into(),
        source_kind: SourceKind::Mlruns,
        size_bytes: 10,
        mtime_ns: 20,
        read_offset: 10,
        run_id: Some("abc123".into()),
        parser_state: Some(vec![1, 2, 3]),
    };
    store
        .import_runs(
            &[run(experiment_id)],
            ImportMode::Replace,
            std::slice::from_ref(&state),
        )
        .unwrap();
    assert_eq!(
        store.index_file_states_under("/data/").unwrap(),
        vec![state.clone()]
    );
    assert!(
        store
            .index_file_states_under("/elsewhere")
            .unwrap()
            .is_empty()
    );
    let sources = store.indexed_sources_under("/data").unwrap();
    assert_eq!(
        sources,
        vec![(
            "abc123".to_string(),
            "/data/mlruns/1/abc123".to_string(),
            false
        )]
    );
    let changed = store
        .set_sources_missing(
            std::slice::from_ref(&state.path),
            std::slice::from_ref(&state.path),
            true,
        )
        .unwrap();
    assert_eq!(changed, 1);
    let got = store.get_run("abc123").unwrap();
    assert!(got.info.source_missing);
    assert_eq!(
        store.metric_history("abc123", "loss").unwrap().len(),
        100,
        "data kept"
    );
}

fn registry_import_sets_stages_aliases_and_history(store: &dyn Store) {
    let version = |number: u64, stage: Option<ModelStage>| ImportedModelVersion {
        version: number,
        creation_time_ms: 1_000 + number as i64,
        last_updated_time_ms: 2_000,
        user_id: "ds".into(),
        current_stage: stage,
        description: String::new(),
        source: format!("models:/m-{number}"),
        run_id: None,
        status: "READY".into(),
        logged_model_id: Some(format!("m-{number}")),
        storage_location: None,
        tags: vec![Tag::new("v", number.to_string())],
    };
    let mut model = ImportedRegisteredModel {
        name: "clf".into(),
        description: "a model".into(),
        creation_time_ms: 1_000,
        last_updated_time_ms: 2_000,
        tags: vec![Tag::new("owner", "ds")],
        versions: vec![
            version(1, Some(ModelStage::Staging)),
            version(2, Some(ModelStage::Archived)),
            version(3, Some(ModelStage::Production)),
            version(4, None),
        ],
        aliases: vec![("champion".into(), 3), ("challenger".into(), 1)],
        history: None,
    };
    store.import_registered_model(&model).unwrap();
    let v3 = store.get_model_version("clf", 3).unwrap();
    assert_eq!(v3.current_stage, ModelStage::Production);
    assert_eq!(v3.aliases, vec!["champion".to_string()]);
    let registered = store.get_registered_model("clf").unwrap();
    assert_eq!(
        registered.aliases,
        vec![("challenger".to_string(), 1), ("champion".to_string(), 3)]
    );
    assert!(
        store.get_model_version("clf", 4).is_err(),
        "deleted versions stay hidden"
    );
    let history_len = store.registry_history("clf").unwrap().len();
    // Importing the same again adds nothing to the history.
    store.import_registered_model(&model).unwrap();
    assert_eq!(store.registry_history("clf").unwrap().len(), history_len);
    model.versions[0].current_stage = Some(ModelStage::Archived);
    store.import_registered_model(&model).unwrap();
    let history = store.registry_history("clf").unwrap();
    let last = history.last().unwrap();
    assert_eq!(last.change, RegistryChange::Transition);
    assert_eq!(last.origin, "import");
    assert_eq!(last.to_stage, Some(ModelStage::Archived));
    assert!(
        history
            .iter()
            .any(|entry| entry.change == RegistryChange::SetAlias
                && entry.alias.as_deref() == Some("champion")
                && entry.version == Some(3)
                && entry.origin == "import")
    );

    // Alias moves and removals are recorded too.
    let before = history.len();
    model.aliases = vec![("champion".into(), 1)];
    store.import_registered_model(&model).unwrap();
    let history = store.registry_history("clf").unwrap();
    let moves: Vec<(RegistryChange, Option<String>, Option<u64>)> = history[before..]
        .iter()
        .map(|entry| (entry.change, entry.alias.clone(), entry.version))
        .collect();
    assert_eq!(
        moves,
        vec![
            (
                RegistryChange::DeleteAlias,
                Some("challenger".into()),
                Some(1)
            ),
            (RegistryChange::SetAlias, Some("champion".into()), Some(1)),
        ]
    );
}

/// Instantiates every test above for one backend: `cargo test --test import_contract postgres::`.
macro_rules! import_suite {
    ($backend:ident => $make:expr; $($test:ident),* $(,)?) => {
        mod $backend {
            $(
                #[test]
                fn $test() {
                    let backend = $make;
                    crate::$test(&*backend.store);
                }
            )*
        }
    };
}

import_suite! {
    sqlite => crate::Backend::sqlite();
    experiments_match_by_name_and_keep_free_source_ids,
    replace_rewrites_a_run_and_keeps_its_id,
    append_adds_points_and_keeps_the_earliest_start,
    a_failed_import_leaves_neither_runs_nor_file_states,
    index_file_states_round_trip_and_sources_can_go_missing,
    registry_import_sets_stages_aliases_and_history,
}

import_suite! {
    postgres => crate::Backend::postgres();
    experiments_match_by_name_and_keep_free_source_ids,
    replace_rewrites_a_run_and_keeps_its_id,
    append_adds_points_and_keeps_the_earliest_start,
    a_failed_import_leaves_neither_runs_nor_file_states,
    index_file_states_round_trip_and_sources_can_go_missing,
    registry_import_sets_stages_aliases_and_history,
}

//! `copy_store`: a store filled with everything a user keeps (deleted and nested runs, NaN and
//! long histories, datasets, provenance, LoggedModels, a registry with stages and aliases) is
//! copied into an empty store; both censuses agree, every run reads back equal, and a second
//! copy skips every run. Runs between each pair of backends the tests can reach.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failing store call should stop the test with its error"
)]

use cairn_core::model::{
    DataHash, DataKind, Dataset, DatasetInput, ExperimentId, GitOrigin, GitProvenance,
    LifecycleStage, LogBatch, ManifestEntry, ManifestEntryKind, MetricPoint, ModelStage,
    MonitoringReference, NamedMetricPoint, NewExperiment, NewLoggedModel, NewModelVersion,
    NewMonitoringBatch, NewRun, Param, RunStatus, RunUpdate, SourceKind, StageTransition, Tag,
    ViewType,
};
use cairn_core::store::copy::{census, copy_store};
use cairn_core::{SqliteStore, Store};

/// Fills `store` with one of everything.
fn fill(store: &dyn Store) {
    let vision = store
        .create_experiment(&NewExperiment {
            name: "vision".to_owned(),
            tags: vec![Tag::new("team", "cv")],
            ..NewExperiment::default()
        })
        .unwrap();
    let gone = store
        .create_experiment(&NewExperiment {
            name: "abandoned".to_owned(),
            ..NewExperiment::default()
        })
        .unwrap();
    let mut run_ids = Vec::new();
    for index in 0..7_i64 {
        let experiment = if index == 6 { gone } else { vision };
        let mut new = NewRun::new(experiment, SourceKind::MlflowApi);
        new.run_name = format!("run-{index}");
        new.start_time_ms = Some(1_700_000_000_000 + index);
        new.user_id = "ada".to_owned();
        let run = store.create_run(&new).unwrap();
        let run_id = run.info.run_id;
        let points: Vec<_> = (0..(50 + index * 140))
            .map(|step| NamedMetricPoint {
                key: "loss".to_owned(),
                point: MetricPoint {
                    step,
                    timestamp_ms: 1_700_000_000_000 + step,
                    value: if step == 7 {
                        f64::NAN
                    } else {
                        1.0 / (step + 1) as f64
                    },
                },
            })
            .collect();
        store
            .log_batch(
                &run_id,
                &LogBatch {
                    metrics: points,
                    params: vec![
                        Param {
                            key: "lr".to_owned(),
                            value: format!("0.{index}"),
                        },
                        Param {
                            key: "optimizer".to_owned(),
                            value: "adam".to_owned(),
                        },
                    ],
                    tags: vec![Tag::new("mlflow.note.content", "a *note*")],
                },
            )
            .unwrap();
        store
            .append_metric(
                &run_id,
                "acc",
                &[MetricPoint {
                    step: 0,
                    timestamp_ms: 5,
                    value: f64::INFINITY,
                }],
            )
            .unwrap();
        if index == 0 {
            let long: Vec<_> = (0..10_000)
                .map(|step| MetricPoint {
                    step,
                    timestamp_ms: step,
                    value: (step as f64).sin(),
                })
                .collect();
            store.append_metric(&run_id, "grad_norm", &long).unwrap();
        }
        run_ids.push(run_id);
    }
    let mut child = NewRun::new(vision, SourceKind::MlflowApi);
    child.run_name = "child".to_owned();
    child.tags = vec![Tag::new("mlflow.parentRunId", run_ids[0].as_str())];
    let child = store.create_run(&child).unwrap().info.run_id;
    store
        .update_run(
            &run_ids[1],
            &RunUpdate {
                status: Some(RunStatus::Finished),
                end_time_ms: Some(1_700_000_100_000),
                ..RunUpdate::default()
            },
        )
        .unwrap();
    store
        .set_run_lifecycle(&run_ids[2], LifecycleStage::Deleted)
        .unwrap();
    store
        .set_experiment_lifecycle(gone, LifecycleStage::Deleted)
        .unwrap();
    store
        .log_run_inputs(
            &run_ids[0],
            &[DatasetInput {
                dataset: Dataset {
                    name: "mnist".to_owned(),
                    digest: "abc123".to_owned(),
                    source_type: "local".to_owned(),
                    source: "{\"uri\": \"/data/mnist\"}".to_owned(),
                    schema: None,
                    profile: None,
                },
                tags: vec![Tag::new("mlflow.data.context", "training")],
            }],
        )
        .unwrap();
    let mut git = GitProvenance::empty(GitOrigin::Repository);
    git.commit_sha = Some("0123456789abcdef0123456789abcdef01234567".to_owned());
    git.branch = Some("main".to_owned());
    git.is_dirty = Some(true);
    git.untracked_files = vec!["notes.txt".to_owned(), "data/new.csv".to_owned()];
    store.set_git_provenance(&run_ids[0], &git).unwrap();
    store
        .record_data_manifest(
            &"f".repeat(64),
            &[ManifestEntry {
                rel_path: "train.csv".to_owned(),
                kind: ManifestEntryKind::File,
                size_bytes: 1234,
                file_hash: "e".repeat(64),
            }],
        )
        .unwrap();
    store
        .set_data_hash(
            &run_ids[0],
            &DataHash {
                path: "/data/mnist".to_owned(),
                kind: DataKind::Directory,
                root_hash: "f".repeat(64),
                size_bytes: 1234,
                file_count: 3,
                dvc_md5: None,
            },
        )
        .unwrap();
    let model = store
        .create_logged_model(&NewLoggedModel {
            experiment_id: vision,
            name: "cnn".to_owned(),
            model_type: "pytorch".to_owned(),
            source_run_id: Some(run_ids[0].clone()),
            params: vec![Param {
                key: "layers".to_owned(),
                value: "4".to_owned(),
            }],
            tags: Vec::new(),
        })
        .unwrap();
    store
        .create_registered_model("churn", "predicts churn", &[Tag::new("owner", "ml")])
        .unwrap();
    for run_id in &run_ids[..2] {
        store
            .create_model_version(&NewModelVersion {
                name: "churn".to_owned(),
                source: format!("runs:/{run_id}/model"),
                run_id: Some(run_id.clone()),
                logged_model_id: Some(model.model_id.clone()),
                user_id: "ada".to_owned(),
                origin: "test".to_owned(),
                ..NewModelVersion::default()
            })
            .unwrap();
    }
    store
        .transition_model_version_stage(&StageTransition {
            name: "churn".to_owned(),
            version: 1,
            stage: ModelStage::Production,
            archive_existing_versions: false,
            user_id: "ada".to_owned(),
            comment: String::new(),
            origin: "test".to_owned(),
            gate_report: None,
        })
        .unwrap();
    store
        .set_model_alias("churn", "champion", 2, "ada", "test")
        .unwrap();
    store
        .set_monitoring_reference(&MonitoringReference {
            name: "churn".to_owned(),
            version: 2,
            source: "train.csv".to_owned(),
            rows: 2,
            csv: b"age,plan\n31,pro\n45,free\n".to_vec(),
            settings: "{}".to_owned(),
            created_ms: 1_700_000_000_000,
        })
        .unwrap();
    store
        .add_monitoring_batch(&NewMonitoringBatch {
            name: "churn".to_owned(),
            version: 2,
            received_ms: 1_700_000_500_000,
            label: "week 1".to_owned(),
            rows: 2,
            drift_share: 0.5,
            dataset_drift: false,
            scores: Vec::new(),
            metrics: vec![("accuracy".to_owned(), 0.9)],
            report: "<html>week 1</html>".to_owned(),
        })
        .unwrap();
    let _ = (child, ExperimentId::DEFAULT);
}

/// Copies a filled `source` into the empty `destination` and checks the result.
fn copy_and_check(source: &dyn Store, destination: &dyn Store) {
    fill(source);
    let report = copy_store(source, destination, &mut |_, _| {}).unwrap();
    assert!(report.verified(), "{:#?}", report);
    assert_eq!(report.runs_copied, 8);
    assert!(report.source.metric_points > 5_000, "{:?}", report.source);
    for summary in source.list_experiments(ViewType::All).unwrap() {
        let id = summary.experiment.experiment_id;
        assert_eq!(
            source.get_experiment(id).unwrap(),
            destination.get_experiment(id).unwrap()
        );
    }
    let all = cairn_core::RunSearch {
        view: ViewType::All,
        experiment_ids: source
            .list_experiments(ViewType::All)
            .unwrap()
            .iter()
            .map(|summary| summary.experiment.experiment_id)
            .collect(),
        ..cairn_core::RunSearch::default()
    };
    for run in source.search_runs(&all).unwrap().runs {
        let run_id = &run.info.run_id;
        assert_eq!(destination.get_run(run_id).unwrap(), run, "run {run_id}");
        assert_eq!(
            destination.run_io(run_id).unwrap(),
            source.run_io(run_id).unwrap(),
            "run {run_id}"
        );
        for metric in &run.metrics {
            let there = destination.metric_history(run_id, &metric.key).unwrap();
            let here = source.metric_history(run_id, &metric.key).unwrap();
            assert_eq!(there.len(), here.len());
            assert!(
                there.iter().zip(&here).all(|(a, b)| a.step == b.step
                    && a.timestamp_ms == b.timestamp_ms
                    && a.value.to_bits() == b.value.to_bits()),
                "history {run_id}/{}",
                metric.key
            );
        }
    }
    // Monitoring: the version's reference and its batches, reports included.
    assert_eq!(
        destination.monitoring_reference("churn", 2).unwrap(),
        source.monitoring_reference("churn", 2).unwrap()
    );
    let batches = destination
        .list_monitoring_batches("churn", 2, usize::MAX)
        .unwrap();
    assert_eq!(batches.len(), 1);
    let whole = destination
        .monitoring_batch(batches[0].id)
        .unwrap()
        .unwrap();
    assert_eq!(whole.batch.report, "<html>week 1</html>");
    // A folder's per-file hashes come along (what `cairn diff` compares).
    assert_eq!(
        destination.data_manifest(&"f".repeat(64)).unwrap(),
        source.data_manifest(&"f".repeat(64)).unwrap()
    );
    assert_eq!(
        destination
            .get_model_version_by_alias("churn", "champion")
            .unwrap()
            .version,
        2
    );
    assert_eq!(
        destination
            .get_model_version("churn", 1)
            .unwrap()
            .current_stage,
        ModelStage::Production
    );

    let again = copy_store(source, destination, &mut |_, _| {}).unwrap();
    assert!(again.verified());
    assert_eq!(
        (again.runs_copied, again.runs_skipped),
        (0, 8),
        "a second copy skips every run"
    );
    assert_eq!(census(destination).unwrap(), report.destination);
    assert_eq!(
        destination
            .list_monitoring_batches("churn", 2, usize::MAX)
            .unwrap()
            .len(),
        1,
        "a second copy adds no batch"
    );
}

fn sqlite(dir: &tempfile::TempDir, name: &str) -> SqliteStore {
    SqliteStore::open(&dir.path().join(name)).unwrap()
}

#[test]
fn sqlite_to_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    copy_and_check(&sqlite(&dir, "a.db"), &sqlite(&dir, "b.db"));
}

fn postgres(dir: &tempfile::TempDir, name: &str) -> cairn_core::PostgresStore {
    let url = cairn_test_support::postgres::fresh_database();
    cairn_core::PostgresStore::connect(&url, &dir.path().join(name)).unwrap()
}

#[test]
fn sqlite_to_postgres() {
    let dir = tempfile::tempdir().unwrap();
    copy_and_check(&sqlite(&dir, "a.db"), &postgres(&dir, "pg-artifacts"));
}

#[test]
fn postgres_to_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    copy_and_check(&postgres(&dir, "pg-artifacts"), &sqlite(&dir, "b.db"));
}

/// A store of its own: experiment 1 is "notes", its model "churn" has a version of its own.
fn fill_other(store: &dyn Store) {
    let notes = store
        .create_experiment(&NewExperiment {
            name: "notes".to_owned(),
            ..NewExperiment::default()
        })
        .unwrap();
    let run = store
        .create_run(&NewRun::new(notes, SourceKind::MlflowApi))
        .unwrap();
    store
        .create_registered_model("churn", "theirs", &[])
        .unwrap();
    store
        .create_model_version(&NewModelVersion {
            name: "churn".to_owned(),
            source: format!("runs:/{}/model", run.info.run_id),
            run_id: Some(run.info.run_id),
            ..NewModelVersion::default()
        })
        .unwrap();
}

#[test]
fn a_destination_holding_other_data_is_refused_before_a_write() {
    let dir = tempfile::tempdir().unwrap();
    let source = sqlite(&dir, "a.db");
    fill(&source);
    let destination = sqlite(&dir, "b.db");
    fill_other(&destination);
    let before = census(&destination).unwrap();
    let error = copy_store(&source, &destination, &mut |_, _| {})
        .unwrap_err()
        .to_string();
    assert!(error.contains("not from the source"), "{error}");
    assert!(
        error.contains("'notes' there and 'vision' in the source"),
        "{error}"
    );
    assert!(
        error.contains("registered model 'churn' version 1"),
        "{error}"
    );
    assert_eq!(census(&destination).unwrap(), before, "nothing was written");
    let kept: &dyn Store = &destination;
    assert_eq!(
        kept.get_registered_model("churn").unwrap().description,
        "theirs"
    );

    // An earlier copy of the same source is not "other data": the copy resumes.
    let copy = sqlite(&dir, "c.db");
    copy_store(&source, &copy, &mut |_, _| {}).unwrap();
    assert!(
        copy_store(&source, &copy, &mut |_, _| {})
            .unwrap()
            .verified()
    );
}

#[test]
fn a_database_without_a_store_is_not_made_one_when_it_is_a_source() {
    let url = cairn_test_support::postgres::fresh_database();
    let dir = tempfile::tempdir().unwrap();
    let error = cairn_core::PostgresStore::connect_existing(&url, dir.path())
        .unwrap_err()
        .to_string();
    assert!(error.contains("holds no Cairn store"), "{error}");
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let tables: i64 = client
        .query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(tables, 0, "nothing was created");
    drop(client);
    cairn_core::PostgresStore::connect(&url, dir.path()).unwrap();
    cairn_core::PostgresStore::connect_existing(&url, dir.path()).unwrap();
}

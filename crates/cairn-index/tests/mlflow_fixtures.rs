//! The real MLflow fixtures (file store and SQLite) import to exactly what `expected.json` says.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers shared by tests fail loudly on broken fixtures"
)]

mod common;

use cairn_core::LoggedModelStore;
use cairn_core::RegistryStore;
use cairn_core::RunSearchStore;
use cairn_core::TrackingStore;
use cairn_core::model::{GitOrigin, LifecycleStage, ModelStage, RunStatus, SourceKind};
use common::{Sandbox, expected};

fn check_against_expected(sandbox: &Sandbox, which: &str, kind: SourceKind) {
    let expected = expected();
    let section = &expected["mlflow"][which];
    let mut runs_checked = 0;
    for (experiment_name, experiment) in section["experiments"].as_object().unwrap() {
        let stored = sandbox
            .store
            .get_experiment_by_name(experiment_name)
            .unwrap();
        for run in experiment["runs"].as_array().unwrap() {
            let run_id = run["run_id"].as_str().unwrap();
            let got = sandbox.store.get_run(run_id).unwrap();
            assert_eq!(got.info.experiment_id, stored.experiment_id, "{run_id}");
            assert_eq!(got.info.run_name, run["name"].as_str().unwrap());
            assert_eq!(got.info.source_kind, kind);
            // Every fixture run ended normally (the file store writes `status: 3`).
            assert_eq!(got.info.status, RunStatus::Finished, "{run_id} status");
            assert!(got.info.end_time_ms.is_some(), "{run_id} end time");
            for (key, value) in run["params"].as_object().unwrap() {
                let param = got.params.iter().find(|p| &p.key == key).unwrap();
                assert_eq!(param.value, value.as_str().unwrap(), "{run_id} param {key}");
            }
            assert_eq!(got.params.len(), run["params"].as_object().unwrap().len());
            for (key, value) in run["metrics_last"].as_object().unwrap() {
                let metric = got.metrics.iter().find(|m| &m.key == key).unwrap();
                assert_eq!(
                    metric.latest.value,
                    value.as_f64().unwrap(),
                    "{run_id} {key}"
                );
            }
            for (key, length) in run["history_len"].as_object().unwrap() {
                let history = sandbox.store.metric_history(run_id, key).unwrap();
                assert_eq!(
                    history.len() as u64,
                    length.as_u64().unwrap(),
                    "{run_id} {key}"
                );
            }
            let git = got
                .git
                .as_ref()
                .expect("git provenance from mlflow.source.git tags");
            assert_eq!(git.origin, GitOrigin::MlflowTags);
            assert!(git.commit_sha.as_deref().is_some_and(|sha| sha.len() == 40));
            // Moved folder: the artifact root resolves to where the copy is now.
            let artifact_dir = got.info.artifact_uri.strip_prefix("file://").unwrap();
            assert!(
                std::path::Path::new(artifact_dir).is_dir(),
                "artifact root {artifact_dir} resolved"
            );
            runs_checked += 1;
        }
    }
    assert_eq!(runs_checked, 8);
    let deleted = section["deleted_run"].as_str().unwrap();
    let deleted_run = sandbox.store.get_run(deleted).unwrap();
    assert_eq!(deleted_run.info.lifecycle_stage, LifecycleStage::Deleted);
    for (name, model) in section["models"].as_object().unwrap() {
        for (version, stage) in model["stages"].as_object().unwrap() {
            let got = sandbox
                .store
                .get_model_version(name, version.parse().unwrap())
                .unwrap();
            assert_eq!(
                got.current_stage,
                ModelStage::parse(stage.as_str().unwrap()).unwrap(),
                "{name} v{version}"
            );
        }
        let registered = sandbox.store.get_registered_model(name).unwrap();
        let mut expected_aliases: Vec<(String, u64)> = model["aliases"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(alias, version)| (alias.clone(), version.as_str().unwrap().parse().unwrap()))
            .collect();
        expected_aliases.sort();
        assert_eq!(registered.aliases, expected_aliases, "{name}");
    }
}

#[test]
fn filestore_imports_to_expected() {
    let sandbox = Sandbox::new("mlflow-filestore");
    let report = sandbox.index();
    assert!(report.bad_files.is_empty(), "{:?}", report.bad_files);
    assert_eq!(report.runs_new, 11);
    assert_eq!(report.registered_models, 2);
    let logged_models = std::fs::read_dir(sandbox.data().join("mlruns/108632201977812354/models"))
        .unwrap()
        .count()
        + std::fs::read_dir(sandbox.data().join("mlruns/434316964340697077/models"))
            .unwrap()
            .count();
    assert_eq!(report.logged_models, logged_models as u64);
    assert_eq!(
        sandbox.store.logged_model_count().unwrap(),
        logged_models as u64
    );
    check_against_expected(&sandbox, "filestore", SourceKind::Mlruns);
    // Artifacts are indexed in place.
    let run = "82b858632cb1454bb80f252f2c389d0f";
    let got = sandbox.store.get_run(run).unwrap();
    assert!(
        got.info
            .artifact_uri
            .contains(&sandbox.data().display().to_string())
    );
}

#[test]
fn filestore_nested_runs_keep_their_parent() {
    let sandbox = Sandbox::new("mlflow-filestore");
    sandbox.index();
    let tuning = sandbox.data().join("mlruns/434316964340697077");
    let child = "98d4b0c6077144d7981d5b4304085bcb";
    let parent =
        std::fs::read_to_string(tuning.join(child).join("tags/mlflow.parentRunId")).unwrap();
    let got = sandbox.store.get_run(child).unwrap();
    assert_eq!(got.info.parent_run_id.as_deref(), Some(parent.trim()));
}

#[test]
fn sqlite_imports_to_expected_and_leaves_the_database_untouched() {
    let sandbox = Sandbox::new("mlflow-sqlite");
    let db = sandbox.data().join("mlflow.db");
    let before = std::fs::read(&db).unwrap();
    let report = sandbox.index();
    assert!(report.bad_files.is_empty(), "{:?}", report.bad_files);
    check_against_expected(&sandbox, "sqlite", SourceKind::MlflowDb);
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "mlflow.db must not be written"
    );
    let nested = sandbox
        .store
        .search_runs(&cairn_core::RunSearch {
            view: cairn_core::model::ViewType::All,
            ..Default::default()
        })
        .unwrap()
        .runs
        .into_iter()
        .filter(|run| run.info.parent_run_id.is_some())
        .count();
    assert!(nested >= 1, "the nested run keeps its parent");
}

#[test]
fn reindexing_the_same_tree_imports_nothing_new() {
    let sandbox = Sandbox::new("");
    let first = sandbox.index();
    assert!(first.runs_new > 20);
    let second = sandbox.index();
    assert_eq!(second.runs_new, 0, "{second:?}");
    assert_eq!(second.runs_updated, 0, "{second:?}");
    assert_eq!(second.points, 0);
    assert_eq!(second.runs_unchanged, first.runs_new);
    let run = "feb1cc059a1347859b01a25d157ad9f0";
    assert_eq!(
        sandbox.store.metric_history(run, "val_loss").unwrap().len(),
        30
    );
}

#[test]
fn runs_remembered_by_an_older_reader_are_read_again_once() {
    let sandbox = Sandbox::new("mlflow-filestore");
    let first = sandbox.index();
    // What a store indexed by the previous reader holds: the file count alone as the run
    // folder's state, and the status that reader got wrong.
    let connection = rusqlite::Connection::open(sandbox.store.database_path()).unwrap();
    connection
        .execute(
            "UPDATE index_files SET parser_state = substr(parser_state, 2) \
             WHERE source_kind = 'mlruns' AND run_uuid IS NOT NULL",
            [],
        )
        .unwrap();
    connection
        .execute("UPDATE runs SET status = 'RUNNING'", [])
        .unwrap();
    drop(connection);

    let again = sandbox.index();
    assert_eq!(again.runs_new, 0, "{again:?}");
    assert_eq!(again.runs_updated, first.runs_new, "{again:?}");
    let run = sandbox
        .store
        .get_run("feb1cc059a1347859b01a25d157ad9f0")
        .unwrap();
    assert_eq!(run.info.status, RunStatus::Finished);
    let settled = sandbox.index();
    assert_eq!(settled.runs_updated, 0, "{settled:?}");
}

#[test]
fn changed_mlruns_run_is_reread_with_duplicate_lines_dropped() {
    let sandbox = Sandbox::new("mlflow-filestore");
    sandbox.index();
    let run_dir = sandbox
        .data()
        .join("mlruns/108632201977812354/feb1cc059a1347859b01a25d157ad9f0");
    let metric = run_dir.join("metrics/val_loss");
    let mut text = std::fs::read_to_string(&metric).unwrap();
    let last_line = text.lines().last().unwrap().to_string();
    text.push('\n');
    text.push_str(&last_line); // an exact duplicate: dropped
    text.push_str("\n1795485399999 0.25 30\n");
    std::fs::write(&metric, text).unwrap();
    let report = sandbox.index();
    assert_eq!(report.runs_updated, 1, "{report:?}");
    let history = sandbox
        .store
        .metric_history("feb1cc059a1347859b01a25d157ad9f0", "val_loss")
        .unwrap();
    assert_eq!(history.len(), 31);
    assert_eq!(history[30].value, 0.25);
}

#[test]
fn removed_source_marks_runs_missing_and_keeps_them() {
    let sandbox = Sandbox::new("mlflow-filestore");
    sandbox.index();
    let run = "feb1cc059a1347859b01a25d157ad9f0";
    std::fs::remove_dir_all(sandbox.data().join("mlruns/108632201977812354").join(run)).unwrap();
    let report = sandbox.index();
    assert_eq!(report.runs_missing, 1);
    let got = sandbox.store.get_run(run).unwrap();
    assert!(got.info.source_missing);
    assert_eq!(
        sandbox.store.metric_history(run, "val_loss").unwrap().len(),
        30
    );
}

#[test]
fn corrupted_meta_yaml_is_reported_and_the_rest_imported() {
    let sandbox = Sandbox::new("mlflow-filestore");
    let run_dir = sandbox
        .data()
        .join("mlruns/108632201977812354/feb1cc059a1347859b01a25d157ad9f0");
    std::fs::write(run_dir.join("meta.yaml"), b"run_id: [unclosed\n\xff\xfe").unwrap();
    let report = sandbox.index();
    assert_eq!(report.bad_files.len(), 1, "{:?}", report.bad_files);
    assert!(
        report.bad_files[0]
            .path
            .contains("feb1cc059a1347859b01a25d157ad9f0")
    );
    assert_eq!(report.runs_new, 10);
}

#[test]
fn garbage_and_truncated_databases_are_reported() {
    let sandbox = Sandbox::new("mlflow-sqlite");
    let db = sandbox.data().join("mlflow.db");
    let bytes = std::fs::read(&db).unwrap();
    // A truncated copy: header intact, pages missing.
    std::fs::write(
        sandbox.data().join("truncated.db"),
        &bytes[..bytes.len() / 3],
    )
    .unwrap();
    let mut garbage = bytes[..100].to_vec();
    garbage.extend(std::iter::repeat_n(0xa5u8, 8192));
    std::fs::write(sandbox.data().join("garbage.sqlite"), garbage).unwrap();
    let report = sandbox.index();
    // The intact database is still imported.
    assert!(
        sandbox
            .store
            .get_run("d0b2760f11e14c57a79d2a3c958cb205")
            .is_ok()
    );
    assert!(report.runs_new >= 10, "{report:?}");
}

fn count(sandbox: &Sandbox, sql: &str) -> i64 {
    let connection = rusqlite::Connection::open(sandbox.store.database_path()).unwrap();
    connection.query_row(sql, [], |row| row.get(0)).unwrap()
}

#[test]
fn datasets_and_artifacts_are_indexed_in_place() {
    let sandbox = Sandbox::new("mlflow-filestore");
    sandbox.index();
    let run = "82b858632cb1454bb80f252f2c389d0f";
    let inputs = count(
        &sandbox,
        &format!(
            "SELECT count(*) FROM run_inputs i JOIN runs r ON r.id = i.run_id
             JOIN datasets d ON d.id = i.dataset_id
             WHERE r.run_uuid = '{run}' AND d.name = 'train-set' AND d.digest = '37e6cca3'"
        ),
    );
    assert_eq!(inputs, 1);
    let context = count(
        &sandbox,
        "SELECT count(*) FROM run_input_tags WHERE key = 'mlflow.data.context' AND value = 'training'",
    );
    assert!(context >= 1);
    let data = sandbox.data().display().to_string();
    let artifacts = count(
        &sandbox,
        &format!(
            "SELECT count(*) FROM artifacts a JOIN runs r ON r.id = a.run_id
             WHERE r.run_uuid = '{run}' AND a.path IN ('summary.json', 'notes/config.txt')
               AND a.location LIKE '{data}%' AND a.size_bytes > 0"
        ),
    );
    assert_eq!(artifacts, 2);
    let mime = count(
        &sandbox,
        "SELECT count(*) FROM artifacts WHERE path = 'summary.json' AND mime = 'application/json'",
    );
    assert!(mime >= 1);
}

#[test]
fn trashed_experiments_come_in_as_deleted() {
    let sandbox = Sandbox::new("mlflow-filestore");
    let mlruns = sandbox.data().join("mlruns");
    std::fs::create_dir_all(mlruns.join(".trash")).unwrap();
    std::fs::rename(
        mlruns.join("434316964340697077"),
        mlruns.join(".trash/434316964340697077"),
    )
    .unwrap();
    let report = sandbox.index();
    assert!(report.bad_files.is_empty(), "{:?}", report.bad_files);
    let experiment = sandbox
        .store
        .get_experiment_by_name("churn-tuning")
        .unwrap();
    assert_eq!(experiment.lifecycle_stage, LifecycleStage::Deleted);
    assert_eq!(report.runs_new, 11);
}

#[test]
fn older_mlflow_schemas_without_newer_tables_and_columns_import() {
    let sandbox = Sandbox::new("mlflow-sqlite");
    let db = sandbox.data().join("mlflow.db");
    {
        // The test's own copy, aged to look like an MLflow 2.x database.
        let connection = rusqlite::Connection::open(&db).unwrap();
        for statement in [
            "DROP TABLE IF EXISTS logged_model_metrics",
            "DROP TABLE IF EXISTS logged_model_params",
            "DROP TABLE IF EXISTS logged_model_tags",
            "DROP TABLE IF EXISTS logged_models",
            "DROP TABLE IF EXISTS input_tags",
            "DROP TABLE IF EXISTS inputs",
            "DROP TABLE IF EXISTS registered_model_aliases",
            "ALTER TABLE model_versions DROP COLUMN storage_location",
            "ALTER TABLE runs DROP COLUMN deleted_time",
        ] {
            connection.execute_batch(statement).unwrap();
        }
    }
    let report = sandbox.index();
    assert!(report.bad_files.is_empty(), "{:?}", report.bad_files);
    assert_eq!(report.runs_new, 11);
    assert_eq!(report.registered_models, 2);
    let version = sandbox
        .store
        .get_model_version("churn-baseline-clf", 3)
        .unwrap();
    assert_eq!(version.current_stage, ModelStage::Production);
}

#[test]
fn an_experiment_folder_without_meta_yaml_is_reported() {
    let sandbox = Sandbox::new("mlflow-filestore");
    std::fs::remove_file(sandbox.data().join("mlruns/434316964340697077/meta.yaml")).unwrap();
    let report = sandbox.index();
    assert_eq!(report.bad_files.len(), 1, "{:?}", report.bad_files);
    assert!(report.bad_files[0].reason.contains("meta.yaml"));
    assert_eq!(
        report.runs_new, 6,
        "the other experiment's runs are imported"
    );
}

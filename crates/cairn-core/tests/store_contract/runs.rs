//! Runs: ids, names, updates, deletion, writes to deleted and finished runs, parents.

use cairn_core::model::{
    DataHash, DataKind, ExperimentId, GitOrigin, GitProvenance, LifecycleStage, LogBatch, NewRun,
    RunStatus, RunUpdate, SourceKind, Tag,
};
use cairn_core::{Store, StoreError};

use crate::{
    T0, experiment, metric, metrics, new_run, param_value, params, point, run, tag_value, tags,
};

const RUN_NAME_TAG: &str = "mlflow.runName";

fn is_hex32(id: &str) -> bool {
    id.len() == 32
        && id
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}

/// MLflow's generated names look like `adjective-noun-123`.
fn looks_generated(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    parts.len() == 3
        && parts[..2]
            .iter()
            .all(|word| !word.is_empty() && word.chars().all(|c| c.is_ascii_lowercase()))
        && !parts[2].is_empty()
        && parts[2].chars().all(|c| c.is_ascii_digit())
}

pub(crate) fn created_run_gets_a_random_32_hex_id_and_mlflow_defaults(store: &dyn Store) {
    let exp = experiment(store, "runs");
    let before = cairn_core::time::now_millis();
    let created = store
        .create_run(&NewRun {
            run_name: "first".into(),
            user_id: "ada".into(),
            start_time_ms: None,
            source_kind: SourceKind::Cli,
            source_path: Some("/home/ada/train.py".into()),
            tags: vec![Tag::new("team", "vision")],
            ..NewRun::new(exp, SourceKind::MlflowApi)
        })
        .unwrap();
    let after = cairn_core::time::now_millis();
    let info = &created.info;
    assert!(
        is_hex32(&info.run_id),
        "run id {:?} is not 32 lower-case hex digits",
        info.run_id
    );
    assert_eq!(info.experiment_id, exp);
    assert_eq!(info.run_name, "first");
    assert_eq!(info.user_id, "ada");
    assert_eq!(info.status, RunStatus::Running);
    assert_eq!(info.lifecycle_stage, LifecycleStage::Active);
    assert_eq!(info.end_time_ms, None);
    let start = info.start_time_ms.expect("start time defaults to now");
    assert!(
        (before..=after).contains(&start),
        "{before} <= {start} <= {after}"
    );
    let experiment_location = store.get_experiment(exp).unwrap().artifact_location;
    assert_eq!(
        info.artifact_uri,
        format!(
            "{}/{}/artifacts",
            experiment_location.trim_end_matches('/'),
            info.run_id
        ),
        "MLflow's artifact layout: <experiment location>/<run id>/artifacts"
    );
    assert_eq!(info.source_kind, SourceKind::Cli);
    assert_eq!(info.source_path.as_deref(), Some("/home/ada/train.py"));
    assert!(!info.source_missing);
    assert_eq!(info.parent_run_id, None);
    assert_eq!(tag_value(&created, "team"), Some("vision"));
    assert_eq!(tag_value(&created, RUN_NAME_TAG), Some("first"));
    assert!(created.params.is_empty() && created.metrics.is_empty());
    assert_eq!(
        store.get_run(&info.run_id).unwrap(),
        created,
        "get_run returns what create_run did"
    );

    let second = store.create_run(&new_run(exp, "second", T0)).unwrap();
    assert!(is_hex32(&second.info.run_id));
    assert_ne!(second.info.run_id, info.run_id);
    assert_eq!(
        second.info.start_time_ms,
        Some(T0),
        "a given start time is kept"
    );
    let given_root = store
        .create_run(&NewRun {
            artifact_uri: Some("file:///elsewhere/artifacts".into()),
            ..new_run(exp, "rooted", T0)
        })
        .unwrap();
    assert_eq!(given_root.info.artifact_uri, "file:///elsewhere/artifacts");
}

pub(crate) fn given_run_id_is_kept_and_duplicates_refused(store: &dyn Store) {
    let other = experiment(store, "other");
    let with_id = |experiment_id, run_id: &str| NewRun {
        run_id: Some(run_id.to_string()),
        ..new_run(experiment_id, "imported", T0)
    };
    let created = store
        .create_run(&with_id(ExperimentId::DEFAULT, "Imported-Run_01"))
        .unwrap();
    assert_eq!(created.info.run_id, "Imported-Run_01");
    assert_eq!(
        store.get_run("Imported-Run_01").unwrap().info.run_name,
        "imported"
    );
    let error = assert_err!(
        store.create_run(&with_id(ExperimentId::DEFAULT, "Imported-Run_01")),
        StoreError::RunExists { run_id } if run_id == "Imported-Run_01"
    );
    assert!(error.to_string().contains("Imported-Run_01"), "{error}");
    assert_err!(
        store.create_run(&with_id(other, "Imported-Run_01")),
        StoreError::RunExists { .. },
    );
    // Run ids are case-sensitive.
    store
        .create_run(&with_id(other, "imported-run_01"))
        .unwrap();
}

pub(crate) fn run_ids_are_validated(store: &dyn Store) {
    let cases: Vec<(String, bool)> = vec![
        ("a".into(), true),
        ("0".into(), true),
        ("A-b_c-9".into(), true),
        ("x".repeat(256), true),
        ("x".repeat(257), false),
        (String::new(), false),
        ("-lead".into(), false),
        ("_lead".into(), false),
        ("a/b".into(), false),
        ("a b".into(), false),
        ("../x".into(), false),
        ("run.1".into(), false),
        ("id'; DROP TABLE runs; --".into(), false),
    ];
    for (run_id, ok) in cases {
        let result = store.create_run(&NewRun {
            run_id: Some(run_id.clone()),
            ..new_run(ExperimentId::DEFAULT, "named", T0)
        });
        if ok {
            assert_eq!(result.unwrap().info.run_id, run_id);
        } else {
            assert!(
                matches!(result, Err(StoreError::Invalid { .. })),
                "run id {run_id:?}: expected Invalid, got {result:?}"
            );
            assert_err!(store.get_run(&run_id), StoreError::RunNotFound { .. });
        }
    }
}

pub(crate) fn run_name_follows_mlflow_rules(store: &dyn Store) {
    enum Expect {
        Name(&'static str),
        Generated,
        Refused,
    }
    let cases = [
        ("given name only", "given", None, Expect::Name("given")),
        ("tag only", "", Some("tagged"), Expect::Name("tagged")),
        ("both agree", "same", Some("same"), Expect::Name("same")),
        ("both differ", "one", Some("other"), Expect::Refused),
        ("neither", "", None, Expect::Generated),
    ];
    for (what, run_name, tag, expect) in cases {
        let result = store.create_run(&NewRun {
            run_name: run_name.to_string(),
            tags: tag
                .map(|value| vec![Tag::new(RUN_NAME_TAG, value)])
                .unwrap_or_default(),
            ..new_run(ExperimentId::DEFAULT, "", T0)
        });
        match expect {
            Expect::Refused => {
                let error = assert_err!(result, StoreError::Invalid { .. });
                let message = error.to_string();
                assert!(
                    message.contains("one") && message.contains("other"),
                    "{what}: {message}"
                );
            }
            Expect::Name(name) => {
                let created = result.unwrap_or_else(|error| panic!("{what}: {error}"));
                assert_eq!(created.info.run_name, name, "{what}");
                assert_eq!(
                    tag_value(&created, RUN_NAME_TAG),
                    Some(name),
                    "{what}: the tag"
                );
            }
            Expect::Generated => {
                let created = result.unwrap_or_else(|error| panic!("{what}: {error}"));
                let name = created.info.run_name.clone();
                assert!(
                    looks_generated(&name),
                    "{what}: {name:?} is not adjective-noun-number"
                );
                assert_eq!(
                    tag_value(&created, RUN_NAME_TAG),
                    Some(name.as_str()),
                    "{what}"
                );
            }
        }
    }
    let runs = store
        .list_experiments(cairn_core::model::ViewType::All)
        .unwrap()
        .into_iter()
        .find(|summary| summary.experiment.experiment_id == ExperimentId::DEFAULT)
        .unwrap()
        .active_run_count;
    assert_eq!(runs, 4, "the refused run was not stored");
}

pub(crate) fn runs_in_missing_or_deleted_experiments_are_refused(store: &dyn Store) {
    assert_err!(
        store.create_run(&new_run(ExperimentId(777), "orphan", T0)),
        StoreError::ExperimentNotFound { .. }
    );
    let exp = experiment(store, "closed");
    store
        .set_experiment_lifecycle(exp, LifecycleStage::Deleted)
        .unwrap();
    assert_err!(
        store.create_run(&new_run(exp, "late", T0)),
        StoreError::Deleted { .. }
    );
    let bad_tag = NewRun {
        tags: vec![Tag::new("bad key!", "x")],
        ..new_run(ExperimentId::DEFAULT, "bad", T0)
    };
    assert_err!(store.create_run(&bad_tag), StoreError::Invalid { .. });
}

pub(crate) fn missing_run_is_not_found(store: &dyn Store) {
    let missing = "0123456789abcdef0123456789abcdef";
    let error = assert_err!(
        store.get_run(missing),
        StoreError::RunNotFound { run_id } if run_id == missing
    );
    assert!(error.to_string().contains(missing));
    assert_err!(
        store.update_run(missing, &RunUpdate::default()),
        StoreError::RunNotFound { .. }
    );
    assert_err!(
        store.set_run_lifecycle(missing, LifecycleStage::Deleted),
        StoreError::RunNotFound { .. }
    );
    assert_err!(
        store.log_batch(missing, &params(&[("a", "1")])),
        StoreError::RunNotFound { .. }
    );
    assert_err!(
        store.append_metric(missing, "loss", &[point(0, T0, 1.0)]),
        StoreError::RunNotFound { .. }
    );
    assert_err!(
        store.delete_tag(missing, "k"),
        StoreError::RunNotFound { .. }
    );
    assert_err!(
        store.metric_history(missing, "loss"),
        StoreError::RunNotFound { .. }
    );
}

pub(crate) fn update_run_changes_status_end_time_and_name(store: &dyn Store) {
    let id = run(store, "draft");
    let info = store
        .update_run(
            &id,
            &RunUpdate {
                status: Some(RunStatus::Finished),
                end_time_ms: Some(T0 + 5_000),
                run_name: None,
            },
        )
        .unwrap();
    assert_eq!(info.status, RunStatus::Finished);
    assert_eq!(info.end_time_ms, Some(T0 + 5_000));
    assert_eq!(info.run_name, "draft");
    assert_eq!(store.get_run(&id).unwrap().info, info);

    let renamed = store
        .update_run(
            &id,
            &RunUpdate {
                run_name: Some("final".into()),
                ..RunUpdate::default()
            },
        )
        .unwrap();
    assert_eq!(renamed.run_name, "final");
    assert_eq!(
        renamed.status,
        RunStatus::Finished,
        "fields not given are kept"
    );
    assert_eq!(renamed.end_time_ms, Some(T0 + 5_000));
    let fetched = store.get_run(&id).unwrap();
    assert_eq!(fetched.info.run_name, "final");
    assert_eq!(
        tag_value(&fetched, RUN_NAME_TAG),
        Some("final"),
        "the tag follows the name"
    );

    // An empty name is ignored, as in MLflow (`if run_name:`).
    let unchanged = store
        .update_run(
            &id,
            &RunUpdate {
                run_name: Some(String::new()),
                ..RunUpdate::default()
            },
        )
        .unwrap();
    assert_eq!(unchanged.run_name, "final");
    for status in RunStatus::ALL {
        let info = store
            .update_run(
                &id,
                &RunUpdate {
                    status: Some(status),
                    ..RunUpdate::default()
                },
            )
            .unwrap();
        assert_eq!(info.status, status);
    }
}

/// MLflow's `set_tag("mlflow.runName", ...)` renames the run.
pub(crate) fn run_name_tag_renames_the_run(store: &dyn Store) {
    let id = run(store, "old name");
    store
        .log_batch(&id, &tags(&[(RUN_NAME_TAG, "new name")]))
        .unwrap();
    let fetched = store.get_run(&id).unwrap();
    assert_eq!(fetched.info.run_name, "new name");
    assert_eq!(tag_value(&fetched, RUN_NAME_TAG), Some("new name"));
}

pub(crate) fn delete_and_restore_run(store: &dyn Store) {
    let id = run(store, "doomed");
    store.log_batch(&id, &params(&[("lr", "0.1")])).unwrap();
    store
        .set_run_lifecycle(&id, LifecycleStage::Deleted)
        .unwrap();
    let deleted = store.get_run(&id).unwrap();
    assert_eq!(
        deleted.info.lifecycle_stage,
        LifecycleStage::Deleted,
        "deleted runs stay readable"
    );
    assert_eq!(
        param_value(&deleted, "lr"),
        Some("0.1"),
        "a soft delete keeps the data"
    );
    store
        .set_run_lifecycle(&id, LifecycleStage::Active)
        .unwrap();
    let restored = store.get_run(&id).unwrap();
    assert_eq!(restored.info.lifecycle_stage, LifecycleStage::Active);
    assert_eq!(restored.params, deleted.params);
}

pub(crate) fn writes_to_a_deleted_run_are_refused(store: &dyn Store) {
    let id = run(store, "deleted");
    store.log_batch(&id, &tags(&[("keep", "me")])).unwrap();
    store
        .set_run_lifecycle(&id, LifecycleStage::Deleted)
        .unwrap();
    let before = store.get_run(&id).unwrap();

    let writes: Vec<(&str, Box<dyn Fn() -> Result<(), StoreError> + '_>)> = vec![
        (
            "param",
            Box::new(|| store.log_batch(&id, &params(&[("p", "1")]))),
        ),
        (
            "tag",
            Box::new(|| store.log_batch(&id, &tags(&[("t", "1")]))),
        ),
        (
            "metric",
            Box::new(|| store.log_batch(&id, &metrics("m", &[point(0, T0, 1.0)]))),
        ),
        (
            "log_batches",
            Box::new(|| store.log_batches(&[(id.clone(), params(&[("p", "1")]))])),
        ),
        (
            "append_metric",
            Box::new(|| store.append_metric(&id, "m", &[point(0, T0, 1.0)])),
        ),
        ("delete_tag", Box::new(|| store.delete_tag(&id, "keep"))),
        (
            "update_run",
            Box::new(|| {
                store
                    .update_run(
                        &id,
                        &RunUpdate {
                            status: Some(RunStatus::Finished),
                            ..RunUpdate::default()
                        },
                    )
                    .map(drop)
            }),
        ),
        (
            "set_git_provenance",
            Box::new(|| {
                store.set_git_provenance(&id, &GitProvenance::empty(GitOrigin::Repository))
            }),
        ),
        (
            "set_data_hash",
            Box::new(|| {
                store.set_data_hash(
                    &id,
                    &DataHash {
                        path: "data".into(),
                        kind: DataKind::File,
                        root_hash: "ab".repeat(32),
                        size_bytes: 1,
                        file_count: 1,
                        dvc_md5: None,
                    },
                )
            }),
        ),
    ];
    for (what, write) in &writes {
        let result = write();
        assert!(
            matches!(result, Err(StoreError::Deleted { .. })),
            "{what} on a deleted run: expected Deleted, got {result:?}"
        );
    }
    assert_eq!(
        store.get_run(&id).unwrap(),
        before,
        "nothing was written to the deleted run"
    );

    store
        .set_run_lifecycle(&id, LifecycleStage::Active)
        .unwrap();
    for (what, write) in &writes {
        write().unwrap_or_else(|error| panic!("{what} after restoring: {error}"));
    }
}

/// MLflow lets a client keep logging to a run after it ended.
pub(crate) fn finished_run_still_accepts_writes(store: &dyn Store) {
    let id = run(store, "done");
    store.log_batch(&id, &tags(&[("before", "end")])).unwrap();
    store
        .update_run(
            &id,
            &RunUpdate {
                status: Some(RunStatus::Finished),
                end_time_ms: Some(T0 + 1),
                run_name: None,
            },
        )
        .unwrap();
    store
        .log_batch(
            &id,
            &LogBatch {
                metrics: vec![metric("late", 1, T0 + 2, 0.5)],
                params: vec![crate::param("late_param", "x")],
                tags: vec![Tag::new("late_tag", "y")],
            },
        )
        .unwrap();
    store
        .append_metric(&id, "appended", &[point(0, T0, 1.0), point(1, T0, 2.0)])
        .unwrap();
    store.delete_tag(&id, "before").unwrap();
    let fetched = store.get_run(&id).unwrap();
    assert_eq!(
        fetched.info.status,
        RunStatus::Finished,
        "logging does not reopen the run"
    );
    assert_eq!(param_value(&fetched, "late_param"), Some("x"));
    assert_eq!(tag_value(&fetched, "late_tag"), Some("y"));
    assert_eq!(tag_value(&fetched, "before"), None);
    let keys: Vec<&str> = fetched
        .metrics
        .iter()
        .map(|metric| metric.key.as_str())
        .collect();
    assert_eq!(keys, ["appended", "late"]);
}

pub(crate) fn parent_run_id_is_kept(store: &dyn Store) {
    let parent = run(store, "parent");
    let child = store
        .create_run(&NewRun {
            parent_run_id: Some(parent.clone()),
            ..new_run(ExperimentId::DEFAULT, "child", T0)
        })
        .unwrap();
    assert_eq!(child.info.parent_run_id.as_deref(), Some(parent.as_str()));
    assert_eq!(
        store
            .get_run(&child.info.run_id)
            .unwrap()
            .info
            .parent_run_id
            .as_deref(),
        Some(parent.as_str())
    );
    // An importer may store a child before its parent.
    let early = store
        .create_run(&NewRun {
            parent_run_id: Some("not-imported-yet".into()),
            ..new_run(ExperimentId::DEFAULT, "early child", T0)
        })
        .unwrap();
    assert_eq!(
        early.info.parent_run_id.as_deref(),
        Some("not-imported-yet")
    );
    assert_eq!(store.get_run(&parent).unwrap().info.parent_run_id, None);
}

/// The store is `Send + Sync`: writers on several threads neither block forever nor lose data.
pub(crate) fn concurrent_writers_lose_nothing(store: &dyn Store) {
    let ids: Vec<String> = (0..4)
        .map(|index| run(store, &format!("thread-{index}")))
        .collect();
    std::thread::scope(|scope| {
        for (thread, id) in ids.iter().enumerate() {
            scope.spawn(move || {
                for step in 0..50_i64 {
                    store
                        .log_batch(
                            id,
                            &metrics("shared", &[point(step, T0 + step, thread as f64)]),
                        )
                        .unwrap();
                    if step % 10 == 0 {
                        store.get_run(id).unwrap();
                    }
                }
            });
        }
    });
    for (thread, id) in ids.iter().enumerate() {
        let history = store.metric_history(id, "shared").unwrap();
        let steps: Vec<i64> = history.iter().map(|point| point.step).collect();
        assert_eq!(steps, (0..50).collect::<Vec<_>>(), "thread {thread}");
        assert!(history.iter().all(|point| point.value == thread as f64));
    }
}

pub(crate) fn run_moves_into_another_experiment(store: &dyn Store) {
    let from = experiment(store, "from");
    let to = experiment(store, "to");
    let id = store
        .create_run(&new_run(from, "moving", T0))
        .unwrap()
        .info
        .run_id;
    store.log_batch(&id, &params(&[("lr", "0.1")])).unwrap();
    let before = store.get_run(&id).unwrap();
    store.move_run(&id, to).unwrap();
    let after = store.get_run(&id).unwrap();
    assert_eq!(after.info.experiment_id, to);
    assert_eq!(
        after.info.artifact_uri, before.info.artifact_uri,
        "the artifacts stay where they are"
    );
    assert_eq!(param_value(&after, "lr"), Some("0.1"));
    let search = |experiment_id: ExperimentId| {
        store
            .search_runs(&cairn_core::store::RunSearch {
                experiment_ids: vec![experiment_id],
                ..cairn_core::store::RunSearch::default()
            })
            .unwrap()
            .runs
            .len()
    };
    assert_eq!((search(from), search(to)), (0, 1), "searches see the move");

    assert_err!(
        store.move_run(&id, ExperimentId(9999)),
        StoreError::ExperimentNotFound { .. }
    );
    store
        .set_experiment_lifecycle(from, LifecycleStage::Deleted)
        .unwrap();
    assert_err!(store.move_run(&id, from), StoreError::Deleted { .. });
    assert_err!(
        store.move_run("0123456789abcdef0123456789abcdef", to),
        StoreError::RunNotFound { .. }
    );
    assert_eq!(store.get_run(&id).unwrap().info.experiment_id, to);
}

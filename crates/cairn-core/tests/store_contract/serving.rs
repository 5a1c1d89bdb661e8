//! Contract: what `cairn serve` needs beyond tracking basics: run inputs and outputs,
//! LoggedModels and their metrics, registry edits, experiment tag removal, the artifact index.

use cairn_core::Store;
use cairn_core::StoreError;
use cairn_core::model::{
    ArtifactFile, Dataset, DatasetInput, DatasetSummary, ExperimentId, LoggedModelMetric,
    LoggedModelStatus, MetricPoint, ModelOutput, NewExperiment, NewLoggedModel, NewModelVersion,
    NewRun, Param, RunIo, SourceKind, Tag,
};

fn new_run(store: &dyn Store) -> String {
    store
        .create_run(&NewRun::new(ExperimentId::DEFAULT, SourceKind::MlflowApi))
        .unwrap()
        .info
        .run_id
}

pub(crate) fn run_inputs_are_deduplicated_and_read_back_with_tags(store: &dyn Store) {
    let run_id = new_run(store);
    let input = DatasetInput {
        dataset: Dataset {
            name: "toy".into(),
            digest: "abc".into(),
            source_type: "local".into(),
            source: "{}".into(),
            schema: Some("{\"cols\": 2}".into()),
            profile: None,
        },
        tags: vec![Tag::new("mlflow.data.context", "training")],
    };
    store
        .log_run_inputs(&run_id, std::slice::from_ref(&input))
        .unwrap();
    store
        .log_run_inputs(&run_id, std::slice::from_ref(&input))
        .unwrap();
    store
        .log_run_outputs(
            &run_id,
            &[ModelOutput {
                model_id: "m-1".into(),
                step: 3,
            }],
        )
        .unwrap();
    let io = store.run_io(&run_id).unwrap();
    assert_eq!(io.dataset_inputs, vec![input]);
    assert_eq!(
        io.model_outputs,
        vec![ModelOutput {
            model_id: "m-1".into(),
            step: 3
        }]
    );
}

fn dataset_use(name: &str, digest: &str, context: Option<&str>) -> DatasetInput {
    DatasetInput {
        dataset: Dataset {
            name: name.into(),
            digest: digest.into(),
            source_type: "local".into(),
            source: "{}".into(),
            schema: None,
            profile: None,
        },
        tags: context
            .map(|context| vec![Tag::new("mlflow.data.context", context)])
            .unwrap_or_default(),
    }
}

pub(crate) fn dataset_summaries_list_each_dataset_and_context_once_per_experiment(
    store: &dyn Store,
) {
    let other = store
        .create_experiment(&NewExperiment {
            name: "other".into(),
            ..NewExperiment::default()
        })
        .unwrap();
    let first = new_run(store);
    let second = new_run(store);
    let elsewhere = store
        .create_run(&NewRun::new(other, SourceKind::MlflowApi))
        .unwrap()
        .info
        .run_id;
    store
        .log_run_inputs(
            &first,
            &[
                dataset_use("train", "d1", Some("training")),
                dataset_use("plain", "d2", None),
            ],
        )
        .unwrap();
    // The same dataset in the same context from another run is listed once; in another context
    // it is listed again.
    store
        .log_run_inputs(
            &second,
            &[
                dataset_use("train", "d1", Some("training")),
                dataset_use("train", "d1", Some("eval")),
            ],
        )
        .unwrap();
    store
        .log_run_inputs(&elsewhere, &[dataset_use("train", "d1", Some("training"))])
        .unwrap();
    let summary = |experiment_id, name: &str, digest: &str, context: Option<&str>| DatasetSummary {
        experiment_id,
        name: name.into(),
        digest: digest.into(),
        context: context.map(str::to_string),
    };
    let default = ExperimentId::DEFAULT;
    assert_eq!(
        store.dataset_summaries(&[default], 1000).unwrap(),
        vec![
            summary(default, "train", "d1", Some("eval")),
            summary(default, "train", "d1", Some("training")),
            summary(default, "plain", "d2", None),
        ]
    );
    assert_eq!(
        store
            .dataset_summaries(&[default, other], 1000)
            .unwrap()
            .len(),
        4
    );
    assert_eq!(
        store.dataset_summaries(&[default, other], 2).unwrap().len(),
        2
    );
    assert_eq!(
        store.dataset_summaries(&[other], 1000).unwrap(),
        vec![summary(other, "train", "d1", Some("training"))]
    );
    assert!(
        store
            .dataset_summaries(&[ExperimentId(999)], 1000)
            .unwrap()
            .is_empty()
    );
    assert!(store.dataset_summaries(&[], 1000).unwrap().is_empty());
}

pub(crate) fn runs_io_reads_many_runs_in_the_order_asked(store: &dyn Store) {
    let with_both = new_run(store);
    let bare = new_run(store);
    let with_inputs = new_run(store);
    let dataset = |name: &str, digest: &str| Dataset {
        name: name.into(),
        digest: digest.into(),
        source_type: "local".into(),
        source: "{}".into(),
        schema: None,
        profile: Some("{\"rows\": 3}".into()),
    };
    // Logged out of order: read back sorted by name then digest, tags by key.
    let inputs = vec![
        DatasetInput {
            dataset: dataset("train", "b2"),
            tags: vec![
                Tag::new("z", "1"),
                Tag::new("mlflow.data.context", "training"),
            ],
        },
        DatasetInput {
            dataset: dataset("eval", "e1"),
            tags: vec![],
        },
        DatasetInput {
            dataset: dataset("train", "a1"),
            tags: vec![Tag::new("mlflow.data.context", "training")],
        },
    ];
    store.log_run_inputs(&with_both, &inputs).unwrap();
    store.log_run_inputs(&with_inputs, &inputs[2..]).unwrap();
    store
        .log_run_outputs(
            &with_both,
            &[
                ModelOutput {
                    model_id: "m-2".into(),
                    step: 1,
                },
                ModelOutput {
                    model_id: "m-1".into(),
                    step: 3,
                },
            ],
        )
        .unwrap();
    let order = [
        bare.clone(),
        with_both.clone(),
        with_inputs.clone(),
        with_both.clone(),
    ];
    let ios = store.runs_io(&order).unwrap();
    let one_by_one: Vec<_> = order.iter().map(|id| store.run_io(id).unwrap()).collect();
    assert_eq!(ios, one_by_one);
    assert_eq!(ios[0], RunIo::default());
    let both = &ios[1];
    let names: Vec<(&str, &str)> = both
        .dataset_inputs
        .iter()
        .map(|input| (input.dataset.name.as_str(), input.dataset.digest.as_str()))
        .collect();
    assert_eq!(names, [("eval", "e1"), ("train", "a1"), ("train", "b2")]);
    assert_eq!(
        both.dataset_inputs[2].tags,
        vec![
            Tag::new("mlflow.data.context", "training"),
            Tag::new("z", "1")
        ]
    );
    let outputs: Vec<&str> = both
        .model_outputs
        .iter()
        .map(|output| output.model_id.as_str())
        .collect();
    assert_eq!(outputs, ["m-1", "m-2"]);
    assert_eq!(ios[2].dataset_inputs, inputs[2..]);
    assert!(store.runs_io(&[]).unwrap().is_empty());
    assert_err!(
        store.runs_io(&[bare, "0123456789abcdef0123456789abcdef".to_string()]),
        StoreError::RunNotFound { .. }
    );
}

pub(crate) fn logged_models_have_ids_locations_status_params_and_tags(store: &dyn Store) {
    let model = store
        .create_logged_model(&NewLoggedModel {
            name: "model".into(),
            params: vec![Param {
                key: "alpha".into(),
                value: "1".into(),
            }],
            ..NewLoggedModel::default()
        })
        .unwrap();
    assert!(model.model_id.starts_with("m-") && model.model_id.len() == 34);
    assert_eq!(
        model.artifact_location,
        format!("mlflow-artifacts:/0/models/{}/artifacts", model.model_id)
    );
    assert_eq!(model.status, LoggedModelStatus::Pending);
    let ready = store
        .set_logged_model_status(&model.model_id, LoggedModelStatus::Ready)
        .unwrap();
    assert_eq!(ready.status, LoggedModelStatus::Ready);
    store
        .set_logged_model_tags(&model.model_id, &[Tag::new("a", "1"), Tag::new("b", "2")])
        .unwrap();
    store.delete_logged_model_tag(&model.model_id, "a").unwrap();
    assert_eq!(
        store.get_logged_model(&model.model_id).unwrap().tags,
        vec![Tag::new("b", "2")]
    );
    assert_eq!(
        store
            .list_logged_models(&[ExperimentId::DEFAULT])
            .unwrap()
            .len(),
        1
    );
    assert!(
        store
            .list_logged_models(&[ExperimentId(7)])
            .unwrap()
            .is_empty()
    );
    store.delete_logged_model(&model.model_id).unwrap();
    assert!(matches!(
        store.get_logged_model(&model.model_id),
        Err(StoreError::LoggedModelNotFound { .. })
    ));
}

pub(crate) fn deleted_versions_keep_their_numbers_and_lose_their_aliases(store: &dyn Store) {
    store.create_registered_model("m", "", &[]).unwrap();
    let new = |source: &str| NewModelVersion {
        name: "m".into(),
        source: source.into(),
        ..NewModelVersion::default()
    };
    store.create_model_version(&new("a")).unwrap();
    store.create_model_version(&new("b")).unwrap();
    store
        .set_model_alias("m", "champion", 2, "", "test")
        .unwrap();
    store.delete_model_version("m", 2, "", "test").unwrap();
    assert!(matches!(
        store.get_model_version_by_alias("m", "champion"),
        Err(StoreError::AliasNotFound { .. }) | Err(StoreError::ModelVersionNotFound { .. })
    ));
    assert_eq!(store.create_model_version(&new("c")).unwrap().version, 3);
}

pub(crate) fn registry_rename_describe_tag_and_delete(store: &dyn Store) {
    store.create_registered_model("m", "first", &[]).unwrap();
    store
        .create_model_version(&NewModelVersion {
            name: "m".into(),
            source: "s".into(),
            ..NewModelVersion::default()
        })
        .unwrap();
    store
        .set_registered_model_tag("m", &Tag::new("team", "x"))
        .unwrap();
    store
        .set_model_version_tag("m", 1, &Tag::new("ok", "yes"))
        .unwrap();
    store.update_model_version("m", 1, "v1").unwrap();
    let renamed = store.rename_registered_model("m", "n").unwrap();
    assert_eq!(renamed.tags, vec![Tag::new("team", "x")]);
    assert_eq!(
        store
            .update_registered_model("n", "second")
            .unwrap()
            .description,
        "second"
    );
    let version = store.get_model_version("n", 1).unwrap();
    assert_eq!(
        (version.description.as_str(), version.tags.len()),
        ("v1", 1)
    );
    store.delete_model_version_tag("n", 1, "ok").unwrap();
    store.delete_registered_model_tag("n", "team").unwrap();
    store.set_model_alias("n", "prod", 1, "", "test").unwrap();
    assert_eq!(
        store
            .get_model_version_by_alias("n", "prod")
            .unwrap()
            .version,
        1
    );
    store.delete_model_alias("n", "prod", "", "test").unwrap();
    assert!(matches!(
        store.delete_model_alias("n", "prod", "", "test"),
        Err(StoreError::AliasNotFound { .. })
    ));
    store.delete_registered_model("n").unwrap();
    assert!(matches!(
        store.get_registered_model("n"),
        Err(StoreError::ModelNotFound { .. })
    ));
    assert!(!store.registry_history("n").unwrap().is_empty());
}

pub(crate) fn experiment_tags_can_be_removed(store: &dyn Store) {
    store
        .set_experiment_tag(ExperimentId::DEFAULT, &Tag::new("k", "v"))
        .unwrap();
    store
        .delete_experiment_tag(ExperimentId::DEFAULT, "k")
        .unwrap();
    assert!(
        store
            .get_experiment(ExperimentId::DEFAULT)
            .unwrap()
            .tags
            .is_empty()
    );
    assert!(
        store
            .delete_experiment_tag(ExperimentId::DEFAULT, "k")
            .is_err()
    );
}

pub(crate) fn logged_model_metrics_ignore_exact_duplicates(store: &dyn Store) {
    let model = store
        .create_logged_model(&NewLoggedModel::default())
        .unwrap();
    let metric = LoggedModelMetric {
        key: "acc".into(),
        point: MetricPoint {
            step: 0,
            timestamp_ms: 5,
            value: f64::NAN,
        },
        run_id: Some("r".into()),
        dataset_name: None,
        dataset_digest: None,
    };
    store
        .log_logged_model_metrics(&model.model_id, &[metric.clone(), metric.clone()])
        .unwrap();
    let metrics = store.get_logged_model(&model.model_id).unwrap().metrics;
    assert_eq!(metrics.len(), 1);
    assert!(metrics[0].point.value.is_nan());
    assert!(
        store
            .log_logged_model_metrics("m-missing", &[metric])
            .is_err()
    );
}

pub(crate) fn artifact_index_records_updates_and_forgets_folders(store: &dyn Store) {
    let run_id = new_run(store);
    let file = |path: &str, size_bytes: u64| ArtifactFile {
        path: path.to_string(),
        size_bytes,
        blake3: None,
        location: None,
        modified_ms: Some(1),
    };
    store
        .record_artifact(&run_id, &file("dir/a.txt", 1))
        .unwrap();
    store
        .record_artifact(&run_id, &file("dir/a.txt", 2))
        .unwrap();
    store
        .record_artifact(&run_id, &file("dir2/b.txt", 3))
        .unwrap();
    store.record_artifact(&run_id, &file("c.txt", 4)).unwrap();
    let paths = |store: &dyn Store| -> Vec<(String, u64)> {
        store
            .list_artifacts(&run_id)
            .unwrap()
            .into_iter()
            .map(|f| (f.path, f.size_bytes))
            .collect()
    };
    assert_eq!(
        paths(store),
        vec![
            ("c.txt".into(), 4),
            ("dir/a.txt".into(), 2),
            ("dir2/b.txt".into(), 3)
        ]
    );
    store.forget_artifacts(&run_id, "dir").unwrap();
    assert_eq!(
        paths(store),
        vec![("c.txt".into(), 4), ("dir2/b.txt".into(), 3)]
    );
    store.forget_artifacts(&run_id, "").unwrap();
    assert!(paths(store).is_empty());
    assert!(matches!(
        store.record_artifact("missing", &file("x", 1)),
        Err(StoreError::RunNotFound { .. })
    ));
}

//! The store methods `cairn serve` needs: run inputs and outputs, LoggedModels, registry edits,
//! experiment tag removal. Each test gets a fresh store in a temp dir.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly on anything unexpected"
)]

use cairn_core::model::{
    Dataset, DatasetInput, ExperimentId, LoggedModelStatus, ModelOutput, NewLoggedModel,
    NewModelVersion, NewRun, Param, SourceKind, Tag,
};
use cairn_core::{SqliteStore, Store, StoreError};

fn store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("cairn.db")).unwrap();
    (dir, store)
}

fn run(store: &SqliteStore) -> String {
    store
        .create_run(&NewRun::new(ExperimentId::DEFAULT, SourceKind::MlflowApi))
        .unwrap()
        .info
        .run_id
}

#[test]
fn run_inputs_are_deduplicated_and_read_back_with_tags() {
    let (_dir, store) = store();
    let run_id = run(&store);
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

#[test]
fn logged_models_have_ids_locations_status_params_and_tags() {
    let (_dir, store) = store();
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

#[test]
fn deleted_versions_keep_their_numbers_and_lose_their_aliases() {
    let (_dir, store) = store();
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

#[test]
fn registry_rename_describe_tag_and_delete() {
    let (_dir, store) = store();
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

#[test]
fn experiment_tags_can_be_removed() {
    let (_dir, store) = store();
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

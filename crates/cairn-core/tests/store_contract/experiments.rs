//! Experiments: the Default experiment, creation, names, listing, renaming, deletion, tags and
//! kept ids.

use cairn_core::model::{
    ExperimentId, ExperimentSummary, LifecycleStage, NewExperiment, Tag, ViewType,
};
use cairn_core::{Store, StoreError};

use crate::{T0, create_run, experiment};

fn names(summaries: &[ExperimentSummary]) -> Vec<&str> {
    summaries
        .iter()
        .map(|summary| summary.experiment.name.as_str())
        .collect()
}

pub(crate) fn default_experiment_exists(store: &dyn Store) {
    let default = store.get_experiment(ExperimentId::DEFAULT).unwrap();
    assert_eq!(default.experiment_id, ExperimentId(0));
    assert_eq!(default.name, "Default");
    assert_eq!(default.lifecycle_stage, LifecycleStage::Active);
    assert!(!default.artifact_location.is_empty());
    assert_eq!(store.get_experiment_by_name("Default").unwrap(), default);
    let listed = store.list_experiments(ViewType::ActiveOnly).unwrap();
    assert_eq!(names(&listed), ["Default"]);
    assert_eq!(listed[0].active_run_count, 0);
}

pub(crate) fn create_get_and_get_by_name(store: &dyn Store) {
    let id = store
        .create_experiment(&NewExperiment {
            name: "resnet sweep".into(),
            tags: vec![Tag::new("team", "vision"), Tag::new("owner", "ada")],
            ..NewExperiment::default()
        })
        .unwrap();
    assert_ne!(id, ExperimentId::DEFAULT);
    let created = store.get_experiment(id).unwrap();
    assert_eq!(created.experiment_id, id);
    assert_eq!(created.name, "resnet sweep");
    assert_eq!(created.lifecycle_stage, LifecycleStage::Active);
    assert!(
        !created.artifact_location.is_empty(),
        "the store picks an artifact location"
    );
    assert!(created.creation_time_ms.is_some());
    assert_eq!(
        created.tags,
        [Tag::new("owner", "ada"), Tag::new("team", "vision")],
        "tags sorted by key"
    );
    assert_eq!(
        store.get_experiment_by_name("resnet sweep").unwrap(),
        created
    );

    let located = store
        .create_experiment(&NewExperiment {
            name: "located".into(),
            artifact_location: Some("file:///data/artifacts/located".into()),
            ..NewExperiment::default()
        })
        .unwrap();
    assert_eq!(
        store.get_experiment(located).unwrap().artifact_location,
        "file:///data/artifacts/located"
    );

    assert_err!(
        store.get_experiment(ExperimentId(987_654)),
        StoreError::ExperimentNotFound { .. }
    );
    assert_err!(
        store.get_experiment_by_name("no such"),
        StoreError::ExperimentNotFound { .. }
    );
    assert_err!(
        store.get_experiment_by_name("Resnet Sweep"),
        StoreError::ExperimentNotFound { .. }
    );
}

pub(crate) fn experiment_names_are_validated(store: &dyn Store) {
    let cases: &[(&str, String, bool)] = &[
        ("empty", String::new(), false),
        ("blank", "   ".into(), false),
        ("500 characters", "é".repeat(500), true),
        ("501 characters", "e".repeat(501), false),
        ("punctuation", "exp/1: (lr=0.1) 'quoted'".into(), true),
    ];
    for (what, name, ok) in cases {
        let result = store.create_experiment(&NewExperiment {
            name: name.clone(),
            ..NewExperiment::default()
        });
        if *ok {
            let id = result.unwrap_or_else(|error| panic!("{what}: {error}"));
            assert_eq!(&store.get_experiment(id).unwrap().name, name, "{what}");
        } else {
            assert!(
                matches!(result, Err(StoreError::Invalid { .. })),
                "{what}: expected Invalid, got {result:?}"
            );
        }
    }
    let bad_tag = store.create_experiment(&NewExperiment {
        name: "bad tag".into(),
        tags: vec![Tag::new("a/../b", "x")],
        ..NewExperiment::default()
    });
    assert_err!(bad_tag, StoreError::Invalid { .. });
    assert_err!(
        store.get_experiment_by_name("bad tag"),
        StoreError::ExperimentNotFound { .. }
    );
}

pub(crate) fn duplicate_experiment_name_is_rejected(store: &dyn Store) {
    let first = experiment(store, "twice");
    let error = assert_err!(
        store.create_experiment(&NewExperiment {
            name: "twice".into(),
            ..NewExperiment::default()
        }),
        StoreError::ExperimentExists { name } if name == "twice"
    );
    assert!(error.to_string().contains("twice"), "{error}");
    assert_err!(
        store.create_experiment(&NewExperiment {
            name: "Default".into(),
            ..NewExperiment::default()
        }),
        StoreError::ExperimentExists { .. }
    );
    // As in MLflow, a deleted experiment keeps its name.
    store
        .set_experiment_lifecycle(first, LifecycleStage::Deleted)
        .unwrap();
    assert_err!(
        store.create_experiment(&NewExperiment {
            name: "twice".into(),
            ..NewExperiment::default()
        }),
        StoreError::ExperimentExists { .. }
    );
}

pub(crate) fn list_is_sorted_by_name_with_active_run_counts_and_views(store: &dyn Store) {
    // Names that sort the same with or without case folding.
    let b = experiment(store, "exp-b");
    let a = experiment(store, "exp-a");
    let c = experiment(store, "exp-c");
    create_run(store, a, "kept", T0);
    let deleted_run = create_run(store, a, "gone", T0 + 1);
    create_run(store, c, "one", T0);
    create_run(store, c, "two", T0);
    store
        .set_run_lifecycle(&deleted_run, LifecycleStage::Deleted)
        .unwrap();
    store
        .set_experiment_lifecycle(b, LifecycleStage::Deleted)
        .unwrap();

    let counts = |view| -> Vec<(String, u64)> {
        store
            .list_experiments(view)
            .unwrap()
            .into_iter()
            .map(|summary| (summary.experiment.name, summary.active_run_count))
            .collect()
    };
    let owned = |pairs: &[(&str, u64)]| -> Vec<(String, u64)> {
        pairs
            .iter()
            .map(|(name, count)| (name.to_string(), *count))
            .collect()
    };
    assert_eq!(
        counts(ViewType::ActiveOnly),
        owned(&[("Default", 0), ("exp-a", 1), ("exp-c", 2)])
    );
    assert_eq!(counts(ViewType::DeletedOnly), owned(&[("exp-b", 0)]));
    assert_eq!(
        counts(ViewType::All),
        owned(&[("Default", 0), ("exp-a", 1), ("exp-b", 0), ("exp-c", 2)])
    );
    let listed = store.list_experiments(ViewType::All).unwrap();
    let exp_b = &listed[2].experiment;
    assert_eq!(exp_b.experiment_id, b);
    assert_eq!(exp_b.lifecycle_stage, LifecycleStage::Deleted);
}

pub(crate) fn rename_experiment(store: &dyn Store) {
    let id = experiment(store, "before");
    experiment(store, "taken");
    store.rename_experiment(id, "after").unwrap();
    assert_eq!(store.get_experiment(id).unwrap().name, "after");
    assert_eq!(
        store.get_experiment_by_name("after").unwrap().experiment_id,
        id
    );
    assert_err!(
        store.get_experiment_by_name("before"),
        StoreError::ExperimentNotFound { .. }
    );
    // Renaming to its own name is a no-op.
    store.rename_experiment(id, "after").unwrap();
    assert_err!(
        store.rename_experiment(id, "taken"),
        StoreError::ExperimentExists { name } if name == "taken"
    );
    assert_err!(store.rename_experiment(id, " "), StoreError::Invalid { .. });
    assert_err!(
        store.rename_experiment(ExperimentId(424_242), "anything"),
        StoreError::ExperimentNotFound { .. }
    );
    assert_eq!(store.get_experiment(id).unwrap().name, "after");
}

/// MLflow: "Cannot rename a non-active experiment." (INVALID_STATE).
pub(crate) fn renaming_a_deleted_experiment_is_refused(store: &dyn Store) {
    let id = experiment(store, "retired");
    store
        .set_experiment_lifecycle(id, LifecycleStage::Deleted)
        .unwrap();
    assert_err!(
        store.rename_experiment(id, "revived"),
        StoreError::Deleted { .. }
    );
    assert_eq!(store.get_experiment(id).unwrap().name, "retired");
}

pub(crate) fn delete_and_restore_experiment(store: &dyn Store) {
    let id = experiment(store, "cycle");
    store
        .set_experiment_lifecycle(id, LifecycleStage::Deleted)
        .unwrap();
    // A deleted experiment can still be read, by id and by name (as in MLflow).
    assert_eq!(
        store.get_experiment(id).unwrap().lifecycle_stage,
        LifecycleStage::Deleted
    );
    assert_eq!(
        store
            .get_experiment_by_name("cycle")
            .unwrap()
            .lifecycle_stage,
        LifecycleStage::Deleted
    );
    store
        .set_experiment_lifecycle(id, LifecycleStage::Active)
        .unwrap();
    assert_eq!(
        store.get_experiment(id).unwrap().lifecycle_stage,
        LifecycleStage::Active
    );
    assert_err!(
        store.set_experiment_lifecycle(ExperimentId(31_337), LifecycleStage::Deleted),
        StoreError::ExperimentNotFound { .. }
    );
}

/// MLflow's `delete_experiment` marks every run of the experiment deleted, and
/// `restore_experiment` marks them active again.
pub(crate) fn deleting_an_experiment_deletes_its_runs_and_restoring_restores_them(
    store: &dyn Store,
) {
    let id = experiment(store, "cascade");
    let first = create_run(store, id, "first", T0);
    let second = create_run(store, id, "second", T0 + 1);
    let elsewhere = create_run(store, ExperimentId::DEFAULT, "elsewhere", T0);
    let stage = |run_id: &str| store.get_run(run_id).unwrap().info.lifecycle_stage;

    store
        .set_experiment_lifecycle(id, LifecycleStage::Deleted)
        .unwrap();
    assert_eq!(
        stage(&first),
        LifecycleStage::Deleted,
        "runs follow their experiment"
    );
    assert_eq!(stage(&second), LifecycleStage::Deleted);
    assert_eq!(stage(&elsewhere), LifecycleStage::Active);

    store
        .set_experiment_lifecycle(id, LifecycleStage::Active)
        .unwrap();
    assert_eq!(stage(&first), LifecycleStage::Active);
    assert_eq!(stage(&second), LifecycleStage::Active);
}

pub(crate) fn default_experiment_cannot_be_deleted(store: &dyn Store) {
    let error = assert_err!(
        store.set_experiment_lifecycle(ExperimentId::DEFAULT, LifecycleStage::Deleted),
        StoreError::Invalid { .. }
    );
    assert!(error.to_string().contains("Default"), "{error}");
    assert_eq!(
        store
            .get_experiment(ExperimentId::DEFAULT)
            .unwrap()
            .lifecycle_stage,
        LifecycleStage::Active
    );
    // Restoring it (a no-op) is harmless.
    store
        .set_experiment_lifecycle(ExperimentId::DEFAULT, LifecycleStage::Active)
        .unwrap();
}

pub(crate) fn experiment_tags_upsert_and_are_validated(store: &dyn Store) {
    let id = experiment(store, "tagged");
    store
        .set_experiment_tag(id, &Tag::new("stage", "draft"))
        .unwrap();
    store
        .set_experiment_tag(id, &Tag::new("area", "nlp"))
        .unwrap();
    store
        .set_experiment_tag(id, &Tag::new("stage", "final"))
        .unwrap();
    assert_eq!(
        store.get_experiment(id).unwrap().tags,
        [Tag::new("area", "nlp"), Tag::new("stage", "final")]
    );
    assert_err!(
        store.set_experiment_tag(id, &Tag::new("", "x")),
        StoreError::Invalid { .. }
    );
    assert_err!(
        store.set_experiment_tag(id, &Tag::new("long", "v".repeat(8001))),
        StoreError::Invalid { .. }
    );
    assert_err!(
        store.set_experiment_tag(ExperimentId(55_555), &Tag::new("k", "v")),
        StoreError::ExperimentNotFound { .. }
    );
    let listed = store.list_experiments(ViewType::ActiveOnly).unwrap();
    let tagged = listed
        .iter()
        .find(|summary| summary.experiment.experiment_id == id)
        .unwrap();
    assert_eq!(tagged.experiment.tags.len(), 2, "listings carry tags too");
}

/// MLflow's `set_experiment_tag` requires an active experiment.
pub(crate) fn tagging_a_deleted_experiment_is_refused(store: &dyn Store) {
    let id = experiment(store, "deleted-tagged");
    store
        .set_experiment_lifecycle(id, LifecycleStage::Deleted)
        .unwrap();
    assert_err!(
        store.set_experiment_tag(id, &Tag::new("k", "v")),
        StoreError::Deleted { .. }
    );
    assert!(store.get_experiment(id).unwrap().tags.is_empty());
}

pub(crate) fn experiment_id_is_kept_when_free_and_replaced_when_taken(store: &dyn Store) {
    let create = |name: &str, id: Option<i64>| {
        store
            .create_experiment(&NewExperiment {
                name: name.into(),
                experiment_id: id.map(ExperimentId),
                ..NewExperiment::default()
            })
            .unwrap()
    };
    assert_eq!(
        create("imported-42", Some(42)),
        ExperimentId(42),
        "a free id is kept"
    );
    let clash = create("imported-42-again", Some(42));
    assert!(
        ![ExperimentId(0), ExperimentId(42)].contains(&clash),
        "a taken id is replaced"
    );
    let over_default = create("imported-0", Some(0));
    assert_ne!(over_default, ExperimentId::DEFAULT);
    let fresh = create("fresh", None);
    let ids = [
        ExperimentId(0),
        ExperimentId(42),
        clash,
        over_default,
        fresh,
    ];
    let mut unique = ids.to_vec();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "ids are unique: {ids:?}");
    assert_eq!(
        store.get_experiment(ExperimentId(42)).unwrap().name,
        "imported-42"
    );
    assert_eq!(
        store.get_experiment(clash).unwrap().name,
        "imported-42-again"
    );
    assert_eq!(
        store.get_experiment(ExperimentId::DEFAULT).unwrap().name,
        "Default"
    );
    assert_eq!(
        create("imported-7", Some(7)),
        ExperimentId(7),
        "a free id below others is kept"
    );
}

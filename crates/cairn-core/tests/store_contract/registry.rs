//! The model registry: models, numbered versions, MLflow's stages and
//! `archive_existing_versions`, latest versions, aliases and the permanent history.

use cairn_core::model::{
    ModelStage, ModelVersionStatus, NewModelVersion, RegistryHistoryEntry, StageTransition, Tag,
};
use cairn_core::{Store, StoreError};
use expect_test::expect;

use crate::run;

fn model(store: &dyn Store, name: &str) {
    store.create_registered_model(name, "", &[]).unwrap();
}

fn version(store: &dyn Store, name: &str) -> u64 {
    store
        .create_model_version(&NewModelVersion {
            name: name.into(),
            source: format!("models:/{name}/source"),
            user_id: "ada".into(),
            ..NewModelVersion::default()
        })
        .unwrap()
        .version
}

fn transition(name: &str, version: u64, stage: ModelStage, archive: bool) -> StageTransition {
    StageTransition {
        name: name.into(),
        version,
        stage,
        archive_existing_versions: archive,
        user_id: "ada".into(),
        comment: String::new(),
        origin: "rest".into(),
        gate_report: None,
    }
}

fn move_to(store: &dyn Store, name: &str, version: u64, stage: ModelStage, archive: bool) {
    store
        .transition_model_version_stage(&transition(name, version, stage, archive))
        .unwrap();
}

fn stages(store: &dyn Store, name: &str) -> Vec<(u64, ModelStage)> {
    store
        .list_model_versions(name)
        .unwrap()
        .into_iter()
        .map(|version| (version.version, version.current_stage))
        .collect()
}

pub(crate) fn create_and_get_registered_model(store: &dyn Store) {
    let created = store
        .create_registered_model(
            "fraud-detector",
            "Flags card fraud",
            &[Tag::new("team", "risk"), Tag::new("area", "payments")],
        )
        .unwrap();
    assert_eq!(created.name, "fraud-detector");
    assert_eq!(created.description, "Flags card fraud");
    assert_eq!(
        created.tags,
        [Tag::new("area", "payments"), Tag::new("team", "risk")]
    );
    assert!(created.aliases.is_empty() && created.latest_versions.is_empty());
    assert!(created.creation_time_ms > 0);
    assert_eq!(
        store.get_registered_model("fraud-detector").unwrap(),
        created
    );

    let error = assert_err!(
        store.create_registered_model("fraud-detector", "again", &[]),
        StoreError::ModelExists { name } if name == "fraud-detector"
    );
    assert!(error.to_string().contains("fraud-detector"));
    assert_err!(
        store.get_registered_model("Fraud-Detector"),
        StoreError::ModelNotFound { .. }
    );
    assert_err!(
        store.get_registered_model("nope"),
        StoreError::ModelNotFound { .. }
    );
    assert_err!(
        store.list_model_versions("nope"),
        StoreError::ModelNotFound { .. }
    );
    assert_err!(
        store.create_registered_model("tagged", "", &[Tag::new("bad key!", "v")]),
        StoreError::Invalid { .. }
    );
    model(store, "another");
    let listed: Vec<String> = store
        .list_registered_models()
        .unwrap()
        .into_iter()
        .map(|model| model.name)
        .collect();
    assert_eq!(listed, ["another", "fraud-detector"], "sorted by name");
}

pub(crate) fn model_names_are_validated(store: &dyn Store) {
    let cases = [
        ("my-model", true),
        ("My Model 2", true),
        ("modèle_ü.v1", true),
        ("team/model", false),
        ("/model", false),
        ("model:1", false),
        ("", false),
        ("   ", false),
    ];
    for (name, ok) in cases {
        let result = store.create_registered_model(name, "", &[]);
        if ok {
            assert_eq!(result.unwrap().name, name);
        } else {
            assert!(
                matches!(result, Err(StoreError::Invalid { .. })),
                "model name {name:?}: expected Invalid, got {result:?}"
            );
        }
    }
}

pub(crate) fn versions_are_numbered_from_one_and_never_reused(store: &dyn Store) {
    model(store, "numbered");
    let source_run = run(store, "trainer");
    let first = store
        .create_model_version(&NewModelVersion {
            name: "numbered".into(),
            source: format!("runs:/{source_run}/model"),
            run_id: Some(source_run.clone()),
            run_link: "http://localhost/run".into(),
            description: "first try".into(),
            logged_model_id: Some("m-0123".into()),
            tags: vec![Tag::new("z", "1"), Tag::new("a", "2")],
            user_id: "ada".into(),
            origin: "cli".into(),
        })
        .unwrap();
    assert_eq!(first.version, 1);
    // The history says where the version was made.
    let history = store.registry_history("numbered").unwrap();
    let created = history
        .iter()
        .find(|entry| entry.version == Some(1))
        .unwrap();
    assert_eq!(created.origin, "cli");
    assert_eq!(first.name, "numbered");
    assert_eq!(
        first.current_stage,
        ModelStage::None,
        "new versions start in None"
    );
    assert_eq!(first.status, ModelVersionStatus::Ready);
    assert_eq!(first.source, format!("runs:/{source_run}/model"));
    assert_eq!(first.run_id.as_deref(), Some(source_run.as_str()));
    assert_eq!(first.run_link, "http://localhost/run");
    assert_eq!(first.description, "first try");
    assert_eq!(first.logged_model_id.as_deref(), Some("m-0123"));
    assert_eq!(first.user_id, "ada");
    assert_eq!(first.tags, [Tag::new("a", "2"), Tag::new("z", "1")]);
    assert!(first.aliases.is_empty());
    assert_eq!(store.get_model_version("numbered", 1).unwrap(), first);

    assert_eq!(version(store, "numbered"), 2);
    move_to(store, "numbered", 2, ModelStage::Archived, false);
    assert_eq!(
        version(store, "numbered"),
        3,
        "max + 1, whatever the stages"
    );
    let numbers: Vec<u64> = store
        .list_model_versions("numbered")
        .unwrap()
        .iter()
        .map(|version| version.version)
        .collect();
    assert_eq!(numbers, [1, 2, 3]);
    // Numbers are per model.
    model(store, "separate");
    assert_eq!(version(store, "separate"), 1);

    assert_err!(
        store.get_model_version("numbered", 4),
        StoreError::ModelVersionNotFound { name, version } if name == "numbered" && version == "4"
    );
    assert_err!(
        store.get_model_version("nope", 1),
        StoreError::ModelNotFound { .. }
    );
    assert_err!(
        store.create_model_version(&NewModelVersion {
            name: "nope".into(),
            ..NewModelVersion::default()
        }),
        StoreError::ModelNotFound { .. }
    );
    assert_err!(
        store.transition_model_version_stage(&transition(
            "numbered",
            9,
            ModelStage::Staging,
            false
        )),
        StoreError::ModelVersionNotFound { .. }
    );
}

pub(crate) fn stage_names_are_canonical(store: &dyn Store) {
    let parsed = [
        ("None", Some(ModelStage::None)),
        ("none", Some(ModelStage::None)),
        ("NONE", Some(ModelStage::None)),
        ("staging", Some(ModelStage::Staging)),
        ("STAGING", Some(ModelStage::Staging)),
        ("Production", Some(ModelStage::Production)),
        ("production", Some(ModelStage::Production)),
        ("pRoDuCtIoN", Some(ModelStage::Production)),
        ("archived", Some(ModelStage::Archived)),
        ("prod", None),
        ("Deleted", None),
        ("", None),
        (" Staging", None),
    ];
    for (text, expected) in parsed {
        assert_eq!(ModelStage::parse(text), expected, "{text:?}");
        assert_eq!(text.parse::<ModelStage>().ok(), expected, "{text:?}");
    }
    let unknown = "prod".parse::<ModelStage>().unwrap_err();
    assert_eq!(
        unknown.to_string(),
        "'prod' is not a stage: None, Staging, Production or Archived"
    );
    let canonical: Vec<&str> = ModelStage::ALL.iter().map(|stage| stage.as_str()).collect();
    assert_eq!(canonical, ["None", "Staging", "Production", "Archived"]);

    model(store, "staged");
    version(store, "staged");
    for text in ["production", "STAGING", "archived", "none"] {
        let stage = ModelStage::parse(text).unwrap();
        let moved = store
            .transition_model_version_stage(&transition("staged", 1, stage, false))
            .unwrap();
        assert_eq!(moved.current_stage, stage);
        assert_eq!(
            moved.current_stage.as_str().to_ascii_lowercase(),
            text.to_ascii_lowercase()
        );
        assert_eq!(
            store.get_model_version("staged", 1).unwrap().current_stage,
            stage
        );
    }
}

pub(crate) fn archive_existing_versions_follows_mlflow(store: &dyn Store) {
    use ModelStage::{Archived as A, None as N, Production as P, Staging as S};
    // Start: v1 Production, v2 Staging, v3 Production, v4 None, v5 Archived.
    // (version to move, target, archive_existing_versions, stages of v1..v5 afterwards)
    let cases = [
        (4, P, true, [A, S, A, P, A]),
        (4, S, true, [P, A, P, S, A]),
        (4, P, false, [P, S, P, P, A]),
        (4, S, false, [P, S, P, S, A]),
        (4, A, true, [P, S, P, A, A]),
        (4, N, true, [P, S, P, N, A]),
        (1, P, true, [P, S, A, N, A]),
        (2, P, true, [A, P, A, N, A]),
        (5, S, true, [P, A, P, N, S]),
        (3, S, true, [P, A, S, N, A]),
    ];
    for (index, (target, stage, archive, expected)) in cases.into_iter().enumerate() {
        let name = format!("archiving-{index}");
        model(store, &name);
        for _ in 0..5 {
            version(store, &name);
        }
        move_to(store, &name, 1, P, false);
        move_to(store, &name, 2, S, false);
        move_to(store, &name, 3, P, false);
        move_to(store, &name, 5, A, false);
        let moved = store
            .transition_model_version_stage(&transition(&name, target, stage, archive))
            .unwrap();
        assert_eq!(moved.version, target);
        assert_eq!(moved.current_stage, stage);
        let expected: Vec<(u64, ModelStage)> = (1..=5).zip(expected).collect();
        assert_eq!(
            stages(store, &name),
            expected,
            "v{target} to {} with archive_existing_versions={archive}",
            stage.as_str()
        );
    }
}

pub(crate) fn latest_versions_are_the_highest_per_stage(store: &dyn Store) {
    model(store, "latest");
    for _ in 0..6 {
        version(store, "latest");
    }
    move_to(store, "latest", 1, ModelStage::Production, false);
    move_to(store, "latest", 2, ModelStage::Production, false);
    move_to(store, "latest", 3, ModelStage::Staging, false);
    move_to(store, "latest", 6, ModelStage::Archived, false);
    // v4 and v5 stay in None.
    let latest: Vec<(u64, ModelStage)> = store
        .get_registered_model("latest")
        .unwrap()
        .latest_versions
        .into_iter()
        .map(|version| (version.version, version.current_stage))
        .collect();
    assert_eq!(
        latest,
        [
            (5, ModelStage::None),
            (3, ModelStage::Staging),
            (2, ModelStage::Production),
            (6, ModelStage::Archived),
        ],
        "the highest version of each stage that has one, in stage order"
    );
    model(store, "empty");
    assert!(
        store
            .get_registered_model("empty")
            .unwrap()
            .latest_versions
            .is_empty()
    );
}

pub(crate) fn aliases_are_set_and_moved(store: &dyn Store) {
    model(store, "aliased");
    for _ in 0..3 {
        version(store, "aliased");
    }
    let aliases = |version: u64| store.get_model_version("aliased", version).unwrap().aliases;
    let model_aliases = || store.get_registered_model("aliased").unwrap().aliases;

    store
        .set_model_alias("aliased", "champion", 1, "ada", "cli")
        .unwrap();
    assert_eq!(model_aliases(), [("champion".to_string(), 1)]);
    assert_eq!(aliases(1), ["champion"]);

    store
        .set_model_alias("aliased", "champion", 2, "ada", "cli")
        .unwrap();
    assert_eq!(
        model_aliases(),
        [("champion".to_string(), 2)],
        "one alias, one version"
    );
    assert!(aliases(1).is_empty(), "the alias left version 1");
    assert_eq!(aliases(2), ["champion"]);

    store
        .set_model_alias("aliased", "challenger", 3, "ada", "cli")
        .unwrap();
    store
        .set_model_alias("aliased", "baseline", 2, "ada", "cli")
        .unwrap();
    assert_eq!(
        model_aliases(),
        [
            ("baseline".to_string(), 2),
            ("challenger".to_string(), 3),
            ("champion".to_string(), 2)
        ],
        "sorted by alias"
    );
    assert_eq!(aliases(2), ["baseline", "champion"]);
    // Setting an alias to the version it already names is fine.
    store
        .set_model_alias("aliased", "champion", 2, "ada", "cli")
        .unwrap();
    assert_eq!(aliases(2), ["baseline", "champion"]);

    let history_len = store.registry_history("aliased").unwrap().len();
    assert_err!(
        store.set_model_alias("aliased", "ghost", 99, "ada", "cli"),
        StoreError::ModelVersionNotFound { .. }
    );
    assert_err!(
        store.set_model_alias("missing-model", "ghost", 1, "ada", "cli"),
        StoreError::ModelNotFound { .. }
    );
    assert!(!model_aliases().iter().any(|(alias, _)| alias == "ghost"));
    assert_eq!(
        store.registry_history("aliased").unwrap().len(),
        history_len,
        "failures leave no history"
    );
}

pub(crate) fn bad_aliases_are_refused(store: &dyn Store) {
    model(store, "strict");
    version(store, "strict");
    let cases: Vec<(String, bool)> = vec![
        ("champion".into(), true),
        ("prod-2024_01".into(), true),
        ("v".into(), true),
        ("v1a".into(), true),
        ("version3".into(), true),
        ("x".repeat(255), true),
        ("latest".into(), false),
        ("LATEST".into(), false),
        ("Latest".into(), false),
        ("v3".into(), false),
        ("V12".into(), false),
        ("v0".into(), false),
        (String::new(), false),
        ("a b".into(), false),
        ("a.b".into(), false),
        ("a/b".into(), false),
        ("a@b".into(), false),
        ("x".repeat(256), false),
    ];
    for (alias, ok) in &cases {
        let result = store.set_model_alias("strict", alias, 1, "ada", "cli");
        if *ok {
            result.unwrap_or_else(|error| panic!("alias {alias:?}: {error}"));
        } else {
            assert!(
                matches!(result, Err(StoreError::Invalid { .. })),
                "alias {alias:?}: expected Invalid, got {result:?}"
            );
        }
    }
    let set: Vec<String> = store
        .get_registered_model("strict")
        .unwrap()
        .aliases
        .into_iter()
        .map(|(alias, _)| alias)
        .collect();
    assert_eq!(set.len(), cases.iter().filter(|(_, ok)| *ok).count());
}

fn dump_history(entries: &[RegistryHistoryEntry]) -> String {
    let stage = |stage: Option<ModelStage>| stage.map_or("-", ModelStage::as_str);
    entries
        .iter()
        .map(|entry| {
            format!(
                "{} v{} {}->{} alias={} by={} via={} comment={:?}\n",
                entry.change.as_str(),
                entry
                    .version
                    .map_or("-".to_string(), |version| version.to_string()),
                stage(entry.from_stage),
                stage(entry.to_stage),
                entry.alias.as_deref().unwrap_or("-"),
                entry.user_id,
                entry.origin,
                entry.comment,
            )
        })
        .collect()
}

pub(crate) fn registry_history_records_every_change_in_order(store: &dyn Store) {
    model(store, "audited");
    model(store, "unrelated");
    for user in ["alice", "bob", "carol"] {
        store
            .create_model_version(&NewModelVersion {
                name: "audited".into(),
                user_id: user.into(),
                ..NewModelVersion::default()
            })
            .unwrap();
    }
    version(store, "unrelated");
    let change = |version, stage, archive, user: &str, comment: &str, origin: &str| {
        store
            .transition_model_version_stage(&StageTransition {
                name: "audited".into(),
                version,
                stage,
                archive_existing_versions: archive,
                user_id: user.into(),
                comment: comment.into(),
                origin: origin.into(),
                gate_report: None,
            })
            .unwrap();
    };
    change(1, ModelStage::Staging, false, "alice", "first look", "cli");
    change(1, ModelStage::Production, false, "alice", "ship it", "app");
    change(2, ModelStage::Production, false, "bob", "", "rest");
    change(
        3,
        ModelStage::Production,
        true,
        "carol",
        "better AUC",
        "gate",
    );
    store
        .set_model_alias("audited", "champion", 3, "carol", "app")
        .unwrap();
    store
        .set_model_alias("audited", "champion", 1, "dave", "rest")
        .unwrap();
    store
        .set_model_alias("audited", "fallback", 2, "dave", "cli")
        .unwrap();
    let _ = store.set_model_alias("audited", "latest", 2, "eve", "cli");
    let _ = store.transition_model_version_stage(&transition(
        "audited",
        42,
        ModelStage::Staging,
        false,
    ));

    let history = store.registry_history("audited").unwrap();
    expect![[r#"
        create_version v1 -->None alias=- by=alice via=store comment=""
        create_version v2 -->None alias=- by=bob via=store comment=""
        create_version v3 -->None alias=- by=carol via=store comment=""
        transition v1 None->Staging alias=- by=alice via=cli comment="first look"
        transition v1 Staging->Production alias=- by=alice via=app comment="ship it"
        transition v2 None->Production alias=- by=bob via=rest comment=""
        transition v1 Production->Archived alias=- by=carol via=gate comment="archived because version 3 moved to Production"
        transition v2 Production->Archived alias=- by=carol via=gate comment="archived because version 3 moved to Production"
        transition v3 None->Production alias=- by=carol via=gate comment="better AUC"
        set_alias v3 -->- alias=champion by=carol via=app comment=""
        set_alias v1 -->- alias=champion by=dave via=rest comment="moved from version 3"
        set_alias v2 -->- alias=fallback by=dave via=cli comment=""
    "#]]
    .assert_eq(&dump_history(&history));
    assert!(history.iter().all(|entry| entry.model_name == "audited"));
    assert!(
        history
            .windows(2)
            .all(|pair| pair[0].time_ms <= pair[1].time_ms),
        "entries are in time order"
    );
    assert!(
        history
            .iter()
            .all(|entry| entry.time_ms > 0 && entry.gate_report.is_none())
    );
    assert_eq!(store.registry_history("unrelated").unwrap().len(), 1);
    assert!(store.registry_history("never-existed").unwrap().is_empty());
}

pub(crate) fn gate_reports_and_alias_removals_are_in_the_history(store: &dyn Store) {
    model(store, "gated");
    for _ in 0..2 {
        version(store, "gated");
    }
    move_to(store, "gated", 1, ModelStage::Production, false);
    let promoted = store
        .transition_model_version_stage(&StageTransition {
            gate_report: Some("# Gate: gated — PASSED".into()),
            origin: "gate".into(),
            ..transition("gated", 2, ModelStage::Production, true)
        })
        .unwrap();
    assert_eq!(promoted.current_stage, ModelStage::Production);
    store
        .set_model_alias("gated", "champion", 2, "ada", "cli")
        .unwrap();
    store
        .delete_model_alias("gated", "champion", "bob", "rest")
        .unwrap();
    assert!(matches!(
        store.get_model_version_by_alias("gated", "champion"),
        Err(StoreError::AliasNotFound { .. })
    ));
    let history = store.registry_history("gated").unwrap();
    let reports: Vec<(Option<u64>, Option<ModelStage>, Option<&str>)> = history
        .iter()
        .filter(|entry| entry.change == cairn_core::model::RegistryChange::Transition)
        .map(|entry| (entry.version, entry.to_stage, entry.gate_report.as_deref()))
        .collect();
    assert_eq!(
        reports,
        vec![
            (Some(1), Some(ModelStage::Production), None),
            // The version archived by the promotion carries no report; the promotion does.
            (Some(1), Some(ModelStage::Archived), None),
            (
                Some(2),
                Some(ModelStage::Production),
                Some("# Gate: gated — PASSED")
            ),
        ]
    );
    let last = history.last().unwrap();
    assert_eq!(last.change, cairn_core::model::RegistryChange::DeleteAlias);
    assert_eq!(last.alias.as_deref(), Some("champion"));
    assert_eq!(
        (last.user_id.as_str(), last.origin.as_str()),
        ("bob", "rest")
    );
}

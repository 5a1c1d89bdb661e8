//! The PostgreSQL registry under concurrent writers (several `cairn serve` processes share one
//! database): version numbers stay unique and gapless, a stage move with
//! `archive_existing_versions` leaves one version in the stage, and a rename onto a taken name is
//! refused by the name's unique index. What both stores share is in `store_contract.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use cairn_core::model::{ModelStage, NewModelVersion, StageTransition};
use cairn_core::{PostgresStore, RegistryStore, StoreError};
use cairn_test_support::postgres::fresh_database;

/// `count` stores on one fresh database, as separate servers would be.
fn servers(count: usize) -> (tempfile::TempDir, Vec<PostgresStore>) {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database();
    let stores = (0..count)
        .map(|_| PostgresStore::connect(&url, &dir.path().join("artifacts")).unwrap())
        .collect();
    (dir, stores)
}

#[test]
fn concurrent_new_versions_get_distinct_numbers() {
    let (_dir, stores) = servers(4);
    stores[0]
        .create_registered_model("shared", "", &[])
        .unwrap();
    let mut numbers: Vec<u64> = std::thread::scope(|scope| {
        let writers: Vec<_> = stores
            .iter()
            .map(|store| {
                scope.spawn(move || {
                    (0..10)
                        .map(|_| {
                            store
                                .create_model_version(&NewModelVersion {
                                    name: "shared".into(),
                                    source: "s3://bucket/model".into(),
                                    ..NewModelVersion::default()
                                })
                                .unwrap()
                                .version
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        writers
            .into_iter()
            .flat_map(|writer| writer.join().unwrap())
            .collect()
    });
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=40).collect::<Vec<_>>());
    let created = stores[1]
        .registry_history("shared")
        .unwrap()
        .iter()
        .filter(|entry| entry.to_stage == Some(ModelStage::None))
        .count();
    assert_eq!(created, 40, "one history entry per version");
}

#[test]
fn concurrent_promotions_leave_one_version_in_production() {
    let (_dir, stores) = servers(4);
    stores[0].create_registered_model("race", "", &[]).unwrap();
    for _ in 0..8 {
        stores[0]
            .create_model_version(&NewModelVersion {
                name: "race".into(),
                ..NewModelVersion::default()
            })
            .unwrap();
    }
    std::thread::scope(|scope| {
        for (index, store) in stores.iter().enumerate() {
            scope.spawn(move || {
                for version in [index as u64 + 1, index as u64 + 5] {
                    store
                        .transition_model_version_stage(&StageTransition {
                            name: "race".into(),
                            version,
                            stage: ModelStage::Production,
                            archive_existing_versions: true,
                            user_id: String::new(),
                            comment: String::new(),
                            origin: "test".into(),
                            gate_report: None,
                        })
                        .unwrap();
                }
            });
        }
    });
    let in_production = stores[0]
        .list_model_versions("race")
        .unwrap()
        .iter()
        .filter(|version| version.current_stage == ModelStage::Production)
        .count();
    assert_eq!(in_production, 1);
}

#[test]
fn renaming_onto_a_taken_name_is_refused() {
    let (_dir, stores) = servers(1);
    let store = &stores[0];
    store.create_registered_model("a", "", &[]).unwrap();
    store.create_registered_model("b", "", &[]).unwrap();
    assert!(matches!(
        store.rename_registered_model("a", "b"),
        Err(StoreError::ModelExists { name }) if name == "b"
    ));
    assert!(matches!(
        store.create_registered_model("b", "", &[]),
        Err(StoreError::ModelExists { .. })
    ));
    assert_eq!(store.rename_registered_model("a", "c").unwrap().name, "c");
    assert!(matches!(
        store.get_registered_model("a"),
        Err(StoreError::ModelNotFound { .. })
    ));
}

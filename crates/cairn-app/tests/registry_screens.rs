//! The registry screens' commands through `App::call` on a real store seeded with the demo:
//! the models list, one model, the comparison the confirmation dialog shows, promotion with
//! archive-existing, archive, aliases, and gate reports in the history.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use cairn_app::ErrorKind;
use std::sync::Arc;

use cairn_app::App;
use cairn_app::demo::{DEMO_MODEL, seed_demo};
use cairn_core::model::{ModelStage, StageTransition};
use serde_json::{Value, json};

fn demo_app() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    let store = cairn_core::SqliteStore::open(&dir.path().join("cairn.db")).unwrap();
    seed_demo(&store).unwrap();
    (dir, App::new(Arc::new(store)))
}

fn stage_of(model: &Value, version: u64) -> String {
    model["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["version"] == version)
        .unwrap()["stage"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn models_list_shows_stages_aliases_and_counts() {
    let (_dir, app) = demo_app();
    let models = app.call("list_models", Value::Null).unwrap();
    let models = models.as_array().unwrap();
    assert_eq!(models.len(), 1);
    let model = &models[0];
    assert_eq!(model["name"], DEMO_MODEL);
    assert_eq!(model["version_count"], 3);
    assert_eq!(model["aliases"], json!({"champion": 2, "challenger": 3}));
    assert_eq!(model["tags"], json!({"task": "image-classification"}));
    let latest: Vec<(String, u64)> = model["latest_versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["stage"].as_str().unwrap().to_owned(),
                v["version"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(latest.contains(&("Production".to_owned(), 2)), "{latest:?}");
    assert!(latest.contains(&("Staging".to_owned(), 3)), "{latest:?}");
    assert!(model["last_updated_time"].as_i64().unwrap() > 0);
}

#[test]
fn a_model_lists_versions_newest_first_with_their_runs() {
    let (_dir, app) = demo_app();
    let model = app.call("get_model", json!({"name": DEMO_MODEL})).unwrap();
    let versions: Vec<u64> = model["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_u64().unwrap())
        .collect();
    assert_eq!(versions, [3, 2, 1]);
    let v3 = &model["versions"][0];
    assert_eq!(v3["stage"], "Staging");
    assert_eq!(v3["aliases"], json!(["challenger"]));
    assert_eq!(v3["status"], "READY");
    let run = &v3["run"];
    assert_eq!(run["run_id"], v3["run_id"]);
    assert!(run["run_name"].as_str().is_some_and(|n| !n.is_empty()));
    assert!(run["metrics"].as_object().is_some_and(|m| !m.is_empty()));
    assert!(run["params"].as_object().is_some_and(|p| !p.is_empty()));
    assert!(run["git_commit"].as_str().is_some());
    assert!(!model["history"].as_array().unwrap().is_empty());

    let missing = app.call("get_model", json!({"name": "nope"})).unwrap_err();
    assert_eq!(missing.kind, ErrorKind::NotFound);
}

#[test]
fn compare_finds_the_version_in_the_target_stage_or_holding_the_alias() {
    let (_dir, app) = demo_app();
    let by_stage = app
        .call(
            "compare_versions",
            json!({"name": DEMO_MODEL, "candidate": 3, "stage": "Production"}),
        )
        .unwrap();
    assert_eq!(by_stage["candidate"]["version"], 3);
    assert_eq!(by_stage["current"]["version"], 2);
    let metrics = by_stage["metrics"].as_array().unwrap();
    assert!(!metrics.is_empty());
    for row in metrics {
        assert!(row["candidate"].is_number() || row["candidate"].is_string());
    }
    // Two different training runs: their final metrics differ somewhere.
    assert!(metrics.iter().any(|row| row["differs"] == true));
    assert!(by_stage["params"].as_array().is_some());
    assert!(by_stage["commit_differs"].is_boolean());

    let by_alias = app
        .call(
            "compare_versions",
            json!({"name": DEMO_MODEL, "candidate": 3, "alias": "champion"}),
        )
        .unwrap();
    assert_eq!(by_alias["current"]["version"], 2);

    let nobody = app
        .call(
            "compare_versions",
            json!({"name": DEMO_MODEL, "candidate": 3, "alias": "fresh"}),
        )
        .unwrap();
    assert!(nobody["current"].is_null());
    assert!(
        nobody["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|row| row["differs"] == false && row["current"].is_null())
    );

    let same = app
        .call(
            "compare_versions",
            json!({"name": DEMO_MODEL, "candidate": 2, "current": 2}),
        )
        .unwrap();
    assert!(
        same["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|row| row["differs"] == false)
    );
    assert_eq!(same["commit_differs"], false);
    assert_eq!(same["data_differs"], false);

    let bad = app
        .call(
            "compare_versions",
            json!({"name": DEMO_MODEL, "candidate": 3, "stage": "prod"}),
        )
        .unwrap_err();
    assert_eq!(bad.kind, ErrorKind::Invalid);
}

#[test]
fn promote_archive_and_aliases_update_the_model_and_its_history() {
    let (_dir, app) = demo_app();
    let reply = app
        .call(
            "promote_model_version",
            json!({"request": {"name": DEMO_MODEL, "version": 3, "stage": "Production",
                   "archiveExisting": true, "comment": "better accuracy", "userId": "ada"}}),
        )
        .unwrap();
    assert_eq!(reply, json!({"stage": "Production"}));
    let model = app.call("get_model", json!({"name": DEMO_MODEL})).unwrap();
    assert_eq!(stage_of(&model, 3), "Production");
    assert_eq!(stage_of(&model, 2), "Archived");
    let last = model["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["change"], "transition");
    assert_eq!(last["version"], 3);
    assert_eq!(last["from_stage"], "Staging");
    assert_eq!(last["to_stage"], "Production");
    assert_eq!(last["origin"], "app");
    assert_eq!(last["user_id"], "ada");
    assert_eq!(last["comment"], "better accuracy");

    app.call(
        "archive_model_version",
        json!({"name": DEMO_MODEL, "version": 3, "comment": "rolled back"}),
    )
    .unwrap();
    let model = app.call("get_model", json!({"name": DEMO_MODEL})).unwrap();
    assert_eq!(stage_of(&model, 3), "Archived");
    let last = model["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["to_stage"], "Archived");
    // No user name sent: the app's own is recorded, never an empty one.
    assert!(last["user_id"].as_str().is_some_and(|u| !u.is_empty()));

    app.call(
        "set_model_alias",
        json!({"name": DEMO_MODEL, "alias": "champion", "version": 3}),
    )
    .unwrap();
    app.call(
        "delete_model_alias",
        json!({"name": DEMO_MODEL, "alias": "challenger"}),
    )
    .unwrap();
    let models = app.call("list_models", Value::Null).unwrap();
    assert_eq!(models[0]["aliases"], json!({"champion": 3}));
}

#[test]
fn gate_reports_travel_with_the_history() {
    let (_dir, app) = demo_app();
    app.store()
        .transition_model_version_stage(&StageTransition {
            name: DEMO_MODEL.to_owned(),
            version: 3,
            stage: ModelStage::Production,
            archive_existing_versions: true,
            user_id: "ci".to_owned(),
            comment: "gate passed".to_owned(),
            origin: "gate".to_owned(),
            gate_report: Some("## Gate: PASS\n\n| rule | result |\n|---|---|\n".to_owned()),
        })
        .unwrap();
    let model = app.call("get_model", json!({"name": DEMO_MODEL})).unwrap();
    let last = model["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["origin"], "gate");
    assert!(
        last["gate_report"]
            .as_str()
            .is_some_and(|r| r.contains("Gate: PASS"))
    );
}

//! The commands that change runs from the UI, through `App::call` on a real store: rename,
//! description, tags on one run or many, delete and restore (seen through the deleted view),
//! registering a model from an artifact folder (recorded as made in the app), and the errors
//! each gives for bad input, naming the field.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::sync::Arc;

use cairn_app::{App, ErrorKind};
use cairn_core::model::{NewExperiment, NewRun, SourceKind};
use cairn_core::{SqliteStore, TrackingStore};
use serde_json::{Value, json};

struct Fixture {
    _dir: tempfile::TempDir,
    app: App,
    runs: Vec<String>,
}

/// A store with three runs in one experiment.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("cairn.db")).unwrap();
    let experiment_id = store
        .create_experiment(&NewExperiment {
            name: "edits".into(),
            artifact_location: None,
            tags: Vec::new(),
            experiment_id: None,
        })
        .unwrap();
    let runs = (0..3)
        .map(|index| {
            store
                .create_run(&NewRun {
                    run_name: format!("run-{index}"),
                    ..NewRun::new(experiment_id, SourceKind::MlflowApi)
                })
                .unwrap()
                .info
                .run_id
        })
        .collect();
    Fixture {
        _dir: dir,
        app: App::new(Arc::new(store)),
        runs,
    }
}

impl Fixture {
    fn call(&self, command: &str, args: Value) -> Result<Value, cairn_app::AppError> {
        self.app.call(command, args)
    }

    fn tags(&self, run_id: &str) -> Vec<(String, String)> {
        let mut tags: Vec<(String, String)> = self
            .app
            .store()
            .get_run(run_id)
            .unwrap()
            .tags
            .into_iter()
            .filter(|tag| !tag.key.starts_with("mlflow.") || tag.key == "mlflow.note.content")
            .filter(|tag| tag.key != "mlflow.runName")
            .map(|tag| (tag.key, tag.value))
            .collect();
        tags.sort();
        tags
    }

    fn listed(&self, deleted: bool) -> Vec<String> {
        let page = self
            .call(
                "list_runs",
                json!({"request": {"experiment_ids": [], "filter": "", "order_by": [],
                                   "max_results": 100, "offset": 0, "deleted": deleted}}),
            )
            .unwrap();
        let mut ids: Vec<String> = page["runs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|run| run["run_id"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids
    }
}

fn pair(key: &str, value: &str) -> (String, String) {
    (key.to_owned(), value.to_owned())
}

#[test]
fn rename_changes_the_run_name_and_announces_it() {
    let fixture = fixture();
    let events = fixture.app.events().subscribe();
    let run_id = &fixture.runs[0];
    fixture
        .call(
            "rename_run",
            json!({"runId": run_id, "name": "  adamw-long  "}),
        )
        .unwrap();
    let run = fixture.app.store().get_run(run_id).unwrap();
    assert_eq!(run.info.run_name, "adamw-long");
    let event = serde_json::to_value(events.try_recv().unwrap()).unwrap();
    assert_eq!(event, json!({"type": "runs_changed", "run_ids": [run_id]}));
}

#[test]
fn description_is_the_note_tag_and_blank_removes_it() {
    let fixture = fixture();
    let run_id = &fixture.runs[0];
    let describe = |text: &str| {
        fixture
            .call(
                "set_run_description",
                json!({"runId": run_id, "text": text}),
            )
            .unwrap();
    };
    describe("# Baseline\n\n- lr 0.01");
    assert_eq!(
        fixture.tags(run_id),
        [pair("mlflow.note.content", "# Baseline\n\n- lr 0.01")]
    );
    describe("  ");
    assert_eq!(fixture.tags(run_id), []);
    // Clearing a description that is not there is not an error.
    describe("");
}

#[test]
fn tags_are_set_and_removed_on_one_run_or_many() {
    let fixture = fixture();
    let [a, b, c] = [&fixture.runs[0], &fixture.runs[1], &fixture.runs[2]];
    fixture
        .call(
            "set_runs_tag",
            json!({"runIds": [a, b], "key": "team", "value": "vision"}),
        )
        .unwrap();
    fixture
        .call(
            "set_runs_tag",
            json!({"runIds": [a], "key": "team", "value": "nlp"}),
        )
        .unwrap();
    assert_eq!(fixture.tags(a), [pair("team", "nlp")]);
    assert_eq!(fixture.tags(b), [pair("team", "vision")]);
    assert_eq!(fixture.tags(c), []);
    // Removing from runs of which one lacks the tag removes it where it is.
    fixture
        .call("delete_runs_tag", json!({"runIds": [a, c], "key": "team"}))
        .unwrap();
    assert_eq!(fixture.tags(a), []);
    assert_eq!(fixture.tags(b), [pair("team", "vision")]);
}

#[test]
fn deleted_runs_leave_the_active_view_and_come_back_when_restored() {
    let fixture = fixture();
    let [a, b, c] = [&fixture.runs[0], &fixture.runs[1], &fixture.runs[2]];
    fixture
        .call("delete_runs", json!({"runIds": [a, b]}))
        .unwrap();
    assert_eq!(fixture.listed(false), vec![c.clone()]);
    let mut deleted = vec![a.clone(), b.clone()];
    deleted.sort();
    assert_eq!(fixture.listed(true), deleted);
    fixture
        .call("restore_runs", json!({"runIds": [a]}))
        .unwrap();
    assert_eq!(fixture.listed(true), vec![b.clone()]);
    // An unknown id among known ones changes nothing.
    let error = fixture
        .call("restore_runs", json!({"runIds": [b, "nope"]}))
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::NotFound);
    assert_eq!(fixture.listed(true), vec![b.clone()]);
}

#[test]
fn a_model_registered_from_an_artifact_folder_is_a_version_made_in_the_app() {
    let fixture = fixture();
    let run_id = &fixture.runs[0];
    let first = fixture
        .call(
            "register_run_model",
            json!({"runId": run_id, "path": "model/", "name": "digits"}),
        )
        .unwrap();
    assert_eq!(first["name"], "digits");
    assert_eq!(first["version"], "1");
    assert_eq!(first["source"], format!("runs:/{run_id}/model"));
    let second = fixture
        .call(
            "register_run_model",
            json!({"runId": run_id, "path": "checkpoints/best", "name": "digits"}),
        )
        .unwrap();
    assert_eq!(second["version"], "2");
    let store = fixture.app.store();
    let version = store.get_model_version("digits", 2).unwrap();
    assert_eq!(version.run_id.as_deref(), Some(run_id.as_str()));
    let history = store.registry_history("digits").unwrap();
    let origins: Vec<&str> = history.iter().map(|entry| entry.origin.as_str()).collect();
    assert_eq!(origins, ["app", "app"]);
}

#[test]
fn bad_input_is_refused_with_the_field_named() {
    let fixture = fixture();
    let run_id = &fixture.runs[0];
    let cases = [
        (
            "rename_run",
            json!({"runId": run_id, "name": " "}),
            ErrorKind::Invalid,
            "name",
        ),
        (
            "rename_run",
            json!({"runId": "nope", "name": "x"}),
            ErrorKind::NotFound,
            "nope",
        ),
        (
            "rename_run",
            json!({"runId": run_id}),
            ErrorKind::Invalid,
            "name",
        ),
        (
            "set_run_description",
            json!({"runId": "nope", "text": ""}),
            ErrorKind::NotFound,
            "nope",
        ),
        (
            "set_runs_tag",
            json!({"runIds": [run_id], "key": "", "value": "v"}),
            ErrorKind::Invalid,
            "key",
        ),
        (
            "set_runs_tag",
            json!({"runIds": [run_id], "key": "a/../b", "value": "v"}),
            ErrorKind::Invalid,
            "a/../b",
        ),
        (
            "set_runs_tag",
            json!({"runIds": [], "key": "k", "value": "v"}),
            ErrorKind::Invalid,
            "runIds",
        ),
        (
            "set_runs_tag",
            json!({"runIds": ["nope"], "key": "k", "value": "v"}),
            ErrorKind::NotFound,
            "nope",
        ),
        (
            "delete_runs_tag",
            json!({"runIds": [run_id], "key": " "}),
            ErrorKind::Invalid,
            "key",
        ),
        (
            "delete_runs",
            json!({"runIds": []}),
            ErrorKind::Invalid,
            "runIds",
        ),
        (
            "delete_runs",
            json!({"runIds": ["nope"]}),
            ErrorKind::NotFound,
            "nope",
        ),
        (
            "register_run_model",
            json!({"runId": run_id, "path": "m", "name": ""}),
            ErrorKind::Invalid,
            "name",
        ),
        (
            "register_run_model",
            json!({"runId": run_id, "path": "../m", "name": "x"}),
            ErrorKind::Invalid,
            "path",
        ),
        (
            "register_run_model",
            json!({"runId": "nope", "path": "m", "name": "x"}),
            ErrorKind::NotFound,
            "nope",
        ),
    ];
    for (command, args, kind, named) in cases {
        let error = fixture.call(command, args.clone()).unwrap_err();
        assert_eq!(error.kind, kind, "{command} {args}: {error:?}");
        assert!(
            error.message.contains(named),
            "{command} {args}: '{}' does not name {named}",
            error.message
        );
    }
    assert!(
        fixture
            .app
            .store()
            .list_registered_models()
            .unwrap()
            .is_empty()
    );
}

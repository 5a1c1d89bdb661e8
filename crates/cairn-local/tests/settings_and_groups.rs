//! The settings view's commands (where the store is, watched folders, indexing a folder) and the
//! runs table's `group_runs`, called by name through `App::call` as both transports do.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failure should stop the test with its error"
)]

use cairn_app::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use cairn_app::events::AppEvent;
use cairn_core::SqliteStore;
use cairn_local::LocalApp as App;
use serde_json::{Value, json};

fn app_in(dir: &Path) -> App {
    App::new(Arc::new(SqliteStore::open(&dir.join("cairn.db")).unwrap()))
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/real/tensorboard")
}

#[test]
fn app_info_names_the_store_its_artifacts_and_schema() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_in(dir.path());
    cairn_app::demo::seed_demo(app.store()).unwrap();
    let info = app.call("app_info", Value::Null).unwrap();
    assert_eq!(
        info["database_path"],
        dir.path().join("cairn.db").to_string_lossy().as_ref()
    );
    assert_eq!(
        info["artifacts_path"],
        dir.path()
            .join("cairn-artifacts")
            .to_string_lossy()
            .as_ref()
    );
    assert_eq!(
        info["schema_version"],
        cairn_core::store::latest_schema_version()
    );
    let experiments = app.call("list_experiments", json!({})).unwrap();
    let runs: u64 = experiments
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["run_count"].as_u64().unwrap())
        .sum();
    assert!(runs > 0);
    assert_eq!(info["run_count"], runs);
}

#[test]
fn group_runs_counts_each_value_of_the_param_under_the_filter() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_in(dir.path());
    cairn_app::demo::seed_demo(app.store()).unwrap();
    let request = json!({"experiment_ids": [], "filter": "", "order_by": [], "max_results": 1000, "offset": 0});
    let all = app
        .call("list_runs", json!({"request": request.clone()}))
        .unwrap();
    let groups = app
        .call(
            "group_runs",
            json!({"request": request, "groupBy": "optimizer", "metric": "val_acc"}),
        )
        .unwrap();
    assert_eq!(groups["total_count"], all["total_count"]);
    let groups = groups["groups"].as_array().unwrap();
    assert!(groups.len() > 1);
    for group in groups {
        let value = group["value"].as_str().unwrap();
        let filtered = app
            .call(
                "list_runs",
                json!({"request": {"experiment_ids": [], "filter": format!("params.optimizer = '{value}'"), "order_by": [], "max_results": 1, "offset": 0}}),
            )
            .unwrap();
        assert_eq!(group["run_count"], filtered["total_count"], "{value}");
        let metric = &group["metric"];
        assert!(metric["min"].as_f64().unwrap() <= metric["mean"].as_f64().unwrap());
        assert!(metric["mean"].as_f64().unwrap() <= metric["max"].as_f64().unwrap());
    }
    let error = app
        .call("group_runs", json!({"request": {}, "groupBy": " "}))
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Invalid);
}

#[test]
fn index_folder_imports_once_and_reports_progress() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_in(dir.path());
    let events = app.events().subscribe();
    let folder = fixtures();
    let summary = app
        .call("index_folder", json!({"path": folder.to_string_lossy()}))
        .unwrap();
    assert!(summary["runs_new"].as_u64().unwrap() > 0, "{summary}");
    let finished = events
        .try_iter()
        .find(|event| matches!(event, AppEvent::IndexProgress { finished: true, .. }));
    assert!(finished.is_some());
    // A second pass finds nothing new.
    let again = app
        .call("index_folder", json!({"path": folder.to_string_lossy()}))
        .unwrap();
    assert_eq!(again["runs_new"], 0);

    let missing = app
        .call(
            "index_folder",
            json!({"path": dir.path().join("nope").to_string_lossy()}),
        )
        .unwrap_err();
    assert_eq!(missing.kind, ErrorKind::Invalid);
    assert!(missing.message.contains("nope"), "{}", missing.message);
}

#[test]
fn watched_folders_are_followed_listed_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let app = app_in(dir.path());
    let events = app.events().subscribe();
    let path = folder.path().canonicalize().unwrap();
    let path = path.to_string_lossy();

    let listed = app
        .call("add_watched_folder", json!({"path": path}))
        .unwrap();
    assert_eq!(listed[0]["path"], path.as_ref());
    assert_eq!(listed[0]["watched"], true);
    assert_eq!(listed[0]["active"], true);
    // The watcher's first pass ends with a finished progress event for the folder.
    let first_pass = events
        .recv_timeout(Duration::from_secs(20))
        .expect("the first pass reports");
    match first_pass {
        AppEvent::IndexProgress { summary, error, .. } => {
            assert_eq!(summary.path, path.as_ref());
            assert_eq!(error, None);
        }
        other => panic!("unexpected event {other:?}"),
    }

    // Another app on the same store (the next launch) follows it again.
    let relaunched = app_in(dir.path());
    relaunched.start_watching().unwrap();
    let listed = relaunched
        .call("list_watched_folders", Value::Null)
        .unwrap();
    assert_eq!(listed[0]["active"], true);
    drop(relaunched);

    let listed = app
        .call("remove_watched_folder", json!({"path": path}))
        .unwrap();
    assert_eq!(listed, json!([]));
    let again = app
        .call("remove_watched_folder", json!({"path": path}))
        .unwrap_err();
    assert_eq!(again.kind, ErrorKind::NotFound);
}

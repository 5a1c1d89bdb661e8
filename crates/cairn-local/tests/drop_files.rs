//! Drag and drop through `App::call` on a real store: files added to a run are copied, hashed
//! and indexed; hostile names and oversize uploads are refused; dropped folders are imported
//! with progress events.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use cairn_app::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine as _;
use cairn_app::demo::seed_demo;
use cairn_app::events::AppEvent;
use cairn_core::{ProvenanceStore, TrackingStore};
use cairn_local::LocalApp as App;
use cairn_test_support::copy_tree;
use serde_json::{Value, json};

fn demo_app() -> (tempfile::TempDir, App, String) {
    let dir = tempfile::tempdir().unwrap();
    let store = cairn_core::SqliteStore::open(&dir.path().join("cairn.db")).unwrap();
    seed_demo(&store).unwrap();
    let app = App::new(Arc::new(store));
    let runs = app
        .call(
            "list_runs",
            json!({"request": {"experiment_ids": [], "filter": "", "order_by": [],
                               "max_results": 1, "offset": 0}}),
        )
        .unwrap();
    let run_id = runs["runs"][0]["run_id"].as_str().unwrap().to_owned();
    (dir, app, run_id)
}

fn run_artifact_dir(app: &App, run_id: &str) -> PathBuf {
    let run = app.store().get_run(run_id).unwrap();
    let relative = run
        .info
        .artifact_uri
        .strip_prefix("mlflow-artifacts:/")
        .unwrap()
        .to_owned();
    app.store().artifact_root().join(relative)
}

fn blake3_hex(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

#[test]
fn dropped_files_and_folders_become_hashed_indexed_artifacts() {
    let (dir, app, run_id) = demo_app();
    let events = app.events().subscribe();
    let outside = dir.path().join("dropped");
    std::fs::create_dir_all(outside.join("plots/inner")).unwrap();
    std::fs::write(outside.join("notes.txt"), b"hello").unwrap();
    std::fs::write(outside.join("plots/roc.csv"), b"fpr,tpr\n0,0\n1,1\n").unwrap();
    std::fs::write(outside.join("plots/inner/pr.csv"), b"p,r\n").unwrap();

    let added = app
        .call(
            "add_artifacts",
            json!({"runId": run_id, "dest": "extra",
                   "paths": [outside.join("notes.txt"), outside.join("plots")]}),
        )
        .unwrap();
    let paths: Vec<&str> = added["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "extra/notes.txt",
            "extra/plots/inner/pr.csv",
            "extra/plots/roc.csv"
        ]
    );
    let root = run_artifact_dir(&app, &run_id);
    assert_eq!(
        std::fs::read(root.join("extra/notes.txt")).unwrap(),
        b"hello"
    );
    let indexed = app.store().list_artifacts(&run_id).unwrap();
    let notes = indexed
        .iter()
        .find(|f| f.path == "extra/notes.txt")
        .unwrap();
    assert_eq!(notes.size_bytes, 5);
    assert_eq!(notes.blake3.as_deref(), Some(blake3_hex(b"hello").as_str()));
    assert_eq!(notes.location, None);
    assert_eq!(indexed.len(), 3);
    assert_eq!(
        events.try_recv().unwrap(),
        AppEvent::RunsChanged {
            run_ids: vec![run_id.clone()]
        }
    );
}

#[test]
fn hostile_destinations_and_relative_sources_are_refused() {
    let (dir, app, run_id) = demo_app();
    let file = dir.path().join("a.txt");
    std::fs::write(&file, b"a").unwrap();
    for dest in ["../escape", "/etc", "a/../../b", "a\\b"] {
        let error = app
            .call(
                "add_artifacts",
                json!({"runId": run_id, "paths": [file], "dest": dest}),
            )
            .unwrap_err();
        assert_eq!(error.kind, ErrorKind::Invalid, "{dest}: {error}");
    }
    let relative = app
        .call(
            "add_artifacts",
            json!({"runId": run_id, "paths": ["a.txt"]}),
        )
        .unwrap_err();
    assert_eq!(relative.kind, ErrorKind::Invalid);
    let missing_run = app
        .call("add_artifacts", json!({"runId": "nope", "paths": [file]}))
        .unwrap_err();
    assert_eq!(missing_run.kind, ErrorKind::NotFound);
    assert!(app.store().list_artifacts(&run_id).unwrap().is_empty());
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_artifact_folder_are_not_followed() {
    let (dir, app, run_id) = demo_app();
    let file = dir.path().join("a.txt");
    std::fs::write(&file, b"a").unwrap();
    let root = run_artifact_dir(&app, &run_id);
    std::fs::create_dir_all(&root).unwrap();
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("link")).unwrap();
    let escaped = app
        .call(
            "add_artifacts",
            json!({"runId": run_id, "paths": [file], "dest": "link"}),
        )
        .unwrap_err();
    assert_eq!(escaped.kind, ErrorKind::Invalid, "{escaped}");
    assert!(!outside.join("a.txt").exists());
}

#[test]
fn uploads_are_written_hashed_and_capped() {
    let (_dir, app, run_id) = demo_app();
    let content = b"col\n1\n2\n";
    let encoded = base64::engine::general_purpose::STANDARD.encode(content);
    let added = app
        .call(
            "upload_artifact",
            json!({"runId": run_id, "path": "data/sample.csv", "contentBase64": encoded}),
        )
        .unwrap();
    assert_eq!(added["path"], "data/sample.csv");
    assert_eq!(added["size_bytes"], content.len());
    assert_eq!(added["blake3"], blake3_hex(content));
    let root = run_artifact_dir(&app, &run_id);
    assert_eq!(
        std::fs::read(root.join("data/sample.csv")).unwrap(),
        content
    );

    for path in ["../x.csv", "/tmp/x.csv", "", "a/../../x"] {
        let error = app
            .call(
                "upload_artifact",
                json!({"runId": run_id, "path": path, "contentBase64": encoded}),
            )
            .unwrap_err();
        assert_eq!(error.kind, ErrorKind::Invalid, "{path:?}: {error}");
    }
    let not_base64 = app
        .call(
            "upload_artifact",
            json!({"runId": run_id, "path": "x", "contentBase64": "***"}),
        )
        .unwrap_err();
    assert_eq!(not_base64.kind, ErrorKind::Invalid);

    let big = "A".repeat(usize::try_from(cairn_app::files::MAX_UPLOAD_BYTES / 3 * 4 + 16).unwrap());
    let error = app
        .call(
            "upload_artifact",
            json!({"runId": run_id, "path": "big.bin", "contentBase64": big}),
        )
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::TooLarge);
    assert!(error.message.contains("16 MB"), "{}", error.message);
    assert!(!root.join("big.bin").exists());
}

#[test]
fn dropped_folders_are_imported_with_progress_events() {
    let dir = tempfile::tempdir().unwrap();
    let store = cairn_core::SqliteStore::open(&dir.path().join("cairn.db")).unwrap();
    let app = App::new(Arc::new(store));
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/real");
    let copy = dir.path().join("real");
    copy_tree(&fixtures, &copy);
    let events = app.events().subscribe();

    let summary = app
        .call(
            "import_paths",
            json!({"paths": [copy, dir.path().join("gone")], "job": "j1"}),
        )
        .unwrap();
    assert!(summary["runs_new"].as_u64().unwrap() > 0, "{summary}");
    let errors = summary["errors"].as_array().unwrap();
    assert!(
        errors
            .iter()
            .any(|e| e["path"].as_str().unwrap().ends_with("gone")
                && e["reason"] == "does not exist"),
        "{errors:?}"
    );
    let runs = app
        .call(
            "list_runs",
            json!({"request": {"experiment_ids": [], "filter": "", "order_by": [],
                               "max_results": 1000, "offset": 0}}),
        )
        .unwrap();
    let listed = runs["total_count"].as_u64().unwrap();
    assert!(
        listed > 0 && listed <= summary["runs_new"].as_u64().unwrap(),
        "{listed} runs listed (deleted ones are not)"
    );

    let received: Vec<Value> = events
        .try_iter()
        .map(|event| serde_json::to_value(&event).unwrap())
        .collect();
    let progress: Vec<&Value> = received
        .iter()
        .filter(|e| e["type"] == "import_progress")
        .collect();
    assert!(progress.len() >= 2, "{received:?}");
    assert!(progress.iter().all(|e| e["job"] == "j1"));
    let last = progress.last().unwrap();
    assert_eq!(last["done"], true);
    assert_eq!(last["runs_new"], summary["runs_new"]);
    assert!(
        progress[..progress.len() - 1]
            .iter()
            .all(|e| e["done"] == false)
    );
    assert!(received.iter().any(|e| e["type"] == "runs_changed"));

    // Again: nothing new, every run unchanged.
    let again = app.call("import_paths", json!({"paths": [copy]})).unwrap();
    assert_eq!(again["runs_new"], 0);
    assert_eq!(again["runs_updated"], 0);
}

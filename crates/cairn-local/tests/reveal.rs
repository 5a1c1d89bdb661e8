//! "Open in folder": the folder holding a run's artifact is opened with the system's opener
//! (here a shell script standing in for `xdg-open`, which records what it was given).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly on any unexpected error"
)]

use cairn_app::ErrorKind;
use std::fs;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use cairn_core::SqliteStore;
use cairn_core::TrackingStore;
use cairn_core::model::{NewExperiment, NewRun, SourceKind};
use cairn_local::LocalApp;
use cairn_local::reveal::{Opener, reveal_artifact};
use serde_json::json;

struct Fixture {
    _dir: tempfile::TempDir,
    local: LocalApp,
    run_id: String,
    run_dir: PathBuf,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("cairn.db")).unwrap();
    let experiment_id = store
        .create_experiment(&NewExperiment {
            name: "vision".into(),
            artifact_location: None,
            tags: Vec::new(),
            experiment_id: None,
        })
        .unwrap();
    let run = store
        .create_run(&NewRun::new(experiment_id, SourceKind::CairnRun))
        .unwrap();
    let relative = run
        .info
        .artifact_uri
        .strip_prefix("mlflow-artifacts:/")
        .unwrap()
        .to_owned();
    let run_dir = store.artifact_root().join(relative);
    fs::create_dir_all(run_dir.join("plots")).unwrap();
    fs::write(run_dir.join("plots/loss.png"), b"\x89PNG").unwrap();
    Fixture {
        _dir: dir,
        local: LocalApp::new(Arc::new(store)),
        run_id: run.info.run_id,
        run_dir,
    }
}

#[test]
fn reveal_opens_the_folder_holding_the_file() {
    let f = fixture();
    let marker = f.run_dir.parent().unwrap().join("opened-with");
    let opener = Opener {
        program: "sh".into(),
        args: vec![
            "-c".into(),
            format!("printf '%s' \"$1\" > '{}'", marker.display()).into(),
            "opener".into(),
        ],
    };
    let store = f.local.store();
    let shown = reveal_artifact(
        store,
        store.artifact_root(),
        &f.run_id,
        "plots/loss.png",
        &opener,
    )
    .unwrap();
    let expected = f.run_dir.join("plots").canonicalize().unwrap();
    assert_eq!(PathBuf::from(&shown.folder), expected);
    let started = Instant::now();
    while fs::read_to_string(&marker).map_or(true, |text| text.is_empty()) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the opener never ran"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        PathBuf::from(fs::read_to_string(&marker).unwrap()),
        expected
    );
}

#[test]
fn reveal_refuses_paths_that_leave_the_run_folder() {
    let f = fixture();
    for hostile in ["../x", "/etc/passwd", "a\\..\\b"] {
        let error = f
            .local
            .call(
                "reveal_artifact",
                json!({"runId": f.run_id, "path": hostile}),
            )
            .unwrap_err();
        assert_eq!(error.kind, ErrorKind::Invalid, "{hostile}: {error}");
        assert!(error.message.contains(hostile), "{}", error.message);
    }
}

/// The store's commands answer through the local app too, and the local ones are not in the
/// store's table: `App::call` (what `cairn serve` dispatches) does not know them.
#[test]
fn local_commands_are_absent_from_the_store_table() {
    let f = fixture();
    let store_commands: Vec<&str> = cairn_app::commands::names().collect();
    for name in cairn_local::commands::names() {
        if ["app_info", "get_run_page"].contains(&name) {
            // The store has its own, without host paths.
            continue;
        }
        assert!(!store_commands.contains(&name), "{name} is a store command");
        let error = f.local.app().call(name, json!({})).unwrap_err();
        assert_eq!(error.kind, ErrorKind::NotFound, "{name}");
    }
    let info = f.local.call("app_info", json!({})).unwrap();
    assert!(info["database_path"].is_string());
    assert_eq!(info["local_shell"], true);
    let info = f.local.app().call("app_info", json!({})).unwrap();
    assert!(info["database_path"].is_null());
    assert_eq!(info["local_shell"], false);
    let page = json!({"runId": f.run_id});
    let local = f.local.call("get_run_page", page.clone()).unwrap();
    assert!(local["artifact_dir"].is_string(), "{local}");
    let any = f.local.app().call("get_run_page", page).unwrap();
    assert!(any["artifact_dir"].is_null(), "{any}");
    assert_eq!(any["artifacts"], local["artifacts"]);
}

//! The run page's commands against a real store in a temp folder with real files in its artifact
//! folder: the page's data, previews of each kind, hostile paths, the output log, "open in
//! folder" and data manifests.
#![allow(
    clippy::unwrap_used,
    reason = "tests fail loudly on anything unexpected; the fixture helpers are not #[test] code"
)]

use cairn_app::ErrorKind;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine;
use cairn_app::App;
use cairn_app::artifact_files;
use cairn_core::SqliteStore;
use cairn_core::model::{
    ArtifactFile, DataHash, DataKind, GitOrigin, GitProvenance, LogBatch, ManifestEntry,
    ManifestEntryKind, MetricPoint, NewExperiment, NewModelVersion, NewRun, Param, SourceKind, Tag,
};
use cairn_core::{ProvenanceStore, RegistryStore, TrackingStore};
use serde_json::{Value, json};

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

const DIFF: &str = "diff --git a/train.py b/train.py\n--- a/train.py\n+++ b/train.py\n@@ -1 +1 @@\n-lr = 0.1\n+lr = 0.01\n";

struct Fixture {
    _dir: tempfile::TempDir,
    app: App,
    run_id: String,
    run_dir: PathBuf,
    outside: PathBuf,
}

fn write(path: &Path, bytes: &[u8]) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

/// A store with one run that has params, tags, metrics, git provenance with a saved diff, a data
/// hash with its manifest, a registered version and files of every kind in its artifact folder.
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
        .create_run(&NewRun {
            run_name: "adam-lr0.01".into(),
            tags: vec![Tag::new("cairn.command", "python train.py --lr 0.01")],
            ..NewRun::new(experiment_id, SourceKind::CairnRun)
        })
        .unwrap();
    let run_id = run.info.run_id.clone();
    let relative = run
        .info
        .artifact_uri
        .strip_prefix("mlflow-artifacts:/")
        .unwrap();
    let run_dir = store.artifact_root().join(relative);
    store
        .log_batch(
            &run_id,
            &LogBatch {
                params: vec![Param {
                    key: "lr".into(),
                    value: "0.01".into(),
                }],
                tags: vec![Tag::new("team", "vision")],
                ..LogBatch::default()
            },
        )
        .unwrap();
    let history: Vec<MetricPoint> = (0..1000)
        .map(|step| MetricPoint {
            step,
            timestamp_ms: 1_700_000_000_000 + step,
            value: if step == 613 {
                50.0
            } else {
                1.0 / (step + 1) as f64
            },
        })
        .collect();
    store.append_metric(&run_id, "loss", &history).unwrap();
    store
        .set_git_provenance(
            &run_id,
            &GitProvenance {
                commit_sha: Some("0123456789abcdef0123456789abcdef01234567".into()),
                branch: Some("main".into()),
                remote_url: Some("https://example.com/vision.git".into()),
                is_dirty: Some(true),
                diff_artifact: Some("cairn/git.diff".into()),
                untracked_files: vec!["notes.txt".into()],
                ..GitProvenance::empty(GitOrigin::Repository)
            },
        )
        .unwrap();
    let manifest: Vec<ManifestEntry> = (0..5)
        .map(|i| ManifestEntry {
            rel_path: format!("images/{i}.png"),
            kind: ManifestEntryKind::File,
            size_bytes: 100 + i,
            file_hash: format!("{i:064x}"),
        })
        .collect();
    store.record_data_manifest("feedbeef", &manifest).unwrap();
    store
        .set_data_hash(
            &run_id,
            &DataHash {
                path: "data/mnist".into(),
                kind: DataKind::Directory,
                root_hash: "feedbeef".into(),
                size_bytes: 510,
                file_count: 5,
                dvc_md5: None,
            },
        )
        .unwrap();
    store.create_registered_model("mnist", "", &[]).unwrap();
    store
        .create_model_version(&NewModelVersion {
            name: "mnist".into(),
            source: format!("runs:/{run_id}/model"),
            run_id: Some(run_id.clone()),
            user_id: "test".into(),
            ..NewModelVersion::default()
        })
        .unwrap();

    write(&run_dir.join("cairn/git.diff"), DIFF.as_bytes());
    let log: String = (0..2000).map(|i| format!("epoch {i} loss 0.5\n")).collect();
    write(&run_dir.join("cairn/output.log"), log.as_bytes());
    write(
        &run_dir.join("metrics/table.csv"),
        b"epoch,note\n1,\"a, quoted\"\n2,plain\n",
    );
    write(&run_dir.join("config.json"), br#"{"lr": 0.01}"#);
    write(&run_dir.join("plots/loss.png"), PNG);
    write(&run_dir.join("model/model.pkl"), &[0x80, 0x04, 0x00, 0xff]);
    write(&run_dir.join("model/README"), b"plain words\n");
    store
        .record_artifact(
            &run_id,
            &ArtifactFile {
                path: "config.json".into(),
                size_bytes: 12,
                blake3: Some(blake3::hash(br#"{"lr": 0.01}"#).to_hex().to_string()),
                location: None,
                modified_ms: None,
            },
        )
        .unwrap();
    store
        .record_artifact(
            &run_id,
            &ArtifactFile {
                path: "gone.txt".into(),
                size_bytes: 3,
                blake3: None,
                location: None,
                modified_ms: None,
            },
        )
        .unwrap();
    let outside = dir.path().join("secret.txt");
    fs::write(&outside, "outside the run").unwrap();
    Fixture {
        app: App::new(Arc::new(store)),
        _dir: dir,
        run_id,
        run_dir,
        outside,
    }
}

fn call(app: &App, name: &str, args: Value) -> Value {
    app.call(name, args)
        .unwrap_or_else(|error| panic!("{name}: {error}"))
}

#[test]
fn run_page_shows_params_metrics_provenance_artifacts_and_versions() {
    let f = fixture();
    let page = call(&f.app, "get_run_page", json!({"runId": f.run_id}));
    assert_eq!(page["run_name"], "adam-lr0.01");
    assert_eq!(page["params"]["lr"], "0.01");
    assert_eq!(page["tags"]["team"], "vision");
    assert_eq!(page["command"], "python train.py --lr 0.01");
    assert_eq!(page["experiment_name"], "vision");
    assert_eq!(page["metric_summaries"][0]["key"], "loss");
    assert_eq!(page["metric_summaries"][0]["point_count"], 1000);
    assert_eq!(page["metric_summaries"][0]["step"], 999);
    assert_eq!(
        page["git"]["commit"],
        "0123456789abcdef0123456789abcdef01234567"
    );
    assert_eq!(page["git"]["branch"], "main");
    assert_eq!(page["git"]["untracked_files"], json!(["notes.txt"]));
    assert_eq!(page["diff"]["text"], DIFF);
    assert_eq!(page["diff"]["truncated"], false);
    assert_eq!(page["output_log"], "cairn/output.log");
    assert_eq!(page["data"][0]["hash"], "feedbeef");
    assert_eq!(page["model_versions"][0]["name"], "mnist");
    assert_eq!(page["model_versions"][0]["version"], "1");
    // Where the folder lies on the host is the local shell's to show (cairn-local's run page).
    assert_eq!(page["artifact_dir"], Value::Null);

    let listed: Vec<(String, String, bool)> = page["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["path"].as_str().unwrap().to_owned(),
                a["kind"].as_str().unwrap().to_owned(),
                a["present"].as_bool().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("cairn/git.diff", "text", true),
        ("cairn/output.log", "text", true),
        ("config.json", "json", true),
        ("gone.txt", "text", false),
        ("metrics/table.csv", "csv", true),
        ("model/README", "binary", true),
        ("model/model.pkl", "binary", true),
        ("plots/loss.png", "image", true),
    ]
    .map(|(p, k, present)| (p.to_owned(), k.to_owned(), present));
    assert_eq!(listed, expected);
    let config = &page["artifacts"][2];
    assert_eq!(
        config["blake3"].as_str(),
        Some(blake3::hash(br#"{"lr": 0.01}"#).to_hex().as_str())
    );
    assert_eq!(config["size_bytes"], 12);
}

#[test]
fn a_run_without_artifacts_or_provenance_has_an_empty_page() {
    let f = fixture();
    let store = f.app.store();
    let other = store
        .create_run(&NewRun::new(
            store.get_run(&f.run_id).unwrap().info.experiment_id,
            SourceKind::MlflowApi,
        ))
        .unwrap();
    let page = call(&f.app, "get_run_page", json!({"runId": other.info.run_id}));
    assert_eq!(page["artifacts"], json!([]));
    assert_eq!(page["artifact_dir"], Value::Null);
    // Its artifacts would live in the store, so files can be added before the folder exists.
    assert_eq!(page["artifacts_writable"], true);
    assert_eq!(page["diff"], Value::Null);
    assert_eq!(page["output_log"], Value::Null);
    assert_eq!(page["git"], Value::Null);
    assert_eq!(page["model_versions"], json!([]));

    let error = f
        .app
        .call("get_run_page", json!({"runId": "no-such-run"}))
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::NotFound);
}

fn preview(f: &Fixture, path: &str) -> Value {
    call(
        &f.app,
        "read_artifact",
        json!({"runId": f.run_id, "path": path}),
    )
}

#[test]
fn previews_know_csv_json_images_text_and_binaries() {
    let f = fixture();
    let csv = preview(&f, "metrics/table.csv");
    assert_eq!(csv["kind"], "csv");
    assert_eq!(csv["text"], "epoch,note\n1,\"a, quoted\"\n2,plain\n");
    assert_eq!(csv["truncated"], false);

    let config = preview(&f, "config.json");
    assert_eq!(config["kind"], "json");
    assert_eq!(config["text"], r#"{"lr": 0.01}"#);
    assert_eq!(
        config["blake3"].as_str(),
        Some(blake3::hash(br#"{"lr": 0.01}"#).to_hex().as_str())
    );

    let image = preview(&f, "plots/loss.png");
    assert_eq!(image["kind"], "image");
    assert_eq!(image["mime"], "image/png");
    assert_eq!(image["size_bytes"], PNG.len());
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(image["base64"].as_str().unwrap())
        .unwrap();
    assert_eq!(decoded, PNG);

    let pickle = preview(&f, "model/model.pkl");
    assert_eq!(pickle["kind"], "binary");
    assert_eq!(pickle["text"], Value::Null);
    assert_eq!(pickle["base64"], Value::Null);
    assert_eq!(
        pickle["blake3"].as_str(),
        Some(blake3::hash(&[0x80, 0x04, 0x00, 0xff]).to_hex().as_str())
    );

    // No extension: the content decides.
    let readme = preview(&f, "model/README");
    assert_eq!(readme["kind"], "text");
    assert_eq!(readme["text"], "plain words\n");
}

#[test]
fn images_over_the_limit_are_listed_without_content() {
    let f = fixture();
    let big = vec![0u8; artifact_files::MAX_IMAGE_BYTES as usize + 1];
    write(&f.run_dir.join("plots/huge.png"), &big);
    let image = preview(&f, "plots/huge.png");
    assert_eq!(image["kind"], "image");
    assert_eq!(image["truncated"], true);
    assert_eq!(image["base64"], Value::Null);
    assert_eq!(image["size_bytes"], big.len());
}

#[test]
fn output_log_reads_from_the_end_without_cutting_characters() {
    let f = fixture();
    let tail = call(
        &f.app,
        "read_artifact",
        json!({"runId": f.run_id, "path": "cairn/output.log", "maxBytes": 100, "fromEnd": true}),
    );
    let text = tail["text"].as_str().unwrap();
    assert!(text.ends_with("epoch 1999 loss 0.5\n"), "{text}");
    assert!(text.len() <= 100);
    assert_eq!(tail["truncated"], true);
    assert_eq!(tail["from_end"], true);

    // A multi-byte character cut by the limit is dropped, not turned into U+FFFD.
    write(&f.run_dir.join("notes.txt"), "ééééé".as_bytes());
    let head = call(
        &f.app,
        "read_artifact",
        json!({"runId": f.run_id, "path": "notes.txt", "maxBytes": 5}),
    );
    assert_eq!(head["text"], "éé");
    let end = call(
        &f.app,
        "read_artifact",
        json!({"runId": f.run_id, "path": "notes.txt", "maxBytes": 5, "fromEnd": true}),
    );
    assert_eq!(end["text"], "éé");
}

#[test]
fn hostile_paths_are_refused_naming_the_path() {
    let f = fixture();
    std::os::unix::fs::symlink(&f.outside, f.run_dir.join("escape.txt")).unwrap();
    std::os::unix::fs::symlink(f.outside.parent().unwrap(), f.run_dir.join("up")).unwrap();
    std::os::unix::fs::symlink(f.run_dir.join("config.json"), f.run_dir.join("alias.json"))
        .unwrap();
    for hostile in [
        "../secret.txt",
        "plots/../../secret.txt",
        "/etc/passwd",
        "escape.txt",
        "up/secret.txt",
        "a\\..\\b",
    ] {
        let error = f
            .app
            .call("read_artifact", json!({"runId": f.run_id, "path": hostile}))
            .unwrap_err();
        assert_eq!(error.kind, ErrorKind::Invalid, "{hostile}: {error}");
        assert!(error.message.contains(hostile), "{}", error.message);
    }
    // A link that stays inside the run's folder is followed.
    assert_eq!(preview(&f, "alias.json")["kind"], "json");
    // The listing leaves out links that lead out.
    let page = call(&f.app, "get_run_page", json!({"runId": f.run_id}));
    let paths: Vec<&str> = page["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"alias.json"));
    assert!(!paths.contains(&"escape.txt"));
    assert!(!paths.iter().any(|p| p.starts_with("up/")));

    let missing = f
        .app
        .call(
            "read_artifact",
            json!({"runId": f.run_id, "path": "nope.txt"}),
        )
        .unwrap_err();
    assert_eq!(missing.kind, ErrorKind::NotFound);
    assert!(missing.message.contains("nope.txt"));
    let folder = f
        .app
        .call("read_artifact", json!({"runId": f.run_id, "path": "plots"}))
        .unwrap_err();
    assert_eq!(folder.kind, ErrorKind::Invalid);
}

#[test]
fn runs_indexed_in_place_read_their_own_folder() {
    let f = fixture();
    let store = f.app.store();
    let mlruns = f.outside.parent().unwrap().join("mlruns");
    let elsewhere = mlruns.join("1/abc/artifacts");
    write(&elsewhere.join("model/MLmodel"), b"flavors: {}\n");
    // The folder was indexed by a local shell: files there may be read.
    store
        .add_index_root(&mlruns.canonicalize().unwrap().to_string_lossy(), false)
        .unwrap();
    let run = store
        .create_run(&NewRun {
            artifact_uri: Some(format!("file://{}", elsewhere.display())),
            ..NewRun::new(
                store.get_run(&f.run_id).unwrap().info.experiment_id,
                SourceKind::Mlruns,
            )
        })
        .unwrap();
    let page = call(&f.app, "get_run_page", json!({"runId": run.info.run_id}));
    assert_eq!(page["artifacts"][0]["path"], "model/MLmodel");
    assert_eq!(page["artifacts"][0]["kind"], "text");
    // Cairn reads another tool's folder but does not add files to it.
    assert_eq!(page["artifacts_writable"], false);
    let mlmodel = call(
        &f.app,
        "read_artifact",
        json!({"runId": run.info.run_id, "path": "model/MLmodel"}),
    );
    assert_eq!(mlmodel["text"], "flavors: {}\n");
}

#[test]
fn data_manifest_lists_the_first_entries_and_the_total() {
    let f = fixture();
    let manifest = call(
        &f.app,
        "data_manifest",
        json!({"rootHash": "feedbeef", "limit": 2}),
    );
    assert_eq!(manifest["total_count"], 5);
    assert_eq!(manifest["entries"].as_array().unwrap().len(), 2);
    assert_eq!(manifest["entries"][0]["path"], "images/0.png");
    assert_eq!(manifest["entries"][0]["size_bytes"], 100);
}

/// An artifact location is data: a run whose location names a folder outside the store's
/// artifact folder and the folders it indexes (a crafted `meta.yaml`, a client's `artifact_uri`)
/// has its files neither listed nor read, and the refusal names the folder.
#[test]
fn artifact_locations_outside_the_store_roots_are_not_read() {
    let f = fixture();
    let store = f.app.store();
    let secret_dir = f.outside.parent().unwrap().to_path_buf();
    let experiment_id = store.get_run(&f.run_id).unwrap().info.experiment_id;
    for location in [
        format!("file://{}", secret_dir.display()),
        secret_dir.display().to_string(),
        "file:///etc".to_owned(),
    ] {
        let run = store
            .create_run(&NewRun {
                artifact_uri: Some(location.clone()),
                ..NewRun::new(experiment_id, SourceKind::Mlruns)
            })
            .unwrap();
        let run_id = run.info.run_id;
        let page = call(&f.app, "get_run_page", json!({"runId": run_id}));
        assert_eq!(page["artifacts"], json!([]), "{location}");
        assert_eq!(page["artifact_dir"], Value::Null, "{location}");
        for path in ["secret.txt", "passwd", ""] {
            let error = f
                .app
                .call("read_artifact", json!({"runId": run_id, "path": path}))
                .unwrap_err();
            assert_eq!(
                error.kind,
                ErrorKind::Forbidden,
                "{location} {path}: {error}"
            );
            let folder = location.trim_start_matches("file://");
            assert!(error.message.contains(folder), "{}", error.message);
        }
    }
}

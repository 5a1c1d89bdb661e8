//! Who may do what (SECURITY.md), end to end against a real `cairn serve`: an HTTP caller —
//! with or without a token — can never make the server read, copy, index, watch or reveal a path
//! of its machine, nor switch its store; locations that come from outside (an uploaded
//! `mlruns/`, an indexed run's `artifact_uri`, a model version's source) are data. Each check
//! aims at a canary outside the store and then looks that it was not reached.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly on any unexpected error"
)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use cairn_test_support::copy_tree;
use common::Sandbox;
use common::served::Served;
use serde_json::{Value, json};

const CANARY: &str = "canary-7f3a: this file is outside the store";

/// The sandbox's canaries: a secret file, a folder of real MLflow runs to import, and an
/// `xdg-open` on the server's PATH that leaves a mark when started.
struct Canaries {
    secret: PathBuf,
    mlruns: PathBuf,
    marker: PathBuf,
    bin: PathBuf,
}

fn canaries(sandbox: &Sandbox) -> Canaries {
    let outside = sandbox.path("outside");
    fs::create_dir_all(&outside).unwrap();
    let secret = outside.join("secret.txt");
    fs::write(&secret, CANARY).unwrap();
    let mlruns = outside.join("project/mlruns");
    copy_tree(&fixtures().join("mlflow-filestore/mlruns"), &mlruns);
    let bin = sandbox.path("bin");
    fs::create_dir_all(&bin).unwrap();
    let marker = sandbox.path("opener-ran");
    for opener in ["xdg-open", "open", "gio"] {
        let script = bin.join(opener);
        fs::write(
            &script,
            format!("#!/bin/sh\necho \"$@\" > '{}'\n", marker.display()),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt as _;
        fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    }
    Canaries {
        secret,
        mlruns,
        marker,
        bin,
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/real")
}

fn serve(sandbox: &Sandbox, canaries: &Canaries, token: Option<&str>, extra: &[&str]) -> Served {
    let path = format!(
        "{}:{}",
        canaries.bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut args = extra.to_vec();
    if let Some(token) = token {
        args.extend(["--auth-token", token]);
    }
    let mut served = sandbox.serve(&args, &[("PATH", path.as_str())]);
    served.authorization = token.map(|token| format!("Bearer {token}"));
    served
}

/// An experiment and a run logged through the MLflow API: (run id, artifact path of the run
/// under `mlflow-artifacts/artifacts/`).
fn logged_run(served: &Served) -> (String, String) {
    let experiment = served.ok(
        "/api/2.0/mlflow/experiments/create",
        &json!({"name": "trust"}),
    );
    let run = served.ok(
        "/api/2.0/mlflow/runs/create",
        &json!({"experiment_id": experiment["experiment_id"]}),
    );
    let info = &run["run"]["info"];
    let uri = info["artifact_uri"].as_str().unwrap();
    let relative = uri.strip_prefix("mlflow-artifacts:/").unwrap().to_owned();
    (info["run_id"].as_str().unwrap().to_owned(), relative)
}

/// Every file under `folder` whose bytes contain the canary.
fn files_holding_the_canary(folder: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = fs::read_dir(folder) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_holding_the_canary(&path));
        } else if fs::read(&path).is_ok_and(|bytes| {
            bytes
                .windows(CANARY.len())
                .any(|window| window == CANARY.as_bytes())
        }) {
            found.push(path);
        }
    }
    found
}

fn run_count(sandbox: &Sandbox) -> usize {
    sandbox.json(&["runs", "list"]).as_array().unwrap().len()
}

/// Each of the local shell's commands, with arguments aimed at the canaries.
fn local_commands(
    canaries: &Canaries,
    run_id: &str,
    sandbox: &Sandbox,
) -> Vec<(&'static str, Value)> {
    let secret = canaries.secret.to_string_lossy().into_owned();
    let outside = canaries
        .secret
        .parent()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let mlruns = canaries.mlruns.to_string_lossy().into_owned();
    let other_store = sandbox
        .path("elsewhere/other.db")
        .to_string_lossy()
        .into_owned();
    vec![
        ("add_artifacts", json!({"runId": run_id, "paths": [secret]})),
        ("import_paths", json!({"paths": [mlruns], "job": "j"})),
        ("index_folder", json!({"path": mlruns})),
        ("add_watched_folder", json!({"path": outside})),
        ("remove_watched_folder", json!({"path": outside})),
        ("list_watched_folders", json!({})),
        ("reveal_artifact", json!({"runId": run_id, "path": ""})),
        ("use_store", json!({"path": other_store})),
        ("get_team_server", json!({})),
        (
            "set_team_server",
            json!({"url": "http://127.0.0.1:9", "token": "a-token"}),
        ),
        ("push_to_team", json!({"runIds": [run_id]})),
        (
            "compare_run_data",
            json!({"referenceRun": run_id, "currentRun": run_id}),
        ),
    ]
}

#[test]
fn http_callers_reach_no_local_shell_command_with_or_without_a_token() {
    for token in [None, Some("s3cret-token")] {
        let sandbox = Sandbox::with_store("store/cairn.db");
        let canaries = canaries(&sandbox);
        let served = serve(&sandbox, &canaries, token, &[]);
        let (run_id, _) = logged_run(&served);
        let commands = local_commands(&canaries, &run_id, &sandbox);
        // The table covers every command only a local shell has.
        let mut named: Vec<&str> = commands.iter().map(|(name, _)| *name).collect();
        // These two the store has too, without host paths (checked below).
        named.extend(["app_info", "get_run_page"]);
        for name in cairn_local::commands::names() {
            assert!(
                named.contains(&name),
                "no check for the local command {name}"
            );
        }
        for (name, args) in &commands {
            let reply = served.post(&format!("/app/api/{name}"), args);
            assert_eq!(reply.status, 404, "{name}: {}", reply.body);
            assert_eq!(
                reply.json()["error_code"],
                "RESOURCE_DOES_NOT_EXIST",
                "{name}"
            );
            // The dispatch table is the same for the `ajax` spelling and for GETs.
            let reply = served.request("GET", &format!("/app/api/{name}"), b"");
            assert!(
                matches!(reply.status, 404 | 405),
                "GET {name}: {}",
                reply.status
            );
        }
        // What a caller may know of the store holds no path of this machine.
        let info = served.ok("/app/api/app_info", &json!({}));
        assert_eq!(info["database_path"], Value::Null);
        assert_eq!(info["local_shell"], false);
        let home = sandbox.home().to_string_lossy().into_owned();
        assert!(!info.to_string().contains(&home), "{info}");
        let page = served.ok("/app/api/get_run_page", &json!({"runId": run_id}));
        assert_eq!(page["artifact_dir"], Value::Null);
        assert!(!page.to_string().contains(&home), "{page}");

        // Nothing reached the canaries.
        let store_dir = sandbox.path("store");
        assert_eq!(files_holding_the_canary(&store_dir), Vec::<PathBuf>::new());
        drop(served);
        assert_eq!(run_count(&sandbox), 1, "nothing was imported");
        let roots = sandbox.json(&["store"]);
        assert!(!roots.to_string().contains("outside"), "{roots}");
        assert!(!canaries.marker.exists(), "a program was started");
        assert!(!sandbox.path("elsewhere").exists(), "a store was made");
        assert!(
            !sandbox.path("config/settings.json").exists(),
            "the store choice was changed"
        );
    }
}

#[test]
fn an_uploaded_mlruns_pointing_outside_is_never_imported_nor_read() {
    let sandbox = Sandbox::with_store("store/cairn.db");
    let canaries = canaries(&sandbox);
    let served = serve(&sandbox, &canaries, Some("t"), &[]);
    let (run_id, artifacts) = logged_run(&served);
    // A crafted mlruns/ arrives as uploaded bytes: its run claims the canary's folder.
    let crafted = "mlruns/1/0123456789abcdef0123456789abcdef";
    let outside = canaries.secret.parent().unwrap();
    let meta = format!(
        "artifact_uri: file://{}\nexperiment_id: '1'\nlifecycle_stage: active\n\
         run_id: 0123456789abcdef0123456789abcdef\nrun_name: crafted\nstart_time: 1\nstatus: 3\n\
         user_id: x\n",
        outside.display()
    );
    for (path, body) in [
        (format!("{crafted}/meta.yaml"), meta.as_str()),
        (
            "mlruns/1/meta.yaml".to_owned(),
            "experiment_id: '1'\nname: crafted\nlifecycle_stage: active\nartifact_location: file:///tmp\n",
        ),
        (format!("{crafted}/params/lr"), "0.1"),
    ] {
        let reply = served.request(
            "PUT",
            &format!("/api/2.0/mlflow-artifacts/artifacts/{artifacts}/{path}"),
            body.as_bytes(),
        );
        assert_eq!(reply.status, 200, "{path}: {}", reply.body);
    }
    let uploaded = sandbox.path("store");
    for (name, args) in [
        ("index_folder", json!({"path": uploaded})),
        ("import_paths", json!({"paths": [uploaded]})),
        ("add_watched_folder", json!({"path": uploaded})),
    ] {
        assert_eq!(
            served.post(&format!("/app/api/{name}"), &args).status,
            404,
            "{name}"
        );
    }
    drop(served);
    // Even the person at the machine indexing the store's whole folder does not import the
    // store's own artifacts.
    let report = sandbox.json(&["index", uploaded.to_str().unwrap()]);
    assert_eq!(report["runs_new"], 0, "{report}");
    assert_eq!(run_count(&sandbox), 1);

    // The run's own uploaded files are still served, as bytes.
    let served = serve(&sandbox, &canaries, Some("t"), &[]);
    let preview = served.ok(
        "/app/api/read_artifact",
        &json!({"runId": run_id, "path": format!("{crafted}/params/lr")}),
    );
    assert_eq!(preview["text"], "0.1");
}

#[test]
fn an_index_root_run_pointing_outside_its_root_is_not_read() {
    let sandbox = Sandbox::with_store("store/cairn.db");
    let canaries = canaries(&sandbox);
    // The operator allow-lists a shared folder; in it, a run whose location points elsewhere.
    let shared = sandbox.path("shared");
    let run_dir = shared.join("mlruns/5/fedcba9876543210fedcba9876543210");
    fs::create_dir_all(run_dir.join("params")).unwrap();
    fs::write(
        shared.join("mlruns/5/meta.yaml"),
        "experiment_id: '5'\nname: shared\nlifecycle_stage: active\nartifact_location: x\n",
    )
    .unwrap();
    let outside = canaries.secret.parent().unwrap();
    fs::write(
        run_dir.join("meta.yaml"),
        format!(
            "artifact_uri: file://{}\nexperiment_id: '5'\nlifecycle_stage: active\n\
             run_id: fedcba9876543210fedcba9876543210\nrun_name: pointing-out\nstart_time: 1\n\
             status: 3\nuser_id: x\n",
            outside.display()
        ),
    )
    .unwrap();
    let served = serve(
        &sandbox,
        &canaries,
        None,
        &["--index-root", shared.to_str().unwrap()],
    );
    let run_id = "fedcba9876543210fedcba9876543210";
    // The allow-listed folder is indexed (its first pass runs in the background).
    let started = std::time::Instant::now();
    while served
        .post("/app/api/get_run_page", &json!({"runId": run_id}))
        .status
        != 200
    {
        assert!(
            started.elapsed().as_secs() < 60,
            "the index root was never indexed"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let page = served.ok("/app/api/get_run_page", &json!({"runId": run_id}));
    assert_eq!(page["artifacts"], json!([]), "{page}");
    let reply = served.post(
        "/app/api/read_artifact",
        &json!({"runId": run_id, "path": "secret.txt"}),
    );
    assert_eq!(reply.status, 403, "{}", reply.body);
    assert!(
        reply.body.contains(&outside.display().to_string()),
        "{}",
        reply.body
    );
    assert!(!reply.body.contains(CANARY));
}

#[test]
fn a_missing_index_root_stops_the_server_at_start() {
    let sandbox = Sandbox::with_store("store/cairn.db");
    let output = sandbox.run(&["serve", "--port", "0", "--index-root", "/nonexistent/runs"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("/nonexistent/runs"), "{stderr}");
}

/// Model versions from sources MLflow's server refuses (≥ 2.9) are refused with 400; sources
/// inside the run's artifacts and remote ones are taken.
#[test]
fn model_version_sources_are_checked() {
    let sandbox = Sandbox::with_store("store/cairn.db");
    let canaries = canaries(&sandbox);
    let served = serve(&sandbox, &canaries, None, &[]);
    let (run_id, artifacts) = logged_run(&served);
    served.ok(
        "/api/2.0/mlflow/registered-models/create",
        &json!({"name": "m"}),
    );
    let run_folder = sandbox.path("store/cairn-artifacts").join(&artifacts);
    fs::create_dir_all(run_folder.join("model")).unwrap();
    let inside = format!("file://{}", run_folder.join("model").display());
    let secret = canaries.secret.display().to_string();
    let cases: Vec<(String, Option<&str>, u16)> = vec![
        (
            format!("mlflow-artifacts:/{artifacts}/model"),
            Some(&run_id),
            200,
        ),
        (format!("runs:/{run_id}/model"), None, 200),
        ("s3://bucket/models/1".into(), None, 200),
        (inside.clone(), Some(&run_id), 200),
        (
            format!("mlflow-artifacts:/{artifacts}/../../../etc"),
            None,
            400,
        ),
        (
            format!("mlflow-artifacts:/{artifacts}/%2E%2E/%2e%2e/x"),
            None,
            400,
        ),
        ("s3://bucket/a/../b".into(), None, 400),
        (
            "runs:/0123456789abcdef0123456789abcdef/model".into(),
            None,
            400,
        ),
        (format!("runs:/{run_id}/../../x"), None, 400),
        (format!("file://{secret}"), Some(&run_id), 400),
        (secret.clone(), Some(&run_id), 400),
        (inside, None, 400),
        ("model".into(), Some(&run_id), 400),
    ];
    for (source, run, status) in cases {
        let mut body = json!({"name": "m", "source": source});
        if let Some(run) = run {
            body["run_id"] = json!(run);
        }
        let reply = served.post("/api/2.0/mlflow/model-versions/create", &body);
        assert_eq!(reply.status, status, "{source}: {}", reply.body);
        if status == 400 {
            assert_eq!(
                reply.json()["error_code"],
                "INVALID_PARAMETER_VALUE",
                "{source}"
            );
        }
    }
}

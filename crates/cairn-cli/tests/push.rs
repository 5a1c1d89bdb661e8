//! `cairn push` end to end: runs logged to a laptop's store file (through a real `cairn serve` on
//! it: metric histories of thousands of points, params, tags, a description, an artifact file and
//! folder, a registered model version with a stage and an alias) pushed to a second real `cairn
//! serve`, then both read back through the REST API and compared record by record; a second
//! push sends nothing; a push killed mid-way and run again finishes with no duplicate; a server
//! asking for a token gets it from MLFLOW_TRACKING_TOKEN or --token-file, and a wrong one fails
//! naming the run, never the token.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly on any unexpected error"
)]

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use common::Sandbox;
use common::served::Served;
use serde_json::{Value, json};

/// Tags that describe one side only: where the laptop's run went, where the team's came from.
const ONE_SIDED_TAGS: &[&str] = &["cairn.pushed_to", "cairn.source_run_id"];

/// The laptop's runs: (run id, points per metric).
struct Laptop {
    sandbox: Sandbox,
    runs: Vec<String>,
}

fn api(path: &str) -> String {
    format!("/api/2.0/mlflow/{path}")
}

/// Logs `runs` runs of `points` points per metric (two metrics) into a new laptop store, the
/// first with artifacts and a registered model version.
fn laptop(runs: usize, points: usize) -> Laptop {
    let sandbox = Sandbox::with_store("laptop.db");
    let served = sandbox.serve(&[], &[]);
    let experiment = served.ok(
        &api("experiments/create"),
        &json!({ "name": "vision", "tags": [{ "key": "team", "value": "cv" }] }),
    )["experiment_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut ids = Vec::new();
    for index in 0..runs {
        let created = served.ok(
            &api("runs/create"),
            &json!({
                "experiment_id": experiment,
                "run_name": format!("trial-{index}"),
                "start_time": 1_700_000_000_000_i64 + index as i64,
                "tags": [{ "key": "mlflow.note.content", "value": format!("notes of trial {index}") }],
            }),
        );
        let id = created["run"]["info"]["run_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let params: Vec<Value> = (0..12)
            .map(|p| json!({ "key": format!("p{p}"), "value": format!("{}", p * index) }))
            .collect();
        served.ok(
            &api("runs/log-batch"),
            &json!({ "run_id": id, "params": params, "tags": [{ "key": "stage", "value": "try" }] }),
        );
        for key in ["loss", "accuracy"] {
            for chunk in (0..points).collect::<Vec<_>>().chunks(1000) {
                let metrics: Vec<Value> = chunk
                    .iter()
                    .map(|step| {
                        json!({
                            "key": key, "step": step,
                            "timestamp": 1_700_000_000_000_i64 + *step as i64,
                            "value": (*step as f64).sin() + index as f64,
                        })
                    })
                    .collect();
                served.ok(
                    &api("runs/log-batch"),
                    &json!({ "run_id": id, "metrics": metrics }),
                );
            }
        }
        if index == 0 {
            let uri = created["run"]["info"]["artifact_uri"].as_str().unwrap();
            let prefix = uri
                .trim_start_matches("mlflow-artifacts:")
                .trim_matches('/');
            for (path, body) in [
                ("report.txt", b"accuracy 0.93\n".repeat(100)),
                ("model/weights.bin", vec![7_u8; 70_000]),
                ("model/MLmodel", b"flavors: {}\n".to_vec()),
            ] {
                let reply = served.request(
                    "PUT",
                    &format!("/api/2.0/mlflow-artifacts/artifacts/{prefix}/{path}"),
                    &body,
                );
                assert_eq!(reply.status, 200, "{}", reply.body);
            }
            served.ok(
                &api("registered-models/create"),
                &json!({ "name": "detector", "tags": [{ "key": "owner", "value": "cv" }] }),
            );
            served.ok(
                &api("model-versions/create"),
                &json!({ "name": "detector", "source": format!("runs:/{id}/model"), "run_id": id }),
            );
            served.ok(
                &api("model-versions/transition-stage"),
                &json!({ "name": "detector", "version": "1", "stage": "Staging",
                         "archive_existing_versions": false }),
            );
            served.ok(
                &api("registered-models/alias"),
                &json!({ "name": "detector", "alias": "champion", "version": "1" }),
            );
        }
        served.ok(
            &api("runs/update"),
            &json!({ "run_id": id, "status": "FINISHED", "end_time": 1_700_000_500_000_i64 }),
        );
        ids.push(id);
    }
    drop(served);
    Laptop { sandbox, runs: ids }
}

fn get(served: &Served, path: &str) -> Value {
    let reply = served.request("GET", path, b"");
    assert_eq!(reply.status, 200, "{path}: {}", reply.body);
    reply.json()
}

fn pairs(list: &Value) -> BTreeMap<String, String> {
    list.as_array()
        .into_iter()
        .flatten()
        .map(|pair| {
            (
                pair["key"].as_str().unwrap().to_owned(),
                pair["value"].as_str().unwrap().to_owned(),
            )
        })
        .filter(|(key, _)| !ONE_SIDED_TAGS.contains(&key.as_str()))
        .collect()
}

/// A run as both sides must agree on it: info, params, tags, every metric point, every file.
fn record(served: &Served, run_id: &str) -> Value {
    let run = get(served, &api(&format!("runs/get?run_id={run_id}")))["run"].clone();
    let mut histories = BTreeMap::new();
    for metric in run["data"]["metrics"].as_array().unwrap() {
        let key = metric["key"].as_str().unwrap();
        let history = get(
            served,
            &api(&format!(
                "metrics/get-history?run_id={run_id}&metric_key={key}"
            )),
        );
        let points: Vec<(i64, i64, f64)> = history["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["step"].as_i64().unwrap(),
                    p["timestamp"].as_i64().unwrap(),
                    p["value"].as_f64().unwrap(),
                )
            })
            .collect();
        histories.insert(key.to_owned(), points);
    }
    let mut files = BTreeMap::new();
    let mut pending = vec![String::new()];
    while let Some(folder) = pending.pop() {
        let listing = get(
            served,
            &api(&format!("artifacts/list?run_id={run_id}&path={folder}")),
        );
        for file in listing["files"].as_array().into_iter().flatten() {
            let path = file["path"].as_str().unwrap().to_owned();
            if file["is_dir"].as_bool() == Some(true) {
                pending.push(path);
            } else {
                files.insert(path, file["file_size"].clone());
            }
        }
    }
    let info = &run["info"];
    json!({
        "name": info["run_name"], "status": info["status"],
        "start": info["start_time"], "end": info["end_time"],
        "params": pairs(&run["data"]["params"]), "tags": pairs(&run["data"]["tags"]),
        "metrics": histories, "files": files,
    })
}

/// The team's run of local run `run_id`, found by its tag.
fn team_run(team: &Served, run_id: &str) -> Vec<String> {
    let reply = team.request(
        "GET",
        &api("experiments/get-by-name?experiment_name=vision"),
        b"",
    );
    if reply.status == 404 {
        return Vec::new();
    }
    let experiment = reply.json();
    let id = experiment["experiment"]["experiment_id"].as_str().unwrap();
    let found = team.ok(
        &api("runs/search"),
        &json!({ "experiment_ids": [id], "run_view_type": "ALL",
                 "filter": format!("tags.`cairn.source_run_id` = '{run_id}'") }),
    );
    found["runs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|run| run["info"]["run_id"].as_str().unwrap().to_owned())
        .collect()
}

/// Fails naming the first part of two records that differs (a whole history would drown it).
fn assert_same(local: &Value, team: &Value, run_id: &str) {
    for (field, mine) in local.as_object().unwrap() {
        let theirs = &team[field];
        if field == "metrics" {
            for (key, points) in mine.as_object().unwrap() {
                let (a, b) = (points.as_array().unwrap(), theirs[key].as_array());
                assert_eq!(
                    Some(a.len()),
                    b.map(Vec::len),
                    "run {run_id}: points of '{key}'"
                );
                let first = a
                    .iter()
                    .zip(b.unwrap())
                    .position(|(x, y)| !same_point(x, y));
                assert_eq!(
                    first, None,
                    "run {run_id}: '{key}' differs from point {first:?}"
                );
            }
        }
        if field != "metrics" {
            assert_eq!(mine, theirs, "run {run_id}: {field}");
        }
    }
}

/// The same step, timestamp and value, to the bit: JSON numbers are read back exactly.
fn same_point(a: &Value, b: &Value) -> bool {
    let (x, y) = (a[2].as_f64().unwrap(), b[2].as_f64().unwrap());
    a[0] == b[0] && a[1] == b[1] && x.to_bits() == y.to_bits()
}

fn push(
    laptop: &Laptop,
    to: &Served,
    env: &[(&str, &str)],
    extra: &[&str],
) -> std::process::Output {
    let mut command = laptop.sandbox.command();
    command
        .arg("--store")
        .arg(laptop.sandbox.store())
        .arg("push")
        .args(&laptop.runs)
        .arg("--to")
        .arg(format!("http://{}", to.address))
        .args(extra)
        .env_remove("MLFLOW_TRACKING_TOKEN")
        .env_remove("MLFLOW_TRACKING_USERNAME")
        .env_remove("MLFLOW_TRACKING_PASSWORD")
        .envs(env.iter().copied());
    command.output().unwrap()
}

fn push_json(laptop: &Laptop, to: &Served, env: &[(&str, &str)]) -> Value {
    let output = push(laptop, to, env, &["--json"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn a_push_arrives_record_by_record_and_a_second_push_sends_nothing() {
    let laptop = laptop(3, 2500);
    let team_sandbox = Sandbox::with_store("team.db");
    let team = team_sandbox.serve(&[], &[]);

    let first = push_json(&laptop, &team, &[]);
    let totals = &first["totals"];
    assert_eq!(totals["runs"], 3, "{first}");
    assert_eq!(totals["created"], 3);
    assert_eq!(totals["points"], 3 * 2 * 2500);
    assert_eq!(totals["params"], 3 * 12);
    assert_eq!(totals["files"], 3);
    assert_eq!(totals["model_versions"], 1);
    assert!(first["failed"].as_array().unwrap().is_empty());

    let local = laptop.sandbox.serve(&[], &[]);
    for run_id in &laptop.runs {
        let there = team_run(&team, run_id);
        assert_eq!(there.len(), 1, "one team run for {run_id}");
        assert_same(&record(&local, run_id), &record(&team, &there[0]), run_id);
        // The laptop remembers where it went.
        let mine = get(&local, &api(&format!("runs/get?run_id={run_id}")));
        let tags = mine["run"]["data"]["tags"].as_array().unwrap();
        let pushed_to = tags
            .iter()
            .find(|tag| tag["key"] == "cairn.pushed_to")
            .expect("the cairn.pushed_to tag");
        let map: Value = serde_json::from_str(pushed_to["value"].as_str().unwrap()).unwrap();
        assert_eq!(map[format!("http://{}", team.address)], there[0]);
    }

    // The registry: the version once, pointing at the team's run, with its stage and alias.
    let team_first = team_run(&team, &laptop.runs[0]).remove(0);
    let versions = get(
        &team,
        &api("model-versions/search?filter=name%3D%27detector%27"),
    );
    let versions = versions["model_versions"].as_array().unwrap();
    assert_eq!(versions.len(), 1, "{versions:?}");
    assert_eq!(versions[0]["run_id"], team_first);
    assert_eq!(versions[0]["source"], format!("runs:/{team_first}/model"));
    assert_eq!(versions[0]["current_stage"], "Staging");
    let model = get(&team, &api("registered-models/get?name=detector"));
    assert_eq!(model["registered_model"]["aliases"][0]["alias"], "champion");
    let experiment = get(
        &team,
        &api("experiments/get-by-name?experiment_name=vision"),
    );
    assert_eq!(experiment["experiment"]["tags"][0]["key"], "team");

    // Again: nothing is sent, nothing is created, no point doubles.
    drop(local);
    let second = push_json(&laptop, &team, &[]);
    let totals = &second["totals"];
    for field in [
        "created",
        "params",
        "tags",
        "points",
        "files",
        "model_versions",
    ] {
        assert_eq!(totals[field], 0, "{field}: {second}");
    }
    let local = laptop.sandbox.serve(&[], &[]);
    for run_id in &laptop.runs {
        let there = team_run(&team, run_id);
        assert_eq!(there.len(), 1);
        assert_same(&record(&local, run_id), &record(&team, &there[0]), run_id);
    }
    let versions = get(
        &team,
        &api("model-versions/search?filter=name%3D%27detector%27"),
    );
    assert_eq!(versions["model_versions"].as_array().unwrap().len(), 1);

    // Local memory lost (the tag deleted): the tag on the team's run still finds it.
    for run_id in &laptop.runs {
        local.ok(
            &api("runs/delete-tag"),
            &json!({ "run_id": run_id, "key": "cairn.pushed_to" }),
        );
    }
    drop(local);
    let third = push_json(&laptop, &team, &[]);
    assert_eq!(third["totals"]["created"], 0, "{third}");
    assert_eq!(third["totals"]["points"], 0, "{third}");

    // A dry run reads only.
    let output = push(&laptop, &team, &[], &["--dry-run"]);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("would push 3 runs"), "{text}");
}

/// A team server with user accounts, its admin `root` signed in on `Served::authorization`.
fn team_with_accounts(sandbox: &Sandbox) -> Served {
    let mut team = sandbox.serve(
        &["--auth", "users", "--default-permission", "READ"],
        &[
            ("CAIRN_ADMIN_USERNAME", "root"),
            ("CAIRN_ADMIN_PASSWORD", "a long passphrase"),
        ],
    );
    // base64("root:a long passphrase")
    team.authorization = Some("Basic cm9vdDphIGxvbmcgcGFzc3BocmFzZQ==".to_owned());
    team
}

#[test]
fn a_dry_run_names_the_experiment_and_model_the_user_may_not_write_into() {
    let laptop = laptop(1, 10);
    let team_sandbox = Sandbox::with_store("team.db");
    let team = team_with_accounts(&team_sandbox);
    team.ok(
        &api("users/create"),
        &json!({ "username": "viewer", "password": "viewer's passphrase" }),
    );
    let experiment =
        team.ok(&api("experiments/create"), &json!({ "name": "vision" }))["experiment_id"]
            .as_str()
            .unwrap()
            .to_owned();
    team.ok(
        &api("registered-models/create"),
        &json!({ "name": "detector" }),
    );
    let viewer = [
        ("MLFLOW_TRACKING_USERNAME", "viewer"),
        ("MLFLOW_TRACKING_PASSWORD", "viewer's passphrase"),
    ];
    let dry_run = || {
        let output = push(&laptop, &team, &viewer, &["--dry-run"]);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.success(), text)
    };
    // READ by default on both.
    let (succeeded, text) = dry_run();
    assert!(!succeeded, "{text}");
    assert!(
        text.contains(
            "experiment 'vision': your permission there is READ; writing there needs EDIT"
        ),
        "{text}"
    );
    team.ok(
        &api("experiments/permissions/create"),
        &json!({ "experiment_id": experiment, "username": "viewer", "permission": "EDIT" }),
    );
    let (succeeded, text) = dry_run();
    assert!(!succeeded, "{text}");
    assert!(
        text.contains("registered model 'detector': your permission there is READ"),
        "{text}"
    );
    team.ok(
        &api("registered-models/permissions/create"),
        &json!({ "name": "detector", "username": "viewer", "permission": "EDIT" }),
    );
    let (succeeded, text) = dry_run();
    assert!(succeeded, "{text}");
    assert!(text.contains("would push 1 run"), "{text}");
    // Nothing was written by any of them.
    let runs = team.ok(
        &api("runs/search"),
        &json!({ "experiment_ids": [experiment], "max_results": 10 }),
    );
    let found = runs
        .get("runs")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    assert_eq!(found, 0, "{runs}");

    // Pushed, then back to READ: a dry run with nothing left to send passes...
    let output = push(&laptop, &team, &viewer, &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for (path, body) in [
        (
            "experiments/permissions/update",
            json!({ "experiment_id": experiment, "username": "viewer", "permission": "READ" }),
        ),
        (
            "registered-models/permissions/update",
            json!({ "name": "detector", "username": "viewer", "permission": "READ" }),
        ),
    ] {
        team.ok(&api(path), &body);
    }
    let (succeeded, text) = dry_run();
    assert!(succeeded, "{text}");
    // ...and one with a new tag to send names the experiment of the server's run.
    let local = laptop.sandbox.serve(&[], &[]);
    local.ok(
        &api("runs/set-tag"),
        &json!({ "run_id": laptop.runs[0], "key": "reviewed", "value": "yes" }),
    );
    drop(local);
    let (succeeded, text) = dry_run();
    assert!(!succeeded, "{text}");
    assert!(
        text.contains(&format!("experiment {experiment} of server run")),
        "{text}"
    );
    assert!(text.contains("your permission there is READ"), "{text}");
}

#[test]
fn a_push_killed_mid_way_finishes_when_run_again_with_no_duplicate() {
    let laptop = laptop(2, 60_000);
    let team_sandbox = Sandbox::with_store("team.db");
    let team = team_sandbox.serve(&[], &[]);

    let mut command = laptop.sandbox.command();
    command
        .arg("--store")
        .arg(laptop.sandbox.store())
        .args(["push", "--workers", "1"])
        .args(&laptop.runs)
        .arg("--to")
        .arg(format!("http://{}", team.address))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = command.spawn().unwrap();
    // Wait until the first run is on the team's server with some of its points, then kill.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let there = team_run(&team, &laptop.runs[0]);
        let partial = there.first().is_some_and(|id| {
            let run = get(&team, &api(&format!("runs/get?run_id={id}")));
            run["run"]["data"]["metrics"]
                .as_array()
                .is_some_and(|metrics| !metrics.is_empty())
        });
        if partial || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        child.try_wait().unwrap().is_none(),
        "the push ended before it could be interrupted"
    );
    child.kill().unwrap();
    child.wait().unwrap();

    let resumed = push_json(&laptop, &team, &[]);
    assert_eq!(resumed["totals"]["runs"], 2, "{resumed}");
    let first = &resumed["runs"][0];
    assert_eq!(
        first["created"], false,
        "the interrupted run is continued: {resumed}"
    );
    let local = laptop.sandbox.serve(&[], &[]);
    for run_id in &laptop.runs {
        let there = team_run(&team, run_id);
        assert_eq!(there.len(), 1, "one team run for {run_id}");
        assert_same(&record(&local, run_id), &record(&team, &there[0]), run_id);
    }
    let again = push_json(&laptop, &team, &[]);
    assert_eq!(again["totals"]["points"], 0);
}

#[test]
fn a_server_asking_for_a_token_gets_it_and_a_wrong_one_is_never_shown() {
    let laptop = laptop(1, 50);
    let team_sandbox = Sandbox::with_store("team.db");
    let team = team_sandbox.serve(&["--auth-token", "team-token-123"], &[]);

    let wrong = push(
        &laptop,
        &team,
        &[("MLFLOW_TRACKING_TOKEN", "wrong-token-456")],
        &[],
    );
    assert_eq!(wrong.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(stderr.contains(&laptop.runs[0]), "{stderr}");
    assert!(stderr.contains("401"), "{stderr}");
    assert!(stderr.contains("MLFLOW_TRACKING_TOKEN"), "{stderr}");
    assert!(!stderr.contains("wrong-token-456"), "{stderr}");
    assert!(!stderr.contains("team-token-123"), "{stderr}");

    let done = push_json(
        &laptop,
        &team,
        &[("MLFLOW_TRACKING_TOKEN", "team-token-123")],
    );
    assert_eq!(done["totals"]["created"], 1, "{done}");

    let token_file = laptop.sandbox.path("team-token");
    std::fs::write(&token_file, "team-token-123\n").unwrap();
    let output = push(
        &laptop,
        &team,
        &[],
        &["--json", "--token-file", token_file.to_str().unwrap()],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let again: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(again["totals"]["created"], 0);
    assert_eq!(again["totals"]["points"], 0);
}

#[test]
fn the_desktop_apps_push_to_team_command_pushes_with_the_saved_token() {
    use std::sync::Arc;

    let laptop = laptop(2, 300);
    let team_sandbox = Sandbox::with_store("team.db");
    let team = team_sandbox.serve(&["--auth-token", "desk-token-789"], &[]);
    let store = cairn_core::SqliteStore::open(&laptop.sandbox.store()).unwrap();
    let places = cairn_local::Places {
        settings_file: Some(laptop.sandbox.path("config/settings.json")),
        ..cairn_local::Places::default()
    };
    let local = cairn_local::LocalApp::new(Arc::new(store))
        .with_store_source(cairn_local::StoreSource {
            origin: cairn_local::StoreOrigin::Flag,
            places,
        })
        .with_team_connector(Arc::new(cairn_push::http::connect));

    let url = format!("http://{}", team.address);
    let saved = local
        .call(
            "set_team_server",
            json!({ "url": url, "token": "desk-token-789" }),
        )
        .unwrap();
    assert_eq!(saved["token_saved"], true);
    assert!(!saved.to_string().contains("desk-token-789"), "{saved}");
    let file = laptop.sandbox.path("config/team.json");
    use std::os::unix::fs::PermissionsExt as _;
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let shown = local.call("get_team_server", json!({})).unwrap();
    assert!(!shown.to_string().contains("desk-token-789"), "{shown}");

    let pushed = local
        .call("push_to_team", json!({ "runIds": laptop.runs }))
        .unwrap();
    assert_eq!(pushed["pushed"].as_array().unwrap().len(), 2, "{pushed}");
    assert_eq!(pushed["points"], 2.0 * 2.0 * 300.0);
    assert!(pushed["failed"].as_array().unwrap().is_empty());
    let again = local
        .call("push_to_team", json!({ "runIds": laptop.runs }))
        .unwrap();
    assert_eq!(again["points"], 0.0, "{again}");

    // A wrong token: each run fails, by id, and no token shows.
    local
        .call(
            "set_team_server",
            json!({ "url": url, "token": "bad-token" }),
        )
        .unwrap();
    let refused = local
        .call("push_to_team", json!({ "runIds": laptop.runs }))
        .unwrap();
    let failed = refused["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 2, "{refused}");
    assert!(failed[0]["error"].as_str().unwrap().contains("401"));
    assert!(!refused.to_string().contains("bad-token"));
    assert!(!refused.to_string().contains("desk-token-789"));
}

#[test]
fn a_team_seeded_with_a_copy_of_the_laptop_gets_no_second_run_from_a_push() {
    let laptop = laptop(2, 500);
    let team_sandbox = Sandbox::with_store("team.db");
    let laptop_store = laptop.sandbox.store().display().to_string();
    let team_store = team_sandbox.store().display().to_string();
    laptop
        .sandbox
        .ok(&["store", "copy", &laptop_store, &team_store]);
    let team = team_sandbox.serve(&[], &[]);
    let versions_before = get(
        &team,
        &api("model-versions/search?filter=name%3D%27detector%27"),
    );

    let pushed = push_json(&laptop, &team, &[]);
    assert_eq!(pushed["totals"]["created"], 0, "{pushed}");
    assert_eq!(pushed["totals"]["points"], 0, "{pushed}");
    assert_eq!(pushed["totals"]["model_versions"], 0, "{pushed}");
    for (index, run_id) in laptop.runs.iter().enumerate() {
        assert_eq!(pushed["runs"][index]["remote_run_id"], run_id.as_str());
    }
    let searched = team
        .post(
            &api("runs/search"),
            &json!({ "experiment_ids": ["0", "1", "2"], "max_results": 100 }),
        )
        .json();
    assert_eq!(
        searched["runs"].as_array().unwrap().len(),
        laptop.runs.len()
    );
    let versions_after = get(
        &team,
        &api("model-versions/search?filter=name%3D%27detector%27"),
    );
    assert_eq!(
        versions_after["model_versions"].as_array().unwrap().len(),
        versions_before["model_versions"].as_array().unwrap().len()
    );
}

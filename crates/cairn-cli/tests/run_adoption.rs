//! `cairn run`'s loopback endpoint making the runs a command creates one unit with the wrapper
//! run, driven over MLflow's REST API by `curl` (the real mlflow client does the same in
//! `tests/mlflow-compat/test_cairn_run.py`).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::process::Command;

use serde_json::Value;

mod common;

use common::Sandbox;

/// Creates experiment `chosen`, then two top-level runs in it, saving the answers to
/// `first.json` and `second.json`.
const CREATES_TWO_RUNS: &str = r#"
set -e
api="$MLFLOW_TRACKING_URI/api/2.0/mlflow"
post() { curl -sf -X POST -H 'Content-Type: application/json' -d "$2" "$api/$1"; }
experiment=$(post experiments/create '{"name":"chosen"}' | sed 's/.*"experiment_id":"\([0-9]*\)".*/\1/')
post runs/create "{\"experiment_id\":\"$experiment\",\"run_name\":\"mine\",\"tags\":[{\"key\":\"team\",\"value\":\"ml\"}]}" > first.json
post runs/create "{\"experiment_id\":\"$experiment\"}" > second.json
echo "$CAIRN_RUN_ID" > wrapper.txt
"#;

fn has_curl() -> bool {
    Command::new("curl").arg("--version").output().is_ok()
}

fn read_json(sandbox: &Sandbox, name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(sandbox.path(name)).unwrap()).unwrap()
}

fn tag<'a>(run: &'a Value, key: &str) -> Option<&'a str> {
    run["data"]["tags"]
        .as_array()?
        .iter()
        .find(|tag| tag["key"] == key)?["value"]
        .as_str()
}

#[test]
fn the_first_run_is_the_wrapper_in_the_commands_experiment_and_later_ones_hang_under_it() {
    if !has_curl() {
        eprintln!("curl not installed; skipped");
        return;
    }
    let sandbox = Sandbox::with_store("store/cairn.db");
    std::fs::create_dir_all(sandbox.path("data")).unwrap();
    std::fs::write(sandbox.path("data/rows.csv"), "a\n1\n").unwrap();
    let output = sandbox
        .command()
        .current_dir(sandbox.home())
        .arg("--store")
        .arg(sandbox.store())
        .args(["run", "--experiment", "planned", "--data", "data"])
        .args(["--system-metrics-interval", "0", "--"])
        .args(["sh", "-c", CREATES_TWO_RUNS])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("1 more run of the command is linked to it"),
        "{stderr}"
    );

    let wrapper_id = std::fs::read_to_string(sandbox.path("wrapper.txt")).unwrap();
    let wrapper_id = wrapper_id.trim();
    let first = &read_json(&sandbox, "first.json")["run"];
    assert_eq!(
        first["info"]["run_id"], wrapper_id,
        "answered with the wrapper"
    );
    assert_eq!(
        first["info"]["run_name"], "mine",
        "no --name: the command names it"
    );
    assert_eq!(tag(first, "team"), Some("ml"));
    let second = &read_json(&sandbox, "second.json")["run"];
    assert_ne!(second["info"]["run_id"], wrapper_id);
    assert_eq!(tag(second, "mlflow.parentRunId"), Some(wrapper_id));
    assert_eq!(tag(second, "cairn.run"), Some(wrapper_id));
    assert_eq!(tag(second, "cairn.command"), tag(first, "cairn.command"));

    assert_eq!(
        sandbox.json(&["runs", "list", "--experiment", "planned"]),
        Value::Array(vec![])
    );
    let runs = sandbox.json(&["runs", "list", "--experiment", "chosen"]);
    let runs = runs.as_array().unwrap();
    assert_eq!(runs.len(), 2, "{runs:?}");
    for run in runs {
        assert_eq!(
            run["status"], "FINISHED",
            "runs left running end with the command"
        );
        assert!(run["data_hash"].is_string(), "{run}");
        assert_eq!(run["data_hash"], runs[0]["data_hash"]);
    }
}

#[test]
fn with_a_name_the_wrapper_keeps_it_and_a_nested_first_run_does_not_take_the_wrapper() {
    if !has_curl() {
        eprintln!("curl not installed; skipped");
        return;
    }
    let sandbox = Sandbox::with_store("store/cairn.db");
    let script = r#"
set -e
api="$MLFLOW_TRACKING_URI/api/2.0/mlflow"
post() { curl -sf -X POST -H 'Content-Type: application/json' -d "$2" "$api/$1"; }
post runs/create "{\"experiment_id\":\"0\",\"tags\":[{\"key\":\"mlflow.parentRunId\",\"value\":\"$CAIRN_RUN_ID\"}]}" > nested.json
post runs/create '{"experiment_id":"0","run_name":"asked"}' > top.json
"#;
    let output = sandbox
        .command()
        .current_dir(sandbox.home())
        .arg("--store")
        .arg(sandbox.store())
        .args(["run", "--name", "given", "--system-metrics-interval", "0"])
        .args(["--", "sh", "-c", script])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let nested = &read_json(&sandbox, "nested.json")["run"];
    let top = &read_json(&sandbox, "top.json")["run"];
    let wrapper_id = top["info"]["run_id"].as_str().unwrap();
    assert_eq!(top["info"]["run_name"], "given", "--name wins");
    assert_eq!(tag(nested, "mlflow.parentRunId"), Some(wrapper_id));
    assert_ne!(nested["info"]["run_id"], wrapper_id);
}

#[test]
fn without_experiment_the_wrapper_starts_where_the_clients_variables_point() {
    let sandbox = Sandbox::with_store("store/cairn.db");
    sandbox.ok(&[
        "run",
        "--experiment",
        "by-id",
        "--system-metrics-interval",
        "0",
        "--",
        "true",
    ]);
    let experiments = sandbox.json(&["experiments"]);
    let by_id = experiments
        .as_array()
        .unwrap()
        .iter()
        .find(|experiment| experiment["name"] == "by-id")
        .unwrap()["experiment_id"]
        .as_str()
        .unwrap()
        .to_string();
    let run = |experiment_id: &str| {
        sandbox
            .command()
            .current_dir(sandbox.home())
            .env_remove("MLFLOW_EXPERIMENT_NAME")
            .env("MLFLOW_EXPERIMENT_ID", experiment_id)
            .arg("--store")
            .arg(sandbox.store())
            .args(["run", "--system-metrics-interval", "0", "--", "true"])
            .output()
            .unwrap()
    };
    let placed = run(&by_id);
    assert!(
        placed.status.success(),
        "{}",
        String::from_utf8_lossy(&placed.stderr)
    );
    let runs = sandbox.json(&["runs", "list", "--experiment", "by-id"]);
    assert_eq!(runs.as_array().unwrap().len(), 2);

    let missing = run("424242");
    assert!(!missing.status.success());
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(stderr.contains("MLFLOW_EXPERIMENT_ID"), "{stderr}");
}

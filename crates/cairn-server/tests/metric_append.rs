//! `POST /api/2.0/cairn/runs/append-metrics`: column-by-column histories land in order, to the
//! bit, and malformed columns are refused naming the field, with nothing stored.
#![allow(
    clippy::unwrap_used,
    reason = "tests fail loudly on anything unexpected; the support module is not #[test] code"
)]

mod support;

use cairn_server::Auth;
use serde_json::json;
use support::start;

#[test]
fn columns_append_to_histories_and_bad_columns_are_refused() {
    let server = start(Auth::None);
    let run = server.post("/api/2.0/mlflow/runs/create", json!({"experiment_id": "0"}));
    let run_id = run.json()["run"]["info"]["run_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let tiny = 0.1_f64 + 0.2_f64;
    let sent = server.post(
        "/api/2.0/cairn/runs/append-metrics",
        json!({"run_id": run_id, "metrics": [
            {"key": "loss", "steps": [0, 1, 2], "timestamps": [10, 11, 12], "values": [1.5, "NaN", tiny]},
            {"key": "acc", "steps": [], "timestamps": [], "values": []},
        ]}),
    );
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert_eq!(sent.json()["points"], 3);
    let more = server.post(
        "/api/2.0/cairn/runs/append-metrics",
        json!({"run_id": run_id, "metrics": [{"key": "loss", "steps": [3], "timestamps": [13], "values": ["-Infinity"]}]}),
    );
    assert_eq!(more.status, 200, "{}", more.body);
    let history = server.get(&format!(
        "/api/2.0/mlflow/metrics/get-history?run_id={run_id}&metric_key=loss"
    ));
    let metrics = history.json()["metrics"].as_array().unwrap().clone();
    let values: Vec<String> = metrics.iter().map(|m| m["value"].to_string()).collect();
    assert_eq!(
        values,
        ["1.5", "\"NaN\"", tiny.to_string().as_str(), "\"-Infinity\""]
    );
    assert_eq!(
        metrics[2]["value"].as_f64().unwrap().to_bits(),
        tiny.to_bits()
    );
    for (body, field) in [
        (
            json!({"run_id": run_id, "metrics": [{"key": "x", "steps": [1], "timestamps": [], "values": [1]}]}),
            "metrics[0]",
        ),
        (
            json!({"run_id": run_id, "metrics": [{"key": "x", "steps": ["a"], "timestamps": [1], "values": [1]}]}),
            "metrics[0].steps",
        ),
        (
            json!({"run_id": run_id, "metrics": [{"key": "x", "steps": [1], "timestamps": [1], "values": [true]}]}),
            "metrics[0].values",
        ),
    ] {
        let refused = server.post("/api/2.0/cairn/runs/append-metrics", body);
        assert_eq!(refused.status, 400, "{}", refused.body);
        assert!(refused.body.contains(field), "{field}: {}", refused.body);
    }
    let missing = server.post(
        "/api/2.0/cairn/runs/append-metrics",
        json!({"run_id": "0123456789abcdef0123456789abcdef", "metrics": []}),
    );
    assert_eq!(
        missing.status, 200,
        "an empty request touches nothing: {}",
        missing.body
    );
    let unknown = server.post(
        "/api/2.0/cairn/runs/append-metrics",
        json!({"run_id": "0123456789abcdef0123456789abcdef", "metrics": [{"key": "x", "steps": [1], "timestamps": [1], "values": [1]}]}),
    );
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    let x = server.get(&format!(
        "/api/2.0/mlflow/metrics/get-history?run_id={run_id}&metric_key=x"
    ));
    assert_eq!(
        x.json()["metrics"].as_array().map_or(0, Vec::len),
        0,
        "nothing of a refused request is stored"
    );
}

//! The bad-input catalogue (`tests/bad_input/catalogue.json`) run against a real `cairn serve`
//! (spawned binary, port 0, temp store) and the real CLI: every case's status (HTTP status or
//! exit code) and MLflow `error_code` (or stderr fragment). Then: no case got a 5xx, the server
//! is still alive, and what was stored before the cases is intact.
//!
//! A case is `{"name", "transport": "rest"|"cli", ...}`:
//! - rest: `method`, `path`, and `body` (JSON, sent as `application/json`) or `raw` (sent as
//!   is, with `content_type` when given); expects `status` and `error_code`.
//! - cli: `argv` and optional `stdin`; expects `exit` and a `stderr` fragment.
//!
//! `$RUN`, `$EXP` and `$LONG_<n>` (n times `x`) in any string are replaced before sending.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly on anything unexpected"
)]

mod common;

use std::io::Write;
use std::process::Stdio;

use common::Sandbox;
use common::served::Served;
use serde_json::{Value, json};

/// The catalogue's view of a `cairn serve` in the sandbox: MLflow paths, and answers as
/// (status, body as JSON or else as a string).
struct Server(Served);

impl Server {
    fn start(sandbox: &Sandbox) -> Server {
        Server(sandbox.serve(&["--ui-dir", "/nonexistent-ui"], &[]))
    }

    fn request(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> (u16, Value) {
        let headers: Vec<(&str, &str)> = content_type
            .map(|content_type| ("Content-Type", content_type))
            .into_iter()
            .collect();
        let reply = self.0.send(method, path, &headers, body);
        assert!(reply.status != 0, "no HTTP answer to {method} {path}");
        let value =
            serde_json::from_str(&reply.body).unwrap_or_else(|_| Value::String(reply.body.clone()));
        (reply.status, value)
    }

    fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.request(
            "POST",
            &format!("/api/2.0/mlflow/{path}"),
            Some("application/json"),
            body.to_string().as_bytes(),
        )
    }

    fn get(&self, path_and_query: &str) -> (u16, Value) {
        self.request(
            "GET",
            &format!("/api/2.0/mlflow/{path_and_query}"),
            None,
            b"",
        )
    }
}

/// `$RUN`, `$EXP`, `$LONG_<n>` replaced in every string of `value`.
fn substitute(value: &Value, run_id: &str, experiment_id: &str) -> Value {
    match value {
        Value::String(text) => Value::String(substitute_text(text, run_id, experiment_id)),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| substitute(item, run_id, experiment_id))
                .collect(),
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, item)| (key.clone(), substitute(item, run_id, experiment_id)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn substitute_text(text: &str, run_id: &str, experiment_id: &str) -> String {
    let mut text = text.replace("$RUN", run_id).replace("$EXP", experiment_id);
    while let Some(at) = text.find("$LONG_") {
        let digits: String = text[at + 6..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let count: usize = digits.parse().unwrap();
        text.replace_range(at..at + 6 + digits.len(), &"x".repeat(count));
    }
    text
}

/// What the store holds of the seeded run: params, tags and every metric point.
fn snapshot(server: &Server, run_id: &str) -> Value {
    let (status, run) = server.get(&format!("runs/get?run_id={run_id}"));
    assert_eq!(status, 200, "{run}");
    let (status, history) = server.get(&format!(
        "metrics/get-history?run_id={run_id}&metric_key=loss"
    ));
    assert_eq!(status, 200, "{history}");
    let mut tags = run["run"]["data"]["tags"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    tags.sort_by_key(|tag| tag["key"].as_str().unwrap_or_default().to_owned());
    json!({
        "params": run["run"]["data"]["params"],
        "tags": tags,
        "status": run["run"]["info"]["status"],
        "history": history["metrics"],
    })
}

#[test]
fn every_catalogued_bad_input_gets_its_documented_answer() {
    let catalogue_path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_input/catalogue.json");
    let catalogue: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(&catalogue_path).unwrap()).unwrap();
    assert!(catalogue.len() >= 60, "{} cases", catalogue.len());

    let sandbox = Sandbox::with_store("store/cairn.db");
    let server = Server::start(&sandbox);
    // Data stored before the cases, to find intact at the end.
    let (status, created) = server.post("experiments/create", &json!({"name": "kept"}));
    assert_eq!(status, 200, "{created}");
    let experiment_id = created["experiment_id"].as_str().unwrap().to_owned();
    let (status, run) = server.post(
        "runs/create",
        &json!({"experiment_id": experiment_id, "run_name": "kept-run", "start_time": 1000}),
    );
    assert_eq!(status, 200, "{run}");
    let run_id = run["run"]["info"]["run_id"].as_str().unwrap().to_owned();
    let (status, logged) = server.post(
        "runs/log-batch",
        &json!({
            "run_id": run_id,
            "params": [{"key": "lr", "value": "0.01"}],
            "tags": [{"key": "team", "value": "vision"}],
            "metrics": [
                {"key": "loss", "value": 1.5, "timestamp": 2000, "step": 0},
                {"key": "loss", "value": 0.5, "timestamp": 3000, "step": 1},
            ],
        }),
    );
    assert_eq!(status, 200, "{logged}");
    let before = snapshot(&server, &run_id);

    let mut failures = Vec::new();
    let mut names = std::collections::HashSet::new();
    for case in &catalogue {
        let case = substitute(case, &run_id, &experiment_id);
        let name = case["name"]
            .as_str()
            .expect("every case has a name")
            .to_owned();
        assert!(names.insert(name.clone()), "two cases named {name}");
        match case["transport"].as_str() {
            Some("rest") => {
                let method = case["method"].as_str().unwrap();
                let path = case["path"].as_str().unwrap();
                let (content_type, body) = match (case.get("body"), case.get("raw")) {
                    (Some(body), None) => (
                        Some("application/json".to_owned()),
                        body.to_string().into_bytes(),
                    ),
                    (None, Some(raw)) => (
                        case["content_type"].as_str().map(str::to_owned),
                        raw.as_str().unwrap().as_bytes().to_vec(),
                    ),
                    (None, None) => (None, Vec::new()),
                    _ => panic!("{name}: body or raw, not both"),
                };
                let (status, answer) = server.request(method, path, content_type.as_deref(), &body);
                let expected_status = case["status"].as_u64().unwrap();
                let expected_code = case["error_code"].as_str().unwrap();
                if status >= 500 {
                    failures.push(format!("{name}: 5xx {status} {answer}"));
                } else if u64::from(status) != expected_status
                    || answer["error_code"].as_str() != Some(expected_code)
                {
                    failures.push(format!(
                        "{name}: expected {expected_status} {expected_code}, got {status} {answer}"
                    ));
                }
            }
            Some("cli") => {
                let argv: Vec<String> = case["argv"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|arg| arg.as_str().unwrap().to_owned())
                    .collect();
                let mut child = sandbox
                    .command()
                    .arg("--store")
                    .arg(sandbox.store())
                    .args(&argv)
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap();
                let stdin = case["stdin"].as_str().unwrap_or_default().to_owned();
                let mut pipe = child.stdin.take().unwrap();
                let _ = pipe.write_all(stdin.as_bytes());
                drop(pipe);
                let output = child.wait_with_output().unwrap();
                let stderr = String::from_utf8_lossy(&output.stderr);
                let expected_exit = case["exit"].as_i64().unwrap();
                let fragment = case["stderr"].as_str().unwrap();
                if output.status.code().map(i64::from) != Some(expected_exit)
                    || !stderr.contains(fragment)
                    || stderr.contains("panicked")
                {
                    failures.push(format!(
                        "{name}: expected exit {expected_exit} and stderr with {fragment:?}, got {:?}: {stderr}",
                        output.status.code()
                    ));
                }
            }
            other => panic!("{name}: unknown transport {other:?}"),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        catalogue.len(),
        failures.join("\n")
    );
    let (status, health) = server.request("GET", "/health", None, b"");
    assert_eq!((status, health), (200, Value::String("OK".into())));
    assert_eq!(
        snapshot(&server, &run_id),
        before,
        "the stored run is intact"
    );
}

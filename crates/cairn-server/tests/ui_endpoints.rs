//! The endpoints MLflow serves its UI under `/ajax-api` only — `metrics/get-history-bulk`,
//! `experiments/search-datasets`, `runs/create-promptlab-run` — and the sampled
//! `metrics/get-history-bulk-interval`, against a real server and store.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]
mod support;

use cairn_server::Auth;
use serde_json::{Value, json};
use support::{TestServer, start};

const AJAX: &str = "/ajax-api/2.0/mlflow";

fn new_run(server: &TestServer, experiment_id: &str) -> String {
    let reply = server.post(
        "/api/2.0/mlflow/runs/create",
        json!({"experiment_id": experiment_id}),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()["run"]["info"]["run_id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Logs `(value, timestamp, step)` points of `key` to a run.
fn log_points(server: &TestServer, run_id: &str, key: &str, points: &[(f64, i64, i64)]) {
    let metrics: Vec<Value> = points
        .iter()
        .map(|(value, timestamp, step)| {
            json!({"key": key, "value": value, "timestamp": timestamp, "step": step})
        })
        .collect();
    for chunk in metrics.chunks(1000) {
        let reply = server.post(
            "/api/2.0/mlflow/runs/log-batch",
            json!({"run_id": run_id, "metrics": chunk}),
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
}

/// `(run_id, step)` of each point of a `{"metrics": [...]}` answer, in order.
fn run_steps(answer: &Value) -> Vec<(String, i64)> {
    answer["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["run_id"].as_str().unwrap().to_string(),
                m["step"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn history_bulk_answers_runs_in_id_order_each_by_timestamp_step_and_value() {
    let server = start(Auth::None);
    let busy = new_run(&server, "0");
    let quiet = new_run(&server, "0");
    // Logged out of order: each run's points come by timestamp, then step, then value.
    log_points(
        &server,
        &busy,
        "loss",
        &[(3.0, 20, 1), (2.0, 10, 2), (1.0, 10, 2), (9.0, 10, 0)],
    );
    log_points(&server, &quiet, "loss", &[(5.0, 5, 7)]);
    log_points(&server, &quiet, "other", &[(1.0, 1, 1)]);
    let url = format!(
        "{AJAX}/metrics/get-history-bulk?run_id={quiet}&run_id={busy}&run_id={quiet}\
         &run_id=0123456789abcdef0123456789abcdef&metric_key=loss"
    );
    let reply = server.get(&url);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let busy_points = [(10, 0, 9.0), (10, 2, 1.0), (10, 2, 2.0), (20, 1, 3.0)];
    let quiet_points = [(5, 7, 5.0)];
    let mut expected: Vec<(String, (i64, i64, f64))> = Vec::new();
    let mut runs = [(&busy, &busy_points[..]), (&quiet, &quiet_points[..])];
    runs.sort_by_key(|(run_id, _)| (*run_id).clone());
    for (run_id, points) in runs {
        expected.extend(points.iter().map(|point| (run_id.clone(), *point)));
    }
    let metrics = reply.json()["metrics"].as_array().unwrap().clone();
    let got: Vec<(String, (i64, i64, f64))> = metrics
        .iter()
        .map(|m| {
            (
                m["run_id"].as_str().unwrap().to_string(),
                (
                    m["timestamp"].as_i64().unwrap(),
                    m["step"].as_i64().unwrap(),
                    m["value"].as_f64().unwrap(),
                ),
            )
        })
        .collect();
    assert_eq!(
        got, expected,
        "runs in id order, a run named twice once, unknown runs empty"
    );
    // Each point's fields in MLflow's order (read from the text: parsed objects sort keys).
    let first_point = &reply.body[..reply.body.find('}').unwrap()];
    let at = |field: &str| first_point.find(&format!("\"{field}\"")).unwrap();
    assert!(at("key") < at("value") && at("value") < at("timestamp"));
    assert!(at("timestamp") < at("step") && at("step") < at("run_id"));
    // max_results bounds the whole answer.
    let limited = server.get(&format!("{url}&max_results=2"));
    assert_eq!(limited.json()["metrics"].as_array().unwrap().len(), 2);
    // A key no run has is an empty list.
    let none = server.get(&format!(
        "{AJAX}/metrics/get-history-bulk?run_id={busy}&metric_key=absent"
    ));
    assert_eq!(none.json(), json!({"metrics": []}));
}

#[test]
fn history_bulk_is_capped_at_25000_points_and_100_runs() {
    let server = start(Auth::None);
    let run_id = new_run(&server, "0");
    let points: Vec<(f64, i64, i64)> = (0..26_000).map(|i| (i as f64, i, i)).collect();
    log_points(&server, &run_id, "x", &points);
    let reply = server.get(&format!(
        "{AJAX}/metrics/get-history-bulk?run_id={run_id}&metric_key=x&max_results=100000"
    ));
    assert_eq!(reply.status, 200);
    let steps = run_steps(&reply.json());
    assert_eq!(steps.len(), 25_000);
    assert_eq!(steps.last().unwrap().1, 24_999);

    let many: String = (0..101).map(|i| format!("run_id=r{i}&")).collect();
    let cases = [
        (
            format!("{AJAX}/metrics/get-history-bulk?{many}metric_key=x"),
            "GetMetricHistoryBulk request cannot specify more than 100 run_ids. Received 101 run_ids.",
        ),
        (
            format!("{AJAX}/metrics/get-history-bulk?metric_key=x"),
            "GetMetricHistoryBulk request must specify at least one run_id.",
        ),
        (
            format!("{AJAX}/metrics/get-history-bulk?run_id={run_id}"),
            "GetMetricHistoryBulk request must specify a metric_key.",
        ),
    ];
    for (url, message) in cases {
        let reply = server.get(&url);
        assert_eq!(reply.status, 400, "{url}");
        assert_eq!(reply.error_code(), "INVALID_PARAMETER_VALUE");
        assert_eq!(reply.json()["message"], json!(message));
    }
    // MLflow serves it to its UI only: not under /api.
    let api = server.get(&format!(
        "/api/2.0/mlflow/metrics/get-history-bulk?run_id={run_id}&metric_key=x"
    ));
    assert_eq!(
        (api.status, api.error_code().as_str()),
        (404, "ENDPOINT_NOT_FOUND")
    );
}

#[test]
fn history_bulk_interval_samples_each_run_as_mlflows_store_does() {
    let server = start(Auth::None);
    let long = new_run(&server, "0");
    let short = new_run(&server, "0");
    let points: Vec<(f64, i64, i64)> = (0..10).map(|i| (i as f64, 100 + i, i)).collect();
    log_points(&server, &long, "m", &points);
    log_points(&server, &short, "m", &points[..2]);
    for prefix in ["/api/2.0/mlflow", AJAX] {
        let reply = server.get(&format!(
            "{prefix}/metrics/get-history-bulk-interval?run_ids={long}&run_ids={short}&metric_key=m&max_results=3"
        ));
        assert_eq!(reply.status, 200, "{}", reply.body);
        // NTILE(3) over 10 points starts buckets at 0, 4 and 7; the last point replaces 7.
        assert_eq!(
            run_steps(&reply.json()),
            [
                (long.clone(), 0),
                (long.clone(), 4),
                (long.clone(), 9),
                (short.clone(), 0),
                (short.clone(), 1)
            ]
        );
    }
    let ranged = server.get(&format!(
        "{AJAX}/metrics/get-history-bulk-interval?run_ids={long}&metric_key=m&start_step=2&end_step=4"
    ));
    let steps: Vec<i64> = run_steps(&ranged.json()).iter().map(|(_, s)| *s).collect();
    assert_eq!(steps, [2, 3, 4]);
    let cases = [
        (
            "start_step=1",
            "If either start step or end step are specified, both must be specified.",
        ),
        (
            "start_step=5&end_step=1",
            "end_step must be greater than start_step. Found start_step=5 and end_step=1.",
        ),
        (
            "max_results=2501",
            "max_results must be between 1 and 2500. See the API docs for more information about request parameters.",
        ),
    ];
    for (query, message) in cases {
        let reply = server.get(&format!(
            "{AJAX}/metrics/get-history-bulk-interval?run_ids={long}&metric_key=m&{query}"
        ));
        assert_eq!(reply.status, 400, "{query}");
        assert_eq!(reply.json()["message"], json!(message), "{query}");
    }
    let unknown = server.get(&format!(
        "{AJAX}/metrics/get-history-bulk-interval?run_ids={long}&run_ids=0123456789abcdef0123456789abcdef&metric_key=m"
    ));
    assert_eq!(unknown.status, 404);
}

fn log_dataset(server: &TestServer, run_id: &str, name: &str, digest: &str, context: Option<&str>) {
    let tags = context
        .map(|context| json!([{"key": "mlflow.data.context", "value": context}]))
        .unwrap_or(json!([]));
    let reply = server.post(
        "/api/2.0/mlflow/runs/log-inputs",
        json!({"run_id": run_id, "datasets": [{"tags": tags, "dataset": {
            "name": name, "digest": digest, "source_type": "local", "source": "{}"}}]}),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[test]
fn search_datasets_lists_each_dataset_and_context_of_the_experiments_once() {
    let server = start(Auth::None);
    let created = server.post(
        "/api/2.0/mlflow/experiments/create",
        json!({"name": "other"}),
    );
    let other = created.json()["experiment_id"]
        .as_str()
        .unwrap()
        .to_string();
    let first = new_run(&server, "0");
    let second = new_run(&server, "0");
    let elsewhere = new_run(&server, &other);
    log_dataset(&server, &first, "train", "d1", Some("training"));
    log_dataset(&server, &second, "train", "d1", Some("training"));
    log_dataset(&server, &second, "eval", "d2", None);
    log_dataset(&server, &elsewhere, "train", "d1", Some("eval"));
    let url = format!("{AJAX}/experiments/search-datasets");
    let reply = server.post(&url, json!({"experiment_ids": ["0"]}));
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        reply.json(),
        json!({"dataset_summaries": [
            {"experiment_id": "0", "name": "train", "digest": "d1", "context": "training"},
            {"experiment_id": "0", "name": "eval", "digest": "d2"},
        ]})
    );
    let both = server.post(&url, json!({"experiment_ids": ["0", other]}));
    assert_eq!(
        both.json()["dataset_summaries"].as_array().unwrap().len(),
        3
    );
    // An experiment without datasets: protobuf's JSON leaves the empty list out.
    let created = server.post(
        "/api/2.0/mlflow/experiments/create",
        json!({"name": "empty"}),
    );
    let empty = created.json()["experiment_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        server.post(&url, json!({"experiment_ids": [empty]})).json(),
        json!({})
    );
    let ids: Vec<String> = (0..21).map(|i| i.to_string()).collect();
    for (body, message) in [
        (
            json!({}),
            "SearchDatasets request must specify at least one experiment_id.",
        ),
        (
            json!({"experiment_ids": ids}),
            "SearchDatasets request cannot specify more than 20 experiment_ids. Received 21 experiment_ids.",
        ),
    ] {
        let reply = server.post(&url, body);
        assert_eq!(reply.status, 400);
        assert_eq!(reply.json()["message"], json!(message));
    }
    let get = server.get(&url);
    assert_eq!(get.status, 405);
    assert_eq!(get.error_code(), "ENDPOINT_NOT_FOUND");
}

#[test]
fn a_promptlab_run_keeps_params_tags_the_eval_table_and_the_model() {
    let server = start(Auth::None);
    let reply = server.post(
        &format!("{AJAX}/runs/create-promptlab-run"),
        json!({
            "experiment_id": "0",
            "run_name": "trial",
            "tags": [{"key": "team", "value": "nlp"}],
            "prompt_template": "Translate {{ word }}",
            "prompt_parameters": [{"key": "word", "value": "cheese"}],
            "model_route": "chat",
            "model_parameters": [{"key": "temperature", "value": 0.5}, {"key": "max_tokens", "value": 64}],
            "model_input": "Translate cheese",
            "model_output": "fromage",
            "model_output_parameters": [{"key": "latency", "value": 120}],
            "mlflow_version": "3.17.2",
            "user_id": "ada",
            "start_time": 1_700_000_000_000_i64,
        }),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let run = &reply.json()["run"];
    let info = &run["info"];
    assert_eq!(info["status"], "FINISHED");
    assert_eq!(info["run_name"], "trial");
    assert_eq!(info["user_id"], "ada");
    assert_eq!(info["start_time"], json!(1_700_000_000_000_i64));
    let pairs = |field: &str| -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = run["data"][field]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["key"].as_str().unwrap().to_string(),
                    p["value"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        pairs.sort();
        pairs
    };
    let own = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    assert_eq!(
        pairs("params"),
        own(&[
            ("max_tokens", "64"),
            ("model_route", "chat"),
            ("prompt_template", "Translate {{ word }}"),
            ("temperature", "0.5"),
        ])
    );
    let tags = pairs("tags");
    let tag = |key: &str| tags.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    assert_eq!(tag("team").as_deref(), Some("nlp"));
    assert_eq!(
        tag("mlflow.runSourceType").as_deref(),
        Some("PROMPT_ENGINEERING")
    );
    assert_eq!(
        tag("mlflow.loggedArtifacts").as_deref(),
        Some(r#"[{"path": "eval_results_table.json", "type": "table"}]"#)
    );
    let history: Value = serde_json::from_str(&tag("mlflow.log-model.history").unwrap()).unwrap();
    assert_eq!(history[0]["artifact_path"], "model");
    assert_eq!(history[0]["run_id"], info["run_id"]);

    let run_id = info["run_id"].as_str().unwrap();
    let listing = server.get(&format!("/api/2.0/mlflow/artifacts/list?run_id={run_id}"));
    let mut files: Vec<String> = listing.json()["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    files.sort();
    assert_eq!(files, ["eval_results_table.json", "model"]);
    let artifact_uri = info["artifact_uri"].as_str().unwrap();
    let root = artifact_uri.strip_prefix("mlflow-artifacts:/").unwrap();
    let table = server.get(&format!(
        "/api/2.0/mlflow-artifacts/artifacts/{root}/eval_results_table.json"
    ));
    assert_eq!(
        table.body,
        r#"{"columns": ["word", "prompt", "output", "latency"], "data": [["cheese", "Translate cheese", "fromage", "120"]]}"#
    );
    let mlmodel = server.get(&format!(
        "/api/2.0/mlflow-artifacts/artifacts/{root}/model/MLmodel"
    ));
    assert!(
        mlmodel
            .body
            .contains("loader_module: mlflow.prompt.promptlab_model"),
        "{}",
        mlmodel.body
    );
    let parameters = server.get(&format!(
        "/api/2.0/mlflow-artifacts/artifacts/{root}/model/parameters.yaml"
    ));
    assert!(
        parameters
            .body
            .contains("prompt_template: \"Translate {{ word }}\"")
    );
}

#[test]
fn a_promptlab_run_names_the_first_missing_field() {
    let server = start(Auth::None);
    let full = json!({
        "experiment_id": "0",
        "prompt_template": "t",
        "prompt_parameters": [{"key": "a", "value": "b"}],
        "model_route": "r",
        "model_input": "i",
        "mlflow_version": "3.17.2",
    });
    for field in [
        "experiment_id",
        "prompt_template",
        "prompt_parameters",
        "model_route",
        "model_input",
        "mlflow_version",
    ] {
        let mut body = full.clone();
        body.as_object_mut().unwrap().remove(field);
        let reply = server.post(&format!("{AJAX}/runs/create-promptlab-run"), body);
        assert_eq!(reply.status, 400, "{field}");
        assert_eq!(
            reply.json()["message"],
            json!(format!("CreatePromptlabRun request must specify {field}."))
        );
    }
    let mut unknown = full.clone();
    unknown["experiment_id"] = json!("987");
    let reply = server.post(&format!("{AJAX}/runs/create-promptlab-run"), unknown);
    assert_eq!(reply.error_code(), "RESOURCE_DOES_NOT_EXIST");
}

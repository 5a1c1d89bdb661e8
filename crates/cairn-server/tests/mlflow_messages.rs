//! Requests MLflow's server refuses, and the words it refuses them with: wrong types, missing
//! fields, out-of-range integers and the not-found and conflict wording clients match.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod support;

use cairn_server::Auth;
use serde_json::{Value, json};
use support::{TestServer, start};

fn new_run(server: &TestServer) -> String {
    let reply = server.post("/api/2.0/mlflow/runs/create", json!({"experiment_id": "0"}));
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()["run"]["info"]["run_id"]
        .as_str()
        .unwrap()
        .to_string()
}

const DOCS: &str = " See the API docs for more information about request parameters.";

#[test]
fn wrongly_typed_and_missing_fields_are_refused_with_mlflows_words() {
    let server = start(Auth::None);
    let run_id = new_run(&server);
    // (route, body, the message)
    let cases: Vec<(&str, Value, String)> = vec![
        (
            "runs/delete",
            json!({"run_id": 31}),
            format!(
                "Invalid value 31 for parameter 'run_id' supplied:  Hint: Value was of type 'int'.{DOCS}"
            ),
        ),
        (
            "experiments/create",
            json!({}),
            format!("Missing value for required parameter 'name'.{DOCS}"),
        ),
        (
            "experiments/create",
            json!({"name": ""}),
            format!("Missing value for required parameter 'name'.{DOCS}"),
        ),
        (
            "experiments/create",
            json!({"name": ["a"]}),
            format!(
                "Invalid value [\"a\"] for parameter 'name' supplied:  Hint: Value was of type 'list'.{DOCS}"
            ),
        ),
        (
            "runs/log-metric",
            json!({"run_id": run_id, "key": "m", "value": 1.0, "timestamp": 1, "step": 9_223_372_036_854_775_808u64}),
            format!(
                "Invalid value 9223372036854775808 for parameter 'step' supplied:  Hint: Value was of type 'int'.{DOCS}"
            ),
        ),
        (
            "runs/log-metric",
            json!({"run_id": run_id, "key": "m", "value": 1.0, "timestamp": 1e30}),
            format!(
                "Invalid value 1e+30 for parameter 'timestamp' supplied:  Hint: Value was of type 'float'.{DOCS}"
            ),
        ),
        (
            "runs/log-metric",
            json!({"run_id": run_id, "key": "m", "value": 1.0}),
            format!("Missing value for required parameter 'timestamp'.{DOCS}"),
        ),
        (
            "runs/log-metric",
            json!({"run_id": run_id, "key": "m", "value": "high", "timestamp": 1}),
            format!(
                "Invalid value \"high\" for parameter 'value' supplied:  Hint: Value was of type 'str'.{DOCS}"
            ),
        ),
        (
            "runs/log-batch",
            json!({"run_id": run_id, "metrics": [{"key": "m", "value": 1.0}]}),
            format!("Missing value for required parameter 'metrics[0].timestamp'.{DOCS}"),
        ),
        (
            "runs/log-batch",
            json!({"run_id": run_id, "params": {"key": "p"}}),
            format!(
                "Invalid value {{\"key\":\"p\"}} for parameter 'params' supplied:  Hint: Value was of type 'dict'.{DOCS}"
            ),
        ),
        (
            "runs/search",
            json!({"experiment_ids": "0"}),
            format!(
                "Invalid value \"0\" for parameter 'experiment_ids' supplied:  Hint: Value was of type 'str'.{DOCS}"
            ),
        ),
        (
            "runs/search",
            json!({"experiment_ids": ["0"], "max_results": 50_001}),
            format!(
                "Invalid value 50001 for parameter 'max_results' supplied:  Hint: Value was of type 'int'.{DOCS}"
            ),
        ),
        (
            "registered-models/create",
            json!({"name": 7}),
            format!(
                "Invalid value 7 for parameter 'name' supplied:  Hint: Value was of type 'int'.{DOCS}"
            ),
        ),
        (
            "model-versions/transition-stage",
            json!({"name": "m", "version": "1", "stage": "Production", "archive_existing_versions": "yes"}),
            format!(
                "Invalid value \"yes\" for parameter 'archive_existing_versions' supplied:  Hint: Value was of type 'str'.{DOCS}"
            ),
        ),
    ];
    for (route, body, message) in cases {
        let reply = server.post(&format!("/api/2.0/mlflow/{route}"), body.clone());
        assert_eq!(reply.status, 400, "{route} {body}: {}", reply.body);
        assert_eq!(
            reply.error_code(),
            "INVALID_PARAMETER_VALUE",
            "{route} {body}"
        );
        assert_eq!(reply.json()["message"], message, "{route} {body}");
    }
}

#[test]
fn missing_and_conflicting_things_are_named_as_mlflow_names_them() {
    let server = start(Auth::None);
    let run_id = new_run(&server);
    let created = server.post(
        "/api/2.0/mlflow/registered-models/create",
        json!({"name": "churn"}),
    );
    assert_eq!(created.status, 200, "{}", created.body);
    let logged = server.post(
        "/api/2.0/mlflow/runs/log-parameter",
        json!({"run_id": run_id, "key": "lr", "value": "0.1"}),
    );
    assert_eq!(logged.status, 200, "{}", logged.body);
    let deleted = server.post("/api/2.0/mlflow/runs/delete", json!({"run_id": run_id}));
    assert_eq!(deleted.status, 200);
    // (method, route, body, status, code, message)
    let cases: Vec<(&str, &str, Value, u16, &str, String)> = vec![
        (
            "GET",
            "runs/get?run_id=nope",
            Value::Null,
            404,
            "RESOURCE_DOES_NOT_EXIST",
            "Run 'nope' not found".into(),
        ),
        (
            "GET",
            "registered-models/get?name=absent",
            Value::Null,
            404,
            "RESOURCE_DOES_NOT_EXIST",
            "Registered Model with name=absent not found".into(),
        ),
        (
            "POST",
            "registered-models/create",
            json!({"name": "churn"}),
            400,
            "RESOURCE_ALREADY_EXISTS",
            "Registered Model (name=churn) already exists.".into(),
        ),
        (
            "GET",
            "model-versions/get?name=churn&version=3",
            Value::Null,
            404,
            "RESOURCE_DOES_NOT_EXIST",
            "Model Version (name=churn, version=3) not found".into(),
        ),
        (
            "GET",
            "experiments/get?experiment_id=404",
            Value::Null,
            404,
            "RESOURCE_DOES_NOT_EXIST",
            "No Experiment with id=404 exists".into(),
        ),
        (
            "POST",
            "runs/set-tag",
            json!({"run_id": run_id, "key": "k", "value": "v"}),
            400,
            "INVALID_PARAMETER_VALUE",
            format!("The run {run_id} must be in the 'active' state. Current state is deleted."),
        ),
        (
            "GET",
            "registered-models/alias?name=churn&alias=champion",
            Value::Null,
            400,
            "INVALID_PARAMETER_VALUE",
            "Registered model alias champion not found.".into(),
        ),
    ];
    for (method, route, body, status, code, message) in cases {
        let path = format!("/api/2.0/mlflow/{route}");
        let reply = match method {
            "GET" => server.get(&path),
            _ => server.post(&path, body),
        };
        assert_eq!(reply.status, status, "{route}: {}", reply.body);
        assert_eq!(reply.error_code(), code, "{route}");
        assert_eq!(reply.json()["message"], message.as_str(), "{route}");
    }
}

#[test]
fn a_changed_param_is_refused_in_mlflows_words() {
    let server = start(Auth::None);
    let run_id = new_run(&server);
    for (value, status) in [("0.1", 200), ("0.1", 200), ("0.2", 400)] {
        let reply = server.post(
            "/api/2.0/mlflow/runs/log-parameter",
            json!({"run_id": run_id, "key": "lr", "value": value}),
        );
        assert_eq!(reply.status, status, "{}", reply.body);
    }
    let reply = server.post(
        "/api/2.0/mlflow/runs/log-parameter",
        json!({"run_id": run_id, "key": "lr", "value": "0.3"}),
    );
    assert_eq!(
        reply.json()["message"],
        format!(
            "Changing param values is not allowed. Param with key='lr' was already logged with value='0.1' for run ID='{run_id}'. Attempted logging new value '0.3'."
        )
    );
}

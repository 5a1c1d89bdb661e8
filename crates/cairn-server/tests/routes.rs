//! Error paths and wire rules of the MLflow routes, against a real server and store.

#![allow(
    clippy::unwrap_used,
    reason = "tests fail loudly on anything unexpected; the support module is not #[test] code"
)]
mod support;

use cairn_core::RegistryStore;
use cairn_server::Auth;
use serde_json::json;
use support::start;

fn new_run(server: &support::TestServer) -> String {
    let reply = server.post("/api/2.0/mlflow/runs/create", json!({"experiment_id": "0"}));
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()["run"]["info"]["run_id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn missing_resources_are_resource_does_not_exist_404() {
    let server = start(Auth::None);
    for path in [
        "/api/2.0/mlflow/runs/get?run_id=0123456789abcdef0123456789abcdef",
        "/api/2.0/mlflow/experiments/get-by-name?experiment_name=nope",
        "/api/2.0/mlflow/experiments/get?experiment_id=42",
        "/api/2.0/mlflow/registered-models/get?name=nope",
        "/api/2.0/mlflow/model-versions/get?name=nope&version=1",
        "/api/2.0/mlflow/logged-models/m-0123456789abcdef0123456789abcdef",
        "/api/2.0/mlflow/metrics/get-history?run_id=nope&metric_key=x",
    ] {
        let reply = server.get(path);
        assert_eq!(reply.status, 404, "{path}: {}", reply.body);
        assert_eq!(reply.error_code(), "RESOURCE_DOES_NOT_EXIST", "{path}");
        assert!(!reply.json()["message"].as_str().unwrap().is_empty());
    }
}

#[test]
fn unknown_endpoint_is_endpoint_not_found() {
    let server = start(Auth::None);
    let reply = server.get("/api/2.0/mlflow/no-such-thing");
    assert_eq!(reply.status, 404);
    assert_eq!(reply.error_code(), "ENDPOINT_NOT_FOUND");
}

#[test]
fn post_without_json_content_type_is_400() {
    let server = start(Auth::None);
    let reply = server.send(
        "POST",
        "/api/2.0/mlflow/experiments/create",
        &[("Content-Type", "text/plain")],
        br#"{"name": "x"}"#,
    );
    assert_eq!(reply.status, 400);
    assert_eq!(reply.error_code(), "INVALID_PARAMETER_VALUE");
    assert_eq!(
        reply.json()["message"],
        "Bad Request. Content-Type must be one of [application/json]. Got 'text/plain'."
    );
    let malformed = server.send(
        "POST",
        "/api/2.0/mlflow/experiments/create",
        &[("Content-Type", "application/json")],
        b"{not json",
    );
    assert_eq!(malformed.status, 400);
}

#[test]
fn existing_names_are_resource_already_exists() {
    let server = start(Auth::None);
    let body = json!({"name": "m"});
    assert_eq!(
        server
            .post("/api/2.0/mlflow/registered-models/create", body.clone())
            .status,
        200
    );
    let again = server.post("/api/2.0/mlflow/registered-models/create", body);
    assert_eq!(again.status, 400);
    assert_eq!(again.error_code(), "RESOURCE_ALREADY_EXISTS");
    let experiment = json!({"name": "e"});
    assert_eq!(
        server
            .post("/api/2.0/mlflow/experiments/create", experiment.clone())
            .status,
        200
    );
    assert_eq!(
        server
            .post("/api/2.0/mlflow/experiments/create", experiment)
            .error_code(),
        "RESOURCE_ALREADY_EXISTS"
    );
}

#[test]
fn params_are_immutable_and_batches_validated() {
    let server = start(Auth::None);
    let run_id = new_run(&server);
    let log = |value: &str| {
        server.post(
            "/api/2.0/mlflow/runs/log-parameter",
            json!({"run_id": run_id, "key": "p", "value": value}),
        )
    };
    assert_eq!(log("1").status, 200);
    assert_eq!(log("1").status, 200);
    let changed = log("2");
    assert_eq!(changed.status, 400);
    assert_eq!(changed.error_code(), "INVALID_PARAMETER_VALUE");
    let duplicate = server.post(
        "/api/2.0/mlflow/runs/log-batch",
        json!({"run_id": run_id, "params": [{"key": "a", "value": "1"}, {"key": "a", "value": "1"}]}),
    );
    assert_eq!(duplicate.status, 400);
    let too_many: Vec<_> = (0..1001)
        .map(|i| json!({"key": "m", "value": 1.0, "timestamp": 0, "step": i}))
        .collect();
    let big = server.post(
        "/api/2.0/mlflow/runs/log-batch",
        json!({"run_id": run_id, "metrics": too_many}),
    );
    assert_eq!(big.status, 400);
    assert_eq!(big.error_code(), "INVALID_PARAMETER_VALUE");
    let bad_key = server.post(
        "/api/2.0/mlflow/runs/log-metric",
        json!({"run_id": run_id, "key": "../x", "value": 1.0, "timestamp": 0}),
    );
    assert_eq!(bad_key.status, 400);
    let boolean = server.post(
        "/api/2.0/mlflow/runs/log-metric",
        json!({"run_id": run_id, "key": "b", "value": true, "timestamp": 0}),
    );
    assert_eq!(boolean.status, 400);
}

#[test]
fn nan_infinity_and_int64_strings_round_trip() {
    let server = start(Auth::None);
    let run_id = new_run(&server);
    let reply = server.post(
        "/api/2.0/mlflow/runs/log-batch",
        json!({"run_uuid": run_id, "unknown_field": 1, "metrics": [
            {"key": "nan", "value": "NaN", "timestamp": "1700000000000", "step": "3"},
            {"key": "inf", "value": "Infinity", "timestamp": 1, "step": 0},
            {"key": "ninf", "value": "-Infinity", "timestamp": 1, "step": 0},
        ]}),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let run = server
        .get(&format!("/api/2.0/mlflow/runs/get?run_id={run_id}"))
        .json();
    let metrics = run["run"]["data"]["metrics"].as_array().unwrap().clone();
    let value = |key: &str| metrics.iter().find(|m| m["key"] == key).unwrap().clone();
    assert_eq!(value("nan")["value"], "NaN");
    assert_eq!(value("nan")["step"], 3);
    assert_eq!(value("nan")["timestamp"], 1_700_000_000_000_i64);
    assert_eq!(value("inf")["value"], "Infinity");
    assert_eq!(value("ninf")["value"], "-Infinity");
}

#[test]
fn writes_to_deleted_runs_are_rejected() {
    let server = start(Auth::None);
    let run_id = new_run(&server);
    assert_eq!(
        server
            .post("/api/2.0/mlflow/runs/delete", json!({"run_id": run_id}))
            .status,
        200
    );
    let reply = server.post(
        "/api/2.0/mlflow/runs/set-tag",
        json!({"run_id": run_id, "key": "k", "value": "v"}),
    );
    assert_eq!(reply.status, 400);
    assert_eq!(reply.error_code(), "INVALID_PARAMETER_VALUE");
}

#[test]
fn search_paging_omits_token_on_last_page_and_rejects_bad_tokens() {
    let server = start(Auth::None);
    for _ in 0..3 {
        new_run(&server);
    }
    let first = server.post(
        "/api/2.0/mlflow/runs/search",
        json!({"experiment_ids": ["0"], "max_results": 2}),
    );
    let token = first.json()["next_page_token"]
        .as_str()
        .unwrap()
        .to_string();
    let second = server.post(
        "/api/2.0/mlflow/runs/search",
        json!({"experiment_ids": ["0"], "max_results": 2, "page_token": token}),
    );
    assert_eq!(second.json()["runs"].as_array().unwrap().len(), 1);
    assert!(second.json().get("next_page_token").is_none());
    let bad = server.post(
        "/api/2.0/mlflow/runs/search",
        json!({"experiment_ids": ["0"], "page_token": "%%%"}),
    );
    assert_eq!(bad.status, 400);
    let bad_filter = server.post(
        "/api/2.0/mlflow/runs/search",
        json!({"experiment_ids": ["0"], "filter": "metrics.x >"}),
    );
    assert_eq!(bad_filter.status, 400);
    assert_eq!(bad_filter.error_code(), "INVALID_PARAMETER_VALUE");
    let bad_max = server.post("/api/2.0/mlflow/runs/search", json!({"max_results": 50001}));
    assert_eq!(bad_max.status, 400);
}

#[test]
fn registry_error_paths() {
    let server = start(Auth::None);
    server.post(
        "/api/2.0/mlflow/registered-models/create",
        json!({"name": "m"}),
    );
    server.post(
        "/api/2.0/mlflow/model-versions/create",
        json!({"name": "m", "source": "s3://bucket/m/1"}),
    );
    let bad_stage = server.post(
        "/api/2.0/mlflow/model-versions/transition-stage",
        json!({"name": "m", "version": "1", "stage": "Nowhere"}),
    );
    assert_eq!(bad_stage.status, 400);
    let staged = server.post(
        "/api/2.0/mlflow/model-versions/transition-stage",
        json!({"name": "m", "version": "1", "stage": "staging"}),
    );
    assert_eq!(staged.json()["model_version"]["current_stage"], "Staging");
    let reserved = server.post(
        "/api/2.0/mlflow/registered-models/alias",
        json!({"name": "m", "alias": "latest", "version": "1"}),
    );
    assert_eq!(reserved.status, 400);
    let missing_version = server.post(
        "/api/2.0/mlflow/registered-models/alias",
        json!({"name": "m", "alias": "champion", "version": "9"}),
    );
    assert_eq!(missing_version.status, 404);
    let missing_alias = server.get("/api/2.0/mlflow/registered-models/alias?name=m&alias=nope");
    assert_eq!(missing_alias.error_code(), "INVALID_PARAMETER_VALUE");
    let not_a_number = server.get("/api/2.0/mlflow/model-versions/get?name=m&version=one");
    assert_eq!(not_a_number.status, 400);
    let missing_name = server.post("/api/2.0/mlflow/registered-models/create", json!({}));
    assert_eq!(missing_name.error_code(), "INVALID_PARAMETER_VALUE");
}

#[test]
fn ajax_api_serves_the_same_routes() {
    let server = start(Auth::None);
    let reply = server.get("/ajax-api/2.0/mlflow/experiments/get?experiment_id=0");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["experiment"]["name"], "Default");
    assert_eq!(server.get("/health").body, "OK");
}

#[test]
fn app_api_lists_experiments_and_runs() {
    let server = start(Auth::None);
    new_run(&server);
    let experiments = server.post("/app/api/list_experiments", json!({}));
    assert_eq!(experiments.status, 200, "{}", experiments.body);
    assert!(experiments.json().as_array().is_some());
    let unknown = server.post("/app/api/nope", json!({}));
    assert_eq!(unknown.status, 404);
}

#[test]
fn app_api_replies_carry_server_timing() {
    let server = start(Auth::None);
    for reply in [
        server.post("/app/api/list_experiments", json!({})),
        server.post("/app/api/nope", json!({})),
    ] {
        let timing = reply
            .head
            .lines()
            .find_map(|line| line.strip_prefix("server-timing: "))
            .unwrap_or_else(|| panic!("no server-timing header in\n{}", reply.head));
        assert!(
            timing.starts_with("run;dur=") && timing.contains(", total;dur="),
            "{timing}"
        );
    }
}

#[test]
fn the_built_ui_is_served_at_the_root_with_api_routes_still_first() {
    let ui = tempfile::tempdir().unwrap();
    std::fs::write(ui.path().join("index.html"), "<html>cairn ui</html>").unwrap();
    std::fs::write(ui.path().join("app.js"), "console.log(1)").unwrap();
    let server = support::start_with(Auth::None, Some(ui.path().to_path_buf()));
    assert!(server.get("/").body.contains("cairn ui"));
    assert_eq!(server.get("/app.js").body, "console.log(1)");
    // The UI routes with `#/...`: a path that is not one of its files is MLflow's JSON 404,
    // not the index.
    let client_route = server.get("/runs/some-client-route");
    assert_eq!(client_route.status, 404);
    assert_eq!(client_route.error_code(), "ENDPOINT_NOT_FOUND");
    let api = server.get("/api/2.0/mlflow/experiments/get?experiment_id=0");
    assert_eq!(api.json()["experiment"]["name"], "Default");
}

#[test]
fn unknown_api_routes_stay_json_404_when_the_ui_is_served() {
    let ui = tempfile::tempdir().unwrap();
    std::fs::write(ui.path().join("index.html"), "<html>cairn ui</html>").unwrap();
    let server = support::start_with(Auth::None, Some(ui.path().to_path_buf()));
    let reply = server.get("/api/2.0/mlflow/no-such-thing");
    assert_eq!(reply.status, 404);
    assert_eq!(reply.error_code(), "ENDPOINT_NOT_FOUND");
}

#[test]
fn app_api_errors_carry_the_ui_error_shape() {
    let server = start(Auth::None);
    let bad_filter = server.post(
        "/app/api/list_runs",
        json!({"request": {"experiment_ids": [], "filter": "metrics.x >", "order_by": [],
                           "max_results": 10, "offset": 0}}),
    );
    assert_eq!(bad_filter.status, 400, "{}", bad_filter.body);
    assert_eq!(bad_filter.json()["kind"], "search");
    let page = server.post(
        "/app/api/list_runs",
        json!({"request": {"experiment_ids": [], "filter": "", "order_by": [],
                           "max_results": 10, "offset": 0}}),
    );
    assert_eq!(page.status, 200, "{}", page.body);
}

#[test]
fn logged_model_error_paths() {
    let server = start(Auth::None);
    let missing = "/api/2.0/mlflow/logged-models/m-00000000000000000000000000000000";
    let patch = server.send(
        "PATCH",
        missing,
        &[("Content-Type", "application/json")],
        br#"{"status": "LOGGED_MODEL_READY"}"#,
    );
    assert_eq!(patch.status, 404);
    assert_eq!(patch.error_code(), "RESOURCE_DOES_NOT_EXIST");
    let created = server.post(
        "/api/2.0/mlflow/logged-models",
        json!({"experiment_id": "0", "name": "m"}),
    );
    let model_id = created.json()["model"]["info"]["model_id"]
        .as_str()
        .unwrap()
        .to_string();
    let bad_status = server.send(
        "PATCH",
        &format!("/api/2.0/mlflow/logged-models/{model_id}"),
        &[("Content-Type", "application/json")],
        br#"{"status": "DONE"}"#,
    );
    assert_eq!(bad_status.status, 400);
    let missing_experiment = server.post(
        "/api/2.0/mlflow/logged-models",
        json!({"experiment_id": "999", "name": "m"}),
    );
    assert_eq!(missing_experiment.error_code(), "RESOURCE_DOES_NOT_EXIST");
    let no_experiment = server.post("/api/2.0/mlflow/logged-models", json!({"name": "m"}));
    assert_eq!(no_experiment.error_code(), "INVALID_PARAMETER_VALUE");
    let deleted = server.send(
        "DELETE",
        &format!("/api/2.0/mlflow/logged-models/{model_id}"),
        &[],
        b"",
    );
    assert_eq!(deleted.status, 200);
    let gone = server.get(&format!("/api/2.0/mlflow/logged-models/{model_id}"));
    assert_eq!(gone.status, 404);
}

#[test]
fn experiment_and_run_update_error_paths() {
    let server = start(Auth::None);
    let missing_experiment = server.post(
        "/api/2.0/mlflow/experiments/update",
        json!({"experiment_id": "77", "new_name": "x"}),
    );
    assert_eq!(missing_experiment.error_code(), "RESOURCE_DOES_NOT_EXIST");
    let bad_id = server.post(
        "/api/2.0/mlflow/experiments/delete",
        json!({"experiment_id": "abc"}),
    );
    assert_eq!(bad_id.error_code(), "INVALID_PARAMETER_VALUE");
    let default = server.post(
        "/api/2.0/mlflow/experiments/delete",
        json!({"experiment_id": "0"}),
    );
    assert_eq!(default.status, 400);
    let run_id = new_run(&server);
    let bad_status = server.post(
        "/api/2.0/mlflow/runs/update",
        json!({"run_id": run_id, "status": "SLEEPING"}),
    );
    assert_eq!(bad_status.error_code(), "INVALID_PARAMETER_VALUE");
    let bad_time = server.post(
        "/api/2.0/mlflow/runs/update",
        json!({"run_id": run_id, "end_time": "soon"}),
    );
    assert_eq!(bad_time.error_code(), "INVALID_PARAMETER_VALUE");
    let no_run = server.post("/api/2.0/mlflow/runs/update", json!({"status": "FINISHED"}));
    assert_eq!(no_run.error_code(), "INVALID_PARAMETER_VALUE");
    let missing_tag = server.post(
        "/api/2.0/mlflow/runs/delete-tag",
        json!({"run_id": run_id, "key": "nope"}),
    );
    assert_eq!(missing_tag.status, 404);
    assert_eq!(
        missing_tag.json()["message"],
        format!("No tag with name: nope in run with id {run_id}")
    );
}

#[test]
fn metric_history_routes_validate_their_arguments() {
    let server = start(Auth::None);
    let run_id = new_run(&server);
    let no_key = server.get(&format!(
        "/api/2.0/mlflow/metrics/get-history?run_id={run_id}"
    ));
    assert_eq!(no_key.error_code(), "INVALID_PARAMETER_VALUE");
    let no_runs = server.get("/api/2.0/mlflow/metrics/get-history-bulk-interval?metric_key=m");
    assert_eq!(no_runs.status, 400);
    let too_many_points = server.get(&format!(
        "/api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids={run_id}&metric_key=m&max_results=2501"
    ));
    assert_eq!(too_many_points.status, 400);
    let bad_token = server.get(&format!(
        "/api/2.0/mlflow/metrics/get-history?run_id={run_id}&metric_key=m&page_token=xyz"
    ));
    assert_eq!(bad_token.status, 400);
}

#[test]
fn rest_registry_changes_are_in_the_history() {
    use cairn_core::model::RegistryChange;

    let server = start(Auth::None);
    server.post(
        "/api/2.0/mlflow/registered-models/create",
        json!({"name": "m"}),
    );
    for _ in 0..2 {
        server.post(
            "/api/2.0/mlflow/model-versions/create",
            json!({"name": "m", "source": "s3://bucket/m/1"}),
        );
    }
    for version in ["1", "2"] {
        let moved = server.post(
            "/api/2.0/mlflow/model-versions/transition-stage",
            json!({"name": "m", "version": version, "stage": "Production",
                   "archive_existing_versions": true}),
        );
        assert_eq!(moved.status, 200, "{}", moved.body);
    }
    let set = server.post(
        "/api/2.0/mlflow/registered-models/alias",
        json!({"name": "m", "alias": "champion", "version": "2"}),
    );
    assert_eq!(set.status, 200, "{}", set.body);
    let deleted = server.send(
        "DELETE",
        "/api/2.0/mlflow/registered-models/alias?name=m&alias=champion",
        &[],
        b"",
    );
    assert_eq!(deleted.status, 200, "{}", deleted.body);

    let store = cairn_core::SqliteStore::open(&server.dir.path().join("cairn.db")).unwrap();
    let history = store.registry_history("m").unwrap();
    let changes: Vec<(RegistryChange, Option<u64>, Option<&str>)> = history
        .iter()
        .map(|entry| {
            (
                entry.change,
                entry.version,
                entry.to_stage.map(|stage| stage.as_str()),
            )
        })
        .collect();
    assert_eq!(
        changes,
        vec![
            (RegistryChange::CreateVersion, Some(1), Some("None")),
            (RegistryChange::CreateVersion, Some(2), Some("None")),
            (RegistryChange::Transition, Some(1), Some("Production")),
            (RegistryChange::Transition, Some(1), Some("Archived")),
            (RegistryChange::Transition, Some(2), Some("Production")),
            (RegistryChange::SetAlias, Some(2), None),
            (RegistryChange::DeleteAlias, Some(2), None),
        ]
    );
    assert!(
        history[2..].iter().all(|entry| entry.origin == "rest"),
        "{history:?}"
    );
}

#[test]
fn app_api_promotes_moves_aliases_and_shows_the_history() {
    let server = start(Auth::None);
    server.post(
        "/api/2.0/mlflow/registered-models/create",
        json!({"name": "m"}),
    );
    server.post(
        "/api/2.0/mlflow/model-versions/create",
        json!({"name": "m", "source": "s3://bucket/m/1"}),
    );
    let promoted = server.post(
        "/app/api/promote_model_version",
        json!({"request": {"name": "m", "version": 1, "stage": "staging", "comment": "ui"}}),
    );
    assert_eq!(promoted.status, 200, "{}", promoted.body);
    assert_eq!(promoted.json()["stage"], "Staging");
    let set = server.post(
        "/app/api/set_model_alias",
        json!({"name": "m", "alias": "champion", "version": 1}),
    );
    assert_eq!(set.status, 200, "{}", set.body);
    let resolved = server.post(
        "/app/api/resolve_model_uri",
        json!({"uri": "models:/m@champion"}),
    );
    assert_eq!(resolved.json()["version"], 1, "{}", resolved.body);
    let removed = server.post(
        "/app/api/delete_model_alias",
        json!({"name": "m", "alias": "champion"}),
    );
    assert_eq!(removed.status, 200, "{}", removed.body);
    let history = server
        .post("/app/api/model_history", json!({"name": "m"}))
        .json();
    let app: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["origin"] == "app")
        .map(|entry| entry["change"].as_str().unwrap())
        .collect();
    assert_eq!(app, ["transition", "set_alias", "delete_alias"]);
    let bad = server.post(
        "/app/api/promote_model_version",
        json!({"request": {"name": "m", "version": 1, "stage": "Prod"}}),
    );
    assert_eq!(bad.status, 400);
    let missing = server.post(
        "/app/api/resolve_model_uri",
        json!({"uri": "models:/m@nobody"}),
    );
    assert_eq!(missing.status, 404);
}

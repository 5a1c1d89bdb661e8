//! `logged-models/search` orders as MLflow's store does: attributes and `metrics.<key>` (latest
//! value, optionally of one dataset), ascending by default, missing values last, ties by
//! creation time (newest first) then model id.

#![allow(
    clippy::unwrap_used,
    reason = "tests fail loudly on anything unexpected"
)]
mod support;

use std::time::Duration;

use cairn_server::Auth;
use serde_json::{Value, json};
use support::{TestServer, start};

const SEARCH: &str = "/api/2.0/mlflow/logged-models/search";

/// The four models of every test, created in this order (so `b` is the oldest), by name → id.
struct Models {
    experiment_id: String,
    ids: Vec<(String, String)>,
}

impl Models {
    fn name_of(&self, model_id: &str) -> String {
        self.ids
            .iter()
            .find(|(_, id)| id == model_id)
            .map(|(name, _)| name.clone())
            .unwrap()
    }

    fn id_of(&self, name: &str) -> &str {
        &self.ids.iter().find(|(n, _)| n == name).unwrap().1
    }
}

fn post_ok(server: &TestServer, path: &str, body: Value) -> Value {
    let reply = server.post(path, body);
    assert_eq!(reply.status, 200, "{path}: {}", reply.body);
    reply.json()
}

/// Models `b`, `a`, `d`, `c` (oldest first) with metric `acc`:
/// `b` logged 0.9 on dataset `val`, then 0.1 later without a dataset (latest: 0.1);
/// `a` 0.5; `c` NaN (sorts as missing); `d` none. `a` is finalised last.
fn setup(server: &TestServer) -> Models {
    let experiment_id = post_ok(
        server,
        "/api/2.0/mlflow/experiments/create",
        json!({"name": "ordering"}),
    )["experiment_id"]
        .as_str()
        .unwrap()
        .to_string();
    let run_id = post_ok(
        server,
        "/api/2.0/mlflow/runs/create",
        json!({"experiment_id": experiment_id}),
    )["run"]["info"]["run_id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut ids = Vec::new();
    for name in ["b", "a", "d", "c"] {
        let created = post_ok(
            server,
            "/api/2.0/mlflow/logged-models",
            json!({"experiment_id": experiment_id, "name": name, "source_run_id": run_id}),
        );
        ids.push((
            name.to_string(),
            created["model"]["info"]["model_id"]
                .as_str()
                .unwrap()
                .to_string(),
        ));
        // Distinct creation timestamps (milliseconds).
        std::thread::sleep(Duration::from_millis(3));
    }
    let models = Models { experiment_id, ids };
    let metric = |name: &str, value: Value, timestamp: i64, dataset: Option<&str>| {
        let mut item = json!({"key": "acc", "value": value, "timestamp": timestamp, "step": 0,
                              "model_id": models.id_of(name)});
        if let Some(dataset) = dataset {
            item["dataset_name"] = json!(dataset);
            item["dataset_digest"] = json!("abc123");
        }
        item
    };
    post_ok(
        server,
        "/api/2.0/mlflow/runs/log-batch",
        json!({"run_id": run_id, "metrics": [
            metric("b", json!(0.9), 100, Some("val")),
            metric("b", json!(0.1), 200, None),
            metric("a", json!(0.5), 100, None),
            metric("c", json!("NaN"), 100, None),
        ]}),
    );
    std::thread::sleep(Duration::from_millis(3));
    let path = format!("/api/2.0/mlflow/logged-models/{}", models.id_of("a"));
    let reply = server.send(
        "PATCH",
        &path,
        &[("Content-Type", "application/json")],
        json!({"status": "LOGGED_MODEL_READY"})
            .to_string()
            .as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    models
}

fn names(server: &TestServer, models: &Models, order_by: Value) -> Vec<String> {
    let found = post_ok(
        server,
        SEARCH,
        json!({"experiment_ids": [models.experiment_id], "order_by": order_by}),
    );
    found["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|model| models.name_of(model["info"]["model_id"].as_str().unwrap()))
        .collect()
}

#[test]
fn logged_model_search_orders_by_attributes_and_metrics() {
    let server = start(Auth::None);
    let models = setup(&server);
    let cases: Vec<(Value, [&str; 4])> = vec![
        // No order: newest first.
        (json!([]), ["c", "d", "a", "b"]),
        (json!([{"field_name": "name"}]), ["a", "b", "c", "d"]),
        (
            json!([{"field_name": "name", "ascending": false}]),
            ["d", "c", "b", "a"],
        ),
        (json!(["name DESC"]), ["d", "c", "b", "a"]),
        (
            json!([{"field_name": "creation_timestamp", "ascending": true}]),
            ["b", "a", "d", "c"],
        ),
        (json!(["creation_timestamp DESC"]), ["c", "d", "a", "b"]),
        // `a` was finalised after every model was created.
        (
            json!([{"field_name": "last_updated_timestamp", "ascending": false}]),
            ["a", "c", "d", "b"],
        ),
        // Latest values: b 0.1, a 0.5; c (NaN) and d (none) last, newest first.
        (
            json!([{"field_name": "metrics.acc", "ascending": true}]),
            ["b", "a", "c", "d"],
        ),
        (
            json!([{"field_name": "metrics.acc", "ascending": false}]),
            ["a", "b", "c", "d"],
        ),
        // Only points of dataset `val`: just b's 0.9.
        (
            json!([{"field_name": "metrics.acc", "ascending": false, "dataset_name": "val"}]),
            ["b", "c", "d", "a"],
        ),
        // A later clause breaks the ties of an earlier one.
        (
            json!([{"field_name": "status", "ascending": false}, {"field_name": "name"}]),
            ["a", "b", "c", "d"],
        ),
    ];
    for (order_by, expected) in cases {
        assert_eq!(
            names(&server, &models, order_by.clone()),
            expected,
            "{order_by}"
        );
    }
}

#[test]
fn logged_model_search_pages_follow_the_order() {
    let server = start(Auth::None);
    let models = setup(&server);
    let body = |token: Option<&str>| {
        let mut body = json!({"experiment_ids": [models.experiment_id], "max_results": 3,
                              "order_by": [{"field_name": "name", "ascending": false}]});
        if let Some(token) = token {
            body["page_token"] = json!(token);
        }
        body
    };
    let first = post_ok(&server, SEARCH, body(None));
    let token = first["next_page_token"].as_str().unwrap().to_string();
    let second = post_ok(&server, SEARCH, body(Some(&token)));
    assert!(second.get("next_page_token").is_none());
    let paged: Vec<String> = [first, second]
        .iter()
        .flat_map(|page| page["models"].as_array().unwrap().clone())
        .map(|model| models.name_of(model["info"]["model_id"].as_str().unwrap()))
        .collect();
    assert_eq!(paged, ["d", "c", "b", "a"]);
}

#[test]
fn logged_model_search_refuses_unknown_order_fields() {
    let server = start(Auth::None);
    let models = setup(&server);
    for order_by in [
        json!([{"field_name": "nope"}]),
        json!([{"field_name": "params.lr"}]),
        json!(["name SIDEWAYS"]),
        json!([{"ascending": true}]),
    ] {
        let reply = server.post(
            SEARCH,
            json!({"experiment_ids": [models.experiment_id], "order_by": order_by}),
        );
        assert_eq!(reply.status, 400, "{order_by}: {}", reply.body);
        assert_eq!(reply.error_code(), "INVALID_PARAMETER_VALUE", "{order_by}");
    }
}

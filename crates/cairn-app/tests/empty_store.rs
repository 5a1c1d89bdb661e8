//! What the empty store's screen offers: loading the demo, once, through `App::call`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failure should stop the test with its error"
)]

use std::sync::Arc;

use cairn_app::App;
use cairn_core::SqliteStore;
use serde_json::{Value, json};

fn run_count(app: &App) -> u64 {
    let experiments = app.call("list_experiments", json!({})).unwrap();
    experiments
        .as_array()
        .unwrap()
        .iter()
        .map(|experiment| experiment["run_count"].as_u64().unwrap())
        .sum()
}

#[test]
fn load_demo_fills_an_empty_store_and_leaves_a_used_one_alone() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::new(Arc::new(
        SqliteStore::open(&dir.path().join("cairn.db")).unwrap(),
    ));
    assert_eq!(run_count(&app), 0);

    let loaded = app.call("load_demo", Value::Null).unwrap();
    assert_eq!(loaded["loaded"], true);
    let runs = run_count(&app);
    assert!(runs > 0);
    assert_eq!(loaded["runs"].as_u64().unwrap(), runs);
    assert!(loaded["experiments"].as_u64().unwrap() >= 3);
    assert!(loaded["metric_points"].as_u64().unwrap() > runs);
    let model = loaded["model_name"].as_str().unwrap();
    let models = app.call("list_models", json!({})).unwrap();
    assert!(
        models
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["name"] == model),
        "{models}"
    );

    let again = app.call("load_demo", json!({})).unwrap();
    assert_eq!(again["loaded"], false);
    assert_eq!(again["runs"], 0);
    assert_eq!(
        run_count(&app),
        runs,
        "a store with runs gets no second demo"
    );
}

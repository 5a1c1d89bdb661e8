//! Experiment and registry searches go through `cairn_core::search`'s entity tables: filters
//! match as before, and a filter the table refuses is 400 INVALID_PARAMETER_VALUE naming it.

#![allow(
    clippy::unwrap_used,
    reason = "tests fail loudly on anything unexpected"
)]
mod support;

use cairn_server::Auth;
use serde_json::json;
use support::start;

#[test]
fn experiment_and_registry_filters_use_the_entity_tables() {
    let server = start(Auth::None);
    for (name, team) in [("alpha", "vision"), ("beta", "nlp")] {
        let reply = server.post(
            "/api/2.0/mlflow/experiments/create",
            json!({"name": name, "tags": [{"key": "team", "value": team}]}),
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    let names = |filter: &str| -> Vec<String> {
        let reply = server.post(
            "/api/2.0/mlflow/experiments/search",
            json!({"filter": filter, "order_by": ["name"]}),
        );
        assert_eq!(reply.status, 200, "{filter}: {}", reply.body);
        reply.json()["experiments"]
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|e| e["name"].as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(names("tags.team = 'nlp'"), ["beta"]);
    assert_eq!(
        names("name LIKE 'al%' OR tag.`team` = 'nlp'"),
        ["alpha", "beta"]
    );
    assert_eq!(names("tags.team != 'nlp' AND name != 'Default'"), ["alpha"]);

    let refused = server.post(
        "/api/2.0/mlflow/experiments/search",
        json!({"filter": "metrics.acc > 1"}),
    );
    assert_eq!(refused.status, 400);
    assert_eq!(refused.error_code(), "INVALID_PARAMETER_VALUE");
    assert!(
        refused.json()["message"]
            .as_str()
            .unwrap()
            .starts_with("invalid filter 'metrics.acc > 1': at position 0:"),
        "{}",
        refused.body
    );

    let created = server.post(
        "/api/2.0/mlflow/registered-models/create",
        json!({"name": "my-model"}),
    );
    assert_eq!(created.status, 200, "{}", created.body);
    let found = server.get(
        "/api/2.0/mlflow/registered-models/search?filter=name%20LIKE%20%27my%25%27%20AND%20tag.%60mlflow.prompt.is_prompt%60%20!%3D%20%27true%27",
    );
    assert_eq!(found.status, 200, "{}", found.body);
    assert_eq!(found.json()["registered_models"][0]["name"], "my-model");
    let versions =
        server.get("/api/2.0/mlflow/model-versions/search?filter=version_number%20%3E%3D%20'1'");
    assert_eq!(versions.status, 200, "{}", versions.body);
}

//! The root fields, each answered as MLflow's own resolvers do: by the REST handler of the same
//! request (`runs/get`, `runs/search`, ...), called in-process with the input's fields, so that
//! GraphQL and REST can never disagree. A run's `experiment` and `modelVersions` are fetched only
//! when selected.

use std::collections::HashMap;
use std::collections::HashSet;

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Map, Value};
use tower::ServiceExt as _;

use super::schema;
use crate::Shared;
use crate::accounts::Caller;

/// Where the REST routes a query is answered by are mounted.
const API: &str = "/api/2.0/mlflow";

/// Largest REST answer a resolver reads (a page of 50,000 runs is far smaller).
const MAX_ANSWER_BYTES: usize = 256 * 1024 * 1024;

/// What a root field needs beyond its input: which of a run's extra fields are selected.
#[derive(Debug, Default)]
pub struct Extras {
    pub experiment: bool,
    pub model_versions: bool,
}

impl Extras {
    /// From the names selected on the run objects.
    pub fn from_names(names: &HashSet<String>) -> Extras {
        Extras {
            experiment: names.contains("experiment"),
            model_versions: names.contains("modelVersions"),
        }
    }
}

/// MLflow's JSON for a root field; the error message otherwise.
pub async fn root_field(
    state: &Shared,
    caller: &Caller,
    name: &str,
    input: &Value,
    input_string: &Value,
    extras: &Extras,
) -> Result<Value, String> {
    let args = match name {
        "test" | "testMutation" => {
            let mut answer = Map::new();
            answer.insert("output".into(), input_string.clone());
            return Ok(Value::Object(answer));
        }
        _ => input_args(name, input)?,
    };
    let (method, path) = match name {
        "mlflowGetExperiment" => (Method::GET, "/experiments/get"),
        "mlflowGetRun" => (Method::GET, "/runs/get"),
        "mlflowGetMetricHistoryBulkInterval" => (Method::GET, "/metrics/get-history-bulk-interval"),
        "mlflowListArtifacts" => (Method::GET, "/artifacts/list"),
        "mlflowSearchModelVersions" => (Method::GET, "/model-versions/search"),
        "mlflowSearchRuns" => (Method::POST, "/runs/search"),
        "mlflowSearchDatasets" => (Method::POST, "/experiments/search-datasets"),
        other => return Err(format!("Cannot query field '{other}'.")),
    };
    let mut answer = rest(state, caller, method, path, args).await?;
    let mut experiments = HashMap::new();
    match (name, &mut answer) {
        ("mlflowGetRun", Value::Object(fields)) => {
            if let Some(run) = fields.get_mut("run") {
                add_extras(state, caller, run, extras, &mut experiments).await?;
            }
        }
        ("mlflowSearchRuns", Value::Object(fields)) => {
            if let Some(Value::Array(runs)) = fields.get_mut("runs") {
                for run in runs {
                    add_extras(state, caller, run, extras, &mut experiments).await?;
                }
            }
        }
        _ => {}
    }
    Ok(answer)
}

/// The input object's fields under MLflow's JSON names; an unknown field is an error.
fn input_args(name: &str, input: &Value) -> Result<Map<String, Value>, String> {
    let (type_name, fields) = schema::input_fields(name).unwrap_or(("", &[]));
    let mut args = Map::new();
    match input {
        Value::Null => {}
        Value::Object(given) => {
            for (key, value) in given {
                let Some((_, source)) = fields.iter().find(|(field, _)| field == key) else {
                    return Err(format!(
                        "Field '{key}' is not defined by type '{type_name}'."
                    ));
                };
                if !value.is_null() {
                    args.insert((*source).to_string(), value.clone());
                }
            }
        }
        other => {
            return Err(format!(
                "Expected value of type '{type_name}', found {other}."
            ));
        }
    }
    Ok(args)
}

/// Adds `experiment` and `model_versions` to a run's JSON when selected.
async fn add_extras(
    state: &Shared,
    caller: &Caller,
    run: &mut Value,
    extras: &Extras,
    experiments: &mut HashMap<String, Value>,
) -> Result<(), String> {
    let info = run.get("info");
    let experiment_id = info
        .and_then(|info| info.get("experiment_id"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let run_id = info
        .and_then(|info| info.get("run_id"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let Value::Object(fields) = run else {
        return Ok(());
    };
    if extras.experiment {
        let experiment = match experiments.get(&experiment_id) {
            Some(experiment) => experiment.clone(),
            None => {
                let mut args = Map::new();
                args.insert("experiment_id".into(), Value::String(experiment_id.clone()));
                let answer = rest(state, caller, Method::GET, "/experiments/get", args).await?;
                let experiment = answer.get("experiment").cloned().unwrap_or(Value::Null);
                experiments.insert(experiment_id, experiment.clone());
                experiment
            }
        };
        fields.insert("experiment".into(), experiment);
    }
    if extras.model_versions {
        let mut args = Map::new();
        args.insert("filter".into(), Value::String(format!("run_id='{run_id}'")));
        let answer = rest(state, caller, Method::GET, "/model-versions/search", args).await?;
        let versions = answer
            .get("model_versions")
            .cloned()
            .unwrap_or_else(|| Value::Array(Vec::new()));
        fields.insert("model_versions".into(), versions);
    }
    Ok(())
}

/// Calls one of MLflow's REST routes in-process: `args` as the query string of a GET (lists as
/// repeated keys) or the JSON body of a POST. A non-200 answer is its message.
async fn rest(
    state: &Shared,
    caller: &Caller,
    method: Method,
    path: &str,
    args: Map<String, Value>,
) -> Result<Value, String> {
    let request = if method == Method::GET {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for (key, value) in &args {
            let items = match value {
                Value::Array(items) => items.clone(),
                single => vec![single.clone()],
            };
            for item in items {
                let text = match item {
                    Value::String(text) => text,
                    Value::Null => continue,
                    other => other.to_string(),
                };
                pairs.push((key.clone(), text));
            }
        }
        let query = serde_urlencoded::to_string(&pairs).map_err(|error| error.to_string())?;
        Request::builder()
            .method(Method::GET)
            .uri(format!("{API}{path}?{query}"))
            .body(Body::empty())
    } else {
        Request::builder()
            .method(method)
            .uri(format!("{API}{path}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(Value::Object(args).to_string()))
    }
    .map_err(|error| format!("building the request for {path}: {error}"))?;
    let mut request = request;
    request.extensions_mut().insert(caller.clone());
    // The same access policy as the REST routes: a query reads only what its caller may.
    let router = axum::Router::new()
        .nest(
            API,
            super::super::mlflow_api().merge(super::super::ajax_only()),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::accounts::policy::authorize,
        ))
        .with_state(state.clone());
    let response = match router.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), MAX_ANSWER_BYTES)
        .await
        .map_err(|error| format!("reading the answer of {path}: {error}"))?;
    let answer: Value = serde_json::from_slice(&bytes)
        .map_err(|error| format!("the answer of {path} is not JSON: {error}"))?;
    if status.is_success() {
        Ok(answer)
    } else {
        Err(answer
            .get("message")
            .and_then(Value::as_str)
            .map_or_else(|| answer.to_string(), str::to_string))
    }
}

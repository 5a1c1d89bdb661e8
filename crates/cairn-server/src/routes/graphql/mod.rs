//! `/graphql`: the GraphQL queries MLflow's UI sends (`mlflowGetRun`, `mlflowGetExperiment`,
//! `mlflowSearchRuns`, `mlflowGetMetricHistoryBulkInterval`, ...) over the same handlers as the
//! REST API, answered as MLflow does: `{"data": ..., "errors": [message, ...] | null}`, with
//! MLflow's limits on depth, selections, root fields and aliases.

mod execute;
mod resolve;
mod schema;
mod syntax;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Map, Value, json};

use crate::Shared;
use crate::accounts::Caller;
use crate::args::Args;
use execute::Execution;

/// MLflow mounts it at `/graphql` alone, for GET and POST.
pub fn routes() -> Router<Shared> {
    Router::new().route("/graphql", get(graphql).post(graphql))
}

/// `{"data": data, "errors": [messages] | null}` with `status`.
fn answer(status: StatusCode, data: Value, errors: Vec<String>) -> Response {
    let errors = if errors.is_empty() {
        Value::Null
    } else {
        json!(errors)
    };
    (status, Json(json!({"data": data, "errors": errors}))).into_response()
}

/// A request that is not a GraphQL request at all: 400 in GraphQL's shape.
fn refused(message: String) -> Response {
    answer(StatusCode::BAD_REQUEST, Value::Null, vec![message])
}

/// The request's `query`, `operationName` and `variables` (a JSON body, or the query string of
/// a GET, where `variables` is JSON text).
async fn graphql(
    State(state): State<Shared>,
    caller: Option<axum::Extension<Caller>>,
    args: Args,
) -> Response {
    let caller = caller.map_or(Caller::Anonymous, |axum::Extension(caller)| caller);
    let Some(Value::String(query)) = args.get("query") else {
        return refused("Must provide query string.".into());
    };
    let operation_name = args.str("operationName").filter(|name| !name.is_empty());
    let variables = match args.get("variables") {
        None => Map::new(),
        Some(Value::Object(variables)) => variables.clone(),
        Some(Value::String(text)) => match serde_json::from_str(text) {
            Ok(Value::Object(variables)) => variables,
            Ok(Value::Null) => Map::new(),
            _ => return refused("Variables are invalid JSON.".into()),
        },
        Some(_) => return refused("Variables must be an object.".into()),
    };
    let document = match syntax::parse(query) {
        Ok(document) => document,
        Err(error) => return refused(error),
    };
    let operation = match execute::choose_operation(&document, operation_name.as_deref()) {
        Ok(operation) => operation,
        Err(error) => return answer(StatusCode::OK, Value::Null, vec![error]),
    };
    let execution = Execution::new(&document, operation, &variables);
    let root_type = match execution
        .check_limits()
        .and_then(|()| execution.root_type())
    {
        Ok(root_type) => root_type,
        Err(error) => return answer(StatusCode::OK, Value::Null, vec![error]),
    };
    let invalid = execution.validate(root_type);
    if !invalid.is_empty() {
        return answer(StatusCode::OK, Value::Null, invalid);
    }
    let mut data = Map::new();
    let mut errors = Vec::new();
    for (key, fields) in execution.collect(root_type, &operation.selection) {
        let name = fields[0].name.as_str();
        if name == "__typename" {
            data.insert(key, Value::String(root_type.to_string()));
            continue;
        }
        let Some((_, _, schema::Ty::Nullable(type_name))) = schema::field(root_type, name) else {
            data.insert(key, Value::Null);
            continue;
        };
        let run_path: &[&str] = if name == "mlflowSearchRuns" {
            &["runs"]
        } else {
            &["run"]
        };
        let extras = resolve::Extras::from_names(&execution.names_at(type_name, &fields, run_path));
        let input = execution.argument(fields[0], "input");
        let input_string = execution.argument(fields[0], "inputString");
        match resolve::root_field(&state, &caller, name, &input, &input_string, &extras).await {
            Ok(value) => {
                data.insert(key, execution.project(type_name, &value, &fields));
            }
            Err(message) => {
                data.insert(key, Value::Null);
                errors.push(message);
            }
        }
    }
    answer(StatusCode::OK, Value::Object(data), errors)
}

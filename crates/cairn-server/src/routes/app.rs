//! The UI's HTTP backend: `POST /app/api/<command>` with the command's arguments as JSON, the
//! same commands the desktop shell exposes, each a `cairn-app` function.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use cairn_app::views::ListRunsRequest;
use serde_json::{Value, json};

use crate::Shared;
use crate::args::Args;

pub fn routes() -> Router<Shared> {
    Router::new().route("/{command}", post(command))
}

async fn command(State(state): State<Shared>, Path(name): Path<String>, args: Args) -> Response {
    let store = state.store.clone();
    let arguments = Value::Object(args.0);
    let outcome = tokio::task::spawn_blocking(move || -> Result<Value, (StatusCode, Value)> {
        let app_error = |error: cairn_app::AppError| {
            let status = match error.kind {
                "not_found" => StatusCode::NOT_FOUND,
                "internal" => StatusCode::INTERNAL_SERVER_ERROR,
                _ => StatusCode::BAD_REQUEST,
            };
            let body = serde_json::to_value(&error)
                .unwrap_or_else(|_| json!({"kind": "internal", "message": error.to_string()}));
            (status, body)
        };
        let bad_request = |message: String| {
            (
                StatusCode::BAD_REQUEST,
                json!({"kind": "invalid", "message": message}),
            )
        };
        match name.as_str() {
            "list_experiments" => cairn_app::list_experiments(store.as_ref())
                .map_err(app_error)
                .and_then(|views| {
                    serde_json::to_value(views).map_err(|e| bad_request(e.to_string()))
                }),
            "list_runs" => {
                let request: ListRunsRequest = serde_json::from_value(
                    arguments.get("request").cloned().unwrap_or(Value::Null),
                )
                .map_err(|error| bad_request(format!("invalid 'request': {error}")))?;
                cairn_app::list_runs(store.as_ref(), &request)
                    .map_err(app_error)
                    .and_then(|page| {
                        serde_json::to_value(page).map_err(|e| bad_request(e.to_string()))
                    })
            }
            "model_history" => {
                let name = string_arg(&arguments, "name").map_err(bad_request)?;
                cairn_app::registry::model_history(store.as_ref(), &name)
                    .map_err(app_error)
                    .and_then(|views| {
                        serde_json::to_value(views).map_err(|e| bad_request(e.to_string()))
                    })
            }
            "promote_model_version" => {
                let request: cairn_app::registry::PromoteRequest = serde_json::from_value(
                    arguments.get("request").cloned().unwrap_or(Value::Null),
                )
                .map_err(|error| bad_request(format!("invalid 'request': {error}")))?;
                cairn_app::registry::promote_model_version(store.as_ref(), &request)
                    .map_err(app_error)
                    .map(|stage| json!({ "stage": stage }))
            }
            "set_model_alias" | "delete_model_alias" => {
                let model = string_arg(&arguments, "name").map_err(bad_request)?;
                let alias = string_arg(&arguments, "alias").map_err(bad_request)?;
                let user = string_arg(&arguments, "userId").unwrap_or_default();
                let outcome = if name == "set_model_alias" {
                    let version = arguments
                        .get("version")
                        .and_then(Value::as_u64)
                        .ok_or_else(|| bad_request("'version' must be a number".to_owned()))?;
                    cairn_app::registry::set_model_alias(
                        store.as_ref(),
                        &model,
                        &alias,
                        version,
                        &user,
                    )
                } else {
                    cairn_app::registry::delete_model_alias(store.as_ref(), &model, &alias, &user)
                };
                outcome.map_err(app_error).map(|()| json!({}))
            }
            "resolve_model_uri" => {
                let uri = string_arg(&arguments, "uri").map_err(bad_request)?;
                cairn_app::registry::resolve_model_uri(store.as_ref(), &uri)
                    .map_err(app_error)
                    .and_then(|view| {
                        serde_json::to_value(view).map_err(|e| bad_request(e.to_string()))
                    })
            }
            other => Err((
                StatusCode::NOT_FOUND,
                json!({"kind": "not_found", "message": format!("no command '{other}'")}),
            )),
        }
    })
    .await;
    match outcome {
        Ok(Ok(value)) => Json(value).into_response(),
        Ok(Err((status, body))) => (status, Json(body)).into_response(),
        Err(error) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({"kind": "internal", "message": error.to_string()})),
        )
            .into_response(),
    }
}

/// A required string argument.
fn string_arg(arguments: &Value, key: &str) -> Result<String, String> {
    arguments
        .get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| format!("'{key}' is required and must be a string"))
}

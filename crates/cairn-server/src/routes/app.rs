//! The UI's HTTP backend: `POST /app/api/<command>` with the command's arguments as JSON, the
//! same commands the desktop shell exposes, dispatched by `cairn_app::App::call`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::Shared;
use crate::args::Args;

pub fn routes() -> Router<Shared> {
    Router::new().route("/{command}", post(command))
}

async fn command(State(state): State<Shared>, Path(name): Path<String>, args: Args) -> Response {
    let app = state.app.clone();
    let arguments = Value::Object(args.0);
    match tokio::task::spawn_blocking(move || app.call(&name, arguments)).await {
        Ok(Ok(value)) => Json(value).into_response(),
        Ok(Err(error)) => {
            let status = match error.kind {
                "not_found" => StatusCode::NOT_FOUND,
                "internal" => StatusCode::INTERNAL_SERVER_ERROR,
                _ => StatusCode::BAD_REQUEST,
            };
            (
                status,
                Json(json!({"kind": error.kind, "message": error.message})),
            )
                .into_response()
        }
        Err(error) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({"kind": "internal", "message": error.to_string()})),
        )
            .into_response(),
    }
}

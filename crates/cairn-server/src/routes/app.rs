//! The UI's HTTP backend: `POST /app/api/<command>` with the command's arguments as JSON,
//! dispatched by `cairn_app::App::call` — the store's commands only. What a local shell alone may
//! do (host paths, "open in folder", the store choice) is in `cairn-local`, which this crate does
//! not depend on: such a command is answered like any unknown one, 404. Each reply
//! carries a `Server-Timing` header (`run`: the command itself; `total`: from the request's
//! arrival in the handler to its encoded reply), which browsers show beside the request's timing.

use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use cairn_app::ErrorKind;
use serde_json::{Value, json};

use crate::Shared;
use crate::args::Args;
use crate::error::ApiError;

pub fn routes() -> Router<Shared> {
    Router::new().route("/{command}", post(command))
}

const SERVER_TIMING: HeaderName = HeaderName::from_static("server-timing");

async fn command(State(state): State<Shared>, Path(name): Path<String>, args: Args) -> Response {
    let arrived = Instant::now();
    let app = state.app.clone();
    let arguments = Value::Object(args.into_values());
    let outcome = state
        .blocking(move || {
            let started = Instant::now();
            let result = app.call(&name, arguments);
            (result, started.elapsed())
        })
        .await;
    let ran = outcome.as_ref().map_or(Duration::ZERO, |(_, ran)| *ran);
    let mut response = reply(outcome.map(|(result, _)| result));
    if let Ok(value) = HeaderValue::from_str(&server_timing(ran, arrived.elapsed())) {
        response.headers_mut().insert(SERVER_TIMING, value);
    }
    response
}

/// The `Server-Timing` value: the command's own time and the whole handler's, in milliseconds.
fn server_timing(ran: Duration, total: Duration) -> String {
    format!(
        "run;dur={:.1}, total;dur={:.1}",
        ran.as_secs_f64() * 1000.0,
        total.as_secs_f64() * 1000.0
    )
}

fn reply(outcome: Result<Result<Value, cairn_app::AppError>, ApiError>) -> Response {
    match outcome {
        Ok(Ok(value)) => Json(value).into_response(),
        Ok(Err(error)) => {
            let (status, error_code) = match error.kind {
                ErrorKind::NotFound => (StatusCode::NOT_FOUND, "RESOURCE_DOES_NOT_EXIST"),
                ErrorKind::Forbidden => (StatusCode::FORBIDDEN, "PERMISSION_DENIED"),
                ErrorKind::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_ERROR"),
                ErrorKind::Invalid
                | ErrorKind::Search
                | ErrorKind::Conflict
                | ErrorKind::TooLarge => (StatusCode::BAD_REQUEST, "INVALID_PARAMETER_VALUE"),
            };
            (
                status,
                Json(json!({
                    "error_code": error_code,
                    "kind": error.kind,
                    "message": error.message,
                })),
            )
                .into_response()
        }
        Err(error) => error.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::server_timing;

    #[test]
    fn server_timing_names_the_command_and_the_handler_in_milliseconds() {
        assert_eq!(
            server_timing(Duration::from_micros(2_340), Duration::from_micros(3_051)),
            "run;dur=2.3, total;dur=3.1"
        );
    }
}

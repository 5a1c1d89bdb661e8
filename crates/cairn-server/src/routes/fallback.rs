//! What answers a path no route claims: a file of the built UI (GET and HEAD; `/` is its
//! `index.html`) from `--ui-dir`, else from the UI built into the binary, and MLflow's JSON
//! `ENDPOINT_NOT_FOUND` 404 for everything else, whatever the method. The UI routes with `#/...`,
//! so no client-side path needs the index as a fallback. Hashed `assets/` are cached for good,
//! the rest revalidated (`embedded_ui::cache_control`).

use axum::extract::{OriginalUri, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt as _;
use tower_http::services::ServeDir;

use crate::Shared;
use crate::embedded_ui;
use crate::error::ApiError;

/// MLflow's 404 for a path nothing serves.
fn not_found(path: &str) -> Response {
    ApiError::new("ENDPOINT_NOT_FOUND", format!("no such endpoint: {path}")).into_response()
}

/// Unknown routes under a prefix of the API: always MLflow's JSON 404.
pub async fn api_not_found(OriginalUri(uri): OriginalUri) -> Response {
    not_found(uri.path())
}

/// A file of the UI when there is one at the path, else the JSON 404. Another method on a UI
/// file is a JSON 405 naming GET and HEAD.
pub async fn ui_file_or_not_found(State(state): State<Shared>, request: Request) -> Response {
    let path = request.uri().path().to_string();
    let method = request.method().clone();
    let reading = method == Method::GET || method == Method::HEAD;
    let Some(ui_dir) = state.ui_dir.clone() else {
        return match state.embedded_ui {
            Some(ui) if ui.is_built() => match ui.file(&path) {
                Some(file) if reading => embedded_ui::respond(file, &method, request.headers()),
                Some(_) => method_not_allowed(&method, &path),
                None => not_found(&path),
            },
            Some(_) if reading && (path == "/" || path == "/index.html") => {
                embedded_ui::not_built(&method)
            }
            _ => not_found(&path),
        };
    };
    // Only the path and the conditional/range headers matter to the file server; another
    // method is asked as HEAD, to learn whether the file exists.
    let mut probe = Request::new(axum::body::Body::empty());
    *probe.uri_mut() = request.uri().clone();
    *probe.headers_mut() = request.headers().clone();
    *probe.method_mut() = if reading {
        method.clone()
    } else {
        Method::HEAD
    };
    let served = match ServeDir::new(&ui_dir).oneshot(probe).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    // A folder (which the file server would redirect to with a `/`) is not a file of the UI;
    // 304 Not Modified is a file the browser already holds.
    let status = served.status();
    if status == StatusCode::NOT_FOUND
        || (status.is_redirection() && status != StatusCode::NOT_MODIFIED)
    {
        return not_found(&path);
    }
    if !reading {
        return method_not_allowed(&method, &path);
    }
    let mut served = served.into_response();
    served.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(embedded_ui::cache_control(&path)),
    );
    served
}

/// A JSON 405 naming GET and HEAD, for another method on a file of the UI.
fn method_not_allowed(method: &Method, path: &str) -> Response {
    let mut refused = ApiError::new(
        "ENDPOINT_NOT_FOUND",
        format!("method {method} is not allowed on {path} (allowed: GET,HEAD)"),
    )
    .with_status(StatusCode::METHOD_NOT_ALLOWED)
    .into_response();
    refused
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET,HEAD"));
    refused
}

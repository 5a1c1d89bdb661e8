//! Requests refused before they cost anything, each with MLflow's JSON error: a request line over
//! [`MAX_URI_BYTES`] (414), headers over [`MAX_HEADER_BYTES`] or [`MAX_HEADER_COUNT`] (431), a
//! body whose declared `Content-Length` is over the route's limit (413, before a byte of it is
//! read); and axum's bare 405 (a known route, another method) turned into JSON.
//!
//! Heads too large for hyper's buffer ([`crate::connections::READ_BUFFER_BYTES`]) or with more
//! than 1,024 headers never reach this layer: hyper answers them with a bare 431 (or 414 for a
//! request line over 64 KiB) and closes the connection.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::Shared;
use crate::args::{MAX_JSON_BODY_BYTES, too_large};
use crate::error::ApiError;

/// Longest request target (path and query) accepted; MLflow's longest GETs (a search's filter in
/// the query) are far shorter.
pub const MAX_URI_BYTES: usize = 16 * 1024;

/// Most bytes of request headers accepted (names, values and their separators).
pub const MAX_HEADER_BYTES: usize = 64 * 1024;

/// Most request headers accepted.
pub const MAX_HEADER_COUNT: usize = 100;

/// The route prefixes that take artifact uploads (their limit is the server's upload limit).
const ARTIFACT_PREFIXES: [&str; 2] = [
    "/api/2.0/mlflow-artifacts/artifacts/",
    "/ajax-api/2.0/mlflow-artifacts/artifacts/",
];

/// The middleware: refuses what is over a limit, makes 405 JSON.
pub async fn refuse_oversized(
    State(state): State<Shared>,
    request: Request,
    next: Next,
) -> Response {
    if let Err(error) = check(&state, &request) {
        let mut response = error.into_response();
        // The unread body stays unread: the connection is not reused.
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        return response;
    }
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    if response.status() == StatusCode::METHOD_NOT_ALLOWED {
        return method_not_allowed(&method, &path, response);
    }
    response
}

fn check(state: &Shared, request: &Request) -> Result<(), ApiError> {
    let target_bytes = request
        .uri()
        .path_and_query()
        .map_or(0, |target| target.as_str().len());
    if target_bytes > MAX_URI_BYTES {
        return Err(ApiError::invalid(format!(
            "the request URI is {target_bytes} bytes, longer than the limit of {MAX_URI_BYTES} \
             bytes"
        ))
        .with_status(StatusCode::URI_TOO_LONG));
    }
    let headers = request.headers();
    let header_bytes: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    if headers.len() > MAX_HEADER_COUNT || header_bytes > MAX_HEADER_BYTES {
        return Err(ApiError::invalid(format!(
            "the request has {} headers of {header_bytes} bytes, over the limit of \
             {MAX_HEADER_COUNT} headers and {MAX_HEADER_BYTES} bytes",
            headers.len()
        ))
        .with_status(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE));
    }
    let limit = body_limit(state, request.method(), request.uri().path());
    let declared = crate::args::declared_length(headers);
    if declared.is_some_and(|length| length > limit) {
        return Err(too_large(limit));
    }
    Ok(())
}

/// The routes that take monitoring data as bytes (a reference or a batch).
const MONITORING_UPLOADS: [&str; 2] = [
    "/api/2.0/cairn/monitoring/reference",
    "/api/2.0/cairn/monitoring/batches",
];

/// The largest body a route takes: artifact uploads the server's upload limit, monitoring data
/// its own, the rest JSON.
fn body_limit(state: &Shared, method: &Method, path: &str) -> u64 {
    if method == Method::POST && MONITORING_UPLOADS.contains(&path) {
        crate::routes::MAX_MONITORING_BODY_BYTES as u64
    } else if method == Method::PUT
        && ARTIFACT_PREFIXES
            .iter()
            .any(|prefix| path.starts_with(prefix))
    {
        state.max_artifact_bytes
    } else {
        MAX_JSON_BODY_BYTES as u64
    }
}

/// axum's 405 (empty body, `Allow` header) as MLflow's JSON, keeping `Allow`.
fn method_not_allowed(method: &Method, path: &str, original: Response) -> Response {
    let allow = original.headers().get(header::ALLOW).cloned();
    let allowed = allow
        .as_ref()
        .and_then(|value| value.to_str().ok())
        .map(|value| format!(" (allowed: {value})"))
        .unwrap_or_default();
    let mut response = ApiError::new(
        "ENDPOINT_NOT_FOUND",
        format!("method {method} is not allowed on {path}{allowed}"),
    )
    .with_status(StatusCode::METHOD_NOT_ALLOWED)
    .into_response();
    if let Some(allow) = allow {
        response.headers_mut().insert(header::ALLOW, allow);
    }
    response
}

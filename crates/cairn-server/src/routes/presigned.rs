//! `GET mlflow-artifacts/presigned/<path>`: where to read an artifact from in parallel ranges.
//! MLflow's client asks this before each file it downloads when multipart downloads are on
//! (`MLFLOW_ENABLE_PROXY_MULTIPART_DOWNLOAD=true`; `server-info` does not turn them on, see
//! `super::server_info`), then reads the file's ranges from the URL given, with the headers
//! given, several at a time. The URL is this server's own artifact route: the bytes still come
//! through the server (which alone holds the artifact store's credentials), each range checked
//! as a plain download is.

use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use crate::Shared;
use crate::artifact_http::stored::file_error;
use crate::error::ApiResult;
use crate::server_origin::ServerOrigin;

pub fn routes() -> Router<Shared> {
    Router::new().route("/presigned/{*path}", get(presigned))
}

/// `{url, headers, file_size}` for the file at `path`; 404 when there is none, 400 for a folder.
async fn presigned(
    State(state): State<Shared>,
    UrlPath(path): UrlPath<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let size = state
        .artifacts
        .head(&path)
        .await
        .map_err(|error| file_error(error, &path))?
        .size;
    let origin = ServerOrigin::of_request(&state.auth, &headers);
    let mut response = Json(json!({
        "url": origin.artifact_url(&path),
        "headers": origin.headers(),
        "file_size": size,
    }))
    .into_response();
    // The answer carries the caller's own credential back to it: no cache may keep it.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

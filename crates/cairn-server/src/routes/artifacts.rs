//! Proxied artifacts (`mlflow-artifacts:/...`): streamed uploads and downloads (with MLflow's
//! download headers and byte ranges), listings and deletes, all through the server's artifact
//! store (a folder or an object store); a `PUT` with `upload_id` and `part_number` is a multipart
//! upload's part (`super::multipart`). Paths are untrusted: `..`, absolute paths and anything
//! that resolves outside the store's root (through symlinks too) are rejected with 400.

use axum::extract::{Path as UrlPath, Request, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use cairn_core::model::ArtifactFile;
use serde_json::{Value, json};

use crate::Shared;
use crate::args::Args;
use crate::artifact_http::stored::{requested_range, send_stored, store_body};
use crate::error::{ApiError, ApiResult};

/// The scheme of artifact locations that live in the store's artifact folder.
const SCHEME: &str = "mlflow-artifacts:";

pub fn routes() -> Router<Shared> {
    Router::new().route("/artifacts", get(list)).route(
        "/artifacts/{*path}",
        get(download).put(upload).delete(delete),
    )
}

/// `artifacts/list?run_id&path` under the tracking API (the MLflow UI's listing).
pub fn tracking_routes() -> Router<Shared> {
    Router::new().route("/artifacts/list", get(list_run_artifacts))
}

/// The run and run-relative path of an artifact path `<experiment>/<run>/artifacts/<rel>`.
fn run_artifact(path: &str) -> Option<(String, String)> {
    let mut parts = path.trim_matches('/').splitn(4, '/');
    let experiment = parts.next()?;
    let run_id = parts.next()?;
    let marker = parts.next()?;
    let rest = parts.next().unwrap_or("");
    (experiment.chars().all(|c| c.is_ascii_digit()) && marker == "artifacts")
        .then(|| (run_id.to_string(), rest.to_string()))
}

/// Keeps the store's artifact index in step with a change at `path`; paths that are not a
/// run's (LoggedModels, other layouts) and unknown runs are not indexed.
async fn index_change(
    state: &Shared,
    path: &str,
    file: Option<ArtifactFile>,
) -> Result<(), ApiError> {
    let Some((run_id, relative)) = run_artifact(path) else {
        return Ok(());
    };
    let outcome = state
        .call(move |store| match file {
            Some(file) => store.record_artifact(
                &run_id,
                &ArtifactFile {
                    path: relative,
                    ..file
                },
            ),
            None => store.forget_artifacts(&run_id, &relative),
        })
        .await;
    match outcome {
        Err(error) if error.error_code == "RESOURCE_DOES_NOT_EXIST" => Ok(()),
        other => other,
    }
}

async fn download(
    State(state): State<Shared>,
    UrlPath(path): UrlPath<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    send_stored(&*state.artifacts, &path, &path, requested_range(&headers)).await
}

async fn upload(
    State(state): State<Shared>,
    UrlPath(path): UrlPath<String>,
    request: Request,
) -> ApiResult<Response> {
    if let Some(part) = super::multipart::part_query(request.uri().query())? {
        return super::multipart::upload_part(&state, &path, part, request).await;
    }
    let limit = state.max_artifact_bytes;
    let declared = crate::args::declared_length(request.headers());
    if declared.is_some_and(|length| length > limit) {
        return Err(crate::args::too_large(limit));
    }
    let written = store_body(&*state.artifacts, &path, request.into_body(), limit).await?;
    record_upload(&state, &path, written).await?;
    Ok(Json(json!({})).into_response())
}

/// Records a file just written at `path` (`size_bytes` long) in the store's artifact index.
pub async fn record_upload(state: &Shared, path: &str, size_bytes: u64) -> Result<(), ApiError> {
    let file = ArtifactFile {
        path: String::new(),
        size_bytes,
        blake3: None,
        location: None,
        modified_ms: Some(cairn_core::time::now_millis()),
    };
    index_change(state, path, Some(file)).await
}

async fn delete(State(state): State<Shared>, UrlPath(path): UrlPath<String>) -> ApiResult {
    state.artifacts.delete(&path).await?;
    index_change(&state, &path, None).await?;
    Ok(Json(json!({})))
}

/// The entries of the store's folder at `folder`, sorted by name, as MLflow lists them;
/// `prefix` is put before each name.
pub(super) async fn entries(
    state: &Shared,
    folder: &str,
    prefix: &str,
) -> Result<Vec<Value>, ApiError> {
    let listed = state.artifacts.list(folder).await?;
    Ok(listed
        .into_iter()
        .map(|entry| {
            let path = format!("{prefix}{}", entry.name);
            match entry.size {
                Some(size) if !entry.is_dir => {
                    json!({"path": path, "is_dir": false, "file_size": size})
                }
                _ => json!({"path": path, "is_dir": true}),
            }
        })
        .collect())
}

async fn list(State(state): State<Shared>, args: Args) -> ApiResult {
    let path = args.str("path").unwrap_or_default();
    let mut files = entries(&state, &path, "").await?;
    // The multipart journal is the server's, not an artifact.
    files.retain(|entry| {
        !super::journal_guard::in_journal(&format!(
            "{path}/{}",
            entry["path"].as_str().unwrap_or("")
        ))
    });
    Ok(Json(json!({"files": files})))
}

async fn list_run_artifacts(State(state): State<Shared>, args: Args) -> ApiResult {
    let run_id = args.run_id()?;
    let path = args.str("path").unwrap_or_default();
    let run = state.call(move |store| store.get_run(&run_id)).await?;
    let root_uri = run.info.artifact_uri.clone();
    let Some(relative_root) = root_uri.strip_prefix(SCHEME) else {
        return Ok(Json(json!({"root_uri": root_uri, "files": []})));
    };
    let relative_root = relative_root.trim_matches('/');
    cairn_artifact_store::key::segments(&path).map_err(ApiError::from)?;
    let folder = format!("{relative_root}/{path}");
    let prefix = if path.is_empty() {
        String::new()
    } else {
        format!("{}/", path.trim_end_matches('/'))
    };
    Ok(Json(
        json!({"root_uri": root_uri, "files": entries(&state, &folder, &prefix).await?}),
    ))
}

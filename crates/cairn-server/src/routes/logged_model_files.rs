//! A LoggedModel's files, as MLflow's UI reads them: `GET logged-models/{model_id}/artifacts/
//! directories?artifact_directory_path=` lists one folder (`{root_uri, files[{path, is_dir,
//! file_size}]}`, paths relative to the model's root) under both API prefixes, and
//! `GET /ajax-api/2.0/mlflow/logged-models/{model_id}/artifacts/files?artifact_file_path=` sends
//! one file with the download headers. Read only inside
//! `cairn_app::artifact_files::ReadableRoots`.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use cairn_app::ErrorKind;
use cairn_app::artifact_files::location_folder;
use serde_json::json;

use super::artifacts::entries;
use super::run_files::{Owner, join_key, send_owned_file, store_key};
use crate::Shared;
use crate::args::Args;
use crate::artifact_http::file_error;
use crate::artifact_http::safe_path::safe_relative_path;
use crate::artifact_http::stored::requested_range;
use crate::error::{ApiError, ApiResult};

/// Under `/api/2.0/mlflow` and `/ajax-api/2.0/mlflow`.
pub fn routes() -> Router<Shared> {
    Router::new().route(
        "/logged-models/{model_id}/artifacts/directories",
        get(list_directory),
    )
}

/// Under `/ajax-api/2.0/mlflow` only, as in MLflow.
pub fn ajax_routes() -> Router<Shared> {
    Router::new().route("/logged-models/{model_id}/artifacts/files", get(send_file))
}

async fn list_directory(
    State(state): State<Shared>,
    Path(model_id): Path<String>,
    args: Args,
) -> ApiResult {
    let directory = match args.str("artifact_directory_path") {
        Some(raw) => safe_relative_path("artifact_directory_path", &raw)?,
        None => String::new(),
    };
    let model = state
        .call(move |store| store.get_logged_model(&model_id))
        .await?;
    let root_uri = model.artifact_location;
    let prefix = if directory.is_empty() {
        String::new()
    } else {
        format!("{}/", directory.trim_end_matches('/'))
    };
    if let Some(root) = store_key(&root_uri) {
        let files = entries(&state, &join_key(&root, &directory), &prefix).await?;
        return Ok(Json(json!({"root_uri": root_uri, "files": files})));
    }
    let store = Arc::clone(&state.store);
    let artifact_root = state.artifact_root.clone();
    let uri = root_uri.clone();
    let relative = directory.clone();
    let folder = tokio::task::spawn_blocking(move || {
        let Some(folder) = location_folder(&*store, &artifact_root, &uri).map_err(file_error)?
        else {
            return Ok(None);
        };
        match folder.resolve(&relative) {
            Ok(found) => Ok(Some(found)),
            Err(error) if error.kind == ErrorKind::NotFound => Ok(None),
            Err(error) => Err(file_error(error)),
        }
    })
    .await
    .map_err(|error| {
        ApiError::new(
            "INTERNAL_ERROR",
            format!("listing artifacts failed: {error}"),
        )
    })??;
    let files = match folder {
        Some(folder) => folder_entries(&folder, &prefix).await,
        None => Vec::new(),
    };
    Ok(Json(json!({"root_uri": root_uri, "files": files})))
}

async fn send_file(
    State(state): State<Shared>,
    Path(model_id): Path<String>,
    headers: HeaderMap,
    args: Args,
) -> ApiResult<Response> {
    let raw = args
        .str("artifact_file_path")
        .filter(|path| !path.is_empty())
        .ok_or_else(|| {
            ApiError::new(
                "BAD_REQUEST",
                "Request must include the \"artifact_file_path\" query parameter.",
            )
        })?;
    let path = safe_relative_path("artifact_file_path", &raw)?;
    let owner = format!("LoggedModel '{model_id}'");
    let model = state
        .call(move |store| store.get_logged_model(&model_id))
        .await?;
    let location = Owner::Location {
        uri: model.artifact_location,
        owner,
    };
    send_owned_file(&state, location, path, requested_range(&headers)).await
}

/// The entries of a local folder outside the artifact store (a LoggedModel indexed from a
/// local folder), sorted by name; `prefix` is put before each name. Unfinished uploads are left
/// out.
async fn folder_entries(folder: &std::path::Path, prefix: &str) -> Vec<serde_json::Value> {
    let mut listing = match tokio::fs::read_dir(folder).await {
        Ok(listing) => listing,
        Err(_) => return Vec::new(),
    };
    let mut files = Vec::new();
    while let Ok(Some(entry)) = listing.next_entry().await {
        let name = entry.file_name().to_string_lossy().into_owned();
        if cairn_artifact_store::folder::is_unfinished_upload(&name) {
            continue;
        }
        let Ok(metadata) = entry.metadata().await else {
            continue;
        };
        let path = format!("{prefix}{name}");
        files.push(if metadata.is_dir() {
            json!({"path": path, "is_dir": true})
        } else {
            json!({"path": path, "is_dir": false, "file_size": metadata.len()})
        });
    }
    files.sort_by(|a, b| a["path"].as_str().cmp(&b["path"].as_str()));
    files
}

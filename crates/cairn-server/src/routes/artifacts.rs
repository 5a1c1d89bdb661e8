//! Proxied artifacts (`mlflow-artifacts:/...`): streamed uploads and downloads, listings and
//! deletes inside the store's artifact folder. Paths are untrusted: `..`, absolute paths and
//! anything that resolves outside the folder (through symlinks too) are rejected with 400.

use std::path::{Component, Path, PathBuf};

use axum::body::Body;
use axum::extract::{Path as UrlPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use cairn_core::model::ArtifactFile;
use cairn_core::{ProvenanceStore, TrackingStore};
use futures_util::StreamExt as _;
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt as _;

use crate::Shared;
use crate::args::Args;
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

/// Resolves an untrusted relative path inside `root`.
pub fn resolve(root: &Path, relative: &str) -> Result<PathBuf, ApiError> {
    let reject =
        |why: &str| ApiError::invalid(format!("invalid artifact path '{relative}': {why}"));
    if relative.contains('\0') || relative.contains('\\') {
        return Err(reject("it contains a NUL or a backslash"));
    }
    if relative.starts_with('/') || Path::new(relative).is_absolute() {
        return Err(reject("absolute paths are not allowed"));
    }
    let mut resolved = root.to_path_buf();
    for component in Path::new(relative).components() {
        match component {
            Component::Normal(part) => resolved.push(part),
            Component::CurDir => {}
            Component::ParentDir => return Err(reject("'..' is not allowed")),
            Component::RootDir | Component::Prefix(_) => {
                return Err(reject("absolute paths are not allowed"));
            }
        }
    }
    // Symlinks: the deepest existing ancestor must still be inside the root.
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut existing = resolved.as_path();
    loop {
        if let Ok(canonical) = existing.canonicalize() {
            if !canonical.starts_with(&canonical_root) {
                return Err(reject("it resolves outside the artifact folder"));
            }
            break;
        }
        match existing.parent() {
            Some(parent) if parent.starts_with(root) => existing = parent,
            _ => break,
        }
    }
    Ok(resolved)
}

async fn download(
    State(state): State<Shared>,
    UrlPath(path): UrlPath<String>,
) -> ApiResult<Response> {
    let file_path = resolve(&state.artifact_root, &path)?;
    let file = match tokio::fs::File::open(&file_path).await {
        Ok(file) => file,
        Err(_) => {
            return Err(ApiError::not_found(format!(
                "artifact '{path}' does not exist"
            )));
        }
    };
    let metadata = file
        .metadata()
        .await
        .map_err(|error| ApiError::from_io(&format!("reading artifact '{path}'"), &error))?;
    if metadata.is_dir() {
        return Err(ApiError::invalid(format!(
            "artifact '{path}' is a directory"
        )));
    }
    let stream = tokio_util::io::ReaderStream::new(file);
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    if let Ok(length) = HeaderValue::from_str(&metadata.len().to_string()) {
        headers.insert(header::CONTENT_LENGTH, length);
    }
    Ok(response)
}

async fn upload(
    State(state): State<Shared>,
    UrlPath(path): UrlPath<String>,
    request: Request,
) -> ApiResult {
    let limit = state.max_artifact_bytes;
    let too_large = || crate::args::too_large(limit);
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(too_large());
    }
    let file_path = resolve(&state.artifact_root, &path)?;
    check_name_lengths(&path)?;
    let io_error =
        |error: std::io::Error| ApiError::from_io(&format!("writing artifact '{path}'"), &error);
    if tokio::fs::metadata(&file_path)
        .await
        .is_ok_and(|metadata| metadata.is_dir())
    {
        return Err(ApiError::invalid(format!(
            "artifact '{path}' is a directory; upload to a file path inside it"
        )));
    }
    if let Some(parent) = file_path.parent() {
        tokio::fs::create_dir_all(parent)
            .await
            .map_err(|error| match error.kind() {
                std::io::ErrorKind::AlreadyExists | std::io::ErrorKind::NotADirectory => {
                    ApiError::invalid(format!(
                        "artifact '{path}' cannot be written: a folder on its path is a file"
                    ))
                }
                _ => io_error(error),
            })?;
    }
    let temporary = file_path.with_file_name(upload_temp_name(
        &file_path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default(),
    ));
    let mut file = tokio::fs::File::create(&temporary)
        .await
        .map_err(io_error)?;
    let mut written: u64 = 0;
    let mut stream = request.into_body().into_data_stream();
    let result: Result<(), ApiError> = async {
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|error| crate::args::body_error(&error, limit))?;
            written += chunk.len() as u64;
            if written > limit {
                return Err(too_large());
            }
            file.write_all(&chunk).await.map_err(io_error)?;
        }
        file.flush().await.map_err(io_error)?;
        Ok(())
    }
    .await;
    drop(file);
    if let Err(error) = result {
        let _ = tokio::fs::remove_file(&temporary).await;
        return Err(error);
    }
    tokio::fs::rename(&temporary, &file_path)
        .await
        .map_err(io_error)?;
    let file = ArtifactFile {
        path: String::new(),
        size_bytes: written,
        blake3: None,
        location: None,
        modified_ms: Some(cairn_core::time::now_millis()),
    };
    index_change(&state, &path, Some(file)).await?;
    Ok(Json(json!({})))
}

/// Longest file name most file systems take, in bytes (ext4, XFS, btrfs, APFS: 255).
const MAX_NAME_BYTES: usize = 255;

/// Refuses a path with a component longer than [`MAX_NAME_BYTES`] (the file system would say
/// ENAMETOOLONG), naming it.
fn check_name_lengths(path: &str) -> Result<(), ApiError> {
    match path.split('/').find(|part| part.len() > MAX_NAME_BYTES) {
        Some(part) => Err(ApiError::invalid(format!(
            "invalid artifact path '{path}': the name '{part}' is {} bytes, longer than the limit \
             of {MAX_NAME_BYTES} bytes",
            part.len()
        ))),
        None => Ok(()),
    }
}

/// The temporary name an upload to `name` is written under (`.NAME.upload-UUID`, the pattern
/// [`crate::stale_uploads`] sweeps), with NAME shortened so the whole stays within
/// [`MAX_NAME_BYTES`].
fn upload_temp_name(name: &str) -> String {
    let suffix = format!(".upload-{}", uuid::Uuid::new_v4().simple());
    let room = MAX_NAME_BYTES - 1 - suffix.len();
    let mut end = name.len().min(room);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    format!(".{}{suffix}", &name[..end])
}

async fn delete(State(state): State<Shared>, UrlPath(path): UrlPath<String>) -> ApiResult {
    let file_path = resolve(&state.artifact_root, &path)?;
    let metadata = tokio::fs::metadata(&file_path)
        .await
        .map_err(|_| ApiError::not_found(format!("artifact '{path}' does not exist")))?;
    let removed = if metadata.is_dir() {
        tokio::fs::remove_dir_all(&file_path).await
    } else {
        tokio::fs::remove_file(&file_path).await
    };
    removed.map_err(|error| ApiError::from_io(&format!("deleting '{path}'"), &error))?;
    index_change(&state, &path, None).await?;
    Ok(Json(json!({})))
}

/// Entries of a folder, sorted by name; `prefix` is put before each name.
async fn entries(folder: &Path, prefix: &str) -> Result<Vec<Value>, ApiError> {
    let mut listing = match tokio::fs::read_dir(folder).await {
        Ok(listing) => listing,
        Err(_) => return Ok(Vec::new()),
    };
    let mut files = Vec::new();
    while let Ok(Some(entry)) = listing.next_entry().await {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && name.contains(".upload-") {
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
    Ok(files)
}

async fn list(State(state): State<Shared>, args: Args) -> ApiResult {
    let path = args.str("path").unwrap_or_default();
    let folder = resolve(&state.artifact_root, &path)?;
    Ok(Json(json!({"files": entries(&folder, "").await?})))
}

async fn list_run_artifacts(State(state): State<Shared>, args: Args) -> ApiResult {
    let run_id = args.run_id()?;
    let path = args.str("path").unwrap_or_default();
    let run = state.call(move |store| store.get_run(&run_id)).await?;
    let root_uri = run.info.artifact_uri.clone();
    let Some(relative_root) = root_uri.strip_prefix(SCHEME) else {
        return Ok(Json(json!({"root_uri": root_uri, "files": []})));
    };
    let relative_root = relative_root.trim_start_matches('/');
    let run_root = resolve(&state.artifact_root, relative_root)?;
    let folder = resolve(&run_root, &path)?;
    let prefix = if path.is_empty() {
        String::new()
    } else {
        format!("{}/", path.trim_end_matches('/'))
    };
    Ok(Json(
        json!({"root_uri": root_uri, "files": entries(&folder, &prefix).await?}),
    ))
}

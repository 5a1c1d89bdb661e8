//! The MLflow UI's own file routes: `GET /get-artifact?path=&run_uuid=` (or `run_id`) and
//! `GET /model-versions/get-artifact?path=&name=&version=` at the server's root, as MLflow
//! mounts them, and `POST /ajax-api/2.0/mlflow/upload-artifact?run_uuid=&path=` (a small file as
//! the body). `mlflow-artifacts:/` locations are read and written through the server's artifact
//! store (a folder or an object store); other local locations are read only inside
//! `cairn_app::artifact_files::ReadableRoots`. Paths are checked as MLflow checks them
//! (`artifact_http::safe_path`), then resolved without following symlinks out.

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cairn_app::artifact_files::{folder_from_uri, location_folder, run_folder};
use cairn_artifact_store::ByteRange;
use cairn_core::model::Run;

use super::artifacts::record_upload;
use super::registry::{download_location, version_number};
use crate::Shared;
use crate::args::Args;
use crate::artifact_http::safe_path::safe_relative_path;
use crate::artifact_http::send::send_artifact;
use crate::artifact_http::stored::{copy_body, requested_range, send_stored};
use crate::artifact_http::{file_error, query_pairs};
use crate::error::{ApiError, ApiResult};
use crate::messages;

/// Largest file `upload-artifact` takes, as in MLflow.
pub const MAX_UI_UPLOAD_BYTES: u64 = 10 * 1024 * 1024;

/// Routes at the server's root.
pub fn root_routes() -> Router<Shared> {
    Router::new()
        .route("/get-artifact", get(get_artifact))
        .route("/model-versions/get-artifact", get(get_version_artifact))
}

/// Routes MLflow has under `/ajax-api/2.0/mlflow` only.
pub fn ajax_routes() -> Router<Shared> {
    Router::new().route("/upload-artifact", post(upload_artifact))
}

/// Whose files a download reads.
pub(super) enum Owner {
    /// A run's artifact folder (or, for an indexed run, where its files were recorded).
    Run(Box<Run>),
    /// Any other artifact location (a model version's, a LoggedModel's), and who has it.
    Location { uri: String, owner: String },
}

/// The key in the artifact store of an `mlflow-artifacts:/` location, when `uri` is one.
pub(super) fn store_key(uri: &str) -> Option<String> {
    uri.strip_prefix(STORE_SCHEME)
        .map(|rest| rest.trim_matches('/').to_owned())
}

/// `relative` inside the store folder `root` (either may be empty).
pub(super) fn join_key(root: &str, relative: &str) -> String {
    match (root.is_empty(), relative.trim_matches('/')) {
        (_, "") => root.to_owned(),
        (true, relative) => relative.to_owned(),
        (false, relative) => format!("{root}/{relative}"),
    }
}

/// The scheme of locations in the server's artifact store.
const STORE_SCHEME: &str = "mlflow-artifacts:";

/// The file at the relative `path` (already checked by `safe_relative_path`) of `owner`, sent
/// as a download: from the artifact store, all of it or the `range` asked (206); from a folder
/// on this machine, all of it (such a download does not offer ranges).
pub(super) async fn send_owned_file(
    state: &Shared,
    owner: Owner,
    path: String,
    range: Option<ByteRange>,
) -> ApiResult<Response> {
    let uri = match &owner {
        Owner::Run(run) => run.info.artifact_uri.as_str(),
        Owner::Location { uri, .. } => uri.as_str(),
    };
    if let Some(root) = store_key(uri) {
        return send_stored(&*state.artifacts, &join_key(&root, &path), &path, range).await;
    }
    let store = Arc::clone(&state.store);
    let artifact_root = state.artifact_root.clone();
    let relative = path.clone();
    let found = tokio::task::spawn_blocking(move || -> Result<PathBuf, ApiError> {
        let (folder, who) = match owner {
            Owner::Run(run) => {
                let who = format!("run '{}'", run.info.run_id);
                (run_folder(&*store, &artifact_root, &run), who)
            }
            Owner::Location { uri, owner } => {
                let who = format!("{owner} (artifact location '{uri}')");
                (location_folder(&*store, &artifact_root, &uri), who)
            }
        };
        let folder = folder.map_err(file_error)?.ok_or_else(|| {
            ApiError::not_found(format!(
                "artifact '{relative}' does not exist: {who} has no artifact folder on this server"
            ))
        })?;
        folder.resolve(&relative).map_err(file_error)
    })
    .await
    .map_err(|error| {
        ApiError::new(
            "INTERNAL_ERROR",
            format!("reading artifact failed: {error}"),
        )
    })??;
    send_artifact(&found, &path).await
}

async fn get_artifact(
    State(state): State<Shared>,
    headers: HeaderMap,
    args: Args,
) -> ApiResult<Response> {
    let run_id = args.run_id()?;
    let path = safe_relative_path("path", &args.req_str("path")?)?;
    let run = state.call(move |store| store.get_run(&run_id)).await?;
    let range = requested_range(&headers);
    send_owned_file(&state, Owner::Run(Box::new(run)), path, range).await
}

async fn get_version_artifact(
    State(state): State<Shared>,
    headers: HeaderMap,
    args: Args,
) -> ApiResult<Response> {
    let name = args.req_str("name")?;
    let number = version_number(&args)?;
    let path = safe_relative_path("path", &args.req_str("path")?)?;
    let owner = format!("model '{name}' version {number}");
    let uri = state
        .call(move |store| download_location(store, &name, number))
        .await?;
    let range = requested_range(&headers);
    send_owned_file(&state, Owner::Location { uri, owner }, path, range).await
}

/// MLflow's checks and messages, in its order; the run's folder must be in the store's artifact
/// folder (a run logged elsewhere is not written to over HTTP).
async fn upload_artifact(State(state): State<Shared>, request: Request) -> ApiResult<Response> {
    let query = query_pairs(request.uri().query())?;
    let value = |name: &str| {
        query
            .iter()
            .find(|(key, value)| key == name && !value.is_empty())
            .map(|(_, value)| value.clone())
    };
    let run_id = value("run_uuid").ok_or_else(|| messages::request_must_specify("run_uuid"))?;
    let raw_path = value("path").ok_or_else(|| messages::request_must_specify("path"))?;
    let path = safe_relative_path("path", &raw_path)?;
    let too_large = messages::upload_too_large;
    let declared = crate::args::declared_length(request.headers());
    if declared.is_some_and(|length| length > MAX_UI_UPLOAD_BYTES) {
        return Err(too_large());
    }
    let run = state.call(move |store| store.get_run(&run_id)).await?;
    let uri = run.info.artifact_uri.clone();
    let relative_root = store_key(&uri)
        .filter(|_| folder_from_uri(&state.artifact_root, &uri).is_some())
        .ok_or_else(|| {
            ApiError::invalid(format!(
                "run '{}' keeps its artifacts at '{uri}', outside this server's artifact store; \
                 upload-artifact writes only there",
                run.info.run_id
            ))
        })?;
    let in_root = join_key(&relative_root, &path);
    let writer = state.artifacts.writer(&in_root).await?;
    let (writer, written) = copy_body(writer, request.into_body(), MAX_UI_UPLOAD_BYTES)
        .await
        .map_err(|error| {
            if error.error_code == "PAYLOAD_TOO_LARGE" {
                too_large()
            } else {
                error
            }
        })?;
    if written == 0 {
        writer.abort().await;
        return Err(messages::request_must_specify("data"));
    }
    writer.finish().await?;
    record_upload(&state, &in_root, written).await?;
    let mut response = Response::new(Body::empty());
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(response.into_response())
}

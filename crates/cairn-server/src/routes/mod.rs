//! Every route: MLflow's under `/api/2.0/mlflow` and `/ajax-api/2.0/mlflow`, artifacts under
//! `/api/2.0/mlflow-artifacts`, MLflow's `/get-artifact` and `/model-versions/get-artifact` at the
//! root, the UI's backend under `/app/api` and its events at `/app/events`, and the UI's files at `/`.

mod app;
mod artifacts;
mod events;
mod experiments;
mod logged_model_files;
mod logged_models;
mod multipart;
mod registry;
mod run_files;
mod runs;

use axum::Router;
use axum::extract::OriginalUri;
use axum::http::{StatusCode, Uri};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::Shared;

use crate::error::ApiError;
pub use events::MAX_EVENT_STREAMS;

/// The application router.
pub fn router(state: Shared) -> Router {
    let mlflow = Router::new()
        .merge(experiments::routes())
        .merge(runs::routes())
        .merge(logged_models::routes())
        .merge(registry::routes())
        .merge(artifacts::tracking_routes())
        .merge(logged_model_files::routes())
        .fallback(api_not_found);
    // MLflow serves these to its UI under the ajax prefix only.
    let ajax_only = run_files::ajax_routes().merge(logged_model_files::ajax_routes());
    let artifacts = artifacts::routes()
        .merge(multipart::routes())
        .fallback(api_not_found);
    let mut router = Router::new()
        .nest("/api/2.0/mlflow", mlflow.clone())
        .nest("/ajax-api/2.0/mlflow", mlflow.merge(ajax_only))
        .nest("/api/2.0/mlflow-artifacts", artifacts.clone())
        .nest("/ajax-api/2.0/mlflow-artifacts", artifacts)
        .nest("/app/api", app::routes().fallback(api_not_found))
        .nest("/app/events", events::routes())
        .merge(run_files::root_routes())
        .route("/health", get(|| async { "OK" }))
        .route("/version", get(|| async { env!("CARGO_PKG_VERSION") }));
    router = match &state.ui_dir {
        Some(ui_dir) => {
            router.fallback_service(tower_http::services::ServeDir::new(ui_dir).fallback(
                tower_http::services::ServeFile::new(ui_dir.join("index.html")),
            ))
        }
        None => router.fallback(not_found),
    };
    // Layers run outside in: limits first (cheapest refusals), then Host and credentials, then
    // the body's pauses bounded for whatever reads it.
    router
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::body_timeout::time_bodies,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::security::guard,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::limits::refuse_oversized,
        ))
        .with_state(state)
}

/// Unknown routes under an API prefix: always MLflow's JSON 404, even when the UI is served.
async fn api_not_found(OriginalUri(uri): OriginalUri) -> Response {
    ApiError::new(
        "ENDPOINT_NOT_FOUND",
        format!("no such endpoint: {}", uri.path()),
    )
    .into_response()
}

async fn not_found(uri: Uri) -> Response {
    let path = uri.path();
    if path.starts_with("/api/") || path.starts_with("/ajax-api/") || path.starts_with("/app/") {
        ApiError::new("ENDPOINT_NOT_FOUND", format!("no such endpoint: {path}")).into_response()
    } else {
        (StatusCode::NOT_FOUND, "not found").into_response()
    }
}

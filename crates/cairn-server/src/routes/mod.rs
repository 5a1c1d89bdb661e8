//! Every route: MLflow's under `/api/2.0/mlflow` and `/ajax-api/2.0/mlflow` (and the UI-only ones
//! under `/ajax-api` alone, as MLflow mounts them), artifacts under `/api/2.0/mlflow-artifacts`,
//! MLflow's `/get-artifact` and `/model-versions/get-artifact`, its GraphQL at `/graphql` and
//! its `/api/3.0/mlflow/server-info` at the root, the UI's backend under `/app/api` and its
//! events at `/app/events`, the UI's files at `/`, and MLflow's JSON 404 for everything else.

mod account_routes;
mod app;
mod artifacts;
mod datasets;
mod events;
mod experiments;
mod fallback;
mod folder_zip;
mod graphql;
mod journal_guard;
mod log_model;
mod logged_model_files;
mod logged_models;
mod metric_append;
mod metric_bulk;
mod monitoring;
mod multipart;
mod operations;
mod presigned;
mod promptlab;
mod promptlab_files;
mod registry;
mod run_files;
mod runs;
mod server_info;

use axum::Router;
use axum::middleware;
use axum::routing::get;

use crate::Shared;

pub use events::MAX_EVENT_STREAMS;
use fallback::api_not_found;
pub use monitoring::MAX_MONITORING_BODY_BYTES;

/// MLflow's tracking and registry routes, as served under `/api/2.0/mlflow` (and, with
/// [`ajax_only`], under `/ajax-api/2.0/mlflow`).
fn mlflow_api() -> Router<Shared> {
    Router::new()
        .merge(experiments::routes())
        .merge(runs::routes())
        .merge(log_model::routes())
        .merge(metric_bulk::routes())
        .merge(logged_models::routes())
        .merge(registry::routes())
        .merge(artifacts::tracking_routes())
        .merge(logged_model_files::routes())
}

/// The routes MLflow serves to its UI under `/ajax-api/2.0/mlflow` only.
fn ajax_only() -> Router<Shared> {
    Router::new()
        .merge(metric_bulk::ajax_routes())
        .merge(datasets::routes())
        .merge(promptlab::routes())
        .merge(run_files::ajax_routes())
        .merge(logged_model_files::ajax_routes())
}

/// The application router.
pub fn router(state: Shared) -> Router {
    let artifacts = artifacts::routes()
        .merge(multipart::routes())
        .merge(presigned::routes())
        .fallback(api_not_found)
        .layer(axum::middleware::from_fn(journal_guard::refuse_journal));
    let router = Router::new()
        .nest("/api/2.0/mlflow", mlflow_api().fallback(api_not_found))
        .nest(
            "/ajax-api/2.0/mlflow",
            mlflow_api().merge(ajax_only()).fallback(api_not_found),
        )
        .nest("/api/2.0/mlflow-artifacts", artifacts.clone())
        .nest("/ajax-api/2.0/mlflow-artifacts", artifacts)
        .nest(
            "/api/2.0/cairn",
            metric_append::routes().merge(monitoring::routes()),
        )
        .nest("/app/api", app::routes().fallback(api_not_found))
        .nest("/app/events", events::routes())
        .merge(graphql::routes())
        .merge(run_files::root_routes())
        .merge(folder_zip::routes())
        .merge(operations::routes())
        .merge(server_info::routes())
        .route("/version", get(|| async { crate::MLFLOW_API_VERSION }));
    // Accounts exist only on a server with them: elsewhere their routes are not there at all.
    let router = match &state.accounts {
        Some(_) => router.merge(account_routes::routes()),
        None => router,
    };
    let router = router
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            crate::accounts::policy::authorize,
        ))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            crate::telemetry::record_requests,
        ))
        .fallback(fallback::ui_file_or_not_found);
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

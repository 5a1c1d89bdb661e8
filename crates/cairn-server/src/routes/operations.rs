//! What an operator's tools call: `GET /health` (the store and the artifact store answer; 503
//! naming what does not)
//! and `GET /metrics` (Prometheus' text format, see [`crate::telemetry`], followed by the
//! monitored model versions' gauges, see [`cairn_monitor::prometheus_text`]).

use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cairn_core::model::ExperimentId;
use serde_json::json;

use crate::Shared;
use crate::telemetry::{StoreGauges, render};

/// Longest a health check waits for the store.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route("/health", get(health))
        .route("/metrics", get(metrics))
}

/// `OK` when the store answers a read and the artifact store is reachable; otherwise 503 with
/// what failed, naming each (never a credential).
async fn health(State(state): State<Shared>) -> Response {
    let location = state.store.location();
    let store_check = state.call(|store| store.get_experiment(ExperimentId::DEFAULT).map(drop));
    let (store_failure, artifacts_failure) = tokio::join!(
        failure_within(store_check, |error| error.message),
        failure_within(state.artifacts.check(), |error| error.to_string()),
    );
    if store_failure.is_none() && artifacts_failure.is_none() {
        return (StatusCode::OK, "OK").into_response();
    }
    let mut problems = Vec::new();
    if let Some(failure) = &store_failure {
        problems.push(format!("the store {location} is not answering: {failure}"));
    }
    if let Some(failure) = &artifacts_failure {
        problems.push(format!(
            "the artifact store {} is not usable: {failure}",
            state.artifacts.describe()
        ));
    }
    let body = json!({
        "status": "unavailable",
        "store": location,
        "store_ok": store_failure.is_none(),
        "artifacts": state.artifacts.describe(),
        "artifacts_ok": artifacts_failure.is_none(),
        "message": problems.join("; "),
    });
    (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response()
}

/// What went wrong with `check`, if anything, waiting at most [`HEALTH_TIMEOUT`].
async fn failure_within<E>(
    check: impl std::future::Future<Output = Result<(), E>>,
    describe: impl FnOnce(E) -> String,
) -> Option<String> {
    match tokio::time::timeout(HEALTH_TIMEOUT, check).await {
        Ok(Ok(())) => None,
        Ok(Err(error)) => Some(describe(error)),
        Err(_) => Some(format!("no answer within {} s", HEALTH_TIMEOUT.as_secs())),
    }
}

async fn metrics(State(state): State<Shared>) -> Response {
    let (idle, busy) = state.store.connections().unzip();
    let gauges = StoreGauges {
        idle_connections: idle,
        busy_connections: busy,
    };
    let mut body = render(
        &state.telemetry,
        gauges,
        state.started.elapsed().as_secs_f64(),
    );
    // The monitored model versions' drift and performance; a store that does not answer leaves
    // them out (the server's own figures still help whoever is looking).
    if let Ok(monitoring) = state
        .call(|store| cairn_monitor::prometheus_text(store))
        .await
    {
        body.push_str(&monitoring);
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

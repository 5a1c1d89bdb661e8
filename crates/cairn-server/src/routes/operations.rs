//! What an operator's tools call: `GET /health` (the store and the artifact store answer; 503
//! naming what does not)
//! and `GET /metrics` (Prometheus' text format, see [`crate::telemetry`]).

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
    let store_check = async {
        match tokio::time::timeout(HEALTH_TIMEOUT, store_check).await {
            Ok(Ok(())) => None,
            Ok(Err(error)) => Some(error.message),
            Err(_) => Some(format!("no answer within {} s", HEALTH_TIMEOUT.as_secs())),
        }
    };
    let artifacts_check = async {
        match tokio::time::timeout(HEALTH_TIMEOUT, state.artifacts.check()).await {
            Ok(Ok(())) => None,
            Ok(Err(error)) => Some(error.to_string()),
            Err(_) => Some(format!("no answer within {} s", HEALTH_TIMEOUT.as_secs())),
        }
    };
    let (store_failure, artifacts_failure) = tokio::join!(store_check, artifacts_check);
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

async fn metrics(State(state): State<Shared>) -> Response {
    let (idle, busy) = state.store.connections().unzip();
    let gauges = StoreGauges {
        idle_connections: idle,
        busy_connections: busy,
    };
    let body = render(
        &state.telemetry,
        gauges,
        state.started.elapsed().as_secs_f64(),
    );
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

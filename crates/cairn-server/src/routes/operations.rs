//! What an operator's tools call: `GET /health` (the store answers; 503 naming what does not)
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

/// `OK` when the store answers a read; otherwise 503 with what failed, naming the store.
async fn health(State(state): State<Shared>) -> Response {
    let location = state.store.location();
    let check = state.call(|store| store.get_experiment(ExperimentId::DEFAULT).map(drop));
    let failure = match tokio::time::timeout(HEALTH_TIMEOUT, check).await {
        Ok(Ok(())) => return (StatusCode::OK, "OK").into_response(),
        Ok(Err(error)) => error.message,
        Err(_) => format!("no answer within {} s", HEALTH_TIMEOUT.as_secs()),
    };
    let body = json!({
        "status": "unavailable",
        "store": location,
        "message": format!("the store {location} is not answering: {failure}"),
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

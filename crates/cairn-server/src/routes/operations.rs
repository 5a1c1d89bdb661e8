//! What an operator's tools call: `GET /health` (the store and the artifact store answer; 503
//! naming what does not)
//! and `GET /metrics` (Prometheus' text format, see [`crate::telemetry`], followed by the
//! monitored model versions' gauges, see [`cairn_monitor::prometheus_text`]).

use std::time::Duration;

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cairn_artifact_store::ArtifactError;
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
    let artifacts = state.artifacts.describe();
    let store_check = state.call(|store| store.get_experiment(ExperimentId::DEFAULT).map(drop));
    let (store_outcome, artifacts_outcome) =
        tokio::join!(within(store_check), within(state.artifacts.check()));
    let store_failure = store_outcome.map(|failure| {
        let why = match failure {
            Failure::Error(error) => error.message,
            Failure::TimedOut => no_answer(),
        };
        format!("the store {location} is not answering: {why}")
    });
    let artifacts_failure = artifacts_outcome.map(|failure| match failure {
        // These name the store themselves.
        Failure::Error(
            error @ (ArtifactError::Unavailable { .. } | ArtifactError::Denied { .. }),
        ) => error.to_string(),
        Failure::Error(error) => format!("the artifact store {artifacts} is not usable: {error}"),
        Failure::TimedOut => format!(
            "the artifact store {artifacts} is not usable: {}",
            no_answer()
        ),
    });
    if store_failure.is_none() && artifacts_failure.is_none() {
        return (StatusCode::OK, "OK").into_response();
    }
    let problems: Vec<&str> = [&store_failure, &artifacts_failure]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    let body = json!({
        "status": "unavailable",
        "store": location,
        "store_ok": store_failure.is_none(),
        "artifacts": artifacts,
        "artifacts_ok": artifacts_failure.is_none(),
        "message": problems.join("; "),
    });
    (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response()
}

/// Why a check failed.
enum Failure<E> {
    Error(E),
    TimedOut,
}

fn no_answer() -> String {
    format!("no answer within {} s", HEALTH_TIMEOUT.as_secs())
}

/// How `check` failed, if it did, waiting at most [`HEALTH_TIMEOUT`].
async fn within<E>(check: impl std::future::Future<Output = Result<(), E>>) -> Option<Failure<E>> {
    match tokio::time::timeout(HEALTH_TIMEOUT, check).await {
        Ok(Ok(())) => None,
        Ok(Err(error)) => Some(Failure::Error(error)),
        Err(_) => Some(Failure::TimedOut),
    }
}

/// The longest `/metrics` waits for the monitored models' figures, well inside Prometheus'
/// default scrape timeout of 10 s: a store that stops answering leaves them out, never the
/// server's own figures.
const MONITORING_DEADLINE: std::time::Duration = std::time::Duration::from_secs(3);

async fn metrics(State(state): State<Shared>) -> Response {
    let gauges = StoreGauges {
        connections: state.store.connections(),
    };
    let mut body = render(
        &state.telemetry,
        gauges,
        state.started.elapsed().as_secs_f64(),
    );
    // The monitored model versions' drift and performance; a store that does not answer leaves
    // them out (the server's own figures still help whoever is looking).
    let store = Arc::clone(&state.store);
    let monitoring = state
        .blocking_within(Some(MONITORING_DEADLINE), move || {
            cairn_monitor::prometheus_text(&*store)
        })
        .await;
    if let Ok(Ok(monitoring)) = monitoring {
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

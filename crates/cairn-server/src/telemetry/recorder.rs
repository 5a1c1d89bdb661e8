//! [`Telemetry`]: the counters, and the middleware that feeds them one request at a time.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

use super::LATENCY_BUCKETS;
use crate::Shared;

/// One route's requests: counts by status, and the latency histogram.
#[derive(Debug, Default, Clone)]
pub(crate) struct RouteStats {
    /// Requests by status code.
    pub(crate) by_status: BTreeMap<u16, u64>,
    /// Requests at or under each bucket bound (cumulative, as Prometheus wants).
    pub(crate) buckets: [u64; LATENCY_BUCKETS.len()],
    /// All requests, and the sum of their latencies in seconds.
    pub(crate) count: u64,
    pub(crate) seconds: f64,
}

/// The server's counters; one per server, in [`AppState`](crate::AppState).
#[derive(Debug, Default)]
pub struct Telemetry {
    /// Per (method, route template): the template, never the raw path, so a run id in a URL
    /// does not make a series of its own.
    routes: Mutex<BTreeMap<(String, String), RouteStats>>,
    writes: AtomicU64,
    points: AtomicU64,
}

impl Telemetry {
    /// Counts metric points a request stored.
    pub fn points_ingested(&self, points: usize) {
        self.points.fetch_add(points as u64, Ordering::Relaxed);
    }

    /// Metric points stored since start.
    pub fn points_total(&self) -> u64 {
        self.points.load(Ordering::Relaxed)
    }

    /// Successful writing requests since start.
    pub fn writes_total(&self) -> u64 {
        self.writes.load(Ordering::Relaxed)
    }

    /// A copy of the per-route table.
    pub(crate) fn routes(&self) -> BTreeMap<(String, String), RouteStats> {
        self.routes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn record(&self, method: &Method, route: String, status: u16, seconds: f64) {
        let writing = matches!(
            *method,
            Method::POST | Method::PUT | Method::PATCH | Method::DELETE
        );
        if writing && (200..300).contains(&status) {
            self.writes.fetch_add(1, Ordering::Relaxed);
        }
        // Methods are the client's to choose: any but HTTP's own are counted as one, so that
        // made-up methods cannot grow the series without bound.
        let method = if KNOWN_METHODS.contains(method) {
            method.as_str()
        } else {
            "OTHER"
        };
        let mut routes = self.routes.lock().unwrap_or_else(PoisonError::into_inner);
        let stats = routes.entry((method.to_owned(), route)).or_default();
        *stats.by_status.entry(status).or_default() += 1;
        for (bucket, bound) in stats.buckets.iter_mut().zip(LATENCY_BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
        stats.count += 1;
        stats.seconds += seconds;
    }
}

/// The methods counted under their own name.
const KNOWN_METHODS: [Method; 9] = [
    Method::GET,
    Method::HEAD,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
    Method::OPTIONS,
    Method::CONNECT,
    Method::TRACE,
];

/// Middleware: times each request and counts it under its route template (`unmatched` for
/// paths no route claims: they are not made into series).
pub async fn record_requests(
    State(state): State<Shared>,
    request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let method = request.method().clone();
    let started = Instant::now();
    let response = next.run(request).await;
    state.telemetry.record(
        &method,
        route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

#[cfg(test)]
mod tests {
    use axum::http::Method;

    use super::Telemetry;

    #[test]
    fn made_up_methods_are_counted_as_one() {
        let telemetry = Telemetry::default();
        for name in ["FOO", "BAR", "X-RANDOM-1", "GET"] {
            let method = Method::from_bytes(name.as_bytes()).unwrap_or(Method::GET);
            telemetry.record(&method, "/api/2.0/mlflow/runs/get".to_owned(), 405, 0.001);
        }
        let methods: Vec<String> = telemetry
            .routes()
            .into_keys()
            .map(|(method, _)| method)
            .collect();
        assert_eq!(methods, ["GET", "OTHER"]);
    }
}

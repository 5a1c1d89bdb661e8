//! `GET /metrics` and `GET /health` on a real server: requests counted under their route
//! template (never the raw path), metric points counted, latency histograms consistent, the
//! format parseable line by line; `/metrics` behind the server's credentials, `/health` not.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failure should stop the test with its error"
)]

mod support;

use cairn_server::Auth;
use serde_json::json;

/// The value of the sample `name{labels}` (labels exactly as printed), if present.
fn sample(page: &str, series: &str) -> Option<f64> {
    page.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[test]
fn metrics_count_requests_by_route_and_points_ingested() {
    let server = support::start(Auth::None);
    let created = server.post(
        "/api/2.0/mlflow/runs/create",
        json!({"experiment_id": "0", "start_time": 1}),
    );
    assert_eq!(created.status, 200, "{}", created.body);
    let run_id = created.json()["run"]["info"]["run_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let metrics: Vec<_> = (0..5)
        .map(|step| json!({"key": "loss", "value": 1.0, "timestamp": 1, "step": step}))
        .collect();
    let logged = server.post(
        "/api/2.0/mlflow/runs/log-batch",
        json!({"run_id": run_id, "metrics": metrics}),
    );
    assert_eq!(logged.status, 200);
    let one = server.post(
        "/api/2.0/mlflow/runs/log-metric",
        json!({"run_id": run_id, "key": "acc", "value": 0.5, "timestamp": 1}),
    );
    assert_eq!(one.status, 200);
    let missing = server.get(&format!(
        "/api/2.0/mlflow/runs/get?run_id={}",
        "f".repeat(32)
    ));
    assert_eq!(missing.status, 404);

    let reply = server.get("/metrics");
    assert_eq!(reply.status, 200);
    assert!(
        reply
            .head
            .to_ascii_lowercase()
            .contains("content-type: text/plain; version=0.0.4"),
        "{}",
        reply.head
    );
    let page = reply.body.clone();
    assert_eq!(
        sample(&page, "cairn_metric_points_ingested_total"),
        Some(6.0)
    );
    assert_eq!(sample(&page, "cairn_store_writes_total"), Some(3.0));
    assert_eq!(
        sample(
            &page,
            "cairn_http_requests_total{route=\"/api/2.0/mlflow/runs/log-batch\",method=\"POST\",status=\"200\"}"
        ),
        Some(1.0),
        "{page}"
    );
    assert_eq!(
        sample(
            &page,
            "cairn_http_requests_total{route=\"/api/2.0/mlflow/runs/get\",method=\"GET\",status=\"404\"}"
        ),
        Some(1.0)
    );
    assert!(!page.contains(&run_id), "a run id never becomes a label");
    // The histogram's +Inf bucket equals its count, and buckets never decrease.
    let labels = "route=\"/api/2.0/mlflow/runs/log-batch\",method=\"POST\"";
    let count = sample(
        &page,
        &format!("cairn_http_request_duration_seconds_count{{{labels}}}"),
    );
    let infinite = sample(
        &page,
        &format!("cairn_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}}"),
    );
    assert_eq!(count, Some(1.0));
    assert_eq!(infinite, count);
    let buckets: Vec<f64> = page
        .lines()
        .filter(|line| {
            line.starts_with(&format!(
                "cairn_http_request_duration_seconds_bucket{{{labels}"
            ))
        })
        .map(|line| line.rsplit(' ').next().unwrap().parse().unwrap())
        .collect();
    assert!(
        buckets.windows(2).all(|pair| pair[0] <= pair[1]),
        "{buckets:?}"
    );
    // Every line is a comment or `name{labels} value`.
    for line in page.lines().filter(|line| !line.starts_with('#')) {
        let (_, value) = line.rsplit_once(' ').expect(line);
        assert!(value.parse::<f64>().is_ok(), "not a sample: {line}");
    }
}

#[test]
fn metrics_need_the_servers_credentials_and_health_does_not() {
    let server = support::start(Auth::Token("secret-token".to_owned()));
    assert_eq!(server.get("/metrics").status, 401);
    let authorised = server.send(
        "GET",
        "/metrics",
        &[("Authorization", "Bearer secret-token")],
        b"",
    );
    assert_eq!(authorised.status, 200);
    let health = server.get("/health");
    assert_eq!(health.status, 200);
    assert_eq!(health.body, "OK");
}

#[test]
fn every_series_the_sample_dashboard_plots_is_exported() {
    let server = support::start(Auth::None);
    assert_eq!(server.get("/health").status, 200);
    // A monitored model version, so that its gauges are there too.
    let post = |path: &str, body: serde_json::Value| {
        let reply = server.post(path, body);
        assert_eq!(reply.status, 200, "{}", reply.body);
    };
    post(
        "/api/2.0/mlflow/registered-models/create",
        serde_json::json!({"name": "m"}),
    );
    post(
        "/api/2.0/mlflow/model-versions/create",
        serde_json::json!({"name": "m", "source": "models:/m/source"}),
    );
    for (path, body) in [
        ("reference", "x,label\n1,0\n2,1\n3,0\n"),
        ("batches", "x,label,prediction\n1,0,0\n5,1,1\n"),
    ] {
        let reply = server.send(
            "POST",
            &format!("/api/2.0/cairn/monitoring/{path}?name=m&version=1"),
            &[("Content-Type", "text/csv")],
            body.as_bytes(),
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    let page = server.get("/metrics").body;
    let dashboard = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../docs/grafana/cairn-dashboard.json"),
    )
    .unwrap();
    let mut names: Vec<&str> = dashboard
        .match_indices("cairn_")
        .map(|(start, _)| {
            let rest = &dashboard[start..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .filter(|name| name.len() > "cairn_".len() && *name != "cairn_server" && *name != "cairn_")
        .collect();
    names.sort_unstable();
    names.dedup();
    assert!(names.len() >= 5, "{names:?}");
    for name in names {
        // Pool series exist only for a store with a connection pool (PostgreSQL); a server on
        // a database is checked for them in cairn-cli's tests/serve.rs.
        if name.starts_with("cairn_store_connection") {
            continue;
        }
        assert!(
            page.lines().any(|line| line.starts_with(name)),
            "the dashboard plots {name}, which /metrics does not export"
        );
    }
}

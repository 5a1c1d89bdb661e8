//! The counters as Prometheus' text exposition format (version 0.0.4).

use std::fmt::Write as _;

use super::LATENCY_BUCKETS;
use super::recorder::Telemetry;

/// Store gauges read at scrape time.
#[derive(Debug, Clone, Copy, Default)]
pub struct StoreGauges {
    /// Open connections to the store waiting for work, when the store pools them.
    pub idle_connections: Option<usize>,
    /// Connections in use by a request right now.
    pub busy_connections: Option<usize>,
}

/// The whole `/metrics` page.
pub fn render(telemetry: &Telemetry, store: StoreGauges, uptime_seconds: f64) -> String {
    let mut out = String::with_capacity(4096);
    let routes = telemetry.routes();

    header(
        &mut out,
        "cairn_http_requests_total",
        "counter",
        "HTTP requests answered, by route template, method and status.",
    );
    for ((method, route), stats) in &routes {
        for (status, count) in &stats.by_status {
            let _ = writeln!(
                out,
                "cairn_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {count}",
                escape(route),
                escape(method)
            );
        }
    }

    header(
        &mut out,
        "cairn_http_request_duration_seconds",
        "histogram",
        "Time from a request's arrival to its response's head, by route template and method.",
    );
    for ((method, route), stats) in &routes {
        let labels = format!("route=\"{}\",method=\"{}\"", escape(route), escape(method));
        for (bound, count) in LATENCY_BUCKETS.iter().zip(stats.buckets) {
            let _ = writeln!(
                out,
                "cairn_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {count}"
            );
        }
        let _ = writeln!(
            out,
            "cairn_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
            stats.count
        );
        let _ = writeln!(
            out,
            "cairn_http_request_duration_seconds_sum{{{labels}}} {}",
            stats.seconds
        );
        let _ = writeln!(
            out,
            "cairn_http_request_duration_seconds_count{{{labels}}} {}",
            stats.count
        );
    }

    header(
        &mut out,
        "cairn_store_writes_total",
        "counter",
        "Writing requests (POST, PUT, PATCH, DELETE) that succeeded.",
    );
    let _ = writeln!(out, "cairn_store_writes_total {}", telemetry.writes_total());

    header(
        &mut out,
        "cairn_metric_points_ingested_total",
        "counter",
        "Metric points stored through the API.",
    );
    let _ = writeln!(
        out,
        "cairn_metric_points_ingested_total {}",
        telemetry.points_total()
    );

    if let (Some(idle), Some(busy)) = (store.idle_connections, store.busy_connections) {
        header(
            &mut out,
            "cairn_store_connections",
            "gauge",
            "The store's pooled database connections, by state.",
        );
        let _ = writeln!(out, "cairn_store_connections{{state=\"idle\"}} {idle}");
        let _ = writeln!(out, "cairn_store_connections{{state=\"busy\"}} {busy}");
    }

    header(
        &mut out,
        "cairn_uptime_seconds",
        "gauge",
        "Seconds since the server started.",
    );
    let _ = writeln!(out, "cairn_uptime_seconds {uptime_seconds}");
    out
}

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// A label value with `\`, `"` and newlines escaped.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

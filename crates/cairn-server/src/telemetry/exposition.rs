//! The counters as Prometheus' text exposition format (version 0.0.4).

use std::fmt::Write as _;

use cairn_core::store::ConnectionUse;

use super::LATENCY_BUCKETS;
use super::recorder::Telemetry;

/// Store gauges read at scrape time.
#[derive(Debug, Clone, Copy, Default)]
pub struct StoreGauges {
    /// The store's pooled connections to its database server, when it has them.
    pub connections: Option<ConnectionUse>,
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

    if let Some(connections) = store.connections {
        write_connections(&mut out, connections);
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

/// The pool's gauges and its counter of requests that waited in vain.
fn write_connections(out: &mut String, connections: ConnectionUse) {
    header(
        out,
        "cairn_store_connections",
        "gauge",
        "The store's pooled database connections, by state.",
    );
    let _ = writeln!(
        out,
        "cairn_store_connections{{state=\"idle\"}} {}",
        connections.idle
    );
    let _ = writeln!(
        out,
        "cairn_store_connections{{state=\"busy\"}} {}",
        connections.busy
    );
    let gauges = [
        (
            "cairn_store_connections_limit",
            "The most database connections the server opens; requests past it wait for one.",
            connections.limit,
        ),
        (
            "cairn_store_connection_waiters",
            "Requests waiting now for a database connection to come back.",
            connections.waiting,
        ),
    ];
    for (name, help, value) in gauges {
        header(out, name, "gauge", help);
        let _ = writeln!(out, "{name} {value}");
    }
    header(
        out,
        "cairn_store_connection_timeouts_total",
        "counter",
        "Requests answered 503 after waiting in vain for a database connection.",
    );
    let _ = writeln!(
        out,
        "cairn_store_connection_timeouts_total {}",
        connections.gave_up
    );
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

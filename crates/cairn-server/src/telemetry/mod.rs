//! What `cairn serve` counts about itself, exported on `GET /metrics` in Prometheus' text
//! format: requests by route and status, their latency, writes, metric points ingested, and the
//! store's connections. Counting is lock-free on the hot path except for one short mutex per
//! request on the per-route table.

mod exposition;
mod recorder;

pub use exposition::{StoreGauges, render};
pub use recorder::{Telemetry, record_requests};

/// Upper bounds of the latency histogram's buckets, in seconds (Prometheus' `le`).
pub const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

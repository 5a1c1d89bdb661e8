//! Monitoring a model version in production: the sample of its training data that production
//! batches are compared with, and each batch's outcome (drift and, with labels, performance).
//! Judging a batch is `cairn-monitor`'s work; the store keeps what it decided.

/// What a model version's production batches are compared with.
#[derive(Debug, Clone, PartialEq)]
pub struct MonitoringReference {
    /// The registered model.
    pub name: String,
    /// Its version.
    pub version: u64,
    /// Where the data came from, in words (a file name and its hash, a run's data).
    pub source: String,
    /// Rows of the data the sample was taken from.
    pub rows: u64,
    /// The kept rows (a seeded sample above the monitoring limit) as CSV with a header.
    pub csv: Vec<u8>,
    /// How batches are judged, as JSON owned by `cairn-monitor` (tests, thresholds, columns).
    pub settings: String,
    /// Set at, epoch milliseconds.
    pub created_ms: i64,
}

/// A reference without its rows (for listings and the Monitoring tab).
#[derive(Debug, Clone, PartialEq)]
pub struct MonitoringReferenceSummary {
    /// The registered model.
    pub name: String,
    /// Its version.
    pub version: u64,
    /// Where the data came from.
    pub source: String,
    /// Rows of the data the sample was taken from.
    pub rows: u64,
    /// Size of the kept sample, bytes of CSV.
    pub sample_bytes: u64,
    /// How batches are judged (JSON).
    pub settings: String,
    /// Set at, epoch milliseconds.
    pub created_ms: i64,
}

/// One column's drift score in a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnScore {
    /// The column.
    pub column: String,
    /// The test (`ks`, `wasserstein`…).
    pub test: String,
    /// Its score (a p-value or a distance).
    pub score: f64,
    /// Whether the column drifted.
    pub drifted: bool,
}

/// A batch's outcome, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMonitoringBatch {
    /// The registered model.
    pub name: String,
    /// Its version.
    pub version: u64,
    /// Received at, epoch milliseconds.
    pub received_ms: i64,
    /// The batch's name (a file name, or what the sender called it).
    pub label: String,
    /// Rows in the batch.
    pub rows: u64,
    /// Share of tested columns that drifted.
    pub drift_share: f64,
    /// Whether the dataset drifted (the share reached the threshold).
    pub dataset_drift: bool,
    /// Each tested column's score.
    pub scores: Vec<ColumnScore>,
    /// Performance metrics (`accuracy`, `f1`, `auc`, `mae`, `rmse`) when labels came with it.
    pub metrics: Vec<(String, f64)>,
    /// The whole drift report as JSON (per-column distributions for the charts).
    pub report: String,
}

/// A stored batch.
#[derive(Debug, Clone, PartialEq)]
pub struct MonitoringBatch {
    /// Its id, increasing with arrival.
    pub id: i64,
    /// What was stored.
    pub batch: NewMonitoringBatch,
}

//! Monitoring a registered model version in production.
//!
//! A version gets a **reference**: a sample of its training data (at most
//! [`REFERENCE_MAX_ROWS`] rows, kept as CSV in the store) and the settings batches are judged
//! with. Each production **batch** (CSV or Parquet bytes, or rows in MLflow's scoring format) is
//! compared with the reference by `cairn-drift`; when it carries labels and predictions, the
//! model's performance on it is computed too. The outcome is stored with the time it arrived and
//! exported on `/metrics` by [`gauges`].
//!
//! Everything here takes bytes, never a path: the HTTP server calls it with uploaded data, and
//! the CLI reads the user's files itself before calling it.

mod batch;
mod error;
mod gauges;
mod model_ref;
mod records;
mod reference;
mod settings;

pub use batch::{BatchOptions, BatchReport, log_batch};
pub use error::MonitorError;
pub use gauges::prometheus_text;
pub use model_ref::{ModelRef, resolve_version};
pub use records::records_to_csv;
pub use reference::{REFERENCE_MAX_ROWS, reference_reading, set_reference, set_reference_table};
pub use settings::{Alert, AlertOp, MonitorSettings};

//! Why a monitoring call failed.

use cairn_core::StoreError;
use cairn_drift::DriftError;

/// A monitoring failure: the store's, the data's (names the batch, the row or the column), or a
/// version that has no reference yet.
#[derive(Debug, thiserror::Error)]
pub enum MonitorError {
    /// The store refused or failed (an unknown model or version among them).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The data or an option is wrong; the message says which.
    #[error("{0}")]
    Invalid(String),
    /// A batch that is not there; the message names it.
    #[error("{0}")]
    NotFound(String),
    /// The version has no reference to judge batches against.
    #[error(
        "version {version} of registered model '{name}' has no monitoring reference: set one \
         with `cairn monitor reference models:/{name}/{version} TRAINING_DATA` (or POST the data \
         to /api/2.0/cairn/monitoring/reference)"
    )]
    NoReference {
        /// The model.
        name: String,
        /// The version.
        version: u64,
    },
}

impl From<DriftError> for MonitorError {
    fn from(error: DriftError) -> Self {
        MonitorError::Invalid(error.to_string())
    }
}

//! The `no-drift` requirement's judge: the core knows which runs a gate compares, a
//! [`DriftJudge`] (the drift engine, outside the core) knows how their data differ.

use crate::model::Run;

/// What a drift check found.
#[derive(Debug, Clone, PartialEq)]
pub struct DriftOutcome {
    /// Whether the candidate's data passed (fewer than the share of its columns drifted).
    pub passed: bool,
    /// One line for the requirements table.
    pub detail: String,
    /// The drift report (Markdown) that goes into the gate's report and history record.
    pub report: String,
}

/// Compares a candidate run's data with a baseline run's.
pub trait DriftJudge {
    /// `Err` when the data cannot be compared (gone from disk, unreadable): a data error.
    fn judge(&self, candidate: &Run, baseline: &Run, share: f64) -> Result<DriftOutcome, String>;
}

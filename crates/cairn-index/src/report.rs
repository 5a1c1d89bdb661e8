//! What an index pass did.

/// A source that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadFile {
    /// The file or folder.
    pub path: String,
    /// Why it was not (fully) imported.
    pub reason: String,
}

/// Counts of one index pass.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexReport {
    /// Runs that were not in the store before.
    pub runs_new: u64,
    /// Runs that were re-read or grew.
    pub runs_updated: u64,
    /// Runs whose source had not changed.
    pub runs_unchanged: u64,
    /// Runs whose source disappeared (kept, marked missing).
    pub runs_missing: u64,
    /// Metric points imported.
    pub points: u64,
    /// Files looked at.
    pub files_seen: u64,
    /// Files skipped because they had not changed.
    pub files_skipped: u64,
    /// Event-file records skipped for a bad checksum.
    pub bad_records: u64,
    /// MLflow 3 LoggedModels imported or refreshed.
    pub logged_models: u64,
    /// Registered models imported or refreshed.
    pub registered_models: u64,
    /// Sources that could not be read, sorted by path.
    pub bad_files: Vec<BadFile>,
}

impl IndexReport {
    /// Counts a run by what the store did with it.
    pub(crate) fn count_outcome(&mut self, outcome: cairn_core::model::ImportOutcome) {
        match outcome {
            cairn_core::model::ImportOutcome::Created => self.runs_new += 1,
            cairn_core::model::ImportOutcome::Updated => self.runs_updated += 1,
        }
    }
}

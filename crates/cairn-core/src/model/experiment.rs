//! Experiments: named groups of runs.

use std::fmt;

use super::{LifecycleStage, Tag};

/// An experiment's id. MLflow sends it as a decimal string; Cairn stores an integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ExperimentId(pub i64);

impl ExperimentId {
    /// The experiment every store has from the start, named "Default".
    pub const DEFAULT: ExperimentId = ExperimentId(0);
}

impl Default for ExperimentId {
    fn default() -> Self {
        ExperimentId::DEFAULT
    }
}

impl fmt::Display for ExperimentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// An experiment as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Experiment {
    /// The experiment's id.
    pub experiment_id: ExperimentId,
    /// Unique name.
    pub name: String,
    /// Where runs of this experiment keep artifacts by default.
    pub artifact_location: String,
    /// Active or deleted.
    pub lifecycle_stage: LifecycleStage,
    /// Creation time, epoch milliseconds.
    pub creation_time_ms: Option<i64>,
    /// Last change, epoch milliseconds.
    pub last_update_time_ms: Option<i64>,
    /// Experiment tags, sorted by key.
    pub tags: Vec<Tag>,
}

/// An experiment with the number of its runs, for listings.
#[derive(Debug, Clone, PartialEq)]
pub struct ExperimentSummary {
    /// The experiment.
    pub experiment: Experiment,
    /// Runs in it that are not deleted.
    pub active_run_count: u64,
}

/// What is needed to create an experiment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewExperiment {
    /// Unique name.
    pub name: String,
    /// Artifact location; the store chooses one when `None`.
    pub artifact_location: Option<String>,
    /// Initial tags.
    pub tags: Vec<Tag>,
    /// Keep this id (importers keep source ids when they are free); the store picks when `None`.
    pub experiment_id: Option<ExperimentId>,
}

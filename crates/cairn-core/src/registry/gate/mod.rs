//! CI gates: rules comparing a candidate's metrics with a baseline version's, provenance
//! requirements, and the report that allows (or refuses) a promotion.
//!
//! `rule.rs` (what is asked: [`Rule`], [`Requirement`], [`GateSpec`]) → `evaluate.rs`
//! ([`evaluate`]) → `report.rs` ([`GateReport`], its Markdown history record, promotion).

mod drift;
mod evaluate;
mod report;
mod rule;

pub use drift::{DriftJudge, DriftOutcome};
pub use evaluate::{evaluate, evaluate_with};
pub use report::{GateReport, GateSide, RequirementOutcome, RuleOutcome, side, verdict};
pub use rule::{
    Candidate, Comparison, DEFAULT_DRIFT_SHARE, GateSpec, MissingBaseline, Requirement, Rule,
    Threshold,
};

use super::RegistryError;
use crate::error::StoreError;

/// Why a gate could not be evaluated (a usage or data error: the CLI exits 2).
#[derive(Debug, thiserror::Error)]
pub enum GateError {
    /// A malformed rule, requirement or reference.
    #[error("{0}")]
    Usage(String),
    /// Something the rules need is not there (a metric, a baseline, a version).
    #[error("{0}")]
    Data(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<RegistryError> for GateError {
    fn from(error: RegistryError) -> Self {
        match error {
            RegistryError::Usage(message) => GateError::Usage(message),
            RegistryError::NotFound(message) => GateError::Data(message),
            RegistryError::Store(error) => GateError::Store(error),
        }
    }
}

#[cfg(test)]
mod tests;

//! The error the UI sees: a kind it can branch on and a message it can show.

use cairn_core::StoreError;
use serde::Serialize;

/// An operation's failure, as the UI receives it: `{"kind": "...", "message": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    /// `not_found`, `invalid`, `search`, `conflict` or `internal`.
    pub kind: &'static str,
    /// What went wrong, for a person.
    pub message: String,
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> AppError {
        let kind = match &error {
            StoreError::ExperimentNotFound { .. }
            | StoreError::RunNotFound { .. }
            | StoreError::ModelNotFound { .. }
            | StoreError::ModelVersionNotFound { .. }
            | StoreError::AliasNotFound { .. }
            | StoreError::LoggedModelNotFound { .. } => "not_found",
            StoreError::Search(_) => "search",
            StoreError::Invalid { .. } | StoreError::Deleted { .. } => "invalid",
            StoreError::ExperimentExists { .. }
            | StoreError::RunExists { .. }
            | StoreError::ModelExists { .. }
            | StoreError::ParamConflict { .. } => "conflict",
            _ => "internal",
        };
        AppError {
            kind,
            message: error.to_string(),
        }
    }
}

//! The error the UI sees: a kind it can branch on and a message it can show.

use cairn_core::StoreError;
use serde::Serialize;
use ts_rs::TS;

/// What kind of failure an [`AppError`] is; the UI branches on it (`"not_found"`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// No such run, model, command, file...
    NotFound,
    /// An argument or a request the operation refuses.
    Invalid,
    /// A search filter or order that does not parse.
    Search,
    /// The thing exists already, or a param would change.
    Conflict,
    /// A path outside what the store may read.
    Forbidden,
    /// More bytes than the operation takes.
    TooLarge,
    /// Anything else: the store, the disk, a bug.
    Internal,
}

impl ErrorKind {
    /// The kind as the UI receives it (`not_found`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::NotFound => "not_found",
            ErrorKind::Invalid => "invalid",
            ErrorKind::Search => "search",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::TooLarge => "too_large",
            ErrorKind::Internal => "internal",
        }
    }
}

/// An operation's failure, as the UI receives it: `{"kind": "...", "message": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    /// What kind of failure it is.
    pub kind: ErrorKind,
    /// What went wrong, for a person.
    pub message: String,
}

impl AppError {
    /// An error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> AppError {
        AppError {
            kind,
            message: message.into(),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> AppError {
        let kind = match &error {
            StoreError::ExperimentNotFound { .. }
            | StoreError::RunNotFound { .. }
            | StoreError::ModelNotFound { .. }
            | StoreError::ModelVersionNotFound { .. }
            | StoreError::AliasNotFound { .. }
            | StoreError::LoggedModelNotFound { .. }
            | StoreError::TagNotFound { .. } => ErrorKind::NotFound,
            StoreError::Search(_) => ErrorKind::Search,
            StoreError::Invalid { .. } | StoreError::Deleted { .. } => ErrorKind::Invalid,
            StoreError::ExperimentExists { .. }
            | StoreError::RunExists { .. }
            | StoreError::ModelExists { .. }
            | StoreError::ParamConflict { .. } => ErrorKind::Conflict,
            _ => ErrorKind::Internal,
        };
        AppError {
            kind,
            message: error.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorKind;

    #[test]
    fn error_kinds_travel_as_their_names() {
        for kind in [
            ErrorKind::NotFound,
            ErrorKind::Invalid,
            ErrorKind::Search,
            ErrorKind::Conflict,
            ErrorKind::Forbidden,
            ErrorKind::TooLarge,
            ErrorKind::Internal,
        ] {
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                serde_json::Value::from(kind.as_str())
            );
        }
    }
}

//! The store's errors. Each names what was wrong and where; the server maps them to MLflow
//! error codes in one place.

use std::path::PathBuf;

use crate::search::SearchError;

/// Anything a store operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No experiment with that id or name.
    #[error("experiment {experiment} does not exist")]
    ExperimentNotFound {
        /// The id or name asked for.
        experiment: String,
    },
    /// An experiment with that name exists already.
    #[error("an experiment named '{name}' already exists")]
    ExperimentExists {
        /// The name.
        name: String,
    },
    /// No run with that id.
    #[error("run '{run_id}' does not exist")]
    RunNotFound {
        /// The id asked for.
        run_id: String,
    },
    /// A run with that id exists already.
    #[error("run '{run_id}' already exists")]
    RunExists {
        /// The id.
        run_id: String,
    },
    /// The run or experiment is deleted and cannot be written to.
    #[error("{what} is deleted; restore it before writing to it")]
    Deleted {
        /// What is deleted, e.g. `run 'abc'`.
        what: String,
    },
    /// A param was logged again with a different value.
    #[error(
        "param '{key}' of run '{run_id}' is already '{old_value}' and cannot be changed to '{new_value}'"
    )]
    ParamConflict {
        /// The run.
        run_id: String,
        /// The key.
        key: String,
        /// Its stored value.
        old_value: String,
        /// The rejected value.
        new_value: String,
    },
    /// A request field failed validation.
    #[error("invalid {field}: {reason}")]
    Invalid {
        /// The field, e.g. `metric key 'a/../b'`.
        field: String,
        /// Why it is rejected.
        reason: String,
    },
    /// A search filter or order_by did not parse.
    #[error("invalid search: {0}")]
    Search(#[from] SearchError),
    /// No registered model with that name.
    #[error("registered model '{name}' does not exist")]
    ModelNotFound {
        /// The name.
        name: String,
    },
    /// A registered model with that name exists already.
    #[error("registered model '{name}' already exists")]
    ModelExists {
        /// The name.
        name: String,
    },
    /// No such version of a registered model.
    #[error("version {version} of registered model '{name}' does not exist")]
    ModelVersionNotFound {
        /// The model.
        name: String,
        /// The version.
        version: String,
    },
    /// No such alias on a registered model.
    #[error("registered model '{name}' has no alias '{alias}'")]
    AliasNotFound {
        /// The model.
        name: String,
        /// The alias.
        alias: String,
    },
    /// No LoggedModel with that id.
    #[error("logged model '{model_id}' does not exist")]
    LoggedModelNotFound {
        /// The id asked for.
        model_id: String,
    },
    /// The database was written by a newer Cairn.
    #[error(
        "the store at {path} has schema version {found}, newer than this Cairn supports ({supported}); upgrade Cairn"
    )]
    SchemaTooNew {
        /// The database file.
        path: PathBuf,
        /// Its version.
        found: i64,
        /// The newest this binary knows.
        supported: i64,
    },
    /// The file is an SQLite database, but not a Cairn store.
    #[error("{path} is not a Cairn store (it is an SQLite database of another application)")]
    NotACairnStore {
        /// The database file.
        path: PathBuf,
    },
    /// A stored metric chunk could not be decoded.
    #[error("corrupt metric history for run '{run_id}', key '{key}': {reason}")]
    CorruptMetric {
        /// The run.
        run_id: String,
        /// The metric key.
        key: String,
        /// What was wrong.
        reason: String,
    },
    /// A file-system operation on the store failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done, e.g. `creating the store folder`.
        action: &'static str,
        /// Where.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// SQLite failed.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// Result of store operations.
pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    /// A validation error for `field`.
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> StoreError {
        StoreError::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

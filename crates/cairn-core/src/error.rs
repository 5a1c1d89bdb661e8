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
        experiment: ExperimentLookup,
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
    #[error("{entity} '{id}' is deleted; restore it before writing to it")]
    Deleted {
        /// What kind of thing is deleted: `run` or `experiment`.
        entity: &'static str,
        /// Its id.
        id: String,
    },
    /// A tag to delete is not there.
    #[error("{owner} '{id}' has no tag '{key}'")]
    TagNotFound {
        /// What the tag would belong to: `run`, `experiment` or `logged model`.
        owner: &'static str,
        /// The owner's id.
        id: String,
        /// The tag's key.
        key: String,
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
    /// No user, group or token of that name (`kind` says which).
    #[error("{kind} '{name}' does not exist")]
    AccountNotFound {
        /// `user`, `group`, `token` or `grant`.
        kind: &'static str,
        /// The name asked for.
        name: String,
    },
    /// A user or group of that name exists already.
    #[error("{kind} '{name}' already exists")]
    AccountExists {
        /// `user` or `group`.
        kind: &'static str,
        /// The name.
        name: String,
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
    /// The database is busy: another connection held its lock past the busy timeout.
    #[error("database error: {message}")]
    Busy {
        /// The backend's own words.
        message: String,
    },
    /// The disk holding the database (or its journal) is full.
    #[error("database error: {message}")]
    Full {
        /// The backend's own words.
        message: String,
    },
    /// The database file is damaged, or not a database at all.
    #[error("database error: {message}")]
    Corrupt {
        /// The backend's own words.
        message: String,
    },
    /// The database server cannot be reached, or dropped the connection (restarting, network
    /// down): worth retrying once it is back.
    #[error("database unavailable: {message}")]
    Unavailable {
        /// Which server, and the backend's own words.
        message: String,
    },
    /// Any other failure of the storage backend.
    #[error("database error: {message}")]
    Backend {
        /// The backend's own words.
        message: String,
    },
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

    /// Whether the store itself failed (its database or its files), rather than rejecting what
    /// it was given: retrying with other input would fail the same way.
    pub fn is_storage_failure(&self) -> bool {
        matches!(
            self,
            StoreError::Busy { .. }
                | StoreError::Unavailable { .. }
                | StoreError::Full { .. }
                | StoreError::Corrupt { .. }
                | StoreError::Backend { .. }
                | StoreError::Io { .. }
        )
    }
}

/// SQLite's errors sorted into what callers act on; no crate above the store names SQLite.
impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> StoreError {
        use rusqlite::ErrorCode;
        let message = error.to_string();
        match error.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                StoreError::Busy { message }
            }
            Some(ErrorCode::DiskFull) => StoreError::Full { message },
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
                StoreError::Corrupt { message }
            }
            _ => StoreError::Backend { message },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::StoreError;

    fn sqlite_failure(code: std::ffi::c_int, message: &str) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), Some(message.into()))
    }

    #[test]
    fn sqlite_errors_become_backend_neutral_kinds() {
        use rusqlite::ffi;
        let busy = StoreError::from(sqlite_failure(ffi::SQLITE_BUSY, "database is locked"));
        assert!(matches!(busy, StoreError::Busy { .. }), "{busy:?}");
        assert_eq!(busy.to_string(), "database error: database is locked");
        let locked = StoreError::from(sqlite_failure(ffi::SQLITE_LOCKED, "table is locked"));
        assert!(matches!(locked, StoreError::Busy { .. }), "{locked:?}");
        let full = StoreError::from(sqlite_failure(ffi::SQLITE_FULL, "database or disk is full"));
        assert!(matches!(full, StoreError::Full { .. }), "{full:?}");
        assert_eq!(full.to_string(), "database error: database or disk is full");
        let corrupt = StoreError::from(sqlite_failure(ffi::SQLITE_CORRUPT, "malformed"));
        assert!(matches!(corrupt, StoreError::Corrupt { .. }), "{corrupt:?}");
        let not_a_db = StoreError::from(sqlite_failure(ffi::SQLITE_NOTADB, "not a database"));
        assert!(
            matches!(not_a_db, StoreError::Corrupt { .. }),
            "{not_a_db:?}"
        );
        let other = StoreError::from(rusqlite::Error::QueryReturnedNoRows);
        assert!(matches!(other, StoreError::Backend { .. }), "{other:?}");
        assert_eq!(other.to_string(), "database error: Query returned no rows");
        assert!(other.is_storage_failure());
        assert!(!StoreError::invalid("x", "y").is_storage_failure());
    }
}

/// How a missing experiment was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExperimentLookup {
    /// By id.
    Id(i64),
    /// By name.
    Name(String),
}

impl std::fmt::Display for ExperimentLookup {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExperimentLookup::Id(id) => write!(formatter, "with id {id}"),
            ExperimentLookup::Name(name) => write!(formatter, "'{name}'"),
        }
    }
}

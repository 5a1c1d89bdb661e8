//! PostgreSQL's errors sorted into what callers act on, by SQLSTATE class: a lost connection is
//! [`StoreError::Unavailable`], a lost serialization race [`StoreError::Busy`], a full disk
//! [`StoreError::Full`]; no crate above the store names PostgreSQL.

use postgres::error::SqlState;

use crate::error::StoreError;

/// The store error for a PostgreSQL client error.
pub(crate) fn from_postgres(error: postgres::Error) -> StoreError {
    let message = error
        .as_db_error()
        .map_or_else(|| error.to_string(), |db| db.message().to_owned());
    let Some(code) = error.code() else {
        // No SQLSTATE: the connection itself failed (closed, reset, timed out).
        return StoreError::Unavailable {
            message: format!("the connection to PostgreSQL failed: {message}"),
        };
    };
    if *code == SqlState::T_R_SERIALIZATION_FAILURE || *code == SqlState::T_R_DEADLOCK_DETECTED {
        return StoreError::Busy { message };
    }
    if *code == SqlState::DISK_FULL
        || *code == SqlState::OUT_OF_MEMORY
        || *code == SqlState::INSUFFICIENT_RESOURCES
    {
        return StoreError::Full { message };
    }
    if *code == SqlState::DATA_CORRUPTED || *code == SqlState::INDEX_CORRUPTED {
        return StoreError::Corrupt { message };
    }
    let class = &code.code()[..2];
    match class {
        // Connection exceptions; operator intervention (shutdown, restart, crash recovery).
        "08" | "57" => StoreError::Unavailable {
            message: format!("PostgreSQL ended the session (restarting or stopping?): {message}"),
        },
        _ => StoreError::Backend { message },
    }
}

impl From<postgres::Error> for StoreError {
    fn from(error: postgres::Error) -> StoreError {
        from_postgres(error)
    }
}

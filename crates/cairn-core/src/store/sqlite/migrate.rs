//! Schema migrations: the numbered SQL files of `migrations/`, embedded at build time and
//! applied in order, each in its own transaction, tracked by `PRAGMA user_version`.

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use crate::error::{StoreError, StoreResult};

include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// Marks a database as a Cairn store (`PRAGMA application_id`, the bytes "CAIR").
pub(crate) const APPLICATION_ID: i64 = 0x4341_4952;

/// The schema version this binary writes.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |(version, _, _)| *version)
}

/// Brings the database at `path` (open as `connection`) to schema version `target`: the latest
/// in normal use, an older one when tests build stores as older versions of Cairn left them.
pub(crate) fn migrate_to(connection: &mut Connection, path: &Path, target: i64) -> StoreResult<()> {
    let version: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    let application_id: i64 =
        connection.query_row("PRAGMA application_id", [], |row| row.get(0))?;
    let foreign_tables: i64 = connection.query_row(
        "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'",
        [],
        |row| row.get(0),
    )?;
    let is_ours = application_id == APPLICATION_ID || (application_id == 0 && foreign_tables == 0);
    if !is_ours {
        return Err(StoreError::NotACairnStore {
            path: path.to_path_buf(),
        });
    }
    if version > latest_version() {
        return Err(StoreError::SchemaTooNew {
            path: path.to_path_buf(),
            found: version,
            supported: latest_version(),
        });
    }
    for (number, _name, sql) in MIGRATIONS {
        if *number <= version || *number > target {
            continue;
        }
        // Another process may be opening the same store at this moment (the desktop app,
        // `cairn serve` and `cairn index --watch` started together): take the write lock first,
        // then look again at what is applied, so each migration runs exactly once.
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let applied: i64 = transaction.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        if *number <= applied {
            continue;
        }
        transaction.execute_batch(sql)?;
        transaction.pragma_update(None, "application_id", APPLICATION_ID)?;
        transaction.pragma_update(None, "user_version", number)?;
        transaction.commit()?;
    }
    Ok(())
}

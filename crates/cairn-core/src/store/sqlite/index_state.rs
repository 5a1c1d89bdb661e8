//! What the indexer has read of each source file (`index_files`), so that re-indexing skips
//! unchanged files and resumes growing ones.

use rusqlite::{Connection, Transaction, params};

use crate::error::StoreResult;
use crate::model::{IndexFileState, SourceKind};
use crate::store::IndexRoot;
use crate::time::now_millis;

/// Every remembered file whose path starts with `prefix`, sorted by path.
pub(super) fn states_under(
    connection: &Connection,
    prefix: &str,
) -> StoreResult<Vec<IndexFileState>> {
    let mut statement = connection.prepare_cached(
        "SELECT path, source_kind, size_bytes, mtime_ns, read_offset, run_uuid, parser_state
         FROM index_files WHERE substr(path, 1, length(?1)) = ?1 ORDER BY path",
    )?;
    let rows = statement.query_map([prefix], |row| {
        let kind: String = row.get(1)?;
        Ok(IndexFileState {
            path: row.get(0)?,
            source_kind: SourceKind::parse(&kind).unwrap_or(SourceKind::Mlruns),
            size_bytes: row.get::<_, i64>(2)? as u64,
            mtime_ns: row.get(3)?,
            read_offset: row.get::<_, i64>(4)? as u64,
            run_id: row.get(5)?,
            parser_state: row.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Records (replaces) what has been read of each file.
pub(super) fn record(transaction: &Transaction<'_>, states: &[IndexFileState]) -> StoreResult<()> {
    let now = now_millis();
    let mut statement = transaction.prepare_cached(
        "INSERT OR REPLACE INTO index_files
           (path, source_kind, size_bytes, mtime_ns, read_offset, run_uuid, parser_state,
            indexed_at_ms, missing)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0)",
    )?;
    for state in states {
        statement.execute(params![
            state.path,
            state.source_kind.as_str(),
            state.size_bytes as i64,
            state.mtime_ns,
            state.read_offset as i64,
            state.run_id,
            state.parser_state,
            now
        ])?;
    }
    Ok(())
}

/// Marks remembered files as missing (or present again).
pub(super) fn set_missing(
    transaction: &Transaction<'_>,
    paths: &[String],
    missing: bool,
) -> StoreResult<()> {
    let mut statement =
        transaction.prepare_cached("UPDATE index_files SET missing = ?2 WHERE path = ?1")?;
    for path in paths {
        statement.execute(params![path, missing])?;
    }
    Ok(())
}

/// Source paths of indexed runs under `prefix`, as (run id, source path, missing), sorted by
/// source path.
pub(super) fn indexed_sources_under(
    connection: &Connection,
    prefix: &str,
) -> StoreResult<Vec<(String, String, bool)>> {
    let mut statement = connection.prepare_cached(
        "SELECT run_uuid, source_path, source_missing FROM runs
         WHERE source_path IS NOT NULL AND substr(source_path, 1, length(?1)) = ?1
         ORDER BY source_path, run_uuid",
    )?;
    let rows = statement.query_map([prefix], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Remembers a folder the user asked to index.
pub(super) fn add_root(
    transaction: &Transaction<'_>,
    path: &str,
    watched: bool,
) -> StoreResult<()> {
    transaction
        .prepare_cached(
            "INSERT INTO index_roots (path, watched, added_ms) VALUES (?1, ?2, ?3)
             ON CONFLICT (path) DO UPDATE SET watched = max(watched, excluded.watched)",
        )?
        .execute(params![path, watched, now_millis()])?;
    Ok(())
}

/// Every folder asked to be indexed, sorted by path.
pub(super) fn roots(connection: &Connection) -> StoreResult<Vec<IndexRoot>> {
    let mut statement = connection
        .prepare_cached("SELECT path, watched, added_ms FROM index_roots ORDER BY path")?;
    let rows = statement.query_map([], |row| {
        Ok(IndexRoot {
            path: row.get(0)?,
            watched: row.get(1)?,
            added_ms: row.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Sets whether a folder is followed live, adding it when unknown.
pub(super) fn set_root_watched(
    transaction: &Transaction<'_>,
    path: &str,
    watched: bool,
) -> StoreResult<()> {
    transaction
        .prepare_cached(
            "INSERT INTO index_roots (path, watched, added_ms) VALUES (?1, ?2, ?3)
             ON CONFLICT (path) DO UPDATE SET watched = excluded.watched",
        )?
        .execute(params![path, watched, now_millis()])?;
    Ok(())
}

/// Forgets a folder; false when it was not known.
pub(super) fn remove_root(transaction: &Transaction<'_>, path: &str) -> StoreResult<bool> {
    let removed = transaction
        .prepare_cached("DELETE FROM index_roots WHERE path = ?1")?
        .execute([path])?;
    Ok(removed > 0)
}

//! What the indexer has read of each source file (`index_files`), so that re-indexing skips
//! unchanged files and resumes growing ones, and the folders it was asked to index.

use postgres::Transaction;

use super::sql::{args, big, execute, query, size};
use crate::error::StoreResult;
use crate::model::{IndexFileState, SourceKind};
use crate::store::IndexRoot;
use crate::time::now_millis;

/// Every remembered file whose path starts with `prefix`, sorted by path.
pub(crate) fn states_under(
    tx: &mut Transaction<'_>,
    prefix: &str,
) -> StoreResult<Vec<IndexFileState>> {
    let rows = query(
        tx,
        "SELECT path, source_kind, size_bytes, mtime_ns, read_offset, run_uuid, parser_state
         FROM index_files WHERE starts_with(path, $1) ORDER BY path COLLATE \"C\"",
        args![prefix],
    )?;
    rows.iter()
        .map(|row| {
            let kind: &str = row.try_get(1)?;
            Ok(IndexFileState {
                path: row.try_get(0)?,
                source_kind: SourceKind::parse(kind).unwrap_or(SourceKind::Mlruns),
                size_bytes: size(row.try_get(2)?),
                mtime_ns: row.try_get(3)?,
                read_offset: size(row.try_get(4)?),
                run_id: row.try_get(5)?,
                parser_state: row.try_get(6)?,
            })
        })
        .collect()
}

/// Records (replaces) what has been read of each file, in one statement; the last state of a
/// path wins.
pub(crate) fn record(tx: &mut Transaction<'_>, states: &[IndexFileState]) -> StoreResult<()> {
    if states.is_empty() {
        return Ok(());
    }
    let mut order: Vec<usize> = Vec::with_capacity(states.len());
    let mut index_of: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (index, state) in states.iter().enumerate() {
        match index_of.get(state.path.as_str()) {
            Some(&slot) => order[slot] = index,
            None => {
                index_of.insert(&state.path, order.len());
                order.push(index);
            }
        }
    }
    let chosen: Vec<&IndexFileState> = order.iter().map(|&index| &states[index]).collect();
    let paths: Vec<&str> = chosen.iter().map(|s| s.path.as_str()).collect();
    let kinds: Vec<&str> = chosen.iter().map(|s| s.source_kind.as_str()).collect();
    let sizes: Vec<i64> = chosen.iter().map(|s| big(s.size_bytes)).collect();
    let mtimes: Vec<i64> = chosen.iter().map(|s| s.mtime_ns).collect();
    let offsets: Vec<i64> = chosen.iter().map(|s| big(s.read_offset)).collect();
    let run_ids: Vec<Option<&str>> = chosen.iter().map(|s| s.run_id.as_deref()).collect();
    let parser_states: Vec<Option<Vec<u8>>> =
        chosen.iter().map(|s| s.parser_state.clone()).collect();
    execute(
        tx,
        "INSERT INTO index_files (path, source_kind, size_bytes, mtime_ns, read_offset, run_uuid,
                                  parser_state, indexed_at_ms, missing)
         SELECT path, kind, size_bytes, mtime_ns, read_offset, run_uuid, parser_state, $8, false
         FROM UNNEST($1::TEXT[], $2::TEXT[], $3::BIGINT[], $4::BIGINT[], $5::BIGINT[],
                     $6::TEXT[], $7::BYTEA[])
              AS f (path, kind, size_bytes, mtime_ns, read_offset, run_uuid, parser_state)
         ON CONFLICT (path) DO UPDATE SET
             source_kind = excluded.source_kind, size_bytes = excluded.size_bytes,
             mtime_ns = excluded.mtime_ns, read_offset = excluded.read_offset,
             run_uuid = excluded.run_uuid, parser_state = excluded.parser_state,
             indexed_at_ms = excluded.indexed_at_ms, missing = false",
        args![
            paths,
            kinds,
            sizes,
            mtimes,
            offsets,
            run_ids,
            parser_states,
            now_millis()
        ],
    )?;
    Ok(())
}

/// Marks remembered files as missing (or present again).
pub(crate) fn set_missing(
    tx: &mut Transaction<'_>,
    paths: &[String],
    missing: bool,
) -> StoreResult<()> {
    if paths.is_empty() {
        return Ok(());
    }
    execute(
        tx,
        "UPDATE index_files SET missing = $2 WHERE path = ANY($1)",
        args![paths.to_vec(), missing],
    )?;
    Ok(())
}

/// Source paths of indexed runs under `prefix`, as (run id, source path, missing), sorted by
/// source path.
pub(crate) fn indexed_sources_under(
    tx: &mut Transaction<'_>,
    prefix: &str,
) -> StoreResult<Vec<(String, String, bool)>> {
    let rows = query(
        tx,
        "SELECT run_uuid, source_path, source_missing FROM runs
         WHERE source_path IS NOT NULL AND starts_with(source_path, $1)
         ORDER BY source_path COLLATE \"C\", run_uuid COLLATE \"C\"",
        args![prefix],
    )?;
    rows.iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?)))
        .collect()
}

/// Remembers a folder the user asked to index (a watched folder stays watched).
pub(crate) fn add_root(tx: &mut Transaction<'_>, path: &str, watched: bool) -> StoreResult<()> {
    execute(
        tx,
        "INSERT INTO index_roots AS r (path, watched, added_ms) VALUES ($1, $2, $3)
         ON CONFLICT (path) DO UPDATE SET watched = r.watched OR excluded.watched",
        args![path, watched, now_millis()],
    )?;
    Ok(())
}

/// Every folder asked to be indexed, sorted by path.
pub(crate) fn roots(tx: &mut Transaction<'_>) -> StoreResult<Vec<IndexRoot>> {
    let rows = query(
        tx,
        "SELECT path, watched, added_ms FROM index_roots ORDER BY path COLLATE \"C\"",
        args![],
    )?;
    rows.iter()
        .map(|row| {
            Ok(IndexRoot {
                path: row.try_get(0)?,
                watched: row.try_get(1)?,
                added_ms: row.try_get(2)?,
            })
        })
        .collect()
}

/// Sets whether a folder is followed live, adding it when unknown.
pub(crate) fn set_root_watched(
    tx: &mut Transaction<'_>,
    path: &str,
    watched: bool,
) -> StoreResult<()> {
    execute(
        tx,
        "INSERT INTO index_roots (path, watched, added_ms) VALUES ($1, $2, $3)
         ON CONFLICT (path) DO UPDATE SET watched = excluded.watched",
        args![path, watched, now_millis()],
    )?;
    Ok(())
}

/// Forgets a folder; false when it was not known.
pub(crate) fn remove_root(tx: &mut Transaction<'_>, path: &str) -> StoreResult<bool> {
    Ok(execute(tx, "DELETE FROM index_roots WHERE path = $1", args![path])? > 0)
}

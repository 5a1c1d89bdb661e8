//! The index of a run's artifact files (`artifacts` table): what `cairn serve` stored for it.

use rusqlite::{Connection, Transaction, params};

use crate::error::StoreResult;
use crate::model::ArtifactFile;

use super::row::find_run;

pub(super) fn record(
    transaction: &Transaction<'_>,
    run_id: &str,
    file: &ArtifactFile,
) -> StoreResult<()> {
    let (run_pk, _) = find_run(transaction, run_id)?;
    transaction
        .prepare_cached(
            "INSERT INTO artifacts (run_id, path, size_bytes, blake3, location, modified_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (run_id, path) DO UPDATE SET
               size_bytes = excluded.size_bytes, blake3 = excluded.blake3,
               location = excluded.location, modified_ms = excluded.modified_ms",
        )?
        .execute(params![
            run_pk,
            file.path,
            file.size_bytes as i64,
            file.blake3,
            file.location,
            file.modified_ms
        ])?;
    Ok(())
}

/// Forgets the file at `path` and everything under it (a deleted folder).
pub(super) fn forget(transaction: &Transaction<'_>, run_id: &str, path: &str) -> StoreResult<()> {
    let (run_pk, _) = find_run(transaction, run_id)?;
    if path.trim_matches('/').is_empty() {
        transaction
            .prepare_cached("DELETE FROM artifacts WHERE run_id = ?1")?
            .execute([run_pk])?;
        return Ok(());
    }
    let folder = format!("{}/", path.trim_end_matches('/'));
    transaction
        .prepare_cached(
            "DELETE FROM artifacts
             WHERE run_id = ?1 AND (path = ?2 OR substr(path, 1, length(?3)) = ?3)",
        )?
        .execute(params![run_pk, path, folder])?;
    Ok(())
}

pub(super) fn list(connection: &Connection, run_id: &str) -> StoreResult<Vec<ArtifactFile>> {
    let (run_pk, _) = find_run(connection, run_id)?;
    let files = connection
        .prepare_cached(
            "SELECT path, size_bytes, blake3, location, modified_ms FROM artifacts
             WHERE run_id = ?1 ORDER BY path",
        )?
        .query_map([run_pk], |row| {
            Ok(ArtifactFile {
                path: row.get(0)?,
                size_bytes: row.get::<_, i64>(1)?.unsigned_abs(),
                blake3: row.get(2)?,
                location: row.get(3)?,
                modified_ms: row.get(4)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(files)
}

//! The index of a run's artifact files (`artifacts` table): what `cairn serve` stored for it.

use postgres::Transaction;

use super::row::find_run;
use super::sql::{args, big, execute, query, size};
use crate::error::StoreResult;
use crate::model::ArtifactFile;

pub(crate) fn record(
    tx: &mut Transaction<'_>,
    run_id: &str,
    file: &ArtifactFile,
) -> StoreResult<()> {
    let (run_pk, _) = find_run(tx, run_id)?;
    execute(
        tx,
        "INSERT INTO artifacts (run_id, path, size_bytes, blake3, location, modified_ms)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (run_id, path) DO UPDATE SET
           size_bytes = excluded.size_bytes, blake3 = excluded.blake3,
           location = excluded.location, modified_ms = excluded.modified_ms",
        args![
            run_pk,
            file.path,
            big(file.size_bytes),
            file.blake3,
            file.location,
            file.modified_ms
        ],
    )?;
    Ok(())
}

/// Forgets the file at `path` and everything under it (a deleted folder).
pub(crate) fn forget(tx: &mut Transaction<'_>, run_id: &str, path: &str) -> StoreResult<()> {
    let (run_pk, _) = find_run(tx, run_id)?;
    if path.trim_matches('/').is_empty() {
        execute(tx, "DELETE FROM artifacts WHERE run_id = $1", args![run_pk])?;
        return Ok(());
    }
    let folder = format!("{}/", path.trim_end_matches('/'));
    execute(
        tx,
        "DELETE FROM artifacts
         WHERE run_id = $1 AND (path = $2 OR left(path, length($3)) = $3)",
        args![run_pk, path, folder],
    )?;
    Ok(())
}

pub(crate) fn list(tx: &mut Transaction<'_>, run_id: &str) -> StoreResult<Vec<ArtifactFile>> {
    let (run_pk, _) = find_run(tx, run_id)?;
    let rows = query(
        tx,
        "SELECT path, size_bytes, blake3, location, modified_ms FROM artifacts
         WHERE run_id = $1 ORDER BY path COLLATE \"C\"",
        args![run_pk],
    )?;
    rows.iter()
        .map(|row| {
            Ok(ArtifactFile {
                path: row.try_get(0)?,
                size_bytes: size(row.try_get(1)?),
                blake3: row.try_get(2)?,
                location: row.try_get(3)?,
                modified_ms: row.try_get(4)?,
            })
        })
        .collect()
}

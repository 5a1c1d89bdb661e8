//! The stat cache of file hashes and the manifests behind directory data hashes.

use rusqlite::{Connection, Transaction, params};

use crate::error::StoreResult;
use crate::model::{FileStatKey, ManifestEntry, ManifestEntryKind};

pub(super) fn cached(db: &Connection, keys: &[FileStatKey]) -> StoreResult<Vec<Option<String>>> {
    let mut statement = db.prepare_cached(
        "SELECT blake3 FROM file_hash_cache
         WHERE device = ?1 AND inode = ?2 AND size_bytes = ?3 AND mtime_ns = ?4",
    )?;
    let mut answers = Vec::with_capacity(keys.len());
    for key in keys {
        let mut rows = statement.query(params![
            key.device as i64,
            key.inode as i64,
            key.size_bytes as i64,
            key.mtime_ns
        ])?;
        answers.push(match rows.next()? {
            Some(row) => Some(row.get(0)?),
            None => None,
        });
    }
    Ok(answers)
}

pub(super) fn record_cache(
    transaction: &Transaction<'_>,
    hashes: &[(FileStatKey, String)],
) -> StoreResult<()> {
    let mut statement = transaction.prepare_cached(
        "INSERT OR REPLACE INTO file_hash_cache (device, inode, size_bytes, mtime_ns, blake3)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (key, hash) in hashes {
        statement.execute(params![
            key.device as i64,
            key.inode as i64,
            key.size_bytes as i64,
            key.mtime_ns,
            hash
        ])?;
    }
    Ok(())
}

pub(super) fn record_manifest(
    transaction: &Transaction<'_>,
    root_hash: &str,
    entries: &[ManifestEntry],
) -> StoreResult<()> {
    let known: bool = transaction
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM data_manifest_entries WHERE root_hash = ?1)")?
        .query_row([root_hash], |row| row.get(0))?;
    if known {
        return Ok(());
    }
    let mut statement = transaction.prepare_cached(
        "INSERT OR REPLACE INTO data_manifest_entries (root_hash, rel_path, kind, size_bytes, file_hash)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for entry in entries {
        statement.execute(params![
            root_hash,
            entry.rel_path,
            entry.kind.as_str(),
            entry.size_bytes as i64,
            entry.file_hash
        ])?;
    }
    Ok(())
}

pub(super) fn manifest(db: &Connection, root_hash: &str) -> StoreResult<Vec<ManifestEntry>> {
    let mut statement = db.prepare_cached(
        "SELECT rel_path, kind, size_bytes, file_hash FROM data_manifest_entries
         WHERE root_hash = ?1 ORDER BY rel_path",
    )?;
    let mut rows = statement.query([root_hash])?;
    let mut entries = Vec::new();
    while let Some(row) = rows.next()? {
        let kind: String = row.get(1)?;
        entries.push(ManifestEntry {
            rel_path: row.get(0)?,
            kind: if kind == "symlink" {
                ManifestEntryKind::Symlink
            } else {
                ManifestEntryKind::File
            },
            size_bytes: row.get::<_, i64>(2)?.unsigned_abs(),
            file_hash: row.get(3)?,
        });
    }
    Ok(entries)
}

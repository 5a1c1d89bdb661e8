//! The stat cache of file hashes and the manifests behind directory data hashes.

use postgres::Transaction;

use super::sql::{args, big, execute, query, query_opt, size};
use crate::error::StoreResult;
use crate::model::{FileStatKey, ManifestEntry, ManifestEntryKind};

/// One answer per key, in order, from one query.
pub(crate) fn cached(
    tx: &mut Transaction<'_>,
    keys: &[FileStatKey],
) -> StoreResult<Vec<Option<String>>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let devices: Vec<i64> = keys.iter().map(|key| key.device as i64).collect();
    let inodes: Vec<i64> = keys.iter().map(|key| key.inode as i64).collect();
    let sizes: Vec<i64> = keys.iter().map(|key| big(key.size_bytes)).collect();
    let mtimes: Vec<i64> = keys.iter().map(|key| key.mtime_ns).collect();
    let rows = query(
        tx,
        "SELECT k.n, c.blake3
         FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::BIGINT[], $4::BIGINT[])
              WITH ORDINALITY AS k (device, inode, size_bytes, mtime_ns, n)
         JOIN file_hash_cache c
           ON c.device = k.device AND c.inode = k.inode
          AND c.size_bytes = k.size_bytes AND c.mtime_ns = k.mtime_ns",
        args![devices, inodes, sizes, mtimes],
    )?;
    let mut answers = vec![None; keys.len()];
    for row in &rows {
        let index = usize::try_from(row.try_get::<_, i64>(0)? - 1).unwrap_or(usize::MAX);
        if let Some(answer) = answers.get_mut(index) {
            *answer = Some(row.try_get(1)?);
        }
    }
    Ok(answers)
}

pub(crate) fn record_cache(
    tx: &mut Transaction<'_>,
    hashes: &[(FileStatKey, String)],
) -> StoreResult<()> {
    if hashes.is_empty() {
        return Ok(());
    }
    // The last hash of a file wins, as when written one by one.
    let mut latest: std::collections::HashMap<(u64, u64), usize> = std::collections::HashMap::new();
    for (index, (key, _)) in hashes.iter().enumerate() {
        latest.insert((key.device, key.inode), index);
    }
    let mut chosen: Vec<usize> = latest.into_values().collect();
    chosen.sort_unstable();
    let pick = |column: fn(&(FileStatKey, String)) -> i64| -> Vec<i64> {
        chosen.iter().map(|&index| column(&hashes[index])).collect()
    };
    let devices = pick(|(key, _)| key.device as i64);
    let inodes = pick(|(key, _)| key.inode as i64);
    let sizes = pick(|(key, _)| big(key.size_bytes));
    let mtimes = pick(|(key, _)| key.mtime_ns);
    let blake3: Vec<&str> = chosen
        .iter()
        .map(|&index| hashes[index].1.as_str())
        .collect();
    execute(
        tx,
        "INSERT INTO file_hash_cache (device, inode, size_bytes, mtime_ns, blake3)
         SELECT * FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::BIGINT[], $4::BIGINT[], $5::TEXT[])
         ON CONFLICT (device, inode) DO UPDATE SET
           size_bytes = excluded.size_bytes, mtime_ns = excluded.mtime_ns,
           blake3 = excluded.blake3",
        args![devices, inodes, sizes, mtimes, blake3],
    )?;
    Ok(())
}

/// Keeps the manifest behind a root hash; a known root is left as it is (same root, same
/// entries).
pub(crate) fn record_manifest(
    tx: &mut Transaction<'_>,
    root_hash: &str,
    entries: &[ManifestEntry],
) -> StoreResult<()> {
    let known = query_opt(
        tx,
        "SELECT 1 FROM data_manifest_entries WHERE root_hash = $1 LIMIT 1",
        args![root_hash],
    )?;
    if known.is_some() || entries.is_empty() {
        return Ok(());
    }
    let paths: Vec<&str> = entries
        .iter()
        .map(|entry| entry.rel_path.as_str())
        .collect();
    let kinds: Vec<&str> = entries.iter().map(|entry| entry.kind.as_str()).collect();
    let sizes: Vec<i64> = entries.iter().map(|entry| big(entry.size_bytes)).collect();
    let hashes: Vec<&str> = entries
        .iter()
        .map(|entry| entry.file_hash.as_str())
        .collect();
    // A concurrent writer of the same root writes the same rows: theirs are kept.
    execute(
        tx,
        "INSERT INTO data_manifest_entries (root_hash, rel_path, kind, size_bytes, file_hash)
         SELECT $1, * FROM UNNEST($2::TEXT[], $3::TEXT[], $4::BIGINT[], $5::TEXT[])
         ON CONFLICT (root_hash, rel_path) DO NOTHING",
        args![root_hash, paths, kinds, sizes, hashes],
    )?;
    Ok(())
}

pub(crate) fn manifest(
    tx: &mut Transaction<'_>,
    root_hash: &str,
) -> StoreResult<Vec<ManifestEntry>> {
    let rows = query(
        tx,
        "SELECT rel_path, kind, size_bytes, file_hash FROM data_manifest_entries
         WHERE root_hash = $1 ORDER BY rel_path COLLATE \"C\"",
        args![root_hash],
    )?;
    rows.iter()
        .map(|row| {
            let kind: &str = row.try_get(1)?;
            Ok(ManifestEntry {
                rel_path: row.try_get(0)?,
                kind: if kind == "symlink" {
                    ManifestEntryKind::Symlink
                } else {
                    ManifestEntryKind::File
                },
                size_bytes: size(row.try_get(2)?),
                file_hash: row.try_get(3)?,
            })
        })
        .collect()
}

//! Content hashes of data (ARCHITECTURE.md, "Data hashes").
//!
//! A file: BLAKE3 of its bytes, lower-case hex. A directory: BLAKE3 of the concatenation, over
//! every regular file below it in byte-wise order of its `/`-separated relative path, of
//! `relative_path \0 size_in_bytes_decimal \0 file_hash_hex \n`. Symbolic links below the
//! directory are not followed; they are listed in the manifest (hash = BLAKE3 of the link
//! target) but do not enter the root hash.

use std::fs::{self, File, Metadata};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use cairn_core::model::{DataKind, FileStatKey, ManifestEntry, ManifestEntryKind};

use crate::error::ProvenanceError;

/// The hash of one input, with the manifest behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct HashedData {
    /// File or directory.
    pub kind: DataKind,
    /// Root hash, lower-case hex.
    pub root_hash: String,
    /// Total bytes of regular files.
    pub size_bytes: u64,
    /// Number of regular files.
    pub file_count: u64,
    /// Entries sorted by relative path (for a file: one entry named after it).
    pub entries: Vec<ManifestEntry>,
    /// Hashes read from files just now, for the stat cache.
    pub fresh_hashes: Vec<(FileStatKey, String)>,
    /// Files whose hash came from the stat cache.
    pub cache_hits: u64,
}

struct WalkedFile {
    rel_path: String,
    absolute: PathBuf,
    size_bytes: u64,
    stat_key: Option<FileStatKey>,
}

/// Hashes `path` (file or directory). `cached` answers, for stat keys, the hashes already known
/// (one answer per key, in order); pass `|keys| vec![None; keys.len()]` for no cache.
pub fn hash_path(
    path: &Path,
    cached: impl FnOnce(&[FileStatKey]) -> Vec<Option<String>>,
) -> Result<HashedData, ProvenanceError> {
    let metadata = fs::metadata(path).map_err(|source| io_error("reading", path, source))?;
    let mut files = Vec::new();
    let mut symlinks = Vec::new();
    let kind = if metadata.is_dir() {
        walk(path, "", &mut files, &mut symlinks)?;
        DataKind::Directory
    } else {
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .ok_or_else(|| ProvenanceError::NonUtf8Name {
                path: path.to_path_buf(),
            })?;
        files.push(WalkedFile {
            rel_path: name.to_string(),
            absolute: path.to_path_buf(),
            size_bytes: metadata.len(),
            stat_key: stat_key(&metadata),
        });
        DataKind::File
    };
    files.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));

    let keyed: Vec<FileStatKey> = files.iter().filter_map(|file| file.stat_key).collect();
    let mut known = cached(&keyed).into_iter();
    let mut hashes: Vec<Option<String>> = files
        .iter()
        .map(|file| match file.stat_key {
            Some(_) => known.next().flatten(),
            None => None,
        })
        .collect();
    let cache_hits = hashes.iter().filter(|hash| hash.is_some()).count() as u64;
    let misses: Vec<usize> = (0..files.len()).filter(|&i| hashes[i].is_none()).collect();
    let computed = hash_files_parallel(&files, &misses)?;
    let mut fresh_hashes = Vec::new();
    for (index, hash) in misses.into_iter().zip(computed) {
        if let Some(key) = files[index].stat_key {
            fresh_hashes.push((key, hash.clone()));
        }
        hashes[index] = Some(hash);
    }

    let mut entries: Vec<ManifestEntry> = files
        .iter()
        .zip(hashes)
        .map(|(file, hash)| ManifestEntry {
            rel_path: file.rel_path.clone(),
            kind: ManifestEntryKind::File,
            size_bytes: file.size_bytes,
            file_hash: hash.unwrap_or_default(),
        })
        .collect();
    let size_bytes = entries.iter().map(|entry| entry.size_bytes).sum();
    let file_count = entries.len() as u64;
    let root_hash = match kind {
        DataKind::File => entries
            .first()
            .map(|entry| entry.file_hash.clone())
            .unwrap_or_default(),
        DataKind::Directory => directory_hash(&entries),
    };
    entries.extend(symlinks);
    entries.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    Ok(HashedData {
        kind,
        root_hash,
        size_bytes,
        file_count,
        entries,
        fresh_hashes,
        cache_hits,
    })
}

/// The root hash of a directory from its regular files' entries (already sorted).
pub fn directory_hash(entries: &[ManifestEntry]) -> String {
    let mut hasher = blake3::Hasher::new();
    for entry in entries
        .iter()
        .filter(|entry| entry.kind == ManifestEntryKind::File)
    {
        hasher.update(entry.rel_path.as_bytes());
        hasher.update(b"\0");
        hasher.update(entry.size_bytes.to_string().as_bytes());
        hasher.update(b"\0");
        hasher.update(entry.file_hash.as_bytes());
        hasher.update(b"\n");
    }
    hasher.finalize().to_hex().to_string()
}

fn walk(
    directory: &Path,
    prefix: &str,
    files: &mut Vec<WalkedFile>,
    symlinks: &mut Vec<ManifestEntry>,
) -> Result<(), ProvenanceError> {
    let listing =
        fs::read_dir(directory).map_err(|source| io_error("listing", directory, source))?;
    for item in listing {
        let item = item.map_err(|source| io_error("listing", directory, source))?;
        let absolute = item.path();
        let name = item
            .file_name()
            .into_string()
            .map_err(|_| ProvenanceError::NonUtf8Name {
                path: absolute.clone(),
            })?;
        let rel_path = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let metadata = fs::symlink_metadata(&absolute)
            .map_err(|source| io_error("reading", &absolute, source))?;
        let file_type = metadata.file_type();
        if file_type.is_symlink() {
            let target = fs::read_link(&absolute)
                .map_err(|source| io_error("reading link", &absolute, source))?;
            let target = target.to_string_lossy();
            symlinks.push(ManifestEntry {
                rel_path,
                kind: ManifestEntryKind::Symlink,
                size_bytes: target.len() as u64,
                file_hash: blake3::hash(target.as_bytes()).to_hex().to_string(),
            });
        } else if file_type.is_dir() {
            walk(&absolute, &rel_path, files, symlinks)?;
        } else if file_type.is_file() {
            files.push(WalkedFile {
                rel_path,
                absolute,
                size_bytes: metadata.len(),
                stat_key: stat_key(&metadata),
            });
        }
        // Sockets, FIFOs and devices are not data.
    }
    Ok(())
}

fn hash_files_parallel(
    files: &[WalkedFile],
    indices: &[usize],
) -> Result<Vec<String>, ProvenanceError> {
    let results: Mutex<Vec<Option<Result<String, ProvenanceError>>>> =
        Mutex::new((0..indices.len()).map(|_| None).collect());
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism()
        .map(|count| count.get())
        .unwrap_or(1)
        .min(indices.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let slot = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&index) = indices.get(slot) else {
                        break;
                    };
                    let result = hash_file(&files[index].absolute);
                    let failed = result.is_err();
                    if let Ok(mut results) = results.lock() {
                        results[slot] = Some(result);
                    }
                    if failed {
                        // Stop handing out work; the first error is reported.
                        next.store(indices.len(), Ordering::Relaxed);
                    }
                }
            });
        }
    });
    let results = results
        .into_inner()
        .unwrap_or_else(|poison| poison.into_inner());
    let mut hashes = Vec::with_capacity(indices.len());
    for (slot, result) in results.into_iter().enumerate() {
        match result {
            Some(Ok(hash)) => hashes.push(hash),
            Some(Err(error)) => return Err(error),
            // Skipped after another file failed; that failure is in an earlier or later slot.
            None => {
                return Err(io_error(
                    "hashing",
                    &files[indices[slot]].absolute,
                    io::Error::other("stopped after an earlier error"),
                ));
            }
        }
    }
    Ok(hashes)
}

/// BLAKE3 of a file's bytes, lower-case hex.
pub fn hash_file(path: &Path) -> Result<String, ProvenanceError> {
    let file = File::open(path).map_err(|source| io_error("reading", path, source))?;
    let mut hasher = blake3::Hasher::new();
    hasher
        .update_reader(file)
        .map_err(|source| io_error("reading", path, source))?;
    Ok(hasher.finalize().to_hex().to_string())
}

#[cfg(unix)]
fn stat_key(metadata: &Metadata) -> Option<FileStatKey> {
    use std::os::unix::fs::MetadataExt;
    Some(FileStatKey {
        device: metadata.dev(),
        inode: metadata.ino(),
        size_bytes: metadata.size(),
        mtime_ns: metadata.mtime() * 1_000_000_000 + metadata.mtime_nsec(),
    })
}

#[cfg(not(unix))]
fn stat_key(_metadata: &Metadata) -> Option<FileStatKey> {
    None
}

fn io_error(action: &'static str, path: &Path, source: io::Error) -> ProvenanceError {
    ProvenanceError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

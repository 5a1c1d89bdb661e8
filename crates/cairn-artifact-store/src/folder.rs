//! Artifacts as files in a local folder (the store's `cairn-artifacts/` unless `cairn serve
//! --artifacts` names another). Keys resolve inside the folder only: `..` and absolute paths are
//! refused by [`crate::key`], a symlink that leads out of the folder is refused, and a file is
//! opened without following a symlink swapped in after it was resolved (`O_NOFOLLOW`). A write
//! goes to a hidden `.NAME.upload-UUID` beside its target and is renamed into place when whole;
//! listings leave those, and multipart staging folders (`.NAME.mpu-ID`), out.

use std::io::SeekFrom;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::StreamExt as _;
use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _, AsyncWriteExt as _};

use crate::{
    ArtifactEntry, ArtifactError, ArtifactMeta, ArtifactRead, ArtifactResult, ArtifactStore,
    ArtifactWriter, ByteRange, key,
};

/// Longest file name most file systems take, in bytes (ext4, XFS, btrfs, APFS: 255).
pub const MAX_NAME_BYTES: usize = 255;

/// Bytes read from a file at a time.
const READ_PIECE_BYTES: usize = 256 * 1024;

/// Artifacts in a local folder.
#[derive(Debug, Clone)]
pub struct FolderStore {
    root: PathBuf,
    described: String,
}

impl FolderStore {
    /// The artifacts in `root` (created when first written to).
    pub fn new(root: PathBuf) -> FolderStore {
        let described = format!("folder {}", root.display());
        FolderStore { root, described }
    }

    /// Resolves a key inside the folder; the deepest part of it that exists must still be inside
    /// once symlinks are followed.
    pub fn resolve(&self, key: &str) -> ArtifactResult<PathBuf> {
        let mut resolved = self.root.clone();
        for part in key::segments(key)? {
            resolved.push(part);
        }
        let canonical_root = self
            .root
            .canonicalize()
            .unwrap_or_else(|_| self.root.clone());
        let mut existing = resolved.as_path();
        loop {
            if let Ok(canonical) = existing.canonicalize() {
                if !canonical.starts_with(&canonical_root) {
                    return Err(ArtifactError::Invalid(format!(
                        "invalid artifact path '{key}': it resolves outside the artifact folder"
                    )));
                }
                break;
            }
            match existing.parent() {
                Some(parent) if parent.starts_with(&self.root) => existing = parent,
                _ => break,
            }
        }
        Ok(resolved)
    }

    /// Opens the file at `key` for reading: resolved to its canonical path inside the folder and
    /// opened without following a symlink.
    async fn open(&self, key: &str) -> ArtifactResult<(tokio::fs::File, std::fs::Metadata)> {
        let path = self.resolve(key)?;
        let missing = || ArtifactError::NotFound(format!("artifact '{key}' does not exist"));
        let canonical = match tokio::fs::canonicalize(&path).await {
            Ok(canonical) => canonical,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Err(missing()),
            Err(error) => {
                return Err(ArtifactError::io(
                    format!("reading artifact '{key}'"),
                    error,
                ));
            }
        };
        let file = tokio::task::spawn_blocking(move || open_no_follow(&canonical))
            .await
            .map_err(|error| ArtifactError::Failed(format!("reading artifact '{key}': {error}")))?
            .map_err(|error| match error.kind() {
                std::io::ErrorKind::NotFound => missing(),
                _ => ArtifactError::io(format!("reading artifact '{key}'"), error),
            })?;
        let file = tokio::fs::File::from_std(file);
        let metadata = file
            .metadata()
            .await
            .map_err(|error| ArtifactError::io(format!("reading artifact '{key}'"), error))?;
        if metadata.is_dir() {
            return Err(ArtifactError::Invalid(format!(
                "Artifact path refers to a directory, not a file: '{key}'"
            )));
        }
        Ok((file, metadata))
    }
}

#[async_trait]
impl ArtifactStore for FolderStore {
    fn describe(&self) -> &str {
        &self.described
    }

    fn local_root(&self) -> Option<&Path> {
        Some(&self.root)
    }

    async fn check(&self) -> ArtifactResult<()> {
        tokio::fs::create_dir_all(&self.root)
            .await
            .map_err(|error| {
                ArtifactError::io(format!("creating the artifact {}", self.described), error)
            })
    }

    async fn head(&self, key: &str) -> ArtifactResult<ArtifactMeta> {
        let (_, metadata) = self.open(key).await?;
        Ok(ArtifactMeta {
            size: metadata.len(),
            modified_ms: modified_ms(&metadata),
        })
    }

    async fn read(&self, key: &str, range: Option<ByteRange>) -> ArtifactResult<ArtifactRead> {
        let (mut file, metadata) = self.open(key).await?;
        let size = metadata.len();
        let wanted = match range {
            None => 0..size,
            Some(range) => bounded(range, size, key)?,
        };
        if wanted.start > 0 {
            file.seek(SeekFrom::Start(wanted.start))
                .await
                .map_err(|error| ArtifactError::io(format!("reading artifact '{key}'"), error))?;
        }
        let owned = key.to_owned();
        let reader = file.take(wanted.end - wanted.start);
        let stream = tokio_util::io::ReaderStream::with_capacity(reader, READ_PIECE_BYTES)
            .map(move |piece| {
                piece.map_err(|error| {
                    ArtifactError::io(format!("reading artifact '{owned}'"), error)
                })
            })
            .boxed();
        Ok(ArtifactRead {
            size,
            range: wanted,
            stream,
        })
    }

    async fn writer(&self, key: &str) -> ArtifactResult<Box<dyn ArtifactWriter>> {
        let target = self.resolve(key)?;
        check_name_lengths(key)?;
        if key::segments(key)?.is_empty() {
            return Err(ArtifactError::Invalid(
                "invalid artifact path '': a file needs a name".to_owned(),
            ));
        }
        prepare_target(&target, key).await?;
        let temporary = target.with_file_name(upload_temp_name(&file_name_of(&target)));
        let file = tokio::fs::File::create(&temporary)
            .await
            .map_err(|error| ArtifactError::io(format!("writing artifact '{key}'"), error))?;
        Ok(Box::new(FolderWriter {
            key: key.to_owned(),
            target,
            temporary,
            file: Some(file),
            written: 0,
        }))
    }

    async fn list(&self, prefix: &str) -> ArtifactResult<Vec<ArtifactEntry>> {
        let folder = self.resolve(prefix)?;
        let mut listing = match tokio::fs::read_dir(&folder).await {
            Ok(listing) => listing,
            Err(_) => return Ok(Vec::new()),
        };
        let mut entries = Vec::new();
        while let Ok(Some(entry)) = listing.next_entry().await {
            let name = entry.file_name().to_string_lossy().into_owned();
            if is_unfinished_upload(&name) {
                continue;
            }
            let Ok(metadata) = entry.metadata().await else {
                continue;
            };
            let is_dir = metadata.is_dir();
            entries.push(ArtifactEntry {
                name,
                is_dir,
                size: (!is_dir).then_some(metadata.len()),
            });
        }
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(entries)
    }

    async fn delete(&self, key: &str) -> ArtifactResult<()> {
        if key::segments(key)?.is_empty() {
            return Err(ArtifactError::Invalid(
                "invalid artifact path '': the whole artifact folder is not deleted".to_owned(),
            ));
        }
        let path = self.resolve(key)?;
        let metadata = tokio::fs::metadata(&path)
            .await
            .map_err(|_| ArtifactError::NotFound(format!("artifact '{key}' does not exist")))?;
        let removed = if metadata.is_dir() {
            tokio::fs::remove_dir_all(&path).await
        } else {
            tokio::fs::remove_file(&path).await
        };
        removed.map_err(|error| ArtifactError::io(format!("deleting '{key}'"), error))
    }
}

/// A file being written under its temporary name.
struct FolderWriter {
    key: String,
    target: PathBuf,
    temporary: PathBuf,
    file: Option<tokio::fs::File>,
    written: u64,
}

#[async_trait]
impl ArtifactWriter for FolderWriter {
    async fn write(&mut self, bytes: Bytes) -> ArtifactResult<()> {
        let Some(file) = self.file.as_mut() else {
            return Err(ArtifactError::Failed(format!(
                "writing artifact '{}': the file is closed",
                self.key
            )));
        };
        file.write_all(&bytes).await.map_err(|error| {
            ArtifactError::io(format!("writing artifact '{}'", self.key), error)
        })?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    async fn finish(mut self: Box<Self>) -> ArtifactResult<u64> {
        let doing = format!("writing artifact '{}'", self.key);
        if let Some(mut file) = self.file.take() {
            file.flush()
                .await
                .map_err(|error| ArtifactError::io(doing.clone(), error))?;
        }
        if let Err(error) = tokio::fs::rename(&self.temporary, &self.target).await {
            let _ = tokio::fs::remove_file(&self.temporary).await;
            return Err(ArtifactError::io(doing, error));
        }
        Ok(self.written)
    }

    async fn abort(mut self: Box<Self>) {
        self.file.take();
        let _ = tokio::fs::remove_file(&self.temporary).await;
    }
}

impl Drop for FolderWriter {
    fn drop(&mut self) {
        // Neither finished nor aborted (the request went away): the temporary file goes.
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.temporary);
        }
    }
}

/// `range` of an artifact of `size` bytes as `start..end`; `Invalid` when it starts past the end.
pub fn bounded(range: ByteRange, size: u64, key: &str) -> ArtifactResult<std::ops::Range<u64>> {
    let wanted = match range {
        ByteRange::Bounded(start, end) => start..end.min(size),
        ByteRange::From(start) => start..size,
        ByteRange::Suffix(count) => size.saturating_sub(count)..size,
    };
    if wanted.start >= wanted.end && !(size == 0 && wanted.start == 0) {
        return Err(ArtifactError::Invalid(format!(
            "the range asked of artifact '{key}' is outside its {size} bytes"
        )));
    }
    Ok(wanted)
}

/// Whether `name` is an unfinished upload: `.NAME.upload-SUFFIX` or a multipart staging folder
/// `.NAME.mpu-ID` (32 lowercase hex digits).
pub fn is_unfinished_upload(name: &str) -> bool {
    let Some(rest) = name.strip_prefix('.') else {
        return false;
    };
    let staging = rest.rsplit_once(".mpu-").is_some_and(|(target, id)| {
        !target.is_empty()
            && id.len() == 32
            && id
                .bytes()
                .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte))
    });
    staging || rest.contains(".upload-")
}

/// Refuses a key with a segment longer than [`MAX_NAME_BYTES`] (the file system would say
/// ENAMETOOLONG), naming it.
pub fn check_name_lengths(key: &str) -> ArtifactResult<()> {
    match key.split('/').find(|part| part.len() > MAX_NAME_BYTES) {
        Some(part) => Err(ArtifactError::Invalid(format!(
            "invalid artifact path '{key}': the name '{part}' is {} bytes, longer than the limit \
             of {MAX_NAME_BYTES} bytes",
            part.len()
        ))),
        None => Ok(()),
    }
}

/// `.NAME<suffix>` with NAME shortened so the whole stays within [`MAX_NAME_BYTES`].
pub fn hidden_name(name: &str, suffix: &str) -> String {
    let room = MAX_NAME_BYTES.saturating_sub(1 + suffix.len());
    let mut end = name.len().min(room);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    format!(".{}{suffix}", &name[..end])
}

/// The temporary name an upload to `name` is written under (`.NAME.upload-UUID`).
pub fn upload_temp_name(name: &str) -> String {
    hidden_name(name, &format!(".upload-{}", uuid::Uuid::new_v4().simple()))
}

/// A file's name as text (empty when it has none).
pub fn file_name_of(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Refuses a target that is a folder and creates the folders on its way; `key` names it in
/// errors.
pub async fn prepare_target(target: &Path, key: &str) -> ArtifactResult<()> {
    if tokio::fs::metadata(target)
        .await
        .is_ok_and(|metadata| metadata.is_dir())
    {
        return Err(ArtifactError::Invalid(format!(
            "artifact '{key}' is a directory; upload to a file path inside it"
        )));
    }
    if let Some(parent) = target.parent() {
        tokio::fs::create_dir_all(parent)
            .await
            .map_err(|error| match error.kind() {
                std::io::ErrorKind::AlreadyExists | std::io::ErrorKind::NotADirectory => {
                    ArtifactError::Invalid(format!(
                        "artifact '{key}' cannot be written: a folder on its path is a file"
                    ))
                }
                _ => ArtifactError::io(format!("writing artifact '{key}'"), error),
            })?;
    }
    Ok(())
}

fn modified_ms(metadata: &std::fs::Metadata) -> Option<i64> {
    let since_epoch = metadata.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    i64::try_from(since_epoch.as_millis()).ok()
}

/// Opens `path` for reading, refusing to follow it if it is a symlink (so a file swapped for a
/// link after it was resolved is never read through it).
#[cfg(unix)]
pub fn open_no_follow(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
        .open(path)
}

/// Opens `path` for reading.
#[cfg(not(unix))]
pub fn open_no_follow(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

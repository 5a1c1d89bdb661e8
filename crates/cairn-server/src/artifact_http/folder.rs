//! Writing into the store's artifact folder from a request: untrusted relative paths resolved
//! inside it (`..`, absolute paths and anything that resolves outside, through symlinks too, are
//! 400), names checked against the file system's limit, and a request body streamed to a
//! temporary file (never whole in memory) under the upload limit.

use std::path::{Component, Path, PathBuf};

use axum::body::Body;
use futures_util::StreamExt as _;
use tokio::io::AsyncWriteExt as _;

use crate::error::ApiError;

/// Longest file name most file systems take, in bytes (ext4, XFS, btrfs, APFS: 255).
pub const MAX_NAME_BYTES: usize = 255;

/// Resolves an untrusted relative path inside `root`.
pub fn resolve(root: &Path, relative: &str) -> Result<PathBuf, ApiError> {
    let reject =
        |why: &str| ApiError::invalid(format!("invalid artifact path '{relative}': {why}"));
    if relative.contains('\0') || relative.contains('\\') {
        return Err(reject("it contains a NUL or a backslash"));
    }
    if relative.starts_with('/') || Path::new(relative).is_absolute() {
        return Err(reject("absolute paths are not allowed"));
    }
    let mut resolved = root.to_path_buf();
    for component in Path::new(relative).components() {
        match component {
            Component::Normal(part) => resolved.push(part),
            Component::CurDir => {}
            Component::ParentDir => return Err(reject("'..' is not allowed")),
            Component::RootDir | Component::Prefix(_) => {
                return Err(reject("absolute paths are not allowed"));
            }
        }
    }
    // Symlinks: the deepest existing ancestor must still be inside the root.
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut existing = resolved.as_path();
    loop {
        if let Ok(canonical) = existing.canonicalize() {
            if !canonical.starts_with(&canonical_root) {
                return Err(reject("it resolves outside the artifact folder"));
            }
            break;
        }
        match existing.parent() {
            Some(parent) if parent.starts_with(root) => existing = parent,
            _ => break,
        }
    }
    Ok(resolved)
}

/// Refuses a path with a component longer than [`MAX_NAME_BYTES`] (the file system would say
/// ENAMETOOLONG), naming it.
pub fn check_name_lengths(path: &str) -> Result<(), ApiError> {
    match path.split('/').find(|part| part.len() > MAX_NAME_BYTES) {
        Some(part) => Err(ApiError::invalid(format!(
            "invalid artifact path '{path}': the name '{part}' is {} bytes, longer than the limit \
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

/// The temporary name an upload to `name` is written under (`.NAME.upload-UUID`, the pattern
/// [`crate::stale_uploads`] sweeps).
pub fn upload_temp_name(name: &str) -> String {
    hidden_name(name, &format!(".upload-{}", uuid::Uuid::new_v4().simple()))
}

/// A file's name as text (empty when it has none).
pub fn file_name_of(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Refuses a target that is a folder and creates the folders on its way; `path` names it in
/// errors.
pub async fn prepare_target(target: &Path, path: &str) -> Result<(), ApiError> {
    if tokio::fs::metadata(target)
        .await
        .is_ok_and(|metadata| metadata.is_dir())
    {
        return Err(ApiError::invalid(format!(
            "artifact '{path}' is a directory; upload to a file path inside it"
        )));
    }
    if let Some(parent) = target.parent() {
        tokio::fs::create_dir_all(parent)
            .await
            .map_err(|error| match error.kind() {
                std::io::ErrorKind::AlreadyExists | std::io::ErrorKind::NotADirectory => {
                    ApiError::invalid(format!(
                        "artifact '{path}' cannot be written: a folder on its path is a file"
                    ))
                }
                _ => ApiError::from_io(&format!("writing artifact '{path}'"), &error),
            })?;
    }
    Ok(())
}

/// Streams `body` into a new file at `temporary`, at most `limit` bytes (413 beyond), feeding
/// `hasher` on the way when given; answers the bytes written. On any error the file is removed.
pub async fn stream_to_file(
    body: Body,
    temporary: &Path,
    limit: u64,
    mut hasher: Option<&mut blake3::Hasher>,
    path: &str,
) -> Result<u64, ApiError> {
    let io_error =
        |error: std::io::Error| ApiError::from_io(&format!("writing artifact '{path}'"), &error);
    let mut file = tokio::fs::File::create(temporary).await.map_err(io_error)?;
    let mut written: u64 = 0;
    let mut stream = body.into_data_stream();
    let result: Result<(), ApiError> = async {
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|error| crate::args::body_error(&error, limit))?;
            written += chunk.len() as u64;
            if written > limit {
                return Err(crate::args::too_large(limit));
            }
            if let Some(hasher) = hasher.as_deref_mut() {
                hasher.update(&chunk);
            }
            file.write_all(&chunk).await.map_err(io_error)?;
        }
        file.flush().await.map_err(io_error)?;
        Ok(())
    }
    .await;
    drop(file);
    if let Err(error) = result {
        let _ = tokio::fs::remove_file(temporary).await;
        return Err(error);
    }
    Ok(written)
}

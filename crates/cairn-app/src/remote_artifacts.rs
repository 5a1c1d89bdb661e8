//! A run's files when they are not on this machine: `cairn serve --artifacts s3://...` keeps
//! `mlflow-artifacts:/` files in an object store, and the run page reads them through
//! [`RemoteArtifacts`], which the server implements over its artifact store (blocking: the app's
//! commands run on a blocking thread). Keys are `/`-separated, relative to the store's root;
//! the store checks them (`..` and absolute paths are refused there).

use std::fmt;

use base64::Engine;

use crate::AppError;
use crate::artifact_files::{
    MAX_IMAGE_BYTES, MAX_TEXT_BYTES, SNIFF_BYTES, decode_part, image_mime, kind_from_name,
    known_binary, looks_like_text,
};
use crate::run_page_views::{ArtifactPreview, TextExcerpt};

/// One file found under a folder of the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteFile {
    /// Its path below the folder walked, `/`-separated.
    pub path: String,
    /// Its size in bytes.
    pub size_bytes: u64,
    /// When it last changed, epoch milliseconds.
    pub modified_ms: Option<i64>,
}

/// Artifact files kept elsewhere, read synchronously.
pub trait RemoteArtifacts: Send + Sync + fmt::Debug {
    /// Every file below `folder`, up to `limit`, sorted by path; true when there were more.
    fn walk(&self, folder: &str, limit: usize) -> Result<(Vec<RemoteFile>, bool), AppError>;
    /// A file's size and time; `not_found` when missing.
    fn stat(&self, key: &str) -> Result<RemoteFile, AppError>;
    /// At most `max` bytes of a file from `start`.
    fn read(&self, key: &str, start: u64, max: u64) -> Result<Vec<u8>, AppError>;
    /// The BLAKE3 of a whole file, lower-case hex (read as a stream).
    fn blake3(&self, key: &str) -> Result<String, AppError>;
    /// Writes a (small) file whole, replacing any file at `key`.
    fn write(&self, key: &str, bytes: &[u8]) -> Result<(), AppError>;
}

/// The store key of an `mlflow-artifacts:/` location, when `uri` is one.
pub fn store_key(uri: &str) -> Option<String> {
    uri.strip_prefix("mlflow-artifacts:")
        .map(|rest| rest.trim_matches('/').to_owned())
}

/// `relative` inside the store folder `root`.
pub fn join(root: &str, relative: &str) -> String {
    let relative = relative.trim_matches('/');
    match (root.is_empty(), relative.is_empty()) {
        (_, true) => root.to_owned(),
        (true, false) => relative.to_owned(),
        (false, false) => format!("{root}/{relative}"),
    }
}

/// Up to `max_bytes` of the text file at `key`, from its start.
pub fn read_text(
    remote: &dyn RemoteArtifacts,
    key: &str,
    max_bytes: u64,
) -> Result<TextExcerpt, AppError> {
    let size_bytes = remote.stat(key)?.size_bytes;
    let truncated = size_bytes > max_bytes;
    let bytes = remote.read(key, 0, max_bytes)?;
    Ok(TextExcerpt {
        text: decode_part(&bytes, truncated, false),
        size_bytes,
        truncated,
    })
}

/// A preview of the file at `key` (shown as `path`), as
/// [`crate::artifact_files::read_artifact`] previews a local one.
pub fn preview(
    remote: &dyn RemoteArtifacts,
    key: &str,
    path: &str,
    max_bytes: Option<u64>,
    from_end: bool,
) -> Result<ArtifactPreview, AppError> {
    let stat = remote.stat(key)?;
    let size_bytes = stat.size_bytes;
    let mut kind = kind_from_name(path);
    if kind == "binary" && !known_binary(path) {
        let sample = remote.read(key, 0, SNIFF_BYTES as u64)?;
        if looks_like_text(&sample) {
            kind = "text";
        }
    }
    let mut preview = ArtifactPreview {
        path: path.to_owned(),
        kind,
        mime: image_mime(path),
        size_bytes,
        blake3: remote.blake3(key)?,
        modified_ms: stat.modified_ms,
        text: None,
        base64: None,
        truncated: false,
        from_end: false,
    };
    match kind {
        "image" if size_bytes <= MAX_IMAGE_BYTES => {
            let bytes = remote.read(key, 0, size_bytes)?;
            preview.base64 = Some(base64::engine::general_purpose::STANDARD.encode(bytes));
        }
        "image" => preview.truncated = true,
        "text" | "json" | "csv" => {
            let limit = max_bytes.unwrap_or(MAX_TEXT_BYTES).min(MAX_TEXT_BYTES);
            let truncated = size_bytes > limit;
            let start = if truncated && from_end {
                size_bytes - limit
            } else {
                0
            };
            let bytes = remote.read(key, start, limit)?;
            preview.text = Some(decode_part(&bytes, truncated, from_end));
            preview.truncated = truncated;
            preview.from_end = truncated && from_end;
        }
        _ => {}
    }
    Ok(preview)
}

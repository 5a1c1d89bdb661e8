//! Where `mlflow-artifacts:/` bytes live: one async interface ([`ArtifactStore`]) over a local
//! folder ([`FolderStore`], the default, beside the store's database) and an S3-compatible object
//! store ([`S3Store`], through the `object_store` crate). Every operation takes a key relative to
//! the store's root, checked by [`key`]: streamed reads with an optional byte range, metadata,
//! streamed writes (multipart for large objects: never the whole file in memory), a one-level
//! listing, deleting a file or a folder, and — for object stores — the store's own multipart
//! upload, which `cairn serve`'s proxy multipart endpoints drive.
//!
//! No HTTP here: `cairn-server` turns [`ArtifactError`]s into MLflow's error codes.

mod error;
pub mod folder;
pub mod journal;
pub mod key;
pub mod location;
mod read_ahead;
pub mod s3;

use std::fmt;
use std::path::Path;

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::stream::BoxStream;

pub use error::ArtifactError;
pub use folder::FolderStore;
pub use location::{ArtifactLocation, S3Settings, open};
pub use s3::S3Store;

/// A result of an artifact operation.
pub type ArtifactResult<T> = Result<T, ArtifactError>;

/// Which bytes of an artifact to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteRange {
    /// `start..end` (end exclusive).
    Bounded(u64, u64),
    /// From `start` to the end.
    From(u64),
    /// The last `n` bytes.
    Suffix(u64),
}

/// What is known of one artifact without reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArtifactMeta {
    /// Its size in bytes.
    pub size: u64,
    /// When it last changed, in milliseconds since the epoch, when the store says.
    pub modified_ms: Option<i64>,
}

/// An artifact being read: its size and the part of it the stream carries.
pub struct ArtifactRead {
    /// The whole artifact's size in bytes.
    pub size: u64,
    /// The bytes the stream carries (`start..end`, end exclusive).
    pub range: std::ops::Range<u64>,
    /// The bytes, a piece at a time.
    pub stream: BoxStream<'static, ArtifactResult<Bytes>>,
}

impl fmt::Debug for ArtifactRead {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("ArtifactRead")
            .field("size", &self.size)
            .field("range", &self.range)
            .finish_non_exhaustive()
    }
}

/// One entry of a folder's listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArtifactEntry {
    /// Its name inside the folder (one segment).
    pub name: String,
    /// Whether it is a folder (in an object store: a common prefix).
    pub is_dir: bool,
    /// A file's size in bytes.
    pub size: Option<u64>,
}

/// An artifact being written. Nothing is visible at the key before [`finish`](Self::finish)
/// succeeds; a writer dropped or [aborted](Self::abort) leaves what was there before.
#[async_trait]
pub trait ArtifactWriter: Send {
    /// Appends bytes.
    async fn write(&mut self, bytes: Bytes) -> ArtifactResult<()>;
    /// Makes the artifact visible at its key; answers its size in bytes.
    async fn finish(self: Box<Self>) -> ArtifactResult<u64>;
    /// Drops what was written.
    async fn abort(self: Box<Self>);
}

/// Where artifact bytes live. Keys are `/`-separated, relative to the store's root, and
/// untrusted: each implementation refuses what [`key::segments`] refuses.
#[async_trait]
pub trait ArtifactStore: Send + Sync + fmt::Debug {
    /// The store as messages name it: `folder /srv/cairn-artifacts`, `S3 bucket 'b' (prefix 'p')
    /// at http://host:port`. Never a credential.
    fn describe(&self) -> &str;

    /// The folder holding the artifacts, when they are local files.
    fn local_root(&self) -> Option<&Path>;

    /// Checks the store can be reached and this server may read it.
    async fn check(&self) -> ArtifactResult<()>;

    /// An artifact's size and time; `Invalid` for a folder, `NotFound` when nothing is there.
    async fn head(&self, key: &str) -> ArtifactResult<ArtifactMeta>;

    /// Reads an artifact, all of it or `range`, as a stream.
    async fn read(&self, key: &str, range: Option<ByteRange>) -> ArtifactResult<ArtifactRead>;

    /// Starts writing the artifact at `key` (replacing any file there once finished).
    async fn writer(&self, key: &str) -> ArtifactResult<Box<dyn ArtifactWriter>>;

    /// The files and folders directly in the folder at `prefix` (`""`: the root), sorted by
    /// name; empty when there is no such folder.
    async fn list(&self, prefix: &str) -> ArtifactResult<Vec<ArtifactEntry>>;

    /// Deletes the file at `key`, or the folder and everything in it; `NotFound` when there is
    /// neither.
    async fn delete(&self, key: &str) -> ArtifactResult<()>;

    /// The store's own multipart upload, when it has one (object stores).
    fn multipart(&self) -> Option<&dyn StoreMultipart> {
        None
    }
}

/// A part of a multipart upload that the store received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPart {
    /// 1-based.
    pub part_number: u32,
    /// What the store answered for it (its `ETag`).
    pub etag: String,
}

/// An object store's multipart upload: parts go to the store as they are given, and the object
/// appears only when the upload is completed.
#[async_trait]
pub trait StoreMultipart: Send + Sync {
    /// Starts an upload to `key`; answers the store's upload id.
    async fn create(&self, key: &str) -> ArtifactResult<String>;

    /// Sends one part (`bytes` as received: the store needs a part's length before it starts);
    /// answers its etag.
    async fn put_part(
        &self,
        key: &str,
        upload_id: &str,
        part_number: u32,
        bytes: Vec<Bytes>,
    ) -> ArtifactResult<String>;

    /// Joins the parts, in order, into the object at `key`; answers its size.
    async fn complete(
        &self,
        key: &str,
        upload_id: &str,
        parts: &[StoredPart],
    ) -> ArtifactResult<u64>;

    /// Drops the upload and its parts.
    async fn abort(&self, key: &str, upload_id: &str) -> ArtifactResult<()>;
}

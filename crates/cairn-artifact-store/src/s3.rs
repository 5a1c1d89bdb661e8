//! Artifacts in an S3-compatible object store through the `object_store` crate: keys under the
//! location's prefix in one bucket. Reads stream with an optional range, writes are gathered
//! into one object or, past one chunk, a journaled multipart upload (`writer`: at most a few chunks
//! are ever in memory), folders are common prefixes. Every failure to reach the store becomes
//! [`ArtifactError::Unavailable`] and every refusal of the credentials [`ArtifactError::Denied`],
//! both naming the bucket and endpoint (never the credentials); timeouts and retries are short
//! (see `location`) so a stopped store answers in seconds rather than hanging.

use std::error::Error as _;
use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::{StreamExt as _, TryStreamExt as _};
use object_store::aws::AmazonS3;
use object_store::client::{HttpError, HttpErrorKind};
use object_store::multipart::{MultipartStore, PartId};
use object_store::path::Path as ObjectPath;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt as _, PutPayload};
use tokio::sync::Semaphore;

use crate::read_ahead;
use crate::{
    ArtifactEntry, ArtifactError, ArtifactMeta, ArtifactRead, ArtifactResult, ArtifactStore,
    ArtifactWriter, ByteRange, StoreMultipart, StoredPart, key,
};

/// Bytes gathered before a write becomes a multipart upload, and the size of each of its parts
/// (S3's minimum part is 5 MiB).
pub const WRITE_CHUNK_BYTES: usize = 8 * 1024 * 1024;

/// Parts of one write in flight to the store at once.
const WRITE_CONCURRENCY: usize = 4;

mod gathered;
mod writer;

/// Reads go in parts of this size: a smaller artifact in one request, a larger one in parts,
/// the next ones fetched ahead while one is handed over (`crate::read_ahead`). Each ranged GET costs the store a lookup of the
/// object's chunks: SeaweedFS spent 1.7-2.0 s of CPU serving a 1 GiB read in 4 MiB parts and
/// 1.3-1.5 s in 16 MiB parts, and the read through the server went from 655 to 830 MB/s
/// (docs/PERFORMANCE.md).
pub const READ_PART_BYTES: u64 = 16 * 1024 * 1024;

/// Bytes of parts fetched ahead of their turn that every read of one store may hold at once
/// (`crate::read_ahead`): two parts, which one reader keeps busy; past the budget reads go on a
/// part at a time. Four parts read no faster and held more (docs/PERFORMANCE.md).
const READ_AHEAD_BUDGET_BYTES: usize = 2 * READ_PART_BYTES as usize;

/// Artifacts in one bucket, under one prefix.
#[derive(Debug, Clone)]
pub struct S3Store {
    store: Arc<AmazonS3>,
    prefix: Vec<String>,
    described: String,
    /// What parts fetched ahead may hold, shared by every read (and every clone).
    read_budget: Arc<Semaphore>,
}

impl S3Store {
    /// Artifacts in `store` under `prefix` (`/`-separated, may be empty); `described` names the
    /// store in messages.
    pub fn new(store: AmazonS3, prefix: &str, described: String) -> S3Store {
        S3Store {
            store: Arc::new(store),
            prefix: prefix
                .split('/')
                .filter(|part| !part.is_empty())
                .map(str::to_owned)
                .collect(),
            described,
            read_budget: Arc::new(Semaphore::new(READ_AHEAD_BUDGET_BYTES)),
        }
    }

    /// The object path of a key (checked).
    fn path(&self, key: &str) -> ArtifactResult<ObjectPath> {
        let parts = key::segments(key)?;
        let full: Vec<&str> = self
            .prefix
            .iter()
            .map(String::as_str)
            .chain(parts)
            .collect();
        ObjectPath::parse(full.join("/")).map_err(|error| {
            ArtifactError::Invalid(format!("invalid artifact path '{key}': {error}"))
        })
    }

    /// The object path of a key that names a file (not the root).
    fn file_path(&self, key: &str) -> ArtifactResult<ObjectPath> {
        if key::segments(key)?.is_empty() {
            return Err(ArtifactError::Invalid(
                "invalid artifact path '': a file needs a name".to_owned(),
            ));
        }
        self.path(key)
    }

    /// An `object_store` failure as an artifact error about `key`.
    fn error(&self, key: &str, error: object_store::Error) -> ArtifactError {
        classify(&self.described, key, error)
    }

    /// Whether anything lies under `path/` (an object store's folder).
    async fn is_folder(&self, key: &str, path: &ObjectPath) -> ArtifactResult<bool> {
        let mut listing = self.store.list(Some(path));
        match listing.next().await {
            Some(Ok(_)) => Ok(true),
            Some(Err(error)) => Err(self.error(key, error)),
            None => Ok(false),
        }
    }

    /// The error for a key with no object: a folder there is `Invalid`, else `NotFound`.
    async fn missing(&self, key: &str, path: &ObjectPath) -> ArtifactError {
        match self.is_folder(key, path).await {
            Ok(true) => ArtifactError::Invalid(format!(
                "Artifact path refers to a directory, not a file: '{key}'"
            )),
            Ok(false) => ArtifactError::NotFound(format!("artifact '{key}' does not exist")),
            Err(error) => error,
        }
    }
}

/// Sorts an `object_store` error: not found, refused, unreachable, or anything else.
pub fn classify(store: &str, key: &str, error: object_store::Error) -> ArtifactError {
    match error {
        object_store::Error::NotFound { .. } => {
            ArtifactError::NotFound(format!("artifact '{key}' does not exist"))
        }
        object_store::Error::PermissionDenied { .. }
        | object_store::Error::Unauthenticated { .. } => ArtifactError::Denied {
            store: store.to_owned(),
            detail: format!("the request for '{key}' was refused (403/401)"),
        },
        object_store::Error::InvalidPath { source } => {
            ArtifactError::Invalid(format!("invalid artifact path '{key}': {source}"))
        }
        object_store::Error::Precondition { .. } => ArtifactError::Failed(format!(
            "artifact '{key}' was replaced while it was being read; read it again"
        )),
        other => {
            if let Some(kind) = transport_failure(&other) {
                return ArtifactError::Unavailable {
                    store: store.to_owned(),
                    detail: kind,
                };
            }
            let text = other.to_string();
            if text.contains("status code: 5") || text.contains("status code: 429") {
                ArtifactError::Unavailable {
                    store: store.to_owned(),
                    detail: format!("it answered with a server error for '{key}'"),
                }
            } else if [
                "403 Forbidden",
                "401 Unauthorized",
                "SignatureDoesNotMatch",
                "InvalidAccessKeyId",
                "AccessDenied",
            ]
            .iter()
            .any(|sign| text.contains(sign))
            {
                ArtifactError::Denied {
                    store: store.to_owned(),
                    detail: format!("the request for '{key}' was refused"),
                }
            } else if text.contains("NoSuchBucket") {
                ArtifactError::Unavailable {
                    store: store.to_owned(),
                    detail: "the bucket does not exist".to_owned(),
                }
            } else {
                ArtifactError::Failed(format!(
                    "the artifact store ({store}) failed on '{key}': {text}"
                ))
            }
        }
    }
}

/// When the error is a failure to connect, a timeout or a dropped connection, what it was.
fn transport_failure(error: &object_store::Error) -> Option<String> {
    let mut source = error.source();
    while let Some(current) = source {
        if let Some(http) = current.downcast_ref::<HttpError>() {
            return Some(match http.kind() {
                HttpErrorKind::Connect => {
                    "the connection was refused or could not be made".to_owned()
                }
                HttpErrorKind::Timeout => "it did not answer in time".to_owned(),
                HttpErrorKind::Interrupted | HttpErrorKind::Request => {
                    "the connection to it was lost".to_owned()
                }
                _ => format!("the request to it failed: {http}"),
            });
        }
        source = current.source();
    }
    None
}

#[async_trait]
impl ArtifactStore for S3Store {
    fn describe(&self) -> &str {
        &self.described
    }

    fn local_root(&self) -> Option<&Path> {
        None
    }

    async fn check(&self) -> ArtifactResult<()> {
        let root = self.path("")?;
        self.store
            .list_with_delimiter(Some(&root))
            .await
            .map(|_| ())
            .map_err(|error| self.error("", error))
    }

    async fn head(&self, key: &str) -> ArtifactResult<ArtifactMeta> {
        let path = self.path(key)?;
        match self.store.head(&path).await {
            Ok(meta) => Ok(ArtifactMeta {
                size: meta.size,
                modified_ms: Some(meta.last_modified.timestamp_millis()),
            }),
            Err(object_store::Error::NotFound { .. }) => Err(self.missing(key, &path).await),
            Err(error) => Err(self.error(key, error)),
        }
    }

    async fn read(&self, key: &str, range: Option<ByteRange>) -> ArtifactResult<ArtifactRead> {
        let path = self.path(key)?;
        // The bytes wanted: a range is bounded against the size first; a whole read asks for
        // its first part, which tells the size and is all of a small artifact.
        let wanted = match range {
            Some(range) => {
                let size = self.head(key).await?.size;
                let wanted = crate::folder::bounded(range, size, key)?;
                if wanted.is_empty() {
                    return Ok(ArtifactRead {
                        size,
                        range: wanted,
                        stream: futures_util::stream::empty().boxed(),
                    });
                }
                Some(wanted)
            }
            None => None,
        };
        let first = match &wanted {
            Some(wanted) => wanted.start..wanted.end.min(wanted.start + READ_PART_BYTES),
            None => 0..READ_PART_BYTES,
        };
        let options = GetOptions {
            range: Some(GetRange::Bounded(first)),
            ..GetOptions::default()
        };
        let result = match self.store.get_opts(&path, options).await {
            Ok(result) => result,
            Err(object_store::Error::NotFound { .. }) => {
                return Err(self.missing(key, &path).await);
            }
            // An empty object has no first byte to range over: read it whole.
            Err(_) if wanted.is_none() => {
                match self.store.get_opts(&path, GetOptions::default()).await {
                    Ok(result) => result,
                    Err(object_store::Error::NotFound { .. }) => {
                        return Err(self.missing(key, &path).await);
                    }
                    Err(error) => return Err(self.error(key, error)),
                }
            }
            Err(error) => return Err(self.error(key, error)),
        };
        let size = result.meta.size;
        let version = result.meta.e_tag.clone();
        let wanted = wanted.unwrap_or(0..size);
        let described = self.described.clone();
        let owned = key.to_owned();
        let first_end = result.range.end;
        let first = result.into_stream();
        // The rest in parts handed over in order, the next ones fetched ahead while one is
        // handed over: one GET streams at what one connection carries, where parallel ranges
        // go at what the store serves. Each part must come from the object the first part came
        // from: an artifact overwritten during the read ends it with an error rather than
        // mixing two.
        let parts: Vec<std::ops::Range<u64>> = (first_end..wanted.end)
            .step_by(READ_PART_BYTES as usize)
            .map(|start| start..(start + READ_PART_BYTES).min(wanted.end))
            .collect();
        let source = read_ahead::Source {
            store: Arc::clone(&self.store) as Arc<dyn ObjectStore>,
            path,
            version,
        };
        let stream = read_ahead::read_parts(source, first, parts, Arc::clone(&self.read_budget))
            .map_err(move |error| classify(&described, &owned, error));
        Ok(ArtifactRead {
            size,
            range: wanted,
            stream: stream.boxed(),
        })
    }

    async fn writer(&self, key: &str) -> ArtifactResult<Box<dyn ArtifactWriter>> {
        self.file_path(key)?;
        Ok(Box::new(writer::S3Writer::new(self.clone(), key)))
    }

    async fn list(&self, prefix: &str) -> ArtifactResult<Vec<ArtifactEntry>> {
        let path = self.path(prefix)?;
        let listing = self
            .store
            .list_with_delimiter(Some(&path))
            .await
            .map_err(|error| self.error(prefix, error))?;
        let mut entries: Vec<ArtifactEntry> = listing
            .common_prefixes
            .iter()
            .filter_map(|folder| folder.filename())
            .map(|name| ArtifactEntry {
                name: name.to_owned(),
                is_dir: true,
                size: None,
            })
            .chain(listing.objects.iter().filter_map(|object| {
                let name = object.location.filename()?;
                (object.location != path).then(|| ArtifactEntry {
                    name: name.to_owned(),
                    is_dir: false,
                    size: Some(object.size),
                })
            }))
            .collect();
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        entries.dedup_by(|a, b| a.name == b.name);
        Ok(entries)
    }

    async fn delete(&self, key: &str) -> ArtifactResult<()> {
        if key::segments(key)?.is_empty() {
            return Err(ArtifactError::Invalid(
                "invalid artifact path '': the whole artifact store is not deleted".to_owned(),
            ));
        }
        let path = self.path(key)?;
        let file = match self.store.head(&path).await {
            Ok(_) => true,
            Err(object_store::Error::NotFound { .. }) => false,
            Err(error) => return Err(self.error(key, error)),
        };
        let inside: Vec<ObjectPath> = self
            .store
            .list(Some(&path))
            .map_ok(|meta| meta.location)
            .try_collect()
            .await
            .map_err(|error| self.error(key, error))?;
        if !file && inside.is_empty() {
            return Err(ArtifactError::NotFound(format!(
                "artifact '{key}' does not exist"
            )));
        }
        // A store that keeps folders as entries of their own (SeaweedFS) keeps listing an emptied
        // folder until it is deleted too: the folders between the key and each object go after
        // the objects, deepest first (on AWS these deletes find nothing and do nothing).
        let depth = path.parts().count();
        let mut folders: Vec<ObjectPath> = vec![path.clone()];
        for object in &inside {
            let parts: Vec<_> = object.parts().collect();
            for end in depth + 1..parts.len() {
                let folder: ObjectPath = parts[..end].iter().cloned().collect();
                if !folders.contains(&folder) {
                    folders.push(folder);
                }
            }
        }
        folders.sort_by_key(|folder| std::cmp::Reverse(folder.parts().count()));
        let mut doomed = inside;
        if file {
            doomed.push(path.clone());
            folders.retain(|folder| *folder != path);
        }
        self.store
            .delete_stream(futures_util::stream::iter(doomed.into_iter().map(Ok)).boxed())
            .try_collect::<Vec<_>>()
            .await
            .map_err(|error| self.error(key, error))?;
        for folder in folders {
            match self.store.delete(&folder).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(error) => return Err(self.error(key, error)),
            }
        }
        Ok(())
    }

    fn multipart(&self) -> Option<&dyn StoreMultipart> {
        Some(self)
    }
}

#[async_trait]
impl StoreMultipart for S3Store {
    async fn create(&self, key: &str) -> ArtifactResult<String> {
        let path = self.file_path(key)?;
        self.store
            .create_multipart(&path)
            .await
            .map_err(|error| self.error(key, error))
    }

    async fn put_part(
        &self,
        key: &str,
        upload_id: &str,
        part_number: u32,
        bytes: Vec<Bytes>,
    ) -> ArtifactResult<String> {
        let path = self.path(key)?;
        let index = usize::try_from(part_number.saturating_sub(1)).unwrap_or(0);
        let payload: PutPayload = bytes.into_iter().collect();
        let part = self
            .store
            .put_part(&path, &upload_id.to_owned(), index, payload)
            .await
            .map_err(|error| self.upload_error(key, upload_id, error))?;
        Ok(part.content_id)
    }

    async fn complete(
        &self,
        key: &str,
        upload_id: &str,
        parts: &[StoredPart],
    ) -> ArtifactResult<u64> {
        let path = self.path(key)?;
        for (index, part) in parts.iter().enumerate() {
            if usize::try_from(part.part_number).ok() != Some(index + 1) {
                return Err(ArtifactError::Invalid(format!(
                    "invalid value {} for parameter 'parts[{index}].part_number': an object \
                     store's upload is completed with parts 1, 2, 3... in order, each once",
                    part.part_number
                )));
            }
        }
        let ids = parts
            .iter()
            .map(|part| PartId {
                content_id: part.etag.clone(),
            })
            .collect();
        self.store
            .complete_multipart(&path, &upload_id.to_owned(), ids)
            .await
            .map_err(|error| self.upload_error(key, upload_id, error))?;
        Ok(self
            .store
            .head(&path)
            .await
            .map_err(|error| self.error(key, error))?
            .size)
    }

    async fn abort(&self, key: &str, upload_id: &str) -> ArtifactResult<()> {
        let path = self.path(key)?;
        self.store
            .abort_multipart(&path, &upload_id.to_owned())
            .await
            .map_err(|error| self.upload_error(key, upload_id, error))
    }
}

impl S3Store {
    /// A multipart failure: an unknown upload id is `NotFound` naming it.
    fn upload_error(
        &self,
        key: &str,
        upload_id: &str,
        error: object_store::Error,
    ) -> ArtifactError {
        let text = error.to_string();
        if matches!(error, object_store::Error::NotFound { .. }) || text.contains("NoSuchUpload") {
            return ArtifactError::NotFound(format!(
                "no multipart upload with upload_id '{upload_id}' to artifact '{key}' (never \
                 created, or already completed or aborted)"
            ));
        }
        if text.contains("InvalidPart") || text.contains("EntityTooSmall") {
            return ArtifactError::Invalid(format!(
                "the upload of '{key}' cannot be completed: the store refused its parts ({})",
                if text.contains("EntityTooSmall") {
                    "a part other than the last is smaller than 5 MiB"
                } else {
                    "a part was never uploaded or its etag does not match"
                }
            ));
        }
        self.error(key, error)
    }
}

//! Proxy multipart uploads (`mlflow-artifacts/mpu/create|complete|abort`), behind one small
//! interface so that another place artifacts are kept (S3, whose parts go to presigned URLs) can
//! implement the same four operations. [`LocalMultipart`] keeps them in the store's artifact
//! folder; [`ObjectMultipart`] hands them to an object store's own multipart upload. The part
//! URLs of both point back at this server's own artifact `PUT` route.
//!
//! The client's sequence (mlflow's `HttpArtifactRepository._try_multipart_upload`): `create`
//! with `num_parts` → one `PUT` of each part to its credential's `url`, with the credential's
//! `headers`, taking the reply's `ETag` → `complete` with every part's number and etag, in
//! order; on any failure `abort`.

mod local;
mod object;
mod part_memory;
mod staging;
mod sweep;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::body::Body;

pub use cairn_artifact_store::journal::{JOURNAL_DIR, SERVER_GONE_AFTER, abort_abandoned, beat};
pub use local::LocalMultipart;
pub use object::ObjectMultipart;
pub use staging::{check_part_number, is_staging_dir_name};
pub use sweep::{keep_journal, sweep_forever};

use cairn_artifact_store::ArtifactStore;

use crate::error::ApiError;
use crate::server_origin::{ServerOrigin, encode_path};

/// S3's limit on parts in one upload, which the client's chunk size is chosen against.
pub const MAX_PARTS: u32 = 10_000;

/// What an operation gives back, later.
pub type Pending<'a, T> = Pin<Box<dyn Future<Output = Result<T, ApiError>> + Send + 'a>>;

/// Where one part is to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartCredential {
    /// 1-based.
    pub part_number: u32,
    /// Absolute URL the client `PUT`s the part's bytes to.
    pub url: String,
    /// Headers to send with it.
    pub headers: BTreeMap<String, String>,
}

/// A started upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedUpload {
    /// Names the upload in the later calls.
    pub upload_id: String,
    /// One per part, in part order.
    pub credentials: Vec<PartCredential>,
}

/// A part the client says it uploaded, as `complete` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedPart {
    /// 1-based.
    pub part_number: u32,
    /// The `ETag` the part's `PUT` answered.
    pub etag: String,
}

/// The four operations of a multipart upload to `path` (relative to the artifact root, already
/// checked by the caller's route for its shape, not for where it resolves).
pub trait MultipartUploads: Send + Sync + std::fmt::Debug {
    /// Starts an upload of `num_parts` parts.
    fn create<'a>(
        &'a self,
        path: &'a str,
        num_parts: u32,
        origin: &'a ServerOrigin,
    ) -> Pending<'a, CreatedUpload>;

    /// Receives one part's bytes (streamed; `declared_bytes` is its `Content-Length`, when
    /// sent); answers its etag. A re-sent part replaces the earlier one.
    fn upload_part<'a>(
        &'a self,
        path: &'a str,
        upload_id: &'a str,
        part_number: u32,
        body: Body,
        declared_bytes: Option<u64>,
    ) -> Pending<'a, String>;

    /// Joins `parts` (ascending part numbers, each uploaded and matching its etag) into the file
    /// at `path`, atomically; answers its size in bytes.
    fn complete<'a>(
        &'a self,
        path: &'a str,
        upload_id: &'a str,
        parts: &'a [UploadedPart],
    ) -> Pending<'a, u64>;

    /// Drops the upload and whatever parts it received.
    fn abort<'a>(&'a self, path: &'a str, upload_id: &'a str) -> Pending<'a, ()>;
}

/// The multipart uploads of an artifact store: its own when it has them (object stores), else
/// staged in its folder.
pub fn for_store(artifacts: &Arc<dyn ArtifactStore>, max_bytes: u64) -> Arc<dyn MultipartUploads> {
    match artifacts.local_root() {
        Some(root) if artifacts.multipart().is_none() => {
            Arc::new(LocalMultipart::new(root.to_path_buf(), max_bytes))
        }
        _ => Arc::new(ObjectMultipart::new(Arc::clone(artifacts), max_bytes)),
    }
}

/// One credential per part, each a URL of this server's artifact `PUT` route naming the upload
/// and the part, with the client's own `Authorization` when the server checks credentials.
pub fn part_credentials(
    origin: &ServerOrigin,
    path: &str,
    upload_id: &str,
    num_parts: u32,
) -> Vec<PartCredential> {
    let headers = origin.headers();
    let artifact_url = origin.artifact_url(path);
    let upload = encode_path(upload_id).replace('/', "%2F");
    (1..=num_parts)
        .map(|part_number| PartCredential {
            part_number,
            url: format!("{artifact_url}?upload_id={upload}&part_number={part_number}"),
            headers: headers.clone(),
        })
        .collect()
}

//! Proxy multipart uploads (`mlflow-artifacts/mpu/create|complete|abort`), behind one small
//! interface so that another place artifacts are kept (S3, whose parts go to presigned URLs) can
//! implement the same four operations. [`LocalMultipart`] keeps them in the store's artifact
//! folder: its part URLs point back at this server's own artifact `PUT` route.
//!
//! The client's sequence (mlflow's `HttpArtifactRepository._try_multipart_upload`): `create`
//! with `num_parts` → one `PUT` of each part to its credential's `url`, with the credential's
//! `headers`, taking the reply's `ETag` → `complete` with every part's number and etag, in
//! order; on any failure `abort`.

mod local;
mod staging;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use axum::body::Body;

pub use local::LocalMultipart;
pub use staging::{check_part_number, is_staging_dir_name};

use crate::error::ApiError;

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

/// How the client reached this server: part URLs of a backend that receives parts itself are
/// built from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerOrigin {
    /// `scheme://host[:port]`, no trailing slash.
    pub base_url: String,
    /// The `Authorization` header to send with each part, when the server checks credentials
    /// (the client's part uploads carry only the credential's headers).
    pub authorization: Option<String>,
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

    /// Receives one part's bytes (streamed); answers its etag. A re-sent part replaces the
    /// earlier one.
    fn upload_part<'a>(
        &'a self,
        path: &'a str,
        upload_id: &'a str,
        part_number: u32,
        body: Body,
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

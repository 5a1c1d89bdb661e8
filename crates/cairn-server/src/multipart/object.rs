//! Multipart uploads into an object store through its own multipart upload: `create` starts one
//! in the store, each part arriving at this server's `PUT mlflow-artifacts/artifacts/<path>
//! ?upload_id=&part_number=` is sent on to the store as that part, `complete` has the store join
//! them (the object appears only then, whole), `abort` drops them. Upload ids are the store's.
//!
//! The store needs a part's length before sending it, so a part is held in memory while it goes
//! through (the client's parts are 10 MB by default), within a budget all uploads share
//! ([`super::part_memory`]); a part larger than [`MAX_PART_BYTES`] is refused with 413.

use std::sync::Arc;

use axum::body::Body;
use axum::body::Bytes;
use cairn_artifact_store::{ArtifactStore, StoreMultipart, StoredPart, journal};
use futures_util::StreamExt as _;

use super::part_memory::PartMemory;
use super::{CreatedUpload, MultipartUploads, Pending, UploadedPart, part_credentials};
use crate::error::ApiError;
use crate::server_origin::ServerOrigin;

/// Largest part taken, in bytes.
pub const MAX_PART_BYTES: u64 = 128 * 1024 * 1024;

/// Multipart uploads handed to an artifact store's own.
#[derive(Debug, Clone)]
pub struct ObjectMultipart {
    store: Arc<dyn ArtifactStore>,
    max_bytes: u64,
    part_memory: PartMemory,
}

impl ObjectMultipart {
    /// Uploads into `store` (which must have multipart uploads), each whole file at most
    /// `max_bytes`.
    pub fn new(store: Arc<dyn ArtifactStore>, max_bytes: u64) -> ObjectMultipart {
        ObjectMultipart {
            store,
            max_bytes,
            part_memory: PartMemory::new(),
        }
    }

    fn multipart(&self) -> Result<&dyn StoreMultipart, ApiError> {
        self.store.multipart().ok_or_else(|| {
            ApiError::new(
                "NOT_IMPLEMENTED",
                format!(
                    "the artifact store ({}) has no multipart uploads",
                    self.store.describe()
                ),
            )
        })
    }
}

/// Refuses an upload id no store would hand out (empty, too long, or with control characters).
fn check_upload_id(upload_id: &str) -> Result<(), ApiError> {
    if upload_id.is_empty() || upload_id.len() > 1024 || upload_id.chars().any(char::is_control) {
        return Err(ApiError::invalid(format!(
            "invalid value '{upload_id}' for parameter 'upload_id': not an upload id this server \
             gave"
        )));
    }
    Ok(())
}

impl MultipartUploads for ObjectMultipart {
    fn create<'a>(
        &'a self,
        path: &'a str,
        num_parts: u32,
        origin: &'a ServerOrigin,
    ) -> Pending<'a, CreatedUpload> {
        Box::pin(async move {
            let upload_id = journal::begin(&*self.store, self.multipart()?, path).await?;
            Ok(CreatedUpload {
                credentials: part_credentials(origin, path, &upload_id, num_parts),
                upload_id,
            })
        })
    }

    fn upload_part<'a>(
        &'a self,
        path: &'a str,
        upload_id: &'a str,
        part_number: u32,
        body: Body,
        declared_bytes: Option<u64>,
    ) -> Pending<'a, String> {
        Box::pin(async move {
            check_upload_id(upload_id)?;
            let multipart = self.multipart()?;
            let limit = MAX_PART_BYTES.min(self.max_bytes);
            let _room = self.part_memory.reserve(declared_bytes, limit).await?;
            let mut pieces: Vec<Bytes> = Vec::new();
            let mut received: u64 = 0;
            let mut stream = body.into_data_stream();
            while let Some(piece) = stream.next().await {
                let piece = piece.map_err(|error| crate::args::body_error(&error, limit))?;
                received += piece.len() as u64;
                if received > limit {
                    return Err(ApiError::new(
                        "PAYLOAD_TOO_LARGE",
                        format!(
                            "part {part_number} of the upload of '{path}' is larger than \
                             {limit} bytes; upload smaller parts \
                             (MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE)"
                        ),
                    ));
                }
                pieces.push(piece);
            }
            Ok(multipart
                .put_part(path, upload_id, part_number, pieces)
                .await?)
        })
    }

    fn complete<'a>(
        &'a self,
        path: &'a str,
        upload_id: &'a str,
        parts: &'a [UploadedPart],
    ) -> Pending<'a, u64> {
        Box::pin(async move {
            check_upload_id(upload_id)?;
            let parts: Vec<StoredPart> = parts
                .iter()
                .map(|part| StoredPart {
                    part_number: part.part_number,
                    etag: part.etag.clone(),
                })
                .collect();
            let size =
                journal::complete(&*self.store, self.multipart()?, path, upload_id, &parts).await?;
            if size > self.max_bytes {
                // Joined past the limit: the file does not stay.
                let _ = self.store.delete(path).await;
                return Err(crate::args::too_large(self.max_bytes));
            }
            Ok(size)
        })
    }

    fn abort<'a>(&'a self, path: &'a str, upload_id: &'a str) -> Pending<'a, ()> {
        Box::pin(async move {
            check_upload_id(upload_id)?;
            Ok(journal::abort(&*self.store, self.multipart()?, path, upload_id).await?)
        })
    }
}

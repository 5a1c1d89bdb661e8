//! Multipart uploads into the store's artifact folder: parts arrive at this server's own
//! `PUT mlflow-artifacts/artifacts/<path>?upload_id=&part_number=` and are streamed to the
//! upload's staging folder; `complete` joins them (see `staging`), `abort` removes the folder.

use std::path::{Path, PathBuf};

use axum::body::Body;

use super::staging::{
    check_upload_id, etag_of, join_parts, new_upload_id, part_file, part_temp_file, staging_dir,
};
use super::{CreatedUpload, MultipartUploads, Pending, UploadedPart, part_credentials};
use crate::artifact_http::folder::{check_name_lengths, prepare_target, resolve, stream_to_file};
use crate::error::ApiError;
use crate::server_origin::ServerOrigin;

/// Multipart uploads kept in a local artifact folder.
#[derive(Debug, Clone)]
pub struct LocalMultipart {
    artifact_root: PathBuf,
    max_bytes: u64,
}

impl LocalMultipart {
    /// Uploads into `artifact_root`, each part and each whole file at most `max_bytes`.
    pub fn new(artifact_root: PathBuf, max_bytes: u64) -> LocalMultipart {
        LocalMultipart {
            artifact_root,
            max_bytes,
        }
    }

    /// The target file and the staging folder of an upload that must exist.
    async fn existing_upload(
        &self,
        path: &str,
        upload_id: &str,
    ) -> Result<(PathBuf, PathBuf), ApiError> {
        check_upload_id(upload_id)?;
        let target = resolve(&self.artifact_root, path)?;
        let staging = staging_dir(&target, upload_id);
        if !tokio::fs::metadata(&staging)
            .await
            .is_ok_and(|metadata| metadata.is_dir())
        {
            return Err(ApiError::not_found(format!(
                "no multipart upload with upload_id '{upload_id}' to artifact '{path}' (never \
                 created, or already completed or aborted)"
            )));
        }
        Ok((target, staging))
    }
}

impl MultipartUploads for LocalMultipart {
    fn create<'a>(
        &'a self,
        path: &'a str,
        num_parts: u32,
        origin: &'a ServerOrigin,
    ) -> Pending<'a, CreatedUpload> {
        Box::pin(async move {
            let target = resolve(&self.artifact_root, path)?;
            check_name_lengths(path)?;
            prepare_target(&target, path).await?;
            let upload_id = new_upload_id();
            tokio::fs::create_dir(staging_dir(&target, &upload_id))
                .await
                .map_err(|error| {
                    ApiError::from_io(&format!("starting an upload of '{path}'"), &error)
                })?;
            let credentials = part_credentials(origin, path, &upload_id, num_parts);
            Ok(CreatedUpload {
                upload_id,
                credentials,
            })
        })
    }

    fn upload_part<'a>(
        &'a self,
        path: &'a str,
        upload_id: &'a str,
        part_number: u32,
        body: Body,
        _declared_bytes: Option<u64>,
    ) -> Pending<'a, String> {
        // Streamed to a file as it arrives: no part is held in memory.
        Box::pin(async move {
            let (_, staging) = self.existing_upload(path, upload_id).await?;
            let temporary = part_temp_file(&staging, part_number);
            let mut hasher = blake3::Hasher::new();
            stream_to_file(body, &temporary, self.max_bytes, Some(&mut hasher), path).await?;
            if let Err(error) =
                tokio::fs::rename(&temporary, part_file(&staging, part_number)).await
            {
                let _ = tokio::fs::remove_file(&temporary).await;
                return Err(ApiError::from_io(
                    &format!("storing part {part_number} of upload '{upload_id}'"),
                    &error,
                ));
            }
            Ok(etag_of(&hasher))
        })
    }

    fn complete<'a>(
        &'a self,
        path: &'a str,
        upload_id: &'a str,
        parts: &'a [UploadedPart],
    ) -> Pending<'a, u64> {
        Box::pin(async move {
            let (target, staging) = self.existing_upload(path, upload_id).await?;
            let parts = parts.to_vec();
            let limit = self.max_bytes;
            let artifact = path.to_owned();
            let staging_folder = staging.clone();
            let size = tokio::task::spawn_blocking(move || {
                join_parts(&staging_folder, &target, &parts, limit, &artifact)
            })
            .await
            .map_err(|error| {
                ApiError::new(
                    "INTERNAL_ERROR",
                    format!("completing the upload of '{path}' failed: {error}"),
                )
            })??;
            remove_staging(&staging).await;
            Ok(size)
        })
    }

    fn abort<'a>(&'a self, path: &'a str, upload_id: &'a str) -> Pending<'a, ()> {
        Box::pin(async move {
            let (_, staging) = self.existing_upload(path, upload_id).await?;
            tokio::fs::remove_dir_all(&staging).await.map_err(|error| {
                ApiError::from_io(&format!("aborting upload '{upload_id}'"), &error)
            })
        })
    }
}

/// Removes a staging folder whose file is complete; what cannot be removed now is swept later.
async fn remove_staging(staging: &Path) {
    let _ = tokio::fs::remove_dir_all(staging).await;
}

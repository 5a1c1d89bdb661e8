//! An artifact's bytes as a download, streamed from the file (never read whole), with the
//! headers MLflow's server sends so that a browser saves it rather than shows it:
//! `Content-Type` by file type, `Content-Disposition: attachment; filename=...` and
//! `X-Content-Type-Options: nosniff`.

use std::path::Path;

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::content_type::{content_disposition, content_type};
use crate::error::{ApiError, ApiResult};

/// `file` (already resolved inside what may be read) as a download named after `artifact`, the
/// path the client asked for. A folder is 400, a missing file 404.
pub async fn send_artifact(file: &Path, artifact: &str) -> ApiResult<Response> {
    let opened = match tokio::fs::File::open(file).await {
        Ok(opened) => opened,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(ApiError::not_found(format!(
                "artifact '{artifact}' does not exist"
            )));
        }
        Err(error) => {
            return Err(ApiError::from_io(
                &format!("reading artifact '{artifact}'"),
                &error,
            ));
        }
    };
    let metadata = opened
        .metadata()
        .await
        .map_err(|error| ApiError::from_io(&format!("reading artifact '{artifact}'"), &error))?;
    if metadata.is_dir() {
        return Err(ApiError::invalid(format!(
            "Artifact path refers to a directory, not a file: '{artifact}'"
        )));
    }
    let stream = tokio_util::io::ReaderStream::with_capacity(opened, 256 * 1024);
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(artifact)),
    );
    // A name with control characters cannot be a header value: still an attachment.
    let disposition = HeaderValue::from_str(&content_disposition(artifact))
        .unwrap_or(HeaderValue::from_static("attachment"));
    headers.insert(header::CONTENT_DISPOSITION, disposition);
    headers.insert(
        HeaderName::from_static("x-content-type-options"),
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(metadata.len()));
    Ok(response)
}

//! Artifact bytes through the server's [`ArtifactStore`](cairn_artifact_store::ArtifactStore),
//! whichever it is: a download streamed from the store (a `Range: bytes=...` request answered
//! 206 with only those bytes), a request body streamed into the store under the upload limit,
//! and the store's errors as MLflow's — a store that cannot be reached is 503
//! `TEMPORARILY_UNAVAILABLE` naming it, one that refuses this server's credentials 500 saying so.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cairn_artifact_store::{ArtifactError, ArtifactStore, ArtifactWriter, ByteRange};
use futures_util::StreamExt as _;

use super::content_type::{content_disposition, content_type};
use crate::error::{ApiError, ApiResult};

impl From<ArtifactError> for ApiError {
    fn from(error: ArtifactError) -> ApiError {
        match error {
            ArtifactError::NotFound(message) => ApiError::not_found(message),
            ArtifactError::Invalid(message) => ApiError::invalid(message),
            ArtifactError::Io { doing, error } => ApiError::from_io(&doing, &error),
            unavailable @ ArtifactError::Unavailable { .. } => {
                ApiError::new("TEMPORARILY_UNAVAILABLE", unavailable.to_string())
            }
            other => ApiError::new("INTERNAL_ERROR", other.to_string()),
        }
    }
}

/// The byte range a request's `Range` header asks for: one `bytes=a-b`, `bytes=a-` or
/// `bytes=-n`. Anything else (several ranges, another unit, garbage) is ignored, as HTTP allows:
/// the whole file is sent.
pub fn requested_range(headers: &HeaderMap) -> Option<ByteRange> {
    let text = headers.get(header::RANGE)?.to_str().ok()?.trim();
    let spec = text.strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (start, end) = spec.split_once('-')?;
    let number = |text: &str| text.trim().parse::<u64>().ok();
    match (start.trim().is_empty(), end.trim().is_empty()) {
        (true, false) => number(end)
            .filter(|count| *count > 0)
            .map(ByteRange::Suffix),
        (false, true) => number(start).map(ByteRange::From),
        (false, false) => {
            let (start, end) = (number(start)?, number(end)?);
            (start <= end).then(|| ByteRange::Bounded(start, end.saturating_add(1)))
        }
        (true, true) => None,
    }
}

/// The artifact at `key` as a download named after `artifact` (the path the client asked for),
/// all of it or the `range` asked; a range past its end is 416.
pub async fn send_stored(
    store: &dyn ArtifactStore,
    key: &str,
    artifact: &str,
    range: Option<ByteRange>,
) -> ApiResult<Response> {
    let read = match store.read(key, range).await {
        Ok(read) => read,
        Err(ArtifactError::Invalid(message)) if range.is_some() && message.contains("range") => {
            let mut response =
                ApiError::invalid(message).with_status(StatusCode::RANGE_NOT_SATISFIABLE);
            response.message = format!("{} (Content-Range: bytes */size)", response.message);
            return Err(response);
        }
        Err(error) => return Err(file_error(error, artifact)),
    };
    let length = read.range.end - read.range.start;
    let partial = range.is_some();
    let (size, start, end) = (read.size, read.range.start, read.range.end);
    let stream = read
        .stream
        .map(|piece| piece.map_err(|error| std::io::Error::other(error.to_string())));
    let mut response = Body::from_stream(stream).into_response();
    if partial {
        *response.status_mut() = StatusCode::PARTIAL_CONTENT;
    }
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
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    if partial
        && let Ok(value) =
            HeaderValue::from_str(&format!("bytes {start}-{}/{size}", end.saturating_sub(1)))
    {
        headers.insert(header::CONTENT_RANGE, value);
    }
    Ok(response)
}

/// A failure to find or read the file `artifact` as MLflow answers it: missing is 404, a folder
/// where a file was asked is 400.
pub fn file_error(error: ArtifactError, artifact: &str) -> ApiError {
    match error {
        ArtifactError::NotFound(_) => {
            ApiError::not_found(format!("artifact '{artifact}' does not exist"))
        }
        ArtifactError::Invalid(message) if message.contains("refers to a directory") => {
            ApiError::invalid(format!(
                "Artifact path refers to a directory, not a file: '{artifact}'"
            ))
        }
        other => other.into(),
    }
}

/// Streams `body` into `writer`, at most `limit` bytes (413 beyond); answers the bytes written.
/// On any error the writer is aborted, so nothing is left at the key.
pub async fn copy_body(
    mut writer: Box<dyn ArtifactWriter>,
    body: Body,
    limit: u64,
) -> Result<(Box<dyn ArtifactWriter>, u64), ApiError> {
    let mut written: u64 = 0;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let failure = match chunk {
            Err(error) => Some(crate::args::body_error(&error, limit)),
            Ok(chunk) => {
                written += chunk.len() as u64;
                if written > limit {
                    Some(crate::args::too_large(limit))
                } else if let Err(error) = writer.write(chunk).await {
                    Some(ApiError::from(error))
                } else {
                    None
                }
            }
        };
        if let Some(error) = failure {
            writer.abort().await;
            return Err(error);
        }
    }
    Ok((writer, written))
}

/// Streams `body` into the artifact at `key` and makes it visible; answers its size.
pub async fn store_body(
    store: &dyn ArtifactStore,
    key: &str,
    body: Body,
    limit: u64,
) -> Result<u64, ApiError> {
    let writer = store.writer(key).await?;
    let (writer, _) = copy_body(writer, body, limit).await?;
    Ok(writer.finish().await?)
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue, header};
    use cairn_artifact_store::ByteRange;

    use super::requested_range;

    #[test]
    fn single_byte_ranges_are_read_and_the_rest_ignored() {
        let range = |text: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(
                header::RANGE,
                HeaderValue::from_str(text).unwrap_or(HeaderValue::from_static("")),
            );
            requested_range(&headers)
        };
        assert_eq!(range("bytes=0-9"), Some(ByteRange::Bounded(0, 10)));
        assert_eq!(range("bytes=5-"), Some(ByteRange::From(5)));
        assert_eq!(range("bytes=-3"), Some(ByteRange::Suffix(3)));
        for ignored in [
            "bytes=0-1,4-5",
            "items=0-1",
            "bytes=9-2",
            "bytes=-",
            "bytes=a-b",
        ] {
            assert_eq!(range(ignored), None, "{ignored}");
        }
    }
}

//! How artifact files travel over HTTP, whatever route asks: the headers a download carries
//! (`content_type`), the streamed file response (`send`), MLflow's check of a relative path
//! given in a query (`safe_path`), bytes through the server's artifact store (`stored`), and
//! file-access errors as MLflow error codes.

pub mod content_type;
pub mod folder;
mod mime_table;
pub mod safe_path;
pub mod send;
pub mod stored;

use cairn_app::{AppError, ErrorKind};

use crate::error::ApiError;

/// A query string's `(name, value)` pairs, decoded, in order.
pub fn query_pairs(query: Option<&str>) -> Result<Vec<(String, String)>, ApiError> {
    serde_urlencoded::from_str(query.unwrap_or(""))
        .map_err(|error| ApiError::invalid(format!("malformed query string: {error}")))
}

/// A refusal from `cairn_app::artifact_files` (a missing file, a path or location outside what
/// may be read) as MLflow's error: missing is 404, refused is 400, anything else 500.
pub fn file_error(error: AppError) -> ApiError {
    match error.kind {
        ErrorKind::NotFound => ApiError::not_found(error.message),
        ErrorKind::Internal => ApiError::new("INTERNAL_ERROR", error.message),
        ErrorKind::Invalid
        | ErrorKind::Search
        | ErrorKind::Conflict
        | ErrorKind::Forbidden
        | ErrorKind::TooLarge => ApiError::invalid(error.message),
    }
}
